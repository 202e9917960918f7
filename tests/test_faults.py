"""Fault injection: kill -9, a full disk, unreadable inputs, a misbehaving endpoint, readers during a publish.

After every fault the store must open, pass ``echos-graph check`` and hold
exactly the previous state or the complete new one.  ``ECHOS_GRAPH_FAULT_KILLS``
sets how many random kill times the kill test tries (default 3); the figures
of longer runs are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fuzzing import AWKWARD, dump

from echos_graph import open_store
from echos_graph.cli import cli
from echos_graph.errors import RemoteError
from echos_graph.ingest import ingest_source
from echos_graph.integrity import check_integrity
from echos_graph.namespaces import graph_iri

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
       "ECHOS_GRAPH_WARM_CACHE": "0"}
KILLS = int(os.environ.get("ECHOS_GRAPH_FAULT_KILLS", "3"))


def stable_dump(location: str | Path) -> bytes:
    """Return the store's quads without the times an ingest records (which differ from run to run)."""
    return b"\n".join(line for line in dump(open_store(location)).splitlines() if b"XMLSchema#dateTime>" not in line)


def assert_whole(location: str | Path, *states: bytes) -> bytes:
    """Assert that the store passes the check and holds one of ``states``; return which it holds."""
    report = check_integrity(str(location))
    assert report.status == "ok", report.text()
    now = stable_dump(location)
    assert now in states, "the store holds neither the previous state nor the complete new one"
    return now


def cli_run(*args: str, timeout: float = 120, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``echos-graph ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "echos_graph.cli", *args], env=env or ENV, capture_output=True,
                          text=True, timeout=timeout, check=False, **kwargs)


@pytest.fixture(scope="module")
def s10k(tmp_path_factory) -> Path:
    """A synthetic CORDIS export of 10,000 organisations (about ten seconds to ingest)."""
    out = tmp_path_factory.mktemp("cordis") / "s10k"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate_cordis.py"), "--scale", "s10k", "--out", str(out)],
                   check=True, capture_output=True, timeout=300)
    return out


@pytest.fixture(scope="module")
def ingested(built_dir: Path, s10k: Path, tmp_path_factory) -> tuple[Path, bytes, float]:
    """The built store with s10k ingested by a run nobody killed: its folder, its dump and how long it took."""
    folder = tmp_path_factory.mktemp("complete") / "graph"
    shutil.copytree(built_dir, folder)
    started = time.monotonic()
    proc = cli_run("ingest", "cordis", str(s10k), "--store", str(folder), timeout=600)
    assert proc.returncode == 0, proc.stderr
    return folder, stable_dump(folder), time.monotonic() - started


# -- kill -9 ------------------------------------------------------------------------------------


def test_kill_9_at_random_points_leaves_the_previous_or_the_complete_new_graph(
        built_dir: Path, s10k: Path, ingested, tmp_path: Path) -> None:
    _, complete, duration = ingested
    before = stable_dump(built_dir)
    rng = random.Random(20261127)
    outcomes = {"previous": 0, "new": 0}
    for n in range(KILLS):
        folder = tmp_path / f"graph{n}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(built_dir, folder)
        delay = rng.uniform(0.05, 1.1) * duration  # from start-up to just after the end
        proc = subprocess.Popen([sys.executable, "-m", "echos_graph.cli", "ingest", "cordis", str(s10k),
                                 "--store", str(folder)], env=ENV, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        state = assert_whole(folder, before, complete)
        outcomes["new" if state == complete else "previous"] += 1
        # the next write sweeps what the killed one left, and works
        again = cli_run("ingest", "cordis", str(AWKWARD), "--store", str(folder), "--name", "after-kill")
        assert again.returncode == 0, again.stderr
        assert not any("interrupted" in note for note in check_integrity(str(folder)).notes)
        shutil.rmtree(folder)
    assert outcomes["previous"] >= 1, f"no kill landed during the ingest: {outcomes}"
    print(f"kill -9: {KILLS} kills over an ingest of {duration:.1f} s; store held the previous graph "
          f"{outcomes['previous']} times, the complete new one {outcomes['new']} times; every check passed")


# -- a full disk ----------------------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 60 MB tmpfs (as root), or None where it cannot be mounted: then the child gets ``ulimit -f``."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=60m", "tmpfs", str(mount)], capture_output=True,
                          check=False) if os.geteuid() == 0 and shutil.which("mount") else None
    if done is None or done.returncode != 0:
        yield mount, False
        return
    try:
        yield mount, True
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_during_an_ingest_leaves_the_store_whole_and_exits_3(built_dir: Path, s10k: Path,
                                                                        small_disk) -> None:
    disk, mounted = small_disk
    folder, scratch = disk / "graph", disk / "tmp"
    shutil.copytree(built_dir, folder)
    scratch.mkdir()
    before = stable_dump(folder)
    limit = 40 * 1024**2

    def cap() -> None:  # without a small file system: no file may grow past 40 MB
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = cli_run("ingest", "cordis", str(s10k), "--store", str(folder), timeout=600,
                   env={**ENV, "TMPDIR": str(scratch)}, preexec_fn=None if mounted else cap)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and "keeps its last published graph" in proc.stderr
    assert_whole(folder, before)
    assert not list(scratch.iterdir()), "temporary files were left on the full disk"
    assert len(list((folder / "generations").iterdir())) == 1, "the abandoned generation was left behind"
    # once there is room again, the same store takes a smaller source
    small = cli_run("ingest", "cordis", str(AWKWARD), "--store", str(folder), env={**ENV, "TMPDIR": str(scratch)})
    assert small.returncode == 0, small.stderr


