#!/usr/bin/env python3
"""Search load and write load together against a running `minga serve`, for a bounded time.

    scripts/soak.py --base http://127.0.0.1:PORT --key KEY --pid PID [--seconds 300]
                    [--searchers 4] [--writers 2] [--report FILE]

Run by scripts/soak.sh, which builds the release binary and starts the server. Standard
library only. Searchers loop over searches (free text, filters, sorting, paging), facets,
stats, documents and briefs; writers post records one at a time and in JSON Lines batches,
replace some and delete some. Every answer's status is counted; VmRSS of the server is read
every 10 s. At the end every write that was acknowledged (and not deleted since) must be
fetchable, and every acknowledged deletion gone. Prints the figures as JSON and exits 1 on
any 5xx, any failed request, or any lost write.
"""

import argparse
import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

QUERIES = [
    "articulacion interinstitucional", "gobernanza regional", "agencia regional",
    '"agencia regional"', "innovacion -mineria", "cusco OR piura", "(cafe OR cacao) exportacion",
    "financiamiento +fondos", "lessons learned", "cooperation agencies", "capacidades",
    "pasantia chile", "desarrollo productivo", "region:biobio", "kind:lesson", "year:2023",
    "date:2023-01..2023-03", "mesa de trabajo", "tucutuco", "",
]
FILTERS = [
    "", "&region=biobio", "&region=Cusco&region=Piura", "&kind=lesson", "&lang=en",
    "&sort=date", "&offset=20", "&limit=5", "&facets=region,kind", "&group=false",
    "&from=2023-01&to=2023-06", "&expand=false",
]
WORDS = ("agua riego cuenca cooperativa municipio provincia mesa agencia convenio fondo "
         "capacitacion pasantia innovacion turismo cacao cafe quinua alpaca").split()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}
        self.errors = []
        self.latency = {"search": [], "write": [], "delete": []}
        self.acknowledged = {}  # id -> text word it must be found by
        self.deleted = set()

    def record(self, kind, status, seconds):
        with self.lock:
            key = f"{kind} {status}"
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if kind in self.latency:
                self.latency[kind].append(seconds)


