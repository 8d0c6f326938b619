//! DOCX (Office Open XML): paragraphs of `word/document.xml`, headings from paragraph styles,
//! metadata from `docProps/core.xml`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use minga_core::{Section, fold};
use quick_xml::events::{BytesStart, Event};

use crate::Problem;
use crate::draft::{Draft, Extracted, join_paragraphs};
use crate::meta::{Field, Metadata, Value, collapse_spaces, split_list};

/// Largest uncompressed size accepted for one part of the archive.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Largest compression ratio accepted for one part larger than 1 MiB: beyond it, a zip
/// bomb.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// Parts up to this size are not held to [`MAX_COMPRESSION_RATIO`].
const RATIO_GRACE_BYTES: u64 = 1024 * 1024;

/// Reads a DOCX file.
pub(crate) fn read(bytes: &[u8], rel: &str) -> Result<Extracted, Problem> {
    let skip = |reason: String| Problem::skipped(rel, reason);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| skip(format!("not a DOCX (not a zip archive: {e})")))?;
    let document = match part(&mut archive, "word/document.xml") {
        Ok(Some(xml)) => xml,
        Ok(None) => return Err(skip("not a DOCX (no word/document.xml)".into())),
        Err(reason) => return Err(skip(reason)),
    };
    let styles = match part(&mut archive, "word/styles.xml") {
        Ok(Some(xml)) => heading_styles(&xml),
        _ => HashMap::new(),
    };
    let mut extracted = Extracted::default();
    let mut draft = Draft::default();
    match part(&mut archive, "docProps/core.xml") {
        Ok(Some(xml)) => draft.meta = core_properties(&xml),
        Ok(None) => {}
        Err(reason) => extracted.problems.push(Problem::warning(
            rel,
            format!("properties not read: {reason}"),
        )),
    }
    let paragraphs = paragraphs(&document, &styles)
        .map_err(|e| skip(format!("not a DOCX (word/document.xml: {e})")))?;
    draft.title_hint = paragraphs
        .iter()
        .find(|p| p.title_style)
        .map(|p| p.text.clone());
    draft.sections = sections(paragraphs);
    extracted.drafts.push(draft);
    Ok(extracted)
}

/// A part of the archive as text; `Ok(None)` if absent, `Err` if it is a bomb or unreadable.
fn part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot open {name}: {e}")),
    };
    let compressed = file.compressed_size();
    // The most this part may inflate to: the size cap, and the ratio cap past a grace size
    // (small, repetitive XML legitimately compresses very well).
    let allowed = compressed
        .max(1)
        .saturating_mul(MAX_COMPRESSION_RATIO)
        .clamp(RATIO_GRACE_BYTES, MAX_PART_BYTES);
    let refused = |size: u64| {
        format!(
            "refused {name}: {size} bytes uncompressed from {compressed} \
             (over {MAX_PART_BYTES} bytes or {MAX_COMPRESSION_RATIO}:1; zip bomb?)"
        )
    };
    if file.size() > allowed {
        return Err(refused(file.size()));
    }
    // Declared sizes can lie: never inflate past what is allowed.
    let mut data = Vec::new();
    file.take(allowed + 1)
        .read_to_end(&mut data)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if data.len() as u64 > allowed {
        return Err(refused(data.len() as u64));
    }
    String::from_utf8(data)
        .map(Some)
        .map_err(|_| format!("{name} is not UTF-8"))
}

/// A paragraph of the document body.
#[derive(Debug, Default)]
struct Paragraph {
    text: String,
    /// Heading level, from the paragraph's style or outline level.
    level: Option<u8>,
    /// Styled as the document's title.
    title_style: bool,
}

