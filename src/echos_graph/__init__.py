"""echos-graph: a knowledge graph of the EU Mission on Cancer stakeholder landscape.

The library comes first; the ``echos-graph`` command and the web app are two
thin doors onto it.

>>> import echos_graph
>>> store = echos_graph.open_store("memory:")
>>> store.is_empty()
True
"""

from __future__ import annotations

__version__ = "0.1.0"

from .builder import build
from .queries import SavedQuery, load_catalogue, run_query
from .store import GraphStore, open_store

__all__ = [
    "GraphStore",
    "SavedQuery",
    "__version__",
    "build",
    "load_catalogue",
    "open_store",
    "run_query",
]
