//! Briefs: the lessons a search found, grouped by region and institution, each quoted with
//! a numbered citation, followed by the list of sources a reader can check every quote in;
//! rendered as Markdown, HTML (printable on A4), CSV, JSON and RIS.
//!
//! [`Brief::assemble`] and the renderers are pure: they arrange and render what they are
//! handed, with no I/O. [`search::brief`] is the one step that reads the index: it runs the
//! search for lessons, fetches each lesson's document and passes them on; `minga brief` and
//! `GET /api/brief` both call it. The date a brief was made is passed in too, so the same
//! input always gives the same output, byte for byte.
//!
//! ```
//! use minga_brief::{Brief, Corpus, Format, Order, Scope};
//! use minga_core::{Date, Lang};
//!
//! let scope = Scope {
//!     query: "articulación".into(),
//!     filters: Vec::new(),
//!     order: Order::Relevance,
//!     limit: 20,
//!     matching: 0,
//!     corpus: Corpus { documents: 0, passages: 0 },
//!     generated: Date::from_ymd(2024, 5, 2).expect("a valid date"),
//! };
//! let brief = Brief::assemble(None, scope, Vec::new(), Lang::Es);
//! let markdown = Format::Markdown.render(&brief);
//! assert!(markdown.starts_with("# Lecciones aprendidas: articulación\n"));
//! ```

mod assemble;
mod describe;
mod error;
mod format;
mod html;
mod labels;
mod markdown;
mod model;
mod ris;
#[cfg(test)]
mod sample;
pub mod search;
mod table;
mod text;

pub use assemble::Found;
pub use error::{Error, Result};
pub use format::Format;
pub use model::{
    Brief, Citation, Corpus, Filter, FilterName, InstitutionGroup, Lesson, Location, Order,
    RegionGroup, Scope, Source,
};
