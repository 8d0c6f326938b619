//! Text analysis: the one definition of how text becomes terms, shared by indexing, querying
//! and highlighting.
//!
//! Every analyzer tokenizes on Unicode word boundaries (UAX #29, via unicode-segmentation) and
//! lower-cases. The stemmed analyzers then drop the language's stop words and stem with the
//! language's Snowball stemmer **before** folding accents, because the Spanish stemmer reads
//! accents (`innovación` loses its suffix `-ación`, `innovacion` keeps it); the stem is folded
//! afterwards, so `Apurímac`, `apurimac` and `APURIMAC` meet. The exact analyzer folds without
//! stemming or dropping anything, for phrases and exact-form boosts.
//!
//! The languages with a Snowball stemmer ([`STEMMED`]) each have their analyzer; Spanish and
//! English also drop stop words (the others keep them: BM25's idf weighs them down). A
//! language without a stemmer (Czech, Polish, Japanese, Chinese…) is indexed by the exact
//! analyzer alone.
//!
//! A user who types without accents still reaches the stems of accented words:
//! [`Analyzer::stem_variants`] gives, for a query word, the stems of the word as typed, folded,
//! and with each accent it could have carried (`innovacion` → `innovación` → `innov`); the
//! query keeps those the index holds.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, LazyLock};

use minga_core::{Lang, fold, fold_into};
use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

use crate::schema::{FNV_OFFSET, fnv};
use crate::stopwords;

/// Terms longer than this many bytes (URLs, hashes, base64) are dropped.
pub const MAX_TERM_BYTES: usize = 64;

/// A term with where it came from in the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedTerm {
    /// The term as indexed.
    pub text: String,
    /// Byte offset of the word's first character.
    pub from: usize,
    /// Byte offset just past the word's last character.
    pub to: usize,
    /// The word's position, counting dropped stop words, so phrases keep their gaps.
    pub position: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    Stemmed(Lang),
    Exact,
}

/// One of Minga's analyzers; cheap to clone.
#[derive(Clone)]
pub struct Analyzer {
    mode: Mode,
    stemmer: Option<Arc<Stemmer>>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Analyzer").field(&self.mode).finish()
    }
}

/// 64-bit FNV-1a: stop-word lookups hash one short word per token, where SipHash's
/// resistance to collision attacks (the stop lists are fixed) is pure cost.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let start = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        self.0 = fnv(bytes.iter().copied(), start);
    }
}

type StopSet = HashSet<String, BuildHasherDefault<Fnv>>;

static STOP_ES: LazyLock<StopSet> = LazyLock::new(|| stop_set(stopwords::SPANISH));
static STOP_EN: LazyLock<StopSet> = LazyLock::new(|| stop_set(stopwords::ENGLISH));

/// Whether a lower-cased word is a stop word, with or without its accents: the list has
/// `cuando` and `más`, and `cuándo`, `cuando`, `más` and `mas` all stop.
fn is_stop(set: &StopSet, lower: &str) -> bool {
    set.contains(lower) || (!lower.is_ascii() && set.contains(fold(lower).as_str()))
}

/// A stop list holding each word both as written and folded, so `más` and `mas` both stop.
fn stop_set(words: &[&str]) -> StopSet {
    words
        .iter()
        .flat_map(|w| [w.to_string(), fold(w)])
        .collect()
}

/// The languages with a Snowball stemmer, Spanish and English first: each has a stemmed
/// field per kind of text in the index.
pub const STEMMED: [Lang; 18] = [
    Lang::Es,
    Lang::En,
    Lang::Pt,
    Lang::Fr,
    Lang::De,
    Lang::It,
    Lang::Nl,
    Lang::Sv,
    Lang::Da,
    Lang::No,
    Lang::Fi,
    Lang::Ro,
    Lang::Hu,
    Lang::Tr,
    Lang::Ru,
    Lang::El,
    Lang::Ar,
    Lang::Ta,
];

