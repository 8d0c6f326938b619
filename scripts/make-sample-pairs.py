#!/usr/bin/env python3
"""Builds eval/sample-copies/pairs.jsonl: labelled copy / non-copy pairs from the sample corpus.

eval/copies/pairs.jsonl is made of synthetic changes to real paragraphs; this file holds pairs
of real lessons of the shipped sample corpus (corpus/), for measuring how well Minga finds
copies of a lesson: editions of one report, and the lessons register restating the lessons of
session notes and reports. Each line has the form of pairs.jsonl:
{"id": ..., "category": ..., "copy": true|false, "lesson": true, "a": text, "b": text}:
every text is a lesson, and `minga eval` indexes it as one (lessons are compared as lessons).

Texts are what Minga sketches for a lesson: the lesson's title, a blank line, the passage's
text. The title of a lesson inside a longer document is the passage's heading; the title of a
record of the lessons register is the record's title. The texts are read back from Minga
itself: the script indexes corpus/ into a temporary folder (`minga index`), lists every lesson
passage (`minga search "" --kind lesson --all-copies --no-group --json`) and reads each with
`minga show ID --json`. The repository's own index is not touched.

copies (`"copy": true`)
  sample_edition   each lesson of an edition paired with the same lesson of its original:
                   documentos/sintesis/informe-sintesis-pasantia-chile-2023.pdf with
                   informes/informe-sintesis-pasantia-chile-2023.md, and
                   documentos/gobernanza/nota-comparativa-gobernanza-chile-peru.docx with
                   informes/nota-comparativa-gobernanza-chile-peru.md, matched by heading
                   (case, accents, punctuation and spacing ignored); a = original, b = edition.
                   A lesson without a counterpart is reported on stderr (none in this corpus:
                   11 + 3 pairs).
  sample_restated  a record of corpus/lecciones/lecciones-pasantia.jsonl (a) paired with each
                   lesson of a session note or Markdown report that it restates (b). The
                   decisions are the table RESTATES below, made by reading both texts, not by a
                   heuristic; the script only checks that the table agrees with the corpus (every
                   id exists, and every lesson whose heading equals a record's title is in it).
not copies (`"copy": false`)
  sample_distinct  hard negatives:
                   (a) two consecutive lessons of one session note or Markdown report, paired
                       off (1-2, 3-4, ...) so that no lesson is used twice: same document, same
                       authors, same vocabulary, different lessons. Editions (PDF, DOCX) are
                       left out, as their pairs would repeat those of their originals.
                   (b) each register record with the next record in file order (wrapping round)
                       that shares one of its `topics`, skipping a record that restates the
                       same lesson (the two match a common lesson in RESTATES, or are listed in
                       SAME_LESSON) and a pair already taken. A record sharing no topic with any
                       other gets no pair (the script says which on stderr).

How the restatement labels were decided. Each register record has its own introduction plus
the lesson, its context and a recommendation, in that order, reworded. A corpus lesson is
paired with a record when it states the same lesson: the same claim, drawn from the same
observation, with the same recommendation where the passage has one, in small edits. Counted:
  - the lesson the record was written from (19 of them carry exactly the record's title);
  - a lesson of the synthesis report or another report that restates the same session lesson
    (e.g. lec-019 with both dia-3-articulacion-biobio:l4 and informe-sintesis:l10), including a
    synthesis lesson that adds a clause taken from a second lesson, as long as its lesson
    statement, its context and its recommendation are the record's;
  - a one-sentence lesson (balance notes, nota de politica) that states the record's lesson.
Not counted (named in the comments of RESTATES): lessons on a neighbouring theme with another
claim or recommendation; synthesis lessons whose claim is broader than the record's and merges
several lessons (informe-sintesis l4, l8, l9); lessons in the other language (a translation is
not a restatement with small edits: e.g. lec-036 / dia-3-articulacion-biobio:l1, lec-034 /
dia-4-mesa-financiamiento:l1); and the institutional profiles (corpus/perfiles/, one-paragraph
summaries outside the notes and reports the register was written from, although those of
Ayacucho, Cusco, San Martín and Piura say what lec-010, lec-008, lec-009 and lec-007 say).

Register records left out of sample_restated (no lesson elsewhere says the same thing):
  lec-039  Water scarcity can convene actors who rarely meet: no English lesson on water; the
           nearest are Spanish and make other claims (dia-2-mesa-proveedores:l3, water redefines
           the agro-export agenda; dia-2-mesa-crecimiento-sostenible:l2, environmental
           challenges convene actors, about San Martín) besides the ARD Piura profile.
  lec-040  Peer learning among ARDs is a low-cost sustainability tool: says what the Spanish
           informe-seguimiento:l3 says, but only in another language; no English lesson.

Deterministic, without randomness: re-running it on the same corpus gives the same file.
usage: MINGA=target/debug/minga scripts/make-sample-pairs.py > eval/sample-copies/pairs.jsonl
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTER = "lecciones/lecciones-pasantia.jsonl"

# Edition (source path under corpus/) -> its original.
EDITIONS = {
    "informes/documentos/sintesis/informe-sintesis-pasantia-chile-2023.pdf":
        "informes/informe-sintesis-pasantia-chile-2023.md",
    "informes/documentos/gobernanza/nota-comparativa-gobernanza-chile-peru.docx":
        "informes/nota-comparativa-gobernanza-chile-peru.md",
}

# Short names for the documents' passage id prefixes, to keep the table readable.
APERTURA = "dia-1-apertura-rimisp"
ECOSISTEMA = "notas-de-sesion.dia-1-ecosistema-chileno-desarrollo-productivo"
PANEL = "notas-de-sesion.dia-1-panel-descentralizacion"
PROVEEDORES = "notas-de-sesion.dia-2-mesa-proveedores-mineria-y-agro"
ASTRO = "notas-de-sesion.dia-2-mesa-crecimiento-sostenible-astroturismo"
CRDP = "notas-de-sesion.dia-2-crdp-coquimbo-presentacion-institucional"
LA_SERENA = "notas-de-sesion.dia-2-balance-delegacion-la-serena"
CDPR = "notas-de-sesion.dia-3-cdpr-biobio-presentacion"
ARTICULACION = "dia-3-articulacion-biobio"
INNOVACION = "notas-de-sesion.dia-3-mesa-innovacion-tecnologica-biobio"
DESARROLLA = "notas-de-sesion.dia-3-desarrolla-biobio-modelo-de-gobernanza"
CONCEPCION = "notas-de-sesion.dia-3-balance-delegacion-concepcion"
ESTRATEGIAS = "notas-de-sesion.dia-4-mesa-estrategias-de-sostenibilidad"
FINANCIAMIENTO = "notas-de-sesion.dia-4-mesa-financiamiento-y-marco-nacional"
INCLUSION = "notas-de-sesion.dia-4-mesa-inclusion-territorial-y-rural"
HOJAS = "notas-de-sesion.dia-4-hojas-de-ruta-por-ard"
DEBRIEF_EN = "notas-de-sesion.day-4-closing-debrief-giz-eu"
FIELD_NOTES_EN = "notas-de-sesion.day-2-coquimbo-field-notes-giz"
GOVERNANCE_EN = "notas-de-sesion.day-3-regional-governance-models-note-for-eu"
INNOVATION_EN = "notas-de-sesion.day-3-innovation-table-notes-sme-project"
SINTESIS = "informe-sintesis-pasantia-2023"
POLITICA = "informes.nota-de-politica-sostenibilidad-ards"
COMPARATIVA = "informes.nota-comparativa-gobernanza-chile-peru"
EXEC_EN = "informes.executive-summary-eu-giz"

# Register record -> the corpus lessons (passage ids) it restates. "same title": the lesson's
# heading is the record's title. Everything else was decided by reading both texts.
RESTATES = {
    # Same questions-per-ARD lesson, context and recommendation (three questions per ARD).
    "lec-001": [f"{APERTURA}:l1"],
    # Classify lessons as normative / budgetary / operational; MEF and SD-PCM context.
    "lec-002": [f"{APERTURA}:l2"],
    "lec-003": [f"{ECOSISTEMA}:l1"],  # same title
    # The triad competencies-resources-capacities; same panel context and recommendation.
    "lec-004": [f"{PANEL}:l1"],
    # Neutral third party for supplier tables with mining firms. informe-sintesis:l7 states
    # the same lesson, evidence and recommendation (adding Apurímac/Cajamarca conflict).
    "lec-005": [f"{PROVEEDORES}:l1", f"{SINTESIS}:l7"],
    # Working capital besides training; same cohort, same financial-instruments advice.
    # (The ARD Apurímac profile mentions it too: profiles are not used.)
    "lec-006": [f"{PROVEEDORES}:l2"],
    "lec-007": [f"{PROVEEDORES}:l3"],  # same title
    # Astrotourism: a natural advantage needs regulation, capacities and market articulated.
    "lec-008": [f"{ASTRO}:l1"],
    # Environmental challenges as a convening theme; San Martín traceability recommendation.
    "lec-009": [f"{ASTRO}:l2"],
    # Public prioritisation criteria reduce political pressure; Ayacucho matrix.
    "lec-010": [f"{ASTRO}:l3"],
    # Agency-to-corporation transition and trust; same participatory-process advice.
    # (Not dia-2-balance-la-serena:l2, agility vs legitimacy: another claim.)
    "lec-011": [f"{CRDP}:l1"],
    # Same title in the CRDP note; informe-sintesis:l3 restates it (project money does not
    # keep the core team; minimum operating cost and a stable source). Not
    # dia-2-balance-la-serena:l3 (mix of sources and partners' commitment: another claim).
    "lec-012": [f"{CRDP}:l3", f"{SINTESIS}:l3"],
    # One concrete object organises articulation (mining demand, water, night sky);
    # informe-sintesis:l2 restates the same lesson with the same recommendation.
    "lec-013": [f"{LA_SERENA}:l1", f"{SINTESIS}:l2"],
    # Decentralise decisions without moving budgets: the CDPR note, its restatement in
    # informe-sintesis:l6, and the one-sentence versions in the Concepción balance (regional
    # windows, low fiscal cost, to try with MEF and sectors) and the policy note (l4).
    "lec-014": [f"{CDPR}:l1", f"{SINTESIS}:l6", f"{CONCEPCION}:l4", f"{POLITICA}:l4"],
    # Same title. (informe-sintesis:l5 mentions public reports, but its lesson is lec-023's.)
    "lec-015": [f"{CDPR}:l2"],
    # Same title; informe-sintesis:l1 has the same Biobío roles context, the same lesson
    # (each actor knows what it decides, executes, only convenes) and the role agreement.
    # Not dia-4-taller-cierre:l1 (an ecosystem of functions, map of functions: another claim);
    # not the English versions (day-3 governance note l1, executive summary l1).
    "lec-016": [f"{ARTICULACION}:l1", f"{SINTESIS}:l1"],
    # Same title. (Not dia-3-mesa-innovacion:l1, innovation by value chain: another lesson.)
    "lec-017": [f"{ARTICULACION}:l2"],
    # Same title. (informe-sintesis:l9 and dia-3-balance-concepcion:l5 are broader claims.)
    "lec-018": [f"{ARTICULACION}:l3"],
    # Bridging people are infrastructure; informe-sintesis:l10 restates the same lesson
    # (same Biobío professionals, same retention recommendation).
    "lec-019": [f"{ARTICULACION}:l4", f"{SINTESIS}:l10"],
    "lec-020": [f"{INNOVACION}:l2"],  # same title
    # Technology transfer needs extension: the innovation table (same fishing-cove evidence,
    # same dairy/coffee/cocoa recommendation) and the inclusion table's l3 (the same Biobío
    # coves, small producers need close accompaniment, extension with universities and local
    # governments).
    "lec-021": [f"{INNOVACION}:l3", f"{INCLUSION}:l3"],
    # Partners' contributions create co-responsibility; differentiated fees tied to voting.
    "lec-022": [f"{DESARROLLA}:l1"],
    # Qualified majorities protect from capture; informe-sintesis:l5 states the same lesson
    # (a multi-actor body without such rules can be captured by one actor) and advice.
    "lec-023": [f"{DESARROLLA}:l2", f"{SINTESIS}:l5"],
    "lec-024": [f"{DESARROLLA}:l3"],  # same title
    # Neutrality of the ARD in mining-conflict regions above any other function: the
    # one-sentence lesson of the Concepción balance, restated almost word for word.
    # (informe-sintesis:l7 is lec-005's lesson, with this one only in its context.)
    "lec-025": [f"{CONCEPCION}:l3"],
    # Same title. (informe-sintesis:l4, responsibility shared between levels: another claim.)
    "lec-026": [f"{ESTRATEGIAS}:l1"],
    # No single funding structure; the mix depends on the regional economy (Piura/Ayacucho).
    # The policy note's l1 says the same in one paragraph.
    "lec-027": [f"{ESTRATEGIAS}:l2", f"{POLITICA}:l1"],
    # Same title; the policy note's l5 (changes of administration are the riskiest moment,
    # a transition package) says the same. (Not informe-seguimiento:l2, whose lesson is that
    # changes of administration delay institutionalisation.)
    "lec-028": [f"{ESTRATEGIAS}:l3", f"{POLITICA}:l5"],
    # Same title; also the policy note's l3 (decide legal form and funding routes together)
    # and the comparative note's l3 (same joint analysis with MEF and SD-PCM). Not
    # dia-2-balance-la-serena:l2 or dia-1-ecosistema:l2 (other claims about legal form).
    "lec-029": [f"{FINANCIAMIENTO}:l2", f"{POLITICA}:l3", f"{COMPARATIVA}:l3"],
    # Rural representation in governance: the inclusion table's l1 and the decentralisation
    # panel's l3 (same claim, same seats for producer organisations and cooperatives).
    # (informe-sintesis:l8 merges three lessons into a broader claim.)
    "lec-030": [f"{INCLUSION}:l1", f"{PANEL}:l3"],
    # "Lo que se mide orienta lo que se hace": same context, lesson and indicators.
    "lec-031": [f"{INCLUSION}:l2"],
    "lec-032": [f"{DEBRIEF_EN}:l1"],  # same title (informe-sintesis:l11 is its Spanish version)
    # Same title; the executive summary's l3 states the same lesson (gradual, negotiated exit
    # with co-financing milestones).
    "lec-033": [f"{DEBRIEF_EN}:l2", f"{EXEC_EN}:l3"],
    # Same title; the executive summary's l2 states the same lesson (shared cost base, cost
    # study of the seven ARDs).
    "lec-034": [f"{DEBRIEF_EN}:l3", f"{EXEC_EN}:l2"],
    # Same title. (The learning brief's l2 on brokers and extension is another lesson.)
    "lec-035": [f"{FIELD_NOTES_EN}:l1"],
    # Same title; the executive summary's l1 (same Biobío committee/corporation evidence,
    # written role agreements with the regional government).
    "lec-036": [f"{GOVERNANCE_EN}:l1", f"{EXEC_EN}:l1"],
    # Same title. (It borrows a clause from informe-seguimiento:l1's recommendation, whose
    # lesson, early wins under the ARD's control, is another.)
    "lec-037": [f"{HOJAS}:l1"],
    "lec-038": [f"{INNOVATION_EN}:l2"],  # same title
    # lec-039, lec-040: left out, see the docstring.
}
EXCLUDED = {
    "lec-039": "no English lesson on water convening actors; nearest are Spanish, other claims",
    "lec-040": "only the Spanish informe-seguimiento:l3 says it (another language)",
}
# Register records that restate one lesson in two languages (no shared topic today, but a
# pair of them must never be a negative).
SAME_LESSON = [{"lec-016", "lec-036"}]


def norm(s):
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\W+", " ", s).strip()


def minga_path():
    m = os.environ.get("MINGA", "target/debug/minga")
    if os.sep in m and not os.path.isabs(m):
        m = os.path.abspath(m) if os.path.exists(m) else str(ROOT / m)
    return m


def run(minga, *args):
    out = subprocess.run([minga, *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{minga} {' '.join(args)} failed:\n{out.stderr}")
    return out.stdout


def lessons(minga, index):
    """Every lesson passage of the index, as `minga show` gives it, by id."""
    ids, offset = [], 0
    while True:
        page = json.loads(run(minga, "search", "", "--kind", "lesson", "--all-copies",
                              "--no-group", "--json", "--limit", "100",
                              "--offset", str(offset), "--index", index))
        ids += [h["id"] for h in page["hits"]]
        offset += len(page["hits"])
        if not page["hits"] or offset >= page["total"]:
            break
    found = {}
    for pid in ids:
        shown = json.loads(run(minga, "show", pid, "--json", "--index", index))
        passage = shown.get("passage") or next(
            p for p in shown["passages"] if p["id"] == pid)
        found[pid] = passage
    return found


def lesson_title(p):
    # As the indexer sketches a lesson: a register record by its title, a lesson inside a
    # longer document by its heading.
    if p["id"] == p["parent"]:
        return p["title"]
    return p.get("heading")


def text(p):
    title = lesson_title(p)
    return f"{title}\n\n{p['text']}" if title else p["text"]


def path(p):
    return p["source"]["path"]


def main():
    minga = minga_path()
    with tempfile.TemporaryDirectory(prefix="minga-sample-pairs-") as tmp:
        index = str(Path(tmp) / "index")
        run(minga, "index", "corpus", "--index", index, "--quiet")
        found = lessons(minga, index)

    by_doc = {}
    for p in found.values():
        by_doc.setdefault(path(p), []).append(p)
    for doc in by_doc.values():
        doc.sort(key=lambda p: p["position"])
    register = [json.loads(line) for line in (ROOT / "corpus" / REGISTER).open(encoding="utf-8")]
    records = {p["id"]: p for p in by_doc.get(REGISTER, [])}
    if sorted(records) != sorted(r["id"] for r in register):
        sys.exit("the register's records and the indexed register lessons differ")

    pairs = []

    def add(category, copy, a, b):
        pairs.append((category, copy, text(a), text(b)))

    # 1. Editions.
    for edition, original in EDITIONS.items():
        ed = {norm(lesson_title(p)): p for p in by_doc.get(edition, [])}
        orig = {norm(lesson_title(p)): p for p in by_doc.get(original, [])}
        if not ed or not orig:
            sys.exit(f"no lessons indexed for {edition} or {original}")
        for p in by_doc[original]:
            match = ed.get(norm(lesson_title(p)))
            if match:
                add("sample_edition", True, p, match)
            else:
                print(f"edition: no counterpart in {edition} for {p['id']} "
                      f"«{lesson_title(p)}»", file=sys.stderr)
        for key, p in ed.items():
            if key not in orig:
                print(f"edition: no counterpart in {original} for {p['id']} "
                      f"«{lesson_title(p)}»", file=sys.stderr)

    # 2. Restatements. Candidates: lessons of session notes and Markdown reports.
    candidates = {pid: p for pid, p in found.items()
                  if (path(p).startswith("notas-de-sesion/")
                      or (path(p).startswith("informes/") and path(p) not in EDITIONS))}
    for rid, matched in RESTATES.items():
        for pid in matched:
            if pid not in candidates:
                sys.exit(f"RESTATES: {rid} -> {pid}: no such lesson in the notes and reports")
    same_title = 0
    for rid, rec in records.items():
        for pid, p in candidates.items():
            if norm(p.get("heading") or "") == norm(rec["title"]):
                same_title += 1
                if pid not in RESTATES.get(rid, []):
                    sys.exit(f"{rid} has the title of {pid} but RESTATES does not pair them")
    if set(RESTATES) | set(EXCLUDED) != set(records) or set(RESTATES) & set(EXCLUDED):
        sys.exit("every register record must be either in RESTATES or in EXCLUDED")
    for rid in sorted(RESTATES):
        for pid in RESTATES[rid]:
            add("sample_restated", True, records[rid], candidates[pid])

    # 3a. Different lessons of one document: consecutive lessons, paired off.
    matched_by = {}
    for rid, matched in RESTATES.items():
        for pid in matched:
            matched_by.setdefault(pid, set()).add(rid)
    for doc in sorted(by_doc):
        if doc == REGISTER or doc in EDITIONS or not (
                doc.startswith("notas-de-sesion/") or doc.startswith("informes/")):
            continue
        ps = by_doc[doc]
        for i in range(0, len(ps) - 1, 2):
            a, b = ps[i], ps[i + 1]
            if matched_by.get(a["id"], set()) & matched_by.get(b["id"], set()):
                sys.exit(f"{a['id']} and {b['id']} are restated by one record")
            add("sample_distinct", False, a, b)

    # 3b. Register records sharing a topic, not restating the same lesson.
    def same_lesson(r1, r2):
        if set(RESTATES.get(r1, [])) & set(RESTATES.get(r2, [])):
            return True
        return any({r1, r2} <= group for group in SAME_LESSON)

    topics = {r["id"]: {norm(t) for t in r.get("topics", [])} for r in register}
    order = [r["id"] for r in register]
    taken = set()
    for i, rid in enumerate(order):
        partner = None
        for other in order[i + 1:] + order[:i]:
            if (topics[rid] & topics[other] and not same_lesson(rid, other)
                    and frozenset((rid, other)) not in taken):
                partner = other
                break
        if partner is None:
            print(f"distinct: {rid} shares no topic with a record not yet paired with it",
                  file=sys.stderr)
            continue
        taken.add(frozenset((rid, partner)))
        add("sample_distinct", False, records[rid], records[partner])

    # Output and summary.
    numbers = {}
    for category, copy, a, b in pairs:
        numbers[category] = numbers.get(category, 0) + 1
        name = category.replace("sample_", "sample-")
        line = {"id": f"{name}-{numbers[category]}", "category": category, "copy": copy,
                "lesson": True, "a": a, "b": b}
        print(json.dumps(line, ensure_ascii=False))
    for category, n in numbers.items():
        print(f"{category}: {n}", file=sys.stderr)
    print(f"register titles equal to a lesson heading: {same_title}", file=sys.stderr)


if __name__ == "__main__":
    main()
