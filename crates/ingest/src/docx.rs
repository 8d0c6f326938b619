//! DOCX (Office Open XML): paragraphs of `word/document.xml`; headings from paragraph
//! styles (any level, inherited through `basedOn`) and outline levels; list items from
//! numbering (the paragraph's or its style's, as `List Number` and `List Bullet` carry) with
//! the numbers Word draws; metadata from `docProps/core.xml`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use minga_core::{Block, Section, fold};
use quick_xml::events::{BytesStart, Event};

use crate::Problem;
use crate::blocks::list_marker;
use crate::draft::{Draft, Extracted};
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
        Ok(Some(xml)) => Styles::parse(&xml),
        _ => Styles::default(),
    };
    let numbering = match part(&mut archive, "word/numbering.xml") {
        Ok(Some(xml)) => Numbering::parse(&xml),
        _ => Numbering::default(),
    };
    let mut extracted = Extracted::default();
    let mut draft = Draft::default();
    match part(&mut archive, "docProps/core.xml") {
        Ok(Some(xml)) => (draft.meta, draft.file_date) = core_properties(&xml),
        Ok(None) => {}
        Err(reason) => extracted.problems.push(Problem::warning(
            rel,
            format!("properties not read: {reason}"),
        )),
    }
    let paragraphs = paragraphs(&document, &styles, &numbering)
        .map_err(|e| skip(format!("not a DOCX (word/document.xml: {e})")))?;
    // The Title paragraph, else the first Heading 1.
    draft.title_hint = paragraphs
        .iter()
        .find(|p| p.title_style && p.text.chars().any(char::is_alphabetic))
        .or_else(|| {
            paragraphs
                .iter()
                .find(|p| p.level == Some(1) && p.text.chars().any(char::is_alphabetic))
        })
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
    /// For an item of a list: its depth and number (`None` for a bullet).
    item: Option<(u8, Option<u32>)>,
}

/// What a paragraph style says, its own or inherited (`w:basedOn`).
#[derive(Debug, Clone, Default)]
struct Style {
    /// Heading level, by the style's name or id (`Heading 2`, `Título 2`) or outline level.
    level: Option<u8>,
    title: bool,
    /// The numbering the style carries (`w:numPr`: num id and level), as `List Number` and
    /// `List Bullet` do.
    numbering: Option<(String, u8)>,
    /// A list style by its name when it carries no numbering: `List Bullet 2` is a bullet one
    /// level deep, `List Number` a numbered item.
    list_name: Option<(u8, bool)>,
    based_on: Option<String>,
}

/// The paragraph styles of `word/styles.xml`, by id, as defined and with what they inherit.
#[derive(Debug, Clone, Default)]
struct Styles {
    defined: HashMap<String, Style>,
    resolved: HashMap<String, Style>,
}

