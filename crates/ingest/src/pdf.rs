//! PDF: text page by page (pdf-extract on a lopdf document), metadata from the Info
//! dictionary.

use std::collections::HashMap;
use std::io::Write;

use lopdf::{Dictionary, Object};
use minga_core::Section;

use crate::draft::{Draft, Extracted};
use crate::meta::{Field, Value, collapse_spaces, split_list};
use crate::{Problem, guard};

/// Ceiling on the text extracted from one PDF, whatever the size limit on files: beyond it
/// the file is taken for a decompression bomb.
pub const MAX_PDF_TEXT_BYTES: u64 = 50 * 1024 * 1024;

/// Longest line taken for a page heading.
const MAX_HEADING_CHARS: usize = 80;

/// Most bytes the compressed (`FlateDecode`) streams of a PDF may inflate to, per byte of the
/// file: past this ratio (and [`MIN_PDF_INFLATED_BYTES`]) the file is taken for a
/// decompression bomb, before any parser inflates it in memory.
pub const MAX_PDF_INFLATE_RATIO: u64 = 100;
/// What any PDF's streams may inflate to, whatever its size.
const MIN_PDF_INFLATED_BYTES: u64 = 16 * 1024 * 1024;
/// What no PDF's streams may inflate to, whatever its size: 256 MiB.
pub const MAX_PDF_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a PDF. `max_text` bounds the extracted text (see [`MAX_PDF_TEXT_BYTES`]).
pub(crate) fn read(bytes: &[u8], rel: &str, max_text: u64) -> Result<Extracted, Problem> {
    let skip = |reason: String| Problem::skipped(rel, reason);
    let budget = (bytes.len() as u64)
        .saturating_mul(MAX_PDF_INFLATE_RATIO)
        .clamp(MIN_PDF_INFLATED_BYTES, MAX_PDF_INFLATED_BYTES);
    if !inflates_within(bytes, budget) {
        return Err(skip(format!(
            "refused: its compressed streams inflate to over {} MB (decompression bomb?)",
            budget / (1024 * 1024)
        )));
    }
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(
            lopdf::Error::Decryption(_)
            | lopdf::Error::InvalidPassword
            | lopdf::Error::AlreadyEncrypted,
        ) => return Err(skip("encrypted PDF".into())),
        Err(e) => return Err(skip(format!("could not parse PDF: {e}"))),
    };
    if doc.is_encrypted() {
        return Err(skip("encrypted PDF".into()));
    }
    if let Some(page) = looping_page(&doc) {
        return Err(skip(format!(
            "refused: the page tree loops or nests too deep above page {page}"
        )));
    }

    let mut extracted = Extracted::default();
    let mut draft = Draft {
        meta: info(&doc),
        ..Draft::default()
    };

    let mut pages: Vec<(u32, String)> = Vec::new();
    let mut budget = max_text;
    for &number in doc.get_pages().keys() {
        let mut sink = Limited::new(budget);
        let result = {
            let mut output = pdf_extract::PlainTextOutput::new(&mut sink as &mut dyn Write);
            guard::guarded(|| pdf_extract::output_doc_page(&doc, &mut output, number))
        };
        if sink.exceeded {
            return Err(skip(format!(
                "refused: the text extracted is over {} MB (decompression bomb?)",
                max_text / (1024 * 1024)
            )));
        }
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => extracted.problems.push(
                Problem::warning(rel, format!("page text not extracted: {e}")).on_page(number),
            ),
            Err(panic) => {
                tracing::debug!(path = rel, page = number, panic, "pdf-extract panicked");
                extracted.problems.push(
                    Problem::warning(rel, "page text not extracted: could not parse PDF")
                        .on_page(number),
                );
            }
        }
        budget -= sink.data.len() as u64;
        pages.push((number, clean_page(&String::from_utf8_lossy(&sink.data))));
    }

    if !pages
        .iter()
        .any(|(_, text)| text.chars().any(char::is_alphabetic))
    {
        return Err(skip("no text (scanned PDF?)".into()));
    }
    draft.sections = page_sections(pages);
    extracted.drafts.push(draft);
    Ok(extracted)
}

