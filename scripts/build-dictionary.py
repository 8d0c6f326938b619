#!/usr/bin/env python3
"""Build Minga's compact bilingual dictionary (en-es.tsv / es-en.tsv).

Merges two sources, both from Debian packages:

* Apertium's English-Spanish machine-translation data (apertium-eng-spa):
  its compiled bilingual dictionaries eng-spa.autobil.bin and
  spa-eng.autobil.bin, dumped with lt-print and looked up with lt-proc
  (lttoolbox / lttoolbox-dev), plus its analysers and generators.
* The FreeDict English-Spanish and Spanish-English dictionaries in dictd
  format (dict-freedict-eng-spa / dict-freedict-spa-eng).

and writes two tab-separated files:

    data/dictionary/en-es.tsv   english_headword<TAB>spanish1|spanish2|...
    data/dictionary/es-en.tsv   spanish_headword<TAB>english1|english2|...

Python 3.11 standard library only; Apertium is required (a clear error names
the packages when it is missing).

    apt-get install -y dict-freedict-eng-spa dict-freedict-spa-eng \
                       apertium-eng-spa lttoolbox lttoolbox-dev
    python3 scripts/build-dictionary.py [--eng-spa PREFIX] [--spa-eng PREFIX]
                                        [--out-dir DIR] [--copyright FILE]
                                        [--apertium-dir DIR]
                                        [--apertium-copyright FILE]

(lt-print, used to dump the transducers, is in lttoolbox-dev on Debian 12.)
Set MINGA_DICT_DEBUG=1 to print every re-split glued token to stderr.

PREFIX is the path without the .index / .dict.dz suffix, e.g.
/usr/share/dictd/freedict-eng-spa.

Apertium rules
--------------
* The package ships only compiled transducers (no .dix source).  A bidix is
  compiled once per direction, so eng-spa.autobil.bin holds exactly the
  entries usable English->Spanish (r="LR" ones included, r="RL" ones left
  out) and spa-eng.autobil.bin those usable Spanish->English: direction
  restrictions are respected by reading each direction from its own file.
* lt-print dumps a transducer as AT&T text.  Every path gives a source
  analysis, lemma + tags ("cell<n>", "get# across<vblex><sep>").  Only
  nouns (n), lexical verbs (vblex), adjectives (adj) and adverbs (adv) are
  kept; proper nouns (np), acronyms (acr), pronouns, determiners,
  prepositions, conjunctions, numerals, punctuation, interjections and
  auxiliary verbs are skipped.  Paths with digits and the cyclic
  regular-expression parts (numbers, URLs) are not walked.
* Each source analysis is looked up with lt-proc -b, which lists its
  translations in the order Apertium uses them; the first one is the default
  translation the translator picks when no lexical-selection rule applies.
  Tags are stripped; <b/> is a space; the "#" of a <g> multi-word
  ("be# born", "coup# d'état") is dropped.  Terms longer than 3 words are
  skipped.
* Apertium files many Spanish feminine nouns under the masculine lemma
  (reina = rey<n><f>); their singular form is generated with the Spanish
  generator, so queen -> reina, not rey.  A singular source translated by a
  plural gets the plural form (gente -> person<n><pl> = "people").
* A lemma with several parts of speech lists the default translation of
  each (noun, verb, adjective, adverb in this order) first, then the second
  of each, and so on.
* American spellings: Apertium's English is British ("decentralisation",
  "colour").  Variants made by spelling rules (-isation -> -ization,
  -our -> -or, -tre -> -ter, ...) are kept when Apertium's English analyser
  maps them back onto the British word; they are added as en-es headwords
  and after the British word in es-en translation lists.

FreeDict rules
--------------
* dictd .index lines are "headword TAB offset TAB length"; offset/length use
  dictd's base64 digits (A-Z a-z 0-9 + /, most significant digit first).
  Entries are sliced out of the decompressed .dict.dz (dictzip is gzip).
* "00database..." meta entries are skipped.
* An entry body is "Headword /pronunciation/" followed by one line per sense,
  optionally numbered "1. ", each line a comma-separated list of
  translations.  Pronunciations, <grammar tags>, (notes), [notes], example
  fragments with "...", "%" placeholders and bound prefixes ("archi-") are
  dropped.
* The Ergane-derived source glued the words of many multi-word translations
  together ("billetedebanco", "goout").  A glued token equal to a multi-word
  headword (FreeDict's or Apertium's) with its spaces removed is restored to
  it; otherwise, when it is not itself a known word (FreeDict's, or a lemma
  Apertium's analyser knows), it is re-split into known words (most
  probable segmentation under a unigram model built from that language's
  headwords, properly spaced translations and a list of function words).
  Two headwords the source split by mistake are re-joined (HEADWORD_FIXES).
* The eng-spa index truncates many phrase headwords to their first word
  ("safety pin" -> "safety" -> imperdible, "water colour" -> "water" ->
  acuarela, "come back" -> "come" -> volver).  The pronunciation still spells
  the whole phrase, so an entry is treated as a truncated phrase when its
  pronunciation extends the pronunciation of another entry of the same
  headword, when it is the re-generated stress-marked kind (only used on the
  re-imported, truncated entries), or when it is clearly longer than the
  headword (three or more sounds).  Translations of such entries are kept
  only if the spa-eng dictionary independently maps the translation back to
  the headword.  Entries only two sounds longer than the headword are kept
  unless spa-eng maps the translation to a longer phrase starting with the
  headword ("fishing" -> caña, but caña -> "fishing rod").  Entries not under
  suspicion are emitted before the confirmed suspicious ones.
* Translations keep their order of appearance (sense 1 first).

Merging
-------
* Per headword: Apertium's translations first, then FreeDict's.
  Everything is lower-cased (accents kept) and de-duplicated (hyphen/space
  variants count as one); terms have at most 3 words; at most 6
  translations per headword.
* Reverse merge: every es->en pair (s, e) adds s to en-es[e] if missing,
  appended after the direct translations (and vice versa).
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import re
import shutil
import subprocess
import sys
import unicodedata

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
B64_VAL = {c: i for i, c in enumerate(B64)}

MAX_TRANSLATIONS = 6
MAX_WORDS = 3
MAX_FILE_BYTES = 4_000_000

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ENG_SPA = "/usr/share/dictd/freedict-eng-spa"
DEFAULT_SPA_ENG = "/usr/share/dictd/freedict-spa-eng"
DEFAULT_OUT = os.path.join(REPO_ROOT, "data", "dictionary")
DEFAULT_COPYRIGHT = "/usr/share/doc/dict-freedict-eng-spa/copyright"
DEFAULT_APERTIUM_DIR = "/usr/share/apertium/apertium-eng-spa"
DEFAULT_APERTIUM_COPYRIGHT = "/usr/share/doc/apertium-eng-spa/copyright"

FUNCTION_WORDS = {
    "en": set(
        "a an the to of in on upon at by for with from out up off down over into "
        "onto as be is are do go get have has one one's oneself someone "
        "something that this it its and or not no so".split()
    ),
    "es": set(
        "a al de del el la lo los las un una unos unas y e o u en con por "
        "para sin que se su sus mi tu le les me te nos es ser estar "
        "él ella ellos ellas usted ustedes nosotros vosotros ya muy más tan".split()
    ),
}

# Headwords that the source split by mistake ("forta leza" = fortaleza).
HEADWORD_FIXES = {
    "forta leza": "fortaleza",
    "pic nic": "picnic",
}

STRESS_MARKS = "ˈˌ"


# --------------------------------------------------------------------------
# dictd reading
# --------------------------------------------------------------------------

def b64_decode(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 64 + B64_VAL[ch]
    return n


def read_dictd(prefix: str):
    """Return ([(index_headword, body), ...] for the non-meta entries in index
    order, {meta_headword: body} for the 00database entries)."""
    with gzip.open(prefix + ".dict.dz", "rb") as fh:
        data = fh.read()
    entries = []
    meta = {}
    with open(prefix + ".index", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            head, off, length = parts[0], parts[1], parts[2]
            o, n = b64_decode(off), b64_decode(length)
            body = data[o:o + n].decode("utf-8", errors="replace")
            if head.startswith("00database") or head.startswith("00-database"):
                meta[head] = body
                continue
            entries.append((head, body))
    return entries, meta


def edition(meta: dict) -> str:
    for key in ("00databaseshort", "00databaseinfo"):
        m = re.search(r"\bver\.\s*([0-9][\w.\-]*)", meta.get(key, ""))
        if m:
            return m.group(1)
        m = re.search(r"Edition:\s*([0-9][\w.\-]*)", meta.get(key, ""))
        if m:
            return m.group(1)
    return "unknown"


def debian_version(pkg: str) -> str | None:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", pkg],
            capture_output=True, text=True, timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    v = out.stdout.strip()
    return v or None


def licence_from_copyright(path: str, dict_name: str) -> str | None:
    """Return the 'License:' value of the 'Files: <dict_name>/*' stanza
    (of the 'Files: *' stanza when dict_name is empty)."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return None
    pattern = (r"^Files:.*\b%s/\*" % re.escape(dict_name) if dict_name
               else r"^Files:\s*\*\s*$")
    for stanza in re.split(r"\n\s*\n", text):
        if re.search(pattern, stanza, re.M):
            m = re.search(r"^License:\s*(.+)$", stanza, re.M)
            if m:
                return m.group(1).strip()
    return None


