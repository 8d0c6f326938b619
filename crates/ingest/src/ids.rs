//! Stable document identifiers: declared by the record, or derived from the file's path.

use minga_core::fold;

/// The id of the document a file holds, from its path relative to the corpus: folded, every
/// run of characters other than `a-z0-9` as one `-`, folders joined with `.`. A Markdown file
/// (`.md`) loses its extension, every other file keeps it, so a report's PDF and DOCX beside
/// each other are two documents: `notas-de-sesion/Día 2.md` gives `notas-de-sesion.dia-2`,
/// `informes/Informe Final.PDF` gives `informes.informe-final.pdf`.
pub(crate) fn path_id(rel: &str) -> String {
    let (stem, extension) = match rel.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') && !stem.ends_with('/') && !stem.is_empty() => {
            let ext = slug(ext, false);
            (stem, Some(ext).filter(|e| !e.is_empty() && e != "md"))
        }
        _ => (rel, None),
    };
    let id = stem
        .split('/')
        .map(|segment| slug(segment, false))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    let id = if id.is_empty() {
        "document".to_string()
    } else {
        id
    };
    match extension {
        Some(ext) => format!("{id}.{ext}"),
        None => id,
    }
}

/// Whether a declared id can be used as is: only `A-Z a-z 0-9 . _ -`.
pub(crate) fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A declared id with characters outside `A-Za-z0-9._-` made safe the way paths are: folded,
/// `/` as `.`, other runs as `-`. `None` if nothing is left.
pub(crate) fn sanitize(id: &str) -> Option<String> {
    let id = id
        .trim()
        .split('/')
        .map(|segment| slug(segment, true))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".");
    (!id.is_empty()).then_some(id)
}

/// Folds `text` and replaces every run of other characters by one `-`, trimming dashes;
/// `keep_dots` keeps `.` and `_` (allowed in declared ids).
fn slug(text: &str, keep_dots: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in fold(text).chars() {
        let keep =
            c.is_ascii_lowercase() || c.is_ascii_digit() || (keep_dots && matches!(c, '.' | '_'));
        if keep {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_paths() {
        assert_eq!(path_id("notas-de-sesion/Día 2.md"), "notas-de-sesion.dia-2");
        assert_eq!(path_id("Informe Final (v2).PDF"), "informe-final-v2.pdf");
        assert_eq!(path_id("a/b/c.tar.json"), "a.b.c-tar.json");
        // A report's editions side by side are distinct documents.
        assert_eq!(path_id("informes/informe.docx"), "informes.informe.docx");
        assert_eq!(path_id("informes/informe.pdf"), "informes.informe.pdf");
        assert_eq!(path_id("informes/informe.md"), "informes.informe");
        assert_eq!(path_id("notas/a.markdown"), "notas.a.markdown");
        assert_eq!(
            path_id("perfiles/CRDP — Coquimbo.md"),
            "perfiles.crdp-coquimbo"
        );
        assert_eq!(path_id("¿?.md"), "document");
        assert_eq!(path_id("¿?.txt"), "document.txt");
        assert_eq!(path_id("sin-extension"), "sin-extension");
        // Stable: the same path always gives the same id.
        assert_eq!(path_id("notas/Día 2.md"), path_id("notas/Día 2.md"));
    }

    #[test]
    fn declared_ids_are_kept_or_cleaned() {
        assert!(is_valid("MIN-2023_01.a"));
        assert!(!is_valid("lección 1"));
        assert!(!is_valid(""));
        assert_eq!(sanitize("Lección 1").as_deref(), Some("leccion-1"));
        assert_eq!(sanitize("org/ABC #12").as_deref(), Some("org.abc-12"));
        assert_eq!(sanitize("¿?"), None);
    }
}
