//! The bilingual dictionary (`data/dictionary/`, from Apertium and FreeDict), compiled ahead
//! of time so that a command starts at once.
//!
//! Turning the two word lists into lookups means analysing some 43,000 headwords and 100,000
//! translations with the stemmers: about half a second, which every `minga search` paid
//! before answering. The analysed form is compiled into `data/dictionary/compiled.bin` and
//! built into the binary: per direction, two [fst](fst) maps (headword → translations, stem →
//! translations) over a table of analysed translations. Nothing is parsed when the dictionary
//! is first used; a look-up walks the map and decodes only the translations it returns.
//!
//! The word lists stay the source. A test compiles them again and compares the result with
//! `compiled.bin`, so the two cannot drift apart (and the analysers cannot change without it):
//! after changing either, `MINGA_UPDATE_DICTIONARY=1 cargo test -p minga-engine
//! compiled_dictionary` writes the file anew.

use std::sync::LazyLock;

use fst::Map;
use minga_core::{Lang, fold};

use crate::expand::Terms;

/// The compiled dictionary, as built into the binary.
const COMPILED: &[u8] = include_bytes!("../../../data/dictionary/compiled.bin");

/// What a compiled dictionary starts with: its format's name and version.
const MAGIC: &[u8] = b"minga dictionary 1\n";

/// Translations kept per word: the dictionary lists the commonest senses first.
#[cfg(test)]
const TRANSLATIONS_PER_WORD: usize = 3;

/// Translations of words kept per source language, by headword and by stem.
pub(crate) struct Dictionary {
    es_to_en: Direction,
    en_to_es: Direction,
}

/// One direction of the dictionary: headword (lower-cased, and without its accents unless
/// that is another headword) → translations, and stem → the
/// translations of every headword sharing it, in file order; each an offset in `entries`.
struct Direction {
    by_word: Map<&'static [u8]>,
    by_stem: Map<&'static [u8]>,
    /// Lists of translations, each a count then its translations (see `encode`).
    entries: &'static [u8],
}

static DICTIONARY: LazyLock<Dictionary> = LazyLock::new(|| {
    Dictionary::read(COMPILED).expect("the compiled dictionary is checked by a test")
});

impl Dictionary {
    /// The dictionary shipped with Minga.
    pub fn shipped() -> &'static Dictionary {
        &DICTIONARY
    }

    /// A dictionary read in place from its compiled form (see `compile`).
    fn read(bytes: &'static [u8]) -> Result<Dictionary, String> {
        let mut rest = bytes
            .strip_prefix(MAGIC)
            .ok_or("not a compiled dictionary")?;
        let mut section = || -> Result<&'static [u8], String> {
            let (len, tail) = rest.split_first_chunk::<4>().ok_or("cut short")?;
            let len = u32::from_le_bytes(*len) as usize;
            if tail.len() < len {
                return Err("cut short".into());
            }
            let (section, tail) = tail.split_at(len);
            rest = tail;
            Ok(section)
        };
        let mut direction = || -> Result<Direction, String> {
            Ok(Direction {
                by_word: Map::new(section()?).map_err(|e| e.to_string())?,
                by_stem: Map::new(section()?).map_err(|e| e.to_string())?,
                entries: section()?,
            })
        };
        Ok(Dictionary {
            es_to_en: direction()?,
            en_to_es: direction()?,
        })
    }

    fn direction(&self, from: Lang) -> Option<&Direction> {
        match from {
            Lang::Es => Some(&self.es_to_en),
            Lang::En => Some(&self.en_to_es),
            _ => None,
        }
    }

    /// Translations of a word stemmed in `from`, commonest first.
    pub fn translations(&self, from: Lang, stem: &str) -> Vec<Terms> {
        self.direction(from)
            .and_then(|d| d.lookup(&d.by_stem, stem))
            .unwrap_or_default()
    }

    /// Translations of a word as typed in `from`: its own headword's, or that of the word
    /// it is a form of ([`lemmas`]: `agencias` → `agencia`, `agencies` → `agency`, `pública`
    /// → `público`, `firmó` → `firmar`, `added` → `add`), when the dictionary has that word;
    /// otherwise those of the headwords sharing one of its `stems` (`articulación` alone,
    /// not also `articuladamente` and `articular`, when the user typed `articulacion`). A
    /// name (`Manning`) is looked up as itself or its singular, never as a form of another
    /// word (`man`), and with no `stems`.
    pub fn translations_of(
        &self,
        from: Lang,
        word: &str,
        stems: &[String],
        name: bool,
    ) -> Vec<Terms> {
        let Some(direction) = self.direction(from) else {
            return Vec::new();
        };
        // As written first (`año` is not `ano`), then without its accents (`articulacion`).
        let lower = word.to_lowercase();
        let folded = fold(word);
        lemmas(from, &lower, !name)
            .into_iter()
            .chain(if folded != lower {
                lemmas(from, &folded, !name)
            } else {
                Vec::new()
            })
            .find_map(|w| direction.lookup(&direction.by_word, &w))
            .or_else(|| {
                stems
                    .iter()
                    .map(|s| self.translations(from, s))
                    .find(|t| !t.is_empty())
            })
            .unwrap_or_default()
    }

    /// Whether the dictionary knows a word of `lang`: as a headword or a form of one
    /// ([`lemmas`]), or by one of its stems (`años`, whose stem is not `año`'s, is known).
    pub fn knows(&self, lang: Lang, word: &str, stems: &[String]) -> bool {
        self.direction(lang).is_some_and(|d| {
            stems.iter().any(|s| d.by_stem.contains_key(s))
                || lemmas(lang, &word.to_lowercase(), true)
                    .iter()
                    .any(|w| d.by_word.contains_key(w))
        })
    }
}