/// Deepest chain of `/Parent` links above a page that is read: real page trees are a few
/// levels deep.
const MAX_PAGE_TREE_DEPTH: usize = 64;

/// The first page whose chain of `/Parent` links loops or runs deeper than
/// [`MAX_PAGE_TREE_DEPTH`]: the text extractor follows those links to find inherited
/// attributes without checking, so such a file would make it recurse forever.
fn looping_page(doc: &lopdf::Document) -> Option<u32> {
    for (&number, &id) in &doc.get_pages() {
        let mut seen = std::collections::HashSet::from([id]);
        let mut node = doc.get_dictionary(id).ok();
        while let Some(dict) = node {
            let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
                break;
            };
            if !seen.insert(parent) || seen.len() > MAX_PAGE_TREE_DEPTH {
                return Some(number);
            }
            node = doc.get_dictionary(parent).ok();
        }
    }
    None
}

/// Whether the zlib (`FlateDecode`) streams of a PDF inflate to at most `budget` bytes in
/// all, found by scanning the raw bytes for `stream … endstream` and inflating each into a
/// small buffer that is counted and thrown away: it allocates nothing in proportion to the
/// output and stops as soon as the budget is spent. Streams that are not zlib count for
/// nothing (their parsers bound themselves or decode nothing).
fn inflates_within(bytes: &[u8], budget: u64) -> bool {
    use std::io::Read;
    let mut left = budget;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"stream") {
        let keyword = at + found;
        at = keyword + b"stream".len();
        if bytes[..keyword].ends_with(b"end") {
            continue;
        }
        let start = match &bytes[at..] {
            [b'\r', b'\n', ..] => at + 2,
            [b'\n' | b'\r', ..] => at + 1,
            _ => continue,
        };
        let end = find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e);
        let mut inflater = flate2::read::ZlibDecoder::new(&bytes[start..end]);
        loop {
            match inflater.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => match left.checked_sub(n as u64) {
                    Some(rest) => left = rest,
                    None => return false,
                },
            }
        }
        at = end;
    }
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A writer that refuses to grow past a limit.
struct Limited {
    data: Vec<u8>,
    limit: u64,
    exceeded: bool,
}

impl Limited {
    fn new(limit: u64) -> Limited {
        Limited {
            data: Vec::new(),
            limit,
            exceeded: false,
        }
    }
}

impl Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.data.len() as u64 + buf.len() as u64 > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("extracted text over the limit"));
        }
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Title, Author, Subject, Keywords and CreationDate of the Info dictionary.
fn info(doc: &lopdf::Document) -> crate::meta::Metadata {
    let mut meta = crate::meta::Metadata::default();
    let Some(dict) = info_dictionary(doc) else {
        return meta;
    };
    let text = |key: &[u8]| -> Option<String> {
        let object = match dict.get(key).ok()? {
            Object::Reference(id) => doc.get_object(*id).ok()?,
            other => other,
        };
        lopdf::decode_text_string(object)
            .ok()
            .map(|s| collapse_spaces(&s.replace('\0', "")))
            .filter(|s| !s.is_empty())
    };
    if let Some(title) = text(b"Title").filter(|t| meaningful_title(t)) {
        meta.insert(Field::Title, Value::One(title), None);
    }
    if let Some(author) = text(b"Author") {
        meta.insert(
            Field::Authors,
            Value::Many(split_list(&author, &[';', '|'])),
            None,
        );
    }
    let mut topics = text(b"Keywords")
        .map(|k| split_list(&k, &[',', ';', '|']))
        .unwrap_or_default();
    if let Some(subject) = text(b"Subject").filter(|s| s.chars().count() <= 60) {
        topics.push(subject);
    }
    if !topics.is_empty() {
        meta.insert(Field::Topics, Value::Many(topics), None);
    }
    if let Some(date) = text(b"CreationDate").and_then(|d| pdf_date(&d)) {
        meta.insert(Field::Date, Value::One(date), None);
    }
    meta
}

