//! Query expansion: what a query also looks for beyond the words typed, always below them.
//!
//! - **Glossary**: a span of the query that is a form of a glossary concept (`ARD`,
//!   `gobernanza`, `articulación interinstitucional`) also looks for the concept's other forms,
//!   in both languages: `ARD governance` finds `gobernanza de las agencias regionales de
//!   desarrollo`.
//! - **Dictionary**: a word known in one language only is translated with the bilingual
//!   dictionary shipped in `data/dictionary/` (Apertium and FreeDict; see `dictionary`), so an English query
//!   finds Spanish documents and the other way round.
//! - **Typos**: a word the index has never seen, and no dictionary knows, is matched to the
//!   index's words at edit distance 1 (5+ letters) or 2 (9+ letters), never changing its first
//!   letter.
//!
//! Each rule that fires is reported, so a user can see how the query was understood.

use std::collections::{HashMap, HashSet};

use minga_core::{Glossary, Lang, fold};
use serde::{Deserialize, Serialize};

use crate::analysis::Analyzer;

/// A rule that changed what a query looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A word was searched by its stems (`agencias` as `agenci`), in each language whose stem
    /// differs from the word as typed.
    Stem,
    /// A word typed without its accent reached the accented word's stem.
    Accent,
    /// An acronym was expanded (or a phrase shortened to its acronym).
    Acronym,
    /// A glossary term brought its equivalents in both languages.
    Glossary,
    /// The dictionary translated a word into the other language.
    Translation,
    /// A word the index does not hold was matched to close words it does hold.
    Typo,
    /// An exact phrase that no passage contains was searched as its words.
    Phrase,
    /// Words joined by a hyphen or a slash (`wing-flutter`, `costo/beneficio`) that no
    /// passage writes together were searched as the words.
    Split,
    /// A word of a question that says what it asks for (`nombre`, `año` in "¿en qué año…?")
    /// was not searched (`to` is empty): the passage that answers gives the name or the year
    /// without it.
    Question,
}

/// One expansion of the query, for showing the user how it was understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expansion {
    pub rule: Rule,
    /// What the user typed.
    pub from: String,
    /// What it was also looked for as.
    pub to: Vec<String>,
}

/// A term to look for in one language: its stems with their positions (gaps where stop
/// words were), so several words become a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Terms {
    pub display: String,
    pub stems: Vec<(usize, String)>,
}

impl Terms {
    pub(crate) fn new(display: &str, analyzer: &Analyzer) -> Option<Terms> {
        let mut stems = Vec::new();
        analyzer.analyze(display, |t| stems.push((t.position, t.text)));
        let first = stems.first()?.0;
        for (position, _) in &mut stems {
            *position -= first;
        }
        Some(Terms {
            display: display.to_string(),
            stems,
        })
    }
}

/// A form of a glossary concept, analysed.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    pub display: String,
    /// The language whose fields it is looked for in; `None` for acronyms (both).
    pub lang: Option<Lang>,
    /// Folded words, every one kept.
    pub exact: Vec<String>,
    /// Stems in its language (acronyms: folded), stop words out.
    pub terms: Terms,
}

/// The glossary, ready to be matched against queries.
#[derive(Debug, Default)]
pub(crate) struct GlossaryIndex {
    concepts: Vec<Vec<Form>>,
    /// Token sequence (folded words, or stems of either language) → (concept, form).
    keys: HashMap<Vec<String>, Vec<(usize, usize)>>,
    longest: usize,
}

impl GlossaryIndex {
    pub fn new(glossary: &Glossary) -> GlossaryIndex {
        let exact = Analyzer::exact();
        let mut index = GlossaryIndex::default();
        for concept in glossary.concepts() {
            let mut forms = Vec::new();
            let tagged = concept
                .acronyms
                .iter()
                .map(|f| (f, None))
                .chain(concept.es.iter().map(|f| (f, Some(Lang::Es))))
                .chain(concept.en.iter().map(|f| (f, Some(Lang::En))));
            for (text, lang) in tagged {
                let analyzer = lang.map_or_else(Analyzer::exact, Analyzer::stemmed);
                let Some(terms) = Terms::new(text, &analyzer) else {
                    continue;
                };
                forms.push(Form {
                    display: text.clone(),
                    lang,
                    exact: exact.terms(text),
                    terms,
                });
            }
            let id = index.concepts.len();
            for (f, form) in forms.iter().enumerate() {
                let mut keys = vec![form.exact.clone()];
                if form.lang.is_some() {
                    keys.push(form.terms.stems.iter().map(|(_, s)| s.clone()).collect());
                }
                for key in keys.into_iter().filter(|k| !k.is_empty()) {
                    index.longest = index.longest.max(key.len());
                    let entry = index.keys.entry(key).or_default();
                    if !entry.contains(&(id, f)) {
                        entry.push((id, f));
                    }
                }
            }
            index.concepts.push(forms);
        }
        index
    }

