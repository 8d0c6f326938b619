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
        let _ = writeln!(out, "{}", passage_text(p, colour));
    }
    terminal::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// A passage's text for a terminal, a lesson's parts labelled where each starts in it: the
/// text holds them as paragraphs (with a record's narrative, if any), their labels dropped.
/// A part the text does not hold is added after it.
fn passage_text(p: &Passage, colour: bool) -> String {
    let text = p.text.trim();
    let Some(parts) = &p.lesson else {
        return terminal::clean_lines(text).into_owned();
    };
    let parts = [
        ("Lesson", Some(parts.lesson.as_str())),
        ("Context", parts.context.as_deref()),
        ("Recommendation", parts.recommendation.as_deref()),
    ];
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (label, part) in parts {
        let Some(part) = part.map(str::trim).filter(|part| !part.is_empty()) else {
            continue;
        };
        match text.find(part) {
            Some(start) => found.push((start, start + part.len(), label)),
            None => missing.push((label, part)),
        }
    }
    found.sort_unstable();
    let mut out = String::new();
    let (mut from, mut covered) = (0, 0);
    for (start, end, label) in found {
        // A part inside another (a lesson that is the whole text) keeps the outer label.
        if start < covered {
            continue;
        }
        out.push_str(&terminal::clean_lines(&text[from..start]));
        out.push_str(&terminal::bold(&format!("{label}:"), colour));
        out.push(' ');
        (from, covered) = (start, end);
    }
    out.push_str(&terminal::clean_lines(&text[from..]));
    for (label, part) in missing {
        out.push_str("\n\n");
        out.push_str(&terminal::bold(&format!("{label}:"), colour));
        out.push(' ');
        out.push_str(&terminal::clean_lines(part));
    }
    out
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
