//! Markdown (CommonMark, by pulldown-cmark): YAML front matter for metadata, sections at
//! headings, paragraphs and list items as blocks with their lines.

use minga_core::{Block, Section};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::Problem;
use crate::draft::{Draft, Extracted, tidy_text};
use crate::meta::{Metadata, Unquoted, YamlError, collapse_spaces, parse_yaml, quote_plain_values};

/// Reads a Markdown file. Front matter that YAML cannot read is mended where quoting a plain
/// value is enough (`title: Informe: lecciones`), with a note of what to fix; otherwise the
/// text is read without it, with a warning and the line of the YAML error in the file.
pub(crate) fn read(text: &str, rel: &str) -> Result<Extracted, Problem> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut draft = Draft::default();
    let mut problems = Vec::new();

    let body_start = match front_matter_end(&lines) {
        Some(end) => {
            let yaml = lines[1..end].join("\n");
            // Line 1 is the opening `---`, so YAML line n is file line n + 1.
            match parse_yaml(&yaml, 1) {
                Ok(meta) => draft.meta = meta.unwrap_or_default(),
                Err(YamlError::NotMapping) => problems.push(
                    Problem::warning(rel, "front matter ignored: expected `key: value` lines")
                        .at_line(1),
                ),
                Err(YamlError::Invalid { line, message }) => {
                    match repaired(&yaml) {
                        Some((meta, fixed)) => {
                            draft.meta = meta;
                            problems.extend(fixed.into_iter().map(|unquoted| {
                                Problem::repaired(rel, quote_advice(&unquoted))
                                    .at_line(unquoted.line + 1)
                            }));
                        }
                        // The text is kept, without the metadata.
                        None => problems.push(
                            Problem::warning(
                                rel,
                                format!(
                                    "invalid YAML front matter: {message}; the text is indexed \
                                     without its metadata (YAML de la cabecera no válido: el \
                                     texto se indexa sin sus metadatos)"
                                ),
                            )
                            .at_line(line),
                        ),
                    }
                }
            }
            end + 1
        }
        None => 0,
    };

    draft.sections = sections(&lines[body_start..].join("\n"), body_start);
    draft.title_hint = draft
        .sections
        .iter()
        .find(|s| s.level == 1)
        .and_then(|s| s.heading.clone());
    let mut extracted = Extracted::single(draft);
    extracted.problems = problems;
    Ok(extracted)
}

/// The front matter read after quoting the plain values that broke it, if that is enough.
fn repaired(yaml: &str) -> Option<(Metadata, Vec<Unquoted>)> {
    let (fixed, lines) = quote_plain_values(yaml)?;
    let meta = parse_yaml(&fixed, 1).ok()?.unwrap_or_default();
    Some((meta, lines))
}

/// What to change in a front matter line read only after quoting its value, in English and
/// in Spanish.
fn quote_advice(unquoted: &Unquoted) -> String {
    let key = &unquoted.key;
    let culprit = unquoted.culprit.trim();
    format!(
        "the value of `{key}` contains \"{culprit}\": write it in quotes ({key}: \"…\"); read \
         as if it were (el valor de «{key}» contiene «{culprit}»: escríbelo entre comillas)"
    )
}

/// The index of the line closing the front matter, if the file opens with `---` and a
/// `---` or `...` line closes it.
fn front_matter_end(lines: &[&str]) -> Option<usize> {
    if lines.first()?.trim_end() != "---" {
        return None;
    }
    lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| matches!(l.trim_end(), "---" | "..."))
        .map(|(i, _)| i)
}

/// The CommonMark extensions read: tables, footnotes, strikethrough and task lists.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Splits the body into sections at headings (ATX `##` and setext underlines), each with its
/// paragraphs and list items. `first_line` is the 0-based index of the body's first line in
/// the file.
fn sections(body: &str, first_line: usize) -> Vec<Section> {
    let lines = LineIndex::new(body, first_line);
    let mut builder = Builder::default();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let line = lines.line_of(range.start);
        match event {
            Event::Start(tag) => builder.start(tag, line),
            Event::End(tag) => builder.end(tag),
            Event::Text(text) | Event::Code(text) | Event::InlineMath(text) => {
                builder.text(&text, line)
            }
            Event::DisplayMath(text) => builder.text(&text, line),
            Event::Html(html) | Event::InlineHtml(html) => builder.html(&html, line),
            Event::SoftBreak | Event::HardBreak => builder.text("\n", line),
            Event::Rule => builder.flush(),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    builder.finish()
}

/// Line numbers of byte offsets in the body.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(body: &str, first_line: usize) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    /// The 1-based line of the file holding byte `offset` of the body.
    fn line_of(&self, offset: usize) -> Option<u32> {
        let index = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        u32::try_from(self.first_line + index + 1).ok()
    }
}

