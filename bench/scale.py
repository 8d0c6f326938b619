#!/usr/bin/env python3
"""Scale a Minga corpus to 1×, 10×, 100×, 1000× its size, with realistic variety.

    bench/scale.py --out /tmp/minga-scale [--sizes 1,10,100,1000] [--corpus corpus]
                   [--jsonl FILE] [--seed 1] [--shard-mb 8]

For each size S it writes, under OUT/xS/:

- corpus/   a corpus folder for `minga index`: S lots (`lote-001/` … `lote-S/`) each with the
            same layout and formats as the source (Markdown with front matter, JSON arrays,
            JSON Lines), plus the source's data files (`_gazetteer.csv`, `_institutions.csv`,
            `_glossary.csv`);
- docs.jsonl the same documents as one JSON Lines export, one document a line:
            `{"id","title","text","lang","kind","country","regions","institutions","date",
            "event","location","topics","authors"}` (and `lesson`, `context`,
            `recommendation` for lesson records), for the peers (SQLite FTS5, plain tantivy);
- jsonl/    the same bytes as docs.jsonl cut at line boundaries into shards of about
            --shard-mb megabytes, plus the data files: what Minga indexes when it is compared
            with the peers on "the same JSONL" (the pipeline reads files in parallel, so one
            300 MB file would be read on one core; the shards are how a bulk export would be
            handed to it);
- manifest.json  documents, files, bytes and words of each form.

Lot 1 is the source itself: its Markdown, JSON and JSON Lines documents unchanged (PDF and
DOCX files are left out: in the sample corpus they are renderings of Markdown reports that
are already there). Every later lot k holds one variant of each source document:

- the same kind, language, format and section headings, with every paragraph (block of
  lines) drawn at random from the paragraphs of all documents of that kind and language, and
  each subsection of a "Lecciones aprendidas" / "Lessons learned" section drawn from the
  lesson subsections of that kind and language (so lesson records keep their labelled
  context, lesson and recommendation); JSON and JSON Lines records draw each text field
  (text, lesson, context, recommendation, title) from records of the same kind and language;
- other regions: each region of the document is replaced by a random region of the same
  country from the gazetteer, in the metadata and in the title and text, and the region's
  places (from the gazetteer's `places`) by places of the new region;
- institutions tied to a replaced region become an institution of the new region of the
  same type when the directory has one, and are dropped otherwise; sometimes one more
  institution of the same country is added; every institution named is one the directory
  knows, so indexing reports no unknown names;
- a random date between 2015-01-01 and 2025-12-31, and 2–5 topics drawn from the topics of
  documents of that language;
- distinct ids: a declared id gets the suffix `-lote-kkk`; documents without one get an id
  from their path, which differs by lot.

Lots are drawn from a generator seeded with (seed, k), so the corpus of size S is the first S
lots of any larger one. The vocabulary grows only through the region and place names (about
200 of them): a real corpus 1000 times larger would have a larger vocabulary, hence a larger
term dictionary; the figures measured on these corpora are a lower bound there.

With --jsonl FILE the source is a JSON Lines file instead of a corpus folder: lot 1 is its
records, and later lots are variants drawn as for the JSON records above (paragraphs of
`text` split at blank lines); the data files come from --corpus.

Standard library only (it reuses the front-matter parser of make-format-corpus.py).
"""

import argparse
import csv
import datetime
import importlib.util
import json
import random
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("make_format_corpus", HERE / "make-format-corpus.py")
mfc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mfc)

DATA_FILES = ("_gazetteer.csv", "_institutions.csv", "_glossary.csv")
RECORD_TEXT_FIELDS = ("text", "lesson", "context", "recommendation")
EXPORT_FIELDS = ("id", "title", "text", "lang", "kind", "country", "regions", "institutions",
                 "date", "event", "location", "topics", "authors",
                 "lesson", "context", "recommendation")
LESSON_HEADING = re.compile(r"lecciones aprendidas|lessons learned", re.IGNORECASE)
DATE_FROM = datetime.date(2015, 1, 1)
DATE_DAYS = (datetime.date(2025, 12, 31) - DATE_FROM).days


