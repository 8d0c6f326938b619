//! `minga brief`: the lessons a search finds, grouped and cited, as Markdown, HTML, CSV,
//! JSON or RIS.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use minga_brief::Format;
use minga_brief::search::lessons_only;
use minga_core::{Date, Lang};
use minga_engine::{DEFAULT_LIMIT, Filters, SearchRequest, SearchResponse, Sort};

use super::search::scope;
use super::{IndexDir, ModelFile, QueryWords};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub query: QueryWords,
    #[command(flatten)]
    pub index: IndexDir,
    /// Choose the lessons re-ranked by meaning (see `minga search --model`).
    #[command(flatten)]
    pub model: ModelFile,
    /// Only this region or country (repeat for several: any of them).
    #[arg(long, value_name = "R")]
    pub region: Vec<String>,
    /// Only this institution (repeatable).
    #[arg(long, value_name = "I")]
    pub institution: Vec<String>,
    /// Only documents in this language: es or en (repeatable).
    #[arg(long, value_name = "L")]
    pub lang: Vec<Lang>,
    /// Only this topic (repeatable).
    #[arg(long, value_name = "T")]
    pub topic: Vec<String>,
    /// Only this year (repeatable).
    #[arg(long, value_name = "YYYY")]
    pub year: Vec<i32>,
    /// Dated on or after this day (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE", value_parser = Date::parse_start)]
    pub from: Option<Date>,
    /// Dated on or before this day (a month or a year means its last day).
    #[arg(long, value_name = "DATE", value_parser = Date::parse_end)]
    pub to: Option<Date>,
    /// Which lessons to keep when more match than --limit: relevance or date (newest).
    #[arg(long, default_value = "relevance")]
    pub sort: Sort,
    /// Most lessons in the brief (1 to 100).
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT)]
    pub limit: usize,
    /// md, html (prints on A4), json, csv (one row per lesson) or ris (the sources).
    #[arg(long, short = 'f', default_value = "md")]
    pub format: Format,
    /// Write the brief to this file rather than to standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of the brief's headings and labels: es or en (`--lang` filters documents).
    #[arg(long, value_name = "es|en", default_value = "es", alias = "labels", value_parser = ui_lang)]
    pub ui: Lang,
    /// A title of your own, instead of "Lecciones aprendidas: QUERY — REGION".
    #[arg(long)]
    pub title: Option<String>,
    /// The date the brief says it was generated (default today, UTC), for reproducible
    /// output.
    #[arg(long, env = "MINGA_BRIEF_DATE", value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
    /// Search the words only as typed: no acronym, glossary, dictionary or typo expansion.
    #[arg(long)]
    pub no_expand: bool,
}

impl Args {
    fn request(&self) -> SearchRequest {
        lessons_only(SearchRequest {
            query: self.query.text(),
            filters: Filters {
                regions: self.region.clone(),
                institutions: self.institution.clone(),
                langs: self.lang.clone(),
                topics: self.topic.clone(),
                years: self.year.clone(),
                from: self.from,
                to: self.to,
                ..Filters::default()
            },
            sort: self.sort,
            limit: self.limit,
            expand: !self.no_expand,
            ..SearchRequest::default()
        })
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let engine = args.model.attach(args.index.open()?)?;
    let generated = match args.date {
        Some(date) => date,
        None => Date::today(),
    };
    let request = args.request();
    let brief =
        minga_brief::search::brief(&engine, &request, args.title.clone(), generated, args.ui)?;
    let text = args.format.render(&brief);
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the brief to {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write the brief to standard output")?,
            }
        }
    }
    if brief.lessons.is_empty() {
        // The brief is written all the same (its scope says what was searched); the status
        // and the line on standard error keep a script from passing it on as a finding.
        let response = engine.search(&request)?;
        eprintln!("{}", no_lesson_found(&request, &response));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// What `minga brief` says when no lesson matches: the query and filters, the words that
/// match nothing in the index, and a spelling the index knows.
fn no_lesson_found(request: &SearchRequest, response: &SearchResponse) -> String {
    let mut out = if request.query.trim().is_empty() {
        "no lesson found".to_string()
    } else {
        format!("no lesson found for {:?}", terminal::clean(&request.query))
    };
    // Lessons only is how a brief searches, not a filter its user set.
    let filters = Filters {
        kinds: Vec::new(),
        ..request.filters.clone()
    };
    out.push_str(&scope(&filters));
    if !response.unmatched.is_empty() {
        let words: Vec<_> = response
            .unmatched
            .iter()
            .map(|w| terminal::clean(w))
            .collect();
        out.push_str(&format!(
            "; no passage of the index matches: {}",
            words.join(", ")
        ));
    }
    if let Some(suggestion) = &response.suggestion {
        out.push_str(&format!("\ndid you mean: {}", terminal::clean(suggestion)));
    }
    out
}

/// An interface language: Spanish or English (the brief has labels in no other).
fn ui_lang(s: &str) -> Result<Lang, String> {
    s.parse()
        .ok()
        .filter(|lang| Lang::UI.contains(lang))
        .ok_or_else(|| format!("{s:?}: the labels are in es or en"))
}
