"""Benchmark (not a test): the production server held under a mixed load, with its memory watched.

It

1. takes a store (``--store``), or makes one of the SYNTHETIC CORDIS export
   of a scale as ``bench_endpoint.py`` does (cached in
   ``bench/.cache/endpoint-<scale>-seed<seed>/graph``; default s10k);
2. starts ``echos-graph serve`` (gunicorn, sync workers) on a free port of a
   loopback address, and picks real IRIs from the store: organisations,
   hubs, countries, sectors, initiatives (not timed);
3. warms up: requests every distinct kind of address once, and waits until
   the explorer's data has been computed (a first layout takes seconds; the
   page itself asks again on a 202); not timed;
4. runs ``--clients`` concurrent clients (threads spread over a few client
   processes) for ``--seconds``, each a new HTTP request as soon as the last
   one is answered, mixing by weight (:data:`MIX`):

   - ``saved-query``: a saved query of ``queries/*.rq`` (the text the query
     editor offers, prefixes declared) sent as ``GET /sparql?query=...&page=1``,
     its IRI parameter bound half of the time with a trailing ``VALUES``
     clause (how a plain SPARQL client binds a variable) to a real value;
   - ``sparql``: a point query about one organisation or project (the
     queries of ``bench_endpoint.py``), by GET or by POST;
   - ``entity-page``: the HTML page of an organisation, hub, country, sector
     or initiative at its ``/id/...`` address, or its Turtle or JSON-LD;
   - ``page``: the home page, the hubs, a page of the organisation list,
     the explorer and the query editor;
   - ``api``: the JSON API (summary, hubs, a hub's gaps and recommendations,
     a page of organisations, one organisation, the network summary);
   - ``explorer-data``: ``/network/data.json`` of both views, half of the
     time revalidated with the ETag a browser keeps (a 304);
   - ``static``: the style sheet and a front-end library;

   the clients first run ``--ramp`` seconds (30) of the same load, so the
   workers' per-generation caches (hub gaps, recommendations, pictures,
   bounded at 1,024 values) fill before the memory is judged; requests of
   the ramp count as failures too, but not in the latencies;
5. records every request's status and latency; a request fails when it gets
   no answer or an answer outside 2xx and 3xx; each failure is listed;
6. samples the server's memory every second: the resident set (RSS) and the
   proportional set (PSS, which counts pages the forked workers share once)
   of the gunicorn master and each worker, from ``/proc``;
7. with ``--variants runaway``, the same run with one more client that sends
   a runaway query (a cartesian product of the whole store) after five
   seconds: the server must stop it at its query timeout with a 503 and
   replace the worker while the others go on;
8. prints and writes ``bench/results/load-<date>.json``.

Memory is "flat" when the least-squares slope of the summed PSS over the
measured run (after ``--settle`` seconds) is under ``FLAT_PERCENT_PER_MINUTE``
(1 %) of its mean per minute. Why 1 %: at that rate the server would grow by
60 % in an hour, which matters in production, and it is a slope a run can
see: the sum swings by tens of MB from second to second (a worker holds
answers of up to 8 MB, the explorer's data), but the standard error of the
slope, reported beside it, is about 0.4 %/min over 60 s and 0.15 %/min over
300 s. The anonymous and file-backed parts of the PSS are reported apart
(heap against the store's mapped files). The run with the runaway query is
judged the same way, but there a worker is replaced mid-run, so its curve
has a step by design; its slope is reported and the verdict stands on the
run without it. ``--summarise FILE`` recomputes the verdicts of a results
file from its samples.

Loopback only: the server listens on, and the clients talk to, a loopback
address (``--host``, default 127.0.0.1; anything else is refused); every
loop is bounded by ``--seconds`` and the server is stopped at the end.

Usage::

    python bench/bench_load.py                              # s10k, 32 clients, 60 s, both variants
    python bench/bench_load.py --store /tmp/load-s10k --variants plain
    python bench/bench_load.py --scale s1k --seconds 10     # a quick try

Goals (issue 7): zero failed requests, memory flat; the latency percentiles
are reported per kind of request and overall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import ipaddress
import json
import multiprocessing
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from bench_endpoint import POINT_QUERIES, RUNAWAY, _serve, _store, _versions

__all__ = ["MIX", "main", "run"]

#: Kinds of request and their weights in the mix.
MIX: dict[str, int] = {
    "saved-query": 15, "sparql": 25, "entity-page": 20, "page": 10, "api": 15, "explorer-data": 10, "static": 5,
}
#: Memory is flat when the slope of the summed PSS is under this share of its mean, per minute.
FLAT_PERCENT_PER_MINUTE = 1.0
_WHERE = re.compile(r"^\s*WHERE\s*\{", re.IGNORECASE | re.MULTILINE)
#: When the runaway query is sent, seconds into the run.
RUNAWAY_AFTER = 5.0


def _loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address; refuse anything else."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise SystemExit(f"--host {host!r}: give a loopback address such as 127.0.0.1 (no names)") from None
    if not address.is_loopback:
        raise SystemExit(f"--host {host}: this benchmark sends traffic to loopback addresses only")
    return host


def _send(host: str, port: int, method: str, target: str, *, body: bytes | None = None,
          headers: dict[str, str] | None = None, timeout: float = 120.0) -> tuple[int, bytes, dict[str, str]]:
    """Send one request on a new connection; return status, body and headers."""
    conn = http.client.HTTPConnection(_loopback(host), port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def _sparql_get(host: str, port: int, query: str) -> list[dict]:
    """Return the bindings of a SELECT asked of the server (set-up, not timed)."""
    target = "/sparql?" + urllib.parse.urlencode({"query": query})
    status, body, _ = _send(host, port, "GET", target, headers={"Accept": "application/sparql-results+json"})
    if status != 200:
        raise SystemExit(f"set-up query failed ({status}): {body[:300]!r}")
    return json.loads(body)["results"]["bindings"]


def _path(iri: str) -> str:
    """Return the local ``/id/...`` address of one of our instance IRIs."""
    from echos_graph.namespaces import ID

    return "/id/" + iri[len(str(ID)):]


def _saved_target(text: str) -> str:
    """Return the GET target that runs a saved query's text, its first page (the cap pages larger answers)."""
    return "/sparql?" + urllib.parse.urlencode({"query": text, "page": "1"})