/// An open list: the number its next item takes (`None` for a bulleted list).
struct List {
    next: Option<u64>,
}

/// Collects sections and blocks from the parser's events.
#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
    current: Section,
    /// Inline text of the paragraph, item or heading being read, and its line.
    inline: String,
    inline_line: Option<u32>,
    /// Inside a heading: its level and line.
    heading: Option<(u8, Option<u32>)>,
    lists: Vec<List>,
    /// Indexes, in `current.blocks`, of the items open, innermost last.
    items: Vec<usize>,
    /// Inside an image: its description is not text.
    images: usize,
    /// Cells read in the current table row.
    cells: usize,
    /// Raw HTML being skipped (a comment, a script) across events.
    skipping: Skipping,
}

impl Builder {
    fn start(&mut self, tag: Tag<'_>, line: Option<u32>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some((level as u8, line));
            }
            Tag::Paragraph | Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::FootnoteDefinition(_) => {
                self.flush();
                self.inline_line = line;
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(List { next: start });
            }
            Tag::Item => {
                self.flush();
                let depth = u8::try_from(self.lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
                let number = self.lists.last_mut().and_then(|list| {
                    let n = list.next?;
                    list.next = Some(n + 1);
                    u32::try_from(n).ok()
                });
                self.current
                    .blocks
                    .push(Block::item("", depth, number).at_line(line));
                self.items.push(self.current.blocks.len() - 1);
                self.inline_line = line;
            }
            Tag::Image { .. } => self.images += 1,
            Tag::TableHead | Tag::TableRow => {
                self.cells = 0;
                if self.inline_line.is_none() {
                    self.inline_line = line;
                }
            }
            Tag::TableCell => {
                if self.cells > 0 {
                    self.inline.push_str(" | ");
                }
                self.cells += 1;
            }
            Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.flush();
                self.inline_line = line;
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let text = collapse_spaces(&std::mem::take(&mut self.inline));
                let (level, line) = self.heading.take().unwrap_or((1, None));
                self.inline_line = None;
                if text.is_empty() {
                    return;
                }
                self.close_section();
                self.current = Section {
                    heading: Some(text),
                    level,
                    line,
                    ..Section::default()
                };
            }
            TagEnd::Paragraph
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.flush(),
            TagEnd::TableHead | TagEnd::TableRow => self.inline.push('\n'),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.items.pop();
            }
            TagEnd::Image => self.images = self.images.saturating_sub(1),
            _ => {}
        }
    }

    fn text(&mut self, text: &str, line: Option<u32>) {
        if self.images > 0 || self.skipping != Skipping::Nothing {
            return;
        }
        if self.inline_line.is_none() && self.heading.is_none() {
            self.inline_line = line;
        }
        self.inline.push_str(text);
    }

    /// Raw HTML: comments, scripts and styles dropped, tags removed, `<br>` as a line break.
    fn html(&mut self, html: &str, line: Option<u32>) {
        let text = html_text(html, &mut self.skipping);
        if !text.is_empty() {
            if self.inline_line.is_none() && self.heading.is_none() && !text.trim().is_empty() {
                self.inline_line = line;
            }
            self.inline.push_str(&text);
        }
    }

    /// Ends the paragraph being read: into the innermost open item, or as a paragraph.
    fn flush(&mut self) {
        let text = tidy_text(&std::mem::take(&mut self.inline));
        let line = self.inline_line.take();
        if text.is_empty() || self.heading.is_some() {
            return;
        }
        crate::blocks::add_paragraph(
            &mut self.current.blocks,
            self.items.last().copied(),
            text,
            line,
        );
    }

    fn close_section(&mut self) {
        self.flush();
        self.items.clear();
        let mut section = std::mem::take(&mut self.current);
        section.blocks.retain(|b| !b.text.trim().is_empty());
        if section.heading.is_none() {
            section.line = section.blocks.first().and_then(|b| b.line);
        }
        if section.heading.is_some() || !section.blocks.is_empty() {
            self.sections.push(section);
        }
    }

    fn finish(mut self) -> Vec<Section> {
        self.close_section();
        self.sections
    }
}

