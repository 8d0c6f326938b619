//! From the lines of a PDF's pages to a document's structure: running headers, footers and
//! page numbers removed; headings found by their font (larger than the body text, or bold
//! on a line of their own), across lines and pages, levelled by size; paragraphs told apart
//! by spacing, indentation and short last lines; list items by their markers and indents;
//! words hyphenated across lines joined.

use std::collections::HashMap;

use minga_core::{Block, Section, fold};

use crate::blocks::list_marker;

/// A line of text as laid out on its page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub page: u32,
    /// Left and right edges.
    pub x0: f32,
    pub x1: f32,
    /// Height on the page, larger is higher (PDF user space).
    pub y: f32,
    /// The font size of most of its characters.
    pub size: f32,
    /// Whether all its letters are bold.
    pub bold: bool,
    /// Whether other text shares its baseline (a table cell, a line of one of two columns).
    pub in_row: bool,
}

/// A document's structure.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layout {
    pub sections: Vec<Section>,
    /// The first top-level heading of the first page, the document's title as printed.
    pub title: Option<String>,
}

/// Pages with fewer lines than this at their edges are not searched for running lines.
const RUNNING_MIN_PAGES: usize = 3;

/// Lines at each edge of a page that may be running headers, footers or page numbers.
const EDGE_LINES: usize = 2;

/// A heading is at least this much larger than the body text (ratio and points).
const HEADING_SIZE_RATIO: f32 = 1.12;
const HEADING_SIZE_POINTS: f32 = 1.0;

/// Most words and lines in a heading; more is an emphasised paragraph.
const MAX_HEADING_WORDS: usize = 24;
const MAX_HEADING_LINES: usize = 3;
/// Most words in a heading told only by being bold.
const MAX_BOLD_HEADING_WORDS: usize = 14;

/// Deepest heading level.
const MAX_LEVEL: u8 = 6;

/// The structure of a document from the lines of its pages, in reading order.
pub(crate) fn layout(pages: Vec<Vec<Line>>) -> Layout {
    let pages = drop_running_lines(pages);
    let lines: Vec<Line> = pages.into_iter().flatten().collect();
    if lines.is_empty() {
        return Layout::default();
    }
    let body = BodyStyle::of(&lines);
    let units = headings(&lines, &body);
    let levels = levels(&units);
    build(&units, &levels, &body)
}

/// The size and weight of most of the text.
#[derive(Debug, Clone, Copy)]
struct BodyStyle {
    size: f32,
    bold: bool,
    /// Usual distance between the baselines of two lines of a paragraph.
    leading: f32,
}

impl BodyStyle {
    fn of(lines: &[Line]) -> BodyStyle {
        let mut chars: HashMap<i32, usize> = HashMap::new();
        let mut bold_chars = 0;
        let mut all_chars = 0;
        for line in lines {
            let n = line.text.chars().filter(|c| c.is_alphanumeric()).count();
            *chars.entry(bucket(line.size)).or_default() += n;
            all_chars += n;
            if line.bold {
                bold_chars += n;
            }
        }
        let size = chars
            .into_iter()
            .max_by_key(|&(size, n)| (n, -size))
            .map_or(10.0, |(size, _)| size as f32 / 2.0);
        let mut gaps: Vec<f32> = lines
            .windows(2)
            .filter(|w| {
                w[0].page == w[1].page
                    && bucket(w[0].size) == bucket(size)
                    && bucket(w[1].size) == bucket(size)
            })
            .map(|w| w[0].y - w[1].y)
            .filter(|&dy| dy > 0.5 * size && dy < 3.0 * size)
            .collect();
        gaps.sort_by(f32::total_cmp);
        let leading = gaps.get(gaps.len() / 2).copied().unwrap_or(1.2 * size);
        BodyStyle {
            size,
            bold: bold_chars * 5 > all_chars * 3,
            leading,
        }
    }
}

/// A font size in half points.
fn bucket(size: f32) -> i32 {
    (size * 2.0).round() as i32
}

