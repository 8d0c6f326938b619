//! CSV: a header row naming the metadata columns, one document a row.

use crate::Problem;
use crate::draft::{Draft, Extracted};
use crate::meta::{Field, Metadata, Unmapped, cell_value, key_language};
use minga_core::Lang;

/// Most column names a note about unknown columns lists.
const MAX_NAMED_COLUMNS: usize = 10;

/// Reads a CSV file. The delimiter is `;` (or a tab) when the header has more of those than
/// commas. Columns are matched to fields by [`Field::lookup`] (English or Spanish names,
/// Dublin Core `dc.*` columns with DSpace's `[es]` suffixes); unknown columns are ignored,
/// with one warning naming them. Columns naming the same field add up (several
/// `dc.subject` columns make one list), and a cell's `||`-separated values are several
/// values. Short rows are padded and long rows cut, both reported as Repaired; a row with
/// neither text nor title is skipped.
pub(crate) fn read(text: &str, rel: &str) -> Result<Extracted, Problem> {
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = delimiter(header_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Problem::skipped(rel, format!("cannot read the CSV header: {e}")).at_line(1))?
        .clone();
    let lookups: Vec<Result<Field, Unmapped>> = header.iter().map(Field::lookup).collect();
    let columns: Vec<Option<Field>> = lookups.iter().map(|l| l.ok()).collect();
    let languages: Vec<Option<Lang>> = header.iter().map(key_language).collect();
    let has = |f: Field| columns.contains(&Some(f));
    if !(has(Field::Text) || has(Field::Title) || has(Field::Lesson)) {
        let found = header.iter().collect::<Vec<_>>().join(", ");
        return Err(Problem::skipped(
            rel,
            format!("the CSV header has no text or title column (found: {found})"),
        )
        .at_line(1));
    }

    let mut extracted = Extracted {
        multi_record: true,
        ..Extracted::default()
    };
    let unknown: Vec<&str> = header
        .iter()
        .zip(&lookups)
        .filter(|(name, l)| **l == Err(Unmapped::Unknown) && !name.trim().is_empty())
        .map(|(name, _)| name)
        .collect();
    if !unknown.is_empty() {
        let mut names = unknown
            .iter()
            .take(MAX_NAMED_COLUMNS)
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if unknown.len() > MAX_NAMED_COLUMNS {
            names.push_str(&format!(" and {} more", unknown.len() - MAX_NAMED_COLUMNS));
        }
        extracted.problems.push(
            Problem::warning(
                rel,
                format!("columns Minga does not read, ignored: {names}"),
            )
            .at_line(1),
        );
    }
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                extracted.problems.push(
                    Problem::skipped(rel, format!("cannot read row {row}: {e}")).at_line(line),
                );
                continue;
            }
        };
        let line = record.position().map(|p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() < header.len() {
            extracted.problems.push(
                Problem::repaired(
                    rel,
                    format!(
                        "row has {} cells, the header {}: padded with empty cells",
                        record.len(),
                        header.len()
                    ),
                )
                .at_line(line),
            );
        } else if record.len() > header.len() {
            extracted.problems.push(
                Problem::repaired(
                    rel,
                    format!(
                        "row has {} cells, the header {}: extra cells dropped",
                        record.len(),
                        header.len()
                    ),
                )
                .at_line(line),
            );
        }
        let mut meta = Metadata::default();
        for ((field, lang), cell) in columns.iter().zip(&languages).zip(record.iter()) {
            if let Some(field) = field {
                meta.add_in(*field, *lang, cell_value(*field, cell), line);
            }
        }
        meta.settle_languages();
        let draft = Draft::record(meta, line, row);
        if draft.has_content() {
            extracted.drafts.push(draft);
        } else {
            extracted
                .problems
                .push(Problem::skipped(rel, "row has neither text nor title").at_line(line));
        }
    }
    Ok(extracted)
}