/// A language's Snowball stemmer and the name its analyzer is registered under, if it has
/// one.
fn stemmer(lang: Lang) -> Option<(Algorithm, &'static str)> {
    Some(match lang {
        Lang::Es => (Algorithm::Spanish, "minga_es"),
        Lang::En => (Algorithm::English, "minga_en"),
        Lang::Pt => (Algorithm::Portuguese, "minga_pt"),
        Lang::Fr => (Algorithm::French, "minga_fr"),
        Lang::De => (Algorithm::German, "minga_de"),
        Lang::It => (Algorithm::Italian, "minga_it"),
        Lang::Nl => (Algorithm::Dutch, "minga_nl"),
        Lang::Sv => (Algorithm::Swedish, "minga_sv"),
        Lang::Da => (Algorithm::Danish, "minga_da"),
        Lang::No => (Algorithm::Norwegian, "minga_no"),
        Lang::Fi => (Algorithm::Finnish, "minga_fi"),
        Lang::Ro => (Algorithm::Romanian, "minga_ro"),
        Lang::Hu => (Algorithm::Hungarian, "minga_hu"),
        Lang::Tr => (Algorithm::Turkish, "minga_tr"),
        Lang::Ru => (Algorithm::Russian, "minga_ru"),
        Lang::El => (Algorithm::Greek, "minga_el"),
        Lang::Ar => (Algorithm::Arabic, "minga_ar"),
        Lang::Ta => (Algorithm::Tamil, "minga_ta"),
        Lang::Cs
        | Lang::Pl
        | Lang::Uk
        | Lang::Ca
        | Lang::Ja
        | Lang::Zh
        | Lang::Ko
        | Lang::Qu
        | Lang::Ay
        | Lang::Gn
        | Lang::Und => {
            return None;
        }
    })
}

impl Analyzer {
    /// The analyzer of a language: stop words dropped (Spanish, English), stemmed, then
    /// folded. A language without a stemmer (not in [`STEMMED`]) gets the exact analyzer.
    pub fn stemmed(lang: Lang) -> Analyzer {
        match stemmer(lang) {
            Some((algorithm, _)) => Analyzer {
                mode: Mode::Stemmed(lang),
                stemmer: Some(Arc::new(Stemmer::create(algorithm))),
            },
            None => Analyzer::exact(),
        }
    }

    /// The exact analyzer: every word, folded, unstemmed.
    pub fn exact() -> Analyzer {
        Analyzer {
            mode: Mode::Exact,
            stemmer: None,
        }
    }

