//! The shared vocabulary of Minga: what a document and a passage are, and the data files that
//! make their metadata canonical (the gazetteer of regions, the directory of institutions and
//! the bilingual glossary, which also names topics).
//!
//! This crate owns the document model that readers produce and the engine indexes. It has no
//! search engine, no HTTP and no file-format parsing; its only I/O is reading its own data files.

mod data;
mod date;
mod durable;
mod error;
mod fold;
mod gazetteer;
mod glossary;
mod ids;
mod institutions;
mod lang;
mod mentions;
mod model;
mod normalize;
mod topics;

pub use date::{Date, DateSource, MONTHS_EN, MONTHS_ES, Precision};
pub use durable::sync_folder;
pub use error::{Error, Result};
pub use fold::{fold, fold_into, fold_key};
pub use gazetteer::{Gazetteer, HOME_COUNTRIES, Place, is_world_area};
pub use glossary::{Concept, Glossary};
pub use ids::{IdDigest, Ids, id_digest};
pub use institutions::{Institution, Institutions};
pub use lang::Lang;
pub use mentions::{MentionIndex, Mentions};
pub use model::{
    Block, Document, Kind, LessonParts, ListItem, Passage, Section, SourceRef, TitleSource,
    render_blocks,
};
pub use normalize::{
    DATA_FILES, GAZETTEER_FILE, GLOSSARY_FILE, INSTITUTIONS_FILE, METADATA_RULES, Normalizer,
    Warning, built_in_data,
};
pub use topics::{Topics, topic_key};
