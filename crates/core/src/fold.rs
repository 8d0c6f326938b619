use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases `text` and strips diacritics, so `Apurímac`, `APURIMAC` and `apurimac` are one
/// word. `ñ` folds to `n` and `ü` to `u`, as users who type without accents expect.
///
/// This is the folding of the analyzers, the gazetteer and the glossary alike; it must stay one
/// function so that indexing and querying can never disagree.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appending to `out` instead of allocating: for hot loops that reuse a buffer.
pub fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for d in c.to_lowercase().nfd() {
            if !is_combining_mark(d) {
                match d {
                    'ß' => out.push_str("ss"),
                    'æ' => out.push_str("ae"),
                    'œ' => out.push_str("oe"),
                    'ø' => out.push('o'),
                    'ł' => out.push('l'),
                    'đ' => out.push('d'),
                    _ => out.push(d),
                }
            }
        }
    }
}

/// The key under which a name is looked up: folded, with everything but letters and digits
/// removed, so `Bio Bio`, `Biobío` and `BIO-BIO` share the key `biobio`.
pub fn fold_key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_enye() {
        assert_eq!(fold("Apurímac"), "apurimac");
        assert_eq!(fold("BIOBÍO"), "biobio");
        assert_eq!(fold("innovación"), "innovacion");
        assert_eq!(fold("Año"), "ano");
        assert_eq!(fold("pingüino"), "pinguino");
        assert_eq!(fold("plain ascii"), "plain ascii");
    }

    #[test]
    fn keys_ignore_spacing_and_punctuation() {
        assert_eq!(fold_key("Bio Bio"), "biobio");
        assert_eq!(fold_key("Bío-Bío"), "biobio");
        assert_eq!(fold_key("SD-PCM"), "sdpcm");
        assert_eq!(fold_key("San Martín"), "sanmartin");
    }
}
