"""Run the web app under gunicorn, the production WSGI server.

A query that runs past ``QUERY_TIMEOUT`` gets a 503, and the sync worker
process that ran it then exits (:mod:`.deadline`), which is the only way to
stop a runaway query in the embedded engine for real (pyoxigraph queries
cannot be cancelled); gunicorn starts a fresh worker.  gunicorn's own worker
timeout is kept a little longer, as a backstop.

Why sync workers, several per core: each worker process runs one request at
a time, so retiring it stops exactly the runaway query and nothing else, and
the other workers go on serving meanwhile.  Measured with
``bench/bench_endpoint.py`` (see bench/README.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from . import create_app
from .deadline import post_request, worker_exit

__all__ = ["BACKSTOP_SECONDS", "DEFAULT_WORKERS", "run_server"]

#: Worker processes unless told otherwise (see bench/README.md for the measurement).
DEFAULT_WORKERS = 4
#: How much longer than the query timeout gunicorn waits before it kills a silent worker.
BACKSTOP_SECONDS = 10
#: A worker is replaced after about this many requests (gunicorn's ``max_requests``, with a tenth of
#: jitter so that workers do not restart together): a backstop that bounds whatever a long-lived
#: process accumulates; at 135 requests a second a worker (bench_endpoint.py) that is every 75 s.
MAX_REQUESTS = 10_000
#: glibc malloc arenas per process.  Every query runs in a thread of its own (:mod:`.deadline`), and
#: glibc gives threads up to eight arenas a core, each keeping the memory freed in it; a held load
#: grew the workers steadily (docs/RELIABILITY.md, "Load held").
MALLOC_ARENAS = 2


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured in code rather than from a file or the command line."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run_server(location: str, *, host: str = "127.0.0.1", port: int = 5000, workers: int = DEFAULT_WORKERS,
               timeout: float = 30, settings: Mapping[str, Any] | None = None) -> None:
    """Serve the app for the store at ``location`` until interrupted.

    Parameters
    ----------
    location : str
        The store location.
    host : str
        Address to listen on; loopback unless told otherwise.
    port : int
    workers : int
        Worker processes.
    timeout : float
        Seconds a query may run (``QUERY_TIMEOUT``).
    settings : mapping, optional
        Other settings of :data:`echos_graph.web.SETTINGS` for the app.
    """
    from .db import warm_up

    app = create_app({**(settings or {}), "STORE": location, "QUERY_TIMEOUT": timeout})
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": int(timeout) + BACKSTOP_SECONDS,
        "post_request": post_request,
        "worker_exit": worker_exit,
        "graceful_timeout": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "post_worker_init": lambda worker: warm_up(app),
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS // 10,
    }
    _limit_malloc_arenas(MALLOC_ARENAS)
    _Server(app, options).run()


def _limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas in this process and the workers it forks; False where that is not glibc."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return bool(libc is not None and libc.mallopt(-8, arenas))  # -8: M_ARENA_MAX in glibc's malloc.h
    except (OSError, AttributeError):
        return False