    /// The name it is registered under in the index.
    pub fn name(&self) -> &'static str {
        match self.mode {
            Mode::Stemmed(lang) => stemmer(lang).map_or("minga_exact", |(_, name)| name),
            Mode::Exact => "minga_exact",
        }
    }

    /// The language this analyzer stems, if it stems.
    pub fn lang(&self) -> Option<Lang> {
        match self.mode {
            Mode::Stemmed(lang) => Some(lang),
            Mode::Exact => None,
        }
    }

    /// Whether `word` (any case, with or without accents) is a stop word of this analyzer.
    pub fn is_stop_word(&self, word: &str) -> bool {
        self.stop_set()
            .is_some_and(|set| is_stop(set, &word.to_lowercase()))
    }

    /// The stems a query word may stand for: its own stem first, then (for Spanish, whose
    /// stemmer reads accents) the stems of its folded form and of that form with one acute
    /// accent on any vowel, or `ñ` for any `n`. Empty for a stop word.
    pub fn stem_variants(&self, word: &str) -> Vec<String> {
        let Some(primary) = self.terms(word).pop() else {
            return Vec::new();
        };
        let mut stems = vec![primary];
        if self.mode != Mode::Stemmed(Lang::Es) {
            return stems;
        }
        let folded = fold(word);
        let chars: Vec<char> = folded.chars().collect();
        let mut candidates = vec![folded.clone()];
        for (i, c) in chars.iter().enumerate() {
            let accented = match c {
                'a' => 'á',
                'e' => 'é',
                'i' => 'í',
                'o' => 'ó',
                'u' => 'ú',
                'n' => 'ñ',
                _ => continue,
            };
            let mut variant = chars.clone();
            variant[i] = accented;
            candidates.push(variant.into_iter().collect());
        }
        for candidate in candidates {
            if let Some(stem) = self.terms(&candidate).pop()
                && !stems.contains(&stem)
            {
                stems.push(stem);
            }
        }
        stems
    }

    /// Calls `sink` with each term of `text`, in order.
    pub fn analyze(&self, text: &str, mut sink: impl FnMut(AnalyzedTerm)) {
        let mut words = Words::new(text);
        let (mut lower, mut term) = (String::new(), String::new());
        while let Some((from, to, position)) = words.next_term(
            |word, term| self.term_into(word, &mut lower, term),
            &mut term,
        ) {
            sink(AnalyzedTerm {
                text: term.clone(),
                from,
                to,
                position,
            });
        }
    }

    /// The stop list of this analyzer, if it drops stop words.
    fn stop_set(&self) -> Option<&'static StopSet> {
        match self.mode {
            Mode::Stemmed(Lang::Es) => Some(&*STOP_ES),
            Mode::Stemmed(Lang::En) => Some(&*STOP_EN),
            Mode::Stemmed(_) | Mode::Exact => None,
        }
    }

    /// Writes the term of one word (a segment with a letter or digit) to `term`, using `lower`
    /// as scratch; false when the word gives no term (a stop word, nothing left, too long).
    ///
    /// The word is lower-cased char by char (`char::to_lowercase`), checked against the stop
    /// list, stemmed, and folded; ASCII words take a shortcut that gives the same bytes.
    fn term_into(&self, word: &str, lower: &mut String, term: &mut String) -> bool {
        term.clear();
        if self.mode == Mode::Exact && word.is_ascii() {
            // Exact: folding ASCII is lower-casing it.
            term.push_str(word);
            term.make_ascii_lowercase();
        } else {
            lower.clear();
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            if self.stop_set().is_some_and(|set| is_stop(set, lower)) {
                return false;
            }
            match &self.stemmer {
                Some(stemmer) => {
                    let stem = stemmer.stem(lower);
                    if stem.is_ascii() {
                        term.push_str(&stem);
                        term.make_ascii_lowercase();
                    } else {
                        fold_into(&stem, term);
                    }
                }
                None => fold_into(lower, term),
            }
        }
        if term.contains(['\'', '’']) {
            term.retain(|c| c != '\'' && c != '’');
        }
        !term.is_empty() && term.len() <= MAX_TERM_BYTES
    }

    /// The terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        self.analyze(text, |t| terms.push(t.text));
        terms
    }

    /// The same analyzer as a tantivy tokenizer, as indexing uses it: it remembers the terms
    /// of the words it has met, so a word that comes again is not analysed again.
    pub fn tokenizer(&self) -> AnalyzerTokenizer {
        AnalyzerTokenizer {
            analyzer: self.clone(),
            token: Token::default(),
            lower: String::new(),
            cache: TermCache::default(),
        }
    }
}

/// The words of a text (UAX #29 segments holding a letter or digit) and their positions.
///
/// Most of a Spanish or English text is plain words between spaces and punctuation, where
/// the full UAX #29 rules are not needed to know the answer: the text is cut at whitespace
/// (which never joins two words), punctuation that cannot join anything is trimmed from the
/// ends of each piece, and a piece left with only Latin letters and digits is one word (rules
/// WB5, WB8 to WB10). Every other piece (`I+D+i`, `3,5`, `l'agence`, `Nº`, other scripts) is
/// segmented by unicode-segmentation. The words are the same as segmenting the whole text
/// (see the `fast_words_are_the_uax29_words` test).
struct Words<'a> {
    text: &'a str,
    /// Byte offset of the rest of the text not yet cut into pieces.
    rest: usize,
    /// The segments of a piece the fast path could not take, and the piece's offset.
    segments: Option<(usize, UWordBoundIndices<'a>)>,
    /// Position of the next word, counting the words that give no term.
    position: usize,
}

