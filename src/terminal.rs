//! Showing results in a terminal: snippets with their `<mark>` as bold colour on a terminal
//! and as `**…**` elsewhere (pipes, files, tests). Text that comes from documents goes
//! through [`clean`] first, so nobody who can write a document can send the terminal escape
//! sequences (retitle it, clear the screen, plant links); the only escapes printed are the
//! colours added here.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use anyhow::Context;

/// Whether standard output is a terminal that takes colours.
pub fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes `text` to standard output. A reader that has gone away (`minga facets | head -1`)
/// ends the output quietly, as it does for other command-line tools.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Writes `value` to standard output as pretty JSON, on a line of its own (see [`emit`]).
pub fn emit_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    emit(&format!("{}\n", serde_json::to_string_pretty(value)?))
}

/// One line of document text for a terminal: control characters (escape, bell, carriage
/// return, C1 controls…) dropped, line breaks and tabs turned into spaces.
pub fn clean(text: &str) -> Cow<'_, str> {
    clean_with(text, false)
}

/// Several lines of document text for a terminal: as [`clean`], keeping line breaks and tabs.
pub fn clean_lines(text: &str) -> Cow<'_, str> {
    clean_with(text, true)
}

fn clean_with(text: &str, keep_lines: bool) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\t' if keep_lines => Some(c),
                '\n' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// A snippet's HTML as terminal text.
pub fn snippet(html: &str, colour: bool) -> String {
    let (open, close) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    // Unescaped first, so that an escaped control character (`&#27;`) cannot survive either.
    let marked = html
        .replace(['\u{e000}', '\u{e001}'], "")
        .replace("<mark>", "\u{e000}")
        .replace("</mark>", "\u{e001}");
    clean(&unescape(&marked))
        .replace('\u{e000}', open)
        .replace('\u{e001}', close)
}

/// Undoes the HTML escaping of snippets.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Bold, on a terminal (the text [`clean`]ed).
pub fn bold(text: &str, colour: bool) -> String {
    let text = clean(text);
    if colour {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.into_owned()
    }
}

/// Dim, on a terminal (the text [`clean`]ed).
pub fn dim(text: &str, colour: bool) -> String {
    let text = clean(text);
    if colour {
        format!("\x1b[2m{text}\x1b[0m")
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_stars_off_a_terminal() {
        assert_eq!(
            snippet("la <mark>articulación</mark> &amp; &lt;b&gt;", false),
            "la **articulación** & <b>"
        );
    }

    #[test]
    fn document_text_cannot_send_escape_sequences() {
        let hostile = "Título\x1b]0;pwned\x07\x1b[2J\u{9b}31m\r\nfin";
        assert_eq!(clean(hostile), "Título]0;pwned[2J31m fin");
        assert_eq!(clean_lines("a\x1b[2J\nb\tc"), "a[2J\nb\tc");
        assert_eq!(
            bold(hostile, true),
            "\x1b[1mTítulo]0;pwned[2J31m fin\x1b[0m"
        );
        assert_eq!(
            snippet("<mark>x</mark>\x1b]8;;http://evil\x07", true),
            "\x1b[1;33mx\x1b[0m]8;;http://evil"
        );
        assert!(matches!(clean("sin control"), Cow::Borrowed(_)));
    }
}
