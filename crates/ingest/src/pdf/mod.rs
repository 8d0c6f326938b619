//! PDF: text with its positions and fonts from pdf_oxide (a pure-Rust reader with column-aware
//! and tagged reading order), laid out into headings, paragraphs and list items by
//! [`layout`]; metadata from the Info dictionary.
//!
//! The text is cleaned as it is read: ligatures and other compatibility characters become
//! the letters they stand for (`ﬁ` → `fi`), accents are composed, and control characters,
//! unmapped glyphs and zero-width marks are dropped. What the reader logs about the file
//! (missing glyph widths, odd encodings) is summarised as one warning, not printed.

mod layout;
mod order;

use std::collections::HashMap;

use pdf_oxide::PdfDocument;
use pdf_oxide::object::Object;
use unicode_normalization::UnicodeNormalization;

use crate::chatter::quiet;
use crate::draft::{Draft, Extracted};
use crate::meta::{Field, Value, collapse_spaces, split_list};
use crate::{Problem, guard};
use layout::Line;
use order::{Fragment, Run};

/// Ceiling on the text extracted from one PDF, whatever the size limit on files: beyond it
/// the file is taken for a decompression bomb.
pub const MAX_PDF_TEXT_BYTES: u64 = 50 * 1024 * 1024;

/// Most bytes the compressed (`FlateDecode`) streams of a PDF may inflate to, per byte of the
/// file: past this ratio (and [`MIN_PDF_INFLATED_BYTES`]) the file is taken for a
/// decompression bomb, before any parser inflates it in memory.
pub const MAX_PDF_INFLATE_RATIO: u64 = 100;
/// What any PDF's streams may inflate to, whatever its size.
const MIN_PDF_INFLATED_BYTES: u64 = 16 * 1024 * 1024;
/// What no PDF's streams may inflate to, whatever its size: 256 MiB.
pub const MAX_PDF_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// What the report calls the PDF library when it summarises its warnings.
const LIBRARY: &str = "PDF reader";

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
    let (result, chatter) = quiet(|| read_pages(bytes, rel, max_text));
    let (mut extracted, pages) = result?;
    if let Some(summary) = chatter.summary(LIBRARY) {
        extracted.problems.push(Problem::warning(rel, summary));
    }
    if !pages
        .iter()
        .flatten()
        .any(|line| line.text.chars().any(char::is_alphanumeric))
    {
        return Err(skip(no_text_reason(&extracted.problems)));
    }
    let laid_out = layout::layout(pages);
    let draft = &mut extracted.drafts[0];
    draft.title_hint = laid_out.title;
    draft.sections = laid_out.sections;
    Ok(extracted)
}

/// Why a PDF gave no text: its pages could not be read (the first page's error says why),
/// or it has no text layer.
fn no_text_reason(problems: &[Problem]) -> String {
    let unreadable = problems.iter().find_map(|p| {
        p.reason
            .strip_prefix("page text not extracted: ")
            .map(|r| (p.page, r))
    });
    match unreadable {
        Some((page, reason)) => {
            let page = page.map(|n| format!("page {n}: ")).unwrap_or_default();
            format!("could not parse PDF: no page's text could be read ({page}{reason})")
        }
        None => "no text (scanned PDF?)".to_string(),
    }
}

/// The document's metadata and the lines of its pages.
fn read_pages(
    bytes: &[u8],
    rel: &str,
    max_text: u64,
) -> Result<(Extracted, Vec<Vec<Line>>), Problem> {
    let skip = |reason: String| Problem::skipped(rel, reason);
    let doc = match guard::guarded(|| PdfDocument::from_bytes(bytes.to_vec())) {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) if is_encryption_error(&e.to_string()) => {
            return Err(skip("encrypted PDF".into()));
        }
        Ok(Err(e)) => return Err(skip(format!("could not parse PDF: {e}"))),
        Err(_) => return Err(skip("could not parse PDF".into())),
    };
    if doc.is_encrypted() && !doc.is_authenticated() {
        return Err(skip("encrypted PDF".into()));
    }
    let count = match guard::guarded(|| doc.page_count()) {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => return Err(skip(format!("could not parse PDF: {e}"))),
        Err(_) => return Err(skip("could not parse PDF".into())),
    };

    let (meta, file_date) = guard::guarded(|| info(&doc)).unwrap_or_default();
    let mut extracted = Extracted::single(Draft {
        meta,
        file_date,
        ..Draft::default()
    });
    let mut pages = Vec::with_capacity(count);
    let mut left = max_text;
    for index in 0..count {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let spans = guard::guarded(|| doc.extract_spans(index));
        let spans = match spans {
            Ok(Ok(spans)) => spans,
            Ok(Err(e)) => {
                extracted.problems.push(
                    Problem::warning(rel, format!("page text not extracted: {e}")).on_page(number),
                );
                continue;
            }
            Err(panic) => {
                tracing::debug!(path = rel, page = number, panic, "PDF reader panicked");
                extracted.problems.push(
                    Problem::warning(rel, "page text not extracted: could not parse PDF")
                        .on_page(number),
                );
                continue;
            }
        };
        let widgets = guard::guarded(|| form_values(&doc, index)).unwrap_or_default();
        let lines = page_lines(&spans, widgets, number);
        let bytes: u64 = lines.iter().map(|l| l.text.len() as u64).sum();
        left = match left.checked_sub(bytes) {
            Some(rest) => rest,
            None => {
                return Err(skip(format!(
                    "refused: the text extracted is over {} MB (decompression bomb?)",
                    max_text / (1024 * 1024)
                )));
            }
        };
        pages.push(lines);
    }
    Ok((extracted, pages))
}

