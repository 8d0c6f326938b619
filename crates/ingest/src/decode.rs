//! Turning the bytes of a text file into text, whatever encoding it was saved in.

/// Text decoded from a file, with the fix applied if one was needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    /// The text, line ends normalised to `\n`, without a byte-order mark.
    pub text: String,
    /// What was done to read it, when it was not plain UTF-8 (reported as Repaired).
    pub repair: Option<&'static str>,
}

/// Share of control characters above which a file is taken for binary.
const MAX_CONTROL_SHARE: f64 = 0.10;

/// Decodes a text file: UTF-8 (with or without BOM) as is, UTF-16 with a BOM, anything else as
/// Windows-1252 (what Excel and older Word save in Spanish locales). `Err` holds the reason a
/// file is not text at all.
pub(crate) fn decode(bytes: &[u8], extension: &str) -> Result<Decoded, String> {
    let binary = || format!("binary file with a .{extension} extension");
    let (text, repair) = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors || looks_binary(text.as_bytes()) {
            return Err(binary());
        }
        (text.into_owned(), Some("decoded as UTF-16"))
    } else {
        let raw = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if looks_binary(raw) {
            return Err(binary());
        }
        match std::str::from_utf8(raw) {
            Ok(text) => (text.to_string(), None),
            Err(_) => {
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(raw);
                (text.into_owned(), Some("decoded as Windows-1252"))
            }
        }
    };
    Ok(Decoded {
        text: normalize_line_ends(text),
        repair,
    })
}

/// NUL bytes, or more than [`MAX_CONTROL_SHARE`] control characters other than tab, line
/// feed, carriage return and form feed.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.contains(&0) {
        return true;
    }
    if bytes.is_empty() {
        return false;
    }
    let control = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    control as f64 / bytes.len() as f64 > MAX_CONTROL_SHARE
}

fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom_is_read_as_is() {
        let d = decode("Año\r\nuno".as_bytes(), "md").unwrap();
        assert_eq!(d.text, "Año\nuno");
        assert_eq!(d.repair, None);
        let d = decode(b"\xEF\xBB\xBFA\xC3\xB1o", "md").unwrap();
        assert_eq!(d.text, "Año");
        assert_eq!(d.repair, None);
    }

    #[test]
    fn windows_1252_is_decoded_and_reported() {
        let d = decode(b"A\xF1o de la innovaci\xF3n", "txt").unwrap();
        assert_eq!(d.text, "Año de la innovación");
        assert_eq!(d.repair, Some("decoded as Windows-1252"));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Año".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let d = decode(&bytes, "txt").unwrap();
        assert_eq!(d.text, "Año");
        assert_eq!(d.repair, Some("decoded as UTF-16"));
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "md").unwrap_err(),
            "binary file with a .md extension"
        );
        let controls: Vec<u8> = (0..100)
            .map(|i| if i % 5 == 0 { 1 } else { b'a' })
            .collect();
        assert!(decode(&controls, "txt").is_err());
    }
}
