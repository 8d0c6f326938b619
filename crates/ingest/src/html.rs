//! HTML: the main content's text, sections at `<h1>`–`<h6>`, metadata from `<title>`,
//! `<meta>` and `<html lang>`.

use minga_core::{Block, Section};
use scraper::{ElementRef, Html, Node, Selector};

use crate::Problem;
use crate::draft::{Draft, Extracted};
use crate::meta::{Field, Value, collapse_spaces, split_list};

/// Elements whose content is never document text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg",
    "iframe", "button", "select", "head",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "address",
    "hr",
    "details",
    "summary",
    "body",
    "caption",
];

/// Reads an HTML page. A page nested deeper than [`MAX_HTML_NESTING`] elements is skipped.
pub(crate) fn read(text: &str, rel: &str) -> Result<Extracted, Problem> {
    let nesting = nesting_depth(text);
    if nesting > MAX_HTML_NESTING {
        return Err(Problem::skipped(
            rel,
            format!("refused: elements nested over {MAX_HTML_NESTING} deep ({nesting} found)"),
        ));
    }
    let html = Html::parse_document(text);
    let mut draft = Draft::default();

    if let Some(title) = first(&html, "title").map(|t| element_text(t)) {
        draft.meta.insert(Field::Title, Value::One(title), None);
    }
    let mut description = None;
    let mut declared_lang = None;
    for meta in html.select(&selector("meta[name], meta[property], meta[http-equiv]")) {
        let element = meta.value();
        let name = element
            .attr("name")
            .or_else(|| element.attr("property"))
            .or_else(|| element.attr("http-equiv"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = element
            .attr("content")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        let list = || Value::Many(split_list(content, &[',', ';', '|']));
        match name.as_str() {
            "description" | "dc.description" => description = Some(collapse_spaces(content)),
            "keywords" | "dc.subject" => draft.meta.insert(Field::Topics, list(), None),
            "author" | "dc.creator" => draft.meta.insert(Field::Authors, list(), None),
            "date"
            | "dc.date"
            | "dc.date.created"
            | "dcterms.created"
            | "dcterms.date"
            | "article:published_time" => {
                draft
                    .meta
                    .insert(Field::Date, Value::One(content.to_string()), None)
            }
            "dc.language" | "language" | "content-language" => {
                declared_lang = Some(content.to_string())
            }
            "dc.title" if !draft.meta.has(Field::Title) => {
                draft
                    .meta
                    .insert(Field::Title, Value::One(content.to_string()), None)
            }
            // Other names of the one field-names table (`dc.subject.other`, `dcterms.spatial`,
            // `palabras clave`), for the fields a page's <meta> can give.
            other => match Field::from_key(other) {
                Some(
                    field @ (Field::Topics | Field::Authors | Field::Regions | Field::Institutions),
                ) => draft.meta.add(field, list(), None),
                Some(field @ (Field::Country | Field::Event | Field::Location | Field::Genre)) => {
                    draft.meta.add(field, Value::One(content.to_string()), None)
                }
                _ => {}
            },
        }
    }
    let lang = declared_lang.or_else(|| {
        html.root_element()
            .attr("lang")
            .map(str::to_string)
            .filter(|l| !l.trim().is_empty())
    });
    if let Some(lang) = lang {
        draft.meta.insert(Field::Lang, Value::One(lang), None);
    }

    let root = first(&html, "main")
        .or_else(|| first(&html, "article"))
        .or_else(|| first(&html, "body"))
        .unwrap_or_else(|| html.root_element());
    let mut walker = Walker::default();
    walker.walk(root, 0);
    draft.sections = walker.finish();
    if draft.sections.is_empty()
        && let Some(description) = description
    {
        draft.sections.push(Section {
            blocks: vec![Block::paragraph(description)],
            ..Section::default()
        });
    }
    draft.title_hint = draft
        .sections
        .iter()
        .find(|s| s.level == 1)
        .and_then(|s| s.heading.clone());
    Ok(Extracted::single(draft))
}

/// Deepest nesting of elements accepted in a page: the HTML parser takes time that grows
/// with the square of it (a page of fifty thousand nested `<div>`s takes it seconds), and
/// real pages nest a few dozen deep.
pub const MAX_HTML_NESTING: usize = 1024;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];
/// Elements whose end tag may be left out, so that unclosed ones do not nest.
const OPTIONAL_END: &[&str] = &[
    "html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// How deep the elements of a page nest, estimated by a scan of its tags that counts start
/// tags up and end tags down, leaving out void elements, elements whose end tag is optional,
/// comments and the content of raw-text elements. Linear and allocation-free, to run before
/// the parser.
fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let find = |from: usize, needle: &[u8]| {
        bytes[from.min(bytes.len())..]
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|p| from + p)
    };
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        let start = at + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            at = find(start + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            // `<!doctype>`, `<?xml>`, a stray `<`.
            at = start + 1;
            continue;
        }
        let name = text[name_start..name_start + name_len].to_ascii_lowercase();
        // The end of the tag, past quoted attribute values.
        let mut end = name_start + name_len;
        let mut quote = None;
        while end < bytes.len() {
            match (quote, bytes[end]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), b) if b == q => quote = None,
                _ => {}
            }
            end += 1;
        }
        let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
        // Past the `>`, or at the end of a page whose last tag is never closed.
        at = (end + 1).min(bytes.len());
        let counted = !VOID.contains(&name.as_str())
            && !OPTIONAL_END.contains(&name.as_str())
            && !RAW_TEXT.contains(&name.as_str());
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
        } else if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            at = find(at, close.as_bytes()).unwrap_or(bytes.len());
        } else if counted && !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("the selectors in this file are valid CSS")
}

