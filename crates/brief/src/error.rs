//! What can go wrong when asking for a brief.

/// Errors of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A format name that is not one of [`crate::Format::ALL`].
    #[error("unknown brief format {0:?}: expected md, html, json, csv or ris")]
    UnknownFormat(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
