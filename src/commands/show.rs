//! `minga show`: a document or passage by id.

use std::fmt::Write;
use std::process::ExitCode;

use anyhow::bail;
use minga_core::{DateSource, Passage};

use super::IndexDir;
use super::search::source_line;
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The id of a document or of one of its passages (as search results give them).
    pub id: String,
    #[command(flatten)]
    pub index: IndexDir,
    /// Print it as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let engine = args.index.open()?;
    let Some(view) = engine.document(&args.id)? else {
        bail!(
            "no document or passage with id {:?} in {} (ids are shown by `minga search`)",
            args.id,
            args.index.dir.display()
        );
    };
    if args.json {
        terminal::emit_json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    let colour = terminal::colour();
    let first = &view.passages[0];
    let mut out = String::new();
    let _ = writeln!(out, "{}", terminal::bold(&first.title, colour));
    let _ = writeln!(
        out,
        "{}",
        terminal::clean_lines(&metadata(first, &view.parent))
    );
    for p in &view.passages {
        let selected = view.passage.as_ref().is_some_and(|s| s.id == p.id);
        let _ = writeln!(out);
        let marker = if selected { "▶ " } else { "" };
        let heading = p.heading.as_deref().unwrap_or("");
        let label = format!("{marker}[{}] {} {heading}", p.id, p.kind.as_str());
        let _ = writeln!(out, "{}", terminal::bold(label.trim_end(), colour));
        let _ = writeln!(out, "{}", terminal::dim(&source_line(&p.source), colour));
        let _ = writeln!(out, "{}", terminal::clean_lines(p.text.trim()));
    }
    terminal::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn metadata(p: &Passage, parent: &str) -> String {
    let mut lines = vec![format!(
        "id: {parent}   kind: {}   lang: {}",
        p.kind, p.lang
    )];
    let list = |name: &str, values: &[String]| {
        (!values.is_empty()).then(|| format!("{name}: {}", values.join(", ")))
    };
    lines.extend(p.country.as_ref().map(|c| format!("country: {c}")));
    lines.extend(list("regions", &p.regions));
    lines.extend(list("institutions", &p.institutions));
    lines.extend(p.date.map(|d| {
        let source = match p.date_source {
            Some(DateSource::File) => " (the file's creation date)",
            Some(DateSource::Text) => " (written in the document)",
            _ => "",
        };
        format!("date: {d}{source}")
    }));
    lines.extend(p.event.as_ref().map(|e| format!("event: {e}")));
    lines.extend(p.location.as_ref().map(|l| format!("location: {l}")));
    lines.extend(list("topics", &p.topics));
    lines.extend(list("authors", &p.authors));
    lines.extend(p.edition_of.as_ref().map(|o| format!("edition of: {o}")));
    lines.push(format!("source: {}", p.source.path));
    lines.join("\n")
}
