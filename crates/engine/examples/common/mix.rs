//! The benchmark query mix (`bench/queries.tsv`) and latency statistics, shared by the
//! `querymix` and `peer_tantivy` examples and the `query` bench.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use minga_engine::{FacetName, SearchRequest};
use serde_json::{Value, json};

/// One query of the mix.
#[derive(Debug, Clone)]
pub struct MixQuery {
    pub category: String,
    pub query: String,
    /// `name=value` pairs, as in `GET /api/search` (values not percent-encoded).
    pub params: Vec<(String, String)>,
}

impl MixQuery {
    /// The values of a parameter.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(',').filter(|s| !s.is_empty()))
            .collect()
    }

    /// The Minga search of this line: its query, filters and facets.
    pub fn request(&self) -> Result<SearchRequest, Box<dyn std::error::Error>> {
        let mut request = SearchRequest::new(self.query.clone());
        let f = &mut request.filters;
        f.regions = self
            .values("region")
            .into_iter()
            .map(String::from)
            .collect();
        f.institutions = self
            .values("institution")
            .into_iter()
            .map(String::from)
            .collect();
        f.topics = self.values("topic").into_iter().map(String::from).collect();
        for kind in self.values("kind") {
            f.kinds.push(kind.parse()?);
        }
        for lang in self.values("lang") {
            f.langs.push(lang.parse()?);
        }
        for year in self.values("year") {
            f.years.push(year.parse()?);
        }
        let facets = self.values("facets");
        request.facets = if facets == ["all"] {
            FacetName::ALL.to_vec()
        } else {
            facets
                .into_iter()
                .map(str::parse)
                .collect::<Result<Vec<FacetName>, String>>()?
        };
        Ok(request)
    }
}

/// Reads `category<TAB>query<TAB>params` lines, skipping blank lines and `#` comments.
pub fn load(path: &Path) -> Result<Vec<MixQuery>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut mix = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let category = cols.next().unwrap_or_default().to_string();
        let query = cols.next().unwrap_or_default().to_string();
        let params = cols
            .next()
            .unwrap_or_default()
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        mix.push(MixQuery {
            category,
            query,
            params,
        });
    }
    Ok(mix)
}

/// Options of a latency run: `--runs N` (timed passes over the mix, default 20) and
/// `--warmup N` (untimed passes first, default 2).
pub struct RunOptions {
    pub runs: usize,
    pub warmup: usize,
}

impl RunOptions {
    pub fn from_args(args: &[String]) -> Result<RunOptions, Box<dyn std::error::Error>> {
        let mut options = RunOptions {
            runs: 20,
            warmup: 2,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--runs" => options.runs = it.next().ok_or("--runs N")?.parse()?,
                "--warmup" => options.warmup = it.next().ok_or("--warmup N")?.parse()?,
                other => return Err(format!("unknown option {other}").into()),
            }
        }
        Ok(options)
    }
}

/// Runs `search` over the mix, `warmup` untimed passes then `runs` timed ones, and returns the
/// latency report as JSON. `search` is given the query and its index in the mix and returns
/// the number of hits it found.
pub fn measure(
    engine: &str,
    mix: &[MixQuery],
    options: &RunOptions,
    mut search: impl FnMut(usize, &MixQuery) -> Result<usize, Box<dyn std::error::Error>>,
) -> Result<Value, Box<dyn std::error::Error>> {
    for _ in 0..options.warmup {
        for (i, q) in mix.iter().enumerate() {
            search(i, q)?;
        }
    }
    let mut all = Vec::new();
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); mix.len()];
    let mut totals = vec![0usize; mix.len()];
    let started = Instant::now();
    for _ in 0..options.runs {
        for (i, q) in mix.iter().enumerate() {
            let t = Instant::now();
            totals[i] = search(i, q)?;
            let d = t.elapsed();
            all.push(d);
            per_query[i].push(d);
        }
    }
    let wall = started.elapsed();
    let mut categories: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for (q, times) in mix.iter().zip(&per_query) {
        categories.entry(&q.category).or_default().extend(times);
    }
    let categories: BTreeMap<&str, Value> = categories
        .into_iter()
        .map(|(c, mut t)| (c, summary(&mut t)))
        .collect();
    let queries: Vec<Value> = mix
        .iter()
        .zip(per_query.iter_mut())
        .zip(&totals)
        .map(|((q, t), total)| {
            let mut s = summary(t);
            s["category"] = json!(q.category);
            s["query"] = json!(q.query);
            s["params"] = json!(
                q.params
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            );
            s["hits"] = json!(total);
            s
        })
        .collect();
    let mut report = summary(&mut all);
    report["engine"] = json!(engine);
    report["runs"] = json!(options.runs);
    report["queries_per_second"] = json!(all.len() as f64 / wall.as_secs_f64());
    report["categories"] = json!(categories);
    report["queries"] = json!(queries);
    Ok(report)
}

/// Count, mean and percentiles (nearest rank) in milliseconds.
pub fn summary(times: &mut [Duration]) -> Value {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let pct = |p: f64| {
        if times.is_empty() {
            return 0.0;
        }
        let rank = ((p / 100.0) * times.len() as f64).ceil() as usize;
        ms(times[rank.clamp(1, times.len()) - 1])
    };
    let mean = if times.is_empty() {
        0.0
    } else {
        times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64
    };
    json!({
        "count": times.len(),
        "mean_ms": mean,
        "p50_ms": pct(50.0),
        "p90_ms": pct(90.0),
        "p99_ms": pct(99.0),
        "max_ms": times.last().map_or(0.0, |d| ms(*d)),
    })
}
