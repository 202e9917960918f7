"""Benchmark (not a test): ingest SYNTHETIC CORDIS exports, echos-graph against plain rdflib.

For each scale it

1. generates the synthetic export into ``bench/.cache/<scale>-seed<seed>/``
   (reused while the generator and seed are unchanged);
2. (a) builds a fresh embedded store (not timed), then times
   ``echos-graph ingest cordis DIR --store STORE`` as a whole process: wall
   time, peak resident memory of that process, triples added (``echos-graph
   info --format json`` after minus before) and triples per second;
3. (b) times ``bench/baseline_rdflib.py DIR`` the same way: the same rows made
   into roughly the same triples in one in-memory ``rdflib.Graph``;

then prints a table with the ratio rdflib time / echos-graph time and writes
everything to ``bench/results/ingest-<date>.json``.

Usage::

    python bench/bench_ingest.py                  # s1k s10k s100k
    python bench/bench_ingest.py --scales s1k

The machine should be otherwise idle: the JSON records the 1-minute load
average before and after each scale so that a busy run can be recognised.

Exit code 0 when every run succeeded, 1 when one failed (for instance while
``ingest cordis`` does not exist yet: the baseline still runs and is reported).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate_cordis import SCALES, generate  # noqa: E402

__all__ = ["main", "measure"]

#: The goal at s100k (bench/README.md): at most 30 s wall and under 2 GB peak memory.
GOAL_SECONDS = 30.0
GOAL_PEAK_MB = 2048.0


def _env() -> dict[str, str]:
    """The environment of the children: the repository's src/ first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p)
    return env


def _cli(*args: str) -> list[str]:
    """The command line that runs ``echos-graph`` with this interpreter."""
    return [sys.executable, "-m", "echos_graph.cli", *args]


def measure(cmd: list[str]) -> dict:
    """Run ``cmd`` as a fresh process; return wall seconds, its peak RSS (MB), exit code and output.

    The peak comes from ``os.wait4``'s resource usage of that one child
    (``ru_maxrss``, kilobytes on Linux); processes it starts itself are not counted.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=_env())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        per_mb = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux KB
        return {"seconds": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / per_mb, 1),
                "returncode": proc.returncode,
                "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}


def _export(scale: str, seed: int, cache: Path) -> tuple[Path, float]:
    """Return the cached export folder for a scale and the seconds its generation took."""
    folder = cache / f"{scale}-seed{seed}"
    generator = (HERE / "generate_cordis.py").read_bytes()
    stamp = {"scale": scale, "seed": seed, "generator_sha256": hashlib.sha256(generator).hexdigest()}
    stamp_file = folder / "generated.json"
    if stamp_file.exists():
        saved = json.loads(stamp_file.read_text(encoding="utf-8"))
        if all(saved.get(k) == v for k, v in stamp.items()) and (folder / "organization.csv").exists():
            return folder, float(saved["seconds"])
    if folder.exists():
        shutil.rmtree(folder)
    export = generate(scale, folder, seed=seed)
    stamp["seconds"] = round(export.seconds, 3)
    stamp_file.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return folder, export.seconds


def _triples(store: Path) -> int:
    """The store's triple count, from ``echos-graph info --format json``."""
    done = subprocess.run(_cli("info", "--store", str(store), "--format", "json"),
                          capture_output=True, text=True, env=_env(), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"'echos-graph info' failed: {done.stderr.strip()}")
    return int(json.loads(done.stdout)["triples"])


def _records(path: Path) -> int:
    """The number of records (not lines) of a CORDIS CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f, delimiter=";")) - 1


def _tail(text: str, lines: int = 8) -> str:
    """The last lines of a process's output."""
    return "\n".join(text.strip().splitlines()[-lines:])


def run_echos(folder: Path, work: Path) -> dict:
    """Time ``echos-graph ingest cordis`` on a freshly built store."""
    probe = subprocess.run(_cli("ingest", "cordis", "--help"), capture_output=True, text=True,
                           env=_env(), check=False)
    if probe.returncode != 0:
        return {"error": "'echos-graph ingest cordis' is not available yet "
                         f"(exit {probe.returncode}: {' '.join(_tail(probe.stderr, 3).split())}); "
                         "the echos-graph row cannot be measured until the command exists"}
    store = work / "store"
    built = subprocess.run(_cli("build", "--store", str(store)), capture_output=True, text=True,
                           env=_env(), check=False)
    if built.returncode != 0:
        return {"error": f"'echos-graph build' failed (exit {built.returncode}): {_tail(built.stderr)}"}
    before = _triples(store)
    result = measure(_cli("ingest", "cordis", str(folder), "--store", str(store)))
    if result["returncode"] != 0:
        return {"error": f"'echos-graph ingest cordis' failed (exit {result['returncode']}): "
                         f"{_tail(result['stderr'])}", "seconds": result["seconds"],
                "peak_rss_mb": result["peak_rss_mb"]}
    added = _triples(store) - before
    return {"seconds": result["seconds"], "peak_rss_mb": result["peak_rss_mb"], "triples": added,
            "triples_per_second": round(added / result["seconds"]) if result["seconds"] else None,
            "output": _tail(result["stdout"], 3)}


def run_baseline(folder: Path) -> dict:
    """Time the plain-rdflib conversion of the same export."""
    result = measure([sys.executable, str(HERE / "baseline_rdflib.py"), str(folder)])
    if result["returncode"] != 0:
        return {"error": f"baseline failed (exit {result['returncode']}): {_tail(result['stderr'])}"}
    reported = json.loads(result["stdout"].strip().splitlines()[-1])
    return {"seconds": result["seconds"], "peak_rss_mb": result["peak_rss_mb"], "triples": reported["triples"],
            "triples_per_second": round(reported["triples"] / result["seconds"]),
            "convert_seconds": reported["seconds"]}