fn is_encryption_error(message: &str) -> bool {
    let lower = message.to_lowercase();
    lower.contains("encrypt") || lower.contains("password") || lower.contains("decrypt")
}

/// The values filled in a page's form fields (text boxes, lists), where the fields sit: what
/// the page shows in them. Hidden fields and passwords are left out.
fn form_values(doc: &PdfDocument, index: usize) -> Vec<Run> {
    use pdf_oxide::annotation_types::{AnnotationFlags, AnnotationSubtype, WidgetFieldType};
    use pdf_oxide::extractors::forms::field_flags;
    let Ok(annotations) = doc.get_annotations(index) else {
        return Vec::new();
    };
    let hidden = AnnotationFlags::HIDDEN | AnnotationFlags::NO_VIEW | AnnotationFlags::INVISIBLE;
    let mut runs = Vec::new();
    for a in annotations {
        if a.subtype_enum != AnnotationSubtype::Widget || a.flags.bits() & hidden != 0 {
            continue;
        }
        if a.field_flags
            .is_some_and(|f| f & field_flags::PASSWORD != 0)
        {
            continue;
        }
        let value = match &a.field_type {
            Some(WidgetFieldType::Text) => a.field_value.clone(),
            Some(WidgetFieldType::Choice { selected, .. }) => {
                selected.clone().or_else(|| a.field_value.clone())
            }
            _ => None,
        };
        let (Some(value), Some(rect)) = (value, a.rect) else {
            continue;
        };
        let text = clean_text(&value);
        if text.trim().is_empty() {
            continue;
        }
        let [x0, y0, x1, y1] = rect.map(|v| v as f32);
        let height = (y1 - y0).abs();
        runs.push(Run {
            text: collapse_spaces(&text),
            x0: x0.min(x1),
            x1: x0.max(x1),
            y: y0.min(y1),
            size: (height * 0.7).clamp(6.0, 12.0),
            bold: false,
        });
    }
    runs
}

/// The lines of a page from its text spans and form values: cleaned, running headers and
/// page numbers that a tagged PDF marks as such left out, put in reading order (see
/// [`order`]).
fn page_lines(spans: &[pdf_oxide::layout::TextSpan], widgets: Vec<Run>, page: u32) -> Vec<Line> {
    use pdf_oxide::extractors::text::ArtifactType;
    let mut runs: Vec<Run> = Vec::with_capacity(spans.len() + widgets.len());
    for span in spans {
        if matches!(span.artifact_type, Some(ArtifactType::Pagination(_))) {
            continue;
        }
        let text = clean_text(&span.text);
        if text.trim().is_empty() {
            continue;
        }
        let run = Run {
            text,
            x0: span.bbox.x,
            x1: span.bbox.x + span.bbox.width.max(0.0),
            y: span.bbox.y,
            size: span.font_size.abs().max(0.1),
            bold: span.font_weight.is_bold(),
        };
        // The same text drawn twice in one place (a fake bold or a shadow) counts once.
        let repeated = runs.last().is_some_and(|p: &Run| {
            p.text == run.text && (p.x0 - run.x0).abs() < 1.0 && (p.y - run.y).abs() < 1.0
        });
        if !repeated {
            runs.push(run);
        }
    }
    runs.extend(widgets);
    order::fragments(runs)
        .into_iter()
        .filter_map(|fragment| line_of(fragment, page))
        .collect()
}

/// One line from a fragment's runs: a space where two runs stand apart.
fn line_of(fragment: Fragment, page: u32) -> Option<Line> {
    let mut text = String::new();
    let mut chars_by_size: HashMap<i32, usize> = HashMap::new();
    let mut letters = 0;
    let mut bold_letters = 0;
    let mut previous: Option<&Run> = None;
    for run in &fragment.runs {
        if let Some(p) = previous {
            let gap = run.x0 - p.x1;
            let space = gap > WORD_GAP * p.size.min(run.size);
            if space && !text.ends_with(' ') && !run.text.starts_with(' ') {
                text.push(' ');
            }
        }
        text.push_str(&run.text);
        let n = run.text.chars().filter(|c| c.is_alphanumeric()).count();
        *chars_by_size
            .entry((run.size * 2.0).round() as i32)
            .or_default() += n;
        letters += n;
        if run.bold {
            bold_letters += n;
        }
        previous = Some(run);
    }
    let text = collapse_spaces(&text);
    if text.is_empty() {
        return None;
    }
    let size = chars_by_size
        .into_iter()
        .max_by_key(|&(size, n)| (n, size))
        .map_or(10.0, |(size, _)| size as f32 / 2.0);
    Some(Line {
        text,
        page,
        x0: fragment.x0,
        x1: fragment.x1,
        y: fragment.y,
        size,
        bold: letters > 0 && bold_letters == letters,
        in_row: fragment.in_row,
    })
}

