use std::path::PathBuf;

/// Errors of the document model and its data files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A data file (gazetteer, institutions, glossary) could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A row of a data file is malformed; `line` is 1-based.
    #[error("{path}:{line}: {message}")]
    DataFile {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// A value that should be a date is not one of the accepted forms.
    #[error("invalid date {0:?}: expected YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY")]
    InvalidDate(String),
    /// A value that should be a document kind is not one.
    #[error("unknown kind {0:?}: expected session_note, agency_profile, report, lesson or other")]
    InvalidKind(String),
    /// A value that should be a language is not one Minga knows.
    #[error("unknown language {0:?}: expected an ISO 639-1 code (es, en, fr, pt, de…) or a name")]
    InvalidLang(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
