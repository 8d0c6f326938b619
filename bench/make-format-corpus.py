#!/usr/bin/env python3
"""Make one corpus per input format from the sample corpus, for `bench/ingest-throughput.sh`.

    bench/make-format-corpus.py [--corpus corpus] [--out /tmp/minga-bench/formats] [--mb 30]
                                [--formats md,json,jsonl,csv,txt,html,pdf,docx]

Each corpus `OUT/<format>/` holds only files of that format (about --mb megabytes of them)
plus the sample corpus's data files (`_gazetteer.csv`, `_institutions.csv`, `_glossary.csv`),
so that `minga index OUT/<format>` measures that format's reader and the indexing behind it:

- md: the Markdown documents themselves, copy after copy (`lote-NNN/<path>`; declared ids
  suffixed).
- json: one JSON array a folder of the sample corpus and copy, a record a document, with its
  metadata and its body as `text`.
- jsonl: one JSON Lines file a copy, a line a document.
- csv: one CSV file a copy (header `id,title,kind,lang,country,regions,institutions,date,
  event,topics,authors,text`, lists joined by `|`), a row a document.
- txt: one plain-text file a document (title line, then the body without Markdown marks).
- html: one page a document, with `<meta>` tags, navigation, a script and a footer around
  an `<article>` with its headings, paragraphs and lists.
- pdf, docx: copies of the sample corpus's generated reports
  (`informes/documentos/*/*.pdf|docx`), each beside a copy of its `_meta.yaml`.

Text formats come from the same documents, so their figures compare readers on the same
words; PDF and DOCX files are compressed, so their MB are file bytes, not text. Standard
library only.
"""

import argparse
import csv
import html
import io
import json
import re
import shutil
import sys
from pathlib import Path

FORMATS = ["md", "json", "jsonl", "csv", "txt", "html", "pdf", "docx"]
LIST_FIELDS = ["regions", "institutions", "topics", "authors"]
SCALAR_FIELDS = ["kind", "lang", "country", "date", "event", "location"]


def parse_scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_front_matter(text: str):
    """The front matter (the subset the sample corpus uses: scalars and [flow, lists]) and
    the body."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---", 4)
    meta = {}
    for line in text[4:end].splitlines():
        if ":" not in line or line.startswith((" ", "#")):
            continue
        key, value = line.split(":", 1)
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            meta[key.strip()] = [parse_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            meta[key.strip()] = parse_scalar(value)
    body = text[end + 4:].lstrip("\n")
    return meta, body


def sample_documents(corpus: Path):
    """(relative path, metadata, Markdown body) of every Markdown document, sorted."""
    docs = []
    for path in sorted(corpus.rglob("*.md")):
        rel = path.relative_to(corpus)
        if any(p.startswith(("_", ".")) for p in rel.parts) or rel.name.lower() == "readme.md":
            continue
        meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
        meta.setdefault("title", rel.stem)
        docs.append((rel, meta, body))
    return docs


INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|`(.+?)`")


def plain(line: str) -> str:
    """A Markdown line without its inline marks."""
    return INLINE.sub(lambda m: next(g for g in m.groups() if g is not None), line)


def plain_body(body: str) -> str:
    """The body as plain text: headings as their own paragraphs, marks removed."""
    out = []
    for line in body.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#"):
            out.extend(["", plain(stripped.lstrip("#").strip()), ""])
        else:
            out.append(plain(line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def html_body(body: str) -> str:
    """The body as HTML: headings, paragraphs and bulleted lists."""
    out, paragraph, in_list = [], [], False

    def flush():
        nonlocal paragraph
        if paragraph:
            out.append("<p>" + html.escape(" ".join(paragraph)) + "</p>")
            paragraph = []

    for line in body.splitlines():
        stripped = plain(line.strip())
        bullet = re.match(r"^([-*]|\d+\.)\s+(.*)", stripped)
        if not stripped or stripped.startswith("#") or not bullet:
            if in_list and (not stripped or not bullet):
                out.append("</ul>")
                in_list = False
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            level = min(len(stripped) - len(stripped.lstrip("#")), 6)
            out.append(f"<h{level}>{html.escape(stripped.lstrip('#').strip())}</h{level}>")
        elif bullet:
            flush()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append("<li>" + html.escape(bullet.group(2)) + "</li>")
        elif stripped.startswith("|"):
            flush()
            cells = [html.escape(c.strip()) for c in stripped.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                out.append("<p>" + " — ".join(cells) + "</p>")
        else:
            paragraph.append(stripped)
    flush()
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def record(meta: dict, body: str, doc_id: str) -> dict:
    rec = {"id": doc_id, "title": meta["title"]}
    for key in SCALAR_FIELDS:
        if meta.get(key):
            rec[key] = meta[key]
    for key in LIST_FIELDS:
        if meta.get(key):
            rec[key] = meta[key]
    rec["text"] = plain_body(body)
    return rec


def slug(rel: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(rel.with_suffix("")).lower()).strip("-")


class Writer:
    """Writes files under one format's corpus and counts their bytes."""

    def __init__(self, root: Path):
        self.root, self.bytes, self.files = root, 0, 0

    def write(self, rel: str, data) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.bytes += len(data)
        self.files += 1