/// A Spanish verb's infinitives with the stem's vowel changed back: `murió` → `morir`,
/// `pidió` → `pedir` (a past `-ió` of an `-ir` verb), `encuentra` → `encontrar`, `puede` →
/// `poder` (a present whose stem took `ue` or `ie`).
fn changed_stems(stem: &str, suffix: &str, endings: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(suffix, "ió" | "io" | "ieron")
        && let Some(at) = stem.rfind(['i', 'u'])
    {
        let vowel = if stem[at..].starts_with('i') {
            "e"
        } else {
            "o"
        };
        out.push(format!("{}{vowel}{}ir", &stem[..at], &stem[at + 1..]));
    }
    if matches!(suffix, "a" | "an" | "e" | "en") {
        for (from, to) in [("ue", "o"), ("ie", "e")] {
            if let Some(at) = stem.rfind(from) {
                let base = format!("{}{to}{}", &stem[..at], &stem[at + from.len()..]);
                out.extend(
                    endings
                        .iter()
                        .filter(|e| e.len() == 2)
                        .map(|e| format!("{base}{e}")),
                );
            }
        }
    }
    out
}

/// The headwords a lower-cased word may be a form of, likeliest first: the word itself,
/// its singular, then (with `inflections`) the lemma its ending suggests. Spanish: a
/// feminine adjective's masculine (`pública` → `público`), a verb's infinitive from its
/// past, imperfect, participle, present or reflexive forms (`firmó` → `firmar`, `conocía` →
/// `conocer`, `convertirse` → `convertir`), written with or without accents; English: a
/// verb's from its past or `-ing` forms (`added` → `add`, `located` → `locate`, `making` →
/// `make`). Guesses that are no headword cost a look-up each; one that is a headword of
/// another meaning is the price of a rule, which the reviewed list of frequent words keeps
/// in check.
fn lemmas(lang: Lang, word: &str, inflections: bool) -> Vec<String> {
    /// Spanish endings and the infinitive (or masculine) endings they may stand for.
    const ES: &[(&str, &[&str])] = &[
        ("yó", &["ir"]),
        ("ió", &["er", "ir"]),
        ("io", &["er", "ir"]),
        ("ó", &["ar"]),
        ("aron", &["ar"]),
        ("ieron", &["er", "ir"]),
        ("aban", &["ar"]),
        ("aba", &["ar"]),
        ("ían", &["er", "ir"]),
        ("ian", &["er", "ir"]),
        ("ía", &["er", "ir"]),
        ("ia", &["er", "ir"]),
        ("ado", &["ar"]),
        ("ada", &["ado", "ar"]),
        ("ido", &["er", "ir"]),
        ("ida", &["ido", "er", "ir"]),
        ("arse", &["ar"]),
        ("erse", &["er"]),
        ("irse", &["ir"]),
        ("an", &["ar"]),
        ("en", &["er", "ir"]),
        ("a", &["o", "ar"]),
        ("e", &["er", "ir"]),
        ("o", &["ar"]),
    ];
    const EN: &[(&str, &[&str])] = &[
        ("ied", &["y"]),
        ("ed", &["e", "", "-"]),
        ("ing", &["", "e", "-"]),
    ];
    let mut singular = Vec::with_capacity(3);
    if lang == Lang::En
        && let Some(stem) = word.strip_suffix("ies")
    {
        singular.push(format!("{stem}y"));
    }
    if let Some(stem) = word.strip_suffix('s') {
        singular.push(stem.to_string());
    }
    if let Some(stem) = word.strip_suffix("es") {
        singular.push(stem.to_string());
    }
    let rules = match lang {
        Lang::Es => ES,
        Lang::En => EN,
        _ => &[],
    };
    let mut out = vec![word.to_string()];
    out.extend(singular.iter().cloned());
    if !inflections {
        return out;
    }
    for form in std::iter::once(word).chain(singular.iter().map(String::as_str)) {
        // Every ending that applies, the longest first (`anunció`: `-ió`, then `-ó`).
        for (suffix, endings) in rules {
            let Some(stem) = form.strip_suffix(suffix) else {
                continue;
            };
            if stem.chars().count() < 2 {
                continue;
            }
            for ending in *endings {
                match *ending {
                    // `stopped` → `stop`: a doubled last consonant undone.
                    "-" => {
                        let mut chars = stem.chars();
                        if let (Some(a), Some(b)) = (chars.next_back(), chars.next_back())
                            && a == b
                        {
                            out.push(chars.as_str().to_string() + &a.to_string());
                        }
                    }
                    ending => out.push(format!("{stem}{ending}")),
                }
            }
            if lang == Lang::Es {
                out.extend(changed_stems(stem, suffix, endings));
            }
        }
    }
    out
}

