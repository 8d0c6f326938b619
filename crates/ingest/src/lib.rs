//! Minga's readers: the files of a corpus folder, in every supported format, into
//! [`minga_core::Document`]s, and documents into [`minga_core::Passage`]s.
//!
//! [`discover`] lists a corpus's files; a [`Reader`] turns each file's bytes into normalised
//! documents, reporting what it skipped or repaired as [`Problem`]s instead of failing;
//! [`passages()`] splits a document into the pieces the engine indexes, lessons learned
//! among them; [`detect_lang`] tells their language.
//!
//! Formats: Markdown (YAML front matter), JSON, JSON Lines, CSV, plain text, HTML, PDF and
//! DOCX. Folder metadata comes from `_meta.yaml` sidecars.
//!
//! This crate knows nothing of the search engine, HTTP or the command line; it depends only
//! on `minga-core` and on format parsers, and it never prints (logs go through `tracing`).

mod blocks;
mod chatter;
mod dating;
mod decode;
mod delimited;
mod discover;
mod docx;
mod draft;
mod error;
mod format;
mod guard;
mod html;
mod ids;
mod json;
mod lang;
mod lessons;
mod markdown;
mod meta;
mod passages;
mod pdf;
mod problem;
mod reader;
mod sidecar;
mod stream;
mod text;
mod titles;

pub use discover::{Discovery, SourceFile, discover};
pub use docx::{MAX_COMPRESSION_RATIO, MAX_PART_BYTES};
pub use error::{Error, Result};
pub use format::Format;
pub use html::{MAX_HTML_DEPTH, MAX_HTML_NESTING};
pub use lang::{DETECT_WORDS, detect_lang};
pub use meta::MAX_YAML_DEPTH;
pub use passages::{MAX_PASSAGE_WORDS, passages};
pub use pdf::{MAX_PDF_INFLATE_RATIO, MAX_PDF_INFLATED_BYTES, MAX_PDF_TEXT_BYTES};
pub use problem::{Problem, Severity};
pub use reader::{
    DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_RECORD_BYTES, FileOutcome, ReadOptions, Reader,
};
pub use sidecar::SIDECAR_NAMES;
pub use stream::{LINE_BATCH_BYTES, LineBatches};
pub use text::MAX_TITLE_CHARS;