# -- unreadable inputs ------------------------------------------------------------------------------


def _cordis_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(AWKWARD, folder)
    return folder


def _unreadable_cases(tmp_path: Path) -> list[tuple[str, str, str]]:
    """Return (kind, path, expected message fragment) for inputs that cannot be read as files."""
    cases = []
    folder = _cordis_copy(tmp_path)
    (folder / "project.csv").unlink()
    (folder / "project.csv").mkdir()  # a folder where the file is expected
    cases.append(("cordis", str(folder), "is a folder"))
    piped = tmp_path / "piped"
    shutil.copytree(AWKWARD, piped)
    (piped / "organization.csv").unlink()
    os.mkfifo(piped / "organization.csv")  # reading a pipe with no writer waits for ever
    cases.append(("cordis", str(piped), "not a regular file"))
    fifo_zip = tmp_path / "export.zip"
    os.mkfifo(fifo_zip)
    cases.append(("cordis", str(fifo_zip), "regular file"))
    for kind, name in (("stakeholders", "sheet.csv"), ("stakeholders", "sheet.xlsx"), ("rdf", "data.ttl")):
        os.mkfifo(tmp_path / name)
        cases.append((kind, str(tmp_path / name), "not a regular file"))
    (tmp_path / "zero.csv").symlink_to("/dev/zero")  # a device that never ends
    cases.append(("stakeholders", str(tmp_path / "zero.csv"), "not a regular file"))
    (tmp_path / "folder.ttl").mkdir()
    cases.append(("rdf", str(tmp_path / "folder.ttl"), "not a regular file"))
    if os.geteuid() != 0:  # root reads a file whatever its permissions
        locked = tmp_path / "locked.csv"
        locked.write_text("x")
        locked.chmod(0)
        cases.append(("stakeholders", str(locked), "Permission denied"))
    return cases


