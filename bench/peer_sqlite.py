#!/usr/bin/env python3
"""The SQLite FTS5 peer of the benchmarks, on the same JSONL and query mix as Minga.

    bench/peer_sqlite.py index DOCS.jsonl DB
    bench/peer_sqlite.py query DB bench/queries.tsv [--runs 20] [--warmup 2]

`index` creates DB with an FTS5 table `fts(title, body)` tokenized with
`unicode61 remove_diacritics 2` (the body is `text`, then `lesson`, `context` and
`recommendation` when present), a table `docs` of scalar metadata (id, kind, lang, country,
date, year) and a table `doc_values` of list metadata (region, institution, topic), all in one
transaction, and prints `{"documents", "bytes", "seconds"}`.

`query` runs the mix as an SQLite user would, in one connection: the query's words OR-ed
(Minga and tantivy's QueryParser both match any word and rank those with more first),
`"phrases"` as FTS5 phrases, `+word` required, `-word` as NOT; the filters as WHERE clauses on
the metadata; the top 20 by `rank` (bm25) with id, title and `snippet()`, `count(*)` for the
total, and one `GROUP BY` query per facet asked over the matches (materialized first, so the
planner does not run MATCH once per metadata row). Latencies (p50, p90, p99, by category and by
query) are printed as JSON in the same shape as the Rust `querymix` example. The timings
include Python's call overhead (a few microseconds a statement).

Standard library only (Python's sqlite3 module, with its SQLite's FTS5).
"""

import json
import math
import re
import sqlite3
import sys
import time
from pathlib import Path

LIST_FACETS = {"region": "regions", "institution": "institutions", "topic": "topics"}
SCALAR_FACETS = ("kind", "lang", "country", "year")
ALL_FACETS = ["country", "region", "institution", "kind", "lang", "year", "topic"]
WORD = re.compile(r"\w+")


def strings(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def index(jsonl: Path, db_path: Path) -> None:
    started = time.perf_counter()
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.executescript("""
        CREATE VIRTUAL TABLE fts USING fts5(title, body,
            tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, kind TEXT, lang TEXT,
            country TEXT, date TEXT, year TEXT);
        CREATE TABLE doc_values(doc INTEGER, name TEXT, value TEXT);
    """)
    documents = size = 0
    with db, open(jsonl, encoding="utf-8") as f:
        for line in f:
            size += len(line.encode("utf-8"))
            if not line.strip():
                continue
            r = json.loads(line)
            documents += 1
            body = "\n\n".join(s for k in ("text", "lesson", "context", "recommendation")
                               for s in strings(r.get(k)))
            db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                       (documents, r.get("title", ""), body))
            date = r.get("date") if isinstance(r.get("date"), str) else None
            db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (documents, r.get("id"), r.get("kind"), r.get("lang"), r.get("country"),
                        date, date[:4] if date else None))
            db.executemany("INSERT INTO doc_values VALUES (?, ?, ?)",
                           [(documents, name, v) for name, key in LIST_FACETS.items()
                            for v in strings(r.get(key))])
        db.executescript("""
            CREATE INDEX doc_values_by_value ON doc_values(name, value, doc);
            CREATE INDEX doc_values_by_doc ON doc_values(doc, name);
        """)
    db.close()
    print(json.dumps({"engine": "sqlite", "documents": documents, "bytes": size,
                      "seconds": time.perf_counter() - started}))


def fts_expression(query: str) -> str:
    """The Minga-syntax query as an FTS5 expression ('' for none)."""
    any_of, all_of, none_of = [], [], []
    for m in re.finditer(r'([+-]?)"([^"]*)"?|(\S+)', query):
        if m.group(3) == "OR":
            continue
        sign = m.group(1) or ""
        if m.group(3) is not None:
            token = m.group(3)
            sign = token[0] if token[0] in "+-" else ""
            words = WORD.findall(token)
            if not words:
                continue
            # A word the tokenizer splits (SD-PCM) is a phrase of its parts.
            term = '"' + " ".join(words) + '"'
        else:
            words = WORD.findall(m.group(2))
            if not words:
                continue
            term = '"' + " ".join(words) + '"'
        {"+": all_of, "-": none_of}.get(sign, any_of).append(term)
    parts = []
    if any_of:
        parts.append("(" + " OR ".join(any_of) + ")")
    parts.extend(all_of)
    expression = " AND ".join(parts)
    for term in none_of:
        expression = f"{expression} NOT {term}" if expression else ""
    return expression


def load_mix(path: Path):
    mix = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + ["", ""]
        params = [tuple(p.split("=", 1)) for p in cols[2].split("&") if "=" in p]
        mix.append({"category": cols[0], "query": cols[1], "params": params})
    return mix


def values(q, name):
    return [v for n, raw in q["params"] if n == name for v in raw.split(",") if v]


