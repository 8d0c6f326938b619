//! The citation export: the sources as RIS records, for Zotero, Mendeley, EndNote and the
//! like. One record per source, in citation order:
//!
//! ```text
//! TY  - RPRT                      (report; UNPB for session notes, GEN otherwise)
//! ID  - the document id
//! TI  - title
//! AU  - each author
//! PY  - 2023
//! DA  - 2023/01/25/
//! PB  - the institutions, separated by "; "
//! CY  - the place
//! M3  - the kind, in words
//! LA  - es
//! SP  - first page quoted (PDF), EP the last
//! N1  - event; file; the places quoted
//! ER  -
//! ```
//!
//! Lines end with CRLF, as the format's specification asks; a blank line follows each
//! record.

use std::fmt::Write;

use minga_core::Kind;

use crate::describe::location;
use crate::labels::labels;
use crate::model::{Brief, Source};
use crate::text::tidy;

pub(crate) fn render(brief: &Brief) -> String {
    let mut out = String::new();
    for source in &brief.sources {
        write_source(&mut out, source, brief);
    }
    out
}

/// The RIS type of a source.
fn record_type(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::Report) => "RPRT",
        Some(Kind::SessionNote) => "UNPB",
        _ => "GEN",
    }
}

fn write_source(out: &mut String, source: &Source, brief: &Brief) {
    let l = labels(brief.lang);
    let mut tag = |name: &str, value: &str| {
        let value = tidy(value).replace("\n\n", " ");
        if !value.is_empty() {
            let _ = write!(out, "{name}  - {value}\r\n");
        }
    };
    tag("TY", record_type(source.kind));
    tag("ID", &source.id);
    tag("TI", &source.title);
    for author in &source.authors {
        tag("AU", author);
    }
    if let Some(date) = source.date {
        tag("PY", &date.year().to_string());
        // YYYY/MM/DD/other, with the parts the date does not have left empty.
        let parts: Vec<String> = date.to_string().split('-').map(str::to_string).collect();
        let at = |i: usize| parts.get(i).cloned().unwrap_or_default();
        tag("DA", &format!("{}/{}/{}/", at(0), at(1), at(2)));
    }
    tag("PB", &source.institutions.join("; "));
    tag("CY", source.location.as_deref().unwrap_or(""));
    tag("M3", source.kind.map(|k| l.kind(k)).unwrap_or(""));
    tag("LA", source.lang.code());
    let pages = source.pages();
    if let (Some(first), Some(last)) = (pages.first(), pages.last()) {
        tag("SP", &first.to_string());
        if last != first {
            tag("EP", &last.to_string());
        }
    }
    let mut note = Vec::new();
    note.extend(source.event.clone());
    note.push(format!("{}: {}", l.file, source.path));
    note.extend(
        source
            .cited
            .iter()
            .map(|c| location(c, l))
            .filter(|s| !s.is_empty()),
    );
    tag("N1", &note.join("; "));
    let _ = write!(out, "ER  - \r\n\r\n");
}

#[cfg(test)]
mod tests {
    use minga_core::Lang;

    use crate::sample;

    #[test]
    fn one_record_per_source_in_tag_space_space_dash_space_layout() {
        let ris = super::render(&sample::brief(Lang::Es));
        let records: Vec<&str> = ris.split_terminator("ER  - \r\n\r\n").collect();
        assert_eq!(records.len(), 3, "{ris}");
        for line in ris.split("\r\n").filter(|l| !l.is_empty()) {
            let bytes = line.as_bytes();
            assert!(
                bytes.len() >= 6
                    && bytes[..2]
                        .iter()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && &bytes[2..6] == b"  - ",
                "{line:?}"
            );
        }
        assert!(
            !ris.replace("\r\n", "").contains('\n'),
            "bare LF in {ris:?}"
        );
        assert!(records[0].starts_with("TY  - UNPB\r\nID  - nota\r\nTI  - Mesa de *trabajo* en Concepción\r\nAU  - Equipo de relatoría\r\nPY  - 2023\r\nDA  - 2023/01/25/\r\n"));
        assert!(records[1].starts_with("TY  - RPRT\r\n"));
        assert!(records[1].contains("SP  - 21\r\n"));
        assert!(records[1].contains("N1  - Pasantía de prueba; Archivo: informes/sintesis.pdf; § Los datos ordenan, p. 21\r\n"));
        assert!(records[2].starts_with("TY  - GEN\r\nID  - lec-9\r\n"));
        assert!(records[2].contains("N1  - Archivo: lecciones.jsonl; línea 3\r\n"));
    }
}