/// Removes running headers and footers (the same line, numbers aside, at the same edge of
/// many pages) and page numbers at the edges of pages.
fn drop_running_lines(mut pages: Vec<Vec<Line>>) -> Vec<Vec<Line>> {
    let key = |line: &Line| {
        let text: String = fold(&line.text)
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .filter(|c| !c.is_whitespace())
            .collect();
        (text, bucket(line.size))
    };
    let mut counts: HashMap<(String, i32), usize> = HashMap::new();
    for page in &pages {
        let mut seen = std::collections::HashSet::new();
        for i in edge_lines(page) {
            let k = key(&page[i]);
            if seen.insert(k.clone()) {
                *counts.entry(k).or_default() += 1;
            }
        }
    }
    let n = pages.len();
    let running = |k: &(String, i32)| {
        let count = counts.get(k).copied().unwrap_or(0);
        n >= RUNNING_MIN_PAGES && count >= RUNNING_MIN_PAGES && count * 10 >= n * 4
    };
    for page in &mut pages {
        let drop: Vec<usize> = edge_lines(page)
            .into_iter()
            .filter(|&i| is_page_number(&page[i].text) || running(&key(&page[i])))
            .collect();
        let mut i = 0;
        page.retain(|_| {
            i += 1;
            !drop.contains(&(i - 1))
        });
    }
    pages
}

/// The indexes of the highest and lowest lines of a page.
fn edge_lines(page: &[Line]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..page.len()).collect();
    order.sort_by(|&a, &b| page[b].y.total_cmp(&page[a].y));
    let mut edges: Vec<usize> = order.iter().take(EDGE_LINES).copied().collect();
    edges.extend(order.iter().rev().take(EDGE_LINES));
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// `12`, `- 12 -`, `Página 3`, `Page 3 of 20`, `3/20`, `iv`.
fn is_page_number(text: &str) -> bool {
    let folded = fold(text.trim());
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '/' | '|' | '.'))
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| {
        (w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))
            || (w.len() <= 5 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l')))
    };
    match words.as_slice() {
        [n] => number(n),
        [label, n] => matches!(*label, "pagina" | "pag" | "page" | "p" | "pg") && number(n),
        [n, sep, m] => number(n) && matches!(*sep, "de" | "of") && number(m),
        [label, n, sep, m] => {
            matches!(*label, "pagina" | "pag" | "page" | "p" | "pg")
                && number(n)
                && matches!(*sep, "de" | "of")
                && number(m)
        }
        _ => false,
    }
}

/// A line, or a heading made of one to three lines.
#[derive(Debug, Clone)]
struct Unit {
    text: String,
    page: u32,
    x0: f32,
    x1: f32,
    /// Height of its last line.
    y: f32,
    size: f32,
    bold: bool,
    heading: bool,
}

/// Whether a line is set as a heading: larger than the body text, or bold on a line of
/// its own when the body is not bold; short, with a letter, not ending as a sentence does
/// inside a paragraph.
fn heading_style(line: &Line, body: &BodyStyle) -> bool {
    let text = line.text.trim();
    let words = text.split_whitespace().count();
    if !text.chars().any(char::is_alphabetic) || words > MAX_HEADING_WORDS {
        return false;
    }
    if text.ends_with([',', ';']) {
        return false;
    }
    let bigger =
        line.size >= body.size * HEADING_SIZE_RATIO && line.size - body.size >= HEADING_SIZE_POINTS;
    let emphasised = line.bold
        && !body.bold
        && line.size >= body.size * 0.95
        && words <= MAX_BOLD_HEADING_WORDS
        && !text.ends_with([':', '.']);
    bigger || emphasised
}

