#!/usr/bin/env python3
"""A kill -9 sweep over `minga index` on a corpus of more than 100 MB.

    scripts/kill-sweep.py [--copies N] [--step SECONDS] [--work DIR] [--bin PATH]
                          [--only rebuild|incremental] [--coarse S [--fine-window S]]
                          [--start S]

Builds a corpus of N copies of the shipped sample (bench/replicate.py; 220 copies by default,
just over 100 MB), indexes it, then kills `minga index` with SIGKILL at every STEP seconds
(default 0.05) through two kinds of run, and after each kill checks what a user would meet:

- **Rebuild** (`minga index --rebuild`), with the corpus changed beforehand (150 notes that
  name the query replaced by 250, or back) so the new index differs from the old one. While
  it runs, a reader searches the index over and over; every total it sees must be the old
  index's or the new one's, never a mix. After the kill:
  `minga check` must call the index sound, a search must give the old total (or the new,
  had the switch happened), and the next plain `minga index` must succeed.
- **Incremental** (`minga index` after 600 files changed and 150 or 250 notes replaced). After
  the kill: `minga check` sound, the search total between the last commit's and the finished
  run's, and the next run must finish the work; after the sweep the index must hold what a
  clean index of the corpus holds.

Each sweep goes on until three kills in a row find the run already finished (at most three
times the run's length as first measured), so its commit is always covered. Prints one line
per kill and the counts at the end; exits 1 if any check failed. Needs the
release binary (`cargo build --release`). Standard library only. Each kill point costs about
the run's length again (the next run, the check, the searches): a full sweep at 0.05 s of a
15 s rebuild is 300 points, over an hour on two cores; `--coarse 1` sweeps the rebuild at 1 s
steps and only its last `--fine-window` seconds (its commit and switch) at --step.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "astroturismo cielos oscuros"
CHANGED = 600


def run(binary, *args, check=True):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError(f"minga {' '.join(args)} exited {out.returncode}: {out.stderr[-2000:]}")
    return out


def total(binary, index):
    """The search's total, every copy counted; None if the search failed."""
    out = run(binary, "search", QUERY, "--index", str(index), "--all-copies", "--no-expand",
              "-n", "1", "--json", check=False)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)["total"]


def sound(binary, index, corpus):
    out = run(binary, "check", "--index", str(index), "--corpus", str(corpus), "--json",
              check=False)
    return out.returncode == 0, out.stdout.strip()[-400:] + out.stderr.strip()[-400:]


def markdown_files(corpus):
    return sorted(p for p in corpus.rglob("*.md")
                  if not p.name.startswith(("_", ".")) and p.name.lower() != "readme.md")


def change(corpus, files, mark):
    """Appends a paragraph to each of `files`, and replaces the folder of added notes with
    150 or 250 new ones (by the round's parity) that name the query, so the total moves
    between the old index and the new one."""
    for path in files:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\n\nSeguimiento de la ronda {mark}.\n")
    added = corpus / "sweep-notes"
    if added.exists():
        shutil.rmtree(added)
    added.mkdir()
    for i in range(150 if mark % 2 else 250):
        (added / f"nota-{mark}-{i}.md").write_text(
            f"# Nota {i} de la ronda {mark}\n\nLecciones de {QUERY} en la ronda {mark}.\n",
            encoding="utf-8")


def index_totals(summary_json):
    s = json.loads(summary_json)
    return s.get("total_documents"), s.get("total_passages")


def timed(binary, *args):
    """Seconds a `minga` command takes."""
    started = time.monotonic()
    run(binary, *args)
    return time.monotonic() - started


class Delays:
    """Kill delays from `start`, `step_of(delay)` apart, until three kills in a row find the
    run already finished (at most three times its length `took`): tell each kill's outcome
    to `finished`."""

    def __init__(self, start, took, step_of):
        self.start, self.took, self.step_of = start, took, step_of
        self.in_a_row = 0

    def __iter__(self):
        delay = self.start
        while self.in_a_row < 3 and delay <= 3 * self.took:
            yield delay
            delay = round(delay + self.step_of(delay), 6)

    def finished(self, exited):
        self.in_a_row = self.in_a_row + 1 if exited else 0


class Reader(threading.Thread):
    """Searches in a loop until stopped, keeping every total it saw."""

    def __init__(self, binary, index):
        super().__init__(daemon=True)
        self.binary, self.index = binary, index
        self.seen = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.seen.append(total(self.binary, self.index))


