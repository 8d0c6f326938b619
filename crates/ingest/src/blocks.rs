//! Paragraphs and list items from text that marks its lists by hand: `- punto`, `• punto`,
//! `1. punto`, `2) punto`, `(3) punto`, `a) punto`, as typed in plain text, records, PDF
//! lines and Word paragraphs without list styles.

use minga_core::Block;

/// Glyphs that open a bulleted item, followed by a space (the ASCII ones) or not.
const BULLETS: &[char] = &[
    '•', '◦', '▪', '▫', '‣', '∙', '·', '●', '○', '■', '□', '◆', '◇', '►', '▶', '➢', '➤', '✓', '✔',
    '❖', '⁃', '–', '—', '-', '*', '+',
];

/// A list marker opening a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The item's number, for `3.`, `3)`, `(3)`, `c)`; `None` for a bullet.
    pub number: Option<u32>,
    /// Bytes of the marker and the space after it.
    pub len: usize,
}

/// The list marker opening `text` (after any indentation), if any.
pub(crate) fn list_marker(text: &str) -> Option<Marker> {
    let indent = text.len() - text.trim_start().len();
    let rest = &text[indent..];
    let first = rest.chars().next()?;
    let (number, marker_len) = if BULLETS.contains(&first) {
        // `--`, `**` and `-3` are not bullets.
        let next = rest[first.len_utf8()..].chars().next();
        if next.is_some_and(|n| BULLETS.contains(&n) || n.is_ascii_digit()) {
            return None;
        }
        (None, first.len_utf8())
    } else if is_private_use(first) {
        // Symbol and Wingdings bullets extracted without a Unicode mapping.
        (None, first.len_utf8())
    } else {
        numbered(rest)?
    };
    let after = &rest[marker_len..];
    let spaces = after.len() - after.trim_start().len();
    // A typed marker needs a space after it (`-3`, `1.5`, `a)b`, `—Dijo` are not markers); a
    // bullet glyph does not, as PDFs often draw it against its text.
    let glyph = !first.is_ascii() && !matches!(first, '–' | '—');
    if spaces == 0 && !glyph {
        return None;
    }
    if after.trim().is_empty() {
        return None;
    }
    Some(Marker {
        number,
        len: indent + marker_len + spaces,
    })
}

