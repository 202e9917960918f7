"""The remote backend: a SPARQL 1.1 server that holds the graph.

Used when the graph outgrows one machine or an institution already runs a
triplestore (Virtuoso, Fuseki, GraphDB, QLever).  Answers come back as the
same pyoxigraph result objects the embedded store gives, so ingest, queries,
analyses and the web endpoint work on either backend.

Reading
    Every query is scoped to *our* graphs, the named graphs under
    ``id:graph/``: they become its ``FROM`` and ``FROM NAMED`` clauses (on
    Virtuoso the few other graphs are excluded by pragma instead, see
    :meth:`RemoteStore.prepare`), so a server's own graphs (Virtuoso's union
    default graph includes its system graphs) never leak into an answer.  Parameters are bound by a ``VALUES``
    block at the top of the ``WHERE`` group.  A ``CONSTRUCT`` is asked as the
    ``SELECT`` of its pattern and its template filled in locally, so that a
    result cut short by the server is noticed: Virtuoso stops at
    ``ResultSetMaxRows`` rows without an error and says so only in an
    ``X-SPARQL-MaxRows`` header of ``SELECT`` answers; the store then counts
    the real number of rows and refuses a cut answer with a
    :class:`~echos_graph.errors.RemoteError`.

Writing
    A transaction stages its changes locally (queries inside it see the
    server's graphs plus the changes, in a local Oxigraph copy made on the
    first query, so the SHACL gate checks what will be published).  On commit
    the new graphs are uploaded under temporary names outside ``id:graph/``,
    invisible to every echos-graph query (a registry graph lists them for
    the readers that exclude graphs rather than name them), in chunks (Graph Store Protocol
    ``POST`` of N-Triples when a GSP URL is configured, else ``INSERT DATA``);
    then one update request drops the replaced graphs and ``ADD``\\ s each
    staged graph to its real name; then the staged copies are dropped.  What
    the server guarantees for that one request is the server's business:
    Virtuoso 7.2.5 applies its operations one after another, lets readers see
    a half-done request and keeps the earlier operations of a request whose
    later one fails (measured; see the README), so on Virtuoso a reader may
    see a mixture while the last request runs, and nothing before it.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import pyoxigraph as ox

from .errors import QueryError, RemoteError
from .httpclient import Credentials, HttpClient, Response
from .namespaces import PREFIXES, graph_iri
from .sparqltext import (
    count_query,
    expand_escaped_names,
    has_dataset,
    has_where,
    names_a_graph,
    query_form,
    split_construct,
    with_dataset,
    with_values,
)
from .store import STATISTICS_GRAPH, GraphStore, QueryResult, Term, Transaction, oxigraph_query

__all__ = ["CHUNK_TRIPLES", "EXCLUDE_MAX", "INSERT_TRIPLES", "REFRESH_SECONDS", "STAGING_PREFIX", "STAGING_REGISTRY",
           "WRITE_TIMEOUT", "RemoteStore"]

#: Triples per Graph Store Protocol request of an upload.
CHUNK_TRIPLES = 100_000
#: Triples per ``INSERT DATA`` request when there is no GSP URL (Virtuoso's parser gives up near 5,000).
INSERT_TRIPLES = 2_000
#: Seconds an upload or update request may take (a large ``ADD`` takes minutes); queries use the store's timeout.
WRITE_TIMEOUT = 3600.0
#: Temporary graphs of an upload in progress are named under this prefix.
STAGING_PREFIX = "urn:echos-graph:staging:"
#: The graph that lists the staging graphs being written, so that readers can exclude them.
STAGING_REGISTRY = "urn:echos-graph:staging"
_STAGING_CLASS = "urn:echos-graph:StagingGraph"
_STAGING_LIST = f"SELECT ?g WHERE {{ GRAPH <{STAGING_REGISTRY}> {{ ?g a <{_STAGING_CLASS}> }} }}"
#: Staging graphs older than this many seconds are left over from a crash and are swept.
STAGING_MAX_AGE = 24 * 3600
_EMPTY_GRAPH = "urn:echos-graph:empty"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: Every graph, filtered here rather than by the server.  Virtuoso at s100k: 45 ms; 0.33 s with DISTINCT
#: instead of GROUP BY (1.8 s on the bundled data alone), 3.7 s with FILTER (STRSTARTS(...)).
_GRAPH_LIST = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
#: On Virtuoso, graphs not ours are excluded by pragma when there are at most this many (else FROM clauses).
EXCLUDE_MAX = 64
#: Seconds a listing of our graphs is trusted by :meth:`RemoteStore.refresh`.
REFRESH_SECONDS = 10.0
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class RemoteStore(GraphStore):
    """A SPARQL 1.1 server (Query, Update and optionally Graph Store Protocol) holding our graphs.

    Parameters
    ----------
    url : str
        The query endpoint, e.g. ``http://127.0.0.1:8890/sparql``.
    update_url : str, optional
        The update endpoint (``ECHOS_GRAPH_UPDATE_URL``); defaults to ``url``.
    gsp_url : str, optional
        The Graph Store Protocol endpoint (``ECHOS_GRAPH_GSP_URL``), used
        for uploads; without it uploads go as ``INSERT DATA`` requests.
    credentials : Credentials, optional
        User and password (HTTP Basic or Digest, as the server asks) or a
        bearer token; defaults to ``ECHOS_GRAPH_STORE_USER``,
        ``ECHOS_GRAPH_STORE_PASSWORD`` and ``ECHOS_GRAPH_STORE_TOKEN``.
        User information in ``url`` (``http://user:password@host/...``) is
        taken too, and removed from the URL.
    timeout : float
        Seconds a request may take.
    scope : str
        The IRI prefix of the graphs that are ours.

    Examples
    --------
    >>> store = RemoteStore("http://reader:secret@127.0.0.1:8890/sparql")
    >>> store.location, store.credentials
    ('http://127.0.0.1:8890/sparql', Credentials(user='reader', password=***, token=None))
    """

    def __init__(self, url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 credentials: Credentials | None = None, timeout: float = 30.0, scope: str | None = None) -> None:
        url, from_url = _split_userinfo(url)
        env = Credentials.from_env()
        given = credentials or Credentials()
        self.credentials = Credentials(given.user or from_url.user or env.user,
                                       given.password or from_url.password or env.password,
                                       given.token or env.token)
        self.location = url
        self.url = url
        self.update_url = _split_userinfo(update_url or os.environ.get("ECHOS_GRAPH_UPDATE_URL") or url)[0]
        gsp = gsp_url or os.environ.get("ECHOS_GRAPH_GSP_URL")
        self.gsp_url = _split_userinfo(gsp)[0] if gsp else None
        self.timeout = timeout
        self.scope = scope or graph_iri("")
        from . import __version__

        self.http = HttpClient(self.credentials, timeout=timeout,
                               agent=f"echos-graph/{__version__} (+https://w3id.org/echos-graph)")
        self._graphs: list[str] | None = None
        self._foreign: list[str] = []
        self._listed = 0.0
        self._server = ""

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, update_url={self.update_url!r}, gsp_url={self.gsp_url!r})"

    # -- reading -----------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        form, text, protocol = self.prepare(sparql, bindings=bindings, union_default_graph=union_default_graph,
                                            default_graphs=default_graphs, named_graphs=named_graphs)
        if form == "CONSTRUCT":
            return self._construct(text, protocol)
        if form == "DESCRIBE":
            answer = self._ask(text, protocol, "application/n-triples")
            return _TriplesList(ox.parse(answer.body, ox.RdfFormat.N_TRIPLES))  # type: ignore[return-value]
        return self._select(text, protocol)

    def prepare(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        scoped: bool = True,
    ) -> tuple[str, str, list[tuple[str, str]]]:
        """Return the query form, the text sent to the server and the dataset parameters of the protocol.

        The text has our prefixes declared, escaped prefixed names written out,
        FROM and FROM NAMED clauses for our graphs (unless a dataset is given,
        the query names its own, or ``scoped`` is false) and the bindings as a
        VALUES block.  On Virtuoso holding few graphs besides ours (its system
        graphs), those are excluded with its ``input:default-graph-exclude``
        and ``input:named-graph-exclude`` pragmas instead: a list of ``FROM``
        clauses makes it up to 250 times slower (countries-without-hub at
        s100k: 2.6 s instead of 10 ms), the pragmas about twice.  Not for a
        query with ``GRAPH <iri>``: under these pragmas Virtuoso 7.2 finds
        nothing in a graph named by a constant.
        """
        text = expand_escaped_names(_with_prefixes(sparql), PREFIXES)
        form = query_form(text)
        protocol: list[tuple[str, str]] = []
        if default_graphs or named_graphs:
            protocol = [("default-graph-uri", g) for g in default_graphs or []]
            protocol += [("named-graph-uri", g) for g in named_graphs or []]
        elif scoped and not has_dataset(text) and not (form == "DESCRIBE" and not has_where(text)):
            ours = self._scope_graphs()
            if union_default_graph and ours and self._can_exclude() and not names_a_graph(text):
                others = sorted({*self._foreign, STAGING_REGISTRY, *self._staging_now()})
                text = "".join(f"DEFINE input:default-graph-exclude {ox.NamedNode(g)}\n"
                               f"DEFINE input:named-graph-exclude {ox.NamedNode(g)}\n" for g in others) + text
            else:
                text = with_dataset(text, ours if union_default_graph else [_EMPTY_GRAPH], ours or [_EMPTY_GRAPH])
        if bindings:
            text = with_values(text, dict(bindings))  # type: ignore[arg-type]
        return form, text, protocol

    def _select(self, text: str, protocol: list[tuple[str, str]]) -> ox.QuerySolutions | ox.QueryBoolean:
        """Ask a SELECT or ASK query; return its solutions, or raise if the server cut them at its row limit."""
        answer = self._ask(text, protocol, "application/sparql-results+json")
        result = _parse_results(answer.body, self.url)
        if not isinstance(result, ox.QuerySolutions):
            return result
        limit = answer.headers.get("x-sparql-maxrows", "")
        if limit.isdigit():  # Virtuoso says so when an answer has as many rows as its limit
            rows = sum(1 for _ in result)
            if rows >= int(limit):
                counted = _parse_results(self._ask(count_query(text), protocol, "application/sparql-results+json").body,
                                         self.url)
                total = int(next(iter(counted))["n"].value)  # type: ignore[index,arg-type]
                if total > rows:
                    raise RemoteError(
                        f"the endpoint {self.url} cut the answer at {rows} of {total} rows (its row limit; on "
                        "Virtuoso, [SPARQL] ResultSetMaxRows in virtuoso.ini): raise the limit above the size of the "
                        "answers you need and restart the server, or ask a smaller question (LIMIT, a parameter)")
            result = _parse_results(answer.body, self.url)
        if isinstance(result, ox.QuerySolutions) and _XSD_BOOLEAN.encode() in answer.body:
            return _normalised(result)
        return result

    def _ask(self, text: str, protocol: list[tuple[str, str]], accept: str) -> Response:
        """Send a query and return the answer; a 400 is the query's fault, anything else the server's."""
        body = urllib.parse.urlencode([("query", text), *protocol]).encode("utf-8")
        try:
            answer = self.http.request("POST", self.url, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
            self._server = answer.headers.get("server", "")
            return answer
        except RemoteError as exc:
            if exc.status == 400:
                raise QueryError(f"the endpoint {self.url} rejected the query: {exc}") from None
            raise

    def _construct(self, text: str, protocol: list[tuple[str, str]]) -> QueryResult:
        """Answer a CONSTRUCT: SELECT its pattern's solutions remotely, fill the template in locally."""
        prologue, template, rest = split_construct(text)
        solutions = self._select(f"{prologue}SELECT * {rest}", protocol)
        return _TriplesList(_instantiate(prologue, template, solutions))  # type: ignore[arg-type,return-value]

    def _scope_graphs(self) -> list[str]:
        """Return our graphs, listed once and again after :meth:`refresh` or a commit."""
        if self._graphs is None:
            every = self._every_graph()
            self._graphs = [g for g in every if g.startswith(self.scope)]
            self._foreign = [g for g in every if not g.startswith((self.scope, STAGING_PREFIX))]
        return self._graphs

    def _every_graph(self) -> list[str]:
        """Ask the server for all its graphs (not scoped: this finds the scope)."""
        result = self._select(_GRAPH_LIST, [])
        self._listed = time.monotonic()
        return sorted(row["g"].value for row in result)  # type: ignore[index,union-attr]

    def _list_graphs(self, prefix: str) -> list[str]:
        """Return the server's graphs whose IRI starts with ``prefix``."""
        return [g for g in self._every_graph() if g.startswith(prefix)]

    def _can_exclude(self) -> bool:
        """Return whether the server is Virtuoso with few enough other graphs to exclude them by pragma."""
        return "virtuoso" in self._server.lower() and len(self._foreign) <= EXCLUDE_MAX

    def named_graphs(self) -> list[str]:
        self._graphs = None
        return list(self._scope_graphs())

    def refresh(self) -> bool:
        """List our graphs again if the last listing is older than :data:`REFRESH_SECONDS`.

        New triples are seen at once (every query goes to the server); a new
        graph is seen after at most that long, so that a web server does not
        list the graphs for every request.
        """
        if self._graphs is not None and time.monotonic() - self._listed < REFRESH_SECONDS:
            return False
        before = self._graphs
        self._graphs = None
        return self._scope_graphs() != before

    def quads(self, exclude: Iterable[str] = ()) -> Iterator[ox.Quad]:
        """Yield every quad of our graphs but those of ``exclude`` (one request)."""
        skip = set(exclude)
        graphs = [g for g in self._scope_graphs() if g not in skip]
        if not graphs:
            return
        for row in self.query(with_dataset(_ALL_QUADS, [_EMPTY_GRAPH], graphs)):  # type: ignore[union-attr]
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])  # type: ignore[index]

    def _all_quads(self) -> Iterator[ox.Quad]:
        return self.quads()

    # -- writing -----------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        tx = _RemoteTransaction(self)
        yield tx
        if (tx.dropped or len(tx.staged)) and STATISTICS_GRAPH in tx._remote_graphs:
            tx.drop_graph(STATISTICS_GRAPH)  # counts copied from an embedded store's export: out of date now
        self.publish(tx.dropped, tx.staged)

    def update(self, sparql: str) -> None:
        """Send one SPARQL Update request to the update endpoint."""
        body = urllib.parse.urlencode([("update", sparql)]).encode("utf-8")
        self.http.request("POST", self.update_url, body=body, timeout=max(self.timeout, WRITE_TIMEOUT), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"})

    def publish(self, dropped: Iterable[str], staged: ox.Store) -> None:
        """Replace the ``dropped`` graphs and add the graphs of ``staged``, staged under temporary names first.

        Raises
        ------
        RemoteError
            If the server refuses a request.  A failure while uploading
            leaves our graphs as they were; a failure of the final request
            says which graphs it was replacing.
        """
        targets = sorted(g.value for g in staged.named_graphs() if isinstance(g, ox.NamedNode))
        drops = sorted(set(dropped))
        if not targets and not drops:
            return
        run = f"{STAGING_PREFIX}{int(time.time())}:{uuid.uuid4().hex[:12]}:"
        plan = [(f"{run}{n}", target) for n, target in enumerate(targets)]
        try:
            self._register([stage for stage, _ in plan], "INSERT DATA")
            for stage, target in plan:
                self._upload(stage, staged.quads_for_pattern(None, None, None, ox.NamedNode(target)))
            operations = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in drops]
            operations += [f"ADD SILENT {ox.NamedNode(stage)} TO {ox.NamedNode(target)}" for stage, target in plan]
            try:
                self.update(" ;\n".join(operations))
            except RemoteError as exc:
                raise RemoteError(f"{exc}; the server may have applied part of the final request (it replaces "
                                  f"{len(drops)} and adds {len(targets)} graph(s)): run the same build or ingest "
                                  "again to set them right", status=exc.status) from None
        finally:
            self._graphs = None
            with contextlib.suppress(RemoteError):
                self._drop_all([stage for stage, _ in plan])
                self._register([stage for stage, _ in plan], "DELETE DATA")
        with contextlib.suppress(RemoteError):
            self._sweep()

    def _register(self, stages: list[str], operation: str) -> None:
        """Add (INSERT DATA) or remove (DELETE DATA) staging graphs in the registry readers exclude."""
        for start in range(0, len(stages), INSERT_TRIPLES):
            triples = " ".join(f"{ox.NamedNode(g)} a <{_STAGING_CLASS}> ." for g in stages[start:start + INSERT_TRIPLES])
            self.update(f"{operation} {{ GRAPH <{STAGING_REGISTRY}> {{ {triples} }} }}")

    def _staging_now(self) -> list[str]:
        """Return the staging graphs being written right now, from the registry (one small query)."""
        result = self._select(_STAGING_LIST, [])
        return [row["g"].value for row in result]  # type: ignore[index,union-attr]

    def _upload(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Upload the triples of ``quads`` into ``graph``, in chunks (a graph with blank nodes in one piece)."""
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        has_blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
        size = CHUNK_TRIPLES if self.gsp_url else INSERT_TRIPLES
        if has_blank:
            size = max(len(triples), 1)  # a blank node's label means one node only within one document
        for start in range(0, len(triples), size):
            body = ox.serialize(triples[start:start + size], format=ox.RdfFormat.N_TRIPLES) or b""
            if self.gsp_url:
                separator = "&" if "?" in self.gsp_url else "?"
                url = f"{self.gsp_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
                self.http.request("POST", url, body=body, timeout=max(self.timeout, WRITE_TIMEOUT),
                                  headers={"Content-Type": "application/n-triples"})
            else:
                self.update(f"INSERT DATA {{ GRAPH {ox.NamedNode(graph)} {{ {body.decode('utf-8')} }} }}")

    def _drop_all(self, graphs: list[str]) -> None:
        """Drop ``graphs`` with as few requests as reasonable."""
        for start in range(0, len(graphs), 200):
            chunk = graphs[start:start + 200]
            if chunk:
                self.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in chunk))

    def _sweep(self) -> None:
        """Drop staging graphs left by a writer that died more than :data:`STAGING_MAX_AGE` seconds ago."""
        now = time.time()
        stale = []
        for graph in set(self._list_graphs(STAGING_PREFIX)) | set(self._staging_now()):
            stamp = graph[len(STAGING_PREFIX):].split(":", 1)[0]
            if stamp.isdigit() and now - int(stamp) > STAGING_MAX_AGE:
                stale.append(graph)
        self._drop_all(stale)
        self._register(stale, "DELETE DATA")


class _RemoteTransaction(Transaction):
    """Changes kept locally until commit; queries see the server's graphs with the changes applied."""

    def __init__(self, remote: RemoteStore) -> None:
        self.remote = remote
        self.staged = ox.Store()
        self.dropped: set[str] = set()
        self._remote_graphs = set(remote.named_graphs())
        self._view: ox.Store | None = None

    def add(self, quads: Iterable[ox.Quad]) -> None:
        items = list(quads)
        self.staged.bulk_extend(items)
        if self._view is not None:
            self._view.bulk_extend(items)

    def load_file(self, path: Any, format: ox.RdfFormat, *, trusted: bool = False) -> None:
        self.staged.bulk_load(path=str(path), format=format, lenient=trusted)
        if self._view is not None:
            self._view.bulk_load(path=str(path), format=format, lenient=trusted)

    def drop_graph(self, graph: str) -> None:
        self.dropped.add(graph)
        node = ox.NamedNode(graph)
        for store in (self.staged, self._view):
            if store is not None and store.contains_named_graph(node):
                store.remove_graph(node)

    def query(self, sparql: str, **kwargs: Any) -> QueryResult:
        return oxigraph_query(self._local_view(), sparql, **kwargs)

    def _local_view(self) -> ox.Store:
        """Return a local copy of the server's graphs with this transaction's changes (made once)."""
        if self._view is None:
            view = ox.Store()
            view.bulk_extend(self.remote.quads(exclude=self.dropped))
            view.bulk_extend(self.staged.quads_for_pattern(None, None, None, None))
            self._view = view
        return self._view

    def named_graphs(self) -> list[str]:
        staged = {g.value for g in self.staged.named_graphs() if isinstance(g, ox.NamedNode)}
        return sorted((self._remote_graphs - self.dropped) | staged)


class _TriplesList:
    """Triples of a remote CONSTRUCT or DESCRIBE answer, iterable like QueryTriples."""

    def __init__(self, items: Iterable[ox.Quad | ox.Triple]) -> None:
        self._triples = [ox.Triple(t.subject, t.predicate, t.object) for t in items]

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> bytes | None:
        return ox.serialize(self._triples, output, format, prefixes=PREFIXES)


_BNODE_VALUE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")([^"]*)(")')


def _bnode_label(match: re.Match[bytes]) -> bytes:
    """Return a blank node's value as a label pyoxigraph accepts (Virtuoso writes ``nodeID://b10007``)."""
    label = match.group(2)
    if label.startswith(b"nodeID://"):
        label = label[len(b"nodeID://"):]
    label = re.sub(rb"[^A-Za-z0-9_-]", lambda m: b"_%02x" % m.group()[0], label)
    return match.group(1) + label + match.group(3)


def _parse_results(body: bytes, url: str) -> ox.QuerySolutions | ox.QueryBoolean:
    """Parse a SPARQL JSON results document, or say that the endpoint answered something else."""
    if b'"bnode"' in body:
        body = _BNODE_VALUE.sub(_bnode_label, body)
    try:
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)  # type: ignore[return-value]
    except SyntaxError as exc:
        start = body[:200].decode("utf-8", errors="replace")
        raise RemoteError(f"the endpoint {url} did not answer with SPARQL JSON results ({exc}): {start}") from None