def test_unreadable_inputs_exit_2_at_once_and_leave_the_store_whole(built_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "graph"
    shutil.copytree(built_dir, folder)
    before = stable_dump(folder)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for kind, path, fragment in _unreadable_cases(inputs):
        proc = cli_run("ingest", kind, path, "--store", str(folder), timeout=60)
        assert proc.returncode == 2, (kind, path, proc.stderr)
        assert fragment in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert_whole(folder, before)


# -- a remote endpoint that misbehaves -----------------------------------------------------------------


def _misbehave(mode: str, conn: socket.socket) -> None:
    """Answer one request the way a broken endpoint does."""
    conn.settimeout(10)
    try:
        conn.recv(65536)
        if mode == "hang":
            time.sleep(30)
        elif mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "garbage":
            conn.sendall(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
        elif mode == "not-turtle":
            body = b"<html>this is not turtle {{{"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
        elif mode == "cut-short":  # a prefix that parses: published, it would be a partial source
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 5000\r\n\r\n"
                         b"<http://e/a> <http://e/p> <http://e/b> .\n")
        elif mode == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\n\r\n")
            for _ in range(60):
                conn.sendall(b" ")
                time.sleep(0.5)
        elif mode == "endless":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\n\r\n")
            chunk = b'<http://e/a> <http://e/p> "' + b"x" * 65536 + b'" .\n'
            for _ in range(10_000):  # 650 MB at most, then it stops by itself
                conn.sendall(chunk)
    except OSError:
        pass
    finally:
        conn.close()


@pytest.fixture()
def endpoint():
    """Start a misbehaving endpoint on 127.0.0.1; return a function MODE -> its URL."""
    servers = []

    def start(mode: str) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def accept() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=_misbehave, args=(mode, conn), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{server.getsockname()[1]}/sparql"

    yield start
    for server in servers:
        server.close()


@pytest.mark.parametrize("mode", ["hang", "reset", "garbage", "not-turtle", "cut-short", "trickle", "endless"])
def test_misbehaving_endpoint_is_a_remote_error_and_the_store_is_whole(store_copy, endpoint, mode: str,
                                                                      monkeypatch) -> None:
    from echos_graph.ingest import sparql

    monkeypatch.setattr(sparql, "MAX_ANSWER_BYTES", 20 * 1024**2)
    before = stable_dump(store_copy.location)
    started = time.monotonic()
    with pytest.raises(RemoteError) as error:
        ingest_source(store_copy, "sparql", endpoint(mode), name="peer", options={"timeout": 3})
    assert time.monotonic() - started < 20, "the ingest waited on the endpoint for longer than its timeout"
    assert "SPARQL endpoint" in str(error.value)
    assert_whole(store_copy.location, before)


def test_hanging_endpoint_through_the_command_exits_4_after_the_timeout(store_copy, endpoint, runner) -> None:
    before = stable_dump(store_copy.location)
    result = runner.invoke(cli, ["ingest", "sparql", endpoint("hang"), "--store", store_copy.location,
                                 "--timeout", "2", "--no-warm"])
    assert result.exit_code == 4, result.output
    assert ("within 2 s" in result.output or "timed out" in result.output) and isinstance(result.exception, SystemExit)
    assert_whole(store_copy.location, before)


# -- readers during a publish -------------------------------------------------------------------------

_READER = """
import json, os, sys
from echos_graph import open_store
store = open_store(sys.argv[1])
seen = {}
query = ("SELECT (COUNT(*) AS ?n) (SUM(IF(STRSTARTS(STR(?g), STR(id:graph\\\\/swap)), 1, 0)) AS ?m) "
         "WHERE { GRAPH ?g { ?s ?p ?o } }")
while not os.path.exists(sys.argv[2]):
    row = next(iter(store.query(query)))
    key = f"{row['n'].value}/{row['m'].value}"
    seen[key] = seen.get(key, 0) + 1
print(json.dumps(seen))
"""


def test_readers_see_the_old_graph_or_the_new_one_never_a_mixture(store_copy, tmp_path: Path) -> None:
    cordis = tmp_path / "s1k"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate_cordis.py"), "--scale", "s1k", "--out", str(cordis)],
                   check=True, capture_output=True, timeout=120)
    stop = tmp_path / "stop"
    states = set()

    def state() -> str:
        row = next(iter(open_store(store_copy.location).query(
            "SELECT (COUNT(*) AS ?n) (SUM(IF(STRSTARTS(STR(?g), STR(id:graph\\/swap)), 1, 0)) AS ?m) "
            "WHERE { GRAPH ?g { ?s ?p ?o } }")))
        return f"{row['n'].value}/{row['m'].value}"

    states.add(state())
    reader = subprocess.Popen([sys.executable, "-c", _READER, store_copy.location, str(stop)], env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # the reader is querying
    for source in (cordis, AWKWARD, cordis, AWKWARD):  # each publish replaces the source 'swap'
        ingest_source(store_copy, "cordis", str(source), name="swap")
        states.add(state())
        time.sleep(0.3)
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    seen = json.loads(out)
    assert set(seen) <= states, f"a reader saw a state that was never published: {set(seen) - states}"
    assert len(seen) >= 2 and sum(seen.values()) >= 20, f"the reader saw too little to prove anything: {seen}"
    print(f"reader: {sum(seen.values())} queries, states seen {seen}, states published {sorted(states)}")
    assert graph_iri("swap") in open_store(store_copy.location).named_graphs()
