//! Finding lessons learned inside documents, and their parts (lesson, context,
//! recommendation).
//!
//! A section headed "Lecciones aprendidas" (or "Lessons learned", "Aprendizajes"…) opens a
//! lessons block: the section and its deeper subsections. Either each subsection is a lesson
//! (its heading the lesson's title), or, without subsections, each top-level bullet is one.
//! Inside a lesson, lines labelled `Contexto:`, `Lección:`, `Recomendación:` (or `Context:`,
//! `Lesson:`, `Recommendation:`, `Aprendizaje:`; bold or not) fill the parts.

use minga_core::{LessonParts, Section, fold};

use crate::draft::join_paragraphs;
use crate::markdown::bullet_prefix;

/// Headings that open a lessons block, folded.
const LESSONS_HEADINGS: &[&str] = &[
    "lecciones aprendidas",
    "lecciones",
    "aprendizajes",
    "lessons learned",
    "lessons",
    "leccion aprendida",
    "lesson learned",
    "principales lecciones aprendidas",
    "principales aprendizajes",
    "key lessons",
    "key lessons learned",
];

/// Phrases that open a lessons block when a heading starts with them.
const LESSONS_PREFIXES: &[&str] = &[
    "lecciones aprendidas",
    "lessons learned",
    "leccion aprendida",
    "lesson learned",
    "aprendizajes",
];

/// Longest label before the colon, in characters.
const MAX_LABEL_CHARS: usize = 40;

/// A part of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Lesson,
    Context,
    Recommendation,
}

impl Part {
    /// The heading a lesson record's part section carries, in the document's language.
    pub(crate) fn heading(self, lang: minga_core::Lang) -> &'static str {
        match (self, lang) {
            (Part::Lesson, minga_core::Lang::Es) => "Lección",
            (Part::Context, minga_core::Lang::Es) => "Contexto",
            (Part::Recommendation, minga_core::Lang::Es) => "Recomendación",
            (Part::Lesson, minga_core::Lang::En) => "Lesson",
            (Part::Context, minga_core::Lang::En) => "Context",
            (Part::Recommendation, minga_core::Lang::En) => "Recommendation",
        }
    }
}

/// The words of a heading or label: folded, numbering and punctuation dropped.
fn words(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let skip = words
        .iter()
        .take_while(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || (w.len() <= 4 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x')))
        })
        .count();
    words[skip..].join(" ")
}

/// Whether a heading opens a lessons block.
pub(crate) fn is_lessons_heading(heading: &str) -> bool {
    let words = words(heading);
    LESSONS_HEADINGS.contains(&words.as_str())
        || LESSONS_PREFIXES
            .iter()
            .any(|p| words.starts_with(p) && words[p.len()..].starts_with(' '))
}

/// The part a label (`Contexto`) or a part heading names.
pub(crate) fn part_of(label: &str) -> Option<Part> {
    match words(label).as_str() {
        "leccion" | "leccion aprendida" | "lesson" | "lesson learned" | "aprendizaje"
        | "learning" => Some(Part::Lesson),
        "contexto" | "context" | "situacion" | "situation" | "antecedentes" | "background" => {
            Some(Part::Context)
        }
        "recomendacion" | "recomendaciones" | "recommendation" | "recommendations" => {
            Some(Part::Recommendation)
        }
        _ => None,
    }
}

/// A labelled line: its part and the text after the label.
fn label(line: &str) -> Option<(Part, &str)> {
    let rest = match bullet_prefix(line) {
        Some(prefix) => &line[prefix.len()..],
        None => line.trim_start(),
    };
    let rest = rest.trim_start_matches(['*', '_']);
    let colon = rest.find(':')?;
    if rest[..colon].chars().count() > MAX_LABEL_CHARS {
        return None;
    }
    let part = part_of(&rest[..colon].replace(['*', '_'], ""))?;
    let after = rest[colon + 1..].trim_start_matches(['*', '_']).trim();
    Some((part, after))
}

/// A lesson's text split into parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Labelled {
    /// The whole text, labels removed, pieces in source order separated by blank lines.
    pub text: String,
    pub parts: LessonParts,
    /// Whether any line carried a label.
    pub labelled: bool,
}