impl Direction {
    /// The translations `map` holds for `key`, if any.
    fn lookup(&self, map: &Map<&'static [u8]>, key: &str) -> Option<Vec<Terms>> {
        let offset = map.get(key)? as usize;
        decode(self.entries.get(offset..)?)
    }
}

/// A list of translations as `entries` holds it: their count, then each translation's
/// display form (u16 length, UTF-8), its number of stems, and each stem's position and text
/// (a byte each for the position and the length).
#[cfg(test)]
fn encode(list: &[Terms], out: &mut Vec<u8>) -> Result<(), String> {
    let byte = |n: usize, what: &str| u8::try_from(n).map_err(|_| format!("{what} {n} > 255"));
    out.push(byte(list.len(), "translations")?);
    for terms in list {
        let len = u16::try_from(terms.display.len()).map_err(|_| "translation too long")?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(terms.display.as_bytes());
        out.push(byte(terms.stems.len(), "stems")?);
        for (position, stem) in &terms.stems {
            out.push(byte(*position, "position")?);
            out.push(byte(stem.len(), "stem length")?);
            out.extend_from_slice(stem.as_bytes());
        }
    }
    Ok(())
}

/// The list of translations at the start of `bytes` (see `encode`).
fn decode(bytes: &[u8]) -> Option<Vec<Terms>> {
    let mut at = 0;
    let mut take = |n: usize| -> Option<&[u8]> {
        let taken = bytes.get(at..at + n)?;
        at += n;
        Some(taken)
    };
    let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_owned);
    let count = take(1)?[0];
    let mut list = Vec::with_capacity(count.into());
    for _ in 0..count {
        let len = u16::from_le_bytes(take(2)?.try_into().ok()?);
        let display = text(take(len.into())?)?;
        let stems = take(1)?[0];
        let stems = (0..stems)
            .map(|_| {
                let position = take(1)?[0].into();
                let len = take(1)?[0];
                Some((position, text(take(len.into())?)?))
            })
            .collect::<Option<Vec<_>>>()?;
        list.push(Terms { display, stems });
    }
    Some(list)
}

