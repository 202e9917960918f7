"""The store a request reads, opened once per worker process and refreshed per request; data derived from it, kept per generation."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, current_app, g

from ..analysis.projection import Network, load_network
from ..store import GraphStore, open_store

__all__ = ["cached", "generation", "get_network", "get_store", "init_app", "warm_up"]

_STORES: dict[tuple[int, str], GraphStore] = {}
#: (store location, generation) -> {kind: value}: what was derived from one published generation.
_DERIVED: dict[tuple[str, str], dict[Hashable, Any]] = {}
#: Most values of the many kinds (a tuple kind: one per hub, organisation ...) kept per generation, and
#: most bytes of pictures among them: the least recently used go first.  Without a bound by bytes a
#: worker kept every organisation's ego-network picture it ever drew (docs/RELIABILITY.md, "Load held").
_MAX_PER_GENERATION = 1024
_MAX_BYTES_PER_GENERATION = 16 * 1024 * 1024

T = TypeVar("T")


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


def generation() -> str | None:
    """Return the published generation the request reads, or None for a store without generations."""
    if "generation" not in g:
        current = getattr(get_store(), "current_generation", None)
        g.generation = current() if current is not None else None
    return g.generation  # type: ignore[no-any-return]


def cached(kind: Hashable, compute: Callable[[GraphStore], T]) -> T:
    """Return ``compute(store)``, computed once per store generation and worker process.

    A published generation never changes, so whatever is derived from it
    (the summary of the home page, the network, a hub's picture) stays true
    until an ingest publishes a new one; the values of older generations are
    then dropped. A store without generations (in memory, remote) is asked
    every time. A None result is not kept: it means "not available yet"
    (network measures nobody has computed), so the next request asks again.
    Values of a tuple kind (one per hub, per organisation ...) are bounded in
    number and in bytes per worker, least recently used first out; the
    others (the network, the summary) stay for the generation.
    """
    store = get_store()
    current = generation()
    if current is None:
        return compute(store)
    key = (store.location, current)
    values = _DERIVED.get(key)
    if values is None:
        for old in [k for k in _DERIVED if k[0] == store.location]:
            del _DERIVED[old]
        values = _DERIVED[key] = {}
    if kind in values:
        value = values[kind]
        values.pop(kind, None)  # and put back last: the most recently used
    else:
        value = compute(store)
        if value is None:
            return value
        if isinstance(kind, tuple):
            _make_room(values, len(value) if isinstance(value, (bytes, str)) else 0)
    values[kind] = value
    return value  # type: ignore[no-any-return]


def _make_room(values: dict[Hashable, Any], size: int) -> None:
    """Drop the least recently used values of tuple kinds until one more of ``size`` bytes fits the bounds."""
    many = [k for k in values if isinstance(k, tuple)]
    used = sum(len(values[k]) for k in many if isinstance(values[k], (bytes, str)))
    for oldest in many:
        if len(many) < _MAX_PER_GENERATION and used + size <= _MAX_BYTES_PER_GENERATION:
            break
        gone = values.pop(oldest)
        many = many[1:]
        used -= len(gone) if isinstance(gone, (bytes, str)) else 0


def get_network() -> Network:
    """Return the store's network (organisations, initiatives, hubs, schemes), read once per generation."""
    return cached("network", load_network)


def warm_up(app: Flask) -> None:
    """Read what the pages need from the current generation before the first request asks for it.

    The production server calls it when a worker starts, so the first
    visitor does not wait for the network to be read (seconds at 10,000
    organisations when the analysis cache does not have it yet). A store
    that cannot be read yet is left for the requests to report.
    """
    from ..errors import EchosGraphError
    from ..info import summarise

    with app.test_request_context("/"):
        try:
            get_network()
            cached("summary", summarise)
        except EchosGraphError:
            return


def init_app(app: Flask) -> None:
    """Register the request teardown with the app."""

    def teardown(exc: BaseException | None) -> None:
        g.pop("store", None)
        g.pop("generation", None)

    app.teardown_appcontext(teardown)
