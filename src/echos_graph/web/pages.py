"""Pages for people: the home page and the ontology documentation."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, render_template, send_from_directory
from werkzeug.wrappers import Response

from ..info import summarise
from ..queries import load_catalogue, run_query
from ..results import compact, term_text
from .db import get_store

__all__ = ["bp"]

bp = Blueprint("pages", __name__)
_DOCS_LOCK = threading.Lock()


@bp.app_template_filter("compact")
def _compact(iri: str) -> str:
    """Show an IRI as a prefixed name in templates."""
    return compact(iri)


@bp.route("/")
def home() -> str:
    """What the graph holds, where it came from, and the ways in."""
    store = get_store()
    summary = summarise(store)
    sources = run_query(store, "sources")
    assert isinstance(sources, ox.QuerySolutions)
    rows = [{v.value: term_text(row[v.value]) for v in sources.variables} for row in sources]
    return render_template("home.html", summary=summary, sources=rows, catalogue=load_catalogue())


def _docs_dir() -> Path:
    """Return the folder of the ontology documentation, writing it on first use."""
    folder = Path(current_app.config["DOCS_DIR"])
    if not folder.is_absolute():
        folder = Path.cwd() / folder
    with _DOCS_LOCK:
        if not (folder / "index.html").is_file():
            from ..ontology import write_docs

            write_docs(folder)
    return folder


@bp.route("/ontology")
@bp.route("/ontology/<path:name>")
def ontology(name: str = "index.html") -> Response:
    """Serve the HTML documentation of the ontology and the schemes (pyLODE)."""
    if not name.endswith((".html", ".css", ".js", ".png", ".svg")):
        abort(404)
    return send_from_directory(_docs_dir(), name)
