"""A cache of data derived from a store, one file per store generation.

An embedded store never changes a published generation: an ingest writes a
new one and moves the ``CURRENT`` pointer. Whatever is computed from a
generation (the :class:`~echos_graph.analysis.projection.Network` read from
100,000 organisations takes seconds) can therefore be kept and reused until
the pointer moves. The files live in :func:`cache_folder`, are named after
the store's folder, the generation and a digest of what produced them (the
saved queries, the Python version, a format number), and are written
atomically; a newer generation replaces its store's older files. Deleting
the folder is always safe. Stores in memory and remote endpoints are never
cached.

The data is plain (dicts, tuples, strings, numbers) and kept with
:mod:`marshal`, the fastest reader of such data in the standard library.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..store import GraphStore

__all__ = ["CACHE_ENV", "cache_file", "cache_folder", "filling", "read_cached", "write_cached"]

#: The environment variable that names the cache folder.
CACHE_ENV = "ECHOS_GRAPH_CACHE"

#: Bump when the layout of cached data changes.
_FORMAT = 2


def cache_folder() -> Path:
    """Return the cache folder: ``$ECHOS_GRAPH_CACHE``, else ``$XDG_CACHE_HOME/echos-graph``, else ``~/.cache/echos-graph``.

    Examples
    --------
    >>> isinstance(cache_folder(), Path)
    True
    """
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "echos-graph"


def cache_file(store: GraphStore, kind: str, sources: Iterable[Path] = ()) -> Path | None:
    """Return the cache file of ``kind`` for the store's current generation, or None if it cannot be cached.

    Parameters
    ----------
    store : GraphStore
        Only an embedded store (one with generations) is cached.
    kind : str
        What is cached, e.g. ``"network"``.
    sources : iterable of Path
        Files whose content the cached data depends on (the saved queries
        that read it): a change to one of them gives another file name.
    """
    current = getattr(store, "current_generation", None)
    folder = getattr(store, "path", None)
    if current is None or folder is None:
        return None
    try:
        generation = current()
    except (StoreError, OSError):  # a damaged store: no cache; reading it will say what is wrong
        return None
    if generation is None:
        return None
    where = str(Path(folder).resolve())
    digest = hashlib.sha256(f"{_FORMAT} {sys.version_info[:2]} {kind}".encode())
    for source in sources:
        digest.update(source.read_bytes())
    store_key = hashlib.sha256(where.encode()).hexdigest()[:16]
    return cache_folder() / f"{kind}-{store_key}-{generation}-{digest.hexdigest()[:16]}.marshal"


def read_cached(path: Path) -> Any:
    """Return the data kept in ``path``, or None if there is none or it cannot be read."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_cached(path: Path, data: Any) -> None:
    """Keep ``data`` in ``path`` (atomically) and remove the same store's older files of that kind; never fail."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(data))
        os.replace(tmp, path)
        kind, store_key = path.name.split("-")[:2]
        for old in path.parent.glob(f"{kind}-{store_key}-*"):
            if old.name.endswith((".marshal", ".lock")) and old.stem != path.stem:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        return


@contextlib.contextmanager
def filling(path: Path) -> Iterator[None]:
    """Hold the lock of cache file ``path`` while it is computed, so two processes do not both compute it.

    A second process that wants the same file waits here, then finds it
    written.  Where locks are unavailable (no ``fcntl``, a read-only cache
    folder), nothing is held.
    """
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 - closed below
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()