/// Splits text at labelled lines. Unlabelled text counts as the lesson; a label alone on its
/// line takes the paragraph that follows.
pub(crate) fn parse_labelled(text: &str) -> Labelled {
    let mut segments: Vec<(Option<Part>, Vec<&str>)> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            // A label alone on its line keeps its part open across the blank line.
            let waiting = matches!(segments.last(), Some((Some(_), lines)) if lines.is_empty());
            open = open && waiting;
            continue;
        }
        if let Some((part, after)) = label(line) {
            segments.push((Some(part), Vec::new()));
            if !after.is_empty()
                && let Some((_, lines)) = segments.last_mut()
            {
                lines.push(after);
            }
            open = true;
            continue;
        }
        match segments.last_mut() {
            Some((_, lines)) if open => lines.push(line.trim()),
            _ => {
                segments.push((None, vec![line.trim()]));
                open = true;
            }
        }
    }

    let join = |want: &dyn Fn(Option<Part>) -> bool| {
        let pieces: Vec<String> = segments
            .iter()
            .filter(|(part, _)| want(*part))
            .map(|(_, lines)| lines.join("\n"))
            .collect();
        join_paragraphs(pieces.iter().map(String::as_str))
    };
    let optional = |s: String| Some(s).filter(|s| !s.is_empty());
    Labelled {
        text: join(&|_| true),
        parts: LessonParts {
            lesson: join(&|p| matches!(p, None | Some(Part::Lesson))),
            context: optional(join(&|p| p == Some(Part::Context))),
            recommendation: optional(join(&|p| p == Some(Part::Recommendation))),
        },
        labelled: segments.iter().any(|(part, _)| part.is_some()),
    }
}

/// A lesson found in a lessons block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lesson {
    /// Its title: the subsection's heading, or the block's for bullet lessons.
    pub heading: Option<String>,
    pub text: String,
    pub parts: LessonParts,
    /// Index, within the block, of the section it comes from.
    pub section: usize,
}

/// What a lessons block holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Block {
    pub lessons: Vec<Lesson>,
    /// Text of the block that is no lesson (an introduction), with its section index.
    pub leftover: Vec<(usize, String)>,
}

/// The lessons of a block (`block[0]` is the section with the lessons heading, the rest its
/// subsections); `None` when none can be recognised.
pub(crate) fn extract(block: &[Section]) -> Option<Block> {
    let (head, subsections) = block.split_first()?;
    let mut found = Block::default();
    if let Some(level) = subsections.iter().map(|s| s.level).min() {
        for (i, section) in subsections.iter().enumerate() {
            if section.level == level || found.lessons.is_empty() {
                found.lessons.push(Lesson {
                    heading: section.heading.clone(),
                    text: section.text.clone(),
                    parts: LessonParts::default(),
                    section: i + 1,
                });
            } else if let Some(last) = found.lessons.last_mut() {
                let deeper = [section.heading.as_deref().unwrap_or(""), &section.text];
                last.text = join_paragraphs([last.text.as_str()].into_iter().chain(deeper));
            }
        }
        for lesson in &mut found.lessons {
            let labelled = parse_labelled(&lesson.text);
            lesson.text = labelled.text;
            lesson.parts = labelled.parts;
            let title = lesson.heading.clone().unwrap_or_default();
            if lesson.parts.lesson.is_empty() {
                lesson.parts.lesson = title.clone();
            }
            if lesson.text.is_empty() {
                lesson.text = title;
            }
        }
        found
            .lessons
            .retain(|l| l.text.chars().any(char::is_alphabetic));
        if !head.text.trim().is_empty() {
            found.leftover.push((0, head.text.clone()));
        }
    } else {
        let (items, leftover) = bullet_items(&head.text);
        for item in items {
            let labelled = parse_labelled(&item);
            let parts = if labelled.labelled {
                labelled.parts
            } else {
                LessonParts {
                    lesson: labelled.text.clone(),
                    ..LessonParts::default()
                }
            };
            found.lessons.push(Lesson {
                heading: head.heading.clone(),
                text: labelled.text,
                parts,
                section: 0,
            });
        }
        if found.lessons.is_empty() {
            let labelled = parse_labelled(&head.text);
            if !labelled.labelled {
                return None;
            }
            found.lessons.push(Lesson {
                heading: head.heading.clone(),
                text: labelled.text,
                parts: labelled.parts,
                section: 0,
            });
        } else if !leftover.is_empty() {
            found.leftover.push((0, leftover));
        }
        found
            .lessons
            .retain(|l| l.text.chars().any(char::is_alphabetic));
    }
    (!found.lessons.is_empty()).then_some(found)
}

