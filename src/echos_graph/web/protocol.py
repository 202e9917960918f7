"""Read a SPARQL 1.1 Protocol request: which operation, its text, its dataset, the answer's format.

The rules are the protocol's (https://www.w3.org/TR/sparql11-protocol/):
a query comes by GET (``query=``), by POST form-encoded, or by POST with the
query as the body (``application/sparql-query``); an update only by POST,
form-encoded (``update=``) or direct (``application/sparql-update``).
Exactly one query or update per request; a direct POST's body is UTF-8; any
other media type is refused.  Every breach is a
:class:`~echos_graph.errors.QueryError` (a 400) whose message says what to
send instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, request
from werkzeug.datastructures import MIMEAccept

from ..errors import QueryError
from ..results import GRAPH_FORMATS, SOLUTION_FORMATS

__all__ = ["NotAcceptableError", "Operation", "formats_for_request", "negotiate", "read_operation"]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_DIRECT = {"application/sparql-query": "query", "application/sparql-update": "update"}

_SOLUTION_TYPES = {media: name for name, (_, media) in SOLUTION_FORMATS.items()}
_SOLUTION_TYPES.update({"application/json": "json", "text/xml": "xml", "application/xml": "xml"})
_GRAPH_TYPES = {media: name for name, (_, media) in GRAPH_FORMATS.items()}
_GRAPH_TYPES.update({"application/x-turtle": "ttl", "text/plain": "nt", "application/json": "jsonld",
                     "application/xml": "rdfxml", "text/xml": "rdfxml", "application/x-trig": "trig"})
#: Other names clients send in ``format=`` (SPARQLWrapper sends turtle, xml, json-ld ...).
_FORMAT_ALIASES = {
    "solutions": {"application/json": "json", "text": "tsv", "srj": "json", "srx": "xml"},
    "graph": {"turtle": "ttl", "n3": "ttl", "ntriples": "nt", "n-triples": "nt", "xml": "rdfxml", "rdf": "rdfxml",
              "rdf+xml": "rdfxml", "json-ld": "jsonld", "json": "jsonld", "nquads": "nq", "n-quads": "nq"},
}


class NotAcceptableError(QueryError):
    """No media type the client accepts is available for this kind of result (a 406)."""

    http_status = 406

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__("none of the media types in the Accept header is available for this result; offered: "
                         + ", ".join(table))


@dataclass(frozen=True)
class Operation:
    """One protocol operation: ``kind`` is "query", "update" or "none" (no text at all)."""

    kind: str
    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def negotiate(kind: str) -> str:
    """Return the format name for a result of ``kind`` ('solutions' or 'graph') from the request.

    ``format=`` wins over the Accept header; with neither, JSON for
    solutions and Turtle for graphs.
    """
    table = _SOLUTION_TYPES if kind == "solutions" else _GRAPH_TYPES
    names = SOLUTION_FORMATS if kind == "solutions" else GRAPH_FORMATS
    asked = request.values.get("format") if request.method != "PUT" else None
    if asked:
        if asked in names:
            return asked
        if asked in table:
            return table[asked]
        if asked in _FORMAT_ALIASES[kind]:
            return _FORMAT_ALIASES[kind][asked]
        raise QueryError(f"format={asked!r} is not available for this result; use one of "
                         f"{', '.join(sorted(set(table.values())))}")
    accept = MIMEAccept([(value.split(";")[0].strip(), quality) for value, quality in request.accept_mimetypes])
    best = accept.best_match(list(table), default=None)  # "text/turtle; charset=utf-8" asks for Turtle
    if best is None and request.accept_mimetypes and not request.accept_mimetypes.accept_html \
            and "*/*" not in request.headers.get("Accept", "*/*"):
        raise NotAcceptableError(table)
    return table[best] if best else ("json" if kind == "solutions" else "ttl")


def formats_for_request() -> Callable[[str], str]:
    """Negotiate both kinds of result now (in the request), and return a chooser usable in any thread."""
    chosen: dict[str, str | QueryError] = {}
    for kind in ("solutions", "graph"):
        try:
            chosen[kind] = negotiate(kind)
        except QueryError as exc:
            chosen[kind] = exc

    def choose(kind: str) -> str:
        value = chosen[kind]
        if isinstance(value, QueryError):
            raise value
        return value

    return choose


def _single(values: list[str], name: str) -> str | None:
    """Return the one value of parameter ``name``, None if absent; refuse several."""
    if len(values) > 1:
        raise QueryError(f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def _check_length(text: str, kind: str) -> str:
    """Refuse a text longer than MAX_QUERY_LENGTH."""
    limit = int(current_app.config["MAX_QUERY_LENGTH"])
    if len(text) > limit:
        raise QueryError(f"the {kind} is {len(text):,} characters long; this endpoint accepts at most {limit:,}")
    return text


def read_operation() -> Operation:
    """Return the operation of the current request, checking the protocol's rules.

    Raises
    ------
    echos_graph.errors.QueryError
        For a request the protocol does not allow.
    """
    args = request.args
    if request.method == "GET":
        if "update" in args:
            raise QueryError("an update must be sent by POST (form-encoded 'update=' or application/sparql-update), "
                             "never by GET")
        text = _single(args.getlist("query"), "query")
        if text is None:
            return Operation("none", "")
        return Operation("query", _check_length(text, "query"), args.getlist("default-graph-uri"),
                         args.getlist("named-graph-uri"))
    mimetype = request.mimetype
    if mimetype in _FORM_TYPES:
        form = request.form
        query = _single(args.getlist("query") + form.getlist("query"), "query")
        update = _single(args.getlist("update") + form.getlist("update"), "update")
        if query is not None and update is not None:
            raise QueryError("the request has both a 'query' and an 'update' parameter; send one operation")
        if update is not None:
            return Operation("update", _check_length(update, "update"),
                             args.getlist("using-graph-uri") + form.getlist("using-graph-uri"),
                             args.getlist("using-named-graph-uri") + form.getlist("using-named-graph-uri"))
        if query is None:
            raise QueryError("the POST has no 'query' or 'update' parameter")
        return Operation("query", _check_length(query, "query"),
                         args.getlist("default-graph-uri") + form.getlist("default-graph-uri"),
                         args.getlist("named-graph-uri") + form.getlist("named-graph-uri"))
    if mimetype in _DIRECT:
        kind = _DIRECT[mimetype]
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise QueryError(f"the {kind} is sent as {charset}; the SPARQL protocol wants UTF-8: send "
                             f"Content-Type: {mimetype}; charset=utf-8 and a UTF-8 body")
        for name in ("query", "update"):
            if name in args:
                raise QueryError(f"a POST with the {kind} as its body must not also have a '{name}' URL parameter")
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError(f"the body is not UTF-8 (byte {exc.start}); send the {kind} as UTF-8") from None
        if kind == "update":
            return Operation("update", _check_length(text, "update"), args.getlist("using-graph-uri"),
                             args.getlist("using-named-graph-uri"))
        return Operation("query", _check_length(text, "query"), args.getlist("default-graph-uri"),
                         args.getlist("named-graph-uri"))
    raise QueryError(
        f"media type {mimetype or '(none: the request has no Content-Type)'} is not accepted here; send a query "
        "as application/x-www-form-urlencoded ('query=') or application/sparql-query, an update as "
        "application/x-www-form-urlencoded ('update=') or application/sparql-update"
    )
