//! Telling a document's language: Spanish, English and the others whatlang knows.

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

/// Characters Spanish writes and English does not: each counts as evidence for Spanish
/// (not `é`, which French writes as much).
const SPANISH_CUES: &[char] = &['ñ', 'á', 'í', 'ó', 'ú', '¿', '¡', 'Ñ', 'Á', 'Í', 'Ó', 'Ú'];

static SPANISH_WORDS: LazyLock<HashSet<String>> =
    LazyLock::new(|| SPANISH.iter().map(|w| fold(w)).collect());
static ENGLISH_WORDS: LazyLock<HashSet<String>> =
    LazyLock::new(|| ENGLISH.iter().map(|w| fold(w)).collect());

/// The language of a text, from its first [`DETECT_WORDS`] words.
///
/// whatlang (trigram profiles of 69 languages) names the language when it is sure of it,
/// and always for a script that only some languages write (Cyrillic, Greek, Arabic, kana,
/// Han, Hangul, Tamil…). When it is not sure (short texts, titles), Spanish and English
/// function words decide (plus `ñ`, `á`, `í`, `ó`, `ú`, `¿` and `¡` for Spanish), then its best
/// guess if it has some confidence; a text without any evidence (`CORFO 2023`, `Informe
/// anual`: on two or three words whatlang's guesses are noise) is Spanish, the language of
/// most documents.
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
    let sample = &text[..end];
    spanish += sample.chars().filter(|c| SPANISH_CUES.contains(c)).count();
    let detected = whatlang::detect(sample);
    if let Some(info) = &detected
        && (info.is_reliable() || info.script() != whatlang::Script::Latin)
    {
        return from_whatlang(info.lang());
    }
    if spanish > english {
        return Lang::Es;
    }
    if english > spanish {
        return Lang::En;
    }
    match detected {
        Some(info) if info.confidence() >= GUESS_CONFIDENCE => from_whatlang(info.lang()),
        _ => Lang::Es,
    }
}

/// How sure whatlang must be of a text with as many Spanish as English function words (none,
/// mostly) for its guess to be taken rather than Spanish.
const GUESS_CONFIDENCE: f64 = 0.5;

/// Minga's language for one of whatlang's.
fn from_whatlang(lang: whatlang::Lang) -> Lang {
    use whatlang::Lang as W;
    match lang {
        W::Spa => Lang::Es,
        W::Eng => Lang::En,
        W::Por => Lang::Pt,
        W::Fra => Lang::Fr,
        W::Deu => Lang::De,
        W::Ita => Lang::It,
        W::Nld => Lang::Nl,
        W::Swe => Lang::Sv,
        W::Dan => Lang::Da,
        W::Nob => Lang::No,
        W::Fin => Lang::Fi,
        W::Ron => Lang::Ro,
        W::Hun => Lang::Hu,
        W::Tur => Lang::Tr,
        W::Rus => Lang::Ru,
        W::Ell => Lang::El,
        W::Ara => Lang::Ar,
        W::Tam => Lang::Ta,
        W::Ces => Lang::Cs,
        W::Pol => Lang::Pl,
        W::Ukr => Lang::Uk,
        W::Cat => Lang::Ca,
        W::Jpn => Lang::Ja,
        W::Cmn => Lang::Zh,
        W::Kor => Lang::Ko,
        _ => Lang::Und,
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

    #[test]
    fn tells_other_languages() {
        let cases = [
            (
                "Le développement régional dépend de la coopération entre les communes et \
                 l'État, qui doivent partager leurs ressources pour réussir.",
                Lang::Fr,
            ),
            (
                "Regionální rozvoj závisí na spolupráci mezi obcemi a státem, které musí sdílet \
                 své zdroje, aby uspěly.",
                Lang::Cs,
            ),
            (
                "O desenvolvimento regional depende da cooperação entre os municípios e o \
                 governo, que precisam partilhar os seus recursos.",
                Lang::Pt,
            ),
            (
                "Die regionale Entwicklung hängt von der Zusammenarbeit zwischen den Gemeinden \
                 und dem Staat ab, die ihre Mittel teilen müssen.",
                Lang::De,
            ),
            (
                "地域開発は、自治体と国の協力にかかっています。資源を共有しなければなりません。",
                Lang::Ja,
            ),
        ];
        for (text, lang) in cases {
            assert_eq!(detect_lang(text), lang, "{text}");
        }
    }

    #[test]
    fn short_english_is_english() {
        assert_eq!(
            detect_lang("This note is about the water committee"),
            Lang::En
        );
        assert_eq!(detect_lang("A report on the water committee"), Lang::En);
        assert_eq!(detect_lang("Informe anual"), Lang::Es);
        assert_eq!(
            detect_lang("Développement durable des territoires"),
            Lang::Fr
        );
        assert_eq!(detect_lang("Lecciones del programa de riego"), Lang::Es);
        assert_eq!(detect_lang("Mesa de trabajo"), Lang::Es);
    }
}
