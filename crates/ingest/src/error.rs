use std::path::PathBuf;

/// Errors that stop a whole run: the corpus folder or its data files cannot be used.
///
/// A bad *document* is never an error: readers report it as a [`crate::Problem`] and go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The corpus folder does not exist or is not a folder.
    #[error("corpus folder {path} not found (or not a folder)")]
    CorpusMissing { path: PathBuf },
    /// The corpus folder (or a data file in it) could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A data file (gazetteer, institutions) is malformed; the message names file and line.
    #[error(transparent)]
    Data(#[from] minga_core::Error),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