fn first<'a>(html: &'a Html, css: &str) -> Option<ElementRef<'a>> {
    html.select(&selector(css)).next()
}

/// An element's text, white space collapsed.
fn element_text(element: ElementRef<'_>) -> String {
    collapse_spaces(&element.text().collect::<String>())
}

/// Elements nested deeper than this are read as plain text (their descendants' text, without
/// their headings and paragraphs), so that a page of a hundred thousand nested `<div>`s
/// cannot exhaust the stack of the recursive walk.
pub const MAX_HTML_DEPTH: usize = 256;

/// Collects sections, paragraphs and list items from the element tree.
#[derive(Default)]
struct Walker {
    sections: Vec<Section>,
    current: Section,
    paragraph: String,
    /// The lists open around the walk: the number the next item of each takes (`None` for
    /// `<ul>`).
    lists: Vec<Option<u32>>,
    /// Indexes, in `current.blocks`, of the items open, innermost last.
    items: Vec<usize>,
}

impl Walker {
    fn walk(&mut self, element: ElementRef<'_>, depth: usize) {
        if depth >= MAX_HTML_DEPTH {
            // `text()` walks the descendants with a loop, not recursion.
            for text in element.text() {
                self.push_text(text);
            }
            return;
        }
        let depth = depth + 1;
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.push_text(text),
                Node::Element(_) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = child.value().name();
                    if DROPPED.contains(&name) {
                        continue;
                    }
                    if let Some(level) = heading_level(name) {
                        self.start_section(level, element_text(child));
                    } else if name == "br" {
                        self.paragraph.push('\n');
                    } else if matches!(name, "ul" | "ol" | "menu") {
                        self.end_paragraph();
                        let start = child
                            .value()
                            .attr("start")
                            .and_then(|s| s.trim().parse::<u32>().ok());
                        self.lists.push((name == "ol").then(|| start.unwrap_or(1)));
                        self.walk(child, depth);
                        self.end_paragraph();
                        self.lists.pop();
                    } else if name == "li" {
                        self.start_item(child.value().attr("value"));
                        self.walk(child, depth);
                        self.end_paragraph();
                        self.items.pop();
                    } else if BLOCKS.contains(&name) {
                        self.end_paragraph();
                        self.walk(child, depth);
                        self.end_paragraph();
                    } else if matches!(name, "td" | "th") {
                        self.walk(child, depth);
                        self.push_text(" ");
                    } else {
                        self.walk(child, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// Opens an item of the innermost list (an `<li>` outside any list is a bullet).
    fn start_item(&mut self, value: Option<&str>) {
        self.end_paragraph();
        let depth = u8::try_from(self.lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
        let number = match self.lists.last_mut() {
            Some(Some(next)) => {
                let n = value.and_then(|v| v.trim().parse().ok()).unwrap_or(*next);
                *next = n.saturating_add(1);
                Some(n)
            }
            _ => None,
        };
        self.current.blocks.push(Block::item("", depth, number));
        self.items.push(self.current.blocks.len() - 1);
    }

    /// Appends text, runs of white space as one space.
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                if !self.paragraph.is_empty() && !self.paragraph.ends_with([' ', '\n']) {
                    self.paragraph.push(' ');
                }
            } else {
                self.paragraph.push(c);
            }
        }
    }

    /// Ends the paragraph being read: into the innermost open item, or as a paragraph.
    fn end_paragraph(&mut self) {
        let paragraph = std::mem::take(&mut self.paragraph);
        let paragraph = paragraph
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if paragraph.is_empty() {
            return;
        }
        crate::blocks::add_paragraph(
            &mut self.current.blocks,
            self.items.last().copied(),
            paragraph,
            None,
        );
    }

    fn start_section(&mut self, level: u8, heading: String) {
        self.end_section();
        self.current = Section {
            heading: Some(heading).filter(|h| !h.is_empty()),
            level,
            ..Section::default()
        };
    }

    fn end_section(&mut self) {
        self.end_paragraph();
        self.items.clear();
        let mut section = std::mem::take(&mut self.current);
        section.blocks.retain(|b| !b.text.trim().is_empty());
        if section.heading.is_none() {
            section.level = 0;
        }
        if section.heading.is_some() || !section.blocks.is_empty() {
            self.sections.push(section);
        }
    }

    fn finish(mut self) -> Vec<Section> {
        self.end_section();
        self.sections
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html lang="es-PE"><head><title>Perfil del   GORE</title>
<meta name="keywords" content="innovación, articulación">
<meta name="author" content="Equipo Minga">
<meta name="dc.date" content="2023-01-26">
<style>body { color: red }</style><script>var x = "no";</script></head>
<body><nav><a href="/">Inicio</a></nav><header>Cabecera</header>
<main>
<h1>Gobierno Regional</h1>
<p>El   gobierno regional <b>articula</b>
los actores.</p>
<ul><li>Uno</li><li>Dos <em>tres</em></li></ul>
<h2>Lecciones</h2><p>Texto final.<br>Segunda línea.</p>
<noscript>activa js</noscript>
</main>
<footer>Pie</footer></body></html>"#;

    #[test]
    fn main_text_sections_and_metadata() {
        let extracted = read(PAGE, "x.html").unwrap();
        let draft = &extracted.drafts[0];
        assert_eq!(draft.meta.text(Field::Title), Some("Perfil del GORE"));
        assert_eq!(draft.meta.text(Field::Lang), Some("es-PE"));
        assert_eq!(draft.meta.text(Field::Date), Some("2023-01-26"));
        assert_eq!(
            draft.meta.list(Field::Topics).unwrap(),
            ["innovación", "articulación"]
        );
        assert_eq!(draft.meta.list(Field::Authors).unwrap(), ["Equipo Minga"]);
        let s = &draft.sections;
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!(s[0].heading.as_deref(), Some("Gobierno Regional"));
        assert_eq!(s[0].level, 1);
        assert_eq!(
            s[0].text(),
            "El gobierno regional articula los actores.\n\n- Uno\n- Dos tres"
        );
        assert_eq!(s[1].heading.as_deref(), Some("Lecciones"));
        assert_eq!(s[1].text(), "Texto final.\nSegunda línea.");
        assert_eq!(draft.title_hint.as_deref(), Some("Gobierno Regional"));
        let all = format!("{s:?}");
        for gone in ["Inicio", "Cabecera", "Pie", "color", "var x", "activa js"] {
            assert!(!all.contains(gone), "{gone} leaked: {all}");
        }
    }

    #[test]
    fn nesting_is_estimated_from_the_tags() {
        assert_eq!(
            nesting_depth("<html><body><div><p>a<p>b<br><img src=x></div></body></html>"),
            1
        );
        assert_eq!(
            nesting_depth(
                "<div><!-- <div><div> --><script>if (a<b) '<div>'</script><span a='>'>x</span></div>"
            ),
            2
        );
        assert_eq!(
            nesting_depth("<ul><li>a<li>b</ul><table><tr><td>x</table>"),
            1
        );
        // A last tag never closed ends the scan (it once sliced past the end and panicked).
        assert_eq!(nesting_depth("<div><p>hola</p><div"), 2);
        assert_eq!(nesting_depth("<p>hola <a href='x>"), 1);
        let page = read("<h1>Informe</h1><p>Texto de la lección</p><div", "g.htm").unwrap();
        assert!(format!("{page:?}").contains("Texto de la lección"));
        let deep = format!("{}x{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
        assert_eq!(nesting_depth(&deep), 50_000);
        let problem = read(&deep, "hondo.html").unwrap_err();
        assert!(problem.reason.contains("nested"), "{problem}");
        assert!(
            read(
                &format!(
                    "<body>{}hola{}</body>",
                    "<div>".repeat(300),
                    "</div>".repeat(300)
                ),
                "x.html"
            )
            .is_ok()
        );
    }

    #[test]
    fn body_without_main() {
        let extracted = read("<p>Hola <i>mundo</i></p><p>Chau</p>", "x.html").unwrap();
        let s = &extracted.drafts[0].sections;
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].heading, None);
        assert_eq!(s[0].text(), "Hola mundo\n\nChau");
    }

    #[test]
    fn lists_keep_their_items_numbers_and_depth() {
        let page = "<h2>Lecciones aprendidas</h2><p>Dos:</p><ol start=\"3\"><li><p>Primera.</p>\
                    <p>Su detalle.</p><ul><li>Un punto</li></ul></li><li>Segunda</li></ol>";
        let extracted = read(page, "x.html").unwrap();
        let blocks = &extracted.drafts[0].sections[0].blocks;
        assert_eq!(
            crate::blocks::shapes(blocks),
            [
                ("Dos:", None),
                ("Primera.\n\nSu detalle.", Some((0, Some(3)))),
                ("Un punto", Some((1, None))),
                ("Segunda", Some((0, Some(4)))),
            ]
        );
    }
}
