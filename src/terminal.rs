//! Showing results in a terminal: snippets with their `<mark>` as bold colour on a terminal
//! and as `**…**` elsewhere (pipes, files, tests).

use std::io::IsTerminal;

/// Whether standard output is a terminal that takes colours.
pub fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A snippet's HTML as terminal text.
pub fn snippet(html: &str, colour: bool) -> String {
    let (open, close) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    unescape(&html.replace("<mark>", open).replace("</mark>", close))
}

/// Undoes the HTML escaping of snippets.
pub fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Bold, on a terminal.
pub fn bold(text: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Dim, on a terminal.
pub fn dim(text: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[2m{text}\x1b[0m")
    } else {
        text.to_string()
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
}
