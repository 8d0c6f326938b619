//! Snippets: the sentences of a passage that best show why it matched, HTML-escaped, with
//! the matched words in `<mark>`.
//!
//! A sentence that recurs across many documents (a disclaimer, a funding line, a running
//! header) is boilerplate: it is never the snippet, nor shown beside it, while another
//! sentence of the passage matches. Sentences are known by `sentence_key`, which the
//! indexer stores once per document, so how many documents hold one is a term lookup.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use minga_core::{Lang, fold_into};
use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use crate::analysis::words;
use crate::query::build::{Analyzers, Highlight};
use crate::schema::{FNV_OFFSET, fnv};

/// Longest snippet, in characters, before it is cut.
pub const SNIPPET_CHARS: usize = 280;

/// A highlighted extract of a passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The extract, HTML-escaped, with `<mark>` around matches and `…` where it was cut.
    pub html: String,
    /// Byte offset in the passage text where the extract starts.
    pub start: usize,
    /// Byte offset in the passage text where the extract ends.
    pub end: usize,
}

/// Byte ranges of `text` where the query's terms occur, sorted and disjoint, each with the
/// term it matched.
///
/// Words are found by a plain scan (runs of letters and digits); only a word whose folded
/// form could hold a query stem (it starts with the stem less its last letter, since
/// stemmers sometimes rewrite the ending) is run through the analyzer to confirm. That keeps
/// snippets cheap on long passages, which matters because every hit shows some.
fn matches(
    text: &str,
    lang: Lang,
    highlight: &Highlight,
    analyzers: &Analyzers,
) -> Vec<(usize, usize, String)> {
    let stems = highlight.stems(lang);
    let prefixes: Vec<&str> = stems
        .iter()
        .map(|s| {
            let cut = s.char_indices().last().map_or(0, |(i, _)| i);
            if s.chars().count() > 3 {
                &s[..cut]
            } else {
                s.as_str()
            }
        })
        .collect();
    let analyzer = analyzers.stemmed(lang);
    // (word index, from, to, term, is a stop word)
    let mut found = Vec::new();
    let mut folded = String::new();
    for (index, (from, word)) in words(text).enumerate() {
        folded.clear();
        fold_into(word, &mut folded);
        let to = from + word.len();
        if highlight.exact.contains(folded.as_str()) {
            let stop = analyzers.is_stop_word(word);
            found.push((index, from, to, folded.clone(), stop));
            continue;
        }
        if prefixes.iter().any(|p| folded.starts_with(p))
            && let Some(stem) = analyzer.terms(word).pop()
            && stems.contains(&stem)
        {
            found.push((index, from, to, stem, false));
        }
    }
    // A stop word is marked only inside a phrase (`agencia regional de desarrollo`), between
    // two marked words, not wherever it occurs.
    let marked: HashSet<usize> = found.iter().map(|m| m.0).collect();
    found
        .into_iter()
        .filter(|m| !m.4 || (m.0 > 0 && marked.contains(&(m.0 - 1)) && marked.contains(&(m.0 + 1))))
        .map(|(_, from, to, term, _)| (from, to, term))
        .collect()
}

/// Where the words the query searches are in `text`, as `[start, end)` character ranges.
pub(crate) fn marks(
    text: &str,
    lang: Lang,
    highlight: &Highlight,
    analyzers: &Analyzers,
) -> Vec<[usize; 2]> {
    let mut chars = 0;
    let mut at = 0;
    let mut out = Vec::new();
    for (from, to, _) in matches(text, lang, highlight, analyzers) {
        chars += text[at..from].chars().count();
        let end = chars + text[from..to].chars().count();
        out.push([chars, end]);
        chars = end;
        at = to;
    }
    out
}

/// Sentences of `text` as byte ranges: a sentence ends after `.`, `!`, `?` or `…` followed by
/// white space, or at a line break.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let end = match c {
            '\n' => Some(i + 1),
            '.' | '!' | '?' | '…' if next.is_none_or(char::is_whitespace) => {
                Some(i + c.len_utf8())
            }
            _ => None,
        };
        if let Some(end) = end {
            if text[start..end].chars().any(char::is_alphanumeric) {
                out.push((start, end));
            }
            start = end;
        }
    }
    if text[start..].chars().any(char::is_alphanumeric) {
        out.push((start, text.len()));
    }
    // Leading white space belongs to no sentence.
    for (s, e) in &mut out {
        let trimmed = text[*s..*e].len() - text[*s..*e].trim_start().len();
        *s += trimmed;
    }
    out
}