def request(method, url, key=None, body=None, content_type=None, timeout=60):
    headers = {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            data = response.read()
            return response.status, data, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def searcher(args, stats, stop, seed):
    rng = random.Random(seed)
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.75:
            q = urllib.parse.quote(rng.choice(QUERIES))
            url = f"{args.base}/api/search?q={q}{rng.choice(FILTERS)}"
            kind = "search"
        elif roll < 0.85:
            url = f"{args.base}/api/facets" if rng.random() < 0.5 else f"{args.base}/api/stats"
            kind = "facets"
        elif roll < 0.95:
            with stats.lock:
                ids = list(stats.acknowledged)
            doc = rng.choice(ids) if ids and rng.random() < 0.5 else "dia-3-articulacion-biobio"
            url = f"{args.base}/api/documents/{doc}"
            kind = "document"
        else:
            fmt = rng.choice(["md", "html", "json", "csv", "ris"])
            url = f"{args.base}/api/brief?q=articulacion&format={fmt}&date=2024-01-01"
            kind = "brief"
        try:
            status, _, seconds = request("GET", url)
        except Exception as error:  # noqa: BLE001 - any failure is a finding
            with stats.lock:
                stats.errors.append(f"{kind} {url}: {error}")
            continue
        if kind == "document" and status == 404:
            status = "404-raced"  # deleted between the listing and the fetch
        stats.record(kind, status, seconds)


def writer(args, stats, stop, number):
    rng = random.Random(1000 + number)
    i = 0
    while not stop.is_set():
        i += 1
        roll = rng.random()
        try:
            if roll < 0.70:
                doc_id = f"soak-{number}-{i}"
                word = f"soakword{number}x{i}"
                record = {"id": doc_id, "title": f"Soak {number} {i}", "lang": "es",
                          "regions": [rng.choice(["Biobío", "Cusco", "Piura"])],
                          "text": f"{word} " + " ".join(rng.choice(WORDS) for _ in range(80))}
                status, _, seconds = request("POST", f"{args.base}/api/documents", args.key,
                                             json.dumps(record).encode(), "application/json")
                stats.record("write", status, seconds)
                if status == 201:
                    with stats.lock:
                        stats.acknowledged[doc_id] = word
                        stats.deleted.discard(doc_id)
            elif roll < 0.85:
                lines, batch = [], {}
                for j in range(rng.randint(2, 10)):
                    doc_id = f"soakb-{number}-{i}-{j}"
                    word = f"soakbatch{number}x{i}x{j}"
                    batch[doc_id] = word
                    lines.append(json.dumps({"id": doc_id, "text": f"{word} texto del lote"}))
                status, _, seconds = request("POST", f"{args.base}/api/documents", args.key,
                                             ("\n".join(lines) + "\n").encode(),
                                             "application/x-ndjson")
                stats.record("write", status, seconds)
                if status == 201:
                    with stats.lock:
                        stats.acknowledged.update(batch)
            else:
                with stats.lock:
                    mine = [d for d in stats.acknowledged if d.startswith(f"soak-{number}-")]
                if not mine:
                    continue
                doc_id = rng.choice(mine)
                status, _, seconds = request("DELETE", f"{args.base}/api/documents/{doc_id}",
                                             args.key)
                stats.record("delete", status, seconds)
                if status == 200:
                    with stats.lock:
                        stats.acknowledged.pop(doc_id, None)
                        stats.deleted.add(doc_id)
        except Exception as error:  # noqa: BLE001
            with stats.lock:
                stats.errors.append(f"writer {number}: {error}")
        time.sleep(args.write_pause)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def verify(args, stats):
    """Every acknowledged id fetchable and found by its word; every deleted one gone."""
    lost, found_again = [], []
    for doc_id, word in sorted(stats.acknowledged.items()):
        status, body, _ = request("GET", f"{args.base}/api/documents/{doc_id}")
        if status != 200:
            lost.append(f"{doc_id}: {status}")
            continue
        status, body, _ = request("GET", f"{args.base}/api/search?q={word}&facets=&limit=1")
        if status != 200 or json.loads(body)["total"] < 1:
            lost.append(f"{doc_id}: not found by {word}")
    for doc_id in sorted(stats.deleted):
        status, _, _ = request("GET", f"{args.base}/api/documents/{doc_id}")
        if status != 404:
            found_again.append(f"{doc_id}: {status}")
    return lost, found_again


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--searchers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--write-pause", type=float, default=0.05)
    parser.add_argument("--verify-only", help="a report whose writes to check again")
    parser.add_argument("--report")
    args = parser.parse_args()

    stats = Stats()
    if args.verify_only:
        with open(args.verify_only) as f:
            previous = json.load(f)
        stats.acknowledged = previous["acknowledged"]
        stats.deleted = set(previous["deleted_ids"])
        lost, found_again = verify(args, stats)
        print(json.dumps({"after_restart": {"checked": len(stats.acknowledged),
                                            "lost": lost, "deleted_found_again": found_again}}))
        raise SystemExit(1 if lost or found_again else 0)

    stop = threading.Event()
    threads = [threading.Thread(target=searcher, args=(args, stats, stop, s))
               for s in range(args.searchers)]
    threads += [threading.Thread(target=writer, args=(args, stats, stop, w))
                for w in range(args.writers)]
    started = time.monotonic()
    samples = [(0, rss_kib(args.pid))]
    for thread in threads:
        thread.start()
    while time.monotonic() - started < args.seconds:
        time.sleep(min(10, max(0.1, args.seconds - (time.monotonic() - started))))
        samples.append((round(time.monotonic() - started), rss_kib(args.pid)))
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    samples.append((round(elapsed), rss_kib(args.pid)))

    lost, found_again = verify(args, stats)
    server_errors = {k: v for k, v in stats.statuses.items() if k.split()[1].startswith("5")
                     and not k.endswith(" 503")}
    unavailable = {k: v for k, v in stats.statuses.items() if k.endswith(" 503")}
    total = sum(stats.statuses.values())
    rss = [kib for _, kib in samples]
    report = {
        "seconds": round(elapsed),
        "searchers": args.searchers,
        "writers": args.writers,
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "statuses": dict(sorted(stats.statuses.items())),
        "server_errors_5xx": sum(server_errors.values()) + sum(unavailable.values()),
        "failed_requests": stats.errors[:20],
        "acknowledged_writes": len(stats.acknowledged) + len(stats.deleted),
        "acknowledged_deletions": len(stats.deleted),
        "lost_writes": lost[:20],
        "deleted_found_again": found_again[:20],
        "latency_ms": {kind: {"p50": percentile(v, 0.5), "p99": percentile(v, 0.99),
                              "mean": round(statistics.mean(v) * 1000, 1) if v else None}
                       for kind, v in stats.latency.items()},
        "rss_mib": {"start": round(rss[0] / 1024, 1), "peak": round(max(rss) / 1024, 1),
                    "end": round(rss[-1] / 1024, 1),
                    "samples": [(s, round(k / 1024, 1)) for s, k in samples]},
        "acknowledged": stats.acknowledged,
        "deleted_ids": sorted(stats.deleted),
    }
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
    summary = {k: v for k, v in report.items() if k not in ("acknowledged", "deleted_ids")}
    print(json.dumps(summary, indent=1))
    bad = report["server_errors_5xx"] or stats.errors or lost or found_again
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
