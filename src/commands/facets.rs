//! `minga facets`: every facet value in the index, with counts.

use std::process::ExitCode;

use minga_engine::FacetName;

use super::IndexDir;

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
        println!("{}", serde_json::to_string_pretty(&facets)?);
        return Ok(ExitCode::SUCCESS);
    }
    for facet in FacetName::ALL {
        let Some(counts) = facets.get(facet.as_str()) else {
            continue;
        };
        println!("{facet}:");
        for (value, count) in counts {
            println!("  {value:<40} {count:>6}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