/// `;` or tab when the header holds more of it than commas, else `,`.
fn delimiter(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if tabs > commas && tabs > semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    #[test]
    fn spanish_headers_semicolons_and_ragged_rows() {
        let text = "Título;Texto;Región;Fecha;Otra\n\
                    Uno;Texto uno;Cusco;2023-01-24;x\n\
                    Dos;Texto dos\n\
                    Tres;Texto tres;Puno|Tacna;2023;y;sobra\n\
                    ;;;;\n\
                    ;;Lima;;\n";
        let extracted = read(text, "t.csv").unwrap();
        assert_eq!(extracted.drafts.len(), 3);
        let d = &extracted.drafts[2];
        assert_eq!(d.meta.text(Field::Title), Some("Tres"));
        assert_eq!(d.meta.list(Field::Regions).unwrap(), ["Puno", "Tacna"]);
        assert_eq!(d.line, Some(4));
        assert_eq!(d.record, Some(3));
        let problems: Vec<(Severity, Option<u64>)> = extracted
            .problems
            .iter()
            .map(|p| (p.severity, p.line))
            .collect();
        assert_eq!(
            problems,
            [
                (Severity::Warning, Some(1)),
                (Severity::Repaired, Some(3)),
                (Severity::Repaired, Some(4)),
                (Severity::Skipped, Some(6)),
            ]
        );
        assert!(extracted.problems[0].reason.contains("\"Otra\""));
        assert!(extracted.problems[1].reason.contains("padded"));
        assert!(extracted.problems[2].reason.contains("dropped"));
    }

    #[test]
    fn a_dublin_core_export_with_language_suffixes_and_repeated_columns() {
        let text = "id,collection,dc.title[es],dc.description.abstract[es],dc.date.issued,\
                    dc.date.accessioned,dc.contributor.author[es],dc.contributor.author[es],\
                    dc.subject[es],dc.subject[es],dc.subject.ocde,dc.language.iso[es],\
                    dc.identifier.uri,dc.type[es],dc.coverage.spatial[es]\n\
                    a1,123/4,Informe de cierre,Resumen del programa.,2021-03,\
                    2022-01-05T10:00:00Z,\"Quispe, Ana\",\"Rojas, Luis\",agua||riego,riego,\
                    https://purl.org/ocde#1,spa,http://hdl.handle.net/1/2,\
                    info:eu-repo/semantics/report,Cusco\n";
        let extracted = read(text, "dspace.csv").unwrap();
        assert_eq!(extracted.drafts.len(), 1);
        let meta = &extracted.drafts[0].meta;
        assert_eq!(meta.text(Field::Id), Some("a1"));
        assert_eq!(meta.text(Field::Title), Some("Informe de cierre"));
        assert_eq!(meta.text(Field::Text), Some("Resumen del programa."));
        assert_eq!(meta.text(Field::Date), Some("2021-03"));
        assert_eq!(
            meta.list(Field::Authors).unwrap(),
            ["Quispe, Ana", "Rojas, Luis"]
        );
        assert_eq!(meta.list(Field::Topics).unwrap(), ["agua", "riego"]);
        assert_eq!(meta.text(Field::Lang), Some("spa"));
        assert_eq!(
            meta.text(Field::Genre),
            Some("info:eu-repo/semantics/report")
        );
        assert_eq!(meta.list(Field::Regions).unwrap(), ["Cusco"]);
        // One note for the unknown column, none for the Dublin Core ones left out.
        assert_eq!(extracted.problems.len(), 1, "{:?}", extracted.problems);
        assert!(
            extracted.problems[0]
                .reason
                .ends_with("ignored: \"collection\""),
            "{}",
            extracted.problems[0]
        );
    }

    #[test]
    fn a_header_without_text_or_title_skips_the_file() {
        let problem = read("a,b\n1,2\n", "t.csv").unwrap_err();
        assert!(
            problem.reason.contains("no text or title column"),
            "{problem}"
        );
    }

    #[test]
    fn commas_and_quotes() {
        let text = "id,title,text\nr1,\"Uno, dos\",\"Texto con \"\"comillas\"\"\"\n";
        let extracted = read(text, "t.csv").unwrap();
        assert_eq!(
            extracted.drafts[0].meta.text(Field::Title),
            Some("Uno, dos")
        );
        assert_eq!(
            extracted.drafts[0].meta.text(Field::Text),
            Some("Texto con \"comillas\"")
        );
    }
}
