//! `minga check`: whether an index can be trusted (every file there and intact, every record
//! readable and consistent) and how far it is behind its corpus.

use std::fmt::Write;
use std::process::ExitCode;

use minga_engine::Engine;
use serde_json::json;

use super::{CorpusDir, IndexDir};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub corpus: CorpusDir,
    /// Check the index alone, not against the corpus.
    #[arg(long)]
    pub no_corpus: bool,
    /// Print what was found as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Exits 0 for a sound index (up to date or not: `minga index` catches up), 1 for a damaged
/// or inconsistent one, saying what to do.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = &args.index.dir;
    let checked = Engine::open(dir).and_then(|engine| {
        let files = engine.verify()?;
        let records = engine.check_records()?;
        Ok((files, records))
    });
    let (files, records) = match checked {
        Ok(found) => found,
        Err(e) => {
            let damaged = matches!(e, minga_engine::Error::Damaged { .. });
            if args.json {
                terminal::emit(&format!(
                    "{}\n",
                    json!({ "sound": false, "damaged": damaged, "error": e.to_string() })
                ))?;
            } else {
                terminal::emit(&format!("{}\n", terminal::clean(&e.to_string())))?;
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let drift = if args.no_corpus {
        None
    } else {
        Some(minga_pipeline::drift(&args.corpus.dir, &records.records)?)
    };
    let sound = records.problems.is_empty();
    if args.json {
        let report = json!({
            "sound": sound,
            "segments": files.segments,
            "segment_files": files.files,
            "files": records.files,
            "documents": records.documents,
            "passages": records.passages,
            "problems": records.problems,
            "corpus": drift,
        });
        terminal::emit_json(&report)?;
    } else {
        let mut out = format!(
            "index at {}: {} segments, {} segment files there, checksums match\n\
             records: {} files, {} documents, {} passages\n",
            dir.display(),
            files.segments,
            files.files,
            records.files,
            records.documents,
            records.passages
        );
        for problem in &records.problems {
            let _ = writeln!(out, "  problem: {}", terminal::clean(problem));
        }
        if let Some(drift) = &drift {
            let _ = writeln!(
                out,
                "corpus at {}: {} files as indexed, {} changed, {} new, {} gone",
                args.corpus.dir.display(),
                drift.same,
                drift.changed.len(),
                drift.new.len(),
                drift.gone.len()
            );
            if drift.built_in {
                let _ = writeln!(
                    out,
                    "  changed: the lists and metadata rules built into Minga (another \
                     release): the next `minga index` reads the corpus anew"
                );
            }
            for (what, paths) in [
                ("changed", &drift.changed),
                ("new", &drift.new),
                ("gone", &drift.gone),
            ] {
                for path in paths.iter().take(20) {
                    let _ = writeln!(out, "  {what}: {}", terminal::clean(path));
                }
                if paths.len() > 20 {
                    let _ = writeln!(out, "  … and {} more {what}", paths.len() - 20);
                }
            }
        }
        let verdict = match (sound, drift.as_ref().is_none_or(|d| d.is_current())) {
            (false, _) => "inconsistent: run `minga index --rebuild` to rebuild it from the corpus",
            (true, true) => "sound",
            (true, false) => "sound, behind the corpus: run `minga index` to bring it up to date",
        };
        let _ = writeln!(out, "{verdict}");
        terminal::emit(&out)?;
    }
    Ok(if sound {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
