"""Benchmark (not a test): every saved query on the embedded store, beside Virtuoso on the same quads.

For each scale it

1. generates the SYNTHETIC CORDIS export (``bench/.cache/<scale>-seed<seed>/``,
   reused while the generator and seed are unchanged), builds a fresh
   embedded store with ``echos-graph build`` and ``echos-graph ingest cordis``
   (not timed), and dumps it with ``echos-graph export --format nq``;
2. starts a private Virtuoso (tests/virtuoso.py: loopback ports, scratch
   database, ``ResultSetMaxRows`` raised, 170,000 buffers) and bulk-loads the
   dump with ``ld_dir`` and ``rdf_loader_run``, then a checkpoint;
3. times each saved query of ``queries/*.rq`` with each parameter set of
   :data:`VARIANTS` (none for most; an organisation or a project with the
   median number of participations where a query is meant to be bound at
   CORDIS scale), one untimed run first, then at least ``--runs`` timed
   runs and more while under ``--budget`` seconds:

   - embedded: ``run_query`` on the store opened as ``echos-graph query``
     opens it, every row or triple consumed;
   - Virtuoso: the text echos-graph's remote store sends (our graphs as
     ``FROM`` / ``FROM NAMED``, parameters as ``VALUES``), one HTTP POST to
     ``/sparql``, the whole answer read but not parsed (SPARQL JSON; a
     CONSTRUCT asked as N-Triples): the server's cost, with nothing of
     echos-graph's client in it;

   - with ``--baseline``, for a query run with parameters: the embedded
     store bound as before 2026-11-28, by pyoxigraph's ``substitutions``
     alone (no VALUES block), on the same store, right after the embedded
     runs;

   and checks that both give the same number of rows;
4. prints a Markdown table (median and 95th percentile in milliseconds, the
   ratio embedded / Virtuoso of the medians, and whether the goal is met:
   median within 2x of Virtuoso's or under 100 ms) and writes everything,
   with the 1-minute load average before and after each scale, to
   ``bench/results/queries-<date>.json``; Virtuoso is stopped by its pid.

Usage::

    python bench/bench_queries.py                      # s10k s100k
    python bench/bench_queries.py --scales s10k --runs 5
    python bench/bench_queries.py --queries hub-sector-coverage countries-without-hub
    python bench/bench_queries.py --scales s100k --baseline --queries coordinators-by-country

Exit code 0 when every query ran on both engines, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests"), str(REPO / "src")]

from bench_ingest import _cli, _env, _export, _tail, _versions  # noqa: E402
from generate_cordis import SCALES  # noqa: E402
from virtuoso import VirtuosoServer, virtuoso_available  # noqa: E402

__all__ = ["main", "time_embedded", "time_substitutions", "time_virtuoso"]

#: The parameter sets each saved query is timed with; a query not listed runs once, with none.  A
#: required parameter is always bound; a query whose description asks for a binding at CORDIS scale (its
#: unbound answer has a row per participation, or millions) runs bound only, and so does
#: organisations-by-country (unbound, 100,045 rows at s100k: 63 s embedded as first written, 76 s as
#: now, both measured once under a load average near 10); a few others run both ways.
#: ``{organisation}`` and ``{project}`` stand for the organisation and the project with the median number
#: of participations at the scale (ties by IRI), chosen once per scale, untimed: see :func:`representatives`.
VARIANTS: dict[str, list[dict[str, str]]] = {
    "fact-provenance": [{"subject": "id:hub/NO"}],
    "organisation-initiatives": [{"organisation": "{organisation}"}],
    "cross-border-collaborations": [{"organisation": "{organisation}"}],
    "cross-sector-collaborations": [{"organisation": "{organisation}"}],
    "project-participants": [{"project": "{project}"}],
    "coordinators-by-country": [{}, {"country": "id:country/NO"}],
    "organisations-by-country": [{"country": "id:country/NO"}],
    "organisations-by-sector": [{}, {"sector": "id:sector/RES", "country": "id:country/NO"}],
    "hub-sector-coverage": [{}, {"hub": "id:hub/NO"}],
}
#: The goal (issue 5): a query's median within this factor of Virtuoso's ...
GOAL_FACTOR = 2.0
#: ... or under this many seconds.
GOAL_SECONDS = 0.100


def _run(*args: str) -> None:
    """Run ``echos-graph ARGS``; raise with its last lines of error output if it fails."""
    done = subprocess.run(_cli(*args), capture_output=True, text=True, env=_env(), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"'echos-graph {' '.join(args[:2])}' failed (exit {done.returncode}): {_tail(done.stderr)}")


def prepare(scale: str, seed: int, cache: Path, work: Path) -> tuple[Path, Path]:
    """Return an embedded store holding the bundled data and the scale's export, and its N-Quads dump.

    Both are kept in ``work`` and reused when a ``done`` file says they were finished.
    """
    store, dump = work / "store", work / "load" / f"{scale}.nq"
    if (work / "done").exists():
        return store, dump
    folder, _ = _export(scale, seed, cache)
    if work.exists():
        shutil.rmtree(work)
    dump.parent.mkdir(parents=True)
    print(f"[{scale}] build, ingest cordis, export ...", file=sys.stderr, flush=True)
    _run("build", "--store", str(store))
    _run("ingest", "cordis", str(folder), "--store", str(store))
    _run("export", "--format", "nq", "--store", str(store), "-o", str(dump))
    (work / "done").write_text("build, ingest cordis, export: done\n")
    return store, dump


def _timed(call, runs: int, budget: float) -> tuple[list[float], int]:
    """Call once untimed, then at least ``runs`` times and on while under ``budget`` seconds (at most 50)."""
    size = call()
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < runs or (time.perf_counter() - started < budget and len(times) < 50):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times, size


def _summary(times: list[float], size: int) -> dict:
    """Median and 95th percentile in milliseconds, with the number of runs and rows."""
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    return {"median_ms": round(statistics.median(times) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "runs": len(times), "rows": size}


def time_embedded(store, name: str, runs: int, budget: float, params: dict[str, str] | None = None) -> dict:
    """Time a saved query on the embedded store, every row consumed."""
    from echos_graph.queries import run_query

    def call() -> int:
        return sum(1 for _ in run_query(store, name, params or {}))

    return _summary(*_timed(call, runs, budget))


def time_substitutions(store, name: str, runs: int, budget: float, params: dict[str, str] | None = None) -> dict:
    """Time a saved query on the embedded store bound the old way, by pyoxigraph's substitutions alone.

    Each call does what ``run_query`` does (the catalogue read, the
    parameters typed), so that only the binding differs from :func:`time_embedded`.
    """
    import pyoxigraph as ox

    from echos_graph.namespaces import PREFIXES
    from echos_graph.queries import bind_parameters, resolve_query
    from echos_graph.store import names_dataset

    def call() -> int:
        saved = resolve_query(name)
        substitutions = {ox.Variable(k): v for k, v in bind_parameters(saved, params or {}).items()}
        options = {"prefixes": PREFIXES, "use_default_graph_as_union": not names_dataset(saved.text)}
        return sum(1 for _ in store._read_store().query(saved.text, substitutions=substitutions, **options))

    return _summary(*_timed(call, runs, budget))


def time_virtuoso(remote, name: str, runs: int, budget: float, *, scoped: bool = True,
                  params: dict[str, str] | None = None) -> dict:
    """Time the text the remote store would send for a saved query: one POST, the whole answer read.

    Unscoped, the query has no FROM clauses (Virtuoso's default graph: all its
    graphs, the system graphs included); a few answers differ then.
    """
    import json as _json

    from echos_graph.queries import bind_parameters, load_catalogue

    saved = load_catalogue()[name]
    bindings = bind_parameters(saved, params or {})
    if scoped:
        form, text, protocol = remote.prepare(saved.text, bindings=bindings)
    else:
        form, text, protocol = remote.prepare(saved.text, bindings=bindings, scoped=False)
    accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
    body = urllib.parse.urlencode([("query", text), *protocol]).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}

    def call() -> int:
        answer = remote.http.request("POST", remote.url, body=body, headers=headers)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return len(set(answer.body.splitlines()) - {b""})
        return len(_json.loads(answer.body)["results"]["bindings"])

    return _summary(*_timed(call, runs, budget))


def representatives(store) -> dict[str, str]:
    """Return the organisation and the project with the median number of participations (ties by IRI).

    Read from the saved query ``participation-edges``, untimed: a value that
    exists at every scale and is typical of it (the synthetic data has a long
    tail: at s100k the median organisation has 2 participations, the largest 4,251).
    """
    from collections import Counter

    from echos_graph.queries import run_query

    organisations: Counter[str] = Counter()
    projects: Counter[str] = Counter()
    for row in run_query(store, "participation-edges"):
        organisations[row["organisation"].value] += 1
        projects[row["initiative"].value] += 1

    def median(counts: Counter[str]) -> str:
        ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]))
        return ranked[len(ranked) // 2][0]

    return {"organisation": median(organisations), "project": median(projects)}


def _variants(name: str, chosen: dict[str, str]) -> list[dict[str, str]]:
    """The parameter sets to time ``name`` with, placeholders filled in."""
    return [{k: v.format(**chosen) for k, v in params.items()} for params in VARIANTS.get(name, [{}])]


def _label(entry: dict) -> str:
    """The query's name, with its parameters where it has some."""
    params = entry.get("params") or {}
    if not params:
        return entry["query"]
    shown = ", ".join(f"{k}={v.replace('https://w3id.org/echos-graph/id/', 'id:')}" for k, v in params.items())
    return f"{entry['query']} ({shown})"


