"""echos-graph: a knowledge graph of the EU Mission on Cancer stakeholder landscape.

The library comes first; the ``echos-graph`` command and the web app are two
thin doors onto it.

>>> import echos_graph
>>> store = echos_graph.open_store("memory:")
>>> store.is_empty()
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .store import GraphStore, open_store

if TYPE_CHECKING:  # pragma: no cover
    from .builder import build
    from .queries import SavedQuery, load_catalogue, run_query

#: Names imported on first use (PEP 562): the builder brings the ingesters, rdflib and pySHACL along, the
#: saved queries rdflib, and a command that reads only the analysis cache needs none of them.
_LAZY = {"build": "builder", "SavedQuery": "queries", "load_catalogue": "queries", "run_query": "queries"}


def __getattr__(name: str) -> Any:
    """Import a name of :data:`_LAZY` the first time it is asked for."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "GraphStore",
    "SavedQuery",
    "__version__",
    "build",
    "load_catalogue",
    "open_store",
    "run_query",
]