/// Fewest documents that hold a sentence for it to be boilerplate, however small the index.
/// Five is more than a text and its editions or the registers quoting it usually make, and
/// what a sample folder's disclaimer already reaches.
pub const RECURRING_MIN_DOCUMENTS: u64 = 5;

/// In a larger index, the share of its documents that must hold a sentence for it to be
/// boilerplate: one in this many (0.5%: 250 of 50,000 documents, a publisher's series'
/// funding line; no text is quoted that often). A sentence wrongly taken for boilerplate
/// costs little: it is still the snippet when no other sentence of the passage matches.
pub const RECURRING_SHARE: u64 = 200;

/// How many documents must hold a sentence, in an index of `documents`, for it to be
/// boilerplate.
pub(crate) fn recurring_threshold(documents: u64) -> u64 {
    RECURRING_MIN_DOCUMENTS.max(documents.div_ceil(RECURRING_SHARE))
}

/// Sentences a [`Boilerplate`] remembers before it starts over (a few MB): a server that
/// runs long on one generation of a large index still holds a bounded set.
const KNOWN_SENTENCES: usize = 100_000;

/// What one generation of the index knows of its boilerplate: the sentences found to recur,
/// or not, so far, each looked up once.
#[derive(Debug)]
pub(crate) struct Boilerplate {
    field: Field,
    threshold: u64,
    known: Mutex<HashMap<u64, bool>>,
}

impl Boilerplate {
    /// For an index of `documents` whose sentence keys are in `field`.
    pub(crate) fn new(field: Field, documents: u64) -> Boilerplate {
        Boilerplate {
            field,
            threshold: recurring_threshold(documents),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Whether at least the threshold's number of documents still in the index hold the
    /// sentence `key`. The term's document frequency counts deleted passages too, so only
    /// a key it puts over the threshold has its living passages counted.
    pub(crate) fn recurs(&self, searcher: &Searcher, key: u64) -> bool {
        let known = self.known.lock().ok().and_then(|k| k.get(&key).copied());
        if let Some(known) = known {
            return known;
        }
        let term = Term::from_field_u64(self.field, key);
        let recurs = searcher.doc_freq(&term).is_ok_and(|n| n >= self.threshold)
            && self.living(searcher, &term) >= self.threshold;
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= KNOWN_SENTENCES {
                known.clear();
            }
            known.insert(key, recurs);
        }
        recurs
    }

    /// The passages not deleted that hold `term`, counted up to the threshold.
    fn living(&self, searcher: &Searcher, term: &Term) -> u64 {
        let mut count = 0;
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.field) else {
                continue;
            };
            let Ok(Some(mut postings)) = inverted.read_postings(term, IndexRecordOption::Basic)
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    count += 1;
                    if count >= self.threshold {
                        return count;
                    }
                }
                doc = postings.advance();
            }
        }
        count
    }
}

/// Fewest words a sentence has for `sentence_key` to know it: shorter lines (a heading,
/// `Nada.`) are too common to say anything and would only fill the index.
const SENTENCE_KEY_WORDS: usize = 3;

/// A sentence's identity across documents: a hash of its words folded (case, accents), with
/// every digit as `0` (a running header with its page number is one sentence on every page).
/// `None` for a sentence of fewer than [`SENTENCE_KEY_WORDS`] words.
#[cfg(test)]
pub(crate) fn sentence_key(sentence: &str) -> Option<u64> {
    sentence_key_in(sentence, &mut String::new())
}

/// A sentence's key (see `sentence_key`), folding the words into `normal` (scratch, reused
/// across sentences).
fn sentence_key_in(sentence: &str, normal: &mut String) -> Option<u64> {
    normal.clear();
    let mut count = 0;
    for (_, word) in words(sentence) {
        fold_into(word, normal);
        normal.push(' ');
        count += 1;
    }
    let bytes = normal
        .bytes()
        .map(|b| if b.is_ascii_digit() { b'0' } else { b });
    (count >= SENTENCE_KEY_WORDS).then(|| fnv(bytes, FNV_OFFSET))
}

