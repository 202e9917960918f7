"""Benchmark (not a test): the network analyses on SYNTHETIC co-participation graphs, echos-graph against pure NetworkX.

For each scale it

1. generates the synthetic CORDIS export into ``bench/.cache/<scale>-seed<seed>/``
   (the one ``bench_ingest.py`` uses, reused while generator and seed are unchanged);
2. in a fresh child process, builds the organisation co-participation graph
   straight from ``organization.csv`` with the attributes of
   ``analysis.projection.co_participation_graph`` (label, sector from the
   activity type: HES->ACA, REC->RES, PRC->IND, PUB->GOV, OTH->NGO, country,
   one synthetic hub per country holding every tenth organisation, roles;
   edges with ``count``, ``newman`` = ``weight`` and ``initiatives``), not timed
   as part of the analysis;
3. times ``analysis.network.analyse(G, seed=42)`` (all measures, both community
   methods) and then the synergies of each method (top 50);
4. times the pure-NetworkX reference of the same measures in the same process:
   ``nx.betweenness_centrality`` (from a few pivots, extrapolated to the
   pivots ``analyse`` used and to exact), ``nx.pagerank``, ``nx.core_number``,
   ``nx.constraint`` and ``nx.effective_size`` (on a random sample of nodes
   under a time limit, extrapolated to all), ``louvain_communities`` (one run
   under a time limit, times the runs ``analyse`` made), and
   ``attribute_assortativity_coefficient``; what was extrapolated or stopped
   is recorded as such;

prints a table (ratio = NetworkX seconds / echos-graph seconds) and writes
everything to ``bench/results/analysis-<date>.json``. Peak memory is the
child's ``ru_maxrss`` (graph included) and the rise of its peak during
``analyse`` alone.

Usage::

    python bench/bench_analysis.py                   # s10k s100k
    python bench/bench_analysis.py --scales s1k
    python bench/bench_analysis.py --scales s100k --nx-limit 120
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

__all__ = ["build_graph", "main"]

#: The goals of issue 4: the full ``analyse`` within these seconds, within 8 GB.
GOALS = {"s10k": 20.0, "s100k": 120.0}
GOAL_PEAK_MB = 8192.0

SECTORS = {"HES": "ACA", "REC": "RES", "PRC": "IND", "PUB": "GOV", "OTH": "NGO"}
ROLES = {"coordinator": "coordinator", "participant": "participant", "associatedPartner": "associated-partner",
         "thirdParty": "affiliated-entity", "internationalPartner": "partner"}
ID = "https://w3id.org/echos-graph/id/"


def build_graph(folder: Path):
    """Return the co-participation graph of a synthetic CORDIS export, as the projection would make it."""
    import networkx as nx

    orgs: dict[str, dict] = {}
    members: dict[str, dict[str, str]] = defaultdict(dict)
    with open(folder / "organization.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            org = f"{ID}organisation/pic-{row['organisationID']}"
            project = f"{ID}initiative/cordis-{row['projectID']}"
            members[project][org] = ROLES.get(row["role"], "participant")
            if org not in orgs:
                sector = SECTORS.get(row["activityType"], "NGO")
                country = row["country"]
                hubs = [f"{ID}hub/{country}"] if int(row["organisationID"]) % 10 == 0 else []
                orgs[org] = {"label": row["name"], "sector": sector, "sectors": [sector], "country": country,
                             "hubs": hubs, "initiatives": [], "roles": {}}
    for project, roles in members.items():
        for org, role in roles.items():
            orgs[org]["initiatives"].append(project)
            orgs[org]["roles"][project] = role
    pairs: dict[tuple[str, str], list] = {}
    for project in sorted(members):
        group = sorted(members[project])
        if len(group) < 2:
            continue
        share = 1.0 / (len(group) - 1)
        for i, u in enumerate(group):
            for v in group[i + 1:]:
                entry = pairs.get((u, v))
                if entry is None:
                    pairs[(u, v)] = [1, share, [project]]
                else:
                    entry[0] += 1
                    entry[1] += share
                    entry[2].append(project)
    G = nx.Graph()
    for org in sorted(orgs):
        data = orgs[org]
        data["initiatives"].sort()
        data["roles"] = dict(sorted(data["roles"].items()))
        G.add_node(org, **data)
    for (u, v), (count, newman, initiatives) in sorted(pairs.items()):
        G.add_edge(u, v, count=count, newman=newman, weight=newman, initiatives=initiatives)
    return G


class _Timeout(Exception):
    """Raised by the alarm when a reference computation runs out of time."""


def _within(limit: float, call):
    """Run ``call`` for at most ``limit`` seconds (pure-Python code only); return (seconds, finished, value)."""
    def alarm(signum, frame):
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        value = call()
        return time.perf_counter() - start, True, value
    except _Timeout:
        return time.perf_counter() - start, False, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _peak_mb() -> float:
    """Return this process's peak resident memory so far (VmHWM), in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return math.nan


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux 4.0+), so the next peak is of what follows."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def _rss_mb() -> float:
    """Return this process's resident memory now, in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan


def _reference(G, ours: dict, seed: int, limit: float) -> dict:
    """Time pure NetworkX on the same measures; extrapolate what cannot finish, and say so."""
    import networkx as nx

    n, m = G.number_of_nodes(), G.number_of_edges()
    rng = random.Random(seed)
    out: dict[str, dict] = {}

    start = time.perf_counter()
    dict(G.degree(weight="weight"))
    out["strength"] = {"seconds": time.perf_counter() - start, "how": "full"}

    k = max(2, min(n, int(2e6 // max(1, n + m))))  # about 2 s of pure-Python Brandes
    seconds, done, _ = _within(limit, lambda: nx.betweenness_centrality(G, k=k, seed=random.Random(seed)))
    per_pivot = seconds / k
    ours_pivots = ours["pivots"] or n
    out["betweenness"] = {"seconds": per_pivot * ours_pivots, "exact_seconds": per_pivot * n,
                          "how": f"{k} pivots timed{'' if done else ' (stopped)'}, "
                                 f"extrapolated to {ours_pivots} and to {n}"}

    for name, call in (("pagerank", lambda: nx.pagerank(G, weight="weight")),
                       ("core", lambda: nx.core_number(G)),
                       ("sector assortativity", lambda: nx.attribute_assortativity_coefficient(G, "sector")),
                       ("country assortativity", lambda: nx.attribute_assortativity_coefficient(G, "country"))):
        seconds, done, _ = _within(limit, call)
        out[name] = {"seconds": seconds, "how": "full" if done else f"stopped after {limit:.0f} s (lower bound)"}

    sample = rng.sample(list(G), min(n, 200))
    for name, fn in (("constraint", nx.constraint), ("effective size", nx.effective_size)):
        timed = []
        budget_end = time.perf_counter() + limit
        for v in sample:
            left = budget_end - time.perf_counter()
            if left <= 0:
                break
            seconds, done, _ = _within(left, lambda v=v, fn=fn: fn(G, nodes=[v], weight="weight"))
            timed.append(seconds)
            if not done:
                break
        mean = sum(timed) / max(1, len(timed))
        out[name] = {"seconds": mean * n, "how": f"{len(timed)} random nodes timed (one-node calls), "
                                                 f"mean x {n} nodes"}

    seconds, done, _ = _within(limit, lambda: nx.community.louvain_communities(G, weight="weight", seed=seed))
    runs = ours["louvain_runs"]
    out["louvain"] = {"seconds": seconds * runs, "one_run_seconds": seconds,
                      "how": f"one run{'' if done else f' stopped after {limit:.0f} s (lower bound)'} x {runs} runs"}
    total = sum(v["seconds"] for v in out.values())
    return {"measures": out, "total_seconds": total,
            "note": "Leiden has no pure-NetworkX implementation and is not counted; "
                    "extrapolated and stopped figures are estimates, stopped ones lower bounds."}


def _say(scale: str, text: str) -> None:
    """Report progress on stderr."""
    print(f"[{scale}]   {text}", file=sys.stderr, flush=True)


def child(scale: str, folder: Path, seed: int, limit: float, skip_nx: bool) -> dict:
    """Build the graph, time analyse() and synergies, then the NetworkX reference; return the figures."""
    from echos_graph.analysis.network import analyse
    from echos_graph.analysis.synergies import synergies

    start = time.perf_counter()
    G = build_graph(folder)
    built = time.perf_counter() - start
    _say(scale, f"graph built in {built:.1f} s: {G.number_of_nodes()} organisations, {G.number_of_edges()} ties")
    rss_graph = _rss_mb()
    _reset_peak()
    start = time.perf_counter()
    result = analyse(G, seed=seed)
    ours_seconds = time.perf_counter() - start
    analyse_peak = _peak_mb()
    _say(scale, f"analyse: {ours_seconds:.1f} s {result.seconds}")
    first = next(iter(result.nodes.values()))
    pivots = None
    if first.method.startswith("sampled"):
        pivots = int(first.method.split(", ")[1].split(" ")[0])
    entry = {
        "scale": scale, "organisations": G.number_of_nodes(), "ties": G.number_of_edges(),
        "build_graph_seconds": round(built, 2), "rss_with_graph_mb": round(rss_graph),
        "analyse_seconds": round(ours_seconds, 2), "analyse_peak_mb": round(analyse_peak),
        "analyse_extra_mb": round(analyse_peak - rss_graph), "stages": result.seconds, "methods": result.methods,
        "summary": result.summary,
    }
    communities = result.communities.get("leiden") or result.communities.get("louvain")
    entry["synergies_seconds"] = {}
    for method in ("adamic_adar", "resource_allocation", "jaccard", "community"):
        start = time.perf_counter()
        found = synergies(G, method=method, top=50, seed=seed, communities=communities)
        entry["synergies_seconds"][method] = round(time.perf_counter() - start, 2)
        _say(scale, f"synergies {method}: {entry['synergies_seconds'][method]} s")
        entry.setdefault("synergy_examples", {})[method] = found[0].reason if found else None
    if not skip_nx:
        louvain = result.communities.get("louvain")
        ref = _reference(G, {"pivots": pivots, "louvain_runs": louvain.runs if louvain else 1}, seed, limit)
        _say(scale, f"pure NetworkX: {ref['total_seconds']:.0f} s (estimated)")
        entry["networkx"] = ref
        entry["ratio_networkx_over_echos"] = round(ref["total_seconds"] / ours_seconds, 1)
    return entry


def _versions() -> dict[str, str]:
    """Versions of the pieces that the figures depend on."""
    versions = {"python": platform.python_version()}
    for name in ("networkx", "igraph", "numpy", "scipy"):
        try:
            module = __import__(name)
            versions[name] = getattr(module, "__version__", "?")
        except ImportError:
            versions[name] = "not installed"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True, check=False)
    versions["echos-graph commit"] = (commit.stdout.strip() or "?") + ("+uncommitted" if dirty.stdout.strip() else "")
    return versions


def _table(results: list[dict]) -> str:
    """The results as a fixed-width text table."""
    head = (f"{'scale':<6} {'orgs':>7} {'ties':>9} | {'analyse s':>9} {'goal s':>6} {'peak MB':>8} "
            f"{'+MB':>6} | {'networkx s':>10} {'nx/echos':>8} | betweenness")
    lines = [head, "-" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['scale']:<6} error: {r['error'][:100]}")
            continue
        nx_s = r.get("networkx", {}).get("total_seconds")
        ratio = r.get("ratio_networkx_over_echos")
        lines.append(
            f"{r['scale']:<6} {r['organisations']:>7} {r['ties']:>9} | {r['analyse_seconds']:>9.1f} "
            f"{GOALS.get(r['scale'], float('nan')):>6.0f} {r['process_peak_mb']:>8.0f} {r['analyse_extra_mb']:>6.0f} | "
            f"{'-' if nx_s is None else f'{nx_s:.0f}':>10} {'-' if ratio is None else ratio:>8} | "
            f"{r['methods']['betweenness']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for the scales asked; print a table and write the JSON results."""
    parser = argparse.ArgumentParser(description="Benchmark echos-graph's network analyses on SYNTHETIC "
                                                 "co-participation graphs against pure NetworkX.")
    parser.add_argument("--scales", nargs="+", choices=["s1k", "s10k", "s100k"], default=["s10k", "s100k"])
    parser.add_argument("--seed", type=int, default=42, help="generator and analysis seed (default 42)")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="where exports are generated")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where the JSON goes")
    parser.add_argument("--nx-limit", type=float, default=60.0,
                        help="seconds allowed to each pure-NetworkX reference step (default 60)")
    parser.add_argument("--skip-networkx", action="store_true", help="time echos-graph only")
    parser.add_argument("--child", nargs=2, metavar=("SCALE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        entry = child(args.child[0], Path(args.child[1]), args.seed, args.nx_limit, args.skip_networkx)
        args.out.write_text(json.dumps(entry, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0

    from bench_ingest import _export  # the same cached exports

    results = []
    for scale in args.scales:
        print(f"[{scale}] generating or reusing the synthetic export ...", file=sys.stderr, flush=True)
        folder, _ = _export(scale, args.seed, args.cache)
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="echos-bench-analysis-") as work:
            out = Path(work) / "entry.json"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", scale, str(folder), "--out", str(out),
                   "--seed", str(args.seed), "--nx-limit", str(args.nx_limit)]
            if args.skip_networkx:
                cmd.append("--skip-networkx")
            print(f"[{scale}] analyse, synergies{'' if args.skip_networkx else ', pure NetworkX'} ...",
                  file=sys.stderr, flush=True)
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            if status == 0 and out.exists():
                entry = json.loads(out.read_text(encoding="utf-8"))
            else:
                entry = {"scale": scale, "error": f"the child process failed (wait status {status}); see its stderr"}
        entry["process_seconds"] = round(time.perf_counter() - started, 1)
        entry["process_peak_mb"] = round(usage.ru_maxrss / 1024)
        entry["load_average_1min"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
        if scale in GOALS and "error" not in entry:
            entry["goal"] = {"max_seconds": GOALS[scale], "max_peak_mb": GOAL_PEAK_MB}
            entry["goal_met"] = entry["analyse_seconds"] <= GOALS[scale] and entry["process_peak_mb"] <= GOAL_PEAK_MB
        results.append(entry)

    print(_table(results))
    report = {"date": dt.date.today().isoformat(),
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
              "versions": _versions(),
              "note": "SYNTHETIC data made by bench/generate_cordis.py; analyse() timed in-process after the "
                      "graph is built; peak MB is the child's ru_maxrss (graph included), +MB the rise of its "
                      "peak during analyse().",
              "results": results}
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"analysis-{report['date']}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}", file=sys.stderr)
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