fn info_dictionary(doc: &lopdf::Document) -> Option<&Dictionary> {
    match doc.trailer.get(b"Info").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

/// Titles that are file names or placeholders (`Microsoft Word - informe.docx`, `untitled`)
/// say nothing.
fn meaningful_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    let placeholder = matches!(
        lower.as_str(),
        "untitled" | "sin título" | "sin titulo" | "documento1" | "document1"
    );
    let file_name = [
        ".doc", ".docx", ".pdf", ".ppt", ".pptx", ".xls", ".xlsx", ".odt", ".indd", ".tex",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext));
    !(placeholder || file_name || lower.starts_with("microsoft word - "))
}

/// `D:20230124103000-05'00'` as `2023-01-24`.
fn pdf_date(value: &str) -> Option<String> {
    let digits: String = value
        .trim()
        .trim_start_matches("D:")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.len() {
        n if n >= 8 => Some(format!(
            "{}-{}-{}",
            &digits[..4],
            &digits[4..6],
            &digits[6..8]
        )),
        6 | 7 => Some(format!("{}-{}", &digits[..4], &digits[4..6])),
        4 | 5 => Some(digits[..4].to_string()),
        _ => None,
    }
}

/// Trims lines, joins words hyphenated across lines, squeezes blank lines, and drops what
/// carries no text: lines of list bullets alone (drawn apart from their items) and the page
/// number when it ends the page.
fn clean_page(text: &str) -> String {
    let mut lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.chars()
                .all(|c| matches!(c, '•' | '◦' | '▪' | '‣' | '∙' | '·'))
                || l.is_empty()
        })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines
        .last()
        .is_some_and(|l| (1..=4).contains(&l.len()) && l.chars().all(|c| c.is_ascii_digit()))
    {
        lines.pop();
    }
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in lines {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
            blank = false;
        } else if !out.is_empty() {
            let hyphenated = out.ends_with('-')
                && out[..out.len() - 1].ends_with(char::is_alphabetic)
                && line.starts_with(char::is_lowercase);
            if hyphenated {
                out.pop();
            } else {
                out.push('\n');
            }
        }
        out.push_str(line);
    }
    out
}

/// One section a page; a short first line that looks like a heading becomes the section's
/// heading, unless the same line opens most pages (a running header, dropped).
fn page_sections(pages: Vec<(u32, String)>) -> Vec<Section> {
    let first_lines: Vec<Option<String>> = pages
        .iter()
        .map(|(_, text)| text.lines().next().map(str::to_string))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for line in first_lines.iter().flatten() {
        *counts.entry(line.as_str()).or_default() += 1;
    }
    let running =
        |line: &str| pages.len() >= 3 && counts.get(line).copied().unwrap_or(0) * 2 > pages.len();

    let mut sections = Vec::new();
    for ((number, text), first) in pages.iter().zip(&first_lines) {
        let mut heading = None;
        let mut body = text.as_str();
        if let Some(first) = first {
            let after = &text[first.len()..];
            let rest = after.trim_start_matches('\n');
            if running(first) {
                body = rest;
            } else if looks_like_heading(first)
                && !continues_sentence(after)
                && rest.chars().any(char::is_alphabetic)
            {
                heading = Some(first.clone());
                body = rest;
            }
        }
        if heading.is_none() && !body.chars().any(char::is_alphabetic) {
            continue;
        }
        sections.push(Section {
            level: u8::from(heading.is_some()),
            heading,
            text: body.trim().to_string(),
            page: Some(*number),
            line: None,
        });
    }
    sections
}

/// Whether the text after a page's first line carries on its sentence: the next line follows
/// with no blank line between and starts in lower case, as when a page opens in the middle
/// of a paragraph (`…sigue siendo el eslabón débil, incluso en` / `corporaciones chilenas…`).
fn continues_sentence(after_first_line: &str) -> bool {
    after_first_line
        .strip_prefix('\n')
        .is_some_and(|next| next.starts_with(char::is_lowercase))
}

