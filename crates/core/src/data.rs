//! Reading the CSV data files (gazetteer, institutions, glossary).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// Opens a data file, naming it in the error.
pub(crate) fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The rows of a CSV data file with 1-based line numbers, each row holding the columns named
/// in `header`, in that order, whatever order the file's header gives them. Missing optional
/// columns read as empty; a missing first column is an error.
pub(crate) fn parse_rows(
    reader: impl Read,
    path: &Path,
    header: &[&str],
) -> Result<Vec<(u64, Vec<String>)>> {
    let error = |line: u64, message: String| Error::DataFile {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(reader);
    let columns: Vec<Option<usize>> = {
        let found = csv.headers().map_err(|e| error(1, e.to_string()))?;
        header
            .iter()
            .map(|name| found.iter().position(|h| h.eq_ignore_ascii_case(name)))
            .collect()
    };
    if columns[0].is_none() {
        return Err(error(
            1,
            format!(
                "the first line must be the header ({}): it has no {:?} column",
                header.join(","),
                header[0]
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row = columns
            .iter()
            .map(|c| c.and_then(|i| record.get(i)).unwrap_or("").to_string())
            .collect();
        rows.push((line, row));
    }
    Ok(rows)
}

/// The items of a `|`-separated list cell, trimmed, empty ones dropped.
pub(crate) fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}
