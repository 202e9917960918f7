"""Benchmark (not a test): the production SPARQL endpoint under load while a runaway query is stopped.

It

1. generates the SYNTHETIC CORDIS export of a scale (``generate_cordis.py``,
   cached in ``bench/.cache/<scale>-seed<seed>/``) and makes a store of it
   with ``echos-graph build`` and ``echos-graph ingest cordis`` (cached in
   ``bench/.cache/endpoint-<scale>-seed<seed>/graph``);
2. for each worker count asked, starts ``echos-graph serve`` (gunicorn) on a
   free loopback port with ``--query-timeout``;
3. picks organisation and project IRIs from the store (not timed), then runs
   ``--clients`` concurrent clients (threads spread over a few client
   processes) that send point queries (an organisation's or a project's
   triples, the links into it, ASK its type) for ``--seconds``, each a new
   HTTP request, as fast as the answers come;
4. two seconds in, one more client sends a runaway query (a cartesian
   product of the whole store) and waits for its answer: the endpoint must
   stop it at the timeout and answer 503 while the others go on;
5. reports queries per second, latency percentiles p50/p95/p99, errors (any
   point query not answered 200), what the runaway query got and when, and
   the 1-minute load average; writes it all to
   ``bench/results/endpoint-<scale>-<date>.json``.

Loopback only; every loop is bounded by ``--seconds``, and the server is
stopped at the end.

Usage::

    python bench/bench_endpoint.py                          # s10k, 4 workers, 16 clients, 25 s
    python bench/bench_endpoint.py --workers 2 4 8 --seconds 20
    python bench/bench_endpoint.py --scale s1k --seconds 5  # a quick try

Goals (issue 5): at least 200 queries/s, p99 under 250 ms, no errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_ingest import _cli, _env, _export  # noqa: E402

__all__ = ["main", "run"]

GOAL_QPS = 200.0
GOAL_P99_MS = 250.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
POINT_QUERIES = [
    "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}",
    "SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} LIMIT 100",
    "ASK {{ <{iri}> a ?type }}",
]


def _store(scale: str, seed: int, cache: Path) -> Path:
    """Return a store of the scale's export, made once and kept in the cache."""
    folder, _ = _export(scale, seed, cache)
    store = cache / f"endpoint-{scale}-seed{seed}" / "graph"
    done = store.parent / "made.json"
    if done.exists() and json.loads(done.read_text())["export"] == str(folder):
        return store
    if store.exists():
        import shutil

        shutil.rmtree(store.parent)
    store.parent.mkdir(parents=True)
    for args in (["build", "--store", str(store)], ["ingest", "--store", str(store), "cordis", str(folder)]):
        subprocess.run(_cli(*args), check=True, env=_env(), stdout=subprocess.DEVNULL)
    done.write_text(json.dumps({"export": str(folder)}))
    return store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(port: int, query: str, timeout: float = 120.0) -> tuple[int, bytes]:
    """Send one GET query to the endpoint on loopback; return status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                     headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _serve(store: Path, workers: int, timeout: float, log: Path) -> tuple[subprocess.Popen, int]:
    """Start the production server; return it and its port once it answers."""
    port = _free_port()
    out = open(log, "wb")
    proc = subprocess.Popen(_cli("serve", "--store", str(store), "--port", str(port), "--workers", str(workers),
                                 "--query-timeout", str(timeout)), stdout=out, stderr=subprocess.STDOUT, env=_env())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _request(port, "ASK {}", timeout=5)[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the server did not start: {log.read_text()}")


def _iris(port: int) -> list[str]:
    """Organisation and project IRIs to ask about (not timed)."""
    found = []
    for cls in ("echo:Organisation", "eurio:Project"):
        status, body = _request(port, f"SELECT ?s WHERE {{ ?s a {cls} }} LIMIT 2000")
        assert status == 200, body[:300]
        found += [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]]
    return found


def _client_process(port: int, iris: list[str], threads: int, end: float, seed: int, queue) -> None:
    """Run ``threads`` clients until ``end`` (monotonic clock); put (latencies, statuses) on ``queue``."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        while time.monotonic() < end:
            query = rng.choice(POINT_QUERIES).format(iri=rng.choice(iris))
            started = time.perf_counter()
            try:
                status = str(_request(port, query, timeout=30)[0])
            except OSError as exc:
                status = type(exc).__name__
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, statuses))


