"""Shared fixtures: a graph built once from the bundled data, stores, the app, a CLI runner."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from echos_graph import build, open_store
from echos_graph.resources import data_dir
from echos_graph.store import EmbeddedStore, GraphStore

#: The private Virtuoso server and the stores on it (tests/virtuoso.py).
pytest_plugins = ["virtuoso"]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the analysis cache of every test out of the user's ~/.cache."""
    monkeypatch.setenv("ECHOS_GRAPH_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("ECHOS_GRAPH_WARM_CACHE", "0")  # no background processes unless a test asks for one


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store folder built once from the bundled data (do not write to it)."""
    folder = tmp_path_factory.mktemp("built") / "graph"
    build(open_store(folder))
    return folder


@pytest.fixture(scope="session")
def graph(built_dir: Path) -> GraphStore:
    """The built graph, read-only by convention."""
    return open_store(built_dir)


@pytest.fixture()
def store_copy(built_dir: Path, tmp_path: Path) -> EmbeddedStore:
    """A private copy of the built store that a test may change."""
    target = tmp_path / "graph"
    shutil.copytree(built_dir, target)
    store = open_store(target)
    assert isinstance(store, EmbeddedStore)
    return store


@pytest.fixture(params=["embedded", "virtuoso"])
def writable_store(request: pytest.FixtureRequest) -> GraphStore:
    """The built graph in a store a test may change: a private embedded copy, then Virtuoso (skipped if absent)."""
    if request.param == "embedded":
        return request.getfixturevalue("store_copy")
    return request.getfixturevalue("virtuoso_store")


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled data folder that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


class LoopbackListener:
    """A loopback port that records the connections made to it until :meth:`close` (a second at most)."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen()
        self._socket.settimeout(1.0)
        self.port: int = self._socket.getsockname()[1]
        self.connections: list[object] = []
        self._thread = threading.Thread(target=self._accept)
        self._thread.start()

    def _accept(self) -> None:
        try:
            self.connections.append(self._socket.accept())
        except OSError:
            pass

    def close(self) -> list[object]:
        """Stop listening; return the connections made."""
        self._thread.join()
        self._socket.close()
        return self.connections


@pytest.fixture()
def loopback_listener():
    """A :class:`LoopbackListener`, closed after the test."""
    listener = LoopbackListener()
    yield listener
    listener.close()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def app(built_dir: Path, tmp_path: Path):
    from echos_graph.web import create_app

    return create_app({"TESTING": True, "STORE": str(built_dir), "DOCS_DIR": str(tmp_path / "docs")})


@pytest.fixture()
def client(app):
    return app.test_client()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def served(built_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """`echos-graph serve` (gunicorn) on a free loopback port, stopped after the tests."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    log = tmp_path_factory.mktemp("serve") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "echos_graph.cli", "serve", "--store", str(built_dir), "--port", str(port),
             "--workers", "1"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {log.read_text()}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"server did not start: {log.read_text()}")
    yield url
    proc.terminate()
    proc.wait(timeout=20)




#: Debian's Chromium; Playwright drives it, since a browser download cannot work here.
CHROMIUM = os.environ.get("ECHOS_GRAPH_CHROMIUM", "/usr/bin/chromium")
#: Screenshots and other files the browser tests leave for a person to look at.
ARTIFACTS = Path(os.environ.get("ECHOS_GRAPH_ARTIFACTS", Path(__file__).resolve().parent.parent / "var" / "test-artifacts"))


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's package) under Playwright, one for the session."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is not installed: `make test` installs Debian's chromium (needs root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    """A fresh browser page that records every request to a host other than loopback."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.foreign_requests = []  # type: ignore[attr-defined]
    page.on("request", lambda req: None if req.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else page.foreign_requests.append(req.url))
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder where browser tests save screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _serve(store: Path, log: Path, *args: str, env_extra: dict[str, str] | None = None):
    """Start `echos-graph serve` on a free loopback port; return (process, base URL) once it answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"), **(env_extra or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "echos_graph.cli", "serve", "--store", str(store),
                                 "--port", str(port), *args], stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {log.read_text()}")
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"server did not start: {log.read_text()}")


@pytest.fixture()
def served_writable(built_dir: Path, tmp_path: Path):
    """The production server over a private copy of the built store, writes on with a token from a file."""
    store = tmp_path / "graph"
    shutil.copytree(built_dir, store)
    token_file = tmp_path / "token.txt"
    token_file.write_text("served-token\n", encoding="utf-8")
    proc, url = _serve(store, tmp_path / "server.log", "--workers", "2", "--update-token-file", str(token_file))
    yield url, "served-token"
    proc.terminate()
    proc.wait(timeout=20)