/// The keys of the sentences of `text` (see `sentence_key`), in order.
pub(crate) fn sentence_keys(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut normal = String::new();
    sentences(text)
        .into_iter()
        .filter_map(move |(s, e)| sentence_key_in(&text[s..e], &mut normal))
}

/// The best extract of `text` for the query: the sentence with the most distinct matched
/// terms, with its neighbours while they fit; the opening of the text when nothing matches.
/// A sentence for which `recurring` says yes (boilerplate, given its `sentence_key`) is
/// passed over while another matches, and is not shown as a neighbour of one that does.
pub(crate) fn snippet(
    text: &str,
    lang: Lang,
    highlight: &Highlight,
    analyzers: &Analyzers,
    recurring: &mut dyn FnMut(u64) -> bool,
) -> Snippet {
    let found = matches(text, lang, highlight, analyzers);
    let sentences = sentences(text);
    if sentences.is_empty() {
        return Snippet {
            html: String::new(),
            start: 0,
            end: 0,
        };
    }
    // Whether a sentence recurs across documents, worked out only for the sentences the
    // choice below looks at (a key folds and hashes the sentence's words).
    let mut known: Vec<Option<bool>> = vec![None; sentences.len()];
    let mut normal = String::new();
    let mut boilerplate = |i: usize| -> bool {
        *known[i].get_or_insert_with(|| {
            let (s, e) = sentences[i];
            sentence_key_in(&text[s..e], &mut normal).is_some_and(&mut *recurring)
        })
    };
    // One pass over the matches, in order, scoring the sentence each falls in.
    let mut scores = vec![0usize; sentences.len()];
    let mut distinct: Vec<HashSet<&str>> = vec![HashSet::new(); sentences.len()];
    let mut sentence = 0;
    for m in &found {
        while sentence < sentences.len() && sentences[sentence].1 <= m.0 {
            sentence += 1;
        }
        if sentence == sentences.len() {
            break;
        }
        if m.0 >= sentences[sentence].0 && m.1 <= sentences[sentence].1 {
            scores[sentence] += 1;
            distinct[sentence].insert(m.2.as_str());
        }
    }
    // Matching sentences first, boilerplate last among them, then the most matches and the
    // earliest; with no match at all, the opening, from its first sentence that is not
    // boilerplate.
    let mut order: Vec<(usize, usize)> = (0..sentences.len())
        .map(|i| (distinct[i].len() * 16 + scores[i], i))
        .filter(|&(score, _)| score > 0)
        .collect();
    order.sort_unstable_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
    if order.is_empty() {
        order.extend((0..sentences.len()).map(|i| (0, i)));
    }
    let best = order
        .iter()
        .map(|&(_, i)| i)
        .find(|&i| !boilerplate(i))
        .unwrap_or(order[0].1);
    // Neighbours shown for context are never boilerplate, unless the best sentence is.
    let best_recurs = boilerplate(best);
    let mut context = |i: usize| best_recurs || !boilerplate(i);
    let chars = |s: usize, e: usize| text[s..e].chars().count();
    let (mut start, mut end) = sentences[best];
    let mut last = best;
    while last + 1 < sentences.len()
        && context(last + 1)
        && chars(start, sentences[last + 1].1) <= SNIPPET_CHARS
    {
        last += 1;
        end = sentences[last].1;
    }
    if best > 0
        && last == best
        && context(best - 1)
        && chars(sentences[best - 1].0, end) <= SNIPPET_CHARS
    {
        start = sentences[best - 1].0;
    }
    let (mut cut_start, mut cut_end) = (false, false);
    if chars(start, end) > SNIPPET_CHARS {
        // One long sentence: a window around its first match.
        let anchor = found
            .iter()
            .find(|m| m.0 >= start && m.1 <= end)
            .map_or(start, |m| m.0);
        let lead = text[start..anchor].chars().count().min(SNIPPET_CHARS / 4);
        let mut window_start = anchor;
        for (i, (offset, _)) in text[..anchor].char_indices().rev().enumerate() {
            if i >= lead || offset < start {
                break;
            }
            window_start = offset;
        }
        let window_start = word_start(text, start, window_start);
        let window_end = text[window_start..end]
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(end, |(i, _)| word_end(text, window_start + i, window_start));
        cut_start = window_start > start;
        cut_end = window_end < end;
        start = window_start;
        end = window_end;
    }
    let mut html = String::new();
    if cut_start {
        html.push('…');
    }
    let mut at = start;
    for m in found.iter().filter(|m| m.0 >= start && m.1 <= end) {
        push_escaped(&mut html, &text[at..m.0]);
        html.push_str("<mark>");
        push_escaped(&mut html, &text[m.0..m.1]);
        html.push_str("</mark>");
        at = m.1;
    }
    push_escaped(&mut html, &text[at..end]);
    let trimmed_end = html.trim_end().len();
    html.truncate(trimmed_end);
    if cut_end {
        html.push('…');
    }
    Snippet {
        html: html.trim_start().to_string(),
        start,
        end,
    }
}

