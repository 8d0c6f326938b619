//! Turning a parsed query and filters into a tantivy query.
//!
//! A word becomes, in each language, its stem looked up in the title, heading and body fields
//! (a disjunction-max, title weighted above body), plus a smaller bonus where the exact,
//! unstemmed form matches. A phrase is a phrase query on the exact fields. Words side by side
//! are alternatives, ranked by how many match and how well (BM25); `+` and `-` require and
//! exclude; filters restrict without changing the ranking.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::sync::LazyLock;

use minga_core::{Date, Lang, fold, fold_key};
use tantivy::collector::TopDocs;
use tantivy::query::EnableScoring;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur as TOccur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use super::parse::{Clause, FieldFilter, Node, Occur};
use crate::analysis::Analyzer;
use crate::dictionary::Dictionary;
use crate::engine::{Vocabulary, stored_passage};
use crate::expand::{
    Cues, Expansion, GlossaryIndex, Rule, Terms, bare, distinct, edit_distance, query_lang,
    typo_distance,
};
use crate::ranking::Ranking;
use crate::schema::{ENTRY_PASSAGE, Fields, TextFields};
use crate::tables::Tables;
use crate::{Error, FacetName, Result};

/// Most words a word still being typed stands for (see [`QueryBuilder::prefix`]).
pub(crate) const MAX_COMPLETIONS: usize = 16;

/// The analyzers a query is read with.
#[derive(Debug, Clone)]
pub(crate) struct Analyzers {
    pub es: Analyzer,
    pub en: Analyzer,
    pub exact: Analyzer,
    /// Every language's analyzer, in the order of `Lang::ALL` (the exact analyzer for a
    /// language without a stemmer).
    by_lang: Vec<Analyzer>,
}

impl Analyzers {
    pub fn new() -> Analyzers {
        Analyzers {
            es: Analyzer::stemmed(Lang::Es),
            en: Analyzer::stemmed(Lang::En),
            exact: Analyzer::exact(),
            by_lang: Lang::ALL.into_iter().map(Analyzer::stemmed).collect(),
        }
    }

    /// A language's analyzer: stemmed, or exact for a language without a stemmer.
    pub fn stemmed(&self, lang: Lang) -> &Analyzer {
        match lang {
            Lang::Es => &self.es,
            Lang::En => &self.en,
            _ => Lang::ALL
                .iter()
                .position(|&l| l == lang)
                .and_then(|i| self.by_lang.get(i))
                .unwrap_or(&self.exact),
        }
    }

    /// Whether a word is a stop word in Spanish or English (the only languages with a stop
    /// list).
    pub fn is_stop_word(&self, word: &str) -> bool {
        self.es.is_stop_word(word) || self.en.is_stop_word(word)
    }

    /// Whether a word is a stop word of the query's language `lang`; of Spanish or English
    /// when the query does not tell which it is written in. So `son` is searched in "the
    /// son of Zeus", and `who` in "¿quién es Doctor Who?".
    pub fn is_stop_word_of(&self, lang: Option<Lang>, word: &str) -> bool {
        match lang {
            Some(lang) => self.stemmed(lang).is_stop_word(word),
            None => self.is_stop_word(word),
        }
    }

    /// The words of a quoted phrase that search something when it is searched as its words
    /// (what the `phrase` rule reports): without the punctuation typed around them, nor
    /// the stop words of the query's language `lang`.
    pub fn phrase_words(&self, lang: Option<Lang>, phrase: &str) -> Vec<String> {
        phrase
            .split_whitespace()
            .map(bare)
            .filter(|w| !w.is_empty() && !self.is_stop_word_of(lang, w))
            .map(str::to_string)
            .collect()
    }
}

/// The terms a query looks for, so snippets can mark them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Highlight {
    /// Stems, per language.
    pub stems: HashMap<Lang, HashSet<String>>,
    pub exact: HashSet<String>,
}

/// What a language without stems to mark marks: nothing.
static NO_STEMS: LazyLock<HashSet<String>> = LazyLock::new(HashSet::new);

impl Highlight {
    pub fn stems(&self, lang: Lang) -> &HashSet<String> {
        self.stems.get(&lang).unwrap_or(&NO_STEMS)
    }

    /// The stems of a language, to add to.
    pub fn stems_mut(&mut self, lang: Lang) -> &mut HashSet<String> {
        self.stems.entry(lang).or_default()
    }
}

/// Builds tantivy queries for one search.
pub(crate) struct QueryBuilder<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    pub analyzers: &'a Analyzers,
    pub tables: &'a Tables,
    pub vocabulary: &'a Vocabulary,
    pub ranking: &'a Ranking,
    pub glossary: &'a GlossaryIndex,
    /// Whether to expand with the glossary, the dictionary and typo tolerance.
    pub expand: bool,
    /// Whether a word also reaches the stems of its spellings with an accent (`innovacion`
    /// those of `innovación`, but also `colonia` that of `Colón`): an expansion, on when
    /// expanding, and kept by the builder of excluded clauses, so `-mineria` excludes
    /// `minería`.
    pub accents: bool,
    /// What the query's text tells: its language, the words that are names.
    pub cues: Cues,
    pub highlight: Highlight,
    /// The expansions that fired, for the response.
    pub expansions: Vec<Expansion>,
    /// Misspelt words with the index word most likely meant, for "did you mean".
    pub corrections: Vec<(String, String)>,
    /// The words typed (not excluded ones, not stop words), each with its query, for telling
    /// which matched nothing.
    pub typed: Vec<(String, Box<dyn Query>)>,
    /// What the glossary and the dictionary searched words as: the words (folded), and the
    /// query of what they were searched as.
    pub alternates: Vec<(Vec<String>, Box<dyn Query>)>,
}

