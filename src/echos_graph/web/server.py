"""Run the web app under gunicorn, the production WSGI server.

gunicorn's sync workers are killed and replaced when a request runs past the
timeout, which is the only way to stop a runaway query in the embedded
engine for real (pyoxigraph queries cannot be cancelled).
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from . import create_app

__all__ = ["run_server"]


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


def run_server(location: str, *, host: str = "127.0.0.1", port: int = 5000, workers: int = 2, timeout: int = 30) -> None:
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
    timeout : int
        Seconds before a busy worker is killed and replaced.
    """
    from .db import warm_up

    app = create_app({"STORE": location, "QUERY_TIMEOUT": timeout})
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "post_worker_init": lambda worker: warm_up(app),
    }
    _Server(app, options).run()