/// Punctuation that is never part of a word at the start or end of a piece: none of it
/// extends a word (UAX #29 Extend, Format, ZWJ, ExtendNumLet), and the characters that join
/// words from the middle (`.`, `,`, `'`, `’`, `:`, `;`) need a letter or digit on both sides.
fn is_edge_punctuation(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '.'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '\''
            | '¿'
            | '¡'
            | '«'
            | '»'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '-'
            | '–'
            | '—'
            | '/'
            | '*'
            | '#'
            | '%'
            | '&'
            | '+'
            | '='
            | '<'
            | '>'
            | '|'
            | '~'
            | '`'
    )
}

/// A letter or digit that UAX #29 treats as ALetter or Numeric and that joins with its kind:
/// ASCII letters and digits and the Latin letters of Latin-1 and Latin Extended-A and -B.
fn is_plain_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (matches!(c, '\u{c0}'..='\u{24f}') && c != '×' && c != '÷')
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Words<'a> {
        Words {
            text,
            rest: 0,
            segments: None,
            position: 0,
        }
    }

    /// The next word: its byte offset and text.
    fn next_word(&mut self) -> Option<(usize, &'a str)> {
        loop {
            if let Some((base, segments)) = &mut self.segments {
                for (from, segment) in segments.by_ref() {
                    if segment.chars().any(char::is_alphanumeric) {
                        return Some((*base + from, segment));
                    }
                }
                self.segments = None;
            }
            let rest = &self.text[self.rest..];
            let start = rest.find(|c: char| !c.is_whitespace())?;
            let piece_len = rest[start..]
                .find(char::is_whitespace)
                .unwrap_or(rest.len() - start);
            let piece_at = self.rest + start;
            self.rest = piece_at + piece_len;
            let piece = &self.text[piece_at..self.rest];
            let core = piece.trim_start_matches(is_edge_punctuation);
            let core_at = piece_at + (piece.len() - core.len());
            let core = core.trim_end_matches(is_edge_punctuation);
            if core.is_empty() {
                continue;
            }
            if core.chars().all(is_plain_word_char) {
                return Some((core_at, core));
            }
            self.segments = Some((core_at, core.split_word_bound_indices()));
        }
    }

    /// Writes the next term to `term` (`term_of` writes a word's term and says whether it
    /// has one) and returns its byte range and position.
    fn next_term(
        &mut self,
        mut term_of: impl FnMut(&str, &mut String) -> bool,
        term: &mut String,
    ) -> Option<(usize, usize, usize)> {
        while let Some((from, word)) = self.next_word() {
            let position = self.position;
            self.position += 1;
            if term_of(word, term) {
                return Some((from, from + word.len(), position));
            }
        }
        None
    }
}

/// The words of `text` with their byte offsets, cut exactly as the analyzers cut them (so a
/// snippet marks `3,5` or `O'Higgins` as the one word the index holds).
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut words = Words::new(text);
    std::iter::from_fn(move || words.next_word())
}

/// An [`Analyzer`] wearing tantivy's [`Tokenizer`] interface. Its token and scratch buffers
/// are reused from one text to the next, so indexing allocates nothing per token.
#[derive(Clone, Debug)]
pub struct AnalyzerTokenizer {
    analyzer: Analyzer,
    token: Token,
    lower: String,
    cache: TermCache,
}

/// The terms of the words a tokenizer has met (`None`: no term, e.g. a stop word). Words
/// repeat (a few thousand make most of any text), and stemming is half the cost of analysis.
/// FxHash reads a word eight bytes at a time (FNV, a byte at a time, made these look-ups a
/// tenth of indexing).
type TermCache = HashMap<Box<str>, Option<Box<str>>, rustc_hash::FxBuildHasher>;