# --------------------------------------------------------------------------
# Apertium bilingual dictionary
# --------------------------------------------------------------------------

APERTIUM_PACKAGES = "apertium-eng-spa lttoolbox lttoolbox-dev"
# Parts of speech kept: nouns, lexical verbs, adjectives, adverbs (in this
# order when a lemma has several).  Proper nouns (np), acronyms (acr),
# pronouns, determiners, prepositions, conjunctions, numerals, punctuation,
# interjections and auxiliary/modal verbs are skipped.
APERTIUM_POS = ("n", "vblex", "adj", "adv")
APERTIUM_SKIP_TAGS = {"np", "acr"}
NUMBER_RANK = {"": 0, "sg": 1, "sp": 2, "ND": 3, "pl": 4}
TAG_RE = re.compile(r"<([^<>]+)>")
APERTIUM_LEMMA_RE = re.compile(r"^[^\W\d_][\w\s'.\-#]*$")


class ApertiumMissing(Exception):
    pass


def apertium_files(apertium_dir: str) -> dict:
    """Locate the compiled bilingual dictionaries, generators and the
    lttoolbox tools; raise ApertiumMissing with an install hint if any is
    missing."""
    files = {
        "eng-spa": os.path.join(apertium_dir, "eng-spa.autobil.bin"),
        "spa-eng": os.path.join(apertium_dir, "spa-eng.autobil.bin"),
        "gen-spa": os.path.join(apertium_dir, "eng-spa.autogen.bin"),
        "gen-eng": os.path.join(apertium_dir, "spa-eng.autogen.bin"),
        "morf-eng": os.path.join(apertium_dir, "eng-spa.automorf.bin"),
        "morf-spa": os.path.join(apertium_dir, "spa-eng.automorf.bin"),
    }
    problems = [f"missing {p}" for p in files.values() if not os.path.isfile(p)]
    for tool, pkg in (("lt-print", "lttoolbox-dev"), ("lt-proc", "lttoolbox")):
        path = shutil.which(tool)
        if path is None:
            problems.append(f"missing command {tool} (Debian package {pkg})")
        files[tool] = path
    if problems:
        raise ApertiumMissing(
            "Apertium's English-Spanish dictionary is required: "
            + "; ".join(problems)
            + f".\nInstall it with: apt-get install -y {APERTIUM_PACKAGES}"
            + "\n(or pass --apertium-dir DIR if the .bin files live elsewhere)")
    return files