impl QueryBuilder<'_> {
    /// Every passage.
    pub fn all_passages(&self) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(self.fields.entry, ENTRY_PASSAGE),
            IndexRecordOption::Basic,
        ))
    }

    /// The query for a parsed node; `None` when it asks for nothing (an empty query).
    pub fn node(&mut self, node: &Node) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::Word(word) => {
                if let Some(parts) = self.split(word)? {
                    return Ok(self.compound(word, &parts, false));
                }
                let query = self.word(word, true);
                if let Some(q) = &query {
                    self.typed.push((bare(word).to_string(), q.box_clone()));
                }
                Ok(query)
            }
            Node::Prefix(word) => {
                let query = self.prefix(word)?;
                if let Some(q) = &query {
                    self.typed.push((bare(word).to_string(), q.box_clone()));
                }
                Ok(query)
            }
            Node::Phrase(phrase) => {
                if self.unfound(phrase)? {
                    let words = self.phrase_as_words(phrase);
                    return self.node(&words);
                }
                let words: Vec<(String, Box<dyn Query>)> = {
                    let mut muted = self.muted();
                    phrase
                        .split_whitespace()
                        .filter_map(|w| Some((bare(w).to_string(), muted.word(w, false)?)))
                        .collect()
                };
                self.typed.extend(words);
                Ok(self.phrase(phrase))
            }
            Node::Filter(filter) => self.field_filter(filter).map(Some),
            Node::Or(nodes) => {
                let mut alternatives = Vec::new();
                for node in nodes {
                    if let Some(q) = self.node(node)? {
                        alternatives.push((TOccur::Should, q));
                    }
                }
                Ok(match alternatives.len() {
                    0 => None,
                    1 => alternatives.pop().map(|(_, q)| q),
                    _ => Some(Box::new(BooleanQuery::new(alternatives))),
                })
            }
            Node::Seq(clauses) => {
                let mut should = Vec::new();
                let mut must = Vec::new();
                let mut filters = Vec::new();
                let mut must_not = Vec::new();
                let mut words = Vec::new();
                let mut stop_words = Vec::new();
                // A phrase nothing contains, side by side with other words: its words join
                // them, as if typed without the quotes.
                let mut loosened = Vec::with_capacity(clauses.len());
                for clause in clauses {
                    match (&clause.node, clause.occur) {
                        (Node::Phrase(phrase), Occur::Should) if self.unfound(phrase)? => {
                            if let Node::Seq(words) = self.phrase_as_words(phrase) {
                                loosened.extend(words);
                            }
                        }
                        _ => loosened.push(clause.clone()),
                    }
                }
                for clause in &loosened {
                    if clause.occur == Occur::MustNot {
                        let mut muted = self.muted();
                        if let Some(q) = muted.node(&clause.node)? {
                            must_not.push(q);
                        }
                        continue;
                    }
                    let parts = match &clause.node {
                        Node::Word(w) => self.split(w)?,
                        _ => None,
                    };
                    if let (Node::Word(w), Occur::Should) = (&clause.node, clause.occur) {
                        // `Vasilyev?`, `¿innovación`: the word without the punctuation
                        // typed around it, for expansion and typo correction; `wing-flutter`
                        // as its words.
                        match &parts {
                            Some(parts) => words.extend(parts),
                            None => {
                                let trimmed = bare(w);
                                if !trimmed.is_empty() {
                                    words.push(trimmed);
                                }
                            }
                        }
                    }
                    let query = match (&clause.node, parts) {
                        // `+costo/beneficio`: each of its words is required.
                        (Node::Word(w), Some(parts)) => {
                            self.compound(w, &parts, clause.occur == Occur::Must)
                        }
                        (node, _) => self.node(node)?,
                    };
                    let Some(q) = query else {
                        if let Node::Word(w) = &clause.node {
                            stop_words.push(w.as_str());
                        }
                        continue;
                    };
                    match (&clause.node, clause.occur) {
                        (Node::Filter(_), _) => filters.push(q),
                        (_, Occur::Must) => must.push(q),
                        _ => should.push(q),
                    }
                }
                if should.is_empty() && must.is_empty() {
                    // Nothing but stop words: look for them as typed (a question's words too:
                    // "¿Cómo se llama?").
                    self.expansions.retain(|e| {
                        e.rule != Rule::Question || !stop_words.iter().any(|w| bare(w) == e.from)
                    });
                    for word in &stop_words {
                        let exact = self.analyzers.exact.terms(word);
                        if let [term] = exact.as_slice() {
                            self.highlight.exact.insert(term.clone());
                            should.push(self.exact_term(term));
                        }
                    }
                }
                if self.expand {
                    should.extend(self.expansions_for(&words)?);
                }
                if let Some(q) = self.proximity(&words) {
                    should.push(q);
                }
                let mut subqueries: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
                if must.is_empty() {
                    // Plain words: at least one must match.
                    match should.len() {
                        0 => {}
                        1 => subqueries.extend(should.pop().map(|q| (TOccur::Must, q))),
                        _ => subqueries.push((
                            TOccur::Must,
                            Box::new(BooleanQuery::new(
                                should.into_iter().map(|q| (TOccur::Should, q)).collect(),
                            )),
                        )),
                    }
                } else {
                    // With a required word, the plain ones only rank.
                    subqueries.extend(must.into_iter().map(|q| (TOccur::Must, q)));
                    subqueries.extend(should.into_iter().map(|q| (TOccur::Should, q)));
                }
                subqueries.extend(filters.into_iter().map(|q| (TOccur::Must, q)));
                if subqueries.is_empty() && must_not.is_empty() {
                    return Ok(None);
                }
                if subqueries.is_empty() {
                    subqueries.push((TOccur::Must, self.all_passages()));
                }
                subqueries.extend(must_not.into_iter().map(|q| (TOccur::MustNot, q)));
                if subqueries.len() == 1 && subqueries[0].0 == TOccur::Must {
                    return Ok(subqueries.pop().map(|(_, q)| q));
                }
                Ok(Some(Box::new(BooleanQuery::new(subqueries))))
            }
        }
    }

    /// Whether a quoted phrase of several words is one that no passage of the index
    /// contains (filters aside), to be searched as its words; only when expanding.
    fn unfound(&self, phrase: &str) -> Result<bool> {
        if !self.expand || self.analyzers.exact.terms(phrase).len() < 2 {
            return Ok(false);
        }
        match self.muted().phrase(phrase) {
            Some(query) => Ok(!matches_any(self.searcher, query.as_ref())?),
            None => Ok(false),
        }
    }

    /// A phrase as its words side by side, reported as the `phrase` rule with the words
    /// that search something (not the stop words).
    fn phrase_as_words(&mut self, phrase: &str) -> Node {
        let words: Vec<&str> = phrase.split_whitespace().collect();
        self.expansions.push(Expansion {
            rule: Rule::Phrase,
            from: format!("\"{phrase}\""),
            to: self.analyzers.phrase_words(self.cues.lang, phrase),
        });
        Node::Seq(
            words
                .into_iter()
                .map(|w| Clause {
                    occur: Occur::Should,
                    node: Node::Word(w.to_string()),
                })
                .collect(),
        )
    }

    /// Whether a word is a stop word of the query's language ([`Analyzers::is_stop_word_of`]),
    /// or one that says what kind of answer a question asks for (`Cues::asking`).
    fn is_stop_word(&self, word: &str) -> bool {
        self.analyzers.is_stop_word_of(self.cues.lang, word) || self.asks(word)
    }

    /// Whether a word says what kind of answer a question asks for (`Cues::asking`).
    fn asks(&self, word: &str) -> bool {
        !self.cues.asking.is_empty() && self.cues.asking.contains(&fold(word))
    }

    /// Reports a word of a question that was not searched because it says what the question
    /// asks for (`Cues::asking`), once.
    fn report_unsearched(&mut self, word: &str) {
        if !self
            .expansions
            .iter()
            .any(|e| e.rule == Rule::Question && e.from == word)
        {
            self.expansions.push(Expansion {
                rule: Rule::Question,
                from: word.to_string(),
                to: Vec::new(),
            });
        }
    }

    /// A builder for excluded clauses: same queries, but their terms are not highlighted.
    fn muted(&self) -> QueryBuilder<'_> {
        QueryBuilder {
            searcher: self.searcher,
            fields: self.fields,
            analyzers: self.analyzers,
            tables: self.tables,
            vocabulary: self.vocabulary,
            ranking: self.ranking,
            glossary: self.glossary,
            expand: false,
            accents: self.accents,
            cues: self.cues.clone(),
            highlight: Highlight::default(),
            expansions: Vec::new(),
            corrections: Vec::new(),
            typed: Vec::new(),
            alternates: Vec::new(),
        }
    }

    /// The words typed that no passage of the whole index matches, filters aside: in no
    /// form, and in none of what the glossary or the dictionary searched them as (a typo's
    /// correction is another word: the suggestion names it). Each once, as typed.
    pub fn unmatched(&self) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for (word, query) in &self.typed {
            let folded = fold(word);
            if !seen.insert(folded.clone()) || matches_any(self.searcher, query.as_ref())? {
                continue;
            }
            let mut alternates = self
                .alternates
                .iter()
                .filter(|(words, _)| words.contains(&folded));
            if !alternates.try_fold(false, |found, (_, q)| {
                Ok::<_, Error>(found || matches_any(self.searcher, q.as_ref())?)
            })? {
                out.push(word.clone());
            }
        }
        Ok(out)
    }

    /// Words joined by a hyphen or a slash that no passage writes together
    /// ([`QueryBuilder::split`]): each word searched as a word (`required`: each required),
    /// side by side with the others as the words of a sequence are, so neighbouring words
    /// close together rank first; reported as a `split`. The words share the weight of the
    /// one word typed. A compound whose words are all stop words (`y/o`) stays a phrase.
    fn compound(&mut self, word: &str, parts: &[&str], required: bool) -> Option<Box<dyn Query>> {
        let reported = self.expansions.len();
        let occur = if required {
            TOccur::Must
        } else {
            TOccur::Should
        };
        let mut clauses: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
        let mut searched = Vec::new();
        for part in parts {
            if let Some(q) = self.word(part, true) {
                self.typed.push((part.to_string(), q.box_clone()));
                clauses.push((occur, q));
                searched.push(part.to_string());
            }
        }
        if clauses.is_empty() {
            return self.phrase(word);
        }
        let share = 1.0 / clauses.len() as f32;
        self.expansions.insert(
            reported,
            Expansion {
                rule: Rule::Split,
                from: bare(word).to_string(),
                to: searched,
            },
        );
        Some(Box::new(BoostQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            share,
        )))
    }

    /// The words of a compound ([`compound_parts`]) when no passage of the index writes
    /// them together, filters aside: then the phrase would find nothing and the word would
    /// be lost. Where a passage does, the compound is searched as the phrase, as written:
    /// `inter-institutional` is the passages that say so, not every one about institutions.
    fn split<'w>(&self, word: &'w str) -> Result<Option<Vec<&'w str>>> {
        let Some(parts) = compound_parts(word) else {
            return Ok(None);
        };
        match self.muted().phrase(word) {
            Some(q) if matches_any(self.searcher, q.as_ref())? => Ok(None),
            _ => Ok(Some(parts)),
        }
    }

    /// A word's query; `typed`: the user typed it (its stems are reported in the response).
    fn word(&mut self, word: &str, typed: bool) -> Option<Box<dyn Query>> {
        let exact = self.analyzers.exact.terms(word);
        if exact.len() > 1 {
            // `SD-PCM`, `I+D+i`: several words written as one; match them together.
            return self.phrase(word);
        }
        let exact = exact.into_iter().next()?;
        // A stop word of the query's language (of either, when the query does not tell),
        // also typed with its punctuation (`¿Qué`, `Who?`), or a word that says what a
        // question asks for, which the response reports.
        if self.analyzers.is_stop_word_of(self.cues.lang, bare(word)) {
            return None;
        }
        if self.asks(bare(word)) {
            if typed {
                self.report_unsearched(bare(word));
            }
            return None;
        }
        let r = self.ranking;
        if !r.stemming {
            self.highlight.exact.insert(exact.clone());
            return Some(self.exact_term(&exact));
        }
        let mut disjuncts: Vec<Box<dyn Query>> = Vec::new();
        let mut searched = Vec::new();
        let mut accent = false;
        let shown = bare(word).to_string();
        for &lang in self.vocabulary.langs() {
            let stems = self.stems(lang, word);
            let primary = self.analyzers.stemmed(lang).terms(word);
            if typed
                && self.expand
                && lang == Lang::Es
                && stems.iter().any(|s| !primary.contains(s))
            {
                accent = true;
                self.expansions.push(Expansion {
                    rule: Rule::Accent,
                    from: shown.clone(),
                    to: stems.clone(),
                });
            }
            searched.extend(stems.iter().filter(|s| **s != exact).cloned());
            for stem in stems {
                disjuncts.extend(self.text_fields(
                    |f| f.field(lang),
                    &stem,
                    [r.title, r.heading, r.body],
                ));
                self.highlight.stems_mut(lang).insert(stem);
            }
        }
        if disjuncts.is_empty() {
            self.highlight.exact.insert(exact.clone());
            return Some(self.exact_term(&exact));
        }
        // `agencias` is also searched as `agenci` (Spanish) and `agencia` (English): said in
        // the response, unless the accent rule already gave the stems.
        let searched = distinct(searched);
        if typed && !accent && !searched.is_empty() {
            self.expansions.push(Expansion {
                rule: Rule::Stem,
                from: shown,
                to: searched,
            });
        }
        let stemmed: Box<dyn Query> = Box::new(DisjunctionMaxQuery::with_tie_breaker(
            disjuncts,
            r.tie_breaker,
        ));
        if r.exact <= 0.0 {
            return Some(stemmed);
        }
        let exact = Box::new(BoostQuery::new(self.exact_term(&exact), r.exact));
        Some(Box::new(BooleanQuery::new(vec![
            (TOccur::Should, stemmed),
            (TOccur::Should, exact),
        ])))
    }

    /// Whether the index holds a word in any form (stemmed in a language searched, or exact).
    fn indexed(&self, word: &str) -> bool {
        let df = |field: Field, term: &str| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, term))
                .is_ok_and(|n| n > 0)
        };
        let f = self.fields;
        self.vocabulary.langs().iter().any(|&lang| {
            self.analyzers
                .stemmed(lang)
                .stem_variants(word)
                .iter()
                .any(|s| {
                    [&f.title, &f.heading, &f.body]
                        .iter()
                        .any(|t| df(t.field(lang), s))
                })
        }) || self.analyzers.exact.terms(word).iter().any(|t| {
            [&f.title, &f.heading, &f.body]
                .iter()
                .any(|x| df(x.exact, t))
        })
    }

    /// What the glossary, the dictionary and typo tolerance add to plain words side by side,
    /// each as an optional clause weighted below the words typed.
    fn expansions_for(&mut self, words: &[&str]) -> Result<Vec<Box<dyn Query>>> {
        let r = *self.ranking;
        let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let mut covered = vec![false; words.len()];
        for (concept, span) in self.glossary.find(&owned) {
            covered[span.clone()].iter_mut().for_each(|c| *c = true);
            let matched = owned[span].join(" ");
            let matched_exact = self.analyzers.exact.terms(&matched);
            let mut alternatives = Vec::new();
            let mut shown = Vec::new();
            let mut acronym = false;
            for form in self.glossary.forms(concept) {
                acronym |= form.lang.is_none();
                if form.exact == matched_exact {
                    continue;
                }
                if let Some(q) = self.terms_query(form.lang, &form.terms) {
                    alternatives.push(q);
                    shown.push(form.display.clone());
                }
            }
            if alternatives.is_empty() {
                continue;
            }
            let query: Box<dyn Query> = Box::new(DisjunctionMaxQuery::new(alternatives));
            let folded = matched.split_whitespace().map(fold).collect();
            self.alternates.push((folded, query.box_clone()));
            out.push(Box::new(BoostQuery::new(query, r.glossary)));
            self.expansions.push(Expansion {
                rule: if acronym {
                    Rule::Acronym
                } else {
                    Rule::Glossary
                },
                from: matched,
                to: shown,
            });
        }
        let guess = query_lang(&owned);
        let dictionary = Dictionary::shipped();
        for (i, word) in words.iter().enumerate() {
            if covered[i] || self.is_stop_word(word) || self.analyzers.exact.terms(word).len() != 1
            {
                continue;
            }
            let es = self.analyzers.es.stem_variants(word);
            let en = self.analyzers.en.terms(word);
            let from = match (
                dictionary.knows(Lang::Es, word, &es),
                dictionary.knows(Lang::En, word, &en),
            ) {
                (true, false) => Some(Lang::Es),
                (false, true) => Some(Lang::En),
                (true, true) => guess,
                (false, false) => {
                    out.extend(self.typo(word)?);
                    continue;
                }
            };
            // A word only the other language's dictionary knows, in a query whose language
            // is clear, is a name or a loanword (`larger` is not Spanish `largar`, `usa` in
            // a Spanish query is not `USA`): not translated.
            let Some(from) = from.filter(|&f| guess.is_none_or(|g| g == f)) else {
                continue;
            };
            let stems = if from == Lang::Es { &es } else { &en };
            let folded = fold(word);
            // A name (capitalised inside a sentence: `Manning`, `Panthers`) is translated
            // only as the word it is (`Germany`, `Queen`), never by a headword that merely
            // shares its stem or that it could be a form of (`Manning` is not `man`).
            let name = self.cues.names.contains(&folded);
            let stems: &[String] = if name { &[] } else { stems };
            let translations = dictionary.translations_of(from, word, stems, name);
            let mut alternatives = Vec::new();
            let mut shown = Vec::new();
            // Only Spanish and English have a dictionary, each of the other.
            let Some(to) = from.other() else { continue };
            for t in translations.iter().filter(|t| fold(&t.display) != folded) {
                if let Some(q) = self.terms_query(Some(to), t) {
                    alternatives.push(q);
                    shown.push(t.display.clone());
                }
            }
            if !alternatives.is_empty() {
                let query: Box<dyn Query> = Box::new(DisjunctionMaxQuery::new(alternatives));
                self.alternates
                    .push((vec![folded.clone()], query.box_clone()));
                out.push(Box::new(BoostQuery::new(query, r.translation)));
                self.expansions.push(Expansion {
                    rule: Rule::Translation,
                    from: word.to_string(),
                    to: shown,
                });
            }
        }
        Ok(out)
    }

    /// A term or phrase looked for in one language's stemmed fields, or (for `None`, an
    /// acronym) in the exact fields.
    fn terms_query(&mut self, lang: Option<Lang>, terms: &Terms) -> Option<Box<dyn Query>> {
        let r = self.ranking;
        let f = self.fields;
        let pick = |fields: &TextFields| match lang {
            Some(lang) => fields.field(lang),
            None => fields.exact,
        };
        let queries: Vec<Box<dyn Query>> = match terms.stems.as_slice() {
            [] => return None,
            [(_, stem)] => self.text_fields(pick, stem, [r.title, r.heading, r.body]),
            stems => [&f.title, &f.heading, &f.body]
                .into_iter()
                .zip([r.title, r.heading, r.body])
                .map(|(fields, weight)| {
                    let field = pick(fields);
                    let q = PhraseQuery::new_with_offset(
                        stems
                            .iter()
                            .map(|(p, s)| (*p, Term::from_field_text(field, s)))
                            .collect(),
                    );
                    boosted(Box::new(q), weight)
                })
                .collect(),
        };
        let set = match lang {
            Some(lang) => self.highlight.stems_mut(lang),
            None => &mut self.highlight.exact,
        };
        set.extend(terms.stems.iter().map(|(_, s)| s.clone()));
        Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
            queries,
            r.tie_breaker,
        )))
    }

    /// For a word the index has never seen, the index's words within the typo distance
    /// (same first letter), looked for below the words typed.
    fn typo(&mut self, word: &str) -> Result<Option<Box<dyn Query>>> {
        let folded = fold(word);
        let chars: Vec<char> = folded.chars().collect();
        let bound = typo_distance(chars.len());
        if bound == 0 || !chars.iter().all(|c| c.is_alphabetic()) || self.indexed(word) {
            return Ok(None);
        }
        let mut candidates = self.close_words(&chars, bound);
        if candidates.is_empty() {
            return Ok(None);
        }
        let mut alternatives = Vec::new();
        for candidate in &candidates {
            if let Some(q) = self.word(candidate, false) {
                alternatives.push(q);
            }
        }
        // Offered as the documents spell it (`innovación`), not folded as the index holds it.
        candidates[0] = self.spelling(&candidates[0])?;
        self.corrections
            .push((word.to_string(), candidates[0].clone()));
        self.expansions.push(Expansion {
            rule: Rule::Typo,
            from: word.to_string(),
            to: candidates,
        });
        Ok(Some(Box::new(BoostQuery::new(
            Box::new(DisjunctionMaxQuery::new(alternatives)),
            self.ranking.typo,
        ))))
    }

    /// How the documents spell a word the index holds folded (`innovacion` → `innovación`):
    /// as written, lower-cased, in the first passage that has it; the folded word itself
    /// when none spells it otherwise.
    fn spelling(&self, folded: &str) -> Result<String> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.body.exact, folded),
            IndexRecordOption::Basic,
        );
        let found = self
            .searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some(&(_, address)) = found.first() else {
            return Ok(folded.to_string());
        };
        let passage = stored_passage(self.searcher, self.fields, address)?;
        let spelled = [passage.title.as_str(), passage.text.as_str()]
            .into_iter()
            .flat_map(crate::analysis::words)
            .map(|(_, word)| word)
            .find(|word| fold(word) == folded)
            .map_or_else(|| folded.to_string(), str::to_lowercase);
        Ok(spelled)
    }

    /// Up to three words of the index's exact vocabulary within `bound` edits of `chars`
    /// and sharing its first letter, closest first, then commonest.
    fn close_words(&self, chars: &[char], bound: usize) -> Vec<String> {
        const MAX_CANDIDATES: usize = 3;
        let Some(first) = chars.first() else {
            return Vec::new();
        };
        let mut start = [0u8; 4];
        let start = first.encode_utf8(&mut start);
        let field = self.fields.body.exact;
        let mut found: Vec<(usize, u64, String)> = Vec::new();
        let mut seen = HashSet::new();
        self.words_starting_with(start, usize::MAX, |term, _| {
            if !seen.insert(term.to_string()) {
                return;
            }
            let candidate: Vec<char> = term.chars().collect();
            if let Some(distance) = edit_distance(chars, &candidate, bound) {
                let df = self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, term))
                    .unwrap_or(0);
                found.push((distance, df, term.to_string()));
            }
        });
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        distinct(found.into_iter().map(|(_, _, t)| t))
            .into_iter()
            .take(MAX_CANDIDATES)
            .collect()
    }

    /// Visits the words of the index's text (the body's exact field) that begin with
    /// `start`, segment by segment, each with its document frequency in that segment (a word
    /// of several segments is visited once in each); at most `limit` words of a segment.
    fn words_starting_with(&self, start: &str, limit: usize, mut visit: impl FnMut(&str, u32)) {
        let mut high = start.as_bytes().to_vec();
        if let Some(last) = high.last_mut() {
            *last = last.saturating_add(1);
        }
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.fields.body.exact) else {
                continue;
            };
            let Ok(mut stream) = inverted
                .terms()
                .range()
                .ge(start.as_bytes())
                .lt(&high)
                .into_stream()
            else {
                continue;
            };
            let mut read = 0;
            while read < limit && stream.advance() {
                read += 1;
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    visit(term, stream.value().doc_freq);
                }
            }
        }
    }

    /// The start of a word still being typed: the index's words that begin with it (the
    /// most frequent first), each searched as it is written, neither translated nor
    /// corrected, since it is not yet a word. Too short a start, a stop word, or one no word
    /// begins with is searched as a word.
    fn prefix(&mut self, word: &str) -> Result<Option<Box<dyn Query>>> {
        const MIN_PREFIX_CHARS: usize = 3;
        let exact = self.analyzers.exact.terms(word);
        let [prefix] = exact.as_slice() else {
            return Ok(self.word(word, true));
        };
        if prefix.chars().count() < MIN_PREFIX_CHARS || self.is_stop_word(bare(word)) {
            return Ok(self.word(word, true));
        }
        let completions = self.completions(prefix);
        if completions.is_empty() {
            return Ok(self.word(word, true));
        }
        let alternatives = completions
            .iter()
            .map(|c| {
                self.highlight.exact.insert(c.clone());
                self.exact_term(c)
            })
            .collect();
        Ok(Some(Box::new(DisjunctionMaxQuery::new(alternatives))))
    }

    /// The words of the index's text that begin with `prefix` (folded), the most frequent
    /// first, at most [`MAX_COMPLETIONS`]; a word that is the prefix itself comes first.
    fn completions(&self, prefix: &str) -> Vec<String> {
        /// Words read from each segment's dictionary at most, so a short start over a large
        /// index costs a bounded time.
        const MAX_READ: usize = 20_000;
        let mut found: HashMap<String, u64> = HashMap::new();
        self.words_starting_with(prefix, MAX_READ, |term, doc_freq| {
            *found.entry(term.to_string()).or_default() += u64::from(doc_freq);
        });
        let mut found: Vec<(String, u64)> = found.into_iter().collect();
        found.sort_by(|a, b| {
            (b.0 == prefix)
                .cmp(&(a.0 == prefix))
                .then(b.1.cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        found
            .into_iter()
            .take(MAX_COMPLETIONS)
            .map(|(t, _)| t)
            .collect()
    }

    /// The stems a word may stand for in a language ([`Analyzer::stem_variants`]) that the
    /// index holds; its own stem alone when the index holds none of them, or without
    /// `accents`. Empty for a stop word.
    fn stems(&self, lang: Lang, word: &str) -> Vec<String> {
        let analyzer = self.analyzers.stemmed(lang);
        if !self.accents {
            return analyzer.terms(word).pop().into_iter().collect();
        }
        let variants = analyzer.stem_variants(word);
        let fields = [
            self.fields.title.field(lang),
            self.fields.heading.field(lang),
            self.fields.body.field(lang),
        ];
        let indexed = |stem: &String| {
            fields.iter().any(|&field| {
                self.searcher
                    .doc_freq(&Term::from_field_text(field, stem))
                    .is_ok_and(|n| n > 0)
            })
        };
        let found: Vec<String> = variants.iter().filter(|s| indexed(s)).cloned().collect();
        if found.is_empty() {
            variants.into_iter().take(1).collect()
        } else {
            found
        }
    }

    /// The exact form of a word in the title, heading and body.
    fn exact_term(&self, term: &str) -> Box<dyn Query> {
        let r = self.ranking;
        let disjuncts = self.text_fields(|f| f.exact, term, [r.title, r.heading, r.body]);
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            disjuncts,
            r.tie_breaker,
        ))
    }

    /// Term queries for `term` in the title, heading and body fields picked by `pick`.
    fn text_fields(
        &self,
        pick: impl Fn(&TextFields) -> Field,
        term: &str,
        weights: [f32; 3],
    ) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        [&f.title, &f.heading, &f.body]
            .into_iter()
            .zip(weights)
            .map(|(fields, weight)| {
                let q = TermQuery::new(
                    Term::from_field_text(pick(fields), term),
                    IndexRecordOption::WithFreqs,
                );
                boosted(Box::new(q), weight)
            })
            .collect()
    }

    fn phrase(&mut self, phrase: &str) -> Option<Box<dyn Query>> {
        let mut terms = Vec::new();
        self.analyzers.exact.analyze(phrase, |t| terms.push(t));
        match terms.len() {
            0 => None,
            1 => {
                self.highlight.exact.insert(terms[0].text.clone());
                Some(self.exact_term(&terms[0].text))
            }
            _ => {
                let r = self.ranking;
                let f = self.fields;
                let disjuncts = [&f.title, &f.heading, &f.body]
                    .into_iter()
                    .zip([r.title, r.heading, r.body])
                    .map(|(fields, weight)| {
                        let q = PhraseQuery::new_with_offset(
                            terms
                                .iter()
                                .map(|t| {
                                    (
                                        t.position - terms[0].position,
                                        Term::from_field_text(fields.exact, &t.text),
                                    )
                                })
                                .collect(),
                        );
                        boosted(Box::new(q), weight)
                    })
                    .collect();
                self.highlight
                    .exact
                    .extend(terms.into_iter().map(|t| t.text));
                Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    disjuncts,
                    r.tie_breaker,
                )))
            }
        }
    }

    /// A bonus for passages where neighbouring words of the query stand close together (each
    /// adjacent pair within `proximity_slop` positions), in each language: what a phrase
    /// would find, without asking the user to type one.
    fn proximity(&self, words: &[&str]) -> Option<Box<dyn Query>> {
        let r = self.ranking;
        if words.len() < 2 || r.proximity <= 0.0 {
            return None;
        }
        let mut pairs: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
        for &lang in self.vocabulary.langs() {
            let stems: Vec<String> = words
                .iter()
                .filter(|w| !self.is_stop_word(w))
                .filter_map(|w| self.stems(lang, w).into_iter().next())
                .collect();
            let field = self.fields.body.field(lang);
            for pair in stems.windows(2) {
                if pair[0] == pair[1] {
                    continue;
                }
                let terms = vec![
                    (0, Term::from_field_text(field, &pair[0])),
                    (1, Term::from_field_text(field, &pair[1])),
                ];
                pairs.push((
                    TOccur::Should,
                    Box::new(PhraseQuery::new_with_offset_and_slop(
                        terms,
                        r.proximity_slop,
                    )),
                ));
            }
        }
        if pairs.is_empty() {
            return None;
        }
        Some(Box::new(BoostQuery::new(
            Box::new(BooleanQuery::new(pairs)),
            r.proximity,
        )))
    }

    /// A filter written in the query.
    fn field_filter(&self, filter: &FieldFilter) -> Result<Box<dyn Query>> {
        match filter {
            FieldFilter::Region(v) => self.filter(FacetName::Region, v),
            FieldFilter::Institution(v) => self.filter(FacetName::Institution, v),
            FieldFilter::Topic(v) => self.filter(FacetName::Topic, v),
            FieldFilter::Kind(k) => Ok(self.facet_filter(self.fields.kind, [k.as_str()])),
            FieldFilter::Lang(l) => Ok(self.facet_filter(self.fields.lang, [l.code()])),
            FieldFilter::Years(from, to) => Ok(self.years(*from, *to)),
            FieldFilter::Dates(from, to) => Ok(self.dates(*from, *to)),
        }
    }

    /// A filter on one facet value, given by any name the data files know. Scores nothing.
    pub fn filter(&self, facet: FacetName, value: &str) -> Result<Box<dyn Query>> {
        let f = self.fields;
        let unknown = |name: &'static str, what: &str| Error::Filter {
            name,
            value: value.to_string(),
            message: format!("no {what} by that name is known (see the {name} facet)"),
        };
        Ok(match facet {
            FacetName::Region | FacetName::Country => {
                let gazetteer = &self.tables.normalizer.gazetteer;
                let (country, name) = match value.rsplit_once('/') {
                    Some((country, name)) => (Some(country.trim()), name),
                    None => (None, value),
                };
                // Of the places the name stands for: the one written (`Perú/La Libertad`), else
                // the preferred one the index holds; else a value the index holds by that name
                // (a region no data file knows); else the preferred place (no hits).
                let candidates = gazetteer.candidates(name);
                let in_index = |p: &minga_core::Place| match &p.region {
                    Some(region) => self
                        .vocabulary
                        .has(FacetName::Region, &[&p.country, region]),
                    None => self.vocabulary.has(FacetName::Country, &[&p.country]),
                };
                let place_filter = |place: &minga_core::Place| match &place.region {
                    Some(region) => self.facet_filter(f.region, [&place.country, region]),
                    None => self.facet_filter(f.country, [&place.country]),
                };
                let chosen = country
                    .and_then(|c| {
                        let c = gazetteer.lookup(c).map_or(c, |p| p.country.as_str());
                        candidates.iter().copied().find(|p| p.country == c)
                    })
                    .or_else(|| candidates.iter().copied().find(|p| in_index(p)));
                if let Some(place) = chosen {
                    place_filter(place)
                } else if let Some(path) = self.vocabulary.find(FacetName::Region, value) {
                    self.facet_filter(f.region, path)
                } else if let Some(path) = self.vocabulary.find(FacetName::Country, value) {
                    self.facet_filter(f.country, path)
                } else if let Some(place) = candidates.first() {
                    place_filter(place)
                } else {
                    return Err(unknown("region", "region or country"));
                }
            }
            FacetName::Institution => {
                if let Some(institution) = self.tables.normalizer.institutions.lookup(value) {
                    self.facet_filter(f.institution, [&institution.name])
                } else if let Some(path) = self.vocabulary.find(FacetName::Institution, value) {
                    self.facet_filter(f.institution, path)
                } else {
                    return Err(unknown("institution", "institution"));
                }
            }
            FacetName::Topic => {
                // Indexed as `[key, spelling]`: the key of the glossary's name, else of the
                // topic as written, finds every spelling.
                let key = minga_core::topic_key(&self.tables.normalizer.topic(value));
                if key.is_empty() {
                    self.facet_filter(f.topic, [value.trim()])
                } else {
                    self.facet_filter(f.topic, [key])
                }
            }
            FacetName::Kind => {
                let kind: minga_core::Kind = value.parse().map_err(|e| Error::Filter {
                    name: "kind",
                    value: value.to_string(),
                    message: format!("{e}"),
                })?;
                self.facet_filter(f.kind, [kind.as_str()])
            }
            FacetName::Lang => {
                let lang: Lang = value.parse().map_err(|e| Error::Filter {
                    name: "lang",
                    value: value.to_string(),
                    message: format!("{e}"),
                })?;
                self.facet_filter(f.lang, [lang.code()])
            }
            FacetName::Year => {
                let year = value
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (1000..=9999).contains(y))
                    .ok_or_else(|| Error::Filter {
                        name: "year",
                        value: value.to_string(),
                        message: "expected a year such as 2023".into(),
                    })?;
                self.years(year, year)
            }
        })
    }

    /// Passages carrying one facet value (a facet path, `["Chile", "Biobío"]`). Scores nothing.
    pub fn facet_filter<S: AsRef<str>>(
        &self,
        field: Field,
        path: impl IntoIterator<Item = S>,
    ) -> Box<dyn Query> {
        let facet = Facet::from_path(path);
        let q = TermQuery::new(Term::from_facet(field, &facet), IndexRecordOption::Basic);
        Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
    }

    /// Passages dated in an inclusive range of years.
    pub fn years(&self, from: i32, to: i32) -> Box<dyn Query> {
        let from = Date::from_ymd(from, 1, 1);
        let to = Date::from_ymd(to, 12, 31);
        match (from, to) {
            (Some(_), Some(_)) => self.dates(from, to),
            _ => Box::new(EmptyQuery),
        }
    }

    /// Passages whose date overlaps an inclusive range of days (`from`'s first day to `to`'s
    /// last); open ends are unbounded. A passage dated `2024` is within May 2024, and one
    /// dated `2024-05` within 2024.
    pub fn dates(&self, from: Option<Date>, to: Option<Date>) -> Box<dyn Query> {
        let at = |field: Field, seconds: i64| {
            Bound::Included(Term::from_field_date(
                field,
                crate::indexer::index_date(seconds),
            ))
        };
        // Dated on or before `to`'s last day, and until on or after `from`'s first: with
        // neither, every dated passage.
        let starts = match to {
            Some(to) => at(self.fields.date, to.last_day().unix_timestamp() + 86_399),
            None => Bound::Unbounded,
        };
        let from = from.map_or(i64::MIN, |from| from.first_day().unix_timestamp());
        let ends = RangeQuery::new(at(self.fields.date_end, from), Bound::Unbounded);
        let q: Box<dyn Query> = match starts {
            Bound::Unbounded => Box::new(ends),
            starts => Box::new(BooleanQuery::new(vec![
                (
                    TOccur::Must,
                    Box::new(RangeQuery::new(Bound::Unbounded, starts)) as Box<dyn Query>,
                ),
                (TOccur::Must, Box::new(ends)),
            ])),
        };
        Box::new(ConstScoreQuery::new(q, 0.0))
    }
}