/// The lines as units: runs of heading lines of one style (up to three lines, close
/// together) joined into one heading; every other line alone.
fn headings(lines: &[Line], body: &BodyStyle) -> Vec<Unit> {
    let unit = |line: &Line, heading: bool| Unit {
        text: line.text.trim().to_string(),
        page: line.page,
        x0: line.x0,
        x1: line.x1,
        y: line.y,
        size: line.size,
        bold: line.bold,
        heading,
    };
    let style = |line: &Line| (bucket(line.size), line.bold);
    // Lines in or next to a table row: a bold cell is no heading.
    let tabular: Vec<bool> = (0..lines.len())
        .map(|i| {
            let near = |j: usize| lines[j].in_row && lines[j].page == lines[i].page;
            lines[i].in_row || (i > 0 && near(i - 1)) || (i + 1 < lines.len() && near(i + 1))
        })
        .collect();
    let heading_style = |i: usize| {
        heading_style(&lines[i], body)
            && (!tabular[i] || lines[i].size >= body.size * HEADING_SIZE_RATIO)
    };
    let mut units: Vec<Unit> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if !heading_style(i) {
            units.push(unit(line, false));
            i += 1;
            continue;
        }
        // The run of lines of the same style that follow closely, on this page or at the
        // top of the next.
        let mut end = i + 1;
        while end < lines.len() && style(&lines[end]) == style(line) {
            let (previous, next) = (&lines[end - 1], &lines[end]);
            let close = if next.page == previous.page {
                let dy = previous.y - next.y;
                dy > 0.0 && dy <= 2.0 * next.size.max(previous.size)
            } else {
                next.page == previous.page + 1 && !previous.text.trim_end().ends_with('.')
            };
            if !close || !heading_style(end) {
                break;
            }
            end += 1;
        }
        let run = &lines[i..end];
        let words: usize = run.iter().map(|l| l.text.split_whitespace().count()).sum();
        let bigger = line.size >= body.size * HEADING_SIZE_RATIO;
        // A line of the same style right after the run, that cannot end a heading, makes the
        // run the start of an emphasised paragraph.
        let paragraph_goes_on = lines.get(end).is_some_and(|next| {
            let previous = &lines[end - 1];
            style(next) == style(line)
                && next.page == previous.page
                && previous.y - next.y > 0.0
                && previous.y - next.y <= 2.0 * next.size
        });
        let too_long = run.len() > MAX_HEADING_LINES
            || words > MAX_HEADING_WORDS
            || (!bigger && words > MAX_BOLD_HEADING_WORDS);
        if too_long || paragraph_goes_on {
            // An emphasised paragraph, not a heading.
            units.extend(run.iter().map(|l| unit(l, false)));
        } else {
            let mut heading = unit(line, true);
            for next in &run[1..] {
                join_line(&mut heading.text, next.text.trim(), " ");
                heading.y = next.y;
                heading.x1 = heading.x1.max(next.x1);
                heading.x0 = heading.x0.min(next.x0);
            }
            units.push(heading);
        }
        i = end;
    }
    units
}

/// Heading levels by style: larger first, bold before regular at one size.
fn levels(units: &[Unit]) -> HashMap<(i32, bool), u8> {
    let mut styles: Vec<(i32, bool)> = units
        .iter()
        .filter(|u| u.heading)
        .map(|u| (bucket(u.size), u.bold))
        .collect();
    styles.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    styles.dedup();
    styles
        .into_iter()
        .enumerate()
        .map(|(i, style)| {
            (
                style,
                u8::try_from(i + 1).unwrap_or(MAX_LEVEL).min(MAX_LEVEL),
            )
        })
        .collect()
}

/// Appends a line to a text: a word broken at the end of the first is joined (`desarro-` /
/// `llo` as `desarrollo`, `SD-` / `PCM` as `SD-PCM`), otherwise `separator` goes between.
fn join_line(text: &mut String, line: &str, separator: &str) {
    if text.is_empty() {
        text.push_str(line);
        return;
    }
    let broken_word = text.ends_with(['-', '\u{AD}'])
        && text[..text.len() - 1]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
    if broken_word && line.starts_with(char::is_lowercase) {
        // A syllable break: `desarro-` / `llo`.
        text.pop();
    } else if !broken_word {
        // `SD-` / `PCM` keeps its hyphen and needs no space.
        text.push_str(separator);
    }
    text.push_str(line);
}

/// Whether a text ends a sentence.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', ')', '»', '”', '’'])
        .ends_with(['.', '!', '?', ':'])
}

/// A block being built, with where its lines sit.
struct Open {
    block: Block,
    x0: f32,
    x1: f32,
    /// For an item: where its marker starts.
    marker_x0: Option<f32>,
    lines: usize,
}