    /// Concepts whose forms occur in the query's words, each with the span of words that
    /// matched (as indices into `words`), longest spans first and never overlapping.
    pub fn find(&self, words: &[String]) -> Vec<(usize, std::ops::Range<usize>)> {
        if self.keys.is_empty() || words.is_empty() {
            return Vec::new();
        }
        let exact = Analyzer::exact();
        let es = Analyzer::stemmed(Lang::Es);
        let en = Analyzer::stemmed(Lang::En);
        // Each word's tokens under each analysis; a word with no token (a stop word) is
        // skipped inside a span but not at its edges.
        let per_word: Vec<[Vec<String>; 3]> = words
            .iter()
            .map(|w| [exact.terms(w), es.stem_variants(w), en.terms(w)])
            .collect();
        let mut found = Vec::new();
        let mut taken = vec![false; words.len()];
        for len in (1..=words.len().min(self.longest)).rev() {
            for start in 0..=words.len() - len {
                let span = start..start + len;
                if taken[span.clone()].iter().any(|t| *t) {
                    continue;
                }
                let mut hit = None;
                'analyses: for analysis in 0..3 {
                    // A stop word may sit inside a span (`agencia regional de desarrollo`),
                    // not at its edges: `la ARD` is `ARD`.
                    let edges = [span.start, span.end - 1];
                    if edges.iter().any(|&i| per_word[i][analysis].is_empty()) {
                        continue;
                    }
                    // Stems: one variant per word is enough (Spanish words without accents
                    // have several).
                    let mut candidates: Vec<Vec<String>> = vec![Vec::new()];
                    for tokens in &per_word[span.clone()] {
                        let tokens = &tokens[analysis];
                        if tokens.is_empty() {
                            continue;
                        }
                        if analysis == 1 {
                            candidates = candidates
                                .iter()
                                .flat_map(|c| {
                                    tokens.iter().map(move |t| {
                                        let mut c = c.clone();
                                        c.push(t.clone());
                                        c
                                    })
                                })
                                .take(16)
                                .collect();
                        } else {
                            for c in &mut candidates {
                                c.extend(tokens.iter().cloned());
                            }
                        }
                    }
                    for key in candidates {
                        if let Some(entries) = self.keys.get(&key) {
                            hit = entries.first().map(|&(concept, _)| concept);
                            break 'analyses;
                        }
                    }
                }
                if let Some(concept) = hit {
                    taken[span.clone()].iter_mut().for_each(|t| *t = true);
                    found.push((concept, span));
                }
            }
        }
        found.sort_by_key(|(_, span)| span.start);
        found
    }

    /// The forms of a concept.
    pub fn forms(&self, concept: usize) -> &[Form] {
        &self.concepts[concept]
    }
}

/// What the text of a query tells about its words beyond the words themselves.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cues {
    /// The language the query is written in, when its words tell ([`query_lang`]): only
    /// its stop words are dropped from the query (both languages' when it is `None`).
    pub lang: Option<Lang>,
    /// Words written with a capital inside a sentence (not as its first word), folded:
    /// names, most likely (`Panthers`, `Century City`, `Manning`).
    pub names: HashSet<String>,
    /// Words of a question that ask for the kind of answer wanted (a name, a year) rather
    /// than say what it is about, folded ([`asking_words`]): dropped as its stop words are.
    pub asking: HashSet<String>,
}

impl Cues {
    /// The cues of a query as typed.
    pub fn of(query: &str) -> Cues {
        // The operators (`OR`) and filters (`idioma:en`) are not words of any language.
        let words: Vec<String> = query
            .split_whitespace()
            .filter(|w| !matches!(*w, "OR" | "AND") && !w.contains(':'))
            .map(str::to_string)
            .collect();
        Cues {
            lang: query_lang(&words),
            names: names(&words),
            asking: asking_words(&words),
        }
    }
}

/// A word as typed without the punctuation around it (`¿Qué` → `Qué`, `Vasilyev?` →
/// `Vasilyev`).
pub(crate) fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Question words that open a question in Spanish or English, folded.
const INTERROGATIVES: &[&str] = &[
    "que", "quien", "quienes", "como", "cual", "cuales", "cuando", "cuanto", "cuanta", "cuantos",
    "cuantas", "donde", "adonde", "what", "who", "whom", "whose", "which", "how", "when", "where",
    "why",
];

/// Words that ask for a name in a question, wherever they stand (folded): "¿cuál es el
/// nombre de…?", "what was it called?".
const NAMING: &[&str] = &[
    "nombre", "nombres", "llamado", "llamada", "llamados", "llamadas", "name", "names", "named",
    "called",
];