def att_sections(lt_print: str, bin_path: str):
    """Dump a compiled lttoolbox transducer with lt-print and return its
    sections as [(transitions {state: [(dest, in, out), ...]}, finals), ...].
    lt-print writes AT&T text: "src dst in out [weight]" transitions, "state
    [weight]" finals, and "--" between the sections of the dictionary."""
    out = subprocess.run([lt_print, bin_path], capture_output=True,
                         text=True, encoding="utf-8", check=True).stdout
    sections = []
    trans: dict[int, list] = {}
    finals: set[int] = set()
    for line in out.split("\n"):
        if not line:
            continue
        if line.startswith("--"):
            sections.append((trans, finals))
            trans, finals = {}, set()
            continue
        p = line.split("\t")
        if len(p) >= 4 and p[1].isdigit():
            a, b = p[2], p[3]
            trans.setdefault(int(p[0]), []).append(
                (int(p[1]), ATT_SYMBOLS.get(a, a), ATT_SYMBOLS.get(b, b)))
        elif p[0].isdigit():
            finals.add(int(p[0]))
    sections.append((trans, finals))
    return sections


ATT_SYMBOLS = {"ε": "", "@0@": "", "@_EPSILON_SYMBOL_@": "", "@_SPACE_@": " "}


def input_symbol_ok(a: str) -> bool:
    """Input symbols a kept lemma can have: letters, space (<b/>), "#"
    (start of the invariable part of a multi-word, <g>), apostrophe, hyphen,
    full stop, tags, and epsilon."""
    return (not a or (a.startswith("<") and len(a) > 2) or a.isalpha()
            or a in " #'-.")


def cyclic_edges(trans: dict) -> set:
    """(state, dest) edges inside a cycle of the graph of the transitions
    whose input symbol input_symbol_ok() accepts.  Dictionary entries are
    finite; cycles only come from <re> regular expressions (numbers, URLs),
    whose edges are ignored.  Iterative Tarjan SCC."""
    graph = {s: sorted({d for d, a, _b in ts if input_symbol_ok(a)})
             for s, ts in trans.items()}
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    comp: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = graph.get(v, [])
            if i < len(succ):
                work.append((v, i + 1))
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp[w] = v
                    if w == v:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    sizes: dict[int, int] = {}
    for c in comp.values():
        sizes[c] = sizes.get(c, 0) + 1
    return {(s, d) for s, ds in graph.items() for d in ds
            if comp.get(s) == comp.get(d) and (sizes[comp[s]] > 1 or s == d)}


def att_inputs(trans: dict, finals: set) -> list[str]:
    """All input strings (source-language lemma + tags, e.g. "cell<n>",
    "get# across<vblex><sep>") of the paths of one section whose part of
    speech is kept.  Branches are pruned as soon as the input has a digit or
    another character no kept lemma has, or a first tag that is not kept;
    edges on cycles (regular expressions) are not followed."""
    skip = cyclic_edges(trans)
    found = []
    stack = [(0, "", None)]
    while stack:
        state, inp, pos = stack.pop()
        if state in finals and pos is not None:
            found.append(inp)
        if len(found) > 2_000_000:
            raise RuntimeError("too many paths in the Apertium transducer")
        for dest, a, _b in reversed(trans.get(state, ())):
            if (state, dest) in skip or not input_symbol_ok(a):
                continue
            npos = pos
            if a.startswith("<"):
                tag = a[1:-1]
                if tag in APERTIUM_SKIP_TAGS:
                    continue
                if pos is None:
                    if tag not in APERTIUM_POS:
                        continue
                    npos = tag
            elif a and pos is not None:
                continue                     # letters after the tags
            stack.append((dest, inp + a, npos))
    return found


def lt_proc(lt_proc_cmd: str, flag: str, bin_path: str, items: list[str]) -> list[str]:
    """Run lt-proc FLAG on one ^item$ per line; return the output lines'
    contents without ^ and $, one per input item."""
    if not items:
        return []
    text = "".join(f"^{it}$\n" for it in items)
    out = subprocess.run([lt_proc_cmd, flag, bin_path], input=text,
                         capture_output=True, text=True, encoding="utf-8",
                         check=True).stdout
    lines = out.split("\n")[:len(items)]
    if len(lines) != len(items):
        raise RuntimeError(f"lt-proc {flag} {bin_path}: expected {len(items)} "
                           f"lines, got {len(lines)}")
    return [l.strip().removeprefix("^").removesuffix("$") for l in lines]


def split_analysis(a: str) -> tuple[str, list[str]]:
    """"golpe# de estado<n><m>" -> ("golpe# de estado", ["n", "m"])."""
    i = a.find("<")
    if i < 0:
        return a, []
    return a[:i], TAG_RE.findall(a[i:])


def apertium_lemma(raw: str) -> str | None:
    """Bidix lemma -> dictionary term: the "#" marking the invariable part
    of a multi-word ("be# born", "coup# d'état") is dropped, <b/> is already
    a space; lower-cased, at most MAX_WORDS words."""
    if not APERTIUM_LEMMA_RE.match(raw):
        return None
    t = clean_term(raw.replace("#", " "))
    if t is None or not headword_ok(t):
        return None
    return t


def number_tag(tags: list[str]) -> str:
    for t in tags:
        if t in NUMBER_RANK:
            return t
    return ""


def with_number(raw: str, tags: list[str]) -> str:
    """Analysis string for the generator, singular unless a number is given."""
    if not number_tag(tags):
        tags = tags + ["sg"]
    return raw + "".join(f"<{t}>" for t in tags)


def surface_request(lang: str, raw: str, tags: list[str], src_tags=None):
    """The analysis to generate instead of using the bare lemma, or None.

    * Spanish feminine nouns: Apertium files many feminine nouns under the
      masculine lemma ("reina" is rey<n><f>, "agricultora" agricultor<n><f>),
      so the singular surface form is generated.
    * A singular or number-less source translated by a plural target
      ("gente" -> person<n><pl>) gets the plural form ("people")."""
    if "#" in raw or " " in raw or not tags:
        return None
    if src_tags is not None and number_tag(tags) == "pl" \
            and number_tag(src_tags) != "pl":
        return raw + "".join(f"<{t}>" for t in tags)
    if lang == "es" and tags[0] == "n" and "f" in tags \
            and number_tag(tags) != "pl":
        return with_number(raw, tags)
    return None