impl Styles {
    fn parse(xml: &str) -> Styles {
        let mut styles = HashMap::new();
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut current: Option<(String, Style)> = None;
        let mut num_id: Option<String> = None;
        let mut ilvl = 0u8;
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                    "style" => {
                        current = attr(e, "styleId").map(|id| {
                            let style = Style {
                                level: style_level(&id),
                                title: is_title_style(&id),
                                list_name: list_style(&id),
                                ..Style::default()
                            };
                            (id, style)
                        });
                    }
                    "name" => {
                        if let (Some((_, style)), Some(name)) = (current.as_mut(), attr(e, "val")) {
                            style.level = style.level.or(style_level(&name));
                            style.title |= is_title_style(&name);
                            style.list_name = style.list_name.or(list_style(&name));
                        }
                    }
                    "basedOn" => {
                        if let Some((_, style)) = current.as_mut() {
                            style.based_on = attr(e, "val");
                        }
                    }
                    "outlineLvl" => {
                        if let (Some((_, style)), Some(n)) = (current.as_mut(), outline_level(e)) {
                            style.level = style.level.or(Some(n));
                        }
                    }
                    "numId" => num_id = attr(e, "val"),
                    "ilvl" => ilvl = attr(e, "val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                },
                Event::End(ref e) => match e.local_name().as_ref() {
                    "numPr" => {
                        if let (Some((_, style)), Some(id)) = (current.as_mut(), num_id.take()) {
                            style.numbering = Some((id, ilvl));
                        }
                        ilvl = 0;
                    }
                    "style" => {
                        if let Some((id, style)) = current.take() {
                            styles.insert(id, style);
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        let mut styles = Styles {
            defined: styles,
            resolved: HashMap::new(),
        };
        styles.resolved = styles
            .defined
            .keys()
            .map(|id| (id.clone(), styles.resolve(id)))
            .collect();
        styles
    }

    /// The style `id`, resolved (see [`Styles::resolve`]).
    fn style(&self, id: &str) -> std::borrow::Cow<'_, Style> {
        match self.resolved.get(id) {
            Some(style) => std::borrow::Cow::Borrowed(style),
            None => std::borrow::Cow::Owned(self.resolve(id)),
        }
    }

    /// The style `id` with what it inherits from the styles it is based on.
    fn resolve(&self, id: &str) -> Style {
        // A defined style already holds what its id says; an undefined one only its id.
        let mut resolved = if self.defined.contains_key(id) {
            Style::default()
        } else {
            Style {
                level: style_level(id),
                title: is_title_style(id),
                list_name: list_style(id),
                ..Style::default()
            }
        };
        let mut next = Some(id.to_string());
        // Chains are short; a loop in a broken file stops at the tenth link.
        for _ in 0..10 {
            let Some(style) = next.and_then(|id| self.defined.get(&id)) else {
                break;
            };
            resolved.level = resolved.level.or(style.level);
            resolved.title |= style.title;
            resolved.numbering = resolved.numbering.clone().or(style.numbering.clone());
            resolved.list_name = resolved.list_name.or(style.list_name);
            next = style.based_on.clone();
        }
        resolved
    }
}

/// `w:outlineLvl`: 0 for a level-1 heading … 8; 9 is body text.
fn outline_level(e: &BytesStart<'_>) -> Option<u8> {
    attr(e, "val")?
        .parse::<u8>()
        .ok()
        .filter(|&n| n < 9)
        .map(|n| n + 1)
}

/// A list style by its name or id: `List Bullet 2`, `ListNumber`, `Lista con viñetas`,
/// `Lista con números 3`: its depth and whether it is numbered.
fn list_style(name: &str) -> Option<(u8, bool)> {
    let key: String = fold(name).chars().filter(|c| !c.is_whitespace()).collect();
    let (rest, numbered) = [
        ("listbullet", false),
        ("listnumber", true),
        ("listaconvinetas", false),
        ("listaconnumeros", true),
        ("vineta", false),
    ]
    .iter()
    .find_map(|(prefix, numbered)| key.strip_prefix(prefix).map(|rest| (rest, *numbered)))?;
    let depth = match rest {
        "" => 0,
        digits => digits.parse::<u8>().ok()?.checked_sub(1)?,
    };
    Some((depth, numbered))
}

/// One level of a list definition of `word/numbering.xml`.
#[derive(Debug, Clone, Copy)]
struct Level {
    bullet: bool,
    start: u32,
}

/// The list definitions of `word/numbering.xml`: what each num id and level draws.
#[derive(Debug, Clone, Default)]
struct Numbering {
    /// num id → abstract definition id.
    nums: HashMap<String, String>,
    /// (abstract id, level) → the level's format.
    levels: HashMap<(String, u8), Level>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut numbering = Numbering::default();
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(u8, Level)> = None;
        let mut num_id: Option<String> = None;
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => match local(e).as_str() {
                    "abstractNum" => abstract_id = attr(e, "abstractNumId"),
                    "lvl" if abstract_id.is_some() => {
                        let ilvl = attr(e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((
                            ilvl,
                            Level {
                                bullet: false,
                                start: 1,
                            },
                        ));
                    }
                    "start" => {
                        if let (Some((_, l)), Some(n)) =
                            (level.as_mut(), attr(e, "val").and_then(|v| v.parse().ok()))
                        {
                            l.start = n;
                        }
                    }
                    "numFmt" => {
                        if let (Some((_, l)), Some(format)) = (level.as_mut(), attr(e, "val")) {
                            l.bullet = matches!(format.as_str(), "bullet" | "none");
                        }
                    }
                    "num" => num_id = attr(e, "numId"),
                    "abstractNumId" => {
                        if let (Some(num), Some(id)) = (num_id.clone(), attr(e, "val")) {
                            numbering.nums.insert(num, id);
                        }
                    }
                    _ => {}
                },
                Event::End(ref e) => match e.local_name().as_ref() {
                    "lvl" => {
                        if let (Some(id), Some((ilvl, l))) = (abstract_id.clone(), level.take()) {
                            numbering.levels.insert((id, ilvl), l);
                        }
                    }
                    "abstractNum" => abstract_id = None,
                    "num" => num_id = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        numbering
    }

    /// The list definition and level format of a num id, if the file defines them.
    fn level(&self, num_id: &str, ilvl: u8) -> Option<(&str, Level)> {
        let abstract_id = self.nums.get(num_id)?;
        let level = self.levels.get(&(abstract_id.clone(), ilvl)).copied()?;
        Some((abstract_id, level))
    }
}

/// Counts the items of each list, level by level, as Word numbers them.
#[derive(Debug, Default)]
struct Counters(HashMap<String, Vec<u32>>);

impl Counters {
    /// The number of the next item of `list` at `ilvl`, starting at `start`; deeper levels
    /// start again.
    fn next(&mut self, list: &str, ilvl: u8, start: u32) -> u32 {
        let counts = self.0.entry(list.to_string()).or_default();
        let ilvl = usize::from(ilvl);
        if counts.len() <= ilvl {
            counts.resize(ilvl + 1, 0);
        }
        counts.truncate(ilvl + 1);
        counts[ilvl] = if counts[ilvl] == 0 {
            start
        } else {
            counts[ilvl] + 1
        };
        counts[ilvl]
    }
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

/// What a paragraph's properties say while it is read.
#[derive(Debug, Default)]
struct Properties {
    style: Option<String>,
    outline: Option<u8>,
    /// The paragraph has a `w:numPr` of its own.
    num_pr: bool,
    /// `w:numPr` of the paragraph itself: num id (`0` switches numbering off) and level.
    num_id: Option<String>,
    ilvl: Option<u8>,
}

/// The paragraphs of `word/document.xml`, tables' cells included.
fn paragraphs(xml: &str, styles: &Styles, numbering: &Numbering) -> Result<Vec<Paragraph>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<Paragraph> = None;
    let mut properties = Properties::default();
    let mut counters = Counters::default();
    let mut in_text = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("invalid XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                match e.local_name().as_ref() {
                    "p" => {
                        current = Some(Paragraph::default());
                        properties = Properties::default();
                    }
                    "pStyle" if current.is_some() => properties.style = attr(e, "val"),
                    "outlineLvl" if current.is_some() => properties.outline = outline_level(e),
                    "numPr" if current.is_some() => properties.num_pr = true,
                    "numId" if current.is_some() => properties.num_id = attr(e, "val"),
                    "ilvl" if current.is_some() => {
                        properties.ilvl = attr(e, "val").and_then(|v| v.parse().ok());
                    }
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
                        p.text = collapse_lines(&p.text);
                        let properties = std::mem::take(&mut properties);
                        describe(&mut p, &properties, styles, numbering, &mut counters);
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

/// Settles a paragraph's heading level, title style and list item from its properties, its
/// style and the list definitions.
fn describe(
    p: &mut Paragraph,
    properties: &Properties,
    styles: &Styles,
    numbering: &Numbering,
    counters: &mut Counters,
) {
    let style = properties
        .style
        .as_deref()
        .map(|id| styles.style(id))
        .unwrap_or_default();
    p.level = properties.outline.or(style.level);
    p.title_style = style.title;
    if p.level.is_some() {
        return;
    }
    // The paragraph's own numbering wins over its style's; num id 0 switches it off.
    let numbered = match (&properties.num_id, &style.numbering) {
        (Some(id), _) => Some((id.clone(), properties.ilvl.unwrap_or(0))),
        (None, Some((id, ilvl))) => Some((id.clone(), properties.ilvl.unwrap_or(*ilvl))),
        // A `w:numPr` without a num id: an item of some list all the same.
        (None, None) if properties.num_pr => Some((String::new(), properties.ilvl.unwrap_or(0))),
        (None, None) => None,
    }
    .filter(|(id, _)| id != "0");
    p.item = match numbered {
        Some((id, ilvl)) => Some(match numbering.level(&id, ilvl) {
            Some((list, level)) if !level.bullet => {
                (ilvl, Some(counters.next(list, ilvl, level.start)))
            }
            Some(_) => (ilvl, None),
            // Numbering the file does not define: a list item all the same, numbered if its
            // style's name says so.
            None => match style.list_name {
                Some((_, true)) => (ilvl, Some(counters.next(&format!("style:{id}"), ilvl, 1))),
                _ => (ilvl, None),
            },
        }),
        None => style.list_name.map(|(depth, numbered)| {
            let key = format!("style:{}", properties.style.as_deref().unwrap_or(""));
            (depth, numbered.then(|| counters.next(&key, depth, 1)))
        }),
    };
}

/// Runs of spaces as one space, lines trimmed, empty lines dropped.
fn collapse_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
    out
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

/// Groups paragraphs into sections at heading paragraphs; list paragraphs, and paragraphs
/// that open with a typed marker (`1. `, `• `), are items.
fn sections(paragraphs: Vec<Paragraph>) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut current = Section::default();
    for p in paragraphs {
        if let Some(level) = p.level {
            if current.heading.is_some() || !current.blocks.is_empty() {
                sections.push(std::mem::take(&mut current));
            }
            current = Section {
                heading: Some(p.text.replace('\n', " ")),
                level,
                ..Section::default()
            };
            continue;
        }
        let block = match (p.item, list_marker(&p.text)) {
            (Some((depth, number)), _) => Block::item(p.text, depth, number),
            (None, Some(marker)) => Block::item(p.text[marker.len..].trim(), 0, marker.number),
            (None, None) => Block::paragraph(p.text),
        };
        current.blocks.push(block);
    }
    if current.heading.is_some() || !current.blocks.is_empty() {
        sections.push(current);
    }
    sections
}

/// Title, creator, subject, keywords and language of `docProps/core.xml`, and its creation
/// date apart (a file property, not the document's declared date). A creator that names
/// nobody (`python-docx`, a default account) is dropped, and with it the date, which is then
/// the template's.
fn core_properties(xml: &str) -> (Metadata, Option<minga_core::Date>) {
    let mut meta = Metadata::default();
    let mut created = None;
    let mut generated = false;
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
                    Some("creator") => {
                        let authors = crate::titles::real_authors(&value);
                        generated |= authors.is_empty();
                        if !authors.is_empty() {
                            meta.insert(Field::Authors, Value::Many(authors), None);
                        }
                    }
                    Some("subject") => subject = Some(value),
                    Some("keywords") => topics.extend(split_list(&value, &[',', ';', '|'])),
                    Some("created") => created = value.parse().ok(),
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
    (meta, created.filter(|_| !generated))
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
        let paragraphs = paragraphs(xml, &Styles::default(), &Numbering::default()).unwrap();
        let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Contexto", "Uno & dos tres\ncuatro", "punto", "celda"]
        );
        let sections = sections(paragraphs);
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].heading.as_deref(), Some("Contexto"));
        assert_eq!(
            sections[0].text(),
            "Uno & dos tres\ncuatro\n\n- punto\n\ncelda"
        );
    }

    const STYLES: &str = r#"<w:styles xmlns:w="w">
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="MiSubtitulo"><w:name w:val="Mi subtítulo"/><w:basedOn w:val="Heading2"/></w:style>
<w:style w:type="paragraph" w:styleId="Nivel3"><w:name w:val="Nivel tres"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet2"><w:name w:val="List Bullet 2"/></w:style>
</w:styles>"#;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>"#;

    fn styled(style: &str, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    #[test]
    fn list_styles_numbering_inherited_headings_and_outline_levels() {
        let body = [
            styled("MiSubtitulo", "Lecciones aprendidas"),
            styled("ListNumber", "Primera lección."),
            styled("Normal", "Contexto: un detalle."),
            styled("ListBullet2", "Un punto."),
            r#"<w:p><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>Un punto numerado como viñeta.</w:t></w:r></w:p>"#.to_string(),
            styled("ListNumber", "Segunda lección."),
            styled("Normal", "3. Tercera, numerada a mano."),
            styled("Nivel3", "Un nivel tres"),
        ]
        .concat();
        let xml = format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#);
        let paragraphs =
            paragraphs(&xml, &Styles::parse(STYLES), &Numbering::parse(NUMBERING)).unwrap();
        let sections = sections(paragraphs);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].heading.as_deref(), Some("Lecciones aprendidas"));
        assert_eq!(sections[0].level, 2);
        assert_eq!(
            sections[0].text(),
            "1. Primera lección.\n\nContexto: un detalle.\n\n  - Un punto.\n  - Un punto \
             numerado como viñeta.\n2. Segunda lección.\n3. Tercera, numerada a mano."
        );
        assert_eq!(sections[1].heading.as_deref(), Some("Un nivel tres"));
        assert_eq!(sections[1].level, 3);
    }
}
