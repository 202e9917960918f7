"""Open a store: embedded Oxigraph on disk, Oxigraph in memory, or a remote endpoint.

One function, :func:`open_store`, turns a location into a store:

- a folder path: the embedded store (the default, ``var/graph``);
- ``memory:``: an in-memory store, for tests and scripts;
- an ``http://`` or ``https://`` URL: a remote SPARQL 1.1 endpoint.

All three answer :meth:`GraphStore.query` with pyoxigraph's result objects and
change data only inside :meth:`GraphStore.transaction`, which publishes every
change at once or none of them.

The embedded store keeps *generations*: a folder of immutable Oxigraph
databases and a pointer file ``CURRENT`` naming the one in use.  A transaction
copies the current generation (hard links, so it is cheap), writes into the
copy, and on success replaces the pointer with :func:`os.replace`.  Readers
therefore see the old graph or the new one, never a mixture; a crash before
the switch leaves only an abandoned folder, swept by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import re
import shutil
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Union

import pyoxigraph as ox

from .errors import QueryError, StoreError, StoreLockedError
from .namespaces import PREFIXES, graph_iri
from .resources import internal_query
from .sparqltext import tokens, values_block, values_position, where_variables

__all__ = [
    "DEFAULT_LOCATION",
    "EmbeddedStore",
    "GraphStore",
    "MemoryStore",
    "OxigraphTransaction",
    "QueryResult",
    "STATISTICS_GRAPH",
    "Transaction",
    "default_location",
    "names_dataset",
    "open_store",
    "oxigraph_query",
]

#: Where the embedded store lives unless told otherwise (relative to the working folder).
DEFAULT_LOCATION = "var/graph"

QueryResult = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples]
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]

#: The named graph where a store made by echos-graph keeps the number of triples of each named graph
#: (VoID's ``void:triples``, itself included), written by :meth:`Transaction.count_graphs` after a build or
#: an ingest and dropped by any other change, so that ``graph-sizes`` and ``verification-mix`` read the
#: counts instead of every quad; those queries count for themselves where the graph is absent.
STATISTICS_GRAPH = graph_iri("statistics")
_VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
_XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")

_CURRENT = "CURRENT"
_PREVIOUS = "PREVIOUS"
_GENERATIONS = "generations"
_LOCK = "write.lock"


def default_location() -> str:
    """Return the store location from ``ECHOS_GRAPH_STORE``, else :data:`DEFAULT_LOCATION`."""
    return os.environ.get("ECHOS_GRAPH_STORE") or DEFAULT_LOCATION


def open_store(location: str | os.PathLike[str] | None = None, *, timeout: float = 30.0, **remote: Any) -> GraphStore:
    """Open the store at ``location``.

    Parameters
    ----------
    location : str or path, optional
        A folder (embedded Oxigraph store, created on first write), ``memory:``
        or an ``http(s)://`` SPARQL endpoint URL.  Defaults to
        :func:`default_location`.
    timeout : float
        Seconds a remote endpoint may take to answer.
    **remote
        For an endpoint URL: ``update_url``, ``gsp_url`` and ``credentials``
        of :class:`echos_graph.remote.RemoteStore` (each defaults to its
        environment variable).  Ignored for the other locations.

    Returns
    -------
    GraphStore

    Examples
    --------
    >>> store = open_store("memory:")
    >>> store.is_empty()
    True
    """
    loc = str(location) if location is not None else default_location()
    if loc == "memory:":
        return MemoryStore()
    if re.match(r"^https?://", loc):
        from .remote import RemoteStore

        return RemoteStore(loc, timeout=timeout, **{k: v for k, v in remote.items() if v is not None})
    if "://" in loc:
        raise StoreError(
            f"unknown store location {loc!r}: use a folder path, 'memory:' or an http(s):// SPARQL endpoint URL"
        )
    return EmbeddedStore(loc)


class Transaction(ABC):
    """A set of changes that becomes visible at once, on commit, or never.

    Queries made through the transaction see its own changes, so data can be
    validated before it is published.
    """

    @abstractmethod
    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (each in its named graph)."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and all its triples; a missing graph is fine."""

    @abstractmethod
    def query(self, sparql: str, **kwargs: Any) -> QueryResult:
        """Run a query against the staged data, as :meth:`GraphStore.query`."""

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """Return the IRIs of the staged named graphs."""

    def load_file(self, path: Path, format: ox.RdfFormat, *, trusted: bool = False) -> None:
        """Add the quads of an RDF file (the bulk path of large sources).

        ``trusted`` files were written by echos-graph from checked values
        (:mod:`echos_graph.ingest.nquads`), so their IRIs need not be checked
        again: Oxigraph's lenient parsing, about a tenth faster.
        """
        self.add(ox.parse(path=str(path), format=format, lenient=trusted))

    def count_graphs(self) -> None:
        """Count the triples of every named graph into :data:`STATISTICS_GRAPH`; here, nothing is kept.

        Called once the data is complete (by a build and an ingest); any
        later change in the same transaction drops the counts again.
        """

    @contextlib.contextmanager
    def compacting(self) -> Iterator[None]:
        """Tidy the staged store's indexes for reading while the ``with`` block runs; here, nothing to tidy.

        Meant for after a load, around the work that follows it (the
        validation gate), so that the two share the machine's cores.
        """
        yield

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update on the staged data (our prefixes predeclared).

        Raises
        ------
        echos_graph.errors.QueryError
            If the update does not parse.
        echos_graph.errors.StoreError
            If this kind of store cannot run updates in a transaction.
        """
        raise StoreError(f"{type(self).__name__} cannot run a SPARQL Update; send it to the store's own endpoint")

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace the content of ``graph`` by ``quads`` (which must all be in ``graph``)."""
        self.drop_graph(graph)
        self.add(quads)

    def drop_graphs_under(self, prefix: str) -> list[str]:
        """Drop every named graph whose IRI is ``prefix`` or starts with ``prefix + '/'``."""
        dropped = [g for g in self.named_graphs() if g == prefix or g.startswith(prefix + "/")]
        for graph in dropped:
            self.drop_graph(graph)
        return dropped


