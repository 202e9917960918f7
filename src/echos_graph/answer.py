"""Turn a query result into the bytes an endpoint sends, at most one page of rows at a time.

A public endpoint caps how many rows (or triples) one answer carries, so that
one query cannot make the server build an answer of gigabytes.  A result with
more rows than the cap is refused with a message that says how to page
through it, unless the client asked for a page (``page=1``, ``page=2``, ...):
then it gets that page and learns whether another one follows.

SELECT rows are written as SPARQL 1.1 Query Results JSON here; the XML, CSV
and TSV forms are pyoxigraph's own serialisers run on that JSON, so every
format says exactly what the engine would have said about the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from .errors import QueryError, ResultTooLargeError
from .results import GRAPH_FORMATS, SOLUTION_FORMATS, triples_format
from .namespaces import PREFIXES
from .store import QueryResult

__all__ = ["Answer", "answer", "solutions_json", "term_json"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"


@dataclass(frozen=True)
class Answer:
    """What an endpoint sends for one query.

    Attributes
    ----------
    body : bytes
        The serialised result.
    media_type : str
        Its media type.
    kind : str
        ``"solutions"`` (SELECT), ``"boolean"`` (ASK) or ``"graph"`` (CONSTRUCT, DESCRIBE).
    count : int or None
        Rows or triples in ``body``; None for ASK.
    more : bool
        Whether rows beyond this page exist (only when a page was asked for).
    """

    body: bytes
    media_type: str
    kind: str
    count: int | None
    more: bool = False


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    """Return one RDF term as SPARQL 1.1 Query Results JSON (RDF-star triple terms included).

    Examples
    --------
    >>> term_json(ox.Literal("chat", language="fr"))
    {'type': 'literal', 'value': 'chat', 'xml:lang': 'fr'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING, _RDF_DIR_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def solutions_json(variables: list[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    """Write SELECT rows as SPARQL 1.1 Query Results JSON.

    Examples
    --------
    >>> result = ox.Store().query("SELECT ?n WHERE { VALUES ?n { 1 } }")
    >>> solutions_json(["n"], result)
    b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}'
    """
    bindings = []
    for row in rows:
        binding = {}
        for name in variables:
            term = row[name]
            if term is not None:
                binding[name] = term_json(term)
        bindings.append(binding)
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _page(items: Iterator[object], max_rows: int, page: int | None, noun: str) -> tuple[list[object], bool]:
    """Return the rows of one page and whether more follow; refuse an unpaged result over the cap."""
    if page is None:
        rows = list(islice(items, max_rows + 1))
        if len(rows) > max_rows:
            raise ResultTooLargeError(
                f"the query has more than {max_rows:,} {noun}, the most this endpoint sends in one answer. "
                f"Page through them: add ORDER BY and LIMIT {max_rows} OFFSET {max_rows} (then OFFSET "
                f"{2 * max_rows}, ...) to the query, or add the parameter page=1, page=2, ... to the request "
                f"(pages of {max_rows:,}; with ORDER BY in the query the pages do not overlap)."
            )
        return rows, False
    if page < 1:
        raise QueryError(f"page={page} is not a page number; pages are numbered from 1")
    rows = list(islice(items, (page - 1) * max_rows, page * max_rows + 1))
    return rows[:max_rows], len(rows) > max_rows


def answer(result: QueryResult, choose_format: Callable[[str], str], *, max_rows: int,
           page: int | None = None) -> Answer:
    """Serialise a query result, at most ``max_rows`` rows or triples of it (see :func:`_answer`).

    Raises
    ------
    echos_graph.errors.QueryError
        If the engine fails while it evaluates the query (an unsupported function, say).
    """
    try:
        return _answer(result, choose_format, max_rows=max_rows, page=page)
    except RuntimeError as exc:
        raise QueryError(f"the query could not be evaluated: {exc}") from None


def _answer(result: QueryResult, choose_format: Callable[[str], str], *, max_rows: int,
            page: int | None = None) -> Answer:
    """Serialise a query result, at most ``max_rows`` rows or triples of it.

    Parameters
    ----------
    result : QuerySolutions, QueryBoolean or QueryTriples
        What :meth:`echos_graph.store.GraphStore.query` returned.
    choose_format : callable
        Given ``"solutions"`` or ``"graph"``, returns a key of
        :data:`echos_graph.results.SOLUTION_FORMATS` or
        :data:`echos_graph.results.GRAPH_FORMATS` (content negotiation).
    max_rows : int
        The most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in one answer.
    page : int, optional
        Which page of ``max_rows`` to send, from 1.  Without it a result over
        the cap is refused.

    Returns
    -------
    Answer

    Raises
    ------
    echos_graph.errors.ResultTooLargeError
        If the result has more than ``max_rows`` rows and no page was asked for.

    Examples
    --------
    >>> result = ox.Store().query("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
    >>> reply = answer(result, lambda kind: "csv", max_rows=2, page=2)
    >>> reply.body, reply.more
    (b'n\\r\\n3\\r\\n', False)
    """
    if isinstance(result, ox.QueryBoolean):
        fmt = choose_format("solutions")
        return Answer(result.serialize(format=SOLUTION_FORMATS[fmt][0]) or b"", SOLUTION_FORMATS[fmt][1],
                      "boolean", None)
    if isinstance(result, ox.QuerySolutions):
        fmt = choose_format("solutions")
        variables = [v.value for v in result.variables]
        rows, more = _page(iter(result), max_rows, page, "rows")
        body = solutions_json(variables, rows)  # type: ignore[arg-type]
        if fmt != "json":
            parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            body = parsed.serialize(format=SOLUTION_FORMATS[fmt][0]) or b""
        return Answer(body, SOLUTION_FORMATS[fmt][1], "solutions", len(rows), more)
    fmt = choose_format("graph")
    triples, more = _page(iter(result), max_rows, page, "triples")
    body = ox.serialize(triples, format=triples_format(fmt), prefixes=PREFIXES) or b""  # type: ignore[arg-type]
    return Answer(body, GRAPH_FORMATS[fmt][1], "graph", len(triples), more)
