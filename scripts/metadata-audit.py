#!/usr/bin/env python3
"""The titles and dates Minga's reader gives real documents: placeholders and file properties.

    scripts/metadata-audit.py [PATH…] [--reader BIN] [--verbose] [--check]

PATH: files or folders searched for them (default: ../shared/realdocs, or corpus/ if it is
missing). Minga's reader (the `read` example of minga-ingest, built with `cargo build -p
minga-ingest --example read`) reads them all in one process; only files that give exactly one
document are audited (how many gave none or several records is printed).

Measures, with rules of this script's own (none borrowed from Minga's code):
  placeholder titles: the shown title is empty or has fewer than 2 letters, is a generic
    placeholder (Untitled, Sin título, Document1, Presentación de PowerPoint, Hoja1, Draft…),
    starts or ends with a generator's name (Microsoft Word - …), ends with a file extension,
    is a GUID or long hex string, a code without a word of 3+ letters (IS-4.1-G2), a PDF's or
    DOCX's title property repeating its file's name, more than 20% replacement, private-use
    or symbol characters, under 40% letters, or mostly accented letters (a wrong code page:
    Îãëàâëåíèå); a file's name shown because the file holds no title is not a placeholder;
  file-property dates shown as the document's date: the date (compared at its precision)
    equals the PDF's CreationDate or ModDate (`pdfinfo -isodates`, poppler-utils) or the DOCX's
    dcterms:created or dcterms:modified (docProps/core.xml), its date_source is not "file", and
    it is not a date found in the text (date_source "text") whose year the text holds;
  future dates: after today, whatever their source;
and, for information, dates taken from file properties (date_source "file", shown as such)
and counts by title_source, date_source and date precision.

--verbose lists every offending file with its title, date and why. --check exits with status
1 if any title is a placeholder, any file-property date is shown as the document's date or
any date is in the future.
"""

import argparse
import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 30
EXTENSIONS = {"md", "markdown", "json", "jsonl", "ndjson", "csv", "txt", "text", "html", "htm", "pdf", "docx"}
PLACEHOLDERS = {
    "untitled", "sin titulo", "no title", "title", "titulo", "document title", "documento", "document",
    "presentation", "presentacion", "presentacion de powerpoint", "powerpoint presentation",
    "diapositiva", "slide", "hoja", "sheet", "libro", "book", "template", "plantilla", "draft",
    "borrador", "test", "prueba", "none", "null", "unknown", "desconocido", "sin nombre", "nuevo documento",
    "new document", "new microsoft word document", "nuevo documento de microsoft word",
}  # also with trailing digits: Document1, Hoja1, Diapositiva 1
GENERATORS = r"microsoft (?:office )?(?:word|excel|powerpoint)|(?:seagate )?crystal reports|adobe acrobat|acrobat distiller|pdfcreator|libreoffice(?: writer)?|openoffice(?:\.org)?(?: writer)?|wordpad|notepad"
WEAK_GENERATORS = r"word|writer|excel|powerpoint|untitled|google docs|sin titulo"  # need a separator
SEP = r"\s*[-–—:|]\s*"
GENERATOR_RES = [
    re.compile(rf"^(?:{GENERATORS})\b|\b(?:{GENERATORS})$"),
    re.compile(rf"^(?:{WEAK_GENERATORS}){SEP}|{SEP}(?:{WEAK_GENERATORS})$"),
]
EXTENSION_RE = re.compile(r"\.(?:docx?|pdf|rpt|txt|md|xlsx?|pptx?|rtf|odt|html?|csv|json)$", re.I)
HEX_RE = re.compile(r"^[{(]?(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})[})]?$", re.I)


