#!/usr/bin/env python3
"""Tables and plots of a `bench/run.sh` run: `bench/report.py OUT [--plots DIR]`.

Reads OUT/results.jsonl (one JSON line a measurement) and OUT/machine.json, prints Markdown
tables to stdout (medians of the runs; every Minga figure beside the peers' and as a ratio to
them; the targets met or missed), and writes two SVG plots to DIR (default OUT):
`query-latency.svg` (in-process p50 and p99 against corpus size, log-log) and
`index-throughput.svg` (indexing MB/s against corpus size). Standard library only.
"""

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ENGINES = {"minga": "Minga", "tantivy": "tantivy", "sqlite": "SQLite FTS5"}
COLORS = {"minga": "#c0392b", "minga-corpus": "#e67e22", "tantivy": "#2471a3",
          "sqlite": "#229954"}


def load(out: Path):
    rows = defaultdict(list)
    for line in (out / "results.jsonl").read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            rows[(r["size"], r["what"])].append(r)
    machine = {}
    if (out / "machine.json").is_file():
        machine = json.loads((out / "machine.json").read_text())
    return rows, machine


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def rfmt(r):
    return "–" if r is None else f"{r:.2f}×"


class Run:
    def __init__(self, rows):
        self.rows = rows
        self.sizes = sorted({size for size, _ in rows})

    def get(self, size, what):
        return self.rows.get((size, what), [])

    def output(self, size, what):
        got = self.get(size, what)
        return got[-1]["output"] if got else None

    def index(self, size, what):
        """Median wall s, MB/s, docs/s, peak RSS MB, CPU s, index bytes/input byte."""
        runs = self.get(size, what)
        if not runs:
            return None
        corpus = self.output(size, "corpus") or {}
        out = runs[-1]["output"]
        if what.startswith("minga"):
            in_bytes = out.get("bytes") or 0
            docs = out.get("total_documents") or 0
        else:
            in_bytes = out.get("bytes") or corpus.get("jsonl_bytes") or 0
            docs = out.get("documents") or 0
        wall = med([r["wall_s"] for r in runs])
        return {
            "wall": wall,
            "cpu": med([r["cpu_s"] for r in runs]),
            "mbps": in_bytes / 1e6 / wall if wall else None,
            "docs_per_s": docs / wall if wall else None,
            "rss_mb": med([r["rss_kb"] for r in runs]) / 1024,
            "ratio_bytes": (med([r["output"].get("index_bytes") for r in runs]) / in_bytes
                            if in_bytes else None),
            "input_mb": in_bytes / 1e6,
            "documents": docs,
            "passages": out.get("total_passages"),
            "runs": len(runs),
        }

    def query(self, size, what):
        return self.output(size, what)


