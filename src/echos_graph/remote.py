"""The remote backend: a SPARQL 1.1 endpoint that holds the graph.

Used when the graph outgrows one machine or an institution already runs a
triplestore (Virtuoso, Fuseki, GraphDB, QLever).  Queries go through
SPARQLWrapper and come back as the same pyoxigraph result objects the
embedded store gives, so every caller works on either backend.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import pyoxigraph as ox

from .errors import QueryError, RemoteError
from .namespaces import PREFIXES
from .resources import internal_query
from .store import GraphStore, QueryResult, Term, Transaction, oxigraph_query

__all__ = ["RemoteStore"]


class RemoteStore(GraphStore):
    """A remote SPARQL 1.1 endpoint (Query, Update and Graph Store Protocol).

    Reads go through SPARQLWrapper.  Writes collect the transaction's changes
    and send them as one SPARQL Update request, which servers apply as a unit.

    Parameters
    ----------
    url : str
        The query endpoint.
    update_url : str, optional
        The update endpoint; defaults to ``url``.
    timeout : float
        Seconds a request may take.
    token : str, optional
        Bearer token sent with updates (``ECHOS_GRAPH_UPDATE_TOKEN``).
    """

    def __init__(self, url: str, *, update_url: str | None = None, timeout: float = 30.0, token: str | None = None) -> None:
        self.location = url
        self.url = url
        self.update_url = update_url or url
        self.timeout = timeout
        self.token = token if token is not None else os.environ.get("ECHOS_GRAPH_UPDATE_TOKEN")

    def _wrapper(self, endpoint: str) -> Any:
        """Return a SPARQLWrapper for ``endpoint`` with our user agent and timeout."""
        from SPARQLWrapper import SPARQLWrapper

        from . import __version__

        wrapper = SPARQLWrapper(endpoint, agent=f"echos-graph/{__version__} (+https://w3id.org/echos-graph)")
        wrapper.setTimeout(int(self.timeout))
        wrapper.setMethod("POST")
        return wrapper

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        from SPARQLWrapper import Wrapper

        text = _with_prefixes(sparql)
        if bindings:
            text = _append_values(text, bindings)
        wrapper = self._wrapper(self.url)
        wrapper.setQuery(text)
        for graph in default_graphs or []:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or []:
            wrapper.addNamedGraph(graph)
        kind = wrapper.queryType
        if kind in ("CONSTRUCT", "DESCRIBE"):
            wrapper.setReturnFormat("turtle")
        else:
            wrapper.setReturnFormat("json")
        try:
            response = wrapper.query().response.read()
        except Wrapper.QueryBadFormed as exc:
            raise QueryError(f"the endpoint {self.url} rejected the query: {exc}") from None
        except Exception as exc:  # urllib raises many kinds; all mean the endpoint failed
            raise RemoteError(f"the SPARQL endpoint {self.url} failed: {exc}") from None
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return _TriplesList(ox.parse(response, ox.RdfFormat.TURTLE))  # type: ignore[return-value]
        return ox.parse_query_results(response, ox.QueryResultsFormat.JSON)

    def named_graphs(self) -> list[str]:
        result = self.query(internal_query("named-graphs"))
        assert isinstance(result, ox.QuerySolutions)
        return sorted(row["g"].value for row in result)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        tx = _RemoteTransaction(self)
        yield tx
        tx.commit()


class _TriplesList:
    """Triples parsed from a remote CONSTRUCT answer, iterable like QueryTriples."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> bytes | None:
        return ox.serialize(self._triples, output, format, prefixes=PREFIXES)


class _RemoteTransaction(Transaction):
    """Changes collected locally and sent to the endpoint as one SPARQL Update."""

    def __init__(self, remote: RemoteStore) -> None:
        self.remote = remote
        self.staged = ox.Store()
        self.drops: list[str] = []
        self._graphs = set(remote.named_graphs())

    def add(self, quads: Iterable[ox.Quad]) -> None:
        items = list(quads)
        self.staged.bulk_extend(items)
        self._graphs.update(q.graph_name.value for q in items if isinstance(q.graph_name, ox.NamedNode))

    def drop_graph(self, graph: str) -> None:
        self.drops.append(graph)
        if self.staged.contains_named_graph(ox.NamedNode(graph)):
            self.staged.remove_graph(ox.NamedNode(graph))
        self._graphs.discard(graph)

    def query(self, sparql: str, **kwargs: Any) -> QueryResult:
        return oxigraph_query(self.staged, sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return sorted(self._graphs)

    def commit(self) -> None:
        """Send the drops and inserts as one update request."""
        parts = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in self.drops]
        for graph in self.staged.named_graphs():
            body = ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in self.staged.quads_for_pattern(None, None, None, graph)),
                format=ox.RdfFormat.N_TRIPLES,
            )
            parts.append(f"INSERT DATA {{ GRAPH {graph} {{ {(body or b'').decode()} }} }}")
        if not parts:
            return
        wrapper = self.remote._wrapper(self.remote.update_url)
        if self.remote.token:
            wrapper.addCustomHttpHeader("Authorization", f"Bearer {self.remote.token}")
        wrapper.setQuery(" ;\n".join(parts))
        try:
            wrapper.query()
        except Exception as exc:
            raise RemoteError(f"the SPARQL endpoint {self.remote.update_url} refused the update: {exc}") from None


def _with_prefixes(sparql: str) -> str:
    """Prepend our PREFIX declarations that the query uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"(?i)PREFIX\s+([A-Za-z][\w.-]*)?:", sparql)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p.lower() not in declared and f"{p}:" in sparql]
    return "\n".join([*lines, sparql])


def _append_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Bind variables for a remote endpoint with a trailing VALUES block of serialised terms."""
    names = " ".join(f"?{ox.Variable(k).value}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    return f"{sparql}\nVALUES ({names}) {{ ({values}) }}"