/// The start of the word holding `offset`, not before `floor`.
fn word_start(text: &str, floor: usize, offset: usize) -> usize {
    text[floor..offset]
        .rfind(char::is_whitespace)
        .map_or(offset, |i| floor + i + 1)
}

/// The end of the last whole word before `offset`, not before `floor`.
fn word_end(text: &str, offset: usize, floor: usize) -> usize {
    text[floor..offset]
        .rfind(char::is_whitespace)
        .map_or(offset, |i| floor + i)
}

/// Appends `text` HTML-escaped, with runs of white space (line breaks included) as one space.
pub fn push_escaped(out: &mut String, text: &str) {
    let mut blank = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !blank {
                out.push(' ');
            }
            blank = true;
            continue;
        }
        blank = false;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlight(words: &[&str]) -> Highlight {
        let analyzers = Analyzers::new();
        let mut h = Highlight::default();
        for w in words {
            h.stems_mut(Lang::Es).extend(analyzers.es.stem_variants(w));
            h.stems_mut(Lang::En).extend(analyzers.en.stem_variants(w));
        }
        h
    }

    #[test]
    fn marks_every_form_of_the_words() {
        let text = "Las agencias regionales coordinan. Otra frase sin nada.";
        let s = snippet(
            text,
            Lang::Es,
            &highlight(&["agencia", "regional"]),
            &Analyzers::new(),
            &mut |_| false,
        );
        assert!(
            s.html
                .starts_with("Las <mark>agencias</mark> <mark>regionales</mark> coordinan."),
            "{}",
            s.html
        );
        assert_eq!(&text[s.start..s.start + 3], "Las");
    }

    #[test]
    fn marks_words_cut_as_the_index_cuts_them() {
        // `3,5` and `tasa_base` are single words in the index (and in the query's terms).
        let analyzers = Analyzers::new();
        let mut h = Highlight::default();
        h.exact.extend(analyzers.exact.terms("3,5 tasa_base"));
        let s = snippet(
            "Sube 3,5 puntos (tasa_base).",
            Lang::Es,
            &h,
            &analyzers,
            &mut |_| false,
        );
        assert_eq!(
            s.html,
            "Sube <mark>3,5</mark> puntos (<mark>tasa_base</mark>).",
        );
    }

    #[test]
    fn picks_the_sentence_with_most_matches_and_escapes_html() {
        let filler = "Texto de relleno sin relación alguna con la consulta. ".repeat(8);
        let text = format!(
            "{filler}La <b>gobernanza</b> & la articulación interinstitucional en Biobío. {filler}"
        );
        let s = snippet(
            &text,
            Lang::Es,
            &highlight(&["articulacion", "interinstitucional", "biobio"]),
            &Analyzers::new(),
            &mut |_| false,
        );
        assert!(
            s.html.contains(
                "&lt;b&gt;gobernanza&lt;/b&gt; &amp; la <mark>articulación</mark> \
                                 <mark>interinstitucional</mark> en <mark>Biobío</mark>."
            ),
            "{}",
            s.html
        );
        assert!(text[s.start..s.end].chars().count() <= SNIPPET_CHARS);
    }

    #[test]
    fn cuts_a_long_sentence_around_the_match() {
        let text = format!(
            "{} innovación {}",
            "palabra ".repeat(100),
            "otra ".repeat(100)
        );
        let s = snippet(
            &text,
            Lang::Es,
            &highlight(&["innovacion"]),
            &Analyzers::new(),
            &mut |_| false,
        );
        assert!(
            s.html.starts_with('…') && s.html.ends_with('…'),
            "{}",
            s.html
        );
        assert!(s.html.contains("<mark>innovación</mark>"));
        assert!(text[s.start..s.end].chars().count() <= SNIPPET_CHARS);
    }

    #[test]
    fn words_as_the_index_has_them_and_sentences() {
        let text = "O'Higgins y Biobío: 3,5 km. ¿Qué pasó? Nada\nOtra línea";
        let found: Vec<&str> = words(text).map(|(_, w)| w).collect();
        assert_eq!(
            found,
            [
                "O'Higgins",
                "y",
                "Biobío",
                "3,5",
                "km",
                "Qué",
                "pasó",
                "Nada",
                "Otra",
                "línea"
            ]
        );
        let spans: Vec<&str> = sentences(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            spans,
            [
                "O'Higgins y Biobío: 3,5 km.",
                "¿Qué pasó?",
                "Nada\n",
                "Otra línea"
            ]
        );
    }

    #[test]
    fn no_match_gives_the_opening() {
        let s = snippet(
            "Primera frase. Segunda frase.",
            Lang::Es,
            &Highlight::default(),
            &Analyzers::new(),
            &mut |_| false,
        );
        assert_eq!(s.html, "Primera frase. Segunda frase.");
    }

    #[test]
    fn boilerplate_is_passed_over_while_another_sentence_matches() {
        let disclaimer = "Contenido de muestra sobre el cacao con fines de demostración.";
        let text = format!("{disclaimer} Otra frase. El cacao de Piura se exporta en grano.");
        let key = sentence_key(disclaimer).unwrap();
        let s = snippet(
            &text,
            Lang::Es,
            &highlight(&["cacao"]),
            &Analyzers::new(),
            &mut |k| k == key,
        );
        assert!(
            s.html.contains("El <mark>cacao</mark> de Piura"),
            "{}",
            s.html
        );
        assert!(!s.html.contains("muestra"), "{}", s.html);
        // Only the boilerplate matches: it is the snippet.
        let s = snippet(
            &format!("{disclaimer} Otra frase."),
            Lang::Es,
            &highlight(&["cacao"]),
            &Analyzers::new(),
            &mut |k| k == key,
        );
        assert!(s.html.contains("<mark>cacao</mark>"), "{}", s.html);
    }

    #[test]
    fn boilerplate_is_neither_the_opening_nor_beside_the_match() {
        let disclaimer = "Nota de sesión de muestra.";
        let key = sentence_key(disclaimer).unwrap();
        let mut recurs = |k| k == key;
        let text = format!("{disclaimer} La mesa trató el financiamiento regional.");
        let s = snippet(
            &text,
            Lang::Es,
            &highlight(&["financiamiento"]),
            &Analyzers::new(),
            &mut recurs,
        );
        assert_eq!(
            s.html,
            "La mesa trató el <mark>financiamiento</mark> regional."
        );
        let s = snippet(
            &text,
            Lang::Es,
            &Highlight::default(),
            &Analyzers::new(),
            &mut recurs,
        );
        assert_eq!(s.html, "La mesa trató el financiamiento regional.");
    }

    #[test]
    fn a_sentence_is_known_whatever_its_case_accents_and_page_number() {
        assert_eq!(
            sentence_key("Informe anual 2023, página 12."),
            sentence_key("INFORME ANUAL 2023 — Pagina 13")
        );
        assert_ne!(
            sentence_key("Nota de sesión de muestra."),
            sentence_key("Nota de sesión ilustrativa.")
        );
        assert_eq!(sentence_key("Muy corta."), None);
    }
}