/// The beginnings of the Spanish verbs that ask for a name after `se` ("¿cómo se llamaba…?",
/// "¿cómo se denomina…?"); alone, `llama` may be the flame or the animal.
const NAMING_AFTER_SE: &[&str] = &["llam", "denomin"];

/// The question words after which a noun says what kind of answer is asked for ("¿en qué
/// año…?", "what kind of…?"), folded.
const WHICH: &[&str] = &["que", "cual", "cuales", "what", "which"];

/// Nouns that, right after one of [`WHICH`], name the kind of answer (a year, a date, a type),
/// folded: `año` is `ano`.
const ANSWER_KINDS: &[&str] = &[
    "ano", "anos", "fecha", "dia", "mes", "siglo", "decada", "tipo", "tipos", "clase", "clases",
    "year", "years", "date", "day", "month", "century", "decade", "type", "types", "kind", "kinds",
    "sort",
];

/// The words of a question (`words` as typed, side by side) that ask for the kind of answer
/// wanted rather than say what the question is about, folded: a name ("¿Cómo se **llama** la
/// organización…?", "What was the **name** of his son?") or, right after `qué`, `cuál`, `what`
/// or `which`, a year, a date or a type ("¿En qué **año** se fundó?", "What **kind** of
/// support…?"). The passage that answers gives the name or the year without them ("su hijo,
/// Juan", "fundada en 1950"), so searched they rank first the passages that happen to say
/// "nombre" or "año". A question has `?` or `¿`, or opens with a question word; words of any
/// other query are all searched (`nombre comercial`, `tipo de cambio`).
fn asking_words(words: &[String]) -> HashSet<String> {
    let bare: Vec<String> = words.iter().map(|w| fold(bare(w))).collect();
    let question = words.iter().any(|w| w.contains(['?', '¿']))
        || bare
            .iter()
            .find(|w| !w.is_empty())
            .is_some_and(|w| INTERROGATIVES.contains(&w.as_str()));
    if !question {
        return HashSet::new();
    }
    let mut asking = HashSet::new();
    for (i, word) in bare.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| bare[j].as_str());
        let named = NAMING.contains(&word.as_str())
            || (before == Some("se") && NAMING_AFTER_SE.iter().any(|s| word.starts_with(s)));
        let kind =
            before.is_some_and(|b| WHICH.contains(&b)) && ANSWER_KINDS.contains(&word.as_str());
        if named || kind {
            asking.insert(word.clone());
        }
    }
    asking
}

/// The words of `words` (as typed, side by side) that begin with a capital letter though
/// they do not begin a sentence, folded. A sentence begins with the first word, after a
/// word ending in `.`, `?`, `!` or `:`, and at `¿` or `¡`.
fn names(words: &[String]) -> HashSet<String> {
    let mut names = HashSet::new();
    let mut starts = true;
    for word in words {
        let opens = word
            .trim_start_matches(['"', '(', '+', '-'])
            .starts_with(['¿', '¡']);
        let bare = bare(word);
        if !starts && !opens && bare.chars().next().is_some_and(char::is_uppercase) {
            names.insert(fold(bare));
        }
        if !bare.is_empty() || opens {
            starts = false;
        }
        if word
            .trim_end_matches(['"', ')'])
            .ends_with(['.', '?', '!', ':'])
        {
            starts = true;
        }
    }
    names
}