def kill_at(cmd, delay):
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    exited = child.poll() is not None
    if not exited:
        child.send_signal(signal.SIGKILL)
    child.wait()
    return exited


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=220)
    ap.add_argument("--step", type=float, default=0.05)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--bin", type=Path, default=ROOT / "target" / "release" / "minga")
    ap.add_argument("--only", choices=["rebuild", "incremental"])
    ap.add_argument("--coarse", type=float, default=None,
                    help="step of the rebuild sweep before its last --fine-window seconds "
                         "(default: --step everywhere)")
    ap.add_argument("--start", type=float, default=None,
                    help="the first kill delay (default: --step), to resume a sweep")
    ap.add_argument("--fine-window", type=float, default=3.0,
                    help="the last seconds of a rebuild (where it commits and switches) swept "
                         "at --step when --coarse is given")
    args = ap.parse_args()
    binary = str(args.bin)
    work = args.work or Path(tempfile.mkdtemp(prefix="minga-sweep-"))
    corpus, index = work / "corpus", work / "index"
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "replicate.py"), str(args.copies),
                        str(ROOT / "corpus"), str(corpus)], check=True, stdout=subprocess.DEVNULL)
    size = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
    print(f"corpus {corpus}: {size / 1e6:.1f} MB", flush=True)
    if index.exists():
        shutil.rmtree(index)
    full = timed(binary, "index", str(corpus), "--index", str(index), "--quiet")
    print(f"first index: {full:.1f} s", flush=True)

    files = markdown_files(corpus)
    failures = []
    points = {"rebuild": 0, "incremental": 0}
    round_no = 0

    def fail(kind, delay, what):
        failures.append(f"{kind} killed at {delay:.2f} s: {what}")
        print(f"  FAIL {failures[-1]}", flush=True)

    if args.only in (None, "rebuild"):
        # The rebuild's length, once, with a changed corpus.
        round_no += 1
        change(corpus, files[:CHANGED], round_no)
        before = total(binary, index)
        took = timed(binary, "index", str(corpus), "--index", str(index), "--rebuild",
                     "--quiet")
        after = total(binary, index)
        print(f"rebuild: {took:.1f} s; totals {before} -> {after}", flush=True)

        def step_of(delay):
            fine = args.coarse is None or delay + args.coarse > took - args.fine_window
            return args.step if fine else args.coarse

        delays = Delays(args.start or args.step, took, step_of)
        for delay in delays:
            round_no += 1
            old = total(binary, index)
            change(corpus, files[:CHANGED], round_no)
            # The new total is known once the next run has finished; the reader's totals are
            # compared with the old and the new then.
            reader = Reader(binary, index)
            reader.start()
            exited = kill_at([binary, "index", str(corpus), "--index", str(index), "--rebuild",
                              "--quiet"], delay)
            reader.stop.set()
            reader.join()
            points["rebuild"] += 1
            ok, said = sound(binary, index, corpus)
            if not ok:
                fail("rebuild", delay, f"minga check: {said}")
            now = total(binary, index)
            nxt = run(binary, "index", str(corpus), "--index", str(index), "--quiet",
                      check=False)
            if nxt.returncode != 0:
                fail("rebuild", delay, f"the next run failed: {nxt.stderr[-600:]}")
            new = total(binary, index)
            seen = sorted(set(reader.seen), key=lambda t: (t is None, t))
            if any(t not in (old, new) for t in reader.seen):
                fail("rebuild", delay,
                     f"a search during the run saw {seen}: neither the old total {old} "
                     f"nor the new {new}")
            if now not in (old, new):
                fail("rebuild", delay, f"after the kill the total is {now} (old {old}, "
                     f"new {new})")
            delays.finished(exited)
            print(f"rebuild  {delay:5.2f} s  exited={exited!s:5}  old={old} during={seen}  "
                  f"after={now}  new={new}  next=rc{nxt.returncode}", flush=True)

    if args.only in (None, "incremental"):
        # The incremental run's length, once.
        round_no += 1
        change(corpus, files[:CHANGED], round_no)
        took = timed(binary, "index", str(corpus), "--index", str(index), "--quiet")
        print(f"incremental run over {CHANGED} changed files: {took:.1f} s", flush=True)
        delays = Delays(args.start or args.step, took, lambda _: args.step)
        for delay in delays:
            round_no += 1
            old = total(binary, index)
            change(corpus, files[:CHANGED], round_no)
            exited = kill_at([binary, "index", str(corpus), "--index", str(index), "--quiet"],
                             delay)
            points["incremental"] += 1
            ok, said = sound(binary, index, corpus)
            if not ok:
                fail("incremental", delay, f"minga check: {said}")
            now = total(binary, index)
            if now is None:
                fail("incremental", delay, "the search failed after the kill")
            nxt = run(binary, "index", str(corpus), "--index", str(index), "--quiet", "--json",
                      check=False)
            if nxt.returncode != 0:
                fail("incremental", delay, f"the next run failed: {nxt.stderr[-600:]}")
            finished = total(binary, index)
            if now is not None and finished is not None and not (
                    min(old, finished) <= now <= max(old, finished)):
                fail("incremental", delay,
                     f"total {now} after the kill: not between {old} and {finished}")
            delays.finished(exited)
            print(f"incremental {delay:5.2f} s  exited={exited!s:5}  totals {old} -> {now} "
                  f"-> {finished}  next=rc{nxt.returncode}", flush=True)

        # After all the kills, the index equals a clean one of the same corpus.
        clean = work / "clean-index"
        if clean.exists():
            shutil.rmtree(clean)
        a = run(binary, "index", str(corpus), "--index", str(index), "--json", "--quiet")
        b = run(binary, "index", str(corpus), "--index", str(clean), "--json", "--quiet")
        if index_totals(a.stdout) != index_totals(b.stdout):
            failures.append(f"after the sweep {index_totals(a.stdout)} documents/passages, "
                            f"a clean index {index_totals(b.stdout)}")
        print(f"after the sweep: {index_totals(a.stdout)}; clean: {index_totals(b.stdout)}")

    print(f"\nkill points: {points['rebuild']} in rebuilds, {points['incremental']} in "
          f"incremental runs; failures: {len(failures)}")
    for f in failures:
        print(f"  {f}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
