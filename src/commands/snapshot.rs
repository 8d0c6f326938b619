//! `minga snapshot DIR`: a consistent backup of the corpus and its index, taken while a
//! server keeps answering and writing.

use std::process::ExitCode;

use anyhow::Context;

use super::{CorpusDir, IndexDir};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// New folder for the copy: DIR/index and DIR/corpus. Restore by pointing `--index` and
    /// `--corpus` at them (`minga serve --index DIR/index --corpus DIR/corpus`).
    pub dir: std::path::PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub corpus: CorpusDir,
    /// Print what was copied as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let taken = minga_pipeline::snapshot(&args.corpus.dir, &args.index.dir, &args.dir)
        .with_context(|| format!("cannot take a snapshot into {}", args.dir.display()))?;
    if args.json {
        terminal::emit_json(&serde_json::to_value(taken)?)?;
    } else {
        terminal::emit(&format!(
            "snapshot in {}: index {} files, {:.1} MB (commit {}); corpus {} files, {:.1} MB; \
             {:.1} s\n",
            args.dir.display(),
            taken.index_files,
            taken.index_bytes as f64 / 1e6,
            taken.opstamp,
            taken.corpus_files,
            taken.corpus_bytes as f64 / 1e6,
            taken.elapsed.as_secs_f64()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