# --- the data files -----------------------------------------------------------------------

class Tables:
    """Regions by country, places by region, institutions by region (from the data files)."""

    def __init__(self, corpus: Path):
        self.regions = defaultdict(list)        # country → [region]
        self.country_of = {}                    # region → country
        self.places = {}                        # region → [place]
        self.canonical = {}                     # region or alias → region
        with open(corpus / "_gazetteer.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                country, region = row["country"].strip(), row["region"].strip()
                if region:
                    self.regions[country].append(region)
                    self.country_of[region] = country
                    self.places[region] = [p for p in row.get("places", "").split("|") if p]
                    self.canonical[region] = region
                    for alias in row.get("aliases", "").split("|"):
                        if alias.strip():
                            self.canonical.setdefault(alias.strip(), region)
        self.institutions = {}                  # name → (country, region, type)
        self.by_region_type = defaultdict(list)  # (region, type) → [name]
        self.by_country = defaultdict(list)      # country → [name] (not tied to a region)
        self.institution_of = {}                 # name, acronym or alias → name
        path = corpus / "_institutions.csv"
        if path.is_file():
            with open(path, encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    name = row["name"].strip()
                    country, region = row["country"].strip(), row["region"].strip()
                    kind = row.get("type", "").strip()
                    self.institutions[name] = (country, region, kind)
                    self.institution_of[name] = name
                    for column in ("acronym", "name_es", "name_en"):
                        if row.get(column, "").strip():
                            self.institution_of.setdefault(row[column].strip(), name)
                    for alias in row.get("aliases", "").split("|"):
                        if alias.strip():
                            self.institution_of.setdefault(alias.strip(), name)
                    if region:
                        self.by_region_type[(region, kind)].append(name)
                    else:
                        self.by_country[country].append(name)


# --- the source documents -----------------------------------------------------------------

def blocks_of(body: str):
    """A Markdown body as a list of blocks: ("h", level, line) for a heading, ("p", text) for
    a run of non-blank lines."""
    blocks, run = [], []

    def flush():
        if run:
            blocks.append(("p", "\n".join(run)))
            run.clear()

    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            blocks.append(("h", level, line))
        elif not stripped:
            flush()
        else:
            run.append(line)
    flush()
    return blocks


def units_of(blocks):
    """Blocks grouped into what a variant redraws: ("keep", block) for a heading kept as it
    is, ("para", block) for a paragraph, ("lesson", [blocks]) for a whole subsection of a
    lessons section (its heading and paragraphs)."""
    units, lesson_level, current = [], None, None
    for block in blocks:
        if block[0] == "h":
            level = block[1]
            if lesson_level is not None and level <= lesson_level:
                lesson_level = None
            if lesson_level is not None:
                current = [block]
                units.append(("lesson", current))
                continue
            current = None
            if LESSON_HEADING.search(block[2]):
                lesson_level = level
            units.append(("keep", block))
        elif current is not None:
            current.append(block)
        elif lesson_level is not None:
            units.append(("lesson", [block]))
        else:
            units.append(("para", block))
    return units


class Source:
    """The documents of the source corpus and the pools variants draw from."""

    def __init__(self):
        self.markdown = []   # (rel, meta, text, units)
        self.records = []    # (rel, format, [record])  for .json / .jsonl files
        self.paragraphs = defaultdict(list)   # (kind, lang) → [block]
        self.lessons = defaultdict(list)      # (kind, lang) → [[block]]
        self.fields = defaultdict(list)       # (kind, lang, field) → [value]
        self.topics = defaultdict(set)        # lang → {topic}

    def add_markdown(self, rel: Path, text: str):
        meta, body = mfc.parse_front_matter(text)
        meta.setdefault("title", rel.stem)
        units = units_of(blocks_of(body))
        key = (meta.get("kind", "other"), meta.get("lang", "es"))
        for unit, value in units:
            if unit == "para":
                self.paragraphs[key].append(value)
            elif unit == "lesson":
                self.lessons[key].append(value)
        self.topics[key[1]].update(meta.get("topics") or [])
        self.markdown.append((rel, meta, text, units))

    def add_records(self, rel: Path, fmt: str, records):
        records = [r for r in records if isinstance(r, dict)]
        for record in records:
            key = (record.get("kind", "other"), record.get("lang", "es"))
            for field in ("title", *RECORD_TEXT_FIELDS):
                if isinstance(record.get(field), str) and record[field].strip():
                    self.fields[(*key, field)].append(record[field])
            if field_is_text(record):
                for para in re.split(r"\n\s*\n", record["text"]):
                    if para.strip():
                        self.fields[(*key, "paragraph")].append(para.strip())
            topics = record.get("topics") or []
            if isinstance(topics, list):
                self.topics[key[1]].update(t for t in topics if isinstance(t, str))
        self.records.append((rel, fmt, records))


def field_is_text(record) -> bool:
    return isinstance(record.get("text"), str)


def load_corpus(corpus: Path) -> Source:
    source = Source()
    for rel in document_paths(corpus):
        path = corpus / rel
        ext = rel.suffix.lower()
        if ext in (".md", ".markdown"):
            source.add_markdown(rel, path.read_text(encoding="utf-8"))
        elif ext == ".json":
            value = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(value, dict) and isinstance(value.get("documents"), list):
                value = value["documents"]
            source.add_records(rel, "json", value if isinstance(value, list) else [value])
        elif ext in (".jsonl", ".ndjson"):
            source.add_records(rel, "jsonl", read_jsonl(path))
    return source


def load_jsonl(path: Path) -> Source:
    source = Source()
    source.add_records(Path(path.name), "jsonl", read_jsonl(path))
    return source


def read_jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def document_paths(corpus: Path):
    """Markdown, JSON and JSON Lines documents of a corpus folder, relative, sorted (what
    `minga index` reads, less PDF, DOCX, HTML, CSV and text, which the sample corpus uses
    only for renderings of its Markdown)."""
    found = []
    for path in sorted(corpus.rglob("*")):
        rel = path.relative_to(corpus)
        if not path.is_file() or any(p.startswith(("_", ".")) for p in rel.parts):
            continue
        if rel.name.lower().startswith("readme"):
            continue
        if rel.suffix.lower() in (".md", ".markdown", ".json", ".jsonl", ".ndjson"):
            found.append(rel)
    return found


# --- variants -----------------------------------------------------------------------------

class Variation:
    """What one variant changes: its regions (and their places), institutions, date, topics."""

    def __init__(self, rng: random.Random, tables: Tables, source: Source, meta: dict):
        self.rng, self.tables = rng, tables
        regions = as_list(meta.get("regions"))
        self.region_map, self.place_map = {}, {}
        by_country = defaultdict(list)
        for region in regions:
            country = tables.country_of.get(tables.canonical.get(region, ""))
            if country and region not in by_country[country]:
                by_country[country].append(region)
        for country, olds in by_country.items():
            pool = tables.regions[country]
            news = rng.sample(pool, min(len(olds), len(pool)))
            for old, new in zip(olds, news):
                self.region_map[old] = new
                canonical = tables.canonical[old]
                if canonical != old:
                    self.region_map.setdefault(canonical, new)
                new_places = tables.places.get(new) or [new]
                for place in tables.places.get(canonical, []):
                    self.place_map[place] = rng.choice(new_places)
        self.regions = [self.region_map.get(r, r) for r in regions]
        self.institutions = self.vary_institutions(as_list(meta.get("institutions")),
                                                   meta.get("country"))
        self.date = (DATE_FROM + datetime.timedelta(days=rng.randrange(DATE_DAYS + 1))).isoformat()
        topics = sorted(source.topics.get(meta.get("lang", "es"), ()))
        self.topics = rng.sample(topics, min(len(topics), rng.randint(2, 5))) if topics else []
        names = {**self.region_map, **self.place_map}
        self.pattern = (re.compile(r"\b(" + "|".join(
            re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
            if names else None)
        self.names = names

    def vary_institutions(self, institutions, country):
        out = []
        for name in institutions:
            name = self.tables.institution_of.get(name, name)
            known = self.tables.institutions.get(name)
            if known and known[1] and known[1] in self.region_map:
                options = self.tables.by_region_type.get((self.region_map[known[1]], known[2]))
                if options:
                    name = self.rng.choice(options)
                else:
                    continue
            if name not in out:
                out.append(name)
        extra = self.tables.by_country.get(country or "", [])
        if extra and self.rng.random() < 0.3:
            name = self.rng.choice(extra)
            if name not in out:
                out.append(name)
        return out

    def text(self, text: str) -> str:
        if not self.pattern:
            return text
        return self.pattern.sub(lambda m: self.names[m.group(1)], text)


def as_list(value):
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, str) and value:
        return [value]
    return []


def yaml_value(value) -> str:
    """A front-matter value: JSON strings and arrays are valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def markdown_variant(rng, tables, source, meta, units, lot):
    """The text and metadata of a variant of a Markdown document."""
    v = Variation(rng, tables, source, meta)
    key = (meta.get("kind", "other"), meta.get("lang", "es"))
    out_meta = dict(meta)
    out_meta.pop("sample", None)
    if meta.get("id"):
        out_meta["id"] = f"{meta['id']}-{lot}"
    out_meta["title"] = v.text(meta["title"])
    if v.regions:
        out_meta["regions"] = v.regions
    if "institutions" in meta:
        out_meta["institutions"] = v.institutions
    out_meta["date"] = v.date
    if v.topics:
        out_meta["topics"] = v.topics
    if isinstance(meta.get("location"), str):
        out_meta["location"] = v.text(meta["location"])
    body = []
    for unit, value in units:
        if unit == "keep":
            body.append(value[2])
        elif unit == "para":
            body.append(rng.choice(source.paragraphs[key])[1])
        else:
            for block in rng.choice(source.lessons[key]):
                body.append(block[2] if block[0] == "h" else block[1])
    body = v.text("\n\n".join(body)) + "\n"
    front = ["---"]
    for name, value in out_meta.items():
        if value in (None, "", []):
            continue
        front.append(f"{name}: {yaml_value(value)}")
    front.append("---")
    return "\n".join(front) + "\n\n" + body, out_meta, body


def record_variant(rng, tables, source, record, lot):
    v = Variation(rng, tables, source, record)
    key = (record.get("kind", "other"), record.get("lang", "es"))
    out = dict(record)
    out.pop("sample", None)
    if record.get("id"):
        out["id"] = f"{record['id']}-{lot}"
    for field in ("title", *RECORD_TEXT_FIELDS):
        if isinstance(record.get(field), str):
            pool = source.fields.get((*key, field))
            value = rng.choice(pool) if pool else record[field]
            if field == "text" and "\n\n" in record[field]:
                paras = source.fields.get((*key, "paragraph")) or [value]
                count = len(re.split(r"\n\s*\n", record[field]))
                value = "\n\n".join(rng.choice(paras) for _ in range(count))
            out[field] = v.text(value)
    if v.regions:
        out["regions"] = v.regions
    if "institutions" in record:
        out["institutions"] = v.institutions
    out["date"] = v.date
    if v.topics:
        out["topics"] = v.topics
    if isinstance(record.get("location"), str):
        out["location"] = v.text(record["location"])
    return out


def export_record(record: dict) -> dict:
    return {k: record[k] for k in EXPORT_FIELDS if record.get(k) not in (None, "", [])}


def markdown_export(meta: dict, body: str, doc_id: str) -> dict:
    rec = {"id": doc_id, "title": meta["title"], "text": mfc.plain_body(body)}
    for k in EXPORT_FIELDS:
        if k not in rec and meta.get(k) not in (None, "", []):
            rec[k] = meta[k]
    return export_record(rec)


# --- writing ------------------------------------------------------------------------------

class Output:
    """The three forms of one size: the corpus folder, docs.jsonl and its shards."""

    def __init__(self, root: Path, data_from: Path, shard_bytes: int):
        if root.exists():
            shutil.rmtree(root)
        self.root = root
        self.corpus = root / "corpus"
        self.shards = root / "jsonl"
        for folder in (self.corpus, self.shards):
            folder.mkdir(parents=True)
            for name in DATA_FILES:
                if (data_from / name).is_file():
                    shutil.copy2(data_from / name, folder / name)
        self.export = open(root / "docs.jsonl", "w", encoding="utf-8")
        self.shard_bytes, self.shard, self.shard_size, self.shard_count = shard_bytes, None, 0, 0
        self.stats = {"documents": 0, "corpus_files": 0, "corpus_bytes": 0, "jsonl_bytes": 0,
                      "jsonl_shards": 0, "words": 0}

    def file(self, rel: str, text: str):
        data = text.encode("utf-8")
        path = self.corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.stats["corpus_files"] += 1
        self.stats["corpus_bytes"] += len(data)

    def document(self, record: dict):
        line = json.dumps(record, ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        self.export.write(line)
        if self.shard is None or self.shard_size + len(data) > self.shard_bytes:
            if self.shard:
                self.shard.close()
            self.shard_count += 1
            self.shard = open(self.shards / f"docs-{self.shard_count:04}.jsonl", "wb")
            self.shard_size = 0
        self.shard.write(data)
        self.shard_size += len(data)
        self.stats["documents"] += 1
        self.stats["jsonl_bytes"] += len(data)
        self.stats["words"] += sum(len(str(record.get(k, "")).split())
                                   for k in ("title", *RECORD_TEXT_FIELDS))

    def close(self, size: int):
        self.export.close()
        if self.shard:
            self.shard.close()
        self.stats["jsonl_shards"] = self.shard_count
        self.stats["size"] = size
        (self.root / "manifest.json").write_text(json.dumps(self.stats, indent=1) + "\n")
        return self.stats


def slug(rel: Path) -> str:
    return mfc.slug(rel)


def write_lot(out: Output, source: Source, tables: Tables, k: int, seed: int):
    lot = f"lote-{k:03}"
    rng = random.Random(seed * 1_000_003 + k)
    for rel, meta, text, units in source.markdown:
        if k == 1:
            out.file(f"{lot}/{rel}", text)
            body = mfc.parse_front_matter(text)[1]
            out.document(markdown_export(meta, body, meta.get("id") or slug(rel)))
            continue
        text, vmeta, body = markdown_variant(rng, tables, source, meta, units, lot)
        out.file(f"{lot}/{rel}", text)
        out.document(markdown_export(vmeta, body, vmeta.get("id") or f"{slug(rel)}-{lot}"))
    for rel, fmt, records in source.records:
        variants = records if k == 1 else [record_variant(rng, tables, source, r, lot)
                                           for r in records]
        if fmt == "json":
            out.file(f"{lot}/{rel}", json.dumps(variants, ensure_ascii=False, indent=1) + "\n")
        else:
            out.file(f"{lot}/{rel}", "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                             for r in variants))
        for i, record in enumerate(variants):
            rec = export_record(record)
            rec.setdefault("id", f"{slug(rel)}-{i + 1}" + ("" if k == 1 else f"-{lot}"))
            out.document(rec)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    parser.add_argument("--jsonl", type=Path, help="scale this JSON Lines file instead")
    parser.add_argument("--out", type=Path, default=Path("/tmp/minga-scale"))
    parser.add_argument("--sizes", default="1,10,100,1000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shard-mb", type=float, default=8.0)
    args = parser.parse_args()

    tables = Tables(args.corpus)
    source = load_jsonl(args.jsonl) if args.jsonl else load_corpus(args.corpus)
    if not source.markdown and not source.records:
        print("error: no documents to scale", file=sys.stderr)
        return 1
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        out = Output(args.out / f"x{size}", args.corpus, int(args.shard_mb * 1e6))
        for k in range(1, size + 1):
            write_lot(out, source, tables, k, args.seed)
        stats = out.close(size)
        print(f"x{size}\t{stats['documents']} documents\t{stats['corpus_files']} files\t"
              f"{stats['corpus_bytes'] / 1e6:.1f} MB corpus\t{stats['jsonl_bytes'] / 1e6:.1f} MB "
              f"JSONL\t{stats['words'] / 1e6:.2f} M words\t{out.root}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
