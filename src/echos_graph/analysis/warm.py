"""Fill the analysis cache of a newly published generation in the background.

Reading the network of 100,000 organisations out of Oxigraph takes about 10
CPU-seconds (pyoxigraph decodes every IRI of 290,000 participations), while
every analysis after that reads the cache in a fraction of a second. So
after an ingest publishes a generation, ``echos-graph ingest`` starts a
detached, low-priority process that reads the network into the cache (and
then lays out the network explorer's default view) (as ``git gc
--auto`` tidies a repository after a command): the ingest returns as soon as
the graph is published, and a ``gaps`` or ``analyse`` call that comes while
the cache is being filled waits for it (see
:func:`~echos_graph.analysis.projection.load_network`) instead of reading the
store a second time. ``ECHOS_GRAPH_WARM_CACHE=0`` or ``ingest --no-warm``
turns it off.

Run as ``python -m echos_graph.analysis.warm STORE``.
"""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["WARM_ENV", "start_warming", "warm", "warming_enabled"]

#: The environment variable that turns background warming off when set to 0.
WARM_ENV = "ECHOS_GRAPH_WARM_CACHE"


def warming_enabled() -> bool:
    """Return whether background warming is on (``ECHOS_GRAPH_WARM_CACHE`` is not 0, no, off or false).

    Examples
    --------
    >>> os.environ[WARM_ENV] = "0"; warming_enabled()
    False
    >>> del os.environ[WARM_ENV]; warming_enabled()
    True
    """
    return os.environ.get(WARM_ENV, "1").strip().lower() not in ("0", "no", "off", "false")


def warm(location: str, *, explorer: bool = True) -> bool:
    """Read the network of the store at ``location`` into the cache, unless it is there already.

    Then, if ``explorer``, the network explorer's default view (its layout,
    communities and centralities: about 10 s at 10,000 organisations), so
    that the first visitor of ``/network`` after an ingest does not wait.

    Parameters
    ----------
    location : str
        An embedded store's folder.

    explorer : bool
        Whether to compute the explorer's default view too.

    Returns
    -------
    bool
        True if the store can be cached (an embedded store with a generation).
    """
    from ..store import open_store
    from .cache import cache_file
    from .explorer import explorer_json
    from .projection import load_network

    store = open_store(location)
    try:
        if cache_file(store, "network") is None:
            return False
        load_network(store)
        if explorer:
            explorer_json(store, "co-participation")
        return True
    finally:
        store.close()


def start_warming(location: str) -> int | None:
    """Start :func:`warm` for ``location`` in a detached process; return its pid, or None when warming is off.

    The child outlives the command that started it, has no terminal, and
    writes nothing anywhere but the cache; its errors are ignored, since the
    next analysis reads the store itself when there is no cache.
    """
    if not warming_enabled():
        return None
    process = subprocess.Popen(
        [sys.executable, "-m", "echos_graph.analysis.warm", os.fspath(location)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )
    return process.pid


if __name__ == "__main__":  # pragma: no cover - run in a child process
    os.nice(10)  # a background task: the user's own commands come first
    try:
        warm(sys.argv[1])
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first analysis
        sys.exit(1)
