"""The store a request reads, opened once per worker process and refreshed per request."""

from __future__ import annotations

import os

from flask import Flask, current_app, g

from ..store import GraphStore, open_store

__all__ = ["get_store", "init_app"]

_STORES: dict[tuple[int, str], GraphStore] = {}


def get_store() -> GraphStore:
    """Return the store for this request, picking up a newly published generation."""
    if "store" not in g:
        location = str(current_app.config["STORE"])
        key = (os.getpid(), location)
        store = _STORES.get(key)
        if store is None:
            from ..httpclient import Credentials

            config = current_app.config
            user = config.get("STORE_USER") or None
            store = _STORES[key] = open_store(location, timeout=float(config["QUERY_TIMEOUT"]),
                                              update_url=config.get("UPDATE_URL") or None,
                                              gsp_url=config.get("GSP_URL") or None,
                                              credentials=Credentials(user) if user else None)
        store.refresh()
        g.store = store
    return g.store  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Register the request teardown with the app."""
    app.teardown_appcontext(lambda exc: g.pop("store", None))