/// The language a query seems to be written in, from the stop words it uses (those of one
/// language only) and the letters only Spanish writes, as a short document's language is
/// told when its trigrams cannot; `None` when it gives no sign.
pub(crate) fn query_lang(words: &[String]) -> Option<Lang> {
    let es = Analyzer::stemmed(Lang::Es);
    let en = Analyzer::stemmed(Lang::En);
    let mut votes = [0i32; 2];
    for word in words {
        let bare = bare(word);
        let (is_es, is_en) = (es.is_stop_word(bare), en.is_stop_word(bare));
        if is_es && !is_en {
            votes[0] += 1;
        }
        if is_en && !is_es {
            votes[1] += 1;
        }
        if word
            .chars()
            .any(|c| "ñáéíóú¿¡".contains(c.to_ascii_lowercase()))
        {
            votes[0] += 1;
        }
    }
    match votes[0].cmp(&votes[1]) {
        std::cmp::Ordering::Greater => Some(Lang::Es),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// Edit distance allowed for a typo in a word of this many letters.
pub(crate) fn typo_distance(letters: usize) -> usize {
    match letters {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions), or `None`
/// when it exceeds `bound`.
pub(crate) fn edit_distance(a: &[char], b: &[char], bound: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_best = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_best = row_best.min(d);
        }
        if row_best > bound {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let d = previous[b.len()];
    (d <= bound).then_some(d)
}

/// Folded forms of `words`, deduplicated, for reports.
pub(crate) fn distinct(words: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    words.into_iter().filter(|w| seen.insert(fold(w))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary(csv: &str) -> GlossaryIndex {
        let g = Glossary::from_reader(csv.as_bytes(), std::path::Path::new("g.csv")).unwrap();
        GlossaryIndex::new(&g)
    }

    fn words(q: &str) -> Vec<String> {
        q.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn glossary_spans_match_by_acronym_form_or_stem() {
        let g = glossary(
            "es,en,acronyms,note\n\
             agencia regional de desarrollo,regional development agency,ARD,\n\
             gobernanza,governance,,\n\
             articulación interinstitucional,inter-institutional coordination,,\n",
        );
        let found = g.find(&words("ARD governance"));
        assert_eq!(found, [(0, 0..1), (1, 1..2)]);
        let found = g.find(&words("las agencias regionales de desarrollo"));
        assert_eq!(found, [(0, 1..5)]);
        assert_eq!(
            g.find(&words("articulacion interinstitucional")),
            [(2, 0..2)]
        );
        assert_eq!(g.find(&words("Regional Development Agencies")), [(0, 0..3)]);
        assert!(g.find(&words("café")).is_empty());
        // Stop words at a span's edges are not part of it.
        assert_eq!(g.find(&words("qué hace la ARD de")), [(0, 3..4)]);
        let forms: Vec<&str> = g.forms(0).iter().map(|f| f.display.as_str()).collect();
        assert_eq!(
            forms,
            [
                "ARD",
                "agencia regional de desarrollo",
                "regional development agency"
            ]
        );
    }

    #[test]
    fn query_language_from_stop_words() {
        assert_eq!(
            query_lang(&words("What is the name of the river")),
            Some(Lang::En)
        );
        assert_eq!(
            query_lang(&words("¿Cuál es el nombre del río?")),
            Some(Lang::Es)
        );
        assert_eq!(query_lang(&words("Biobío")), Some(Lang::Es));
        // Words as typed, with their punctuation; operators and filters are not words.
        assert_eq!(
            Cues::of("¿Quién interpretó a Doctor Who?").lang,
            Some(Lang::Es)
        );
        assert_eq!(Cues::of("Who is the son of Zeus?").lang, Some(Lang::En));
        assert_eq!(Cues::of("cusco OR piura idioma:es").lang, None);
        assert_eq!(query_lang(&words("gobernanza")), None);
    }

    #[test]
    fn names_are_the_capitalised_words_inside_a_sentence() {
        let names = |q: &str| {
            let mut found: Vec<String> = Cues::of(q).names.into_iter().collect();
            found.sort();
            found
        };
        assert_eq!(
            names("When did Manning join the Panthers?"),
            ["manning", "panthers"]
        );
        assert_eq!(names("Where is Century City"), ["century", "city"]);
        assert_eq!(names("¿Qué es la dinastía Song?"), ["song"]);
        // The first word of a sentence is capitalised whatever it is.
        assert!(names("Panthers. Manning? ¿Quién ganó?").is_empty());
        assert!(names("gobernanza regional").is_empty());
    }

    #[test]
    fn asking_words_are_those_of_questions() {
        let asking = |q: &str| {
            let mut found: Vec<String> = Cues::of(q).asking.into_iter().collect();
            found.sort();
            found
        };
        assert_eq!(asking("¿Cómo se llamaba su hijo?"), ["llamaba"]);
        assert_eq!(asking("¿Cuál es el nombre del río?"), ["nombre"]);
        assert_eq!(asking("What was the ship called"), ["called"]);
        assert_eq!(asking("What is the name of the river?"), ["name"]);
        assert_eq!(asking("¿Cómo se denomina el comité?"), ["denomina"]);
        assert_eq!(asking("¿En qué año se creó la agencia?"), ["ano"]);
        assert_eq!(asking("What kind of support did GIZ give?"), ["kind"]);
        // The flame or the animal, not a verb after `se`.
        assert!(asking("¿Qué comen las llamas?").is_empty());
        // A year that is not what is asked for.
        assert!(asking("¿Cuántos años duró el programa?").is_empty());
        // Not a question: `nombre comercial`, a name the user looks for.
        assert!(asking("nombre comercial de la cooperativa").is_empty());
        assert!(asking("tipo de cambio regional").is_empty());
    }

    #[test]
    fn edit_distances_with_transpositions_and_bounds() {
        let d = |a: &str, b: &str, k| {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            edit_distance(&a, &b, k)
        };
        assert_eq!(d("innvoacion", "innovacion", 2), Some(1));
        assert_eq!(d("gobernansa", "gobernanza", 1), Some(1));
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("abc", "abc", 0), Some(0));
        assert_eq!(typo_distance(4), 0);
        assert_eq!(typo_distance(5), 1);
        assert_eq!(typo_distance(9), 2);
    }
}
