//! Markdown: YAML front matter for metadata, sections at ATX headings.

use minga_core::Section;

use crate::Problem;
use crate::draft::{Draft, Extracted, tidy_text};
use crate::meta::{YamlError, parse_yaml};

/// Reads a Markdown file. Invalid front matter skips the file (`Err`), with the line of the
/// YAML error counted in the file.
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
                    return Err(Problem::skipped(
                        rel,
                        format!("invalid YAML front matter: {message}"),
                    )
                    .at_line(line));
                }
            }
            end + 1
        }
        None => 0,
    };

    draft.sections = sections(&lines[body_start..], body_start);
    draft.title_hint = draft
        .sections
        .iter()
        .find(|s| s.level == 1)
        .and_then(|s| s.heading.clone());
    let mut extracted = Extracted::single(draft);
    extracted.problems = problems;
    Ok(extracted)
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

/// Splits the body into sections at ATX headings (`#`…`######`), outside fenced code.
/// `first_line` is the 0-based index of `body[0]` in the file.
fn sections(body: &[&str], first_line: usize) -> Vec<Section> {
    let body = strip_html_comments(&body.join("\n"));
    let mut sections = Vec::new();
    let mut current = Section::default();
    let mut text = String::new();
    let mut fence: Option<(char, usize)> = None;

    for (i, line) in body.split('\n').enumerate() {
        let line_no = u32::try_from(first_line + i + 1).ok();
        if let Some(marker) = fence_marker(line) {
            match fence {
                None => fence = Some(marker),
                Some((c, n)) if marker.0 == c && marker.1 >= n => fence = None,
                Some(_) => push_line(&mut text, line),
            }
            continue;
        }
        if fence.is_some() {
            push_line(&mut text, line);
            continue;
        }
        if let Some((level, heading)) = atx_heading(line) {
            finish(&mut sections, current, &text);
            text.clear();
            current = Section {
                heading: Some(clean_inline(heading)),
                level,
                line: line_no,
                ..Section::default()
            };
            continue;
        }
        if current.line.is_none() && !line.trim().is_empty() {
            current.line = line_no;
        }
        if is_reference_definition(line) || is_table_rule(line) {
            continue;
        }
        if is_thematic_break(line) {
            push_line(&mut text, "");
            continue;
        }
        push_line(&mut text, &clean_inline(line));
    }
    finish(&mut sections, current, &text);
    sections
}

fn push_line(text: &mut String, line: &str) {
    text.push_str(line);
    text.push('\n');
}

/// Closes a section: kept if it has a heading or any text.
fn finish(sections: &mut Vec<Section>, mut section: Section, text: &str) {
    section.text = tidy_text(text);
    if section.heading.is_some() || !section.text.is_empty() {
        sections.push(section);
    }
}