class GraphStore(ABC):
    """An RDF dataset of named graphs that answers SPARQL 1.1 queries."""

    location: str

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query.

        Parameters
        ----------
        sparql : str
            The query text.  The prefixes of :data:`echos_graph.namespaces.PREFIXES`
            are predeclared.
        bindings : mapping of str to term, optional
            Values for variables, bound by the engine (never pasted into text).
        union_default_graph : bool
            Whether the default graph is the union of all named graphs (the
            default, so that queries need no ``GRAPH`` to see the data).
        default_graphs, named_graphs : list of str, optional
            The dataset of the query, as ``default-graph-uri`` and
            ``named-graph-uri`` of the SPARQL protocol.

        Returns
        -------
        pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean or pyoxigraph.QueryTriples

        Raises
        ------
        echos_graph.errors.QueryError
            If the query does not parse.
        """

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""

    @abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[Transaction]:
        """Return a context manager whose changes are published together on a clean exit."""

    def dump(self, output: IO[bytes], format: ox.RdfFormat) -> None:
        """Write every named graph to ``output`` in a dataset or a triples format."""
        if format.supports_datasets:
            ox.serialize(self._all_quads(), output, format, prefixes=PREFIXES)
            return
        ox.serialize(self.query(internal_query("all-triples")), output, format, prefixes=PREFIXES)  # type: ignore[arg-type]

    def _all_quads(self) -> Iterator[ox.Quad]:
        """Yield every quad of every named graph."""
        result = self.query(internal_query("all-quads"), union_default_graph=False)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def is_empty(self) -> bool:
        """Return whether the store holds no named graph at all."""
        return not self.named_graphs()

    def refresh(self) -> bool:
        """Pick up changes published by another process; return whether anything changed."""
        return False

    def close(self) -> None:
        """Release the store's resources."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def names_dataset(sparql: str) -> bool:
    """Return whether a query names its own dataset with FROM or FROM NAMED (then no union default graph).

    Examples
    --------
    >>> names_dataset("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    True
    >>> names_dataset("SELECT ?from WHERE { ?from ?p 'FROM' }")
    False
    """
    if "FROM" not in sparql.upper():
        return False
    from .guard import tokens

    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(sparql))