/// Short, starts with a capital or a number, does not end a sentence, and is not a page
/// number.
fn looks_like_heading(line: &str) -> bool {
    let chars = line.chars().count();
    let words = line.split_whitespace().count();
    chars <= MAX_HEADING_CHARS
        && (1..=12).contains(&words)
        && line.chars().any(char::is_alphabetic)
        && line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        && !line.ends_with(['.', ',', ';', ':'])
        && !line.to_lowercase().starts_with("página ")
        && !line.to_lowercase().starts_with("page ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF-like run of `stream … endstream` holding `raw` deflated.
    fn with_stream(raw: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut deflater = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        deflater.write_all(raw).unwrap();
        let mut pdf = b"%PDF-1.4\n4 0 obj\n<< /Filter /FlateDecode >>\nstream\r\n".to_vec();
        pdf.extend(deflater.finish().unwrap());
        pdf.extend(b"\nendstream\nendobj\n");
        pdf
    }

    #[test]
    fn decompression_bombs_are_refused_before_parsing() {
        let modest = with_stream(&vec![b' '; 1 << 20]);
        assert!(inflates_within(&modest, 2 << 20));
        let bomb = with_stream(&vec![b' '; 64 << 20]);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        assert!(!inflates_within(&bomb, 32 << 20));
        let problem = read(&bomb, "x.pdf", MAX_PDF_TEXT_BYTES).unwrap_err();
        assert!(problem.reason.contains("decompression bomb"), "{problem}");
        // Streams that are not zlib count for nothing.
        assert!(inflates_within(b"stream\nnot zlib at all\nendstream", 1));
    }

    #[test]
    fn dates_titles_and_page_cleanup() {
        assert_eq!(
            pdf_date("D:20230124103000-05'00'").as_deref(),
            Some("2023-01-24")
        );
        assert_eq!(pdf_date("D:2023").as_deref(), Some("2023"));
        assert_eq!(pdf_date("hoy"), None);
        assert!(meaningful_title("Informe de la pasantía"));
        assert!(!meaningful_title("Microsoft Word - informe_final.docx"));
        assert!(!meaningful_title("untitled"));
        assert_eq!(
            clean_page("  Título  \nel desarro-\nllo regional\n\n\n\nOtro"),
            "Título\nel desarrollo regional\n\nOtro"
        );
        // Bullets drawn apart from their items, and the page number, carry no text.
        assert_eq!(clean_page("Texto final.\n\n•\n\n•\n\n19\n"), "Texto final.");
        assert_eq!(clean_page("En 2023\n\n12345"), "En 2023\n\n12345");
    }

    #[test]
    fn headings_and_running_headers() {
        let pages = vec![
            (1, "Informe 2023\nIntroducción\nTexto uno.".to_string()),
            (2, "Informe 2023\nTexto dos sigue.".to_string()),
            (3, "Informe 2023\nResultados\nTexto tres.".to_string()),
        ];
        let sections = page_sections(pages);
        assert_eq!(sections.len(), 3);
        assert_eq!(sections[0].heading, None);
        assert_eq!(sections[0].text, "Introducción\nTexto uno.");
        assert_eq!(sections[2].page, Some(3));

        let pages = vec![(1, "Resumen ejecutivo\nEl programa creció.".to_string())];
        let sections = page_sections(pages);
        assert_eq!(sections[0].heading.as_deref(), Some("Resumen ejecutivo"));
        assert_eq!(sections[0].level, 1);
        assert_eq!(sections[0].text, "El programa creció.");

        // A page that opens in the middle of a paragraph has no heading, even when its first
        // line is short and capitalised; a heading followed by a blank line keeps it.
        let pages = vec![
            (4, "El financiamiento de base sigue siendo débil, incluso en\ncorporaciones consolidadas.".to_string()),
            (5, "Financiamiento\n\nla corporación combina convenios.".to_string()),
        ];
        let sections = page_sections(pages);
        assert_eq!(sections[0].heading, None);
        assert!(sections[0].text.starts_with("El financiamiento de base"));
        assert_eq!(sections[1].heading.as_deref(), Some("Financiamiento"));
    }
}