def _versions() -> dict[str, str]:
    """Versions of the pieces that the figures depend on."""
    versions = {"python": platform.python_version()}
    for name in ("rdflib", "pyoxigraph"):
        try:
            module = __import__(name)
            versions[name] = getattr(module, "__version__", "?")
        except ImportError:
            versions[name] = "not installed"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src", "ontology", "queries"],
                           capture_output=True, text=True, check=False)
    versions["echos-graph commit"] = (commit.stdout.strip() or "?") + ("+uncommitted" if dirty.stdout.strip() else "")
    return versions


def _fmt(value, spec: str) -> str:
    """Format a number to ``spec`` (e.g. '8.2f'), or a right-aligned '-' when absent."""
    width = int(re.match(r"\d+", spec).group())
    return "-".rjust(width) if value is None else format(value, spec)


def _table(results: list[dict]) -> str:
    """The results as a fixed-width text table."""
    head = (f"{'scale':<6} {'rows':>8} {'gen s':>6} | {'echos s':>8} {'MB':>7} {'triples':>9} {'t/s':>8} | "
            f"{'rdflib s':>8} {'MB':>7} {'triples':>9} {'t/s':>8} | {'rdflib/echos':>12}")
    lines = [head, "-" * len(head)]
    for r in results:
        e, b = r["echos"], r["rdflib"]
        ratio = (b["seconds"] / e["seconds"]) if ("error" not in e and "error" not in b) else None
        lines.append(
            f"{r['scale']:<6} {r['participations']:>8} {r['generate_seconds']:>6.1f} | "
            f"{_fmt(e.get('seconds') if 'error' not in e else None, '8.2f')} "
            f"{_fmt(e.get('peak_rss_mb') if 'error' not in e else None, '7.0f')} "
            f"{_fmt(e.get('triples'), '9d')} {_fmt(e.get('triples_per_second'), '8d')} | "
            f"{_fmt(b.get('seconds'), '8.2f')} {_fmt(b.get('peak_rss_mb'), '7.0f')} "
            f"{_fmt(b.get('triples'), '9d')} {_fmt(b.get('triples_per_second'), '8d')} | "
            f"{_fmt(ratio, '12.2f')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for the scales asked; print a table and write the JSON results."""
    parser = argparse.ArgumentParser(description="Benchmark 'echos-graph ingest cordis' on SYNTHETIC CORDIS "
                                                 "exports against a plain-rdflib baseline.")
    parser.add_argument("--scales", nargs="+", choices=sorted(SCALES), default=["s1k", "s10k", "s100k"],
                        help="scales to run (default: s1k s10k s100k)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="where exports are generated")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where the JSON goes")
    parser.add_argument("--skip-baseline", action="store_true", help="measure echos-graph only")
    parser.add_argument("--skip-echos", action="store_true", help="measure the rdflib baseline only")
    args = parser.parse_args(argv)

    results = []
    for scale in args.scales:
        print(f"[{scale}] generating or reusing the synthetic export ...", file=sys.stderr, flush=True)
        folder, gen_seconds = _export(scale, args.seed, args.cache)
        n_orgs, n_projects = SCALES[scale]
        load_before = os.getloadavg()[0]
        if args.skip_echos:
            echos = {"error": "skipped"}
        else:
            with tempfile.TemporaryDirectory(prefix=f"echos-bench-{scale}-") as work:
                print(f"[{scale}] echos-graph ingest cordis ...", file=sys.stderr, flush=True)
                echos = run_echos(folder, Path(work))
        if "error" in echos and not args.skip_echos:
            print(f"[{scale}] echos-graph: {echos['error']}", file=sys.stderr)
        baseline = {"error": "skipped"} if args.skip_baseline else None
        if baseline is None:
            print(f"[{scale}] plain rdflib baseline ...", file=sys.stderr, flush=True)
            baseline = run_baseline(folder)
        participations = _records(folder / "organization.csv")
        entry = {"scale": scale, "seed": args.seed, "organisations": n_orgs, "projects": n_projects,
                 "participations": participations, "export_bytes": sum(p.stat().st_size for p in
                                                                       folder.glob("*.csv")),
                 "generate_seconds": round(gen_seconds, 3), "echos": echos, "rdflib": baseline,
                 "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}}
        if "error" not in echos and "error" not in baseline:
            entry["ratio_rdflib_over_echos"] = round(baseline["seconds"] / echos["seconds"], 2)
        if scale == "s100k" and "error" not in echos:
            entry["goal_met"] = echos["seconds"] <= GOAL_SECONDS and echos["peak_rss_mb"] < GOAL_PEAK_MB
        results.append(entry)

    print(_table(results))
    report = {"date": dt.date.today().isoformat(), "machine": {"platform": platform.platform(),
                                                               "cpus": os.cpu_count()},
              "versions": _versions(), "goal": {"scale": "s100k", "max_seconds": GOAL_SECONDS,
                                                "max_peak_mb": GOAL_PEAK_MB},
              "note": "SYNTHETIC data made by bench/generate_cordis.py; wall times and peaks are of whole "
                      "processes (interpreter start included); the baseline keeps its graph in memory only.",
              "results": results}
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"ingest-{report['date']}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Results written to {path}")
    failed = [r["scale"] for r in results if ("error" in r["echos"] and not args.skip_echos)
              or ("error" in r["rdflib"] and not args.skip_baseline)]
    if failed:
        print(f"echos-graph or the baseline could not be measured at: {', '.join(failed)} (see above)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