/// Words a [`TermCache`] holds before it starts over (a few MB).
const TERM_CACHE_WORDS: usize = 50_000;

/// Writes the term of `word` to `term`, from the cache when the word was met before.
fn cached_term(
    analyzer: &Analyzer,
    cache: &mut TermCache,
    lower: &mut String,
    word: &str,
    term: &mut String,
) -> bool {
    if analyzer.mode == Mode::Exact && word.is_ascii() {
        // Lower-casing it costs less than looking it up.
        return analyzer.term_into(word, lower, term);
    }
    if let Some(known) = cache.get(word) {
        term.clear();
        return match known {
            Some(known) => {
                term.push_str(known);
                true
            }
            None => false,
        };
    }
    let found = analyzer.term_into(word, lower, term);
    if cache.len() >= TERM_CACHE_WORDS {
        cache.clear();
    }
    cache.insert(word.into(), found.then(|| term.as_str().into()));
    found
}

impl Tokenizer for AnalyzerTokenizer {
    type TokenStream<'a> = AnalyzedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnalyzedStream<'a> {
        self.token.reset();
        AnalyzedStream {
            words: Words::new(text),
            analyzer: &self.analyzer,
            token: &mut self.token,
            lower: &mut self.lower,
            cache: &mut self.cache,
        }
    }
}

/// The tokens of one analysed text, analysed as they are asked for.
pub struct AnalyzedStream<'a> {
    words: Words<'a>,
    analyzer: &'a Analyzer,
    token: &'a mut Token,
    lower: &'a mut String,
    cache: &'a mut TermCache,
}

