//! Briefs: the lessons a search found, grouped by region and institution, each quoted with
//! a numbered citation, followed by the list of sources a reader can check every quote in;
//! rendered as Markdown, HTML (printable on A4), CSV, JSON and RIS.
//!
//! This crate is pure: it arranges and renders what it is handed. It does no I/O and knows
//! nothing of the search engine, HTTP or the command line; the callers (`minga brief`,
//! `GET /api/brief`) run the search for lessons, fetch each lesson's document and pass them
//! to [`Brief::assemble`]. The date a brief was made is passed in too, so the same input
//! always gives the same output, byte for byte.
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
mod table;
mod text;

pub use assemble::Found;
pub use error::{Error, Result};
pub use format::Format;
pub use model::{
    Brief, Corpus, Filter, FilterName, InstitutionGroup, Lesson, Location, Order, RegionGroup,
    Scope, Source,
};
