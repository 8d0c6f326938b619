//! Text helpers shared by the renderers: tidying, paragraphs, escaping, file-name slugs.

use minga_core::fold;

/// Paragraphs separated by one blank line, the lines of each joined by single spaces, runs
/// of white space collapsed, ends trimmed. Line breaks inside a paragraph come from the
/// source's layout (wrapped bullets), not from meaning.
pub(crate) fn tidy(text: &str) -> String {
    paragraphs(text).join("\n\n")
}

/// The paragraphs of `text` (split at blank lines), each on one line.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(one_line(&current.join(" ")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(one_line(&current.join(" ")));
    }
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` safe as HTML text or inside a double- or single-quoted attribute.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of `text` safe as Markdown inline text: characters that would start emphasis,
/// links, code, HTML or (at the start) a heading, list or quote are backslash-escaped, so
/// the text reads as written wherever the Markdown is pasted.
pub(crate) fn markdown(text: &str) -> String {
    let text = one_line(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    // What only means something at the start of a line: `#`, `+`, `-`, `=`, `1.`, `1)`.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let starts_block = matches!(out.chars().next(), Some('#' | '+' | '-' | '='))
        || (digits > 0 && matches!(out[digits..].chars().next(), Some('.' | ')')));
    if starts_block {
        let at = if digits > 0 { digits } else { 0 };
        out.insert(at, '\\');
    }
    out
}

/// `text` as a Markdown code span (a file path, an id); plain escaped text if it holds a
/// backtick.
pub(crate) fn markdown_code(text: &str) -> String {
    if text.contains('`') {
        markdown(text)
    } else {
        format!("`{}`", one_line(text))
    }
}

/// Most characters a file-name slug keeps.
const MAX_SLUG_CHARS: usize = 60;

/// Lower-case ASCII words joined by `-`: `Articulación  interinstitucional` gives
/// `articulacion-interinstitucional`; at most [`MAX_SLUG_CHARS`], cut at a word.
pub(crate) fn slug(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::new();
    for word in words {
        let extra = if out.is_empty() { 0 } else { 1 } + word.len();
        if out.len() + extra > MAX_SLUG_CHARS {
            if out.is_empty() {
                out.push_str(&word[..MAX_SLUG_CHARS]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_joins_wrapped_lines_and_keeps_paragraphs() {
        assert_eq!(
            tidy("  Una línea\n  que sigue.\n\n\n Otro   párrafo. "),
            "Una línea que sigue.\n\nOtro párrafo."
        );
        assert_eq!(tidy(" \n "), "");
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn markdown_escapes_what_would_be_markup() {
        assert_eq!(
            markdown("a *b* _c_ [d](e) `f` <g> h|i"),
            r"a \*b\* \_c\_ \[d\](e) \`f\` \<g\> h\|i"
        );
        assert_eq!(markdown("# no heading"), r"\# no heading");
        assert_eq!(markdown("- no list"), r"\- no list");
        assert_eq!(markdown("2023. no list"), r"2023\. no list");
        assert_eq!(markdown("2023 is a year"), "2023 is a year");
        assert_eq!(markdown_code("a/b.md"), "`a/b.md`");
        assert_eq!(markdown_code("a`b"), r"a\`b");
    }

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(
            slug("Articulación  interinstitucional — Biobío!"),
            "articulacion-interinstitucional-biobio"
        );
        assert_eq!(slug("«»"), "");
        assert!(slug(&"palabra ".repeat(30)).len() <= MAX_SLUG_CHARS);
        assert_eq!(slug(&"x".repeat(80)).len(), MAX_SLUG_CHARS);
    }
}