/// A word without the punctuation typed around it (`¿Cuándo`, `Vasilyev?`).
/// Whether any passage still in the index (not deleted) matches `query`; stops at the first.
fn matches_any(searcher: &Searcher, query: &dyn Query) -> Result<bool> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}

/// The words of a word written with a hyphen or a slash between words (`shock-sound`,
/// `costo/beneficio`, `SD-PCM`, `COVID-19`), each one word as the index reads it; `None` for
/// a plain word, and for numbers (`2022-2023`, `1/2`) and other joins (`I+D+i`), searched as
/// written.
fn compound_parts(word: &str) -> Option<Vec<&str>> {
    let word = bare(word);
    if !word.contains(JOINERS) {
        return None;
    }
    let parts: Vec<&str> = word.split(JOINERS).collect();
    let one_word = |part: &&str| {
        let mut words = crate::analysis::words(part).map(|(_, w)| w);
        words.next() == Some(*part) && words.next().is_none()
    };
    (parts.len() > 1
        && parts.iter().all(one_word)
        && parts.iter().any(|p| p.chars().any(char::is_alphabetic)))
    .then_some(parts)
}

/// What joins two words into a compound: hyphens (ASCII, Unicode, non-breaking) and slashes.
const JOINERS: &[char] = &['-', '\u{2010}', '\u{2011}', '/'];

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if (weight - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}

/// Key under which facet values are compared with what users type.
pub(crate) fn value_key(value: &str) -> String {
    fold_key(value)
}
