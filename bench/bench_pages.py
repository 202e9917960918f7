"""Benchmark (not a test): how long the web pages take to render on the server, on SYNTHETIC CORDIS data.

For each scale it

1. generates the synthetic CORDIS export (the one ``bench_ingest.py`` uses,
   in ``bench/.cache/<scale>-seed<seed>/``), builds a store from the bundled
   data and ingests the export with ``echos-graph ingest cordis`` (not timed;
   or takes an existing store with ``--store``);
2. in a fresh child process with an empty analysis cache ("cold"), sends
   each page through the app (Flask's test client: the whole server-side
   render, from routing to the response body, with no network) once, then
   ``--runs`` more times; the first request of the process also reads the
   network out of the store;
3. does the same in a second fresh process that finds the network in the
   analysis cache of the store's generation ("new worker"), as a restarted
   server would;
4. runs ``echos-graph analyse`` (which keeps every organisation's network
   measures for the generation) and times the organisation pages again in a
   third process ("after analyse").

The pages: the hub page of Norway (``/id/hub/NO``) and of Spain, the hubs
overview, the home page, the organisation with the most participations
(the worst case: its partners and its place in the network), an
organisation of median size, and the recommendations of the JSON API.
Prints a table and writes ``bench/results/pages-<date>.json``.

Usage::

    python bench/bench_pages.py                        # s10k
    python bench/bench_pages.py --scales s1k s10k --runs 10
    python bench/bench_pages.py --store /tmp/s10k/graph --scales s10k
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_ingest import _cli, _env, _export, _versions  # noqa: E402

__all__ = ["main"]

#: The goal: the hub page renders in under 500 ms on the server at s10k.
GOAL_MS = 500.0


def _organisations(folder: Path) -> tuple[str, str]:
    """Return the paths of the organisation with the most participations and of one of median size."""
    counts: collections.Counter[str] = collections.Counter()
    with open(folder / "organization.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            counts[row["organisationID"]] += 1
    ranked = counts.most_common()
    return f"/id/organisation/pic/{ranked[0][0]}", f"/id/organisation/pic/{ranked[len(ranked) // 2][0]}"


def _child(store: str, paths: list[str], runs: int, warm: bool) -> dict:
    """Time each page in this process: the first request, then ``runs`` more (in milliseconds).

    With ``warm``, first call :func:`echos_graph.web.db.warm_up`, as the
    production server does when a worker starts, and time it.
    """
    sys.path.insert(0, str(REPO / "src"))
    started = time.perf_counter()
    from echos_graph.web import create_app
    from echos_graph.web.db import warm_up

    app = create_app({"STORE": store, "DOCS_DIR": tempfile.mkdtemp()})
    client = app.test_client()
    result = {"import_ms": round(1000 * (time.perf_counter() - started), 1), "pages": {}, "warm_up_ms": None}
    if warm:
        t0 = time.perf_counter()
        warm_up(app)
        result["warm_up_ms"] = round(1000 * (time.perf_counter() - t0), 1)
    for path in paths:
        t0 = time.perf_counter()
        response = client.get(path)
        first = 1000 * (time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}: {response.get_data(as_text=True)[:500]}")
        warm = []
        for _ in range(runs):
            t0 = time.perf_counter()
            client.get(path).get_data()
            warm.append(1000 * (time.perf_counter() - t0))
        body = response.get_data(as_text=True)
        result["pages"][path] = {
            "first_ms": round(first, 1),
            "warm_median_ms": round(statistics.median(warm), 1) if warm else None,
            "warm_max_ms": round(max(warm), 1) if warm else None,
            "bytes": len(body.encode("utf-8")),
            "measures_shown": "Betweenness" in body,
        }
    return result


def _run_child(store: Path, paths: list[str], runs: int, cache: Path, *, warm: bool) -> dict:
    """Run :func:`_child` in a fresh interpreter with ``cache`` as its analysis cache."""
    env = _env()
    env["ECHOS_GRAPH_CACHE"] = str(cache)
    out = subprocess.run([sys.executable, __file__, "--child", str(store), "--runs", str(runs),
                          *(["--warm"] if warm else []), *paths],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child failed:\n{out.stderr[-3000:]}{out.stdout[-1000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _prepare(scale: str, seed: int, cache: Path, work: Path) -> tuple[Path, Path]:
    """Return the export folder and a store built from the bundled data plus the export."""
    folder, _ = _export(scale, seed, cache)
    store = work / "graph"
    for args in (("build", "--store", str(store)), ("ingest", "cordis", str(folder), "--store", str(store))):
        done = subprocess.run(_cli(*args), capture_output=True, text=True, env=_env(), check=False)
        if done.returncode != 0:
            raise SystemExit(f"echos-graph {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return folder, store


def _table(rows: list[tuple[str, str, str, dict]]) -> str:
    """Format the timings as a Markdown table."""
    lines = ["| scale | phase | page | first call ms | warm median ms | warm max ms | measures |",
             "|---|---|---|---:|---:|---:|---|"]
    for scale, phase, path, t in rows:
        lines.append(f"| {scale} | {phase} | `{path}` | {t['first_ms']:.0f} | {t['warm_median_ms']:.1f} | "
                     f"{t['warm_max_ms']:.1f} | {'yes' if t['measures_shown'] else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["s10k"], choices=["s1k", "s10k", "s100k"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=20, help="warm requests per page after the first")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="where exports are generated")
    parser.add_argument("--store", type=Path, default=None, help="an existing store with the export ingested")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.paths, args.runs, args.warm)))
        return 0
    rows: list[tuple[str, str, str, dict]] = []
    report: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "versions": _versions(),
                    "load_average": os.getloadavg(), "runs": args.runs, "scales": {}}
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix=f"bench-pages-{scale}-") as tmp:
            work = Path(tmp)
            if args.store is not None:
                folder, store = _export(scale, args.seed, args.cache)[0], args.store
            else:
                folder, store = _prepare(scale, args.seed, args.cache, work)
            biggest, median = _organisations(folder)
            pages = ["/id/hub/NO", "/id/hub/ES", "/hubs", "/", biggest, median, "/api/hubs/NO/recommendations"]
            analysis_cache = work / "analysis-cache"
            phases = {
                "cold, no warm-up": _run_child(store, pages, args.runs, work / "cold-cache", warm=False),
                "server worker": _run_child(store, pages, args.runs, analysis_cache, warm=True),
                "restarted worker": _run_child(store, pages, args.runs, analysis_cache, warm=True),
            }
            env = _env()
            env["ECHOS_GRAPH_CACHE"] = str(analysis_cache)
            t0 = time.perf_counter()
            subprocess.run(_cli("analyse", "--store", str(store)), capture_output=True, env=env, check=True)
            analyse_seconds = time.perf_counter() - t0
            phases["after analyse"] = _run_child(store, ["/id/hub/NO", biggest, median], args.runs, analysis_cache,
                                                 warm=True)
            report["scales"][scale] = {"phases": phases, "analyse_seconds": round(analyse_seconds, 1),
                                       "biggest": biggest, "median": median}
            for phase, found in phases.items():
                for path, timing in found["pages"].items():
                    label = path.replace(biggest, "/id/organisation/pic/(largest)").replace(
                        median, "/id/organisation/pic/(median)")
                    rows.append((scale, phase, label, timing))
            hub = phases["server worker"]["pages"]["/id/hub/NO"]
            verdict = "meets" if hub["warm_median_ms"] < GOAL_MS and hub["first_ms"] < GOAL_MS else "misses"
            print(f"{scale}: hub page first call {hub['first_ms']:.0f} ms, then {hub['warm_median_ms']:.1f} ms "
                  f"in a server worker: {verdict} the {GOAL_MS:.0f} ms goal; worker warm-up "
                  + ", ".join(f"{p['warm_up_ms']:.0f} ms" for p in phases.values() if p["warm_up_ms"] is not None)
                  + f"; echos-graph analyse took {analyse_seconds:.1f} s", file=sys.stderr)
    print(_table(rows))
    out = HERE / "results" / f"pages-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {out.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
