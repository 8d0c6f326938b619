//! Plain text: one document of paragraphs and list items.

use minga_core::Section;

use crate::draft::{Draft, Extracted};
use crate::meta::{Field, Value};

/// Longest first line taken for a title.
pub const MAX_TITLE_CHARS: usize = 120;

/// Reads a plain-text file: paragraphs (separated by blank lines) and typed list items
/// (`- punto`, `1. punto`) in one section without a heading; a short first line followed by a
/// blank line is the title.
pub(crate) fn read(text: &str) -> Extracted {
    let mut paragraphs: Vec<(u32, Vec<&str>)> = Vec::new();
    let mut open = false;
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if !open {
            paragraphs.push((u32::try_from(i + 1).unwrap_or(u32::MAX), Vec::new()));
            open = true;
        }
        if let Some((_, lines)) = paragraphs.last_mut() {
            lines.push(line.trim_end());
        }
    }

    let mut draft = Draft::default();
    let title_first = paragraphs.len() > 1
        && paragraphs[0].1.len() == 1
        && paragraphs[0].1[0].trim().chars().count() <= MAX_TITLE_CHARS;
    if title_first {
        let (line, lines) = paragraphs.remove(0);
        draft.meta.insert(
            Field::Title,
            Value::One(lines[0].trim().to_string()),
            Some(u64::from(line)),
        );
    }
    let blocks: Vec<_> = paragraphs
        .into_iter()
        .flat_map(|(line, lines)| crate::blocks::from_text(&lines.join("\n"), Some(line)))
        .collect();
    if !blocks.is_empty() {
        draft.sections.push(Section {
            line: blocks[0].line,
            blocks,
            ..Section::default()
        });
    }
    Extracted::single(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_become_sections_and_a_short_first_line_the_title() {
        let text = "Informe de la pasantía\n\nPrimer párrafo\nsigue aquí.\n\n\nSegundo párrafo.\n";
        let extracted = read(text);
        let draft = &extracted.drafts[0];
        assert_eq!(
            draft.meta.text(Field::Title),
            Some("Informe de la pasantía")
        );
        assert_eq!(draft.sections.len(), 1);
        let blocks = &draft.sections[0].blocks;
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "Primer párrafo\nsigue aquí.");
        assert_eq!(blocks[0].line, Some(3));
        assert_eq!(blocks[1].line, Some(7));
        assert_eq!(draft.sections[0].heading, None);
    }

    #[test]
    fn no_title_when_the_first_line_runs_on() {
        let extracted = read("Una línea\nque sigue.\n\nOtra.");
        assert!(!extracted.drafts[0].meta.has(Field::Title));
        assert_eq!(extracted.drafts[0].sections[0].blocks.len(), 2);
        let extracted = read("Una sola línea.");
        assert!(!extracted.drafts[0].meta.has(Field::Title));
    }
}