def apertium_direction(files: dict, direction: str):
    """Return ({source_term: [target_term, ...]}, number of term pairs) for
    one direction of the Apertium bidix ("eng-spa" or "spa-eng").

    The compiled bidix for a direction already contains exactly the entries
    usable in that direction (r="LR" entries only in eng-spa, r="RL" only in
    spa-eng).  The paths of the transducer give the source analyses; each is
    looked up with lt-proc -b, which lists its translations in the order
    Apertium uses them, the first being the default translation the
    translator picks when no lexical-selection rule applies."""
    src_lang, tgt_lang = ("en", "es") if direction == "eng-spa" else ("es", "en")
    generator = {"es": files["gen-spa"], "en": files["gen-eng"]}
    bin_path = files[direction]
    inputs = []
    for trans, finals in att_sections(files["lt-print"], bin_path):
        inputs.extend(att_inputs(trans, finals))
    inputs = sorted(set(inputs))
    outputs = lt_proc(files["lt-proc"], "-b", bin_path, inputs)

    pairs = []          # (source raw, source request, source tags, targets)
    requests = {"en": set(), "es": set()}
    for inp, out in zip(inputs, outputs):
        parts = out.split("/")
        if len(parts) < 2:
            continue
        src_raw, src_tags = split_analysis(inp)
        if apertium_lemma(src_raw) is None:
            continue
        src_req = surface_request(src_lang, src_raw, src_tags)
        if src_req:
            requests[src_lang].add(src_req)
        targets = []
        for cand in parts[1:]:
            if cand.startswith(("@", "#", "*")):
                continue
            raw, tags = split_analysis(cand)
            if not tags or tags[0] not in APERTIUM_POS or \
                    APERTIUM_SKIP_TAGS.intersection(tags):
                continue
            req = surface_request(tgt_lang, raw, tags, src_tags)
            if req:
                requests[tgt_lang].add(req)
            targets.append((raw, req))
        if targets:
            pairs.append((src_raw, src_req, src_tags, targets))

    surface = {}
    for lang, reqs in requests.items():
        reqs = sorted(reqs)
        for req, form in zip(reqs, lt_proc(files["lt-proc"], "-g",
                                           generator[lang], reqs)):
            if form and not form.startswith(("#", "@", "*")) and "/" not in form:
                surface[req] = form

    def term(raw, req):
        if req in surface:
            t = apertium_lemma(surface[req])
            if t is not None:
                return t
        return apertium_lemma(raw)

    # source term -> pos -> [(sort key of the source analysis, [targets])]
    grouped: dict[str, dict[str, list]] = {}
    for src_raw, src_req, src_tags, targets in pairs:
        src = term(src_raw, src_req)
        terms = [t for t in (term(raw, req) for raw, req in targets) if t]
        if src is None or not terms:
            continue
        grouped.setdefault(src, {}).setdefault(src_tags[0], []).append(
            ((NUMBER_RANK.get(number_tag(src_tags), 5), len(src_tags), src_tags),
             terms))

    table: dict[str, list[str]] = {}
    n_pairs = 0
    for src in sorted(grouped):
        # within a part of speech: number-less and singular analyses first;
        # across parts of speech: the default translation of each (noun,
        # verb, adjective, adverb) first, then the second of each, ...
        per_pos = []
        for pos in APERTIUM_POS:
            seq: list[str] = []
            for _k, terms in sorted(grouped[src].get(pos, []), key=lambda x: x[0]):
                seq.extend(t for t in terms if t not in seq)
            if seq:
                per_pos.append(seq)
        merged: list[str] = []
        for i in range(max(len(s) for s in per_pos)):
            for seq in per_pos:
                if i < len(seq) and not any(same(seq[i], x) for x in merged):
                    merged.append(seq[i])
        n_pairs += len(merged)
        table[src] = merged
    return table, n_pairs


def analysable_words(files: dict, lang: str, words) -> set[str]:
    """The words that Apertium's monolingual analyser of the language knows
    as lemmas (dictionary forms)."""
    words = sorted({w for w in words if w and "\n" not in w})
    if not words:
        return set()
    morf = files["morf-eng" if lang == "en" else "morf-spa"]
    out = subprocess.run([files["lt-proc"], morf],
                         input="".join(f"{w}\n" for w in words),
                         capture_output=True, text=True, encoding="utf-8",
                         check=True).stdout.split("\n")
    known = set()
    for w, line in zip(words, out):
        line = line.strip()
        # exactly one lexical unit, for the whole word, analysed as a lemma
        # (a glued "contestara" = "contestar a" is only a verb form)
        if line.count("^") == 1 and line.startswith("^" + w + "/") \
                and line.endswith("$"):
            lemmas = {norm_text(split_analysis(a)[0])
                      for a in line[1:-1].split("/")[1:]}
            if w in lemmas:
                known.add(w)
    return known


# American spellings.  Apertium's English side uses British spellings
# ("decentralisation", "colour", "centre"); its English analyser maps the
# American ones onto them.  Candidate variants are made with these rules and
# kept only if the analyser (eng-spa.automorf.bin) analyses the variant as
# the British word itself.
US_SPELLING_RULES = [
    (re.compile(r"isation$"), "ization"),
    (re.compile(r"is(e|er|ed|ing)$"), r"iz\1"),
    (re.compile(r"ys(e|er|ed|ing)$"), r"yz\1"),
    (re.compile(r"our"), "or"),
    (re.compile(r"tre$"), "ter"),
    (re.compile(r"ence$"), "ense"),
    (re.compile(r"ogue$"), "og"),
    (re.compile(r"grey"), "gray"),
    (re.compile(r"(?<=[aeiou])ll(ed|ing|er)$"), r"l\1"),
    (re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z])oe(?=[a-z])"), "e"),
    (re.compile(r"^oe"), "e"),
    (re.compile(r"eing$"), "ing"),
]