/// `12.`, `12)`, `(12)`, `c)`, `c.`, `iv)` at the start of `text`: the number and the
/// marker's length.
fn numbered(text: &str) -> Option<(Option<u32>, usize)> {
    let (open, body) = match text.strip_prefix('(') {
        Some(rest) => (1, rest),
        None => (0, text),
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let (number, len) = if digits > 0 {
        if digits > 3 {
            return None;
        }
        (body[..digits].parse::<u32>().ok()?, digits)
    } else {
        let letters: String = body.chars().take_while(char::is_ascii_lowercase).collect();
        match letters.len() {
            1 => (u32::from(letters.as_bytes()[0] - b'a') + 1, 1),
            2..=4 => (roman(&letters)?, letters.len()),
            _ => return None,
        }
    };
    let close = body[len..].chars().next()?;
    let valid = if open == 1 {
        close == ')'
    } else {
        close == ')' || (close == '.' && (digits > 0 || len == 1))
    };
    valid.then_some((Some(number), open + len + 1))
}

/// `ii` → 2 … `xii` → 12, for the lower-case roman numbers lists use.
fn roman(letters: &str) -> Option<u32> {
    const NUMERALS: [&str; 12] = [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii",
    ];
    NUMERALS
        .iter()
        .position(|n| *n == letters)
        .map(|p| p as u32 + 1)
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The paragraphs and list items of a text: paragraphs apart by blank lines; a line that
/// opens with a list marker starts an item, whose depth comes from its indentation; lines
/// that follow an item without a blank line, or indented under it, continue it.
/// `first_line` is the text's first line in its file, if known.
pub(crate) fn from_text(text: &str, first_line: Option<u32>) -> Vec<Block> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut indents: Vec<usize> = text
        .lines()
        .filter(|l| list_marker(l).is_some())
        .map(indent)
        .collect();
    indents.sort_unstable();
    indents.dedup();
    let depth_of = |width: usize| {
        let depth = indents.iter().filter(|&&i| i + 1 < width).count();
        u8::try_from(depth).unwrap_or(u8::MAX)
    };

    let mut blocks: Vec<Block> = Vec::new();
    let mut open = false;
    let mut after_blank = false;
    let mut item_text_indent = 0;
    for (i, line) in text.lines().enumerate() {
        let line_no = first_line.map(|f| f + u32::try_from(i).unwrap_or(u32::MAX));
        if line.trim().is_empty() {
            after_blank = true;
            continue;
        }
        if let Some(marker) = list_marker(line) {
            let depth = depth_of(indent(line));
            blocks.push(
                Block::item(line[marker.len..].trim(), depth, marker.number).at_line(line_no),
            );
            item_text_indent = marker.len;
            open = true;
            after_blank = false;
            continue;
        }
        let in_item = open && blocks.last().is_some_and(|b| b.item.is_some());
        let continues = open && (!after_blank || (in_item && indent(line) >= item_text_indent));
        match blocks.last_mut() {
            Some(block) if continues => {
                block.text.push_str(if after_blank { "\n\n" } else { "\n" });
                block.text.push_str(line.trim());
            }
            _ => {
                blocks.push(Block::paragraph(line.trim()).at_line(line_no));
                open = true;
            }
        }
        after_blank = false;
    }
    blocks
}

/// Adds a paragraph read inside a list item to that item (`open_item`, its index in
/// `blocks`), after a blank line; outside any item, as a paragraph of its own.
pub(crate) fn add_paragraph(
    blocks: &mut Vec<Block>,
    open_item: Option<usize>,
    text: String,
    line: Option<u32>,
) {
    match open_item.and_then(|i| blocks.get_mut(i)) {
        Some(item) => {
            if !item.text.is_empty() {
                item.text.push_str("\n\n");
            }
            item.text.push_str(&text);
        }
        None => blocks.push(Block::paragraph(text).at_line(line)),
    }
}

/// A block's place in a list, as tests compare it: depth and number.
#[cfg(test)]
pub(crate) type ItemShape = Option<(u8, Option<u32>)>;

/// Blocks as tests compare them: text and place in a list.
#[cfg(test)]
pub(crate) fn shapes(blocks: &[Block]) -> Vec<(&str, ItemShape)> {
    blocks
        .iter()
        .map(|b| (b.text.as_str(), b.item.map(|i| (i.depth, i.number))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Option<Option<u32>> {
        list_marker(text).map(|m| m.number)
    }

    #[test]
    fn markers_people_type() {
        assert_eq!(number("- punto"), Some(None));
        assert_eq!(number("  • punto"), Some(None));
        assert_eq!(number("•punto"), Some(None));
        assert_eq!(number("\u{F0B7} punto"), Some(None));
        assert_eq!(number("1. punto"), Some(Some(1)));
        assert_eq!(number("12) punto"), Some(Some(12)));
        assert_eq!(number("(3) punto"), Some(Some(3)));
        assert_eq!(number("c) punto"), Some(Some(3)));
        assert_eq!(number("iv) punto"), Some(Some(4)));
        for text in [
            "-3 grados",
            "1.5 millones",
            "1.1 El proyecto",
            "2023. Un año",
            "A. Pérez",
            "-- nada",
            "**negrita**",
            "a)b",
            "casa) no",
            "-",
            "1.",
            "—Dijo el alcalde",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
        assert_eq!(list_marker("  - punto").unwrap().len, 4);
    }

    #[test]
    fn paragraphs_items_and_continuations() {
        let text = "Intro que\nsigue.\n\n1. Primero\n   continúa.\n   - Detalle\n2. Segundo\n\n   \
                    Párrafo del segundo.\n\nCierre.";
        let blocks = from_text(text, Some(10));
        let summary: Vec<(&str, crate::blocks::ItemShape, Option<u32>)> = blocks
            .iter()
            .map(|b| (b.text.as_str(), b.item.map(|i| (i.depth, i.number)), b.line))
            .collect();
        assert_eq!(
            summary,
            [
                ("Intro que\nsigue.", None, Some(10)),
                ("Primero\ncontinúa.", Some((0, Some(1))), Some(13)),
                ("Detalle", Some((1, None)), Some(15)),
                (
                    "Segundo\n\nPárrafo del segundo.",
                    Some((0, Some(2))),
                    Some(16)
                ),
                ("Cierre.", None, Some(20)),
            ]
        );
    }
}