def _bind(text: str, name: str, iri: str) -> str:
    """Bind ``?name`` to ``iri`` with a VALUES block first in the query's outer WHERE.

    This is how a plain SPARQL client binds a variable of a saved query (the
    endpoint has no parameters of its own); put first, the engine starts from
    the value instead of joining it to the whole answer at the end.
    """
    found = _WHERE.search(text)
    if found is None:
        return f"{text}\nVALUES ?{name} {{ <{iri}> }}"
    return f"{text[:found.end()]} VALUES ?{name} {{ <{iri}> }} {text[found.end():]}"


def _plan(host: str, port: int) -> dict[str, list[tuple[str, str, dict[str, str], bytes | None]]]:
    """Return, per kind, the requests the clients choose from: (method, target, headers, body)."""
    from echos_graph.queries import declare_prefixes, load_catalogue

    def ids(cls: str, limit: int) -> list[str]:
        rows = _sparql_get(host, port, f"PREFIX echo: <https://w3id.org/echos-graph/ontology#> "
                                       f"PREFIX eurio: <http://data.europa.eu/s66#> "
                                       f"SELECT ?s WHERE {{ ?s a {cls} }} LIMIT {limit}")
        return [r["s"]["value"] for r in rows if r["s"]["type"] == "uri"]

    organisations = ids("echo:Organisation", 3000)
    projects = ids("eurio:Project", 1000)
    hubs = ids("echo:CancerMissionHub", 100)
    countries = [r["c"]["value"] for r in _sparql_get(
        host, port, "SELECT DISTINCT ?c WHERE { ?o <https://w3id.org/echos-graph/ontology#country> ?c } LIMIT 200")]
    sectors = [r["s"]["value"] for r in _sparql_get(
        host, port, "SELECT DISTINCT ?s WHERE { ?o <http://www.w3.org/ns/org#classification> ?s } LIMIT 50")]
    values = {"organisation": organisations, "project": projects, "initiative": projects, "hub": hubs,
              "country": countries, "sector": sectors}
    html = {"Accept": "text/html"}
    results = {"Accept": "application/sparql-results+json"}
    answers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}  # SELECT, ASK or CONSTRUCT
    plan: dict[str, list[tuple[str, str, dict[str, str], bytes | None]]] = {kind: [] for kind in MIX}

    for saved in load_catalogue().values():
        text = declare_prefixes(saved.text)
        plan["saved-query"].append(("GET", _saved_target(text), answers, None))
        for param in saved.parameters:
            if param.type == "iri" and values.get(param.name):
                for value in random.Random(param.name).sample(values[param.name], min(20, len(values[param.name]))):
                    plan["saved-query"].append(("GET", _saved_target(_bind(text, param.name, value)), answers, None))
                break
    rng = random.Random(7)
    for iri in rng.sample(organisations, min(300, len(organisations))) + rng.sample(projects, min(100, len(projects))):
        for template in POINT_QUERIES:
            query = template.format(iri=iri)
            plan["sparql"].append(("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), results, None))
            plan["sparql"].append(("POST", "/sparql", {**results, "Content-Type": "application/sparql-query"},
                                   query.encode("utf-8")))
    entities = (rng.sample(organisations, min(300, len(organisations))) + hubs + countries + sectors
                + rng.sample(projects, min(100, len(projects))))
    for iri in entities:
        plan["entity-page"].append(("GET", _path(iri), html, None))
    for iri in entities[::10]:
        plan["entity-page"].append(("GET", _path(iri), {"Accept": "text/turtle"}, None))
        plan["entity-page"].append(("GET", _path(iri), {"Accept": "application/ld+json"}, None))
    plan["page"] = [("GET", path, html, None) for path in
                    ("/", "/hubs", "/organisations", "/organisations?page=7", "/organisations?q=univ",
                     "/organisations?country=DE&page=2", "/network", "/query")]
    codes = [iri.rsplit("/", 1)[1] for iri in hubs]
    api = ["/api/summary", "/api/hubs", "/api/network/summary", "/api/organisations?page=3",
           "/api/organisations?per_page=200&page=11"]
    api += [f"/api/hubs/{code}/gaps" for code in codes] + [f"/api/hubs/{code}/recommendations" for code in codes]
    api += ["/api/organisations/" + "/".join(_path(iri).split("/")[3:5]) for iri in organisations[:200]]
    plan["api"] = [("GET", path, {"Accept": "application/json"}, None) for path in api]
    plan["explorer-data"] = [("GET", "/network/data.json?view=" + view, {"Accept": "application/json"}, None)
                             for view in ("co-participation", "organisation-initiative")]
    plan["static"] = [("GET", path, {}, None) for path in ("/static/style.css", "/static/explorer.js",
                                                            "/vendor/sigma.min.js")]
    return plan


def _warm(host: str, port: int, plan: dict, master: int, workers: int, limit: float = 600.0) -> dict:
    """Ask each kind of address, wait for the explorer's views, and drop saved queries that time out unbound.

    A saved query that the server stops at its timeout when run over the
    whole store (no parameter bound) would fail every time the mix sent it;
    it is listed in the figures and sent only with a value bound.
    """
    from concurrent.futures import ThreadPoolExecutor

    def ask(item: tuple[str, tuple]) -> tuple[str, tuple, int]:
        kind, (method, target, headers, body) = item
        return kind, item[1], _send(host, port, method, target, headers=headers, body=body)[0]

    started = time.perf_counter()
    unbound = [r for r in plan["saved-query"] if "VALUES" not in urllib.parse.unquote_plus(r[1])]
    with ThreadPoolExecutor(workers) as pool:  # first: a worker that times out is replaced before the run
        probed = list(pool.map(ask, [("saved-query", r) for r in unbound]))
    too_slow = [r for _, r, status in probed if status == 503]
    plan["saved-query"] = [r for r in plan["saved-query"] if r not in too_slow]
    deadline = time.monotonic() + limit
    while len(_children(master)) < workers and time.monotonic() < deadline:
        time.sleep(0.5)
    etags: dict[str, str] = {}
    for method, target, headers, body in plan["explorer-data"]:
        deadline = time.monotonic() + limit
        while True:
            status, _, got = _send(host, port, method, target, headers=headers)
            if status == 200:
                etags[target] = got.get("etag", "")
                break
            if status != 202 or time.monotonic() > deadline:
                raise SystemExit(f"warm-up: {target} answered {status}")
            time.sleep(1)
    sample = [(kind, r) for kind, requests in plan.items() if kind != "saved-query"
              for r in requests[:: max(1, len(requests) // 40)]]
    sample += [("saved-query", r) for r in plan["saved-query"]][::3]
    with ThreadPoolExecutor(8) as pool:
        answered = list(pool.map(ask, sample)) + probed
    failures = [(kind, urllib.parse.unquote_plus(r[1])[:120], status) for kind, r, status in answered
                if status >= 400 and r not in too_slow]
    names = [re.search(r"# title: ([^\n]*)", urllib.parse.unquote_plus(r[1])).group(1) for r in too_slow]
    return {"seconds": round(time.perf_counter() - started, 1), "etags": etags, "failures": failures,
            "requests": len(answered), "saved_queries_timed_out_unbound": names}


def _client_process(host: str, port: int, plan: dict, etags: dict[str, str], threads: int, start: float,
                    end: float, seed: int, queue) -> None:
    """Run ``threads`` clients until ``end``; put their records on ``queue``.

    A record is (kind, seconds since ``start`` when sent, latency in seconds,
    status or exception name, method and target).
    """
    records: list[tuple[str, float, float, str, str]] = []
    lock = threading.Lock()
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        mine = []
        while time.monotonic() < end:
            kind = rng.choices(kinds, weights)[0]
            method, target, headers, body = rng.choice(plan[kind])
            if kind == "explorer-data" and rng.random() < 0.5 and etags.get(target):
                headers = {**headers, "If-None-Match": etags[target]}
            sent = time.perf_counter()
            try:
                status = str(_send(host, port, method, target, headers=headers, body=body, timeout=120)[0])
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
            took = time.perf_counter() - sent
            mine.append((kind, round(sent - start, 3), took, status, f"{method} {target[:300]}"))
        with lock:
            records.extend(mine)

    pool = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put(records)


def _children(pid: int) -> list[int]:
    """Return the pids whose parent is ``pid`` (gunicorn's workers)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _memory(pid: int) -> tuple[int, int, int, int] | None:
    """Return (RSS, PSS, anonymous PSS, file PSS) of a process in kB from /proc, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss", "Pss_Anon", "Pss_File"):
            values[name] = int(rest.split()[0])
    return values.get("Rss", 0), values.get("Pss", 0), values.get("Pss_Anon", 0), values.get("Pss_File", 0)


def _sample_memory(master: int, start: float, stop: threading.Event, samples: list[dict]) -> None:
    """Every second until ``stop``: the summed RSS and PSS (MB) of the master and its workers."""
    while not stop.is_set():
        pids = [master, *_children(master)]
        rss = pss = anon = file = 0
        per = {}
        for pid in pids:
            found = _memory(pid)
            if found is not None:
                rss += found[0]
                pss += found[1]
                anon += found[2]
                file += found[3]
                per[str(pid)] = round(found[0] / 1024, 1)
        samples.append({"t": round(time.perf_counter() - start, 1), "rss_mb": round(rss / 1024, 1),
                        "pss_mb": round(pss / 1024, 1), "pss_anon_mb": round(anon / 1024, 1),
                        "pss_file_mb": round(file / 1024, 1), "workers": len(pids) - 1, "rss_per_pid_mb": per})
        stop.wait(1.0)


def _percentiles(latencies: list[float]) -> dict[str, float]:
    """Return p50/p90/p99/max in milliseconds."""
    if len(latencies) < 2:
        return {"p50_ms": round(latencies[0] * 1000, 1) if latencies else 0.0}
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": round(q[49] * 1000, 1), "p90_ms": round(q[89] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1), "max_ms": round(max(latencies) * 1000, 1)}


def _slope(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Return the least-squares slope of (x, y) points (y per unit of x) and its standard error."""
    if len(points) < 3:
        return 0.0, 0.0
    xs, ys = zip(*points)
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    if not den:
        return 0.0, 0.0
    slope = sum((x - mx) * (y - my) for x, y in points) / den
    residual = sum((y - my - slope * (x - mx)) ** 2 for x, y in points)
    return slope, (residual / (len(points) - 2) / den) ** 0.5


def _memory_summary(samples: list[dict], settle: float) -> dict:
    """Summarise the memory samples: first/last/max and the slope after ``settle`` seconds."""
    if not samples:
        return {"samples": 0}
    kept = [s for s in samples if s["t"] >= settle] or samples
    out: dict = {"samples": len(samples), "settle_seconds": settle}
    for key in ("rss_mb", "pss_mb", "pss_anon_mb", "pss_file_mb"):
        if key not in kept[0]:  # results written before the split was recorded
            continue
        values = [s[key] for s in kept]
        slope, error = _slope([(s["t"] / 60, s[key]) for s in kept])
        mean = statistics.fmean(values)
        out[key] = {"first": values[0], "last": values[-1], "max": max(values), "min": min(values),
                    "mean": round(mean, 1), "slope_mb_per_min": round(slope, 2),
                    "slope_standard_error_mb_per_min": round(error, 2),
                    "slope_percent_of_mean_per_min": round(100 * slope / mean, 3) if mean else 0.0}
    out["workers_seen"] = sorted({s["workers"] for s in samples})
    out["flat"] = abs(out["pss_mb"]["slope_percent_of_mean_per_min"]) < FLAT_PERCENT_PER_MINUTE
    return out


def run(store: Path, *, host: str, clients: int, seconds: float, workers: int, timeout: float, processes: int,
        runaway: bool, settle: float, ramp: float, log: Path) -> dict:
    """Serve ``store``, hold the load for ``seconds``, and return the figures."""
    _loopback(host)
    proc, port = _serve(store, workers, timeout, log)
    try:
        plan = _plan(host, port)
        warm = _warm(host, port, plan, proc.pid, workers)
        time.sleep(3)  # a quiet moment between the warm-up and the run
        samples: list[dict] = []
        stop = threading.Event()
        load_before = os.getloadavg()[0]
        log_offset = log.stat().st_size
        start = time.perf_counter()
        end = time.monotonic() + ramp + seconds
        sampler = threading.Thread(target=_sample_memory, args=(proc.pid, start, stop, samples), daemon=True)
        sampler.start()
        runaway_answer: dict[str, object] = {}

        def send_runaway() -> None:
            time.sleep(ramp + RUNAWAY_AFTER)
            sent = time.perf_counter()
            target = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
            try:
                status, body, _ = _send(host, port, "GET", target, timeout=timeout + 60)
            except (OSError, http.client.HTTPException) as exc:
                status, body = type(exc).__name__, b""
            runaway_answer.update(status=status, sent_at=round(sent - start, 1),
                                  seconds=round(time.perf_counter() - sent, 2),
                                  message=body.decode("utf-8", "replace")[:200])

        queue: multiprocessing.Queue = multiprocessing.Queue()
        per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        children = [multiprocessing.Process(target=_client_process,
                                            args=(host, port, plan, warm["etags"], n, start, end, i, queue))
                    for i, n in enumerate(per) if n]
        extra = threading.Thread(target=send_runaway) if runaway else None
        for child in children:
            child.start()
        if extra is not None:
            extra.start()
        records = [r for _ in children for r in queue.get(timeout=ramp + seconds + 300)]
        for child in children:
            child.join()
        wall = time.perf_counter() - start
        load_after = os.getloadavg()[0]
        if extra is not None:
            extra.join(timeout=timeout + 60)
        time.sleep(1.5)  # one more memory sample after the last request
        stop.set()
        sampler.join(timeout=5)
        with open(log, "rb") as handle:
            handle.seek(log_offset)
            worker_log = handle.read().decode("utf-8", "replace")
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    def ok(status: str) -> bool:
        return status.isdigit() and 200 <= int(status) < 400

    failures = [{"kind": k, "at_s": t, "ms": round(lat * 1000, 1), "status": s, "request": req}
                for k, t, lat, s, req in records if not ok(s)]  # ramp included
    ramp_requests = sum(1 for r in records if r[1] < ramp)
    records = [r for r in records if r[1] >= ramp]
    by_kind = {}
    for kind in MIX:
        mine = sorted(lat for k, _, lat, _, _ in records if k == kind)
        statuses: dict[str, int] = {}
        for k, _, _, s, _ in records:
            if k == kind:
                statuses[s] = statuses.get(s, 0) + 1
        by_kind[kind] = {"requests": len(mine), "statuses": statuses, **_percentiles(mine)}
    everything = sorted(lat for _, _, lat, _, _ in records)
    return {
        "variant": "runaway" if runaway else "plain", "clients": clients, "client_processes": len(children),
        "workers": workers, "query_timeout": timeout, "seconds": round(wall - ramp, 1),
        "warm_up": {k: v for k, v in warm.items() if k != "etags"},
        "ramp_seconds": ramp, "ramp_requests": ramp_requests,
        "requests": len(records), "failures": len(failures), "failed": failures[:200],
        "requests_per_second": round(len(records) / (wall - ramp), 1),
        "overall": _percentiles(everything), "by_kind": by_kind,
        "runaway": runaway_answer or None,
        "workers_retired": worker_log.count("retires: a query ran past the timeout"),
        "memory": _memory_summary([{**m, "t": round(m["t"] - ramp, 1)} for m in samples], settle),
        "load_average_before": round(load_before, 2), "load_average_after": round(load_after, 2), "memory_samples": samples,
        "distinct_requests": {kind: len(requests) for kind, requests in plan.items()},
    }


def _print(figures: dict) -> None:
    """Print one run's figures."""
    o, m = figures["overall"], figures["memory"]
    print(f"{figures['variant']}: {figures['requests']} requests in {figures['seconds']} s "
          f"({figures['requests_per_second']}/s), {figures['failures']} failed; overall p50 {o['p50_ms']} ms, "
          f"p90 {o['p90_ms']} ms, p99 {o['p99_ms']} ms, max {o['max_ms']} ms")
    for kind, k in figures["by_kind"].items():
        print(f"  {kind:14} {k['requests']:6} p50 {k.get('p50_ms')} p90 {k.get('p90_ms')} p99 {k.get('p99_ms')} "
              f"max {k.get('max_ms')} ms  {k['statuses']}")
    for key in (k for k in ("rss_mb", "pss_mb", "pss_anon_mb", "pss_file_mb") if k in m):
        v = m[key]
        print(f"  memory {key[:-3]}: first {v['first']} MB, last {v['last']} MB, max {v['max']} MB, "
              f"slope {v['slope_mb_per_min']} ± {v['slope_standard_error_mb_per_min']} MB/min ({v['slope_percent_of_mean_per_min']} % of mean/min)")
    print(f"  memory flat: {m['flat']} (threshold {FLAT_PERCENT_PER_MINUTE} % of mean per minute); "
          f"workers seen {m['workers_seen']}, retired {figures['workers_retired']}; "
          f"load average {figures['load_average_before']} -> {figures['load_average_after']}; warm-up "
          f"{figures['warm_up']['seconds']} s, saved queries stopped unbound: "
          f"{figures['warm_up']['saved_queries_timed_out_unbound']}")
    if figures["runaway"]:
        r = figures["runaway"]
        print(f"  runaway: {r['status']} after {r['seconds']} s (sent at {r['sent_at']} s)")
    for failure in figures["failed"][:10]:
        print(f"  FAILED {failure}")


def main(argv: list[str] | None = None) -> int:
    """Run the load test; exit 0 when no request failed and memory stayed flat, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store folder (default: the synthetic --scale store)")
    parser.add_argument("--scale", default="s10k", choices=["s1k", "s10k", "s100k"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on and send to")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--client-processes", type=int, default=4, help="client threads are spread over these")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients send")
    parser.add_argument("--workers", type=int, default=4, help="the server's --workers (its default)")
    parser.add_argument("--query-timeout", type=float, default=30.0, help="the server's --query-timeout (its default)")
    parser.add_argument("--variants", nargs="+", choices=["plain", "runaway"], default=["plain", "runaway"])
    parser.add_argument("--ramp", type=float, default=30.0,
                        help="seconds of the same load before the measured run (failures still count)")
    parser.add_argument("--settle", type=float, default=0.0, help="seconds of the run left out of the memory slope")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--tag", default="", help="added to the result file's name: load-<date>-<tag>.json")
    parser.add_argument("--summarise", type=Path, metavar="FILE",
                        help="recompute the memory verdicts of a results file from its samples, and stop")
    args = parser.parse_args(argv)
    if args.summarise is not None:
        saved = json.loads(args.summarise.read_text(encoding="utf-8"))
        for figures in saved["runs"]:
            shift = figures.get("ramp_seconds", 0.0)
            figures["memory"] = _memory_summary([{**m, "t": round(m["t"] - shift, 1)} for m in figures["memory_samples"]
                                                 if m["t"] >= shift], args.settle)
            _print(figures)
        saved["flat_percent_per_minute"] = FLAT_PERCENT_PER_MINUTE
        args.summarise.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
        return 0
    _loopback(args.host)
    if args.host != "127.0.0.1":
        raise SystemExit("echos-graph serve is started on 127.0.0.1; --host other than that is not supported yet")
    store = args.store if args.store is not None else _store(args.scale, args.seed, args.cache)
    args.cache.mkdir(parents=True, exist_ok=True)
    runs = []
    for variant in args.variants:
        figures = run(store, host=args.host, clients=args.clients, seconds=args.seconds, workers=args.workers,
                      timeout=args.query_timeout, processes=args.client_processes, runaway=variant == "runaway",
                      settle=args.settle, ramp=args.ramp, log=args.cache / f"load-serve-{variant}.log")
        _print(figures)
        runs.append(figures)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"load-{dt.date.today().isoformat()}{'-' + args.tag if args.tag else ''}.json"
    target.write_text(json.dumps({"store": str(store), "scale": None if args.store else args.scale,
                                  "command": "python bench/bench_load.py " + " ".join(argv or sys.argv[1:]),
                                  "versions": _versions(), "mix": MIX,
                                  "flat_percent_per_minute": FLAT_PERCENT_PER_MINUTE, "runs": runs},
                                 indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    met = all(r["failures"] == 0 for r in runs) and all(
        r["memory"]["flat"] for r in runs if r["variant"] == "plain") and all(
        r["runaway"] is None or r["runaway"].get("status") == 503 for r in runs)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
