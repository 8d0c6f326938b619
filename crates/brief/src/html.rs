//! The HTML form: one self-contained file (inline style sheet, no script, no external
//! resource) that reads well on screen and prints cleanly on A4. Everything from the corpus
//! is escaped.

use std::fmt::Write;

use crate::describe::{
    citation, inline_location, lesson_facts, location, scope_rows, source_facts,
};
use crate::labels::labels;
use crate::model::{Brief, Lesson, Source};
use crate::text::{html as esc, paragraphs};

/// The style sheet: system fonts, one accent colour, an A4 page with margins for binding
/// and headings kept with what follows them.
const STYLE: &str = r#"@page { size: A4; margin: 20mm 18mm 22mm 18mm; }
:root { color: #1c2321; background: #fff; font-family: "Noto Serif", "DejaVu Serif", Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.5; }
body { max-width: 44rem; margin: 2.5rem auto; padding: 0 1.5rem; }
h1, h2, h3, .scope, .note, .lesson-title, .facts, .sources { font-family: "Noto Sans", "DejaVu Sans", system-ui, "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 0.8rem; color: #0d5c4c; }
h2 { font-size: 14.5pt; color: #0d5c4c; margin: 1.8rem 0 0.5rem; padding-bottom: 0.15rem; border-bottom: 1px solid #c4ddd5; break-after: avoid; }
h3 { font-size: 9.5pt; text-transform: uppercase; letter-spacing: 0.06em; color: #5b6662; margin: 1.3rem 0 0.6rem; break-after: avoid; }
p { orphans: 3; widows: 3; }
.scope { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0; padding: 0.6rem 0; border-top: 2px solid #0d5c4c; border-bottom: 1px solid #dfe4e1; font-size: 9.5pt; }
.scope dt { font-weight: 700; color: #5b6662; }
.scope dd { margin: 0; }
.note { font-size: 9pt; color: #5b6662; margin: 0.5rem 0 0; }
.empty { font-style: italic; }
.lesson { margin: 0 0 1.1rem; break-inside: avoid; }
.lesson-title { font-weight: 700; font-size: 10.5pt; margin: 0 0 0.3rem; }
blockquote { margin: 0; padding: 0.05rem 0 0.05rem 0.9rem; border-left: 3px solid #c4ddd5; }
blockquote p { margin: 0.3rem 0; }
.part { font-style: italic; color: #5b6662; }
.cite { font-family: "Noto Sans", "DejaVu Sans", system-ui, sans-serif; font-size: 0.85em; color: #0d5c4c; text-decoration: none; white-space: nowrap; }
.facts { font-size: 8.5pt; color: #5b6662; margin: 0.3rem 0 0 0.9rem; }
.sources { margin-top: 2.2rem; }
.sources > p { font-size: 9pt; color: #5b6662; margin: 0 0 0.6rem; }
.sources ol { padding-left: 1.8rem; margin: 0; font-size: 9.5pt; }
.sources li { margin: 0 0 0.6rem; break-inside: avoid; }
.sources ul { list-style: none; padding: 0; margin: 0.1rem 0 0; color: #5b6662; font-size: 8.5pt; }
.sources ul li { margin: 0.05rem 0 0; }
code { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 0.92em; overflow-wrap: anywhere; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; }
  h2 { break-after: avoid-page; }
}
"#;

pub(crate) fn render(brief: &Brief) -> String {
    let l = labels(brief.lang);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Minga\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n\
         </head>\n<body>\n<header>\n<h1>{}</h1>\n<dl class=\"scope\" aria-label=\"{}\">\n",
        brief.lang.code(),
        esc(&brief.title),
        esc(&brief.title),
        l.scope,
    );
    for (label, text) in scope_rows(brief, l) {
        let _ = writeln!(out, "<dt>{label}</dt><dd>{}</dd>", esc(&text));
    }
    let _ = writeln!(
        out,
        "</dl>\n<p class=\"note\">{}</p>\n</header>\n<main>",
        l.note
    );

    if brief.lessons.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", l.no_lessons);
    }
    for group in brief.groups() {
        let _ = writeln!(
            out,
            "<section class=\"region\">\n<h2>{}</h2>",
            esc(group.region.unwrap_or(l.no_region))
        );
        for institution in &group.institutions {
            let name = institution.institution.unwrap_or(l.no_institution);
            let _ = writeln!(out, "<h3>{}</h3>", esc(name));
            for lesson in &institution.lessons {
                write_lesson(&mut out, lesson, brief);
            }
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(out, "</main>");

    if !brief.sources.is_empty() {
        let _ = writeln!(
            out,
            "<footer class=\"sources\">\n<h2>{}</h2>\n<p>{}</p>\n<ol>",
            l.sources, l.sources_note
        );
        for source in &brief.sources {
            write_source(&mut out, source, brief);
        }
        let _ = writeln!(out, "</ol>\n</footer>");
    }
    let _ = writeln!(out, "</body>\n</html>");
    out
}

fn write_lesson(out: &mut String, lesson: &Lesson, brief: &Brief) {
    let l = labels(brief.lang);
    let lang = if lesson.lang == brief.lang {
        String::new()
    } else {
        format!(" lang=\"{}\"", lesson.lang.code())
    };
    let _ = writeln!(out, "<article class=\"lesson\" id=\"{}\">", esc(&lesson.id));
    if let Some(title) = &lesson.title {
        let _ = writeln!(out, "<p class=\"lesson-title\"{lang}>{}</p>", esc(title));
    }
    let mut quoted: Vec<String> = paragraphs(&lesson.lesson).iter().map(|p| esc(p)).collect();
    for (label, part) in [
        (l.context, &lesson.context),
        (l.recommendation, &lesson.recommendation),
    ] {
        let Some(part) = part else { continue };
        for (i, paragraph) in paragraphs(part).iter().enumerate() {
            if i == 0 {
                quoted.push(format!(
                    "<span class=\"part\" lang=\"{}\">{label}:</span> {}",
                    brief.lang.code(),
                    esc(paragraph)
                ));
            } else {
                quoted.push(esc(paragraph));
            }
        }
    }
    if let Some(last) = quoted.last_mut() {
        let _ = write!(
            last,
            " <a class=\"cite\" href=\"#source-{}\">{}</a>",
            lesson.citation,
            esc(&citation(lesson, l))
        );
    }
    let _ = writeln!(out, "<blockquote{lang}>");
    for paragraph in quoted {
        let _ = writeln!(out, "<p>{paragraph}</p>");
    }
    let _ = writeln!(out, "</blockquote>");
    let facts = lesson_facts(lesson, l);
    if !facts.is_empty() {
        let facts: Vec<String> = facts.iter().map(|f| esc(f)).collect();
        let _ = writeln!(out, "<p class=\"facts\">{}</p>", facts.join(" · "));
    }
    let _ = writeln!(out, "</article>");
}

fn write_source(out: &mut String, source: &Source, brief: &Brief) {
    let l = labels(brief.lang);
    let _ = write!(
        out,
        "<li id=\"source-{n}\" value=\"{n}\"><strong>{}</strong>",
        esc(&source.title),
        n = source.number
    );
    let facts = source_facts(source, l);
    if !facts.is_empty() {
        let facts: Vec<String> = facts.iter().map(|f| esc(f)).collect();
        let _ = write!(out, " — {}.", facts.join(". "));
    }
    let _ = write!(
        out,
        "\n<ul>\n<li>{}: <code>{}</code>",
        l.file,
        esc(&source.path)
    );
    let inline = inline_location(source, l);
    if let Some(place) = &inline {
        let _ = write!(out, ", {}", esc(place));
    }
    let _ = writeln!(out, " ({} <code>{}</code>)</li>", l.id, esc(&source.id));
    if inline.is_none() {
        for cited in &source.cited {
            let place = location(cited, l);
            let place = if place.is_empty() {
                String::new()
            } else {
                format!("{} — ", esc(&place))
            };
            let _ = writeln!(out, "<li>{place}<code>{}</code></li>", esc(&cited.lesson));
        }
    }
    let _ = writeln!(out, "</ul>\n</li>");
}

#[cfg(test)]
mod tests {
    use minga_core::Lang;

    use crate::sample;

    #[test]
    fn markup_in_lessons_comes_out_escaped_and_there_is_no_script() {
        let html = super::render(&sample::brief(Lang::Es));
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains(" src=") && !html.contains("<link"), "{html}");
        assert!(html.contains("Mesa de *trabajo* en Concepción"));
    }

    #[test]
    fn it_is_one_printable_a4_file_with_citations_linked_to_sources() {
        let html = super::render(&sample::brief(Lang::Es));
        assert!(html.starts_with("<!doctype html>\n<html lang=\"es\">"));
        assert!(html.contains("@page { size: A4;"));
        assert!(html.contains("<a class=\"cite\" href=\"#source-2\">[2, p. 21]</a>"));
        assert!(html.contains("<li id=\"source-2\" value=\"2\">"));
        assert!(html.trim_end().ends_with("</html>"));
        // A lesson in another language than the labels says so.
        assert!(html.contains("<blockquote lang=\"en\">"));
    }

    #[test]
    fn english_labels() {
        let html = super::render(&sample::brief(Lang::En));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("<h2>Sources</h2>"));
        assert!(html.contains("<h2>No region</h2>"));
        assert!(html.contains("Context:</span>"));
    }
}
