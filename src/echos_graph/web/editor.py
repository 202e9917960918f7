"""The query editor at ``/query``: YASGUI on our endpoint, with the saved queries as examples.

YASGUI (``@zazuko/yasgui`` from the npm registry) is served from
``/vendor``; ``static/editor.js`` starts it from the data attributes of the
page and from ``/query/catalogue.json``, since the Content-Security-Policy
allows no inline script.  Without JavaScript the page still lists every
saved query with its text and offers plain forms that post to ``/sparql``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from ..namespaces import PREFIXES
from ..queries import SavedQuery, declare_prefixes, load_catalogue
from .errors import SECURITY_HEADERS

__all__ = ["CONTENT_SECURITY_POLICY", "STARTER", "bp"]

bp = Blueprint("editor", __name__)

#: The saved query the editor shows on a first visit.
STARTER = "hubs-by-status"

#: The site's policy, plus inline styles: YASGUI and CodeMirror set ``style``
#: attributes on the elements they draw (column widths, the editor's height,
#: the position of menus). Scripts stay limited to our own files.
CONTENT_SECURITY_POLICY = SECURITY_HEADERS["Content-Security-Policy"] + "; style-src 'self' 'unsafe-inline'"


def _entry(saved: SavedQuery) -> dict[str, Any]:
    """Describe one saved query for the page and the JSON catalogue."""
    text = declare_prefixes(saved.text)
    return {
        "name": saved.name,
        "title": saved.title or saved.name,
        "description": saved.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default,
             "description": p.description}
            for p in saved.parameters
        ],
        "columns": list(saved.columns),
        "text": text,
        # Every reserved character escaped: YASGUI's URL parser also splits parameters at ';'.
        "link": url_for("editor.editor") + "?" + urlencode({"query": text, "tabTitle": saved.title or saved.name},
                                                            quote_via=quote),
    }


def _catalogue() -> list[dict[str, Any]]:
    """Return every saved query, in catalogue order, for the page and the JSON catalogue."""
    return [_entry(saved) for saved in load_catalogue().values()]


@bp.after_request
def _allow_inline_styles(response: Response) -> Response:
    """Let YASGUI style its own elements on the editor's responses."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


@bp.route("/query")
def editor() -> str:
    """The query editor; a shared link (``?query=...``) fills the plain form too."""
    return render_template("editor.html", catalogue=_catalogue(), prefixes=PREFIXES,
                           query=request.args.get("query", ""), starter=STARTER)


@bp.route("/query/catalogue.json")
def catalogue() -> Response:
    """The endpoint, the prefixes and every saved query with its documentation and text."""
    return jsonify({
        "endpoint": url_for("sparql.endpoint"),
        "prefixes": PREFIXES,
        "starter": STARTER,
        "queries": _catalogue(),
    })


@bp.route("/query/prefixes.json")
def prefixes() -> Response:
    """Our prefixes in prefix.cc's format, which the editor's prefix completion reads."""
    return jsonify(PREFIXES)