def fold(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def placeholder(title, path, title_source):
    """Why the title is a placeholder, or None."""
    text = title.strip()
    if sum(1 for c in text if unicodedata.category(c).startswith("L")) < 2:
        return "fewer than 2 letters"
    folded = fold(text)
    if re.sub(r"\s*\d+$", "", folded) in PLACEHOLDERS:
        return "generic placeholder"
    lowered = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    lowered = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    if any(r.search(lowered) for r in GENERATOR_RES):
        return "generator's name"
    if EXTENSION_RE.search(text):
        return "ends with a file extension"
    if HEX_RE.match(text):
        return "GUID or hex string"
    if not re.search(r"\s", text) and re.search(r"\d", text) and not re.search(r"[^\W\d_]{3}", text):
        return "code without a word"
    # A property repeating the file's name is a placeholder; the file's name shown because the
    # file holds no title at all (title_source "file") is the honest fallback.
    if path.suffix.lower() in (".pdf", ".docx") and folded == fold(path.stem) and title_source != "file":
        return "the file's name, as a title property"
    if title_source == "file":
        return None  # the rules below tell text extracted badly, which a file's name is not
    chars = [c for c in text if not c.isspace()]
    odd = sum(1 for c in chars if unicodedata.category(c) in ("So", "Co", "Cn", "Cs"))  # So has U+FFFD
    if odd > 0.2 * len(chars):
        return f"{odd} of {len(chars)} characters replacement, private-use or symbols"
    letters = [c for c in chars if unicodedata.category(c).startswith("L")]
    if len(letters) < 0.4 * len(chars):
        return f"only {len(letters)} of {len(chars)} characters are letters"
    accented = sum(1 for c in letters if "\u00c0" <= c <= "\u02af")
    if accented >= 3 and accented > 0.5 * len(letters):
        return f"{accented} of {len(letters)} letters accented: text decoded with the wrong code page"
    return None


def files(paths):
    for path in paths:
        path = Path(path)
        found = sorted(path.rglob("*")) if path.is_dir() else [path]
        for p in found:
            rel = p.relative_to(path).parts if path.is_dir() else (p.name,)
            if not p.is_file() or any(part[:1] in "._" for part in rel):
                continue
            if p.name.lower() in ("readme", "readme.md", "readme.txt"):
                continue
            if p.suffix.lower().lstrip(".") in EXTENSIONS:
                yield p


def read(reader, batch):
    """{path: record} from Minga's reader: one process for all, one per file if it fails."""
    records = {}
    try:
        done = subprocess.run([reader, *map(str, batch)], capture_output=True, timeout=TIMEOUT_SECONDS * 10)
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            record = json.loads(line)
            records[record["path"]] = record
    except (subprocess.TimeoutExpired, json.JSONDecodeError):
        pass
    for path in batch:
        if str(path) not in records:
            try:
                done = subprocess.run([reader, str(path)], capture_output=True, timeout=TIMEOUT_SECONDS)
                lines = done.stdout.decode("utf-8", "replace").splitlines()
                records[str(path)] = json.loads(lines[0]) if lines else None
            except (subprocess.TimeoutExpired, json.JSONDecodeError):
                records[str(path)] = None
    return records


def property_dates(path, have_pdfinfo):
    """The file's creation and modification dates: (key, ISO date as written, the same in UTC)."""
    raw = []
    if path.suffix.lower() == ".pdf" and have_pdfinfo:
        try:
            out = subprocess.run(["pdfinfo", "-isodates", str(path)], capture_output=True, timeout=TIMEOUT_SECONDS)
            for line in out.stdout.decode("utf-8", "replace").splitlines():
                key, _, value = line.partition(":")
                if key in ("CreationDate", "ModDate") and value.strip():
                    raw.append((key, value.strip()))
        except subprocess.TimeoutExpired:
            pass
    elif path.suffix.lower() == ".docx":
        try:
            with zipfile.ZipFile(path) as z:
                core = z.read("docProps/core.xml").decode("utf-8", "replace")
            for key in ("created", "modified"):
                m = re.search(rf"<dcterms:{key}\b[^>]*>\s*([^<]+?)\s*<", core)
                if m:
                    raw.append((f"dcterms:{key}", m.group(1)))
        except (KeyError, zipfile.BadZipFile, OSError):
            pass
    dates = []
    for key, value in raw:
        utc = value
        try:
            parsed = datetime.datetime.fromisoformat(re.sub(r"([+-]\d\d)$", r"\1:00", value.replace("Z", "+00:00")))
            if parsed.tzinfo:
                utc = parsed.astimezone(datetime.timezone.utc).isoformat()
        except ValueError:
            pass
        dates.append((key, value, utc))
    return dates


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--reader", default=str(ROOT / "target/debug/examples/read"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    realdocs = ROOT.parent / "shared/realdocs"
    paths = args.paths or [realdocs if realdocs.is_dir() else ROOT / "corpus"]
    if not os.access(args.reader, os.X_OK):
        sys.exit(f"error: no reader at {args.reader}: cargo build -p minga-ingest --example read")
    have_pdfinfo = shutil.which("pdfinfo") is not None
    batch = list(files(paths))
    records = read(args.reader, batch)

    today = datetime.date.today().isoformat()
    counts = collections.Counter()
    by_title, by_date, precision = collections.Counter(), collections.Counter(), collections.Counter()
    offences = []  # (measure, path, title, date, date_source, why)
    for path in batch:
        record = records[str(path)]
        if record is None:
            counts["failed"] += 1
            continue
        docs = record["documents"]
        counts["none" if not docs else "one" if len(docs) == 1 else "several"] += 1
        if len(docs) != 1:
            continue
        doc = docs[0]
        title, date, source = doc.get("title") or "", doc.get("date"), doc.get("date_source")
        by_title[doc.get("title_source")] += 1
        by_date[source or "(none)"] += 1
        precision[{4: "year", 7: "month", 10: "day"}.get(len(date or ""), "none" if not date else "other")] += 1
        row = (str(path), title, date, source)
        why = placeholder(title, path, doc.get("title_source"))
        if why:
            offences.append(("placeholder title", *row, why))
        if date and date > today[: len(date)]:
            offences.append(("future date", *row, f"after today ({today})"))
        if date and source == "file":
            counts["file-labelled"] += 1
        if path.suffix.lower() in (".pdf", ".docx") and (path.suffix.lower() == ".docx" or have_pdfinfo):
            counts["with properties"] += 1
            if date and source != "file":
                same = [f"{k} {v}" for k, v, u in property_dates(path, have_pdfinfo) if date in (v[: len(date)], u[: len(date)])]
                if same:
                    # A date the reader found written in the text, whose year the text does hold,
                    # is the document's own even when the file was saved that day.
                    seen = date[:4] in json.dumps(doc.get("sections"), ensure_ascii=False)
                    if not (source == "text" and seen):
                        note = f" (date_source {source}; the year is not in the document's text)"
                        offences.append(("file-property date shown as the document's", *row, "; ".join(same) + note))

    if args.verbose:
        for measure, path, title, date, source, why in sorted(offences):
            print(f"{measure}: {path}\n    title {title[:80]!r}  date {date} ({source})  why: {why}")
        print()
    audited = counts["one"]
    if not audited:
        sys.exit("error: no file gave exactly one document")

    def line(label, n, total, target=None):
        goal = "" if target is None else f"; target {target}"
        print(f"{label}: {n} of {total} ({n / total if total else 0:.1%}{goal})")

    def count(measure):
        return sum(1 for o in offences if o[0] == measure)

    print(
        f"files: {len(batch)}; one document: {audited}; several records (left out): {counts['several']}; "
        f"no document: {counts['none']}" + (f"; reader failed: {counts['failed']}" if counts["failed"] else "")
    )
    line("placeholder titles", count("placeholder title"), audited, 0)
    if not have_pdfinfo:
        print("pdfinfo missing (apt-get install poppler-utils): PDFs skipped for file-property dates")
    line("file-property dates shown as the document's date", count("file-property date shown as the document's"),
         counts["with properties"], 0)
    line("future dates", count("future date"), audited, 0)
    line("dates from file properties, labelled so (information)", counts["file-labelled"], audited)
    fmt = lambda c: ", ".join(f"{k}: {n}" for k, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    print(f"title_source: {fmt(by_title)}")
    print(f"date_source: {fmt(by_date)}")
    print(f"date precision: {fmt(precision)}")
    if args.check and (count("placeholder title") or count("file-property date shown as the document's")
                       or count("future date")):
        sys.exit(1)


if __name__ == "__main__":
    main()
