//! The query language and its translation into tantivy queries.

pub(crate) mod build;
mod parse;

pub use parse::{
    Clause, FieldFilter, MAX_DEPTH, MAX_QUERY_BYTES, Node, Occur, QueryError, completed, parse,
};
