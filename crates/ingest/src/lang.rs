//! Telling Spanish from English.

use std::collections::HashSet;
use std::sync::LazyLock;

use minga_core::{Lang, fold};
use unicode_segmentation::UnicodeSegmentation;

/// How many words of a text [`detect_lang`] looks at.
pub const DETECT_WORDS: usize = 2_000;

/// Spanish function words, folded (`más` is `mas`).
const SPANISH: &[&str] = &[
    "de", "la", "que", "el", "en", "y", "los", "del", "se", "las", "por", "un", "para", "con",
    "no", "una", "su", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "o", "este", "sí",
    "porque", "esta", "entre", "cuando", "muy", "sin", "sobre", "también", "me", "hasta", "hay",
    "donde", "quien", "desde", "todo", "nos", "durante", "todos", "uno", "les", "ni", "contra",
    "otros", "ese", "eso", "ante", "ellos", "e", "esto", "mí", "antes", "algunos", "qué", "unos",
    "yo", "otro", "otras", "otra", "él", "tanto", "esa", "estos", "mucho", "quienes", "nada",
    "muchos", "cual", "poco", "ella", "estar", "estas", "algunas", "algo", "nosotros",
];

/// English function words.
const ENGLISH: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
    "an", "they", "you", "were", "her", "she", "there", "been", "one", "all", "we", "their", "has",
    "would", "when", "if", "so", "who", "will", "more", "no", "out", "up", "into", "do", "any",
    "your", "what", "time", "can", "only", "other", "new", "some", "could", "these", "two", "may",
    "then", "first", "than", "like", "its",
];

/// Characters only Spanish writes: each counts as evidence for Spanish.
const SPANISH_CUES: &[char] = &[
    'ñ', 'á', 'é', 'í', 'ó', 'ú', '¿', '¡', 'Ñ', 'Á', 'É', 'Í', 'Ó', 'Ú',
];

static SPANISH_WORDS: LazyLock<HashSet<String>> =
    LazyLock::new(|| SPANISH.iter().map(|w| fold(w)).collect());
static ENGLISH_WORDS: LazyLock<HashSet<String>> =
    LazyLock::new(|| ENGLISH.iter().map(|w| fold(w)).collect());

/// Spanish or English, by counting function words among the first [`DETECT_WORDS`] words
/// (plus `ñ`, accented vowels, `¿` and `¡` for Spanish). Ties and texts without evidence
/// are Spanish, the language of most documents.
pub fn detect_lang(text: &str) -> Lang {
    let mut spanish = 0usize;
    let mut english = 0usize;
    let mut end = text.len();
    for (i, (offset, word)) in text.unicode_word_indices().enumerate() {
        if i == DETECT_WORDS {
            end = offset;
            break;
        }
        let word = fold(word);
        spanish += usize::from(SPANISH_WORDS.contains(&word));
        english += usize::from(ENGLISH_WORDS.contains(&word));
    }
    spanish += text[..end]
        .chars()
        .filter(|c| SPANISH_CUES.contains(c))
        .count();
    if english > spanish {
        Lang::En
    } else {
        Lang::Es
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_spanish_from_english() {
        assert_eq!(
            detect_lang(
                "La articulación entre el gobierno regional y los municipios fue clave para el éxito del programa."
            ),
            Lang::Es
        );
        assert_eq!(
            detect_lang(
                "The regional government worked with the municipalities, and this was key to the success of the programme."
            ),
            Lang::En
        );
        assert_eq!(detect_lang("Año de la innovación"), Lang::Es);
        assert_eq!(
            detect_lang("Lessons learned from the Biobío internship"),
            Lang::En
        );
    }

    #[test]
    fn no_evidence_means_spanish() {
        assert_eq!(detect_lang(""), Lang::Es);
        assert_eq!(detect_lang("CORFO 2023"), Lang::Es);
    }

    #[test]
    fn looks_only_at_the_beginning() {
        let english = "the cat and the dog ".repeat(500);
        let spanish = "el gato y la casa de la ciudad ".repeat(500);
        assert_eq!(detect_lang(&format!("{english}{spanish}")), Lang::En);
    }
}