impl TokenStream for AnalyzedStream<'_> {
    fn advance(&mut self) -> bool {
        let (analyzer, lower, cache) = (self.analyzer, &mut *self.lower, &mut *self.cache);
        match self.words.next_term(
            |word, term| cached_term(analyzer, cache, lower, word, term),
            &mut self.token.text,
        ) {
            Some((from, to, position)) => {
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.position = position;
                self.token.position_length = 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `text` by UAX #29 alone: what `Words` must give.
    fn uax29_words(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .collect()
    }

    fn fast_words(text: &str) -> Vec<(usize, &str)> {
        let mut words = Words::new(text);
        std::iter::from_fn(|| words.next_word()).collect()
    }

    #[test]
    fn fast_words_are_the_uax29_words() {
        for text in [
            "La articulación interinstitucional (ARD) funciona: ¿cómo? ¡Así!",
            "I+D+i, SD-PCM, 3,5 %, 1.000.000, l'agence, don't, Nº 12, 1º, x_y, a.b.c.",
            "«Biobío», “Coquimbo”… — Apurímac/Cusco; e-mail: info@ard.pe, www.ard.gob.pe",
            "日本語のテキスト، عربي, ไทย, Ελληνικά, e\u{301}te, ,.;: '' \u{a0}año\u{a0}",
            "",
            "   ",
            "'abc'def' .x. ..y.. 3.5. a'b' 'a 12:30 a:b 3;4",
        ] {
            assert_eq!(fast_words(text), uax29_words(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_words_are_the_uax29_words_on_any_text(
            text in "[a-zA-Z0-9áéíóúñÑüÁ ºª.,;:'’_\\-+()¿?«»\u{301}\u{a0}\n日α×]{0,40}"
        ) {
            proptest::prop_assert_eq!(fast_words(&text), uax29_words(&text));
        }
    }

    fn es(text: &str) -> Vec<String> {
        Analyzer::stemmed(Lang::Es).terms(text)
    }

    fn en(text: &str) -> Vec<String> {
        Analyzer::stemmed(Lang::En).terms(text)
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(es("Apurímac"), es("apurimac"));
        assert_eq!(es("APURIMAC"), es("apurimac"));
        assert_eq!(es("Biobío"), es("biobio"));
        assert_eq!(es("acción"), es("accion"));
    }

    #[test]
    fn stemming_happens_before_folding() {
        // The stemmer needs the accent to see the suffix `-ación`.
        assert_eq!(es("innovación"), ["innov"]);
        assert_eq!(es("innovaciones"), ["innov"]);
        assert_eq!(es("articulación"), es("articulaciones"));
    }

    #[test]
    fn unaccented_query_words_reach_the_accented_stems() {
        let analyzer = Analyzer::stemmed(Lang::Es);
        for (typed, meant) in [
            ("innovacion", "innovación"),
            ("articulacion", "articulación"),
            ("gestion", "gestión"),
            ("ano", "año"),
            ("innovación", "innovación"),
        ] {
            let variants = analyzer.stem_variants(typed);
            assert!(variants.contains(&es(meant)[0]), "{typed}: {variants:?}");
            assert_eq!(variants[0], es(typed)[0]);
        }
        assert!(analyzer.stem_variants("de").is_empty());
        assert_eq!(
            Analyzer::stemmed(Lang::En).stem_variants("agencies"),
            ["agenc"]
        );
    }

    #[test]
    fn plurals_meet_their_singular() {
        assert_eq!(es("agencias regionales"), es("agencia regional"));
        assert_eq!(en("agencies"), en("agency"));
        assert_eq!(en("lessons learned"), en("lesson learn"));
    }

    #[test]
    fn stop_words_go_with_or_without_accents() {
        assert_eq!(
            es("la gobernanza de las agencias"),
            es("gobernanza agencias")
        );
        assert_eq!(es("más"), Vec::<String>::new());
        assert_eq!(es("mas"), Vec::<String>::new());
        // Question words stop with their accents too (the list spells them without).
        assert_eq!(
            es("¿Cuándo y dónde? ¿Quién, cómo, cuál?"),
            Vec::<String>::new()
        );
        assert!(Analyzer::stemmed(Lang::Es).is_stop_word("Cuándo"));
        assert_eq!(
            en("the governance of the agencies"),
            en("governance agencies")
        );
        // `estado` is a noun that matters here.
        assert_eq!(es("el Estado"), ["estad"]);
    }

    #[test]
    fn exact_folds_but_keeps_every_word() {
        let exact = Analyzer::exact();
        assert_eq!(
            exact.terms("Agencia Regional de Desarrollo de Apurímac"),
            ["agencia", "regional", "de", "desarrollo", "de", "apurimac"]
        );
        assert_eq!(exact.terms("O'Higgins"), ["ohiggins"]);
    }

    #[test]
    fn offsets_and_positions_point_into_the_text() {
        let text = "La articulación en Biobío";
        let mut terms = Vec::new();
        Analyzer::stemmed(Lang::Es).analyze(text, |t| terms.push(t));
        assert_eq!(terms.len(), 2);
        assert_eq!(&text[terms[0].from..terms[0].to], "articulación");
        assert_eq!(terms[0].position, 1);
        assert_eq!(&text[terms[1].from..terms[1].to], "Biobío");
        assert_eq!(terms[1].position, 3);
    }

    #[test]
    fn punctuation_and_overlong_tokens_are_dropped() {
        assert_eq!(Analyzer::exact().terms("— ¿Qué? ¡Sí! …"), ["que", "si"]);
        let long = "x".repeat(MAX_TERM_BYTES + 1);
        assert!(Analyzer::exact().terms(&long).is_empty());
    }

    #[test]
    fn the_tokenizer_yields_the_same_terms() {
        let mut tokenizer = Analyzer::stemmed(Lang::Es).tokenizer();
        let mut stream = tokenizer.token_stream("Agencias Regionales de Desarrollo");
        let mut seen = Vec::new();
        while let Some(token) = stream.next() {
            seen.push(token.text.clone());
        }
        assert_eq!(seen, es("Agencias Regionales de Desarrollo"));
    }
}
