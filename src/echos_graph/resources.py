"""Find the files that ship with echos-graph: ontology, saved queries, data.

In a source checkout they sit at the top of the repository; in an installed
wheel they are package data under ``echos_graph/_resources``.  This module
resolves the location once, so no other module guesses paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["data_dir", "internal_query", "node_modules_dir", "ontology_dir", "queries_dir", "resource_root"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_root() -> Path:
    """Return the folder that holds ``ontology/``, ``queries/`` and ``data/``."""
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        f"echos-graph cannot find its ontology/ folder in {bundled} or {checkout}; "
        "reinstall the package (pip install echos-graph) or run from a source checkout"
    )


def ontology_dir() -> Path:
    """Return the folder of the ontology, SKOS schemes and SHACL shapes."""
    return resource_root() / "ontology"


def queries_dir() -> Path:
    """Return the folder of the saved SPARQL queries (``*.rq``)."""
    return resource_root() / "queries"


def data_dir() -> Path:
    """Return the folder of the bundled real data."""
    return resource_root() / "data"


def node_modules_dir() -> Path:
    """Return the folder of the front-end libraries that ``npm ci`` installed.

    They come from the npm registry through the project's install step
    (``make install``) and are served by the web app from there; nothing of
    them is committed.
    """
    return resource_root() / "node_modules"


@cache
def internal_query(name: str) -> str:
    """Return the text of the plumbing query ``queries/internal/{name}.rq``."""
    return (queries_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8")
