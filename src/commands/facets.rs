//! `minga facets`: every facet value in the index, with counts.

use std::fmt::Write;
use std::process::ExitCode;

use minga_engine::FacetName;

use super::IndexDir;
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub index: IndexDir,
    /// Print them as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let engine = args.index.open()?;
    let facets = engine.facets()?;
    if args.json {
        terminal::emit_json(&facets)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for facet in FacetName::ALL {
        let Some(counts) = facets.get(facet.as_str()) else {
            continue;
        };
        let _ = writeln!(out, "{facet}:");
        for (value, count) in counts {
            let value = terminal::clean(value);
            let _ = writeln!(out, "  {value:<40} {count:>6}");
        }
    }
    terminal::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
