"""A private Virtuoso Open Source server on loopback, for the remote-backend tests and the benchmarks.

Loaded by ``tests/conftest.py`` as a pytest plugin; ``bench/bench_queries.py``
imports :class:`VirtuosoServer` from here too.  The recipe, with what was
measured on this machine, is ``../shared/VIRTUOSO.md``:

- a private ``virtuoso.ini`` written from the Debian template
  (``/etc/virtuoso-opensource-7/virtuoso.ini``): both ports on 127.0.0.1 and
  chosen free, the database files in a scratch folder, ``ResultSetMaxRows``
  raised (the default, 10,000, cuts results silently), buffers sized for the
  job;
- ``virtuoso-t +foreground`` started as a child whose pid is kept; ready when
  ``isql-vt`` answers;
- a random password for ``dba`` and a user ``echos`` (random password too)
  with the ``SPARQL_UPDATE`` role: updates go to ``/sparql-auth`` and the
  Graph Store Protocol to ``/sparql-graph-crud-auth``, both with HTTP digest
  authentication; the anonymous ``/sparql`` stays read-only;
- stopped with ``shutdown`` through ``isql-vt``, then by its own pid if it
  lingers; never by process name.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["TEMPLATE", "VirtuosoServer", "built_nquads", "free_port", "remote_store", "reset", "virtuoso",
           "virtuoso_empty", "virtuoso_store", "write_config"]

#: The configuration Debian's package installs; ours is written from it.
TEMPLATE = Path(os.environ.get("ECHOS_GRAPH_VIRTUOSO_INI", "/etc/virtuoso-opensource-7/virtuoso.ini"))
SERVER = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"
#: The user the tests write as, through the authenticated endpoints.
USER = "echos"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(folder: Path, settings: Mapping[str, Mapping[str, str]], template: Path = TEMPLATE) -> Path:
    """Write ``folder/virtuoso.ini``: the template with ``settings`` ({section: {key: value}}) replaced or added."""
    lines = template.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    pending = {section: dict(values) for section, values in settings.items()}
    section = None

    def flush() -> None:
        for key, value in pending.pop(section, {}).items() if section else ():
            out.append(f"{key} = {value}")

    for line in lines:
        header = re.match(r"^\[(.+)\]\s*$", line)
        if header:
            flush()
            section = header.group(1)
            out.append(line)
            continue
        entry = re.match(r"^([A-Za-z_][\w]*)\s*=", line)
        if section and entry and entry.group(1) in pending.get(section, {}):
            out.append(f"{entry.group(1)} = {pending[section].pop(entry.group(1))}")
            continue
        out.append(line)
    flush()
    for name, values in pending.items():
        out.append(f"[{name}]")
        out += [f"{key} = {value}" for key, value in values.items()]
    path = folder / "virtuoso.ini"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@dataclass
class VirtuosoServer:
    """One private Virtuoso server: its folder, ports, credentials and process.

    Parameters
    ----------
    folder : Path
        Scratch folder for the configuration, database, log and pid.
    buffers : int
        ``NumberOfBuffers`` (8 KB pages held in memory); ``MaxDirtyBuffers``
        is three quarters of it.
    max_rows : int
        ``[SPARQL] ResultSetMaxRows``.
    load_dirs : tuple of Path
        Folders ``ld_dir`` may read (added to ``DirsAllowed``).
    """

    folder: Path
    buffers: int = 20_000
    max_rows: int = 1_000_000
    load_dirs: tuple[Path, ...] = ()
    sql_port: int = 0
    http_port: int = 0
    dba_password: str = ""
    password: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        """The anonymous, read-only SPARQL endpoint."""
        return f"{self.base}/sparql"

    @property
    def update_url(self) -> str:
        """The SPARQL endpoint with digest authentication, where updates are allowed."""
        return f"{self.base}/sparql-auth"

    @property
    def gsp_url(self) -> str:
        """The Graph Store Protocol endpoint with digest authentication."""
        return f"{self.base}/sparql-graph-crud-auth"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def start(self, timeout: float = 180.0) -> VirtuosoServer:
        """Write the configuration, start the server and wait until it answers SQL and HTTP."""
        self.folder.mkdir(parents=True, exist_ok=True)
        db = self.folder / "db"
        db.mkdir(exist_ok=True)
        self.sql_port = self.sql_port or free_port()
        self.http_port = self.http_port or free_port()
        allowed = ", ".join([".", "/usr/share/virtuoso-opensource-7/vad", *(str(p) for p in self.load_dirs)])
        config = write_config(self.folder, {
            "Database": {"DatabaseFile": f"{db}/virtuoso.db", "ErrorLogFile": f"{db}/virtuoso.log",
                         "LockFile": f"{db}/virtuoso.lck", "TransactionFile": f"{db}/virtuoso.trx",
                         "xa_persistent_file": f"{db}/virtuoso.pxa"},
            "TempDatabase": {"DatabaseFile": f"{db}/virtuoso-temp.db", "TransactionFile": f"{db}/virtuoso-temp.trx"},
            "Parameters": {"ServerPort": f"127.0.0.1:{self.sql_port}", "DirsAllowed": allowed,
                           "NumberOfBuffers": str(self.buffers), "MaxDirtyBuffers": str(self.buffers * 3 // 4),
                           "CheckpointInterval": "0"},
            "HTTPServer": {"ServerPort": f"127.0.0.1:{self.http_port}"},
            "SPARQL": {"ResultSetMaxRows": str(self.max_rows), "MaxQueryExecutionTime": "300",
                       "MaxQueryCostEstimationTime": "0"},
            "URIQA": {"DefaultHost": f"127.0.0.1:{self.http_port}"},
        })
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen([SERVER, "+configfile", str(config), "+foreground"], cwd=self.folder,
                                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        (self.folder / "virtuoso.pid").write_text(f"{self.process.pid}\n")
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self._log_tail()}")
            if self._isql_ok("dba", "status();"):  # a fresh database: dba's password is dba
                break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"virtuoso-t did not answer isql within {timeout:.0f} s: {self._log_tail()}")
            time.sleep(0.5)
        self.dba_password = secrets.token_hex(12)
        self.password = secrets.token_hex(12)
        self.isql(f"DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{self.dba_password}');", password="dba")
        self.isql(f"DB.DBA.USER_CREATE('{USER}', '{self.password}');",
                  f'GRANT SPARQL_UPDATE TO "{USER}";')
        self._wait_http(deadline)
        return self

    def _isql_ok(self, password: str, statement: str) -> bool:
        """Return whether ``isql-vt`` connects as dba with ``password`` and runs ``statement``."""
        try:
            self.isql(statement, password=password, timeout=10)
        except (RuntimeError, subprocess.TimeoutExpired):
            return False
        return True

    def _wait_http(self, deadline: float) -> None:
        """Wait until the SPARQL endpoint answers."""
        url = self.query_url + "?query=ASK%7B%7D"
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                return
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the SPARQL endpoint {self.query_url} did not answer: {self._log_tail()}") from None
                time.sleep(0.5)

    def isql(self, *statements: str, password: str | None = None, timeout: float = 600.0) -> str:
        """Run SQL statements as ``dba`` through ``isql-vt``; return its output, raise on an error."""
        script = "\n".join(statements) + "\n"
        proc = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", password or self.dba_password, "VERBOSE=OFF", "BANNER=OFF",
             "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"],
            input=script.encode(), capture_output=True, timeout=timeout,
        )
        text = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        if proc.returncode != 0 or re.search(r"\*\*\* Error|Error [0-9A-Z]{5}", text):
            raise RuntimeError(f"isql failed: {text.strip()[-2000:]}")
        return text

    def bulk_load(self, folder: Path, pattern: str, graph: str = "", *, checkpoint: bool = True) -> None:
        """Load RDF files of ``folder`` matching ``pattern`` with ``ld_dir`` and ``rdf_loader_run``.

        For N-Quads the graph of each quad is kept; ``graph`` names the graph
        of triples files.  A file loaded before is loaded again.
        """
        like = f"{folder}/{pattern}".replace("*", "%")
        self.isql(f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '{like}';",
                  f"ld_dir('{folder}', '{pattern}', '{graph or 'urn:echos-graph:unused'}');", "rdf_loader_run();",
                  *(["checkpoint;"] if checkpoint else []))
        failed = self.isql(f"SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '{like}' "
                           "AND (ll_state <> 2 OR ll_error IS NOT NULL);")
        if str(folder) in failed:
            raise RuntimeError(f"bulk load failed: {failed}")

    def stop(self, timeout: float = 60.0) -> None:
        """Shut the server down through isql, then by its own pid if it has not exited."""
        if self.process is None or self.process.poll() is not None:
            return
        for password in (self.dba_password, "dba"):
            if password and self._isql_ok(password, "shutdown;"):
                break
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def _log_tail(self) -> str:
        """Return the end of the server's log, for an error message."""
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"


