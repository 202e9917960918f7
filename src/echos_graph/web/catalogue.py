"""The saved-query catalogue on the web: ``/queries``, one page per query, and ``/.well-known/sparql-examples``.

``/queries/NAME`` shows a form for the query's parameters and the first
:data:`PREVIEW_ROWS` rows of its answer as a table; ``/queries/NAME/results``
sends the whole answer (within the endpoint's row cap and paging) as SPARQL
results JSON, XML, CSV or TSV (Turtle, N-Triples, RDF/XML or JSON-LD for a
CONSTRUCT), chosen by ``format=`` or the Accept header, as ``/sparql`` does.
Parameters are bound by :func:`echos_graph.queries.run_query`, never pasted
into the text, and every query runs under the endpoint's deadline.

``/.well-known/sparql-examples`` publishes the catalogue as SHACL
``sh:SPARQLExecutable`` resources, the convention of the SIB
sparql-examples catalogue (https://github.com/sib-swiss/sparql-examples), so
that tools which read such examples (query editors, the SIB's indexers)
find ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)

from ..namespaces import PREFIXES
from ..queries import (
    SavedQuery,
    declare_prefixes,
    load_catalogue,
    run_query,
    saved_query,
)
from ..results import GRAPH_FORMATS, SOLUTION_FORMATS, term_text
from ..sparqltext import query_form
from ..store import QueryResult
from .db import get_store
from .deadline import run_before_deadline
from .sparql import query_response

__all__ = ["PREVIEW_ROWS", "bp", "examples_graph", "query_kind"]

bp = Blueprint("catalogue", __name__)

#: Rows of an answer shown on a query's page; the downloads carry the rest.
PREVIEW_ROWS = 200

_SH = PREFIXES["sh"]
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_RDFS = PREFIXES["rdfs"]
_SCHEMA_TARGET = ox.NamedNode("https://schema.org/target")
_XSD_ANY_URI = ox.NamedNode(PREFIXES["xsd"] + "anyURI")
#: Datatypes whose cells are set as numbers (right-aligned).
_NUMBERS = frozenset(PREFIXES["xsd"] + name for name in (
    "integer", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger", "long", "int"))


def query_kind(saved: SavedQuery) -> str:
    """Return the form of a saved query: ``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``.

    Examples
    --------
    >>> query_kind(load_catalogue()["construct-organisations"])
    'CONSTRUCT'
    """
    return query_form(saved.text)


def _saved(name: str) -> SavedQuery:
    """Return the catalogue's query called ``name`` (its own file only), or answer 404."""
    saved = saved_query(name)
    if saved is None:
        abort(404, description=f"there is no saved query called {name!r}; /queries lists them")
    return saved


def _values(saved: SavedQuery) -> dict[str, str]:
    """Return the request's values of the query's declared parameters (blank fields left out)."""
    return {p.name: value.strip() for p in saved.parameters if (value := request.args.get(p.name, "")).strip()}


def _preview(result: QueryResult, limit: int) -> tuple[list[str], list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]], bool]:
    """Return the column names, at most ``limit`` rows of terms, and whether more rows follow."""
    if isinstance(result, ox.QueryBoolean):
        return ["answer"], [[ox.Literal(str(bool(result)).lower())]], False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[solution[name] for name in names] for solution in islice(result, limit + 1)]
    else:
        names = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in islice(result, limit + 1)]  # type: ignore[list-item]
    return names, rows[:limit], len(rows) > limit


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> dict[str, Any]:
    """Describe one table cell: its text, its IRI (for a link) and whether it is a number."""
    iri = term.value if isinstance(term, ox.NamedNode) else None
    number = isinstance(term, ox.Literal) and term.datatype.value in _NUMBERS
    return {"text": term_text(term), "iri": iri, "number": number}


@bp.route("/queries")
def index() -> str:
    """Every saved query, with its description and parameters."""
    return render_template("queries.html", catalogue=list(load_catalogue().values()), kind=query_kind)


@bp.route("/queries/<name>")
def page(name: str) -> str:
    """One saved query: its form, the first rows of its answer, downloads and its text."""
    saved = _saved(name)
    values = _values(saved)
    missing = [p for p in saved.parameters if p.required and p.default is None and p.name not in values]
    shown: dict[str, Any] | None = None
    if not missing:
        store = get_store()

        def work() -> tuple[list[str], list[list[Any]], bool]:
            return _preview(run_query(store, saved, values), PREVIEW_ROWS)

        names, rows, more = run_before_deadline(work, float(current_app.config["QUERY_TIMEOUT"]))
        shown = {"names": names, "rows": [[_cell(t) for t in row] for row in rows], "more": more}
    graph = query_kind(saved) in ("CONSTRUCT", "DESCRIBE")
    downloads = [(label, url_for("catalogue.results", name=name) + "?" + urlencode({**values, "format": fmt}))
                 for label, fmt in ((("Turtle", "turtle"), ("JSON-LD", "json-ld"), ("N-Triples", "ntriples")) if graph
                                    else (("CSV", "csv"), ("JSON", "json"), ("TSV", "tsv")))]
    text = declare_prefixes(saved.text)
    return render_template("query.html", saved=saved, values=values, missing=missing, shown=shown,
                           downloads=downloads, text=text, preview_rows=PREVIEW_ROWS,
                           editor_link=url_for("editor.editor") + "?" + urlencode({"query": text}))


