//! One module per command: each parses nothing itself, takes its typed arguments and calls
//! the libraries.

pub mod brief;
pub mod check;
pub mod eval;
pub mod facets;
pub mod index;
pub mod search;
pub mod serve;
pub mod show;
pub mod snapshot;

use std::path::PathBuf;

use anyhow::Context;
use minga_engine::Engine;

/// Where the index lives; every command takes it.
#[derive(Debug, Clone, clap::Args)]
pub struct IndexDir {
    /// Index folder.
    #[arg(
        long = "index",
        id = "index",
        env = "MINGA_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
}

impl IndexDir {
    /// Opens the index for searching; a missing or incompatible index says which command
    /// fixes it.
    pub fn open(&self) -> anyhow::Result<Engine> {
        Engine::open(&self.dir)
            .with_context(|| format!("cannot open the index at {}", self.dir.display()))
    }
}

/// Where the corpus lives.
#[derive(Debug, Clone, clap::Args)]
pub struct CorpusDir {
    /// Corpus folder.
    #[arg(
        long = "corpus",
        id = "corpus",
        env = "MINGA_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
}