def word_variants(w: str) -> list[str]:
    """All spellings reachable by applying any subset of the rules."""
    out = {w}
    for rx, rep in US_SPELLING_RULES:
        out |= {rx.sub(rep, x) for x in out}
    out.discard(w)
    return sorted(out)


def us_variants(files: dict, terms) -> dict[str, str]:
    """{british_term: american_term} for the English terms that have an
    American spelling confirmed by Apertium's English analyser."""
    cands: dict[str, list[str]] = {}
    for t in terms:
        for w in t.split(" "):
            if w not in cands and w.isalpha():
                cands[w] = word_variants(w)
    queries = sorted({v for vs in cands.values() for v in vs})
    if not queries:
        return {}
    text = "".join(f"{q}\n" for q in queries)
    out = subprocess.run([files["lt-proc"], files["morf-eng"]], input=text,
                         capture_output=True, text=True, encoding="utf-8",
                         check=True).stdout.split("\n")
    lemmas: dict[str, set[str]] = {}
    for q, line in zip(queries, out):
        line = line.strip().removeprefix("^").removesuffix("$")
        parts = line.split("/")
        if len(parts) < 2 or parts[0] != q:
            continue
        lemmas[q] = {norm_text(split_analysis(a)[0]) for a in parts[1:]
                     if not a.startswith("*")}
    word_map = {}
    for w, vs in cands.items():
        ok = [v for v in vs if w in lemmas.get(v, ())]
        if ok:
            word_map[w] = min(ok, key=lambda v: (len(v), v))   # most changed
    result = {}
    for t in terms:
        v = " ".join(word_map.get(w, w) for w in t.split(" "))
        if v != t:
            result[t] = v
    return result


def add_us_spellings(files: dict, en_es: dict, es_en: dict) -> int:
    """Add American spellings: as en->es headwords (a copy of the British
    headword's translations, when the American one is not a headword yet)
    and in es->en translation lists (right after the British spelling).
    Returns the number of variants found."""
    terms = set(en_es) | {t for lst in es_en.values() for t in lst}
    variants = us_variants(files, sorted(terms))
    for brit, us in variants.items():
        if brit in en_es and us not in en_es:
            en_es[us] = list(en_es[brit])
    for src, lst in es_en.items():
        new = []
        for t in lst:
            new.append(t)
            us = variants.get(t)
            if us and us not in lst and us not in new:
                new.append(us)
        es_en[src] = new
    return len(variants)


# --------------------------------------------------------------------------
# entry parsing
# --------------------------------------------------------------------------

HEAD_RE = re.compile(r"^(?P<hw>.*?)\s*/(?P<pron>[^/]*)/\s*$")
SENSE_NUM_RE = re.compile(r"^\s*\d+\.\s*")


def parse_body(body: str):
    """Return (display_headword, pronunciation, [sense_line, ...])."""
    lines = [l for l in body.split("\n") if l.strip()]
    if not lines:
        return "", "", []
    m = HEAD_RE.match(lines[0])
    if m:
        hw, pron = m.group("hw"), m.group("pron")
    else:
        hw, pron = lines[0].strip(), ""
    senses = [SENSE_NUM_RE.sub("", l) for l in lines[1:]]
    return hw.strip(), pron, senses


