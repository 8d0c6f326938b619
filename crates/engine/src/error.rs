use std::path::PathBuf;

use crate::query::QueryError;

/// Errors of the engine. [`Error::is_user_error`] tells the caller's mistakes (a bad query, a
/// filter naming nothing, an unknown id) from failures of the index itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// There is no index where one was expected.
    #[error("no index at {path}: run `minga index` to build it")]
    MissingIndex { path: PathBuf },
    /// The index was written by a version of Minga with another schema or analyzers.
    #[error(
        "the index at {path} was built by an incompatible version of Minga ({found}); \
         run `minga index --rebuild` to rebuild it"
    )]
    IncompatibleIndex { path: PathBuf, found: String },
    /// Files of the index are missing or garbled (a disk fault, a copy cut short, a hand
    /// that edited it): it cannot be trusted.
    #[error(
        "the index at {path} is damaged ({what}); run `minga index` to rebuild it from the \
         corpus (it keeps the damaged one aside; `minga serve` does the same by itself)"
    )]
    Damaged { path: PathBuf, what: String },
    /// Another process holds the index's writer lock.
    #[error(
        "the index at {path} is locked by another indexer; wait for it to finish and try again"
    )]
    Locked { path: PathBuf },
    /// A folder that is neither empty nor an index was given as the index location.
    #[error("{path} is not empty and holds no Minga index; refusing to write an index there")]
    NotAnIndex { path: PathBuf },
    /// The query could not be parsed.
    #[error("invalid query: {0}")]
    Query(#[from] QueryError),
    /// A filter names nothing the index knows, or is malformed.
    #[error("invalid {name} filter {value:?}: {message}")]
    Filter {
        name: &'static str,
        value: String,
        message: String,
    },
    /// A request parameter is out of range.
    #[error("invalid parameter {name}: {message}")]
    Parameter { name: &'static str, message: String },
    /// A file or folder of the index could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A data file (gazetteer, institutions, glossary) is malformed.
    #[error(transparent)]
    Data(#[from] minga_core::Error),
    /// A stored record could not be decoded: the index is damaged.
    #[error("damaged record in the index: {0}")]
    Corrupt(String),
    /// Tantivy failed.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// Whether the caller caused the error (and should be told so with a 4xx), as opposed to
    /// the index or the machine failing.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Query(_) | Error::Filter { .. } | Error::Parameter { .. }
        )
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
