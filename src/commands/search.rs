//! `minga search`: ranked hits with snippets and facet counts.

use std::fmt::Write;
use std::process::ExitCode;

use minga_core::{Date, DateSource, Kind, Lang, SourceRef};
use minga_engine::{
    ExpansionRule, FacetCounts, FacetName, Filters, SearchRequest, SearchResponse, Sort,
};

use super::{IndexDir, ModelFile, QueryWords};
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub query: QueryWords,
    #[command(flatten)]
    pub index: IndexDir,
    /// Only this region or country (repeat for several: any of them).
    #[arg(long, value_name = "R")]
    pub region: Vec<String>,
    /// Only this institution (repeat for several).
    #[arg(long, value_name = "I")]
    pub institution: Vec<String>,
    /// Only this kind: session_note, agency_profile, report, lesson, other (repeatable).
    #[arg(long, value_name = "K")]
    pub kind: Vec<Kind>,
    /// Only this language: a code (es, en, fr, pt, de, cs, ja…) or a name (francés, French).
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
    /// relevance or date (newest first).
    #[arg(long, default_value = "relevance")]
    pub sort: Sort,
    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Search the words only as typed (with their stems and accents): no acronym, glossary,
    /// dictionary or typo expansion.
    #[arg(long)]
    pub no_expand: bool,
    #[command(flatten)]
    pub model: ModelFile,
    /// One hit per matching passage, instead of one per document.
    #[arg(long)]
    pub no_group: bool,
    /// Every copy of a text as a hit of its own (editions of one report, a lesson quoted in
    /// several documents), instead of one hit that lists where else it appears.
    #[arg(long)]
    pub all_copies: bool,
    /// End with the counts of each facet (region, institution, kind…) among the results: its
    /// most frequent values, or every value with `--facets all`.
    #[arg(long, value_name = "all", num_args = 0..=1, default_missing_value = "top")]
    pub facets: Option<FacetValues>,
    /// Print the full response as JSON (with every facet's counts).
    #[arg(long)]
    pub json: bool,
}

/// How many values of each facet `--facets` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FacetValues {
    /// The [`TOP_FACET_VALUES`] most frequent, then how many more there are.
    Top,
    /// Every value.
    All,
}

/// Values of a facet `--facets` prints before "… and N more": enough to see where the
/// results are, few enough that a facet of 130 topics stays one short line.
pub const TOP_FACET_VALUES: usize = 8;