def _normalised(result: ox.QuerySolutions) -> ox.QuerySolutions:
    """Return the solutions with booleans written the canonical way (Virtuoso answers ``"1"^^xsd:boolean``)."""
    import json

    def encode(term: Any) -> dict[str, str]:
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        value = term.value
        if term.datatype.value == _XSD_BOOLEAN and value in ("1", "0"):
            value = "true" if value == "1" else "false"
        out = {"type": "literal", "value": value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out

    variables = [v.value for v in result.variables]
    bindings = [{v: encode(row[v]) for v in variables if row[v] is not None} for row in result]
    document = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode("utf-8")
    return ox.parse_query_results(document, ox.QueryResultsFormat.JSON)  # type: ignore[return-value]


def _instantiate(prologue: str, template: str, solutions: ox.QuerySolutions) -> list[ox.Triple]:
    """Fill a CONSTRUCT template with each solution, locally, as SPARQL defines it."""
    variables = [v.value for v in solutions.variables]
    rows = list(solutions)
    if not rows:
        return []
    skolem = "urn:echos-graph:bnode:"

    def term(value: Any) -> str:
        if value is None:
            return "UNDEF"
        if isinstance(value, ox.BlankNode):
            return f"<{skolem}{value.value}>"
        return str(value)

    names = " ".join(f"?{v}" for v in variables)
    data = "\n".join("(" + " ".join(term(row[v]) for v in variables) + ")" for row in rows)
    prologue = re.sub(r"(?im)^\s*DEFINE\s+\S+\s+\S+\s*$\n?", "", prologue)  # Virtuoso's pragmas stay remote
    local = f"{prologue}CONSTRUCT {{ {template} }} WHERE {{ VALUES ({names}) {{ {data} }} }}"
    try:
        triples = ox.Store().query(local, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"the CONSTRUCT template cannot be filled in: {exc}") from None
    unskolem = lambda t: ox.BlankNode(t.value[len(skolem):]) if isinstance(t, ox.NamedNode) and t.value.startswith(skolem) else t  # noqa: E731
    return [ox.Triple(unskolem(t.subject), t.predicate, unskolem(t.object)) for t in triples]  # type: ignore[union-attr]


def _split_userinfo(url: str) -> tuple[str, Credentials]:
    """Return ``url`` without ``user:password@`` and the credentials it held."""
    parts = urllib.parse.urlsplit(url)
    if not parts.username:
        return url, Credentials()
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    clean = urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, Credentials(urllib.parse.unquote(parts.username),
                              urllib.parse.unquote(parts.password) if parts.password else None)


def _with_prefixes(sparql: str) -> str:
    """Prepend our PREFIX declarations that the query uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"(?i)PREFIX\s+([A-Za-z][\w.-]*)?:", sparql)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p.lower() not in declared and f"{p}:" in sparql]
    return "\n".join([*lines, sparql])