/// A code fence opener or closer: three or more backticks or tildes, indented at most 3.
fn fence_marker(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = trimmed.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

/// `(level, text)` of an ATX heading line: `## Text ##`.
fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &trimmed[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let mut text = rest.trim();
    let without_closer = text.trim_end_matches('#');
    if without_closer.is_empty() {
        text = "";
    } else if without_closer.ends_with([' ', '\t']) {
        text = without_closer.trim_end();
    }
    if text.is_empty() {
        return None;
    }
    Some((hashes as u8, text))
}

/// `[label]: https://…`
fn is_reference_definition(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('[')
        && t.find("]:")
            .is_some_and(|i| i > 1 && !t[i + 2..].trim().is_empty() && !t[..i].contains('\n'))
}

/// `|---|:---:|`, the rule under a table's header.
fn is_table_rule(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// `---`, `***`, `___` (with optional spaces) on a line of their own.
fn is_thematic_break(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
}

/// Removes `<!-- … -->`, keeping the line breaks inside so line numbers stay right.
fn strip_html_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        match after.find("-->") {
            Some(end) => {
                out.extend(after[..end].chars().filter(|&c| c == '\n'));
                rest = &after[end + 3..];
            }
            None => {
                out.extend(after.chars().filter(|&c| c == '\n'));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The list marker and indentation opening a line (`  - `, `1. `), if any.
pub(crate) fn bullet_prefix(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let marker = if rest.starts_with(['-', '*', '+', '•']) {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker..];
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let spaces = after.len() - after.trim_start().len();
    Some(&line[..indent + marker + spaces])
}

/// Markdown inline syntax removed, text kept: `**bold**`, `*em*`, `__strong__`, `_em_`,
/// `` `code` `` lose their markers, `[text](url)` and `[text][ref]` become `text`, images
/// disappear, `<https://…>` becomes the address, `\*` becomes `*`. A list marker opening
/// the line is kept.
pub(crate) fn clean_inline(line: &str) -> String {
    let (prefix, rest) = match bullet_prefix(line) {
        Some(prefix) => (prefix, &line[prefix.len()..]),
        None => ("", line),
    };
    let chars: Vec<char> = rest.chars().collect();
    let mut out = String::with_capacity(line.len());
    out.push_str(prefix);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => {
                out.extend(next);
                i += 2;
                continue;
            }
            '!' if next == Some('[') => {
                if let Some((_, end)) = link(&chars, i + 1) {
                    i = end;
                    continue;
                }
            }
            '[' => {
                if let Some((text, end)) = link(&chars, i) {
                    out.push_str(&clean_inline(&text));
                    i = end;
                    continue;
                }
            }
            '<' => {
                let tail: String = chars[i + 1..].iter().take(8).collect();
                if (tail.starts_with("http://")
                    || tail.starts_with("https://")
                    || tail.starts_with("mailto:"))
                    && let Some(len) = chars[i + 1..].iter().position(|&c| c == '>')
                {
                    out.extend(&chars[i + 1..i + 1 + len]);
                    i += len + 2;
                    continue;
                }
            }
            '*' if next == Some('*') => {
                i += 2;
                continue;
            }
            '*' => {
                let touches = prev.is_some_and(|p| !p.is_whitespace())
                    || next.is_some_and(|n| !n.is_whitespace());
                if touches {
                    i += 1;
                    continue;
                }
            }
            '_' => {
                let run = chars[i..].iter().take_while(|&&x| x == '_').count();
                let after = chars.get(i + run).copied();
                let opens = !prev.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(|a| !a.is_whitespace());
                let closes = !after.is_some_and(char::is_alphanumeric)
                    && prev.is_some_and(|p| !p.is_whitespace());
                if run <= 2 && (opens || closes) {
                    i += run;
                    continue;
                }
                out.extend(&chars[i..i + run]);
                i += run;
                continue;
            }
            '`' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A link starting at `chars[open] == '['`: `[text](url)` or `[text][ref]`; returns the text
/// and the index after the link.
fn link(chars: &[char], open: usize) -> Option<(String, usize)> {
    let mut depth = 0usize;
    let mut close = None;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let (opener, closer) = match chars.get(close + 1) {
        Some('(') => ('(', ')'),
        Some('[') => ('[', ']'),
        _ => return None,
    };
    let mut depth = 0usize;
    for (j, &c) in chars.iter().enumerate().skip(close + 1) {
        if c == opener {
            depth += 1;
        } else if c == closer {
            depth -= 1;
            if depth == 0 {
                return Some((chars[open + 1..close].iter().collect(), j + 1));
            }
        }
    }
    None
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
        assert_eq!(s[0].text, "Texto antes de los títulos.");
        assert_eq!(s[0].line, Some(6));
        assert_eq!(s[1].heading.as_deref(), Some("Jornada 1"));
        assert_eq!(s[1].level, 1);
        assert_eq!(s[1].line, Some(8));
        assert_eq!(
            s[1].text,
            "Se trabajó con actores del ecosistema regional.\n\n- Primer punto\n- Segundo  punto\n\n# no es un título"
        );
        assert_eq!(s[2].heading.as_deref(), Some("Acuerdos"));
        assert_eq!(s[2].level, 2);
        assert_eq!(s[2].line, Some(20));
        assert_eq!(draft.title_hint.as_deref(), Some("Jornada 1"));
    }

    #[test]
    fn invalid_yaml_skips_the_file_with_the_line_in_the_file() {
        let text = "---\ntitle: ok\nregions: [Cusco\ndate: x\n---\n# T\n";
        let problem = read(text, "notas/b.md").unwrap_err();
        assert_eq!(problem.severity, crate::Severity::Skipped);
        assert!(
            problem.reason.starts_with("invalid YAML front matter"),
            "{problem}"
        );
        let line = problem.line.unwrap();
        assert!((3..=5).contains(&line), "{problem}");
    }

    #[test]
    fn a_dash_rule_without_closer_is_not_front_matter() {
        let extracted = read("---\nSolo texto.\n", "x.md").unwrap();
        assert_eq!(extracted.drafts[0].sections[0].text, "Solo texto.");
    }

    #[test]
    fn inline_markup_is_removed_and_bullets_kept() {
        assert_eq!(
            clean_inline("**Contexto:** el *GORE* y __CRDP__"),
            "Contexto: el GORE y CRDP"
        );
        assert_eq!(clean_inline("* item con `código`"), "* item con código");
        assert_eq!(
            clean_inline("  1. ver [guía](http://a/b_(c)) ya"),
            "  1. ver guía ya"
        );
        assert_eq!(clean_inline("snake_case y 2 * 3"), "snake_case y 2 * 3");
        assert_eq!(
            clean_inline("_énfasis_ [sic] <https://a.org>"),
            "énfasis [sic] https://a.org"
        );
        assert_eq!(clean_inline("precio \\*especial\\*"), "precio *especial*");
    }
}
