//! The Markdown form: ready to paste into a document.
//!
//! ```text
//! # Title
//! - **Consulta:** …              (the scope block, then a note on how lessons are grouped)
//! ## Región
//! ### Institución
//! **Lesson title**
//! > The lesson. / *Contexto:* … / *Recomendación:* … [1]
//! *date · event · place · other regions and institutions*
//! ## Fuentes
//! 1. **Source title** — kind, date. Institutions. Authors.
//!    - Archivo: `path` (id `doc`)
//!    - § section, línea 67 — `doc:l1`
//! ```
//!
//! Text from the corpus is escaped so that it reads as written.

use std::fmt::Write;

use crate::describe::{
    citation, inline_location, lesson_facts, location, scope_rows, source_facts,
};
use crate::labels::labels;
use crate::model::{Brief, Lesson, Source};
use crate::text::{markdown as md, markdown_code as code, paragraphs};

pub(crate) fn render(brief: &Brief) -> String {
    let l = labels(brief.lang);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(&brief.title));
    for (label, text) in scope_rows(brief, l) {
        let _ = writeln!(out, "- **{label}:** {}", md(&text));
    }
    let _ = writeln!(out, "\n{}", l.note);

    if brief.lessons.is_empty() {
        let _ = writeln!(out, "\n{}", l.no_lessons);
    }
    for group in brief.groups() {
        let _ = writeln!(out, "\n## {}", md(group.region.unwrap_or(l.no_region)));
        for institution in &group.institutions {
            let name = institution.institution.unwrap_or(l.no_institution);
            let _ = writeln!(out, "\n### {}", md(name));
            for lesson in &institution.lessons {
                out.push('\n');
                write_lesson(&mut out, lesson, brief);
            }
        }
    }

    if !brief.sources.is_empty() {
        let _ = writeln!(out, "\n## {}\n\n{}\n", l.sources, l.sources_note);
        for source in &brief.sources {
            write_source(&mut out, source, brief);
        }
    }
    out
}

fn write_lesson(out: &mut String, lesson: &Lesson, brief: &Brief) {
    let l = labels(brief.lang);
    if let Some(title) = &lesson.title {
        let _ = writeln!(out, "**{}**\n", md(title));
    }
    let mut quoted: Vec<String> = paragraphs(&lesson.lesson).iter().map(|p| md(p)).collect();
    for (label, part) in [
        (l.context, &lesson.context),
        (l.recommendation, &lesson.recommendation),
    ] {
        let Some(part) = part else { continue };
        for (i, paragraph) in paragraphs(part).iter().enumerate() {
            if i == 0 {
                quoted.push(format!("*{label}:* {}", md(paragraph)));
            } else {
                quoted.push(md(paragraph));
            }
        }
    }
    if let Some(last) = quoted.last_mut() {
        let _ = write!(last, " {}", citation(lesson, l));
    }
    let _ = writeln!(out, "> {}", quoted.join("\n>\n> "));
    let facts = lesson_facts(lesson, l);
    if !facts.is_empty() {
        let facts: Vec<String> = facts.iter().map(|f| md(f)).collect();
        let _ = writeln!(out, "\n*{}*", facts.join(" · "));
    }
}

fn write_source(out: &mut String, source: &Source, brief: &Brief) {
    let l = labels(brief.lang);
    let mut line = format!("{}. **{}**", source.number, md(&source.title));
    let facts = source_facts(source, l);
    if !facts.is_empty() {
        let facts: Vec<String> = facts.iter().map(|f| md(f)).collect();
        let _ = write!(line, " — {}.", facts.join(". "));
    }
    let _ = writeln!(out, "{line}");
    let indent = " ".repeat(source.number.to_string().len() + 2);
    let mut file = format!("{}: {}", l.file, code(&source.path));
    if let Some(place) = inline_location(source, l) {
        let _ = write!(file, ", {}", md(&place));
    }
    let _ = writeln!(out, "{indent}- {file} ({} {})", l.id, code(&source.id));
    if inline_location(source, l).is_none() {
        for cited in &source.cited {
            let place = location(cited, l);
            let place = if place.is_empty() {
                String::new()
            } else {
                format!("{} — ", md(&place))
            };
            let _ = writeln!(out, "{indent}- {place}{}", code(&cited.lesson));
        }
    }
}

#[cfg(test)]
mod tests {
    use minga_core::Lang;

    use crate::sample;

    #[test]
    fn headings_follow_region_then_institution_then_sources() {
        let md = super::render(&sample::brief(Lang::Es));
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings,
            [
                "# Lecciones aprendidas: articulación — Biobío",
                "## Biobío",
                "### CDPR Biobío",
                "## Sin región",
                "### GIZ",
                "## Fuentes",
            ]
        );
    }

    #[test]
    fn quotes_are_blockquotes_ending_in_their_citation() {
        let md = super::render(&sample::brief(Lang::Es));
        assert!(md.contains(
            "> La articulación dura con un mandato \\<script\\>alert(\"x\")\\</script\\> y una \
             secretaría, \"formal\".\n>\n> *Contexto:* Las mesas sin mandato se disolvían.\n>\n\
             > Segundo párrafo, con coma.\n>\n> *Recomendación:* Formalizar el mandato. [1]\n"
        ));
        assert!(md.contains("> Un tablero común reduce la discusión sobre cifras. [2, p. 21]\n"));
        assert!(md.contains("1. **Mesa de \\*trabajo\\* en Concepción** — nota de sesión"));
        assert!(md.contains("   - Archivo: `lecciones.jsonl`, línea 3 (id `lec-9`)\n"));
    }

    #[test]
    fn english_labels_and_an_empty_brief() {
        let mut brief = sample::brief(Lang::En);
        let md = super::render(&brief);
        assert!(md.starts_with("# Lessons learned: articulación — Biobío\n"));
        assert!(md.contains("- **Filters:** region: biobio; language: Spanish\n"));
        assert!(md.contains("## No region"));
        brief.lessons.clear();
        brief.sources.clear();
        let md = super::render(&brief);
        assert!(md.contains("No lesson matches this search."));
        assert!(!md.contains("## Sources"));
    }
}
