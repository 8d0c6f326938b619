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
//! A user who types without accents still reaches the stems of accented words:
//! [`Analyzer::stem_variants`] gives, for a query word, the stems of the word as typed, folded,
//! and with each accent it could have carried (`innovacion` → `innovación` → `innov`); the
//! query keeps those the index holds.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use minga_core::{Lang, fold};
use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

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

static STOP_ES: LazyLock<HashSet<String>> = LazyLock::new(|| stop_set(stopwords::SPANISH));
static STOP_EN: LazyLock<HashSet<String>> = LazyLock::new(|| stop_set(stopwords::ENGLISH));

/// A stop list holding each word both as written and folded, so `más` and `mas` both stop.
fn stop_set(words: &[&str]) -> HashSet<String> {
    words
        .iter()
        .flat_map(|w| [w.to_string(), fold(w)])
        .collect()
}

impl Analyzer {
    /// The analyzer of a language: stop words dropped, stemmed, then folded.
    pub fn stemmed(lang: Lang) -> Analyzer {
        let algorithm = match lang {
            Lang::Es => Algorithm::Spanish,
            Lang::En => Algorithm::English,
        };
        Analyzer {
            mode: Mode::Stemmed(lang),
            stemmer: Some(Arc::new(Stemmer::create(algorithm))),
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
            Mode::Stemmed(Lang::Es) => "minga_es",
            Mode::Stemmed(Lang::En) => "minga_en",
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
        match self.mode {
            Mode::Stemmed(Lang::Es) => STOP_ES.contains(&word.to_lowercase()),
            Mode::Stemmed(Lang::En) => STOP_EN.contains(&word.to_lowercase()),
            Mode::Exact => false,
        }
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
        let stop = match self.mode {
            Mode::Stemmed(Lang::Es) => Some(&*STOP_ES),
            Mode::Stemmed(Lang::En) => Some(&*STOP_EN),
            Mode::Exact => None,
        };
        let mut position = 0;
        let mut lower = String::new();
        for (from, word) in text.split_word_bound_indices() {
            if !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            let this_position = position;
            position += 1;
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if stop.is_some_and(|s| s.contains(&lower)) {
                continue;
            }
            let mut term = match &self.stemmer {
                Some(stemmer) => fold(&stemmer.stem(&lower)),
                None => fold(&lower),
            };
            term.retain(|c| c != '\'' && c != '’');
            if term.is_empty() || term.len() > MAX_TERM_BYTES {
                continue;
            }
            sink(AnalyzedTerm {
                text: term,
                from,
                to: from + word.len(),
                position: this_position,
            });
        }
    }

    /// The terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        self.analyze(text, |t| terms.push(t.text));
        terms
    }

    /// The same analyzer as a tantivy tokenizer.
    pub(crate) fn tokenizer(&self) -> AnalyzerTokenizer {
        AnalyzerTokenizer {
            analyzer: self.clone(),
            tokens: Vec::new(),
        }
    }
}

/// An [`Analyzer`] wearing tantivy's [`Tokenizer`] interface.
#[derive(Clone, Debug)]
pub(crate) struct AnalyzerTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl Tokenizer for AnalyzerTokenizer {
    type TokenStream<'a> = AnalyzedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AnalyzedStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        self.analyzer.analyze(text, |t| {
            tokens.push(Token {
                offset_from: t.from,
                offset_to: t.to,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
        });
        AnalyzedStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// The tokens of one analysed text.
pub(crate) struct AnalyzedStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for AnalyzedStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