def virtuoso_available() -> str | None:
    """Return why Virtuoso cannot run here, or None if it can."""
    for path in (SERVER, ISQL, str(TEMPLATE)):
        if not Path(path).exists():
            return (f"{path} is missing: Virtuoso Open Source is not installed "
                    "(scripts/install-system-deps installs Debian's virtuoso-opensource, as root)")
    return None


def remote_store(server: VirtuosoServer, **options: object):
    """Return a RemoteStore that reads, writes and uploads to ``server`` as the test user."""
    from echos_graph.httpclient import Credentials
    from echos_graph.remote import RemoteStore

    return RemoteStore(server.query_url, update_url=server.update_url, gsp_url=server.gsp_url,
                       credentials=Credentials(USER, server.password), **options)  # type: ignore[arg-type]


def reset(server: VirtuosoServer, nquads: Path | None = None) -> None:
    """Drop every graph of ours (and leftovers of uploads) from ``server``, then bulk-load ``nquads`` if given."""
    store = remote_store(server)
    from echos_graph.remote import STAGING_PREFIX, STAGING_REGISTRY

    store._drop_all(store.named_graphs() + store._list_graphs(STAGING_PREFIX) + [STAGING_REGISTRY])
    if nquads is not None:
        server.bulk_load(nquads.parent, nquads.name, checkpoint=False)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A private Virtuoso server for the whole session, stopped by its own pid at the end."""
    reason = virtuoso_available()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("virtuoso")
    server = VirtuosoServer(folder / "server", load_dirs=(folder / "load",))
    (folder / "load").mkdir()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def built_nquads(built_dir: Path, virtuoso: VirtuosoServer) -> Path:
    """The built graph as N-Quads, in the folder the session's Virtuoso may bulk-load from."""
    from echos_graph import open_store

    path = virtuoso.load_dirs[0] / "built.nq"
    with open(path, "wb") as out:
        open_store(built_dir).dump(out, _nquads())
    return path


def _nquads():
    import pyoxigraph as ox

    return ox.RdfFormat.N_QUADS


@pytest.fixture()
def virtuoso_store(virtuoso: VirtuosoServer, built_nquads: Path):
    """A RemoteStore on the session's Virtuoso holding the built graph (the same quads as ``built_dir``)."""
    reset(virtuoso, built_nquads)
    return remote_store(virtuoso)


@pytest.fixture()
def virtuoso_empty(virtuoso: VirtuosoServer):
    """A RemoteStore on the session's Virtuoso holding none of our graphs."""
    reset(virtuoso)
    return remote_store(virtuoso)