def index_tables(run: Run):
    lines = ["### Indexing: Minga", "",
             "Medians of the runs; MB/s and documents/s are input bytes and documents over the "
             "wall time of the whole `minga index` process; RSS is its peak.", "",
             "| size | input | documents | passages | wall s | MB/s | docs/s | peak RSS MB | "
             "index B / input B | no-change re-index s |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size in run.sizes:
        reindex = med([r["wall_s"] for r in run.get(size, "minga-reindex-nochange")])
        for form, label in (("corpus", "folder"), ("jsonl", "JSONL")):
            m = run.index(size, f"minga-index-{form}")
            if not m:
                continue
            lines.append(
                f"| {size}× | {label} {m['input_mb']:.1f} MB | {m['documents']:,} | "
                f"{m['passages'] or 0:,} | {fmt(m['wall'], 2)} | {fmt(m['mbps'])} | "
                f"{fmt(m['docs_per_s'], 0)} | {fmt(m['rss_mb'], 0)} | {fmt(m['ratio_bytes'], 2)} | "
                f"{fmt(reindex, 2) if form == 'corpus' else ''} |")
    lines += ["", "### Indexing: the same JSONL, Minga and the peers", "",
              "Ratios are Minga's throughput over the peer's (above 1: Minga is faster).", "",
              "| size | MB | Minga s | MB/s | tantivy s | MB/s | SQLite s | MB/s | "
              "Minga ÷ SQLite | Minga ÷ tantivy | peak RSS MB Minga / tantivy / SQLite | "
              "index B/B Minga / tantivy / SQLite |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for size in run.sizes:
        m = run.index(size, "minga-index-jsonl")
        t = run.index(size, "tantivy-index")
        s = run.index(size, "sqlite-index")
        if not (m and t and s):
            continue
        lines.append(
            f"| {size}× | {m['input_mb']:.1f} | {fmt(m['wall'], 2)} | {fmt(m['mbps'])} | "
            f"{fmt(t['wall'], 2)} | {fmt(t['mbps'])} | {fmt(s['wall'], 2)} | {fmt(s['mbps'])} | "
            f"{rfmt(ratio(m['mbps'], s['mbps']))} | {rfmt(ratio(m['mbps'], t['mbps']))} | "
            f"{fmt(m['rss_mb'], 0)} / {fmt(t['rss_mb'], 0)} / {fmt(s['rss_mb'], 0)} | "
            f"{fmt(m['ratio_bytes'], 2)} / {fmt(t['ratio_bytes'], 2)} / {fmt(s['ratio_bytes'], 2)} |")
    return lines


def query_tables(run: Run):
    lines = ["### Query latency in process (ms)", "",
             "The mix of `bench/queries.tsv`, one thread, 20 hits a query; p50 and p99 over "
             "every query of every timed pass. Minga on the index of its corpus folder and on "
             "that of the JSONL (the same documents as the peers). Ratios are Minga (JSONL) "
             "over the peer: below 1, Minga is faster.", "",
             "| size | Minga folder p50 / p99 | Minga JSONL p50 / p99 | tantivy p50 / p99 | "
             "SQLite p50 / p99 | p50 ÷ tantivy | p99 ÷ tantivy | p50 ÷ SQLite | p99 ÷ SQLite |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size in run.sizes:
        mc = run.query(size, "minga-query-corpus")
        mj = run.query(size, "minga-query-jsonl")
        t = run.query(size, "tantivy-query")
        s = run.query(size, "sqlite-query")
        if not (mc and mj and t and s):
            continue
        pair = lambda q: f"{fmt(q['p50_ms'], 2)} / {fmt(q['p99_ms'], 2)}"  # noqa: E731
        lines.append(
            f"| {size}× | {pair(mc)} | {pair(mj)} | {pair(t)} | {pair(s)} | "
            f"{rfmt(ratio(mj['p50_ms'], t['p50_ms']))} | {rfmt(ratio(mj['p99_ms'], t['p99_ms']))} | "
            f"{rfmt(ratio(mj['p50_ms'], s['p50_ms']))} | {rfmt(ratio(mj['p99_ms'], s['p99_ms']))} |")
    largest = run.sizes[-1] if run.sizes else None
    mc = run.query(largest, "minga-query-corpus") if largest else None
    if mc:
        engines = [("Minga folder", mc), ("Minga JSONL", run.query(largest, "minga-query-jsonl")),
                   ("tantivy", run.query(largest, "tantivy-query")),
                   ("SQLite", run.query(largest, "sqlite-query"))]
        engines = [(n, q) for n, q in engines if q]
        lines += ["", f"### By category at {largest}× (p50 / p99 ms)", "",
                  "| category | " + " | ".join(n for n, _ in engines) + " |",
                  "| --- | " + " | ".join("---:" for _ in engines) + " |"]
        for category in mc["categories"]:
            cells = []
            for _, q in engines:
                c = q["categories"].get(category)
                cells.append(f"{fmt(c['p50_ms'], 2)} / {fmt(c['p99_ms'], 2)}" if c else "–")
            lines.append(f"| {category} | " + " | ".join(cells) + " |")
        lines += ["", f"### Slowest queries of Minga (folder index) at {largest}× (p50 ms)", "",
                  "| query | parameters | hits | p50 | p99 |", "| --- | --- | ---: | ---: | ---: |"]
        for q in sorted(mc["queries"], key=lambda q: -q["p50_ms"])[:10]:
            lines.append(f"| `{q['query'] or '(empty)'}` | {q['params'] or ''} | {q['hits']:,} | "
                         f"{fmt(q['p50_ms'], 2)} | {fmt(q['p99_ms'], 2)} |")
    return lines


def http_table(run: Run):
    lines = ["### HTTP: `GET /api/search` under load", "",
             "wrk cycling through the mix's 42 requests on 127.0.0.1 against `minga serve` (index "
             "of the corpus folder); wrk runs on the same 2 cores as the server. *searched*: "
             "remembered answers off (`--answer-cache-mb 0`), every request is a search; "
             "*default*: as served by default, where a repeated request is a remembered answer; "
             "*plain tantivy*: the peer's HTTP server (`peer_tantivy serve`, axum, the same URLs, "
             "top 20 with snippets and the facets asked, every request searched) on its index of "
             "the JSONL. RSS: idle after start, after one warm-up pass, under load (median and max "
             "of 1 s samples), peak (VmHWM).", "",
             "| size | server | connections | requests/s | p50 ms | p99 ms | max ms | errors | "
             "RSS MB idle / warm / load median / load max / peak |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for size in run.sizes:
        for what, label in (("http", "Minga, searched"), ("http-remembered", "Minga, default"),
                            ("tantivy-http", "plain tantivy")):
            h = run.output(size, what)
            if not h:
                continue
            errors = sum(h["errors"].values())
            mb = lambda k: fmt(h[k] / 1024, 0)  # noqa: E731
            lines.append(
                f"| {size}× | {label} | {h['connections']} | {fmt(h['requests_per_second'], 0)} | "
                f"{fmt(h['p50_ms'], 2)} | {fmt(h['p99_ms'], 2)} | {fmt(h['max_ms'], 1)} | "
                f"{errors} | {mb('rss_idle_kb')} / {mb('rss_warm_kb')} / "
                f"{mb('rss_load_median_kb')} / {mb('rss_load_max_kb')} / {mb('rss_hwm_kb')} |")
    return lines


def slope(run: Run, what, key):
    """Exponent b of latency ∝ size^b between the smallest and the largest size."""
    points = [(s, run.query(s, what)) for s in run.sizes]
    points = [(s, q[key]) for s, q in points if q and q[key] > 0]
    if len(points) < 2 or points[0][0] == points[-1][0]:
        return None
    (s0, v0), (s1, v1) = points[0], points[-1]
    return math.log(v1 / v0) / math.log(s1 / s0)


def targets(run: Run):
    lines = ["### The targets", "", "| target | measured | met? |", "| --- | --- | --- |"]

    def row(target, measured, ok):
        lines.append(f"| {target} | {measured} | {'yes' if ok else 'no' if ok is not None else '–'} |")

    for size in run.sizes:
        m = run.index(size, "minga-index-jsonl")
        s = run.index(size, "sqlite-index")
        t = run.index(size, "tantivy-index")
        if m and s:
            r = ratio(m["mbps"], s["mbps"])
            row(f"indexing ≥ SQLite FTS5 at {size}×",
                f"{fmt(m['mbps'])} vs {fmt(s['mbps'])} MB/s ({rfmt(r)})", r >= 1 if r else None)
        if m and t:
            r = ratio(t["wall"], m["wall"])
            row(f"indexing within 2× of tantivy at {size}×",
                f"{fmt(m['wall'], 2)} vs {fmt(t['wall'], 2)} s (Minga takes {rfmt(1 / r)})",
                r >= 0.5 if r else None)
    for size, limit in ((100, 5.0), (1000, 50.0)):
        q = run.query(size, "minga-query-corpus")
        if q:
            row(f"in-process p99 < {limit:g} ms at {size}×", f"{fmt(q['p99_ms'], 2)} ms "
                f"(folder index; JSONL index {fmt(run.query(size, 'minga-query-jsonl')['p99_ms'], 2)} ms)",
                q["p99_ms"] < limit)
    for size in run.sizes:
        mj, s = run.query(size, "minga-query-jsonl"), run.query(size, "sqlite-query")
        if mj and s:
            row(f"queries faster than SQLite FTS5 at {size}× (p50, p99)",
                f"{fmt(mj['p50_ms'], 2)} vs {fmt(s['p50_ms'], 2)}; {fmt(mj['p99_ms'], 2)} vs "
                f"{fmt(s['p99_ms'], 2)} ms", mj["p50_ms"] < s["p50_ms"] and mj["p99_ms"] < s["p99_ms"])
    for what, how in (("http", "every request searched"),
                      ("http-remembered", "repeated requests remembered")):
        h = run.output(100, what)
        if h:
            row(f"HTTP ≥ 3,000 requests/s with p99 < 20 ms at 100× ({how})",
                f"{fmt(h['requests_per_second'], 0)} requests/s, p99 {fmt(h['p99_ms'], 1)} ms",
                h["requests_per_second"] >= 3000 and h["p99_ms"] < 20)
    for size in run.sizes:
        h, t = run.output(size, "http"), run.output(size, "tantivy-http")
        if h and t:
            r = ratio(h["requests_per_second"], t["requests_per_second"])
            row(f"HTTP ≥ 0.5× the plain-tantivy HTTP server's throughput at {size}× "
                f"(every request searched)",
                f"{fmt(h['requests_per_second'], 0)} vs {fmt(t['requests_per_second'], 0)} "
                f"requests/s ({rfmt(r)})", r >= 0.5 if r else None)
    for key in ("p50_ms", "p99_ms"):
        b = slope(run, "minga-query-corpus", key)
        if b is not None:
            row(f"query {key[:3]} grows sub-linearly with size",
                f"∝ size^{b:.2f} from {run.sizes[0]}× to {run.sizes[-1]}×", b < 1)
    return lines


# --- plots ----------------------------------------------------------------------------------

def svg_plot(path: Path, title, xlabel, ylabel, series, logy=True):
    """A log-x (and log-y) line plot: series is [(label, colour, dashed, [(x, y)])]."""
    w, h, left, right, top, bottom = 720, 440, 70, 190, 40, 55
    pts = [(x, y) for _, _, _, p in series for x, y in p if x > 0 and (y > 0 or not logy)]
    if not pts:
        return
    tx = lambda v: math.log10(v)  # noqa: E731
    ty = (lambda v: math.log10(v)) if logy else (lambda v: v)  # noqa: E731
    xs, ys = [tx(x) for x, _ in pts], [ty(y) for _, y in pts]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    if x0 == x1:
        x1 = x0 + 1
    if logy:
        y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
        if y0 == y1:
            y1 = y0 + 1
    else:
        y0, y1 = 0.0, max(ys) * 1.15 or 1.0
    pw, ph = w - left - right, h - top - bottom
    px = lambda v: left + (tx(v) - x0) / (x1 - x0) * pw  # noqa: E731
    py = lambda v: top + ph - (ty(v) - y0) / (y1 - y0) * ph  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left + pw / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>']
    for e in range(x0, x1 + 1):
        x = left + (e - x0) / (x1 - x0) * pw
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">{10 ** e:g}×</text>')
    if logy:
        ticks = [(10 ** e, top + ph - (e - y0) / (y1 - y0) * ph) for e in range(y0, y1 + 1)]
    else:
        step = 10 ** math.floor(math.log10(y1 / 5)) if y1 > 0 else 1
        while y1 / step > 8:
            step *= 2
        ticks = [(v * step, top + ph - (v * step - y0) / (y1 - y0) * ph)
                 for v in range(int(y1 / step) + 1)]
    for value, y in ticks:
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 12}" text-anchor="middle">{xlabel}</text>')
    out.append(f'<text x="16" y="{top + ph / 2}" text-anchor="middle" '
               f'transform="rotate(-90 16 {top + ph / 2})">{ylabel}</text>')
    for i, (label, colour, dashed, points) in enumerate(series):
        points = [(x, y) for x, y in points if x > 0 and (y > 0 or not logy)]
        if not points:
            continue
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 + i * 20
        lx = left + pw + 14
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 26}" y2="{ly - 4}" stroke="{colour}" '
                   f'stroke-width="2"{dash}/>')
        out.append(f'<text x="{lx + 32}" y="{ly}">{label}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def plots(run: Run, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    series = []
    for what, label, colour in (("minga-query-corpus", "Minga (folder)", COLORS["minga-corpus"]),
                                ("minga-query-jsonl", "Minga (JSONL)", COLORS["minga"]),
                                ("tantivy-query", "tantivy", COLORS["tantivy"]),
                                ("sqlite-query", "SQLite FTS5", COLORS["sqlite"])):
        for key, dashed in (("p50_ms", False), ("p99_ms", True)):
            pts = [(s, run.query(s, what)[key]) for s in run.sizes if run.query(s, what)]
            series.append((f"{label} {key[:3]}", colour, dashed, pts))
    svg_plot(folder / "query-latency.svg", "Query latency in process (query mix)",
             "corpus size (× the sample corpus)", "milliseconds (log)", series)
    series = []
    for what, label, colour in (("minga-index-corpus", "Minga (folder)", COLORS["minga-corpus"]),
                                ("minga-index-jsonl", "Minga (JSONL)", COLORS["minga"]),
                                ("tantivy-index", "tantivy", COLORS["tantivy"]),
                                ("sqlite-index", "SQLite FTS5", COLORS["sqlite"])):
        pts = [(s, run.index(s, what)["mbps"]) for s in run.sizes if run.index(s, what)]
        series.append((label, colour, False, pts))
    svg_plot(folder / "index-throughput.svg", "Indexing throughput (input MB/s, wall time)",
             "corpus size (× the sample corpus)", "MB/s", series, logy=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--plots", type=Path)
    args = parser.parse_args()
    rows, machine = load(args.out)
    run = Run(rows)
    lines = []
    if machine:
        lines += [f"Run of {machine.get('date')}: {machine.get('nproc')} cores "
                  f"({machine.get('cpu')}), {machine.get('memory')} memory, "
                  f"{machine.get('rustc')}, SQLite {machine.get('sqlite')}, "
                  f"{machine.get('wrk')}; load average at the end "
                  f"{', '.join(f'{x:.1f}' for x in machine.get('load_average', []))}.", ""]
    lines += ["### Corpora", "", "| size | documents | passages (folder / JSONL) | folder MB | "
              "JSONL MB | words |", "| ---: | ---: | --- | ---: | ---: | ---: |"]
    for size in run.sizes:
        c = run.output(size, "corpus") or {}
        mf = run.index(size, "minga-index-corpus") or {}
        mj = run.index(size, "minga-index-jsonl") or {}
        lines.append(f"| {size}× | {c.get('documents', 0):,} | {mf.get('passages') or 0:,} / "
                     f"{mj.get('passages') or 0:,} | {c.get('corpus_bytes', 0) / 1e6:.1f} | "
                     f"{c.get('jsonl_bytes', 0) / 1e6:.1f} | {c.get('words', 0):,} |")
    lines += [""]
    for part in (index_tables, query_tables, http_table, targets):
        lines += part(run) + [""]
    print("\n".join(lines))
    plots(run, args.plots or args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