/// The word lists compiled: what `compiled.bin` holds.
#[cfg(test)]
fn compile(es_en: &str, en_es: &str) -> Result<Vec<u8>, String> {
    let mut out = MAGIC.to_vec();
    for (text, from, to) in [(es_en, Lang::Es, Lang::En), (en_es, Lang::En, Lang::Es)] {
        let (by_word, by_stem) = analyse(text, from, to);
        // Each list once: a headword's translations are often its stem's too.
        let mut entries = Vec::new();
        let mut offsets: std::collections::HashMap<Vec<u8>, u64> = Default::default();
        let mut map = |keys: std::collections::BTreeMap<String, Vec<Terms>>| {
            let mut builder = fst::MapBuilder::memory();
            for (key, list) in keys {
                let mut encoded = Vec::new();
                encode(&list, &mut encoded)?;
                let offset = *offsets.entry(encoded).or_insert_with_key(|encoded| {
                    entries.extend_from_slice(encoded);
                    (entries.len() - encoded.len()) as u64
                });
                builder.insert(key, offset).map_err(|e| e.to_string())?;
            }
            builder.into_inner().map_err(|e| e.to_string())
        };
        let words = map(by_word)?;
        let stems = map(by_stem)?;
        for section in [words, stems, entries] {
            let len = u32::try_from(section.len()).map_err(|_| "section over 4 GB")?;
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&section);
        }
    }
    Ok(out)
}