impl Args {
    pub fn request(&self) -> SearchRequest {
        SearchRequest {
            query: self.query.text(),
            filters: Filters {
                regions: self.region.clone(),
                institutions: self.institution.clone(),
                kinds: self.kind.clone(),
                langs: self.lang.clone(),
                topics: self.topic.clone(),
                years: self.year.clone(),
                from: self.from,
                to: self.to,
            },
            sort: self.sort,
            offset: self.offset,
            limit: self.limit,
            // Counting facets costs time: only when they are shown.
            facets: if self.json || self.facets.is_some() {
                FacetName::ALL.to_vec()
            } else {
                Vec::new()
            },
            expand: !self.no_expand,
            group: !self.no_group,
            dedupe: !self.all_copies,
            typing: false,
            semantic: true,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let engine = args.model.attach(args.index.open()?)?;
    let response = engine.search(&args.request())?;
    if args.json {
        terminal::emit_json(&response)?;
    } else {
        terminal::emit(&render(
            &response,
            &args.request().filters,
            args.facets,
            terminal::colour(),
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Where a passage comes from, as `path:line`, `path p. 3` and `§ heading`.
pub fn source_line(source: &SourceRef) -> String {
    let mut out = source.path.clone();
    if let Some(line) = source.line {
        let _ = write!(out, ":{line}");
    }
    if let Some(page) = source.page {
        let _ = write!(out, " p. {page}");
    }
    out
}

/// The filters of a search as ` [region: biobio; kind: lesson]`, empty without filters.
pub fn scope(filters: &Filters) -> String {
    let mut scope = Vec::new();
    if !filters.is_empty() {
        for (name, values) in [
            ("region", &filters.regions),
            ("institution", &filters.institutions),
            ("topic", &filters.topics),
        ] {
            if !values.is_empty() {
                scope.push(format!("{name}: {}", values.join(" or ")));
            }
        }
        if !filters.kinds.is_empty() {
            let kinds: Vec<_> = filters.kinds.iter().map(|k| k.as_str()).collect();
            scope.push(format!("kind: {}", kinds.join(" or ")));
        }
        if !filters.langs.is_empty() {
            let langs: Vec<_> = filters.langs.iter().map(|l| l.code()).collect();
            scope.push(format!("lang: {}", langs.join(" or ")));
        }
        if let Some(from) = filters.from {
            scope.push(format!("from {from}"));
        }
        if let Some(to) = filters.to {
            scope.push(format!("to {to}"));
        }
    }
    if scope.is_empty() {
        String::new()
    } else {
        format!(" [{}]", terminal::clean(&scope.join("; ")))
    }
}

fn render(
    r: &SearchResponse,
    filters: &Filters,
    facets: Option<FacetValues>,
    colour: bool,
) -> String {
    let mut out = String::new();
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}–{}", r.offset + 1, r.offset + r.hits.len())
    };
    let scope = scope(filters);
    let _ = writeln!(
        out,
        "{} result{} for {:?}{scope}{shown} ({:.1} ms)",
        r.total,
        if r.total == 1 { "" } else { "s" },
        terminal::clean(&r.parsed),
        r.took_ms
    );
    if !r.unmatched.is_empty() {
        let words: Vec<_> = r.unmatched.iter().map(|w| terminal::clean(w)).collect();
        let _ = writeln!(out, "No results for: {}", words.join(", "));
    }
    if let Some(suggestion) = &r.suggestion {
        let _ = writeln!(out, "Did you mean: {}", terminal::clean(suggestion));
    }
    // Stems are how every word is matched, not news (`--json` lists them).
    let expanded: Vec<_> = r
        .expanded
        .iter()
        .filter(|e| !matches!(e.rule, ExpansionRule::Stem | ExpansionRule::Question))
        .collect();
    if !expanded.is_empty() {
        let rules: Vec<String> = expanded
            .iter()
            .map(|e| {
                let rule = serde_json::to_value(e.rule)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                format!("{} → {} ({rule})", e.from, e.to.join(", "))
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            terminal::dim(&format!("Also searched: {}", rules.join("; ")), colour)
        );
    }
    let unsearched: Vec<_> = r
        .expanded
        .iter()
        .filter(|e| e.rule == ExpansionRule::Question)
        .map(|e| terminal::clean(&e.from))
        .collect();
    if !unsearched.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            terminal::dim(
                &format!(
                    "Not searched (they say what the question asks for): {}",
                    unsearched.join(", ")
                ),
                colour
            )
        );
    }
    for (i, hit) in r.hits.iter().enumerate() {
        let _ = writeln!(out);
        let mut meta = vec![hit.kind.as_str().to_string(), hit.lang.code().to_string()];
        if let Some(date) = hit.date {
            meta.push(match hit.date_source {
                Some(DateSource::File) => format!("{date} (file date)"),
                _ => date.to_string(),
            });
        }
        // A lesson found inside a document goes by its own title, the document's after it.
        let lesson_title = hit.heading.as_ref().filter(|_| hit.kind == Kind::Lesson);
        let _ = writeln!(
            out,
            "{:>3}. {}  {}",
            r.offset + i + 1,
            terminal::bold(lesson_title.unwrap_or(&hit.title), colour),
            terminal::dim(&format!("[{}]", meta.join(" · ")), colour)
        );
        let mut context = Vec::new();
        match (lesson_title, &hit.heading) {
            (Some(_), _) => context.push(format!("lesson from: {}", hit.title)),
            (None, Some(heading)) => context.push(format!("§ {heading}")),
            (None, None) => {}
        }
        if !hit.regions.is_empty() {
            context.push(hit.regions.join(", "));
        }
        if !hit.institutions.is_empty() {
            context.push(hit.institutions.join(", "));
        }
        if !context.is_empty() {
            let _ = writeln!(out, "     {}", terminal::clean(&context.join(" — ")));
        }
        for (n, snippet) in hit.snippets.iter().enumerate() {
            let lead = if n == 0 { "     " } else { "     … " };
            let _ = writeln!(out, "{lead}{}", terminal::snippet(&snippet.html, colour));
        }
        if hit.snippets.is_empty() {
            let _ = writeln!(out, "     {}", terminal::snippet(&hit.snippet, colour));
        }
        if hit.matches > 1 {
            let _ = writeln!(
                out,
                "     {}",
                terminal::dim(
                    &format!(
                        "+{} more matching passage{} in this document: {}",
                        hit.matches - 1,
                        if hit.matches == 2 { "" } else { "s" },
                        hit.other_passages.join(", ")
                    ),
                    colour
                )
            );
        }
        if !hit.duplicates.is_empty() {
            let places: Vec<String> = hit
                .duplicates
                .iter()
                .map(|d| format!("{} ({})", source_line(&d.source), d.id))
                .collect();
            let _ = writeln!(
                out,
                "     also in: {}",
                terminal::clean(&places.join(" · "))
            );
        }
        let _ = writeln!(
            out,
            "     {}",
            terminal::dim(
                &format!("id: {}   source: {}", hit.id, source_line(&hit.source)),
                colour
            )
        );
    }
    if let Some(shown) = facets.filter(|_| r.total > 0) {
        let _ = writeln!(out, "\nFacets:");
        for facet in FacetName::ALL {
            let Some(counts) = r.facets.get(facet.as_str()) else {
                continue;
            };
            if counts.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "  {:<12} {}",
                format!("{facet}:"),
                terminal::clean(&facet_values(counts, shown))
            );
        }
    }
    out
}

/// A facet's values with their counts, the most frequent first (ties in the order of their
/// names), cut at [`TOP_FACET_VALUES`] unless every value is asked for.
fn facet_values(counts: &FacetCounts, shown: FacetValues) -> String {
    let mut counts: Vec<_> = counts.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let keep = match shown {
        FacetValues::Top => TOP_FACET_VALUES,
        FacetValues::All => counts.len(),
    };
    let mut values: Vec<String> = counts
        .iter()
        .take(keep)
        .map(|(value, count)| format!("{value} ({count})"))
        .collect();
    if counts.len() > keep {
        values.push(format!("… and {} more", counts.len() - keep));
    }
    values.join(", ")
}