def norm_text(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u2010", "-").replace("\u2011", "-").replace("\u2019", "'")
    return s.lower()


def split_terms(sense: str):
    sense = re.sub(r"<[^>]*>", " ", sense)        # grammatical tags
    sense = re.sub(r"\([^)]*\)", " ", sense)      # notes
    sense = re.sub(r"\[[^\]]*\]", " ", sense)
    sense = re.sub(r"\{[^}]*\}", " ", sense)
    sense = re.sub(r"/[^/]*/", " ", sense)        # stray pronunciations
    for part in re.split(r"[,;]", sense):
        yield part


def clean_term(t: str) -> str | None:
    t = norm_text(t).strip()
    if not t or "%" in t or "..." in t or "…" in t:
        return None
    t = t.strip(" .:!¡?¿\"'")
    t = re.sub(r"[¡!¿?\"]", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    if not t or t.endswith("-") or t.startswith("-"):
        return None                                 # bound prefix like archi-
    if not re.search(r"[^\W\d_]", t):
        return None
    if re.search(r"[^\w\s'\-.]", t):
        return None
    return t


class Splitter:
    """Re-split glued multi-word tokens ("billetedebanco", "goout") using a
    unigram model of the known words of the language: the segmentation with
    the highest probability wins, so "estardeacuerdo" becomes "estar de
    acuerdo" (not "es tarde acuerdo") and "firstaid" "first aid"."""

    def __init__(self, counts: dict[str, int], headword_tokens: set[str],
                 function_words: set[str]):
        self.function_words = function_words
        self.headword_tokens = headword_tokens
        c = {w: n for w, n in counts.items() if len(w) >= 3}
        total = sum(c.values()) or 1
        for w in function_words:          # one- and two-letter pieces only
            c[w] = max(c.get(w, 0), total // 50)   # as function words
        total = sum(c.values())
        self.count = c
        self.cost = {w: math.log(total / n) for w, n in c.items() if n > 0}
        self.maxlen = max((len(w) for w in self.cost), default=1) + 2
        self.cache: dict[str, str] = {}
        self.splits: dict[str, str] = {}
        self.joined: dict[str, str] = {}

    def add_phrases(self, phrases) -> None:
        """Multi-word headwords of the language: a glued token equal to one
        of them with the spaces removed is restored to it directly."""
        for ph in phrases:
            if " " in ph:
                self.joined.setdefault(ph.replace(" ", ""), ph)

    def piece_cost(self, w: str):
        if w in self.cost:
            return self.cost[w]
        if w.endswith("'s") and w[:-2] in self.cost:
            return self.cost[w[:-2]] + 1.0
        return None

    @staticmethod
    def _base(w: str) -> str:
        return w[:-2] if w.endswith("'s") else w

    def split_part(self, tok: str) -> str:
        if len(tok) < 5 or self.piece_cost(tok) is not None:
            return tok
        n = len(tok)
        best: list = [None] * (n + 1)      # best[i] = (cost, pieces) of tok[:i]
        best[0] = (0.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + 1, min(n, i + self.maxlen) + 1):
                w = tok[i:j]
                pc = self.piece_cost(w)
                if pc is not None:
                    cand = (best[i][0] + pc, best[i][1] + [w])
                    if best[j] is None or cand[0] < best[j][0]:
                        best[j] = cand
        if best[n] is not None and len(best[n][1]) >= 2:
            pieces = best[n][1]
            # without a function word, only split into well-attested content
            # words; otherwise an unknown word may be cut up by accident
            # ("fortaleza" -> "forta leza", "picnic" -> "pic nic")
            if any(p in self.function_words for p in pieces) or all(
                    len(p) >= 3 and (self._base(p) in self.headword_tokens or
                                     self.count.get(self._base(p), 0) >= 2)
                    for p in pieces):
                return " ".join(pieces)
        return tok

    def split_token(self, tok: str) -> str:
        if tok not in self.cache:
            if tok in self.joined and tok not in self.headword_tokens:
                res = self.joined[tok]
            else:
                res = "-".join(self.split_part(p) for p in tok.split("-"))
            self.cache[tok] = res
            if res != tok:
                self.splits[tok] = res
        return self.cache[tok]

    def split(self, term: str) -> str:
        return " ".join(self.split_token(tok) for tok in term.split(" "))


def same(a: str, b: str) -> bool:
    """Spelling variants that differ only by hyphen vs space are duplicates
    ("safety-pin" / "safety pin"); the first one seen is kept."""
    return a == b or a.replace("-", " ") == b.replace("-", " ")


def n_words(s: str) -> int:
    return len(s.split())


# --------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------

def pron_key(p: str) -> str:
    return re.sub(r"[ˈˌː\s]", "", p)


def truncated_flags(entries):
    """For eng-spa: classify entries whose index headword may be a truncated
    phrase.  Returns a list of 0 (looks fine), 1 (weak suspicion: the
    pronunciation is two sounds longer than the headword) or 2 (strong
    suspicion).

    entries: list of (index_hw, display_hw, pron, senses)."""
    by_head: dict[str, list[int]] = {}
    for i, (h, _hw, _p, _s) in enumerate(entries):
        by_head.setdefault(h, []).append(i)
    flags = [0] * len(entries)
    for h, idxs in by_head.items():
        plain = [pron_key(entries[i][2]) for i in idxs]
        hl = len(re.sub(r"[\s\-']", "", h))
        for k, i in enumerate(idxs):
            pron = entries[i][2]
            pk = plain[k]
            if any(c in pron for c in STRESS_MARKS):
                flags[i] = 2           # re-generated, truncated entries
                continue
            if not pron:
                continue
            if len(pk) - hl >= 3:
                flags[i] = 2
                continue
            for k2, other in enumerate(plain):
                if k2 != k and other and len(pk) >= len(other) + 2 \
                        and pk.startswith(other):
                    flags[i] = 2
                    break
            else:
                if len(pk) - hl == 2:
                    flags[i] = 1
    return flags


def parse_dict(prefix: str):
    raw, meta = read_dictd(prefix)
    out = []
    for head, body in raw:
        hw, pron, senses = parse_body(body)
        head = norm_text(head).strip()
        head = HEADWORD_FIXES.get(head, head)
        out.append((head, hw, pron, senses))
    return out, meta


def headword_ok(h: str) -> bool:
    if not h or n_words(h) > MAX_WORDS:
        return False
    if not re.search(r"[^\W\d_]", h):
        return False
    return re.search(r"[^\w\s'\-.]", h) is None


def build_direct(entries, splitter: Splitter, keep_entry=None):
    """Return {headword: [translation, ...]} (not yet capped).

    keep_entry[i] is True (keep the entry), False (drop it) or a set (keep
    only these translations)."""
    result: dict[str, list[str]] = {}
    # trustworthy entries first, then flagged ones, each in index order
    order = sorted(range(len(entries)),
                   key=lambda i: (keep_entry is not None and keep_entry[i] is not True, i))
    for i in order:
        head, _hw, _pron, senses = entries[i]
        head = clean_term(head)
        if head is None or not headword_ok(head):
            continue
        allowed = None if keep_entry is None else keep_entry[i]
        if allowed is False:
            continue
        lst = result.setdefault(head, [])
        for sense in senses:
            for part in split_terms(sense):
                t = clean_term(part)
                if t is None:
                    continue
                t = splitter.split(t)
                if n_words(t) > MAX_WORDS:
                    continue
                if isinstance(allowed, set) and t not in allowed:
                    continue
                if t and not any(same(t, x) for x in lst):
                    lst.append(t)
    return {h: v for h, v in result.items() if v}


def merge_sources(*tables: dict) -> dict:
    """Concatenate the translation lists of several sources, in the order
    given, without duplicates."""
    merged: dict[str, list[str]] = {}
    for table in tables:
        for h, lst in table.items():
            out = merged.setdefault(h, [])
            for t in lst:
                if not any(same(t, x) for x in out):
                    out.append(t)
    return merged


def merge_reverse(direct: dict, reverse: dict) -> dict:
    merged = {h: list(v) for h, v in direct.items()}
    for src, targets in reverse.items():
        for tgt in targets:
            if not headword_ok(tgt):
                continue
            lst = merged.setdefault(tgt, [])
            if not any(same(src, x) for x in lst):
                lst.append(src)
    return merged


def read_register(path: str) -> dict[str, set[str]]:
    """The words marked vulgar, offensive or slang, by language."""
    marked: dict[str, set[str]] = {"en": set(), "es": set()}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0] not in marked:
                raise SystemExit(f"{path}:{n}: expected `en|es<TAB>word<TAB>register`")
            marked[parts[0]].add(parts[1])
    return marked


def drop_marked(table: dict, own: set[str], other: set[str]) -> int:
    """Drop each translation into a marked word from a headword that is not marked."""
    dropped = 0
    for h, lst in table.items():
        if h in own:
            continue
        keep = [t for t in lst if t not in other]
        dropped += len(lst) - len(keep)
        lst[:] = keep
    return dropped


def apply_review(path: str, tables: dict[str, dict]) -> int:
    """Drop or add the translations `review.tsv` lists; fails on a change that no longer
    applies, so the file stays true to the lists."""
    changed = 0
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5 or parts[0] not in tables or parts[2] not in ("drop", "add"):
                raise SystemExit(f"{path}:{n}: expected `en|es<TAB>headword<TAB>drop|add"
                                 f"<TAB>translation<TAB>why`")
            lang, head, action, term, _ = parts
            lst = tables[lang].setdefault(head, [])
            if action == "drop":
                if term not in lst:
                    raise SystemExit(f"{path}:{n}: {head} has no translation {term!r}")
                lst.remove(term)
            else:
                if term in lst:
                    raise SystemExit(f"{path}:{n}: {head} already has {term!r}")
                lst.insert(0, term)
            changed += 1
    return changed


def write_tsv(path: str, table: dict, header: str, max_tr: int) -> tuple[int, int]:
    rows = []
    for h in sorted(table):
        tr = [t for t in table[h] if t and "|" not in t and "\t" not in t][:max_tr]
        if tr:
            rows.append(f"{h}\t{'|'.join(tr)}\n")
    text = header + "\n" + "".join(rows)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return len(rows), len(text.encode("utf-8"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eng-spa", default=DEFAULT_ENG_SPA,
                    help="dictd prefix of the English-Spanish dictionary "
                         "(without .index/.dict.dz) [%(default)s]")
    ap.add_argument("--spa-eng", default=DEFAULT_SPA_ENG,
                    help="dictd prefix of the Spanish-English dictionary [%(default)s]")
    ap.add_argument("--out-dir", default=DEFAULT_OUT,
                    help="output directory [%(default)s]")
    ap.add_argument("--copyright", default=DEFAULT_COPYRIGHT,
                    help="Debian copyright file to read the licence from [%(default)s]")
    ap.add_argument("--apertium-dir", default=DEFAULT_APERTIUM_DIR,
                    help="directory of Apertium's compiled eng-spa data [%(default)s]")
    ap.add_argument("--apertium-copyright", default=DEFAULT_APERTIUM_COPYRIGHT,
                    help="Debian copyright file of apertium-eng-spa [%(default)s]")
    ap.add_argument("--review", default=os.path.join(DEFAULT_OUT, "review.tsv"),
                    help="translations dropped or added by review [%(default)s]")
    ap.add_argument("--register", default=os.path.join(DEFAULT_OUT, "register.tsv"),
                    help="words marked vulgar, offensive or slang [%(default)s]")
    args = ap.parse_args(argv)

    try:
        ap_files = apertium_files(args.apertium_dir)
    except ApertiumMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for prefix in (args.eng_spa, args.spa_eng):
        if not (os.path.isfile(prefix + ".index") and os.path.isfile(prefix + ".dict.dz")):
            print(f"error: FreeDict dictionary {prefix}.index/.dict.dz not found.\n"
                  "Install it with: apt-get install -y dict-freedict-eng-spa "
                  "dict-freedict-spa-eng", file=sys.stderr)
            return 2

    es_entries, es_meta = parse_dict(args.eng_spa)     # English -> Spanish
    se_entries, se_meta = parse_dict(args.spa_eng)     # Spanish -> English

    # 1. Apertium, both directions.  Its multi-word terms also restore
    #    FreeDict's glued tokens ("fishingrod" -> "fishing rod").
    ap_en_es, ap_pairs_en = apertium_direction(ap_files, "eng-spa")
    ap_es_en, ap_pairs_es = apertium_direction(ap_files, "spa-eng")
    ap_phrases = {
        "en": sorted({t for t in list(ap_en_es) + [t for l in ap_es_en.values() for t in l]
                      if " " in t}),
        "es": sorted({t for t in list(ap_es_en) + [t for l in ap_en_es.values() for t in l]
                      if " " in t}),
    }

    # Words of FreeDict's entries that Apertium's analysers know as lemmas
    # are real words and are never re-split ("countdown", "medianoche").
    def fd_tokens(heads, others):
        toks = set()
        for text in [norm_text(h) for h, *_ in heads] + [
                t for _h, _hw, _p, senses in others for sense in senses
                for t in (clean_term(p) for p in split_terms(sense)) if t]:
            toks.update(w.strip(".'") for w in re.split(r"[\s\-]+", text))
        return toks

    known = {"en": analysable_words(ap_files, "en", fd_tokens(es_entries, se_entries)),
             "es": analysable_words(ap_files, "es", fd_tokens(se_entries, es_entries))}

    def vocab(own_entries, other_entries, known_words):
        """Word counts of a language: the tokens of its own headwords plus
        the tokens of the other dictionary's multi-word translations (glued
        tokens almost never occur inside a properly spaced translation),
        plus the known words."""
        v: dict[str, int] = {}

        def add(text):
            for w in re.split(r"[\s\-]+", text):
                w = w.strip(".'")
                if w:
                    v[w] = v.get(w, 0) + 1

        for head, *_ in own_entries:
            add(norm_text(head))
        for _h, _hw, _p, senses in other_entries:
            for sense in senses:
                for part in split_terms(sense):
                    t = clean_term(part)
                    if t and " " in t:
                        add(t)
        for t in sorted(known_words):
            add(t)
        return v

    def head_tokens(entries, known_words):
        heads = [norm_text(head) for head, *_ in entries] + sorted(known_words)
        return {w.strip(".'") for head in heads
                for w in re.split(r"[\s\-]+", head) if w.strip(".'")}

    split_en = Splitter(vocab(es_entries, se_entries, known["en"]),
                        head_tokens(es_entries, known["en"]),
                        FUNCTION_WORDS["en"])
    split_es = Splitter(vocab(se_entries, es_entries, known["es"]),
                        head_tokens(se_entries, known["es"]),
                        FUNCTION_WORDS["es"])
    split_en.add_phrases([clean_term(h) or "" for h, *_ in es_entries]
                         + ap_phrases["en"])
    split_es.add_phrases([clean_term(h) or "" for h, *_ in se_entries]
                         + ap_phrases["es"])

    # 2. Spanish -> English, direct.
    es_en_direct = build_direct(se_entries, split_en)

    # 3. English -> Spanish, direct, with truncated-phrase entries reduced to
    #    the translations confirmed by the spa-eng dictionary.
    flags = truncated_flags(es_entries)
    keep = []
    for (head, _hw, _pron, senses), flag in zip(es_entries, flags):
        if flag == 0:
            keep.append(True)
            continue
        h = clean_term(head) or ""
        cands = set()
        for sense in senses:
            for part in split_terms(sense):
                t = clean_term(part)
                if t is not None:
                    cands.add(split_es.split(t))
        ok = set()
        for t in cands:
            back = es_en_direct.get(t, [])
            if h in back:
                ok.add(t)                                   # confirmed
            elif flag == 1 and not any(
                    b != h and (re.split(r"[\s\-]", b)[0] == h or
                                b.startswith(h))            # glued phrase
                    for b in back):
                ok.add(t)                                   # not contradicted
        if flag == 1 and ok == cands:
            keep.append(True)
        else:
            keep.append(ok if ok else False)
    en_es_direct = build_direct(es_entries, split_es, keep)

    fd_en_es, fd_es_en = en_es_direct, es_en_direct

    # 4. Apertium's translations first, then FreeDict's.
    en_es_direct = merge_sources(ap_en_es, fd_en_es)
    es_en_direct = merge_sources(ap_es_en, fd_es_en)
    n_us = add_us_spellings(ap_files, en_es_direct, es_en_direct)

    # 5. Reverse merge of FreeDict's pairs.  Apertium's are not reversed:
    #    each of its directions already holds every pair valid in that
    #    direction, and reversing them would undo its r="LR" / r="RL"
    #    restrictions.
    en_es = merge_reverse(en_es_direct, fd_es_en)
    es_en = merge_reverse(es_en_direct, fd_en_es)

    # 6. No vulgar, offensive or slang sense for a word that has none.
    marked = read_register(args.register)
    n_dropped = drop_marked(en_es, marked["en"], marked["es"])
    n_dropped += drop_marked(es_en, marked["es"], marked["en"])

    # 7. The changes of the review.
    n_reviewed = apply_review(args.review, {"en": en_es, "es": es_en})

    ver_es = edition(es_meta)
    ver_se = edition(se_meta)
    deb_es = debian_version("dict-freedict-eng-spa")
    deb_se = debian_version("dict-freedict-spa-eng")
    lic_es = licence_from_copyright(args.copyright, "eng-spa") or "GPL-2+"
    lic_se = licence_from_copyright(
        args.copyright.replace("eng-spa", "spa-eng"), "spa-eng") or lic_es
    lic = lic_es if lic_es == lic_se else f"{lic_es} (eng-spa) / {lic_se} (spa-eng)"
    v_es = ver_es + (f" (Debian {deb_es})" if deb_es else "")
    v_se = ver_se + (f" (Debian {deb_se})" if deb_se else "")
    deb_ap = debian_version("apertium-eng-spa")
    v_ap = (re.sub(r"-[^-]*$", "", deb_ap) + f" (Debian {deb_ap})") if deb_ap else "unknown"
    lic_ap = licence_from_copyright(args.apertium_copyright, "") or "GPL-2"
    header = (f"# source: Apertium eng-spa {v_ap}, licence {lic_ap}; "
              f"FreeDict eng-spa {v_es} and spa-eng {v_se}, licence {lic}; "
              f"this file: licence {lic_ap} (see data/dictionary/README.md); "
              f"generated by scripts/build-dictionary.py")

    os.makedirs(args.out_dir, exist_ok=True)
    stats = {}
    for name, table in (("en-es.tsv", en_es), ("es-en.tsv", es_en)):
        path = os.path.join(args.out_dir, name)
        max_tr = MAX_TRANSLATIONS
        n, size = write_tsv(path, table, header, max_tr)
        while size > MAX_FILE_BYTES and max_tr > 1:   # never triggers for FreeDict
            max_tr -= 1
            n, size = write_tsv(path, table, header, max_tr)
        stats[name] = (n, size, max_tr)
        print(f"{path}: {n} headwords, {size} bytes", file=sys.stderr)

    direct_en = sum(1 for v in en_es_direct.values() if v)
    direct_es = sum(1 for v in es_en_direct.values() if v)
    print(f"Apertium: en-es {len(ap_en_es)} headwords ({ap_pairs_en} pairs), "
          f"es-en {len(ap_es_en)} headwords ({ap_pairs_es} pairs); "
          f"FreeDict: en-es {len(fd_en_es)}, es-en {len(fd_es_en)} headwords; "
          f"{n_us} American spellings; {n_dropped} vulgar, offensive or slang "
          f"translations dropped; {n_reviewed} changes of the review", file=sys.stderr)
    print(f"direct headwords: en-es {direct_en}, es-en {direct_es}; "
          f"eng-spa entries suspected truncated phrases: "
          f"{sum(1 for f in flags if f == 2)} strong, "
          f"{sum(1 for f in flags if f == 1)} weak, "
          f"of {len(es_entries)}", file=sys.stderr)
    if os.environ.get("MINGA_DICT_DEBUG"):
        for sp in (split_en, split_es):
            for a, b in sorted(sp.splits.items()):
                print(f"split: {a} -> {b}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