def run(store: Path, *, workers: int, clients: int, seconds: float, timeout: float, processes: int,
        runaway_after: float = 2.0, log: Path) -> dict:
    """Serve ``store`` with ``workers`` workers and measure; return the figures."""
    proc, port = _serve(store, workers, timeout, log)
    try:
        iris = _iris(port)
        for iri in iris[:50]:  # warm the workers' caches
            _request(port, POINT_QUERIES[0].format(iri=iri))
        load_before = os.getloadavg()[0]
        runaway: dict[str, object] = {}

        def send_runaway() -> None:
            time.sleep(runaway_after)
            started = time.perf_counter()
            status, body = _request(port, RUNAWAY, timeout=timeout + 60)
            runaway.update(status=status, seconds=round(time.perf_counter() - started, 2),
                           message=body.decode("utf-8", "replace")[:200])

        queue: multiprocessing.Queue = multiprocessing.Queue()
        end = time.monotonic() + seconds
        per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        children = [multiprocessing.Process(target=_client_process, args=(port, iris, n, end, i, queue))
                    for i, n in enumerate(per) if n]
        started = time.perf_counter()
        runaway_thread = threading.Thread(target=send_runaway)
        runaway_thread.start()
        for child in children:
            child.start()
        results = [queue.get(timeout=seconds + 120) for _ in children]
        for child in children:
            child.join()
        wall = time.perf_counter() - started
        runaway_thread.join(timeout=timeout + 60)
        load_after = os.getloadavg()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    latencies = sorted(x for lat, _ in results for x in lat)
    statuses: dict[str, int] = {}
    for _, counts in results:
        for key, value in counts.items():
            statuses[key] = statuses.get(key, 0) + value
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    errors = sum(v for k, v in statuses.items() if k != "200")
    return {
        "workers": workers, "clients": clients, "client_processes": len(children), "seconds": round(wall, 1),
        "queries": len(latencies), "qps": round(len(latencies) / wall, 1),
        "p50_ms": round(quantiles[49] * 1000, 1), "p95_ms": round(quantiles[94] * 1000, 1),
        "p99_ms": round(quantiles[98] * 1000, 1), "max_ms": round(latencies[-1] * 1000, 1),
        "errors": errors, "statuses": statuses, "runaway": runaway, "query_timeout": timeout,
        "load_average_before": round(load_before, 2), "load_average_after": round(load_after, 2),
    }


def _versions() -> dict[str, str]:
    import gunicorn
    import pyoxigraph

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout
    return {"python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
            "gunicorn": gunicorn.__version__, "cpus": str(os.cpu_count()), "commit": commit.strip()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when every run met the goals, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="s10k", choices=["s1k", "s10k", "s100k"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, nargs="+", default=[4], help="worker counts to compare")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client-processes", type=int, default=4, help="client threads are spread over these")
    parser.add_argument("--seconds", type=float, default=25.0, help="how long the clients send (at least 20)")
    parser.add_argument("--query-timeout", type=float, default=10.0, help="the server's --query-timeout")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    store = _store(args.scale, args.seed, args.cache)
    runs = []
    for workers in args.workers:
        figures = run(store, workers=workers, clients=args.clients, seconds=args.seconds,
                      timeout=args.query_timeout, processes=args.client_processes,
                      log=args.cache / f"endpoint-serve-{workers}.log")
        runs.append(figures)
        runaway = figures["runaway"]
        print(f"{args.scale} workers={workers}: {figures['qps']} q/s, p50 {figures['p50_ms']} ms, "
              f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, errors {figures['errors']}, "
              f"runaway {runaway.get('status')} after {runaway.get('seconds')} s, "
              f"load {figures['load_average_before']}->{figures['load_average_after']}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"endpoint-{args.scale}-{dt.date.today().isoformat()}.json"
    target.write_text(json.dumps({"scale": args.scale, "seed": args.seed, "versions": _versions(),
                                  "goals": {"qps": GOAL_QPS, "p99_ms": GOAL_P99_MS, "errors": 0}, "runs": runs},
                                 indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    met = all(r["qps"] >= GOAL_QPS and r["p99_ms"] < GOAL_P99_MS and r["errors"] == 0
              and r["runaway"].get("status") == 503 for r in runs)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