/// Sections from units: headings open sections, lines gather into paragraphs and items.
fn build(units: &[Unit], levels: &HashMap<(i32, bool), u8>, body: &BodyStyle) -> Layout {
    let mut layout = Layout::default();
    let mut current = Section::default();
    let mut open: Option<Open> = None;
    // Marker indents of the list being read, shallowest first.
    let mut list: Vec<f32> = Vec::new();
    let mut previous: Option<&Unit> = None;

    let close = |open: &mut Option<Open>, current: &mut Section| {
        if let Some(o) = open.take()
            && o.block.text.chars().any(char::is_alphanumeric)
        {
            current.blocks.push(o.block);
        }
    };

    for unit in units {
        if unit.heading {
            close(&mut open, &mut current);
            list.clear();
            if current.heading.is_some() || !current.blocks.is_empty() {
                layout.sections.push(std::mem::take(&mut current));
            }
            let level = levels
                .get(&(bucket(unit.size), unit.bold))
                .copied()
                .unwrap_or(1);
            if layout.title.is_none() && unit.page == first_page(units) && level == 1 {
                layout.title = Some(unit.text.clone());
            }
            current = Section {
                heading: Some(unit.text.clone()),
                level,
                page: Some(unit.page),
                ..Section::default()
            };
            previous = Some(unit);
            continue;
        }

        let size = unit.size.max(1.0);
        let marker = list_marker(&unit.text);
        let continues = match (&open, previous) {
            (Some(o), Some(prev)) if marker.is_none() => continues_block(o, prev, unit, body, size),
            _ => false,
        };
        if continues {
            if let Some(o) = open.as_mut() {
                join_line(&mut o.block.text, &unit.text, " ");
                o.x0 = o.x0.min(unit.x0);
                o.x1 = o.x1.max(unit.x1);
                o.lines += 1;
            }
        } else {
            close(&mut open, &mut current);
            let block = match marker {
                Some(marker) => {
                    let tolerance = 0.8 * size;
                    while list.last().is_some_and(|&x| x > unit.x0 + tolerance) {
                        list.pop();
                    }
                    if list.last().is_none_or(|&x| unit.x0 > x + tolerance) {
                        list.push(unit.x0);
                    }
                    let depth = u8::try_from(list.len().saturating_sub(1)).unwrap_or(u8::MAX);
                    Block::item(unit.text[marker.len..].trim(), depth, marker.number)
                }
                None => {
                    if !open_list_item_follows(previous, unit) {
                        list.clear();
                    }
                    Block::paragraph(unit.text.clone())
                }
            };
            open = Some(Open {
                block: block.on_page(Some(unit.page)),
                x0: unit.x0,
                x1: unit.x1,
                marker_x0: marker.map(|_| unit.x0),
                lines: 1,
            });
        }
        previous = Some(unit);
    }
    close(&mut open, &mut current);
    if current.heading.is_some() || !current.blocks.is_empty() {
        layout.sections.push(current);
    }
    layout
}

fn first_page(units: &[Unit]) -> u32 {
    units.first().map_or(1, |u| u.page)
}

/// A paragraph between items keeps the list open only when it is indented under them.
fn open_list_item_follows(previous: Option<&Unit>, unit: &Unit) -> bool {
    previous.is_some_and(|p| unit.x0 > p.x0 + unit.size)
}