class Plan:
    """The SQL of one query of the mix: a FROM … WHERE … shared by its statements."""

    def __init__(self, q):
        expression = fts_expression(q["query"])
        where, args = [], []
        if expression:
            self.source = "fts f JOIN docs d ON d.rowid = f.rowid"
            where.append("fts MATCH ?")
            args.append(expression)
            self.order = "ORDER BY f.rank"
            self.match_source = self.source
        else:
            self.match_source = "docs d"
            self.source = "docs d JOIN fts f ON f.rowid = d.rowid"
            self.order = ""
        for name in SCALAR_FACETS:
            vs = values(q, name)
            if vs:
                where.append(f"d.{name} IN ({', '.join('?' * len(vs))})")
                args.extend(vs)
        for name in LIST_FACETS:
            vs = values(q, name)
            if vs:
                where.append(f"d.rowid IN (SELECT doc FROM doc_values WHERE name = ? AND "
                             f"value IN ({', '.join('?' * len(vs))}))")
                args.extend([name, *vs])
        self.where = ("WHERE " + " AND ".join(where)) if where else ""
        self.args = args
        facets = values(q, "facets")
        self.facets = ALL_FACETS if facets == ["all"] else facets

    def run(self, db) -> int:
        top = db.execute(
            f"SELECT d.id, f.title, snippet(fts, 1, '<mark>', '</mark>', '…', 24) "
            f"FROM {self.source} {self.where} {self.order} LIMIT 20", self.args).fetchall()
        total = db.execute(f"SELECT count(*) FROM {self.match_source} {self.where}",
                           self.args).fetchone()[0]
        # The matches are materialized once per facet query, so that SQLite's planner does
        # not evaluate MATCH once per metadata row.
        matches = f"WITH m AS MATERIALIZED (SELECT d.rowid AS doc FROM {self.match_source} {self.where})"
        for name in self.facets:
            if name in LIST_FACETS:
                sql = (f"{matches} SELECT v.value, count(*) FROM m JOIN doc_values v "
                       f"ON v.doc = m.doc AND v.name = '{name}' GROUP BY v.value")
            else:
                sql = (f"{matches} SELECT x.{name}, count(*) FROM m JOIN docs x "
                       f"ON x.rowid = m.doc GROUP BY x.{name}")
            db.execute(sql, self.args).fetchall()
        del top
        return total


def summary(times):
    times = sorted(times)

    def pct(p):
        if not times:
            return 0.0
        rank = math.ceil(p / 100 * len(times))
        return times[min(max(rank, 1), len(times)) - 1] * 1e3

    return {"count": len(times), "mean_ms": sum(times) / max(len(times), 1) * 1e3,
            "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
            "max_ms": times[-1] * 1e3 if times else 0.0}


def query(db_path: Path, mix_path: Path, runs: int, warmup: int) -> None:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    mix = load_mix(mix_path)
    plans = [Plan(q) for q in mix]
    for _ in range(warmup):
        for plan in plans:
            plan.run(db)
    per_query = [[] for _ in mix]
    totals = [0] * len(mix)
    started = time.perf_counter()
    for _ in range(runs):
        for i, plan in enumerate(plans):
            t = time.perf_counter()
            totals[i] = plan.run(db)
            per_query[i].append(time.perf_counter() - t)
    wall = time.perf_counter() - started
    all_times = [t for ts in per_query for t in ts]
    categories = {}
    for q, ts in zip(mix, per_query):
        categories.setdefault(q["category"], []).extend(ts)
    report = summary(all_times)
    report.update({
        "engine": "sqlite",
        "sqlite_version": sqlite3.sqlite_version,
        "runs": runs,
        "queries_per_second": len(all_times) / wall,
        "categories": {c: summary(ts) for c, ts in sorted(categories.items())},
        "queries": [{**summary(ts), "category": q["category"], "query": q["query"],
                     "params": "&".join(f"{n}={v}" for n, v in q["params"]),
                     "fts": plan_expression(q), "hits": total}
                    for q, ts, total in zip(mix, per_query, totals)],
        "index": str(db_path),
    })
    print(json.dumps(report, indent=1, ensure_ascii=False))


def plan_expression(q):
    return fts_expression(q["query"])


def main(argv) -> int:
    if len(argv) >= 3 and argv[0] == "index":
        index(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) >= 3 and argv[0] == "query":
        runs, warmup = 20, 2
        rest = argv[3:]
        while rest:
            if rest[0] == "--runs" and len(rest) > 1:
                runs = int(rest[1])
            elif rest[0] == "--warmup" and len(rest) > 1:
                warmup = int(rest[1])
            else:
                print(f"unknown option {rest[0]}", file=sys.stderr)
                return 2
            rest = rest[2:]
        query(Path(argv[1]), Path(argv[2]), runs, warmup)
        return 0
    print(__doc__.strip().splitlines()[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
