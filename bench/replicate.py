#!/usr/bin/env python3
"""Replicate a Minga corpus N times: `bench/replicate.py N SRC DST`.

Every document file of SRC (what `minga index` reads: .md .json .jsonl .csv .txt .html .htm
.pdf .docx, outside `_`/`.` names and READMEs) is copied N times, copy k under
`DST/copia-kkk/<its path>`, with the `_meta.yaml` sidecars of its folders, so every copy has
its own path (hence its own derived id) and the same metadata. Ids written in the files are
made unique too: a Markdown front matter's `id:` line, the `id` of every JSON and JSON Lines
record and a CSV `id` column get the suffix `-copia-kkk`. The data files at the corpus's root
(`_gazetteer.csv`, `_institutions.csv`, `_glossary.csv`) are copied once. DST must not exist
or be empty. Standard library only.
"""

import csv
import io
import json
import shutil
import sys
from pathlib import Path

DOCUMENT_EXTENSIONS = {".md", ".markdown", ".json", ".jsonl", ".ndjson", ".csv", ".txt",
                       ".html", ".htm", ".pdf", ".docx"}
SIDECARS = ("_meta.yaml", "_meta.yml", "_meta.json")


def hidden(name: str) -> bool:
    return name.startswith(("_", "."))


def document_files(src: Path):
    """Document files and sidecars of `src`, relative, sorted."""
    found = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if not path.is_file():
            continue
        folders, name = rel.parts[:-1], rel.name
        if any(hidden(part) for part in folders):
            continue
        if name in SIDECARS:
            found.append(rel)
        elif not hidden(name) and name.lower() not in ("readme", "readme.md", "readme.txt") \
                and path.suffix.lower() in DOCUMENT_EXTENSIONS:
            found.append(rel)
    return found


def with_suffix_ids(rel: Path, data: bytes, suffix: str) -> bytes:
    """The file's content with its declared ids made unique for this copy."""
    ext = rel.suffix.lower()
    if ext in (".md", ".markdown"):
        text = data.decode("utf-8")
        if not text.startswith("---"):
            return data
        lines = text.split("\n")
        for i, line in enumerate(lines[1:], 1):
            if line.strip() == "---":
                break
            if line.startswith("id:"):
                lines[i] = f"id: {line[3:].strip()}-{suffix}"
        return "\n".join(lines).encode("utf-8")
    if ext == ".json":
        value = json.loads(data)
        records = value if isinstance(value, list) else [value]
        for record in records:
            if isinstance(record, dict) and "id" in record:
                record["id"] = f"{record['id']}-{suffix}"
        return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")
    if ext in (".jsonl", ".ndjson"):
        out = []
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if isinstance(record, dict) and "id" in record:
                    record["id"] = f"{record['id']}-{suffix}"
                line = json.dumps(record, ensure_ascii=False)
            out.append(line)
        return ("\n".join(out) + "\n").encode("utf-8")
    if ext == ".csv":
        text = data.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        if rows and "id" in [h.strip().lower() for h in rows[0]]:
            column = [h.strip().lower() for h in rows[0]].index("id")
            for row in rows[1:]:
                if len(row) > column and row[column].strip():
                    row[column] = f"{row[column].strip()}-{suffix}"
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            return buffer.getvalue().encode("utf-8")
    return data


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    copies, src, dst = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    if dst.exists() and any(dst.iterdir()):
        print(f"error: {dst} exists and is not empty", file=sys.stderr)
        return 1
    dst.mkdir(parents=True, exist_ok=True)
    for data_file in sorted(src.glob("_*.csv")):
        shutil.copy2(data_file, dst / data_file.name)
    files = document_files(src)
    contents = {rel: (src / rel).read_bytes() for rel in files}
    total = 0
    for k in range(1, copies + 1):
        suffix = f"copia-{k:03}"
        for rel, data in contents.items():
            target = dst / suffix / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            body = data if rel.name in SIDECARS else with_suffix_ids(rel, data, suffix)
            target.write_bytes(body)
            total += len(body)
    documents = sum(1 for rel in files if rel.name not in SIDECARS)
    print(f"{copies} copies of {documents} documents: {copies * documents} files, "
          f"{total / 1e6:.1f} MB in {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
