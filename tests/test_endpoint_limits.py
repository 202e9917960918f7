"""Safe to expose: a deadline that really stops a query, a cap on rows with paging, CORS for reads."""

from __future__ import annotations

import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from echos_graph.errors import QueryTimeoutError
from echos_graph.web import deadline

SELECT = "SELECT ?hub WHERE { ?hub a echo:CancerMissionHub } ORDER BY ?hub"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture()
def fresh_retire(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """A private retire flag, so that a test's timeout does not mark the test process."""
    event = threading.Event()
    monkeypatch.setattr(deadline, "_RETIRE", event)
    return event


def test_run_before_deadline_gives_up_and_marks_the_worker_to_retire(fresh_retire) -> None:
    release = threading.Event()
    with pytest.raises(QueryTimeoutError, match="more than 0.2 s"):
        deadline.run_before_deadline(release.wait, 0.2)
    release.set()
    assert deadline.retiring()


def test_run_before_deadline_passes_errors_through_without_retiring(fresh_retire) -> None:
    with pytest.raises(ZeroDivisionError):
        deadline.run_before_deadline(lambda: 1 / 0, 5)
    assert not deadline.retiring()


def test_gunicorn_hooks_retire_only_a_worker_that_gave_up(fresh_retire, monkeypatch) -> None:
    exits: list[int] = []
    monkeypatch.setattr(deadline.os, "_exit", exits.append)
    worker = type("Worker", (), {"alive": True})()
    deadline.post_request(worker, None, None, None)
    deadline.worker_exit(None, worker)
    assert worker.alive and exits == []
    fresh_retire.set()
    deadline.post_request(worker, None, None, None)
    deadline.worker_exit(None, worker)
    assert not worker.alive and exits == [0]


def test_a_query_past_the_deadline_is_a_503_that_says_why(app, fresh_retire, monkeypatch) -> None:
    release = threading.Event()

    class Stuck:
        def query(self, *args, **kwargs):
            release.wait()
            raise RuntimeError("released")

    monkeypatch.setattr("echos_graph.web.sparql.get_store", lambda: Stuck())
    app.config["QUERY_TIMEOUT"] = 0.2
    response = app.test_client().get("/sparql", query_string={"query": SELECT})
    release.set()
    assert response.status_code == 503
    assert "more than 0.2 s" in response.get_data(as_text=True)


def _workers(master: int) -> set[int]:
    """Return the pids of the processes whose parent is ``master`` (gunicorn's workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.add(int(stat.parent.name))
    return found


@pytest.fixture()
def served_short_timeout(built_dir: Path, tmp_path: Path):
    from conftest import _serve

    proc, url = _serve(built_dir, tmp_path / "server.log", "--workers", "2", "--query-timeout", "2")
    yield proc, url
    proc.terminate()
    proc.wait(timeout=20)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_served_runaway_query_gets_a_503_and_its_worker_is_replaced(served_short_timeout) -> None:
    """The worker that ran the runaway query exits (stopping it); the other worker served meanwhile."""
    proc, url = served_short_timeout
    deadline_at = time.monotonic() + 30  # the server answers once its first worker is up; wait for the second
    while len(before := _workers(proc.pid)) < 2 and time.monotonic() < deadline_at:
        time.sleep(0.2)
    assert len(before) == 2
    answer: dict[str, tuple[int, str]] = {}
    runaway = threading.Thread(target=lambda: answer.setdefault(
        "runaway", _get(url + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))))
    runaway.start()
    time.sleep(0.5)  # let the runaway query reach a worker first
    during = _get(url + "/sparql?" + urllib.parse.urlencode({"query": SELECT}))
    runaway.join(timeout=60)
    assert during[0] == 200
    status, text = answer["runaway"]
    assert status == 503 and "was stopped" in text
    deadline_at = time.monotonic() + 30
    after = before
    while time.monotonic() < deadline_at:  # one sample decides and is checked (the set changes as workers come)
        after = _workers(proc.pid)
        if len(after) == 2 and after != before:
            break
        time.sleep(0.2)
    gone = before - after
    assert len(gone) == 1 and len(after) == 2
    assert not Path(f"/proc/{gone.pop()}").exists()
    assert _get(url + "/sparql?" + urllib.parse.urlencode({"query": SELECT}))[0] == 200


# -- the cap on rows ------------------------------------------------------


def test_a_result_over_the_cap_is_refused_with_how_to_page(app) -> None:
    app.config["MAX_RESULT_ROWS"] = 5
    response = app.test_client().get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "more than 5 rows" in text and "LIMIT 5 OFFSET 5" in text and "page=1" in text


def test_pages_of_a_large_result_link_to_the_next_one(app, graph) -> None:
    app.config["MAX_RESULT_ROWS"] = 5
    client = app.test_client()
    hubs = len(list(graph.query(SELECT)))  # every hub of the bundled data, more than 5
    assert hubs > 5
    seen, page = [], 1
    while True:
        response = client.post("/sparql", data={"query": SELECT, "page": str(page)}, headers={"Accept": "text/csv"})
        assert response.status_code == 200
        seen += response.get_data(as_text=True).splitlines()[1:]
        if "Link" not in response.headers:
            break
        assert f"page={page + 1}" in response.headers["Link"]
        page += 1
    assert len(seen) == hubs and page == -(-hubs // 5)


def test_a_page_that_is_not_a_number_is_a_400(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "page": "two"})
    assert response.status_code == 400 and "page='two'" in response.get_data(as_text=True)


# -- CORS -------------------------------------------------------------------


def test_query_answers_are_open_to_scripts_of_other_origins(client) -> None:
    for response in (client.get("/sparql", query_string={"query": SELECT}, headers={"Origin": "https://yasgui.org"}),
                     client.post("/sparql", data={"query": SELECT}, headers={"Origin": "https://yasgui.org"})):
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_preflight_allows_reads_only(client) -> None:
    response = client.options("/sparql", headers={"Origin": "https://yasgui.org",
                                                  "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert "Authorization" not in response.headers["Access-Control-Allow-Headers"]


def test_update_answers_carry_no_cors_header(client) -> None:
    response = client.post("/sparql", data={"update": "CLEAR ALL"}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_origins_can_be_listed_or_turned_off(app) -> None:
    app.config["CORS_ORIGINS"] = "https://a.example https://b.example"
    client = app.test_client()
    allowed = client.get("/sparql", query_string={"query": SELECT}, headers={"Origin": "https://b.example"})
    other = client.get("/sparql", query_string={"query": SELECT}, headers={"Origin": "https://c.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in allowed.headers["Vary"]
    assert "Access-Control-Allow-Origin" not in other.headers
    app.config["CORS_ORIGINS"] = ""
    off = client.get("/sparql", query_string={"query": SELECT}, headers={"Origin": "https://a.example"})
    assert "Access-Control-Allow-Origin" not in off.headers


def test_query_timeout_may_be_a_fraction_of_a_second_from_the_environment(built_dir, monkeypatch) -> None:
    from echos_graph.web import create_app

    monkeypatch.setenv("ECHOS_GRAPH_QUERY_TIMEOUT", "2.5")
    assert create_app({"STORE": str(built_dir)}).config["QUERY_TIMEOUT"] == 2.5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is a Linux (glibc) call")
def test_the_server_caps_malloc_arenas_on_glibc() -> None:
    # Every query runs in its own thread; without the cap glibc gives them up to 8 arenas a core.
    import platform

    from echos_graph.web.server import _limit_malloc_arenas

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert _limit_malloc_arenas(2) is True