/// Top-level bullet items (with their continuation lines, bullets removed) and the text
/// outside them.
fn bullet_items(text: &str) -> (Vec<String>, String) {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let Some(top) = text
        .lines()
        .filter(|l| bullet_prefix(l).is_some())
        .map(indent)
        .min()
    else {
        return (Vec::new(), text.to_string());
    };
    let mut items: Vec<Vec<String>> = Vec::new();
    let mut leftover: Vec<&str> = Vec::new();
    let mut in_item = false;
    let mut after_blank = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            after_blank = true;
            if !in_item {
                leftover.push("");
            }
            continue;
        }
        match bullet_prefix(line) {
            Some(prefix) if indent(line) <= top + 1 => {
                items.push(vec![line[prefix.len()..].trim_end().to_string()]);
                in_item = true;
            }
            _ if in_item && (!after_blank || indent(line) > top) => {
                if let Some(item) = items.last_mut() {
                    if after_blank {
                        item.push(String::new());
                    }
                    item.push(line.trim().to_string());
                }
            }
            _ => {
                in_item = false;
                leftover.push(line);
            }
        }
        after_blank = false;
    }
    let items = items.into_iter().map(|lines| lines.join("\n")).collect();
    (items, crate::draft::tidy_text(&leftover.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(heading: &str, level: u8, text: &str) -> Section {
        Section {
            heading: Some(heading.to_string()),
            level,
            text: text.to_string(),
            ..Section::default()
        }
    }

    #[test]
    fn lessons_headings() {
        for h in [
            "Lecciones aprendidas",
            "3. Lecciones aprendidas:",
            "LESSONS LEARNED",
            "Aprendizajes",
            "Lecciones aprendidas del taller",
            "IV. Lessons",
        ] {
            assert!(is_lessons_heading(h), "{h}");
        }
        for h in [
            "Lecciones de vida",
            "Contexto",
            "Lessonsx",
            "Aprendizaje organizacional",
        ] {
            assert!(!is_lessons_heading(h), "{h}");
        }
    }

    #[test]
    fn labels_fill_parts_in_source_order() {
        let text = "- **Contexto:** El GORE no tenía equipo.\n- **Lección:** Sin equipo no hay \
                    continuidad.\n- Recomendación: Formar un equipo estable.";
        let l = parse_labelled(text);
        assert!(l.labelled);
        assert_eq!(l.parts.context.as_deref(), Some("El GORE no tenía equipo."));
        assert_eq!(l.parts.lesson, "Sin equipo no hay continuidad.");
        assert_eq!(
            l.parts.recommendation.as_deref(),
            Some("Formar un equipo estable.")
        );
        assert_eq!(
            l.text,
            "El GORE no tenía equipo.\n\nSin equipo no hay continuidad.\n\nFormar un equipo estable."
        );

        let l = parse_labelled("Context:\n\nThe region had no team.\n\nA free paragraph.");
        assert_eq!(l.parts.context.as_deref(), Some("The region had no team."));
        assert_eq!(l.parts.lesson, "A free paragraph.");
    }

    #[test]
    fn subsections_are_lessons() {
        let block = [
            section("Lecciones aprendidas", 2, "Del taller salieron dos."),
            section(
                "Articular con municipios",
                3,
                "Contexto: Los municipios no participaban.\nRecomendación: Invitarlos desde el inicio.",
            ),
            section("Medir desde el inicio", 3, ""),
            section("Detalle", 4, "Un indicador de línea de base."),
        ];
        let found = extract(&block).unwrap();
        assert_eq!(found.lessons.len(), 2);
        let first = &found.lessons[0];
        assert_eq!(first.heading.as_deref(), Some("Articular con municipios"));
        assert_eq!(first.parts.lesson, "Articular con municipios");
        assert_eq!(
            first.parts.context.as_deref(),
            Some("Los municipios no participaban.")
        );
        assert_eq!(
            first.parts.recommendation.as_deref(),
            Some("Invitarlos desde el inicio.")
        );
        assert_eq!(first.section, 1);
        let second = &found.lessons[1];
        assert_eq!(second.text, "Detalle\n\nUn indicador de línea de base.");
        assert_eq!(
            found.leftover,
            [(0, "Del taller salieron dos.".to_string())]
        );
    }

    #[test]
    fn bullets_are_lessons() {
        let block = [section(
            "Lecciones",
            2,
            "Resumen:\n\n- La confianza se construye\n  con tiempo.\n- Los datos abiertos\n  ayudan.\n\n  Sobre todo en regiones.\n\nCierre del bloque.",
        )];
        let found = extract(&block).unwrap();
        let texts: Vec<&str> = found.lessons.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "La confianza se construye\ncon tiempo.",
                "Los datos abiertos\nayudan.\n\nSobre todo en regiones."
            ]
        );
        assert_eq!(
            found.lessons[0].parts.lesson,
            "La confianza se construye\ncon tiempo."
        );
        assert_eq!(found.lessons[0].heading.as_deref(), Some("Lecciones"));
        assert_eq!(
            found.leftover,
            [(0, "Resumen:\n\nCierre del bloque.".to_string())]
        );
    }

    #[test]
    fn nothing_recognisable() {
        let block = [section(
            "Lecciones",
            2,
            "Un párrafo sin viñetas ni etiquetas.",
        )];
        assert_eq!(extract(&block), None);
    }
}