/// Whether a line carries on the block before it.
fn continues_block(open: &Open, prev: &Unit, line: &Unit, body: &BodyStyle, size: f32) -> bool {
    let prev_text = prev.text.trim_end();
    if prev.page != line.page {
        // Across a page: a sentence left open continues.
        return !ends_sentence(prev_text)
            && line
                .text
                .starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit());
    }
    let dy = prev.y - line.y;
    let leading = if bucket(line.size) == bucket(body.size) {
        body.leading
    } else {
        1.2 * size
    };
    // Up the page (a new column) or a gap wider than the lines of a paragraph.
    if dy <= 0.0 || dy > leading * 1.4 + 0.1 * size {
        return false;
    }
    // A change of size is a change of block (a caption, a note).
    if (line.size - prev.size).abs() > 0.15 * size {
        return false;
    }
    let ended = ends_sentence(prev_text);
    match open.marker_x0 {
        Some(marker_x0) => {
            // An item goes on under its text; a line back at the marker after a finished
            // sentence is a new paragraph.
            !(ended && line.x0 <= marker_x0 + 0.5 * size) && line.x0 >= marker_x0 - 0.5 * size
        }
        None => {
            // A short last line that ends a sentence, or an indented first line, ends the
            // paragraph.
            let short = open.lines >= 1 && prev.x1 < open.x1.max(line.x1) - 3.0 * size;
            let indented = line.x0 > open.x0 + 1.2 * size;
            !(ended && (short || indented))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of lines: (text, x0, width, size, bold), set from the top at 1.2 × size.
    fn page(number: u32, lines: &[(&str, f32, f32, f32, bool)]) -> Vec<Line> {
        let mut y = 800.0;
        let mut previous_size = 0.0;
        lines
            .iter()
            .filter_map(|&(text, x0, width, size, bold)| {
                y -= 1.2 * size.max(previous_size);
                if text.is_empty() {
                    return None;
                }
                previous_size = size;
                Some(Line {
                    text: text.to_string(),
                    page: number,
                    x0,
                    x1: x0 + width,
                    y,
                    size,
                    bold,
                    in_row: false,
                })
            })
            .collect()
    }

    fn texts(section: &Section) -> Vec<String> {
        section.blocks.iter().map(|b| b.text.clone()).collect()
    }

    #[test]
    fn headings_by_font_across_lines_with_levels() {
        let pages = vec![page(
            1,
            &[
                (
                    "Informe de síntesis: primera pasantía",
                    72.0,
                    300.0,
                    20.0,
                    true,
                ),
                ("de las Agencias Regionales", 72.0, 200.0, 20.0, true),
                ("", 0.0, 0.0, 10.5, false),
                ("1. Introducción y", 72.0, 200.0, 14.0, true),
                ("contexto", 72.0, 60.0, 14.0, true),
                (
                    "El proyecto busca contribuir al proceso de",
                    72.0,
                    400.0,
                    10.5,
                    false,
                ),
                (
                    "sostenibilidad de las ARD en el Perú.",
                    72.0,
                    250.0,
                    10.5,
                    false,
                ),
                ("", 0.0, 0.0, 10.5, false),
                ("Lecciones aprendidas", 72.0, 150.0, 11.5, true),
                (
                    "La articulación es un reparto de funcio-",
                    72.0,
                    400.0,
                    10.5,
                    false,
                ),
                ("nes reconocido por todos.", 72.0, 200.0, 10.5, false),
            ],
        )];
        let layout = layout(pages);
        let headings: Vec<(Option<&str>, u8)> = layout
            .sections
            .iter()
            .map(|s| (s.heading.as_deref(), s.level))
            .collect();
        assert_eq!(
            headings,
            [
                (
                    Some("Informe de síntesis: primera pasantía de las Agencias Regionales"),
                    1
                ),
                (Some("1. Introducción y contexto"), 2),
                (Some("Lecciones aprendidas"), 3),
            ]
        );
        assert_eq!(
            layout.title.as_deref(),
            Some("Informe de síntesis: primera pasantía de las Agencias Regionales")
        );
        assert_eq!(
            texts(&layout.sections[1]),
            ["El proyecto busca contribuir al proceso de sostenibilidad de las ARD en el Perú."]
        );
        assert_eq!(
            texts(&layout.sections[2]),
            ["La articulación es un reparto de funciones reconocido por todos."]
        );
        assert_eq!(layout.sections[2].blocks[0].page, Some(1));
    }

    #[test]
    fn items_with_hanging_lines_and_depth() {
        let pages = vec![page(
            1,
            &[
                (
                    "Texto de introducción que ocupa toda la línea del párrafo.",
                    72.0,
                    400.0,
                    10.0,
                    false,
                ),
                ("1. Primera lección con texto que", 80.0, 380.0, 10.0, false),
                ("sigue debajo.", 92.0, 100.0, 10.0, false),
                ("• Un detalle.", 100.0, 100.0, 10.0, false),
                ("2. Segunda lección.", 80.0, 200.0, 10.0, false),
                (
                    "Un párrafo después de la lista, largo como la línea entera.",
                    72.0,
                    400.0,
                    10.0,
                    false,
                ),
            ],
        )];
        let layout = layout(pages);
        let blocks = &layout.sections[0].blocks;
        assert_eq!(
            crate::blocks::shapes(blocks),
            [
                (
                    "Texto de introducción que ocupa toda la línea del párrafo.",
                    None
                ),
                (
                    "Primera lección con texto que sigue debajo.",
                    Some((0, Some(1)))
                ),
                ("Un detalle.", Some((1, None))),
                ("Segunda lección.", Some((0, Some(2)))),
                (
                    "Un párrafo después de la lista, largo como la línea entera.",
                    None
                ),
            ]
        );
    }

    #[test]
    fn paragraphs_by_gap_short_last_line_and_page_breaks() {
        let pages = vec![
            page(
                1,
                &[
                    (
                        "Primer párrafo que llena la línea entera de texto.",
                        72.0,
                        400.0,
                        10.0,
                        false,
                    ),
                    ("Termina aquí.", 72.0, 100.0, 10.0, false),
                    (
                        "Segundo párrafo sin espacio antes, también largo y",
                        72.0,
                        400.0,
                        10.0,
                        false,
                    ),
                    ("", 0.0, 0.0, 10.0, false),
                    ("Tercero tras un espacio.", 72.0, 400.0, 10.0, false),
                    ("El cuarto sigue en la página", 72.0, 400.0, 10.0, false),
                ],
            ),
            page(
                2,
                &[("siguiente sin cortar la frase.", 72.0, 300.0, 10.0, false)],
            ),
        ];
        let layout = layout(pages);
        assert_eq!(
            texts(&layout.sections[0]),
            [
                "Primer párrafo que llena la línea entera de texto. Termina aquí.",
                "Segundo párrafo sin espacio antes, también largo y",
                "Tercero tras un espacio. El cuarto sigue en la página siguiente sin cortar la frase."
            ]
        );
    }

    #[test]
    fn running_headers_footers_and_page_numbers_go() {
        let pages: Vec<Vec<Line>> = (1..=4)
            .map(|n| {
                let number = n.to_string();
                let footer = format!("Página {n} de 4");
                let words = ["uno", "dos", "tres", "cuatro"][n as usize - 1];
                let first = format!("Contenido propio {words}, que no se repite.");
                let second = format!("Más texto de la página {words}.");
                page(
                    n,
                    &[
                        (
                            "Informe anual 2023 — Agencia Regional",
                            72.0,
                            300.0,
                            8.0,
                            false,
                        ),
                        ("", 0.0, 0.0, 10.0, false),
                        (&first, 72.0, 300.0, 10.0, false),
                        ("", 0.0, 0.0, 10.0, false),
                        (
                            "Una línea intermedia igual en todas.",
                            72.0,
                            300.0,
                            10.0,
                            false,
                        ),
                        ("", 0.0, 0.0, 10.0, false),
                        (&second, 72.0, 300.0, 10.0, false),
                        ("", 0.0, 0.0, 10.0, false),
                        (&footer, 72.0, 80.0, 8.0, false),
                        (&number, 300.0, 10.0, 8.0, false),
                    ],
                )
            })
            .collect();
        let layout = layout(pages);
        let all: Vec<String> = layout.sections.iter().flat_map(texts).collect();
        assert_eq!(all.len(), 4, "{all:?}");
        assert_eq!(
            all[0],
            "Contenido propio uno, que no se repite. Una línea intermedia igual en todas. \
             Más texto de la página uno."
        );
        assert!(
            all.iter()
                .all(|t| !t.contains("Informe anual") && !t.contains("Página"))
        );
        assert!(is_page_number("- 12 -"));
        assert!(is_page_number("Page 3 of 20"));
        assert!(is_page_number("xiv"));
        assert!(!is_page_number("2023 fue un buen año"));
    }

    #[test]
    fn a_bold_paragraph_is_not_a_heading() {
        let pages = vec![page(
            1,
            &[
                (
                    "Cuerpo normal del documento, una línea larga.",
                    72.0,
                    400.0,
                    10.0,
                    false,
                ),
                ("Esta advertencia en negrita ocupa", 72.0, 400.0, 10.0, true),
                ("varias líneas seguidas y por eso", 72.0, 400.0, 10.0, true),
                ("no es un título sino un párrafo", 72.0, 400.0, 10.0, true),
                ("destacado del texto.", 72.0, 200.0, 10.0, true),
            ],
        )];
        let layout = layout(pages);
        assert_eq!(layout.sections.len(), 1);
        assert_eq!(layout.sections[0].heading, None);
    }
}
