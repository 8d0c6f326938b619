#!/usr/bin/env python3
"""How much of each PDF's text Minga reads, against poppler's `pdftotext` (the reference).

    scripts/pdf-word-recall.py [PATH…] [--reader BIN] [--verbose] [--check]

PATH: PDF files or folders searched for them (default: ../shared/realdocs and corpus/).
For every PDF, `pdftotext -enc UTF-8` gives the reference text and Minga's reader (the
`read` example of minga-ingest, built with `cargo build -p minga-ingest --example read`)
gives the text Minga indexes (titles, headings, paragraphs, list items). Words are compared
as multisets after NFKC and case folding: word recall is the share of the reference's words
that Minga's text has too (a word glued to its neighbour, split in two, or lost counts as
missing).

Prints, over the PDFs whose pdftotext text has more than 200 characters (not counting white
space): the median word recall, the share of those PDFs at 0.90 or more, and how many Minga
reported as having no text; with --verbose, every PDF. --check exits with status 1 if the
median is under 0.97, fewer than 95% reach 0.90, or any PDF with text is reported empty.

Needs poppler-utils (Debian: `apt-get install -y poppler-utils`) and python3.
"""

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_TEXT_CHARS = 200
TARGET_MEDIAN = 0.97
TARGET_SHARE = 0.95
TARGET_RECALL = 0.90
TIMEOUT_SECONDS = 30  # one file of the development set keeps pdftotext busy for minutes


def words(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    return collections.Counter(w for w in re.split(r"\W+", text) if w)


def pdfs(paths):
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf")
        elif path.is_file():
            yield path


def run(command):
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS)
        return done.returncode, done.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--reader", default=str(ROOT / "target/debug/examples/read"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    paths = args.paths or [ROOT.parent / "shared/realdocs", ROOT / "corpus"]
    if not os.access(args.reader, os.X_OK):
        sys.exit(f"error: no reader at {args.reader}: cargo build -p minga-ingest --example read")

    rows = []
    minga_seconds = 0.0
    for pdf in pdfs(paths):
        code, reference = run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"])
        if code != 0:
            reference = ""
        started = time.monotonic()
        code, output = run([args.reader, "--text", str(pdf)])
        minga_seconds += time.monotonic() - started
        text, problems = "", []
        if code == 0 and output.strip():
            record = json.loads(output.splitlines()[0])
            text, problems = record["text"], record["problems"]
        else:
            problems = [f"reader exited with {code}"]
        expected = words(reference)
        got = words(text)
        total = sum(expected.values())
        found = sum(min(n, got[w]) for w, n in expected.items())
        rows.append(
            {
                "pdf": str(pdf),
                "reference_chars": len(re.sub(r"\s", "", reference)),
                "recall": found / total if total else None,
                "empty": not text.strip(),
                "problems": problems,
            }
        )

    with_text = [r for r in rows if r["reference_chars"] > MIN_TEXT_CHARS]
    if args.verbose:
        for r in sorted(rows, key=lambda r: (r["recall"] is None, r["recall"] or 0)):
            recall = "   -" if r["recall"] is None else f"{r['recall']:.3f}"
            note = "; ".join(r["problems"])[:100]
            print(f"{recall}  {r['reference_chars']:>7}  {r['pdf']}  {note}")
        print()
    if not with_text:
        sys.exit("error: no PDF with text found")
    recalls = [r["recall"] for r in with_text]
    median = statistics.median(recalls)
    share = sum(1 for x in recalls if x >= TARGET_RECALL) / len(recalls)
    empty = [r["pdf"] for r in with_text if r["empty"]]
    print(f"PDFs: {len(rows)}, with more than {MIN_TEXT_CHARS} characters of text: {len(with_text)}")
    print(f"word recall against pdftotext: median {median:.3f} (target {TARGET_MEDIAN})")
    print(
        f"PDFs at {TARGET_RECALL} or more: {share:.1%} "
        f"({sum(1 for x in recalls if x >= TARGET_RECALL)} of {len(recalls)}; target {TARGET_SHARE:.0%})"
    )
    print(f"PDFs with text reported empty: {len(empty)}" + (f" ({', '.join(empty)})" if empty else ""))
    print(f"Minga's reader: {minga_seconds:.1f} s for {len(rows)} PDFs (one process each)")
    if args.check and (median < TARGET_MEDIAN or share < TARGET_SHARE or empty):
        sys.exit(1)


if __name__ == "__main__":
    main()