def oxigraph_query(store: ox.Store, sparql: str, **kwargs: Any) -> QueryResult:
    """Run a query on an Oxigraph store, with the options of :meth:`GraphStore.query`.

    Bindings go to the engine twice: as pyoxigraph ``substitutions``, which
    it passes into every part of the query (each branch of a UNION, each
    sub-select, each EXISTS), and as a VALUES block at the start of the
    WHERE group (:func:`~echos_graph.sparqltext.values_block`, each term
    written by pyoxigraph, so no value can be read as SPARQL), from which
    its planner learns that the variables are bound and orders the joins
    accordingly; with substitutions alone it plans as if nothing were bound
    (organisations-by-country at s100k, one country: 8.6 s before, 2.5 s
    now; bench/README.md).  Neither alone will do: with VALUES alone,
    organisation-initiatives (a UNION of filtered branches) ran for more
    than a minute instead of 10 ms.  The query is first checked with the
    substitutions on an empty store, so that a parameter the query does not
    project, or a query that does not parse, fails as before.  Where VALUES
    cannot bind (no WHERE group, a blank node, a variable assigned by BIND
    or ``AS``, a SERVICE call) or has no use (a variable only of HAVING)
    the substitutions do it alone.
    """
    bindings = kwargs.pop("bindings", None)
    options: dict[str, Any] = {"prefixes": PREFIXES}
    default_graphs = kwargs.pop("default_graphs", None)
    named_graphs = kwargs.pop("named_graphs", None)
    union = kwargs.pop("union_default_graph", True)
    if kwargs:
        raise TypeError(f"unexpected query options: {sorted(kwargs)}")
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    elif union and not names_dataset(sparql):
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        if not bindings:
            return store.query(sparql, **options)
        substitutions = {ox.Variable(k): v for k, v in bindings.items()}
        bound = _with_values(sparql, bindings)
        if bound is not None:
            _check(sparql, frozenset(bindings))  # fails as the store would
            with contextlib.suppress(SyntaxError):  # a variable VALUES may not bind: ``BIND (... AS ?x)``
                return store.query(bound, substitutions=substitutions, **options)
        return store.query(sparql, substitutions=substitutions, **options)
    except SyntaxError as exc:
        raise QueryError(f"the SPARQL query does not parse: {exc}") from None
    except RuntimeError as exc:
        if bindings and "projection" in str(exc):  # a bound variable the query does not project
            raise QueryError(f"{exc}: a parameter must be a variable of the query's SELECT (and of its GROUP BY "
                             "when it aggregates); add it there or do not pass it") from None
        # the engine refuses a query it parsed (an unknown custom function, say)
        raise QueryError(f"the SPARQL query cannot be evaluated: {exc}") from None


def _with_values(sparql: str, bindings: Mapping[str, Term]) -> str | None:
    """Return ``sparql`` with the bindings its WHERE group uses as a VALUES block, or None where there are none.

    A variable used only after the WHERE group (in HAVING, say) tells the
    planner nothing, and its VALUES block changed the plan of
    organisations-in-several-initiatives for the worse.
    """
    if not all(isinstance(v, (ox.NamedNode, ox.Literal)) for v in bindings.values()):
        return None
    place = _values_place(sparql)
    if place is None:
        return None
    position, used = place
    planned = {name: value for name, value in bindings.items() if name in used}
    if not planned:
        return None
    return f"{sparql[:position]} {values_block(planned)} {sparql[position:]}"


@functools.lru_cache(maxsize=512)
def _values_place(sparql: str) -> tuple[int, frozenset[str]] | None:
    """Return where a VALUES block goes in ``sparql`` and the variables of its WHERE group; None for no place.

    The text is read once (saved and internal queries come back often); no
    place without a WHERE group (``DESCRIBE ?x``) or with a SERVICE call
    (the check on the empty store must call no service).
    """
    try:
        if any(t.is_word("SERVICE") for t in tokens(sparql)):
            return None
        position = values_position(sparql)
    except QueryError:  # no query form: the engine says what is wrong
        return None
    return None if position is None else (position, frozenset(where_variables(sparql)))


@functools.lru_cache(maxsize=512)
def _check(sparql: str, names: frozenset[str]) -> None:
    """Raise what the engine raises for ``sparql`` with ``names`` substituted (parse errors, names not projected).

    The query runs on an empty store, so nothing is evaluated; a query that
    passes is remembered.
    """
    _checker().query(sparql, substitutions={ox.Variable(n): ox.NamedNode("urn:x") for n in names}, prefixes=PREFIXES)


@functools.cache
def _checker() -> ox.Store:
    """Return an empty in-memory store, to parse a query and check its substitutions without evaluating it."""
    return ox.Store()