/// What raw HTML is being skipped across the pieces the parser hands over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Skipping {
    #[default]
    Nothing,
    /// A comment, up to `-->`.
    Comment,
    /// The content of a `<script>` or `<style>` element, up to its end tag.
    Until(&'static str),
}

/// The text of a piece of raw HTML: comments, scripts and styles dropped, tags removed,
/// `<br>` as a line break. `skipping` carries what is open from one piece to the next.
fn html_text(html: &str, skipping: &mut Skipping) -> String {
    let mut out = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        let end_of = |rest: &str, close: &str| {
            rest.to_ascii_lowercase()
                .find(close)
                .map(|end| end + close.len())
        };
        match *skipping {
            Skipping::Comment | Skipping::Until(_) => {
                let close = match *skipping {
                    Skipping::Until(tag) => tag,
                    _ => "-->",
                };
                match end_of(rest, close) {
                    Some(end) => {
                        rest = &rest[end..];
                        *skipping = Skipping::Nothing;
                    }
                    None => rest = "",
                }
            }
            Skipping::Nothing => {
                if let Some(after) = rest.strip_prefix("<!--") {
                    rest = after;
                    *skipping = Skipping::Comment;
                } else if rest.starts_with('<') {
                    let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                    let tag = rest[..end].to_ascii_lowercase();
                    if tag.starts_with("<br") {
                        out.push('\n');
                    } else if tag.starts_with("<script") {
                        *skipping = Skipping::Until("</script>");
                    } else if tag.starts_with("<style") {
                        *skipping = Skipping::Until("</style>");
                    }
                    rest = &rest[end..];
                } else {
                    let end = rest.find('<').unwrap_or(rest.len());
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                }
            }
        }
    }
    out
}

