//! HTML: the main content's text, sections at `<h1>`–`<h6>`, metadata from `<title>`,
//! `<meta>` and `<html lang>`.

use minga_core::Section;
use scraper::{ElementRef, Html, Node, Selector};

use crate::draft::{Draft, Extracted, join_paragraphs};
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
    "ul",
    "ol",
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

/// Reads an HTML page.
pub(crate) fn read(text: &str) -> Extracted {
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
            _ => {}
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
    walker.walk(root);
    draft.sections = walker.finish();
    if draft.sections.is_empty()
        && let Some(description) = description
    {
        draft.sections.push(Section {
            text: description,
            ..Section::default()
        });
    }
    draft.title_hint = draft
        .sections
        .iter()
        .find(|s| s.level == 1)
        .and_then(|s| s.heading.clone());
    Extracted::single(draft)
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

/// Collects sections and paragraphs from the element tree.
#[derive(Default)]
struct Walker {
    sections: Vec<Section>,
    current: Section,
    paragraphs: Vec<String>,
    paragraph: String,
}

impl Walker {
    fn walk(&mut self, element: ElementRef<'_>) {
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
                    } else if name == "li" {
                        self.end_paragraph();
                        self.paragraph.push_str("- ");
                        self.walk(child);
                        self.end_paragraph();
                    } else if BLOCKS.contains(&name) {
                        self.end_paragraph();
                        self.walk(child);
                        self.end_paragraph();
                    } else if matches!(name, "td" | "th") {
                        self.walk(child);
                        self.push_text(" ");
                    } else {
                        self.walk(child);
                    }
                }
                _ => {}
            }
        }
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

    fn end_paragraph(&mut self) {
        let paragraph = std::mem::take(&mut self.paragraph);
        let paragraph = paragraph
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !paragraph.is_empty() && paragraph != "-" {
            self.paragraphs.push(paragraph);
        }
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
        let mut section = std::mem::take(&mut self.current);
        section.text = join_paragraphs(self.paragraphs.iter().map(String::as_str));
        self.paragraphs.clear();
        if section.heading.is_none() {
            section.level = 0;
        }
        if section.heading.is_some() || !section.text.is_empty() {
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
        let extracted = read(PAGE);
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
            s[0].text,
            "El gobierno regional articula los actores.\n\n- Uno\n\n- Dos tres"
        );
        assert_eq!(s[1].heading.as_deref(), Some("Lecciones"));
        assert_eq!(s[1].text, "Texto final.\nSegunda línea.");
        assert_eq!(draft.title_hint.as_deref(), Some("Gobierno Regional"));
        let all = format!("{s:?}");
        for gone in ["Inicio", "Cabecera", "Pie", "color", "var x", "activa js"] {
            assert!(!all.contains(gone), "{gone} leaked: {all}");
        }
    }

    #[test]
    fn body_without_main() {
        let extracted = read("<p>Hola <i>mundo</i></p><p>Chau</p>");
        let s = &extracted.drafts[0].sections;
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].heading, None);
        assert_eq!(s[0].text, "Hola mundo\n\nChau");
    }
}