def _judge(entry: dict) -> dict:
    """Add the ratio to Virtuoso's faster median giving the same number of rows, and whether the goal is met."""
    e = entry["embedded"]
    best = [v for v in (entry["virtuoso"], entry["virtuoso_unscoped"]) if "error" not in v and v["rows"] == e.get("rows")]
    if "error" in e:
        entry["goal_met"] = False
        return entry
    if best:
        fastest = min(v["median_ms"] for v in best)
        entry["ratio"] = round(e["median_ms"] / fastest, 2) if fastest else None
        entry["same_rows"] = "error" not in entry["virtuoso"] and e["rows"] == entry["virtuoso"]["rows"]
    entry["goal_met"] = e["median_ms"] < GOAL_SECONDS * 1000 or bool(best) and e["median_ms"] <= GOAL_FACTOR * fastest
    return entry


def run_scale(scale: str, args: argparse.Namespace) -> dict:
    """Prepare the stores of one scale and time every saved query on both."""
    from echos_graph.queries import bind_parameters, load_catalogue
    from echos_graph.remote import RemoteStore
    from echos_graph.store import open_store

    catalogue = load_catalogue()
    names = args.queries or sorted(catalogue)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"echos-bench-queries-{scale}-") as tmp:
        work = args.keep / scale if args.keep else Path(tmp)
        store_dir, dump = prepare(scale, args.seed, args.cache, work)
        with open(dump, "rb") as lines:
            quads = sum(1 for _ in lines)
        server = VirtuosoServer(Path(tmp) / "virtuoso", buffers=args.buffers, load_dirs=(dump.parent,))
        rows: list[dict] = []
        try:
            print(f"[{scale}] Virtuoso: start, bulk load {dump.stat().st_size / 1e6:.0f} MB ...", file=sys.stderr,
                  flush=True)
            t0 = time.perf_counter()
            server.start()
            started = time.perf_counter() - t0
            t0 = time.perf_counter()
            server.bulk_load(dump.parent, dump.name)
            loaded = time.perf_counter() - t0
            store = open_store(store_dir)
            remote = RemoteStore(server.query_url, timeout=args.timeout)
            t0 = time.perf_counter()
            graphs = len(remote.named_graphs())
            listing = time.perf_counter() - t0
            if graphs != len(store.named_graphs()):
                raise RuntimeError(f"Virtuoso holds {graphs} of our graphs, the embedded store "
                                   f"{len(store.named_graphs())}")
            chosen = representatives(store)
            print(f"[{scale}] median organisation {chosen['organisation']}, project {chosen['project']}",
                  file=sys.stderr, flush=True)
            for name in names:
                for params in _variants(name, chosen):
                    if args.bound_only and not bind_parameters(catalogue[name], params):
                        continue
                    entry: dict = {"query": name, "params": params}
                    print(f"[{scale}] {_label(entry)} ...", file=sys.stderr, flush=True)
                    timers = {"embedded": lambda: time_embedded(store, name, args.runs, args.budget, params),
                              **({"substitutions": lambda: time_substitutions(store, name, args.runs, args.budget,
                                                                              params)}
                                 if args.baseline and bind_parameters(catalogue[name], params) else {}),
                              "virtuoso": lambda: time_virtuoso(remote, name, args.runs, args.budget, params=params),
                              "virtuoso_unscoped": lambda: time_virtuoso(remote, name, args.runs, args.budget,
                                                                         scoped=False, params=params)}
                    for engine, timer in timers.items():
                        try:
                            entry[engine] = timer()
                        except Exception as exc:  # one failing query or engine must not lose the others' figures
                            entry[engine] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                    rows.append(_judge(entry))
        finally:
            server.stop()
    return {"scale": scale, "seed": args.seed, "organisations": SCALES[scale][0], "projects": SCALES[scale][1],
            "quads": quads, "named_graphs": graphs,
            "virtuoso_start_seconds": round(started, 1), "virtuoso_load_seconds": round(loaded, 1),
            "virtuoso_graph_listing_ms": round(listing * 1000, 1), "representatives": chosen, "queries": rows,
            "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}}


def _table(result: dict) -> str:
    """One scale's figures as a Markdown table."""
    def cell(figures: dict) -> str:
        return "error | " if "error" in figures else f"{figures['median_ms']} | {figures['p95_ms']}"

    baseline = any("substitutions" in q for q in result["queries"])
    lines = [f"{result['scale']}: load average {result['load_average_1min']['before']} before, "
             f"{result['load_average_1min']['after']} after",
             "",
             "| query | rows | embedded median ms | p95 | "
             + ("substitutions only median ms | p95 | embedded / substitutions | " if baseline else "")
             + "Virtuoso median ms | p95 | unscoped median ms | p95 | embedded / fastest Virtuoso | goal |",
             "|---|---:|---:|---:|" + ("---:|---:|---:|" if baseline else "") + "---:|---:|---:|---:|---:|---|"]
    for q in result["queries"]:
        e = q["embedded"]
        rows = e.get("rows", "")
        if q.get("same_rows") is False:
            rows = f"{rows} / {q['virtuoso'].get('rows', '-')}"
        unscoped = q["virtuoso_unscoped"]
        if "rows" in unscoped and unscoped["rows"] != e.get("rows"):
            q = {**q, "virtuoso_unscoped": {**unscoped, "p95_ms": f"{unscoped['p95_ms']} ({unscoped['rows']} rows)"}}
        before = ""
        if baseline:
            old = q.get("substitutions")
            speedup = (round(e["median_ms"] / old["median_ms"], 2) if old and "error" not in old and "error" not in e
                       and old["median_ms"] else "-")
            before = f"{cell(old) if old else '- | -'} | {speedup} | "
        lines.append(f"| {_label(q)} | {rows} | {cell(e)} | {before}{cell(q['virtuoso'])} "
                     f"| {cell(q['virtuoso_unscoped'])} | {q.get('ratio', '-')} | {'yes' if q['goal_met'] else '**no**'} |")
    errors = [(_label(q), engine, q[engine]["error"].split("\n")[0][:160]) for q in result["queries"]
              for engine in ("embedded", "substitutions", "virtuoso", "virtuoso_unscoped") if "error" in q.get(engine, {})]
    lines += [""] + [f"- {name}, {engine}: {error}" for name, engine, error in errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for the scales asked; print the tables and write the JSON results."""
    parser = argparse.ArgumentParser(description="Time every saved query on the embedded store and on Virtuoso "
                                                 "holding the same SYNTHETIC data.")
    parser.add_argument("--scales", nargs="+", choices=sorted(SCALES), default=["s10k", "s100k"])
    parser.add_argument("--queries", nargs="+", default=None, help="only these saved queries (default: all)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs at least (default 10)")
    parser.add_argument("--budget", type=float, default=10.0,
                        help="seconds per query and engine after which no more runs start (default 10)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one Virtuoso request may take")
    parser.add_argument("--buffers", type=int, default=170_000, help="Virtuoso NumberOfBuffers (default 170000)")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="where exports are generated")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the embedded store and the dump of each scale in KEEP/SCALE and reuse them")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where the JSON goes")
    parser.add_argument("--baseline", action="store_true",
                        help="also time each query run with parameters bound by substitutions alone (as before)")
    parser.add_argument("--bound-only", action="store_true",
                        help="only the runs with parameters (a default value counts), not the unbound variants")
    parser.add_argument("--results-name", default=None,
                        help="file name of the JSON in --results (default queries-DATE.json)")
    parser.add_argument("--table", type=Path, default=None,
                        help="print the tables of an earlier JSON result (judged again) and exit")
    args = parser.parse_args(argv)
    if args.table:
        for result in json.loads(args.table.read_text(encoding="utf-8"))["results"]:
            result["queries"] = [_judge(q) for q in result["queries"]]
            print(_table(result) + "\n")
        return 0
    reason = virtuoso_available()
    if reason:
        print(f"bench_queries: {reason}", file=sys.stderr)
        return 1

    results = [run_scale(scale, args) for scale in args.scales]
    for result in results:
        print(_table(result) + "\n")
    import pyoxigraph

    versions = {**_versions(), "pyoxigraph": pyoxigraph.__version__}
    version = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, check=False)
    versions["virtuoso"] = next((line.strip() for line in (version.stdout + version.stderr).splitlines()
                                 if "Version" in line), "?")
    report = {"date": dt.date.today().isoformat(), "command": " ".join(["python", *sys.argv]),
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count()}, "versions": versions,
              "goal": f"median within {GOAL_FACTOR}x of Virtuoso's, or under {GOAL_SECONDS * 1000:.0f} ms",
              "note": "SYNTHETIC data made by bench/generate_cordis.py plus the bundled data; embedded times are "
                      "run_query with every row consumed, Virtuoso times one HTTP POST with the answer read",
              "results": results}
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / (args.results_name or f"queries-{report['date']}.json")
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Results written to {path}")
    return 0 if all("error" not in q["embedded"] for r in results for q in r["queries"]) else 1


if __name__ == "__main__":
    sys.exit(main())
