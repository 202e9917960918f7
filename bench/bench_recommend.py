"""Benchmark (not a test): ``echos-graph gaps --hub HUB --recommend`` with an empty and a warm analysis cache.

For each store given (made by ``echos-graph build`` and ``echos-graph ingest
cordis`` of a SYNTHETIC export, see below), and for ``--repeat`` rounds, it
runs the command in fresh processes, each with its own analysis cache folder
(``ECHOS_GRAPH_CACHE``), in this order:

1. ``old-cold``: the code of ``--baseline`` (a git revision, default
   ``main``; its ``src/``, ``queries/``, ``ontology/`` and ``data/`` are
   extracted with ``git archive``) with an empty
   cache: the baseline of the same run;
2. ``old-warm``: the baseline's code again, reading the cache step 1 wrote:
   the baseline of ``warm``;
3. ``cold``: this checkout's code with an empty cache (it reads the network
   out of the store, then writes the cache);
4. ``warm``: this checkout's code again, reading the cache step 3 wrote.

Every output must be byte-identical to the baseline's (``--format json``);
the benchmark stops otherwise. It prints the median wall seconds of each, the
ratios old-cold / cold and old-warm / warm, and writes everything (each run, the 1-minute load
average before and after it, versions) to
``bench/results/recommend-<date>.json``.

Make the stores first (about 1 minute at s100k)::

    echos-graph build --store /tmp/s-bundled
    cp -a /tmp/s-bundled /tmp/s100k
    ECHOS_GRAPH_WARM_CACHE=0 echos-graph ingest cordis bench/.cache/s100k-seed42 --store /tmp/s100k

Usage::

    python bench/bench_recommend.py --store s10k=/tmp/s10k --store s100k=/tmp/s100k
    python bench/bench_recommend.py --store s10k=/tmp/s10k --repeat 5 --baseline 87983b9
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

__all__ = ["main"]

#: The goal of issue 4: one hub's recommendations at s100k within this many seconds.
GOAL_SECONDS = 2.0


def _extract_src(revision: str, into: Path) -> Path:
    """Write the ``src/`` of git ``revision`` (with the resources it reads) into ``into``; return what goes on PYTHONPATH."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision,
                              "src", "queries", "ontology", "data", "pyproject.toml"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(src: Path, store: str, hub: str, cache: Path) -> tuple[float, bytes, float, float]:
    """Run the command once in a fresh process; return its wall seconds, output and the load before and after."""
    env = {**os.environ, "PYTHONPATH": str(src), "ECHOS_GRAPH_CACHE": str(cache), "ECHOS_GRAPH_WARM_CACHE": "0"}
    command = [sys.executable, "-c", "from echos_graph.cli import main; main()",
               "gaps", "--hub", hub, "--recommend", "--format", "json", "--store", store]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, done.stdout, load_before, os.getloadavg()[0]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its results; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", action="append", required=True, metavar="SCALE=PATH",
                        help="A store to run on, named by its scale (repeatable).")
    parser.add_argument("--hub", default="id:hub/NO")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default="main", help="The git revision whose code is the baseline.")
    parser.add_argument("--out", type=Path, default=HERE / "results" / f"recommend-{dt.date.today()}.json")
    args = parser.parse_args(argv)

    baseline_rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", args.baseline], check=True,
                                  capture_output=True, text=True).stdout.strip()
    head_rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    results: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": f"echos-graph gaps --hub {args.hub} --recommend --format json --store STORE",
        "baseline": baseline_rev, "head": head_rev, "repeat": args.repeat,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "goal_seconds": GOAL_SECONDS, "scales": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-recommend-") as tmp:
        old_src = _extract_src(baseline_rev, Path(tmp) / "baseline")
        new_src = REPO / "src"
        for spec in args.store:
            scale, _, store = spec.partition("=")
            runs: dict[str, list[dict[str, float]]] = {"old-cold": [], "old-warm": [], "cold": [], "warm": []}
            for round_ in range(args.repeat):
                old_cache, new_cache = Path(tmp) / f"{scale}-{round_}-old", Path(tmp) / f"{scale}-{round_}-new"
                seconds, reference, before, after = _run(old_src, store, args.hub, old_cache)
                runs["old-cold"].append({"seconds": seconds, "load_before": before, "load_after": after})
                for kind, src, cache in (("old-warm", old_src, old_cache), ("cold", new_src, new_cache),
                                         ("warm", new_src, new_cache)):
                    seconds, output, before, after = _run(src, store, args.hub, cache)
                    if output != reference:
                        print(f"{scale} {kind}: the output differs from the baseline's", file=sys.stderr)
                        return 1
                    runs[kind].append({"seconds": seconds, "load_before": before, "load_after": after})
                print(f"{scale} round {round_ + 1}: " + ", ".join(f"{k} {v[-1]['seconds']:.2f} s" for k, v in runs.items()),
                      flush=True)
            medians = {kind: statistics.median(r["seconds"] for r in found) for kind, found in runs.items()}
            loads = [r[k] for found in runs.values() for r in found for k in ("load_before", "load_after")]
            results["scales"][scale] = {  # type: ignore[index]
                "store": store, "runs": runs, "median_seconds": medians,
                "ratio_old_cold_over_cold": medians["old-cold"] / medians["cold"],
                "ratio_old_cold_over_warm": medians["old-cold"] / medians["warm"],
                "ratio_old_warm_over_warm": medians["old-warm"] / medians["warm"],
                "load_average_1min": {"min": min(loads), "max": max(loads)},
                "identical_output": True, "output_bytes": len(reference),
            }
            print(f"{scale}: median old-cold {medians['old-cold']:.2f} s, cold {medians['cold']:.2f} s "
                  f"(x{medians['old-cold'] / medians['cold']:.2f}), old-warm {medians['old-warm']:.2f} s, "
                  f"warm {medians['warm']:.2f} s (x{medians['old-warm'] / medians['warm']:.2f}); "
                  f"load {min(loads):.1f}-{max(loads):.1f}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
