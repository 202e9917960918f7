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


def run_server(location: str, *, host: str = "127.0.0.1", port: int = 5000, workers: int = 2, timeout: int = 30,
               update_url: str | None = None, gsp_url: str | None = None, store_user: str | None = None) -> None:
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
    update_url, gsp_url, store_user : str, optional
        For a remote store: its update and Graph Store Protocol endpoints and
        the user to authenticate as (the password comes from
        ``ECHOS_GRAPH_STORE_PASSWORD``).
    """
    settings: dict[str, Any] = {"STORE": location, "QUERY_TIMEOUT": timeout}
    for name, value in (("UPDATE_URL", update_url), ("GSP_URL", gsp_url), ("STORE_USER", store_user)):
        if value:
            settings[name] = value
    app = create_app(settings)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
    }
    _Server(app, options).run()