/// A gap between two runs wider than this share of the font size is a space between words.
const WORD_GAP: f32 = 0.15;

/// Text as it should be indexed: compatibility characters (ligatures, full-width letters,
/// odd spaces, mathematical letters) as plain ones, accents composed; control characters,
/// the replacement character, zero-width marks and unmapped glyphs dropped. A private-use
/// glyph opening the text (a Symbol or Wingdings bullet) is kept, as a bullet.
pub(crate) fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        match c {
            '\t'
            | '\n'
            | '\r'
            | '\u{A0}'
            | '\u{2000}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => out.push(' '),
            '\u{AD}' => out.push('-'),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FFFD}' => {}
            c if c.is_control() => {}
            '\u{E000}'..='\u{F8FF}' => {
                if i == 0 {
                    out.push('•');
                }
            }
            '\u{FB00}'..='\u{FB06}'
            | '\u{FF01}'..='\u{FF5E}'
            | '\u{1D400}'..='\u{1D7FF}'
            | '\u{2024}'..='\u{2026}' => out.extend(c.nfkc()),
            c => out.push(c),
        }
    }
    if out.is_ascii() {
        out
    } else {
        out.nfc().collect()
    }
}

/// Title, Author, Subject and Keywords of the Info dictionary, and its CreationDate apart
/// (a file property, not the document's declared date).
fn info(doc: &PdfDocument) -> (crate::meta::Metadata, Option<minga_core::Date>) {
    let mut meta = crate::meta::Metadata::default();
    let Some(dict) = info_dictionary(doc) else {
        return (meta, None);
    };
    let text = |key: &str| -> Option<String> {
        let object = dict.get(key)?;
        let object = match object {
            Object::Reference(_) => doc.resolve_object(object).ok()?,
            other => other.clone(),
        };
        let decoded = decode_text_string(object.as_string()?);
        Some(collapse_spaces(&clean_text(&decoded))).filter(|s| !s.is_empty())
    };
    let title = text("Title");
    if let Some(title) = &title {
        meta.insert(Field::Title, Value::One(title.clone()), None);
    }
    if let Some(author) = text("Author") {
        let authors = crate::titles::real_authors(&author);
        if !authors.is_empty() {
            meta.insert(Field::Authors, Value::Many(authors), None);
        }
    }
    let mut topics = text("Keywords")
        .map(|k| split_list(&k, &[',', ';', '|']))
        .unwrap_or_default();
    // A short Subject names a topic, unless it only repeats the title or is a placeholder
    // (programs copy one into the other).
    if let Some(subject) = text("Subject").filter(|s| {
        s.chars().count() <= 60
            && !crate::titles::is_placeholder(s)
            && title
                .as_deref()
                .is_none_or(|t| minga_core::fold_key(t) != minga_core::fold_key(s))
    }) {
        topics.push(subject);
    }
    if !topics.is_empty() {
        meta.insert(Field::Topics, Value::Many(topics), None);
    }
    let created = text("CreationDate")
        .and_then(|d| pdf_date(&d))
        .and_then(|d| d.parse().ok());
    (meta, created)
}

fn info_dictionary(doc: &PdfDocument) -> Option<HashMap<String, Object>> {
    let info = doc.trailer().as_dict()?.get("Info")?;
    let info = match info {
        Object::Reference(_) => doc.resolve_object(info).ok()?,
        other => other.clone(),
    };
    info.as_dict().cloned()
}

/// A PDF text string: UTF-16 (big-endian, with its byte-order mark), UTF-8 (with its mark),
/// or PDFDocEncoding.
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// A byte of PDFDocEncoding: Latin-1 but for 0x18–0x1F and 0x80–0xA0.
fn pdf_doc_char(b: u8) -> char {
    const HIGH: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}', '€',
    ];
    const LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    match b {
        0x18..=0x1F => LOW[usize::from(b - 0x18)],
        0x80..=0xA0 => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
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
    fn dates_titles_and_text_cleanup() {
        assert_eq!(
            pdf_date("D:20230124103000-05'00'").as_deref(),
            Some("2023-01-24")
        );
        assert_eq!(pdf_date("D:2023").as_deref(), Some("2023"));
        assert_eq!(pdf_date("hoy"), None);
        // Ligatures, odd spaces, decomposed accents, control characters and unmapped glyphs.
        assert_eq!(
            clean_text("e\u{FB03}cient\u{A0}planiﬁcación\u{1}\u{FFFD} Ano\u{301}"),
            "efficient planificación Anó"
        );
        assert_eq!(clean_text("\u{F0B7} punto\u{E000}"), "• punto");
        assert_eq!(clean_text("ｆｕｌｌ"), "full");
        assert_eq!(decode_text_string(b"\xfe\xff\x00A\x00\xf1"), "Añ");
        assert_eq!(decode_text_string(b"Informe \x93nal"), "Informe ﬁnal");
    }
}