@bp.route("/queries/<name>/results")
def results(name: str) -> Response:
    """The answer of one saved query in a standard format (``format=`` or Accept), for download or a client."""
    saved = _saved(name)
    values = _values(saved)
    store = get_store()
    response = query_response(lambda: run_query(store, saved, values))
    if request.args.get("format"):  # a download link
        extension = _EXTENSIONS.get(response.mimetype, "txt")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


#: File extensions of the answers' media types, for the downloaded file's name (the format names, but two).
_EXTENSIONS = {media: {"rdfxml": "rdf", "xml": "srx"}.get(name, name)
               for name, (_, media) in {**SOLUTION_FORMATS, **GRAPH_FORMATS}.items()}


def examples_graph(catalogue: Mapping[str, SavedQuery], base: str) -> ox.Store:
    """Return the catalogue as SHACL ``sh:SPARQLExecutable`` resources, in an in-memory store.

    Parameters
    ----------
    catalogue : mapping of str to SavedQuery
        The saved queries by name.
    base : str
        The site's root URL (``https://example.org/``): each example is
        ``{base}queries/NAME`` and targets ``{base}sparql``.

    Examples
    --------
    >>> g = examples_graph(load_catalogue(), "http://localhost/")
    >>> len(list(g.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/shacl#select"), None))) > 15
    True
    """
    store = ox.Store()
    prefixes = ox.NamedNode(f"{base}.well-known/sparql-examples#prefixes")
    add = store.add
    for prefix, namespace in PREFIXES.items():
        declaration = ox.BlankNode()
        add(ox.Quad(prefixes, ox.NamedNode(_SH + "declare"), declaration))
        add(ox.Quad(declaration, ox.NamedNode(_SH + "prefix"), ox.Literal(prefix)))
        add(ox.Quad(declaration, ox.NamedNode(_SH + "namespace"), ox.Literal(namespace, datatype=_XSD_ANY_URI)))
    for name, saved in catalogue.items():
        form = query_kind(saved).lower()  # sh:select, sh:SPARQLSelectExecutable ...
        example = ox.NamedNode(f"{base}queries/{name}")
        add(ox.Quad(example, _RDF_TYPE, ox.NamedNode(_SH + "SPARQLExecutable")))
        add(ox.Quad(example, _RDF_TYPE, ox.NamedNode(f"{_SH}SPARQL{form.capitalize()}Executable")))
        add(ox.Quad(example, ox.NamedNode(_RDFS + "label"), ox.Literal(saved.title or name, language="en")))
        if saved.description:
            add(ox.Quad(example, ox.NamedNode(_RDFS + "comment"), ox.Literal(saved.description, language="en")))
        add(ox.Quad(example, ox.NamedNode(_SH + form), ox.Literal(declare_prefixes(saved.text))))
        add(ox.Quad(example, ox.NamedNode(_SH + "prefixes"), prefixes))
        add(ox.Quad(example, _SCHEMA_TARGET, ox.NamedNode(f"{base}sparql")))
    return store


_EXAMPLE_FORMATS = {media: fmt for name, (fmt, media) in GRAPH_FORMATS.items() if name in ("ttl", "jsonld", "nt", "rdfxml")}


@bp.route("/.well-known/sparql-examples")
def examples() -> Response:
    """The saved queries as ``sh:SPARQLExecutable`` examples: Turtle, or JSON-LD, N-Triples, RDF/XML by Accept."""
    media = request.accept_mimetypes.best_match(list(_EXAMPLE_FORMATS), default="text/turtle") or "text/turtle"
    store = examples_graph(load_catalogue(), request.host_url)
    options: dict[str, Any] = {"format": _EXAMPLE_FORMATS[media]}
    if media == "text/turtle":
        options["prefixes"] = {"sh": _SH, "rdfs": _RDFS, "schema": "https://schema.org/", "xsd": PREFIXES["xsd"]}
    body = store.dump(**options, from_graph=ox.DefaultGraph())
    response = Response(body, mimetype=media)
    if media.startswith("text/"):
        response.charset = "utf-8"
    response.headers["Vary"] = "Accept"
    return response