/// Style ids that are headings, with their level: by the style's name or id (`Heading1`,
/// `heading 2`, `Título 1`, `Ttulo1`, `Title`) or its outline level.
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    let mut styles = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<(String, Option<u8>)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match local(&e).as_str() {
                "style" => {
                    if let Some(id) = attr(&e, "styleId") {
                        current = Some((id.clone(), style_level(&id)));
                    }
                }
                "name" => {
                    if let (Some((_, level)), Some(name)) = (current.as_mut(), attr(&e, "val")) {
                        *level = level.or(style_level(&name));
                    }
                }
                "outlineLvl" => {
                    if let (Some((_, level)), Some(value)) = (current.as_mut(), attr(&e, "val"))
                        && let Ok(n) = value.parse::<u8>()
                        && n < 9
                    {
                        *level = level.or(Some(n + 1));
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                if let Some((id, Some(level))) = current.take() {
                    styles.insert(id, level);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    styles
}

/// The heading level a style name or id stands for, if it is a heading or title style.
fn style_level(name: &str) -> Option<u8> {
    let key: String = fold(name).chars().filter(|c| !c.is_whitespace()).collect();
    let rest = ["heading", "titulo", "ttulo", "title"]
        .iter()
        .find_map(|prefix| key.strip_prefix(prefix))?;
    if rest.is_empty() {
        return Some(1);
    }
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() != rest.len() {
        return None;
    }
    digits.parse::<u8>().ok().filter(|n| (1..=9).contains(n))
}

/// Whether a style is the document title's (`Title`, `Título`), not a numbered heading.
fn is_title_style(name: &str) -> bool {
    matches!(fold(name).as_str(), "title" | "titulo" | "ttulo")
}

/// The paragraphs of `word/document.xml`, tables' cells included.
fn paragraphs(xml: &str, styles: &HashMap<String, u8>) -> Result<Vec<Paragraph>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<Paragraph> = None;
    let mut in_text = false;
    let mut list_item = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("invalid XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                match local(e).as_str() {
                    "p" => {
                        current = Some(Paragraph::default());
                        list_item = false;
                    }
                    "pStyle" => {
                        if let (Some(p), Some(id)) = (current.as_mut(), attr(e, "val")) {
                            p.level = styles.get(&id).copied().or_else(|| style_level(&id));
                            p.title_style = is_title_style(&id);
                        }
                    }
                    "outlineLvl" => {
                        if let (Some(p), Some(value)) = (current.as_mut(), attr(e, "val"))
                            && let Ok(n) = value.parse::<u8>()
                            && n < 9
                        {
                            p.level = p.level.or(Some(n + 1));
                        }
                    }
                    "numPr" => list_item = true,
                    "t" => in_text = is_start,
                    "tab" => push(&mut current, " "),
                    "br" | "cr" => push(&mut current, "\n"),
                    _ => {}
                }
            }
            Event::Text(t) if in_text => push(&mut current, &t.xml10_content()),
            Event::CData(t) if in_text => push(&mut current, &t),
            Event::GeneralRef(r) if in_text => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::unescape(&format!("&{};", r.xml10_content()))
                        .map(|s| s.into_owned())
                        .unwrap_or_default(),
                };
                push(&mut current, &resolved);
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    if let Some(mut p) = current.take() {
                        p.text = p
                            .text
                            .lines()
                            .map(collapse_spaces)
                            .filter(|l| !l.is_empty())
                            .collect::<Vec<_>>()
                            .join("\n");
                        if list_item && p.level.is_none() && !p.text.is_empty() {
                            p.text.insert_str(0, "- ");
                        }
                        if !p.text.is_empty() {
                            out.push(p);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn push(paragraph: &mut Option<Paragraph>, text: &str) {
    if let Some(p) = paragraph.as_mut() {
        p.text.push_str(text);
    }
}

/// An element's name without its namespace prefix.
fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// The value of the attribute whose local name is `name` (`w:val`, `w:styleId`).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        (local == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .ok()
        })?
    })
}

/// Groups paragraphs into sections at heading paragraphs.
fn sections(paragraphs: Vec<Paragraph>) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut current = Section::default();
    let mut texts: Vec<String> = Vec::new();
    let close = |current: Section, texts: &mut Vec<String>, sections: &mut Vec<Section>| {
        let mut section = current;
        section.text = join_paragraphs(texts.iter().map(String::as_str));
        texts.clear();
        if section.heading.is_some() || !section.text.is_empty() {
            sections.push(section);
        }
    };
    for p in paragraphs {
        match p.level {
            Some(level) => {
                close(std::mem::take(&mut current), &mut texts, &mut sections);
                current = Section {
                    heading: Some(p.text.replace('\n', " ")),
                    level,
                    ..Section::default()
                };
            }
            None => texts.push(p.text),
        }
    }
    close(current, &mut texts, &mut sections);
    sections
}

/// Title, creator, subject, keywords, creation date and language of `docProps/core.xml`.
fn core_properties(xml: &str) -> Metadata {
    let mut meta = Metadata::default();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut element: Option<String> = None;
    let mut text = String::new();
    let mut subject = None;
    let mut topics = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                element = Some(local(&e));
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(s) = quick_xml::escape::unescape(&format!("&{};", r.xml10_content())) {
                    text.push_str(&s);
                }
            }
            Ok(Event::End(_)) => {
                let value = collapse_spaces(&text);
                text.clear();
                if value.is_empty() {
                    element = None;
                    continue;
                }
                match element.take().as_deref() {
                    Some("title") => meta.insert(Field::Title, Value::One(value), None),
                    Some("creator") => meta.insert(
                        Field::Authors,
                        Value::Many(split_list(&value, &[';', '|'])),
                        None,
                    ),
                    Some("subject") => subject = Some(value),
                    Some("keywords") => topics.extend(split_list(&value, &[',', ';', '|'])),
                    Some("created") => meta.insert(Field::Date, Value::One(value), None),
                    Some("language") => meta.insert(Field::Lang, Value::One(value), None),
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    topics.extend(subject.filter(|s| s.chars().count() <= 60));
    if !topics.is_empty() {
        meta.insert(Field::Topics, Value::Many(topics), None);
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_names_in_english_and_spanish() {
        assert_eq!(style_level("Heading1"), Some(1));
        assert_eq!(style_level("heading 2"), Some(2));
        assert_eq!(style_level("Título 3"), Some(3));
        assert_eq!(style_level("Ttulo1"), Some(1));
        assert_eq!(style_level("Title"), Some(1));
        assert_eq!(style_level("Subtitle"), None);
        assert_eq!(style_level("Normal"), None);
        assert_eq!(style_level("TitleChar"), None);
        assert!(is_title_style("Título"));
    }

    #[test]
    fn paragraphs_runs_tabs_breaks_and_entities() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Contexto</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Uno </w:t></w:r><w:r><w:t>&amp; dos</w:t><w:tab/><w:t>tres</w:t><w:br/><w:t>cuatro</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>punto</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>celda</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>
</w:body></w:document>"#;
        let paragraphs = paragraphs(xml, &HashMap::new()).unwrap();
        let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Contexto", "Uno & dos tres\ncuatro", "- punto", "celda"]
        );
        let sections = sections(paragraphs);
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].heading.as_deref(), Some("Contexto"));
        assert_eq!(
            sections[0].text,
            "Uno & dos tres\ncuatro\n\n- punto\n\ncelda"
        );
    }
}
