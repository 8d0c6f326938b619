#!/usr/bin/env python3
"""Builds eval/copies/pairs.jsonl: labelled pairs of copies and non-copies for `minga eval`.

Every pair is made from real Spanish paragraphs (the CEPAL DOCX files of the development
set, ../shared/realdocs/cepal, paragraphs of 40 words or more), changed the way copies and
near-misses change in an archive:

copies (`"copy": true`)
  reflowed         line breaks and spaces moved, a running header inside (a PDF edition)
  noise            OCR-like damage: one word in 15 with a letter changed or lost, accents
                   dropped from a third of the accented words
  sentence_added   a sentence of another paragraph appended
  paragraph_added  another paragraph (30% to 100% as long) put before it
  restated         an introduction of its own, sentences reordered, one word in 8 replaced
not copies (`"copy": false`)
  boilerplate      two different paragraphs that end in the same disclaimer
  template         two different paragraphs under the same three-sentence frame with
                   different names in it (profiles written from one template)
  same_document    two different paragraphs of one document
  unrelated        two paragraphs of different documents

Deterministic (fixed seed): re-running it gives the same file.
usage: scripts/make-copy-pairs.py [REALDOCS] > eval/copies/pairs.jsonl
"""

import glob
import json
import random
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_CATEGORY = 60

DISCLAIMER = (
    "Este documento fue elaborado con fines de discusión y no refleja necesariamente la "
    "posición oficial de las instituciones participantes; los errores u omisiones son "
    "responsabilidad exclusiva de sus autores y no comprometen a los financiadores."
)
TEMPLATE = (
    "La {a} presentó su experiencia en la mesa de trabajo de {b}. "
    "El equipo de relatoría registró las intervenciones y los acuerdos de la sesión. "
    "A continuación se resumen los puntos principales que planteó la {a} durante la visita."
)
NAMES = [
    ("Agencia Regional de Desarrollo de Cusco", "Concepción"),
    ("Agencia Regional de Desarrollo de Piura", "La Serena"),
    ("Corporación Regional de Desarrollo Productivo", "Santiago"),
    ("Agencia Regional de Desarrollo de San Martín", "Coquimbo"),
]


def paragraphs(realdocs):
    docs = []
    for path in sorted(glob.glob(str(Path(realdocs) / "cepal" / "*.docx"))):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        found = []
        for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
            text = re.sub(r"<[^>]+>", "", p)
            text = re.sub(r"\s+", " ", text).strip()
            if len(text.split()) >= 40:
                found.append(text)
        if found:
            docs.append(found)
    return docs


def sentences(text):
    return [s for s in re.split(r"(?<=[.;:])\s+", text) if s]


def reflowed(rng, text, _other):
    words = text.split()
    out, line = [], []
    for i, w in enumerate(words):
        line.append(w)
        if len(line) >= rng.randint(8, 14):
            out.append(" ".join(line))
            line = []
        if i == len(words) // 2:
            out.append(f"Informe regional {rng.randint(2019, 2024)} — página {rng.randint(2, 90)}")
    out.append(" ".join(line))
    return "\n".join(out).replace(" y ", "  y ")


def strip_accent(word):
    return "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    )


def noise(rng, text, _other):
    out = []
    for w in text.split():
        if any(ord(c) > 127 for c in w) and rng.random() < 0.33:
            w = unicodedata.normalize("NFC", strip_accent(w))
        if len(w) > 3 and rng.random() < 1 / 15:
            i = rng.randrange(len(w))
            w = w[:i] + rng.choice(["", "l", "1", "rn", "c"]) + w[i + 1 :]
        out.append(w)
    return " ".join(out)


def sentence_added(rng, text, other):
    extra = rng.choice(sentences(other))
    return f"{text} {extra}"


def paragraph_added(rng, text, other):
    words = other.split()
    keep = min(len(words), int(len(text.split()) * rng.uniform(0.3, 1.0)))
    return " ".join(words[:keep]) + ".\n\n" + text


def restated(rng, text, other):
    parts = sentences(text)
    if len(parts) > 2:
        i = rng.randrange(len(parts) - 1)
        parts[i], parts[i + 1] = parts[i + 1], parts[i]
    vocabulary = other.split()
    words = " ".join(parts).split()
    words = [rng.choice(vocabulary) if rng.random() < 1 / 8 else w for w in words]
    intro = rng.choice(sentences(other))
    return f"{intro}\n\n" + " ".join(words)


def boilerplate(_rng, a, b):
    return f"{a}\n\n{DISCLAIMER}", f"{b}\n\n{DISCLAIMER}"


def template(rng, a, b):
    (x, y), (z, w) = rng.sample(NAMES, 2)
    cut = lambda t: " ".join(t.split()[: rng.randint(45, 70)])
    return (
        TEMPLATE.format(a=x, b=y) + "\n\n" + cut(a),
        TEMPLATE.format(a=z, b=w) + "\n\n" + cut(b),
    )


def main():
    realdocs = sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "realdocs"
    docs = paragraphs(realdocs)
    everything = [p for d in docs for p in d]
    rng = random.Random(13)
    n = 0

    def emit(category, copy, a, b):
        nonlocal n
        n += 1
        print(json.dumps({"id": f"{category}-{n}", "category": category, "copy": copy,
                          "a": a, "b": b}, ensure_ascii=False))

    for change in (reflowed, noise, sentence_added, paragraph_added, restated):
        for _ in range(PER_CATEGORY):
            text, other = rng.sample(everything, 2)
            emit(change.__name__, True, text, change(rng, text, other))
    for make in (boilerplate, template):
        for _ in range(PER_CATEGORY):
            a, b = rng.sample(everything, 2)
            emit(make.__name__, False, *make(rng, a, b))
    for _ in range(PER_CATEGORY):
        doc = rng.choice([d for d in docs if len(d) > 1])
        emit("same_document", False, *rng.sample(doc, 2))
    for _ in range(PER_CATEGORY):
        d1, d2 = rng.sample(docs, 2)
        emit("unrelated", False, rng.choice(d1), rng.choice(d2))


if __name__ == "__main__":
    main()