/// One direction's word list analysed: translations by headword (lower-cased; also without
/// its accents, unless that is another headword) and by stem, empty
/// lists left out.
#[cfg(test)]
fn analyse(
    text: &str,
    from: Lang,
    to: Lang,
) -> (
    std::collections::BTreeMap<String, Vec<Terms>>,
    std::collections::BTreeMap<String, Vec<Terms>>,
) {
    use crate::analysis::Analyzer;

    let source = Analyzer::stemmed(from);
    let target = Analyzer::stemmed(to);
    let mut by_word = std::collections::BTreeMap::<String, Vec<Terms>>::new();
    let mut by_stem = std::collections::BTreeMap::<String, Vec<Terms>>::new();
    let add = |entry: &mut Vec<Terms>, terms: &Terms| {
        if entry.len() < TRANSLATIONS_PER_WORD && !entry.iter().any(|t| t.stems == terms.stems) {
            entry.push(terms.clone());
        }
    };
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((headword, translations)) = line.split_once('\t') else {
            continue;
        };
        let stems = source.terms(headword);
        // Single words only: a phrase's words are looked up one by one.
        if stems.len() != 1 || headword.contains(' ') {
            continue;
        }
        let translations: Vec<Terms> = translations
            .split('|')
            .filter_map(|t| Terms::new(t.trim(), &target))
            .collect();
        let word = by_word.entry(headword.to_lowercase()).or_default();
        translations.iter().for_each(|t| add(word, t));
        let stem = by_stem.entry(stems[0].clone()).or_default();
        translations.iter().for_each(|t| add(stem, t));
    }
    by_word.retain(|_, v| !v.is_empty());
    by_stem.retain(|_, v| !v.is_empty());
    // A headword typed without its accents (`articulacion`) finds it, unless that is a
    // headword of its own (`ano` is not `año`).
    let mut unaccented = std::collections::BTreeMap::<String, Vec<Terms>>::new();
    for (headword, list) in &by_word {
        let folded = fold(headword);
        if !by_word.contains_key(&folded) {
            let entry = unaccented.entry(folded).or_default();
            list.iter().for_each(|t| add(entry, t));
        }
    }
    by_word.extend(unaccented);
    (by_word, by_stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    #[test]
    fn compiled_dictionary_is_the_word_lists_compiled() {
        let compiled = compile(
            include_str!("../../../data/dictionary/es-en.tsv"),
            include_str!("../../../data/dictionary/en-es.tsv"),
        )
        .expect("the word lists compile");
        if std::env::var_os("MINGA_UPDATE_DICTIONARY").is_some() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/dictionary/compiled.bin"
            );
            std::fs::write(path, &compiled).expect("write compiled.bin");
            return;
        }
        assert!(
            compiled == COMPILED,
            "data/dictionary/compiled.bin is not the word lists as the analysers read them \
             today: run `MINGA_UPDATE_DICTIONARY=1 cargo test -p minga-engine \
             compiled_dictionary` and commit it"
        );
    }

    #[test]
    fn a_list_of_translations_reads_back_as_written() {
        let es = Analyzer::stemmed(Lang::Es);
        let list: Vec<Terms> = ["agencia regional", "ñandú", "a"]
            .into_iter()
            .filter_map(|t| Terms::new(t, &es))
            .collect();
        let mut bytes = Vec::new();
        encode(&list, &mut bytes).unwrap();
        assert_eq!(decode(&bytes), Some(list));
        // Cut short anywhere, it is refused, never misread.
        for end in 0..bytes.len() {
            assert_eq!(decode(&bytes[..end]), None, "cut at {end}");
        }
    }

    #[test]
    fn a_damaged_dictionary_is_refused() {
        assert!(Dictionary::read(b"something else").is_err());
        let cut: &'static [u8] = COMPILED[..COMPILED.len() / 2].to_vec().leak();
        assert!(Dictionary::read(cut).is_err());
    }

    #[test]
    fn the_shipped_dictionary_translates_both_ways() {
        let d = Dictionary::shipped();
        let en = Analyzer::stemmed(Lang::En);
        let es = Analyzer::stemmed(Lang::Es);
        let agency = d.translations(Lang::En, &en.terms("agencies")[0]);
        assert_eq!(agency[0].display, "agencia");
        let water = d.translations(Lang::Es, &es.terms("agua")[0]);
        assert_eq!(water[0].display, "water");
        assert!(d.knows(Lang::En, "river", &en.terms("river")));
        assert!(!d.knows(Lang::En, "zxqw", &en.terms("zxqw")));
        assert!(d.knows(Lang::Es, "años", &es.stem_variants("años")));
        assert!(d.translations(Lang::Pt, "agua").is_empty());
    }

    #[test]
    fn a_word_is_translated_as_its_own_headword_before_its_stem() {
        let d = Dictionary::shipped();
        let es = Analyzer::stemmed(Lang::Es);
        let shown = |word: &str| -> Vec<String> {
            d.translations_of(Lang::Es, word, &es.stem_variants(word), false)
                .into_iter()
                .map(|t| t.display)
                .collect()
        };
        // `articul` is also the stem of `articuladamente` (distinctly) and `articular`.
        let by_stem = d.translations(Lang::Es, "articul");
        assert!(by_stem.len() > 1, "{by_stem:?}");
        assert_eq!(shown("articulacion"), ["articulation"]);
        // A plural by its singular: `agencias` is `agencia`, not also `agenciar` (obtain).
        assert_eq!(shown("agencias"), ["agency"]);
        // A word the dictionary lacks (a verb form) still goes by its stem.
        assert!(!shown("articulaban").is_empty());
        // Accents tell headwords apart: `año` is a year, never `ano` (anus), which it
        // folds and stems to; `años` by its singular.
        assert_eq!(shown("año"), ["year"]);
        assert_eq!(shown("Años"), ["year"]);
        assert_eq!(shown("ano"), ["anus"]);
        // Verb forms by their infinitive, with the stem's vowel changed back where it was.
        assert_eq!(shown("firmó"), ["sign"]);
        assert_eq!(shown("murió")[0], "die");
        assert!(
            shown("pueden").contains(&"be able to".to_string()),
            "{:?}",
            shown("pueden")
        );
        assert_eq!(shown("pública"), ["public"]);
        // No vulgar sense for a word that has none (`data/dictionary/register.tsv`).
        assert_eq!(shown("burro"), ["donkey"]);
    }
}