/// The plain text of one line of Markdown: emphasis, code and link marks removed, images
/// dropped, `\*` as `*`.
pub(crate) fn inline_text(line: &str) -> String {
    let mut builder = Builder::default();
    let parser = Parser::new_ext(line, options());
    for event in parser {
        match event {
            Event::Start(Tag::Image { .. }) => builder.images += 1,
            Event::End(TagEnd::Image) => builder.images = builder.images.saturating_sub(1),
            Event::Text(text) | Event::Code(text) => builder.text(&text, None),
            Event::SoftBreak | Event::HardBreak => builder.text(" ", None),
            Event::InlineHtml(html) | Event::Html(html) => builder.html(&html, None),
            _ => {}
        }
    }
    collapse_spaces(&builder.inline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Field;

    const NOTE: &str = "---\n\
title: Taller de innovación\n\
regions: [Cusco, Apurímac]\n\
date: 2023-01-24\n\
---\n\
Texto antes de los títulos.\n\
\n\
# Jornada 1\n\
\n\
Se trabajó con **actores** del [ecosistema](https://x.org) regional.\n\
<!-- nota interna\n\
de dos líneas -->\n\
- Primer *punto*\n\
- Segundo ![logo](logo.png) punto\n\
\n\
```\n\
# no es un título\n\
```\n\
\n\
## Acuerdos ##\n\
Coordinar con el GORE.\n";

    #[test]
    fn front_matter_and_sections_with_lines() {
        let extracted = read(NOTE, "notas/a.md").unwrap();
        assert!(extracted.problems.is_empty(), "{:?}", extracted.problems);
        let draft = &extracted.drafts[0];
        assert_eq!(draft.meta.text(Field::Title), Some("Taller de innovación"));
        assert_eq!(
            draft.meta.list(Field::Regions).unwrap(),
            ["Cusco", "Apurímac"]
        );
        assert_eq!(draft.meta.line(Field::Date), Some(4));
        let s = &draft.sections;
        assert_eq!(s.len(), 3, "{s:#?}");
        assert_eq!(s[0].heading, None);
        assert_eq!(s[0].text(), "Texto antes de los títulos.");
        assert_eq!(s[0].line, Some(6));
        assert_eq!(s[1].heading.as_deref(), Some("Jornada 1"));
        assert_eq!(s[1].level, 1);
        assert_eq!(s[1].line, Some(8));
        assert_eq!(
            s[1].text(),
            "Se trabajó con actores del ecosistema regional.\n\n- Primer punto\n- Segundo  punto\n\n# no es un título"
        );
        // Each block keeps its line.
        let lines: Vec<Option<u32>> = s[1].blocks.iter().map(|b| b.line).collect();
        assert_eq!(lines, [Some(10), Some(13), Some(14), Some(16)]);
        assert_eq!(s[2].heading.as_deref(), Some("Acuerdos"));
        assert_eq!(s[2].level, 2);
        assert_eq!(s[2].line, Some(20));
        assert_eq!(draft.title_hint.as_deref(), Some("Jornada 1"));
    }

    #[test]
    fn invalid_yaml_keeps_the_text_with_the_line_in_the_file() {
        let text = "---\ntitle: ok\nregions: [Cusco\ndate: x\n---\n# T\n\nTexto.\n";
        let extracted = read(text, "notas/b.md").unwrap();
        let problem = &extracted.problems[0];
        assert_eq!(problem.severity, crate::Severity::Warning);
        assert!(
            problem.reason.starts_with("invalid YAML front matter"),
            "{problem}"
        );
        assert!(problem.reason.contains("without its metadata"), "{problem}");
        let line = problem.line.unwrap();
        assert!((3..=5).contains(&line), "{problem}");
        let draft = &extracted.drafts[0];
        assert_eq!(draft.title_hint.as_deref(), Some("T"));
        assert!(format!("{:?}", draft.sections).contains("Texto."));
    }

    #[test]
    fn a_colon_in_a_title_is_mended_and_named() {
        let text = "---\nid: n1\ntitle: Informe: lecciones de la pasantía\n---\n# Cuerpo\n";
        let extracted = read(text, "notas/c.md").unwrap();
        let draft = &extracted.drafts[0];
        assert_eq!(
            draft.meta.text(crate::meta::Field::Title),
            Some("Informe: lecciones de la pasantía")
        );
        assert_eq!(draft.meta.text(crate::meta::Field::Id), Some("n1"));
        let problem = &extracted.problems[0];
        assert_eq!(problem.severity, crate::Severity::Repaired);
        assert_eq!(problem.line, Some(3));
        assert!(
            problem
                .reason
                .contains("`title` contains \":\": write it in quotes"),
            "{problem}"
        );
        assert!(
            problem.reason.contains("escríbelo entre comillas"),
            "{problem}"
        );
    }

    #[test]
    fn a_dash_rule_without_closer_is_not_front_matter() {
        let extracted = read("---\nSolo texto.\n", "x.md").unwrap();
        assert_eq!(extracted.drafts[0].sections[0].text(), "Solo texto.");
    }

    #[test]
    fn inline_markup_is_removed() {
        assert_eq!(
            inline_text("**Contexto:** el *GORE* y __CRDP__"),
            "Contexto: el GORE y CRDP"
        );
        assert_eq!(inline_text("ver [guía](http://a/b_(c)) ya"), "ver guía ya");
        assert_eq!(inline_text("snake_case y 2 * 3"), "snake_case y 2 * 3");
        assert_eq!(
            inline_text("_énfasis_ [sic] <https://a.org>"),
            "énfasis [sic] https://a.org"
        );
        assert_eq!(inline_text("precio \\*especial\\*"), "precio *especial*");
        assert_eq!(
            inline_text("con `código` e ![logo](l.png) imagen"),
            "con código e imagen"
        );
        assert_eq!(
            inline_text("a <b>negrita</b> <script>alert(1)</script>y<br>fin"),
            "a negrita y fin"
        );
    }

    #[test]
    fn setext_headings_nested_lists_and_loose_items() {
        let text = "Informe\n=======\n\nLecciones aprendidas\n--------------------\n\n\
                    1. **Primera.** Contexto: uno.\n\n   Recomendación: dos.\n\n   - detalle\n\
                    2. Segunda\n\n> Una cita.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let extracted = read(text, "x.md").unwrap();
        let s = &extracted.drafts[0].sections;
        assert_eq!(s[0].heading.as_deref(), Some("Informe"));
        assert_eq!(s[0].level, 1);
        assert_eq!(s[1].heading.as_deref(), Some("Lecciones aprendidas"));
        assert_eq!(s[1].level, 2);
        assert_eq!(s[1].line, Some(4));
        let blocks: Vec<(&str, crate::blocks::ItemShape, Option<u32>)> = s[1]
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.item.map(|i| (i.depth, i.number)), b.line))
            .collect();
        assert_eq!(
            blocks,
            [
                (
                    "Primera. Contexto: uno.\n\nRecomendación: dos.",
                    Some((0, Some(1))),
                    Some(7)
                ),
                ("detalle", Some((1, None)), Some(11)),
                ("Segunda", Some((0, Some(2))), Some(12)),
                ("Una cita.", None, Some(14)),
                ("a | b\n1 | 2", None, Some(16)),
            ]
        );
    }
}