class OxigraphTransaction(Transaction):
    """A transaction over a private Oxigraph store that nobody else reads yet.

    The embedded and memory stores publish the private store on commit; the
    remote store stages its changes in one before sending them.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store: ox.Store | None = store
        self._changed = False  # since the graphs were last counted
        self._bulk_loaded = False  # files loaded, whose sorted runs overlap until compacted

    @property
    def store(self) -> ox.Store:
        """The private store the changes go to, until the transaction ends."""
        if self._store is None:
            raise StoreError("this transaction is over: its changes were published or dropped; start a new one")
        return self._store

    def close(self) -> None:
        """Let go of the private store, so that the database closes even if the caller keeps this object."""
        self._store = None

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self._changed = True
        self.store.bulk_extend(quads)

    def load_file(self, path: Path, format: ox.RdfFormat, *, trusted: bool = False) -> None:
        self._changed = self._bulk_loaded = True
        self.store.bulk_load(path=str(path), format=format, lenient=trusted)

    def count_graphs(self) -> None:
        """Count the triples of every named graph into :data:`STATISTICS_GRAPH`, replacing what it held.

        One pass over the store (about 1 s at s100k, which an ingest spends
        while its compaction runs); the statistics graph lists itself too.
        """
        store = self.store
        statistics = ox.NamedNode(STATISTICS_GRAPH)
        counts = {row["graph"]: row["triples"] for row in store.query(internal_query("graph-counts"))}  # type: ignore[union-attr]
        counts.pop(statistics, None)
        if store.contains_named_graph(statistics):
            store.remove_graph(statistics)
        counts[statistics] = ox.Literal(str(len(counts) + 1), datatype=_XSD_INTEGER)
        store.bulk_extend(ox.Quad(graph, _VOID_TRIPLES, n, statistics) for graph, n in counts.items())
        self._changed = False

    def settle_statistics(self) -> None:
        """Drop the counts of :meth:`count_graphs` if anything changed after them (called before publishing)."""
        statistics = ox.NamedNode(STATISTICS_GRAPH)
        if self._changed and self.store.contains_named_graph(statistics):
            self.store.remove_graph(statistics)

    @contextlib.contextmanager
    def compacting(self) -> Iterator[None]:
        """Compact the staged store with Oxigraph's ``optimize`` in a thread while the block runs, after a bulk load.

        Each bulk-loaded batch of a large source lands as its own set of
        sorted files, which overlap, so that every lookup of a fresh store
        visits each of them: compacted, a saved query that looks up a few
        thousand participations took 210 ms instead of 590 ms (s100k,
        coordinators-by-country for one country); compacting costs about
        2 CPU-seconds there and, beside the validation gate, about 2.5 s of
        wall time (bench/README.md, "Compaction after the load").  The
        compaction is over, or has failed (its error, an ``OSError`` for a
        full disk, raised here), before the block's outcome goes on.
        """
        if not self._bulk_loaded:  # added quads are sorted into the indexes as they come
            yield
            return
        store = self.store
        failure: list[BaseException] = []

        def compact() -> None:
            try:
                store.optimize()
            except BaseException as exc:  # handed to the caller's thread
                failure.append(exc)

        worker = threading.Thread(target=compact, name="echos-graph-compact")
        worker.start()
        try:
            yield
        finally:
            worker.join()
        if failure:  # a full disk, say: raised as it came, like a failure of the load itself
            raise failure[0]

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        if self.store.contains_named_graph(node):
            self._changed = True
            self.store.remove_graph(node)

    def query(self, sparql: str, **kwargs: Any) -> QueryResult:
        return oxigraph_query(self.store, sparql, **kwargs)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._changed = True
        try:
            self.store.update(sparql, base_iri=base_iri, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"the SPARQL update does not parse: {exc}") from None
        except RuntimeError as exc:  # an operation failed (DROP of a missing graph without SILENT, say)
            raise QueryError(f"the SPARQL update failed, and nothing of it was applied: {exc}") from None

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))


class MemoryStore(GraphStore):
    """An in-memory Oxigraph store; a transaction works on a copy and swaps it in."""

    def __init__(self) -> None:
        self.location = "memory:"
        self._store = ox.Store()

    def query(self, sparql: str, **kwargs: Any) -> QueryResult:  # type: ignore[override]
        return oxigraph_query(self._store, sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        staged = ox.Store()
        staged.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
        tx = OxigraphTransaction(staged)
        yield tx
        tx.settle_statistics()
        self._store = staged


class EmbeddedStore(GraphStore):
    """The embedded Oxigraph store on disk, kept as immutable generations.

    Parameters
    ----------
    path : str or path
        The store folder; created on the first transaction.
    keep : int
        How many generations to keep (the current one and older ones), so
        that readers still on an older generation can finish.
    """

    def __init__(self, path: str | os.PathLike[str], *, keep: int = 2) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.keep = max(keep, 1)
        self._generation: str | None = None
        self._reader: ox.Store | None = None
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store location {self.path} is a file, not a folder: name a folder with --store")
        if self.path.is_dir() and any(self.path.iterdir()) and not (self.path / _GENERATIONS).is_dir():
            raise StoreError(
                f"{self.path} is not an echos-graph store (no {_GENERATIONS}/ folder inside): "
                "name an empty or new folder with --store"
            )

    # -- reading -----------------------------------------------------------
    def current_generation(self) -> str | None:
        """Return the name of the published generation, or None for an empty store."""
        try:
            name = (self.path / _CURRENT).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        if not name or not (self.path / _GENERATIONS / name).is_dir():
            raise StoreError(
                f"{self.path / _CURRENT} names generation {name!r}, which is missing: "
                "the store is damaged; rebuild it with 'echos-graph build'"
            )
        return name

    def refresh(self) -> bool:
        current = self.current_generation()
        if current == self._generation and (self._reader is not None or current is None):
            return False
        self._reader = None
        self._generation = current
        if current is not None:
            try:
                self._reader = ox.Store.read_only(str(self.path / _GENERATIONS / current))
            except OSError as exc:
                raise StoreError(f"cannot open store generation {current} in {self.path}: {exc}") from None
        return True

    def _read_store(self) -> ox.Store:
        """Return the reader of the current generation, or an empty store if none exists."""
        self.refresh()
        return self._reader if self._reader is not None else ox.Store()

    def query(self, sparql: str, **kwargs: Any) -> QueryResult:  # type: ignore[override]
        return oxigraph_query(self._read_store(), sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        store = self._read_store()
        return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))

    def close(self) -> None:
        self._reader = None
        self._generation = None

    # -- writing -----------------------------------------------------------
    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """Hold the store's writer lock, or fail at once if another process holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / _GENERATIONS).mkdir(exist_ok=True)
        with open(self.path / _LOCK, "a+", encoding="ascii") as lock:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                holder = lock.read().strip() or "unknown"
                raise StoreLockedError(
                    f"another process (pid {holder}) is writing to the store {self.path}; "
                    "wait for it to finish, then try again"
                ) from None
            lock.seek(0)
            lock.truncate()
            lock.write(str(os.getpid()))
            lock.flush()
            try:
                yield
            finally:
                lock.seek(0)
                lock.truncate()
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._write_lock():
            self._sweep()
            current = self.current_generation()
            name = f"g{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
            target = self.path / _GENERATIONS / name
            if current is not None:
                ox.Store.read_only(str(self.path / _GENERATIONS / current)).backup(str(target))
            writer = ox.Store(str(target))
            tx = OxigraphTransaction(writer)
            try:
                yield tx
                tx.settle_statistics()
                writer.flush()
            except BaseException:
                tx.close()
                del tx, writer
                shutil.rmtree(target, ignore_errors=True)
                raise
            # Close the database before it is published.  The caller's `with ... as tx` name
            # outlives the block, so the transaction must let go of the store itself: an open
            # writer would go on compacting (deleting files of) the published generation.
            tx.close()
            del tx, writer
            self._publish(name, previous=current)

    def _publish(self, name: str, *, previous: str | None) -> None:
        """Point ``CURRENT`` at generation ``name`` atomically and durably."""
        for pointer, value in ((_PREVIOUS, previous), (_CURRENT, name)):
            if value is None:
                continue
            tmp = self.path / f".{pointer}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="ascii") as handle:
                handle.write(value + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path / pointer)
        dir_fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _sweep(self) -> None:
        """Delete abandoned generations and those older than the ``keep`` newest published."""
        folder = self.path / _GENERATIONS
        published = []
        for pointer in (_CURRENT, _PREVIOUS):
            with contextlib.suppress(FileNotFoundError):
                published.append((self.path / pointer).read_text(encoding="ascii").strip())
        keep = set(published[: self.keep])
        for entry in folder.iterdir():
            if entry.name not in keep:
                for _ in range(3):  # a closing database's background thread may still be writing a file in it
                    shutil.rmtree(entry, ignore_errors=True)
                    if not entry.exists():
                        break
                    time.sleep(0.05)
        for stale in self.path.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
