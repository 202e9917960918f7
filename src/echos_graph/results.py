"""Turn query results into the standard formats people and programs read.

SELECT and ASK results go out as SPARQL 1.1 Query Results JSON, XML, CSV or
TSV (pyoxigraph's own serialisers) or as a text table for a terminal;
CONSTRUCT and DESCRIBE results as Turtle, N-Triples, RDF/XML or JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import PREFIXES
from .store import QueryResult

__all__ = [
    "GRAPH_FORMATS",
    "SOLUTION_FORMATS",
    "compact",
    "serialize_result",
    "term_text",
    "to_rows",
    "to_table",
    "triples_format",
]

#: Format names for SELECT and ASK results, with their media types.
SOLUTION_FORMATS: dict[str, tuple[ox.QueryResultsFormat, str]] = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}

#: Format names for CONSTRUCT and DESCRIBE results and store dumps, with media types.
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
}

_ORDERED_PREFIXES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def compact(iri: str) -> str:
    """Return ``iri`` as a prefixed name where one of our prefixes fits.

    Examples
    --------
    >>> compact("https://w3id.org/echos-graph/id/hub/NO")
    'id:hub/NO'
    """
    for prefix, namespace in _ORDERED_PREFIXES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """Return the plain text of a term for a table cell (IRIs compacted)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def to_rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[str]]]:
    """Return the variable names and the rows of a SELECT result as plain text."""
    names = [v.value for v in result.variables]
    rows = [[term_text(solution[name]) for name in names] for solution in result]
    return names, rows


def to_table(result: QueryResult, *, max_width: int = 60) -> str:
    """Render a result as an aligned text table (SELECT), ``true``/``false`` (ASK) or Turtle.

    Examples
    --------
    >>> store = ox.Store()
    >>> print(to_table(store.query("SELECT ?n WHERE { VALUES ?n { 1 2 } }")))
    n
    -
    1
    2
    """
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if not isinstance(result, ox.QuerySolutions):
        return serialize_result(result, "ttl").decode("utf-8")
    names, rows = to_rows(result)
    return _table(names, rows, max_width=max_width)


def _table(names: Sequence[str], rows: Iterable[Sequence[str]], *, max_width: int) -> str:
    """Align ``rows`` under ``names``, cutting cells longer than ``max_width``."""
    cut = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cut)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
             "  ".join("-" * w for w in widths).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cut]
    return "\n".join(lines)


def serialize_result(result: QueryResult, fmt: str) -> bytes:
    """Serialise a query result in the named format.

    Parameters
    ----------
    result : QuerySolutions, QueryBoolean or QueryTriples
        What :meth:`echos_graph.store.GraphStore.query` returned.
    fmt : str
        A key of :data:`SOLUTION_FORMATS` for SELECT and ASK, of
        :data:`GRAPH_FORMATS` for CONSTRUCT and DESCRIBE.

    Raises
    ------
    QueryError
        If the format does not fit the kind of result.
    """
    if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        if fmt not in SOLUTION_FORMATS:
            raise QueryError(f"format {fmt!r} is not one for SELECT or ASK results; use one of {', '.join(SOLUTION_FORMATS)}")
        return result.serialize(format=SOLUTION_FORMATS[fmt][0]) or b""
    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"format {fmt!r} is not one for CONSTRUCT or DESCRIBE results; use one of {', '.join(GRAPH_FORMATS)}")
    return ox.serialize(result, format=triples_format(fmt), prefixes=PREFIXES) or b""


def triples_format(fmt: str) -> ox.RdfFormat:
    """Return the RDF format to write a graph (not a dataset) in for the format name ``fmt``.

    N-Quads and TriG of a single graph are N-Triples and Turtle.
    """
    return {"nq": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TURTLE}.get(fmt, GRAPH_FORMATS[fmt][0])