def one_copy(fmt: str, w: Writer, docs, corpus: Path, n: int) -> None:
    """Writes copy `n` of the sample documents in format `fmt`."""
    lot = f"lote-{n:03}"
    ident = lambda rel, meta: f"{meta.get('id') or slug(rel)}-{lot}"  # noqa: E731
    if fmt == "md":
        for rel, meta, body in docs:
            text = (corpus / rel).read_text(encoding="utf-8")
            if meta.get("id"):
                text = text.replace(f"\nid: {meta['id']}\n", f"\nid: {meta['id']}-{lot}\n", 1)
            w.write(f"{lot}/{rel}", text)
    elif fmt == "json":
        folders = {}
        for rel, meta, body in docs:
            folders.setdefault(rel.parts[0], []).append(record(meta, body, ident(rel, meta)))
        for folder, records in folders.items():
            w.write(f"{lot}/{folder}.json", json.dumps(records, ensure_ascii=False, indent=1))
    elif fmt == "jsonl":
        lines = [json.dumps(record(m, b, ident(r, m)), ensure_ascii=False) for r, m, b in docs]
        w.write(f"{lot}.jsonl", "\n".join(lines) + "\n")
    elif fmt == "csv":
        columns = ["id", "title", *SCALAR_FIELDS, *LIST_FIELDS, "text"]
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(columns)
        for rel, meta, body in docs:
            rec = record(meta, body, ident(rel, meta))
            out.writerow(
                ["|".join(rec.get(c, [])) if c in LIST_FIELDS else rec.get(c, "") for c in columns]
            )
        w.write(f"{lot}.csv", buffer.getvalue())
    elif fmt == "txt":
        for rel, meta, body in docs:
            w.write(f"{lot}/{rel.with_suffix('.txt')}", meta["title"] + "\n\n" + plain_body(body))
    elif fmt == "html":
        for rel, meta, body in docs:
            e = lambda s: html.escape(str(s), quote=True)  # noqa: E731
            head = [f"<title>{e(meta['title'])}</title>"]
            if meta.get("topics"):
                head.append(f'<meta name="keywords" content="{e(", ".join(meta["topics"]))}">')
            if meta.get("authors"):
                head.append(f'<meta name="author" content="{e("; ".join(meta["authors"]))}">')
            if meta.get("date"):
                head.append(f'<meta name="dc.date" content="{e(meta["date"])}">')
            page = f"""<!DOCTYPE html>
<html lang="{e(meta.get('lang', 'es'))}">
<head>
<meta charset="utf-8">
{chr(10).join(head)}
<script>window.analytics = {{ page: "{e(slug(rel))}" }};</script>
<style>body {{ font-family: sans-serif; }}</style>
</head>
<body>
<nav><a href="/">Inicio</a> | <a href="/informes">Informes</a> | <a href="/contacto">Contacto</a></nav>
<article>
{html_body(body)}
</article>
<footer>Publicado por el equipo del proyecto. Todos los derechos reservados.</footer>
</body>
</html>
"""
            w.write(f"{lot}/{rel.with_suffix('.html')}", page)
    elif fmt in ("pdf", "docx"):
        for source in sorted((corpus / "informes" / "documentos").rglob(f"*.{fmt}")):
            folder = source.parent
            w.write(f"{lot}/{folder.name}/{source.name}", source.read_bytes())
            sidecar = folder / "_meta.yaml"
            if sidecar.is_file():
                path = w.root / lot / folder.name / "_meta.yaml"
                shutil.copy2(sidecar, path)
    else:
        raise ValueError(fmt)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent.parent / "corpus")
    parser.add_argument("--out", type=Path, default=Path("/tmp/minga-bench/formats"))
    parser.add_argument("--mb", type=float, default=30.0, help="megabytes a format (10^6 B)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()

    docs = sample_documents(args.corpus)
    if not docs:
        print(f"error: no Markdown documents in {args.corpus}", file=sys.stderr)
        return 1
    for fmt in args.formats.split(","):
        if fmt not in FORMATS:
            print(f"error: unknown format {fmt!r} (one of {', '.join(FORMATS)})", file=sys.stderr)
            return 2
        root = args.out / fmt
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        for data_file in sorted(args.corpus.glob("_*.csv")):
            shutil.copy2(data_file, root / data_file.name)
        w = Writer(root)
        n = 0
        while w.bytes < args.mb * 1e6:
            n += 1
            before = w.bytes
            one_copy(fmt, w, docs, args.corpus, n)
            if w.bytes == before:
                print(f"error: nothing to copy for {fmt}", file=sys.stderr)
                return 1
        print(f"{fmt}\t{w.files}\t{w.bytes / 1e6:.1f}\t{root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
