"""Publish a source into a store: one atomic replacement of its graphs, behind the validation gate."""

from __future__ import annotations

import functools
import queue
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import DataError, NotConformingError
from ..namespaces import graph_iri, slug
from ..schemes import load_schemes
from ..store import EmbeddedStore, GraphStore, MemoryStore, Transaction
from ..validate import ValidationReport
from .evidence import VERIFICATION_STATUSES, IngestResult
from .identity import IdentityIndex

__all__ = ["INGESTERS", "IngestReport", "ingest_source", "source_name"]


def _cordis(location: str, **options: Any) -> IngestResult:
    from .cordis import read_cordis

    return read_cordis(Path(location), **options)


def _stakeholders(location: str, **options: Any) -> IngestResult:
    from .stakeholders import read_stakeholders

    return read_stakeholders(Path(location), **options)


def _rdf(location: str, **options: Any) -> IngestResult:
    from .rdf import read_rdf

    return read_rdf(Path(location), **options)


def _sparql(location: str, **options: Any) -> IngestResult:
    from .sparql import read_sparql

    return read_sparql(location, **options)


#: Ingesters by source kind: each reads a location into an IngestResult.
INGESTERS: dict[str, Callable[..., IngestResult]] = {
    "cordis": _cordis,
    "stakeholders": _stakeholders,
    "rdf": _rdf,
    "sparql": _sparql,
}


#: Ingesters that hand over their N-Quads files as they write them (``on_chunk``), so that an
#: embedded store bulk-loads one while the next is written: the two run on separate cores.
STREAMING = frozenset({"cordis"})


#: Files loaded at once.  Oxigraph's bulk loader works on one thread per file of up to a million
#: quads, so two files in flight keep both cores busy; each holds about 0.4 GB while it loads
#: (bench/README.md, "Parts").
LOADERS = 2


class _Cancelled(Exception):
    """Raised inside an ingester's thread when the load it feeds has failed."""


def _read_while_loading(read: Callable[..., IngestResult], tx: Transaction) -> IngestResult:
    """Run ``read`` in a thread and bulk-load the N-Quads files it finishes while it writes the next.

    Oxigraph's bulk loader releases the GIL, so the ingester's Python and the
    loads (up to :data:`LOADERS` files at once) overlap.  An error on either
    side stops both and is raised here; the transaction is then abandoned by
    the caller, so nothing is published.
    """
    ready: queue.Queue[Path | None] = queue.Queue()
    cancelled = threading.Event()

    def hand_over(path: Path) -> None:
        if cancelled.is_set():
            raise _Cancelled
        ready.put(path)

    def produce() -> IngestResult:
        try:
            return read(on_chunk=hand_over)
        finally:
            ready.put(None)

    def load(path: Path) -> None:
        try:
            if not cancelled.is_set():
                tx.load_file(path, ox.RdfFormat.N_QUADS, trusted=True)
        finally:
            path.unlink(missing_ok=True)

    loading: set[Future[None]] = set()
    with ThreadPoolExecutor(1, thread_name_prefix="echos-graph-read") as reader, \
            ThreadPoolExecutor(LOADERS, thread_name_prefix="echos-graph-load") as loaders:
        future = reader.submit(produce)
        try:
            while (path := ready.get()) is not None:
                if future.done() and future.exception() is not None:
                    path.unlink(missing_ok=True)
                    continue  # the ingester failed: drain the queue, then raise its error
                while len(loading) >= LOADERS:
                    finished, loading = wait(loading, return_when=FIRST_COMPLETED)
                    for done in finished:
                        done.result()
                loading.add(loaders.submit(load, path))
            for done in loading:
                done.result()
        except BaseException:
            cancelled.set()
            reader.shutdown(wait=True)
            loaders.shutdown(wait=True)
            failure = future.exception()
            if failure is None:  # the ingester finished before the load failed: its files are ours
                for path in future.result().files:
                    path.unlink(missing_ok=True)
            elif not isinstance(failure, _Cancelled):
                raise failure from None  # the ingester's error is the cause (it removed files still loading)
            raise
        return future.result()


@dataclass(frozen=True)
class IngestReport:
    """What an ingest published."""

    source: str
    graph: str
    records: int
    triples: int
    matches: int
    validation: ValidationReport


def source_name(kind: str, location: str) -> str:
    """Return the default source name for ``location``: the kind and the file or folder name.

    Examples
    --------
    >>> source_name("cordis", "/downloads/cordis-HORIZONprojects-csv.zip")
    'cordis-cordis-horizonprojects-csv'
    """
    stem = re.sub(r"\.(zip|csv|xlsx|ttl|nt|nq|trig|jsonld|json|rdf|xml|owl)$", "", location.rstrip("/").rsplit("/", 1)[-1],
                  flags=re.IGNORECASE)
    return f"{kind}-{slug(stem)}"


def ingest_source(
    store: GraphStore,
    kind: str,
    location: str,
    *,
    name: str | None = None,
    allow_warnings: bool = False,
    progress: Callable[[int, int], None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> IngestReport:
    """Read a source and publish it as one atomic replacement of its named graphs.

    The source's previous graphs are dropped and its new ones added in one
    transaction; organisations are matched to those of other sources; the
    shapes are checked on what the source touches before anything is
    published.  On any error, nothing changes.

    Parameters
    ----------
    store : GraphStore
        Where to publish.
    kind : str
        A key of :data:`INGESTERS`: cordis, stakeholders, rdf, sparql.
    location : str
        A path (file, folder, zip) or, for ``sparql``, an endpoint URL.
    name : str, optional
        The source name; its graphs are ``id:graph/{name}`` and below.
        Defaults to :func:`source_name`.  Ingesting again under the same
        name replaces the source.
    allow_warnings : bool
        Publish even when shapes of severity Warning or Info fail.
    progress : callable, optional
        Called with (done, total) while the source is read.
    options : mapping, optional
        Options of the ingester (``verification``, ``source_urls``, ``query``).

    Returns
    -------
    IngestReport

    Raises
    ------
    DataError
        For a bad location, file or value.
    NotConformingError
        If the source breaks the shapes.
    """
    from ..shapecheck import check_store

    if kind not in INGESTERS:
        raise DataError(f"unknown source kind {kind!r}; use one of {', '.join(INGESTERS)}")
    source = name or source_name(kind, location)
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", source) or source in ("bundled", "ontology", "statistics"):
        raise DataError(f"source name {source!r} must be lower-case letters, digits and hyphens, and not "
                        "'bundled', 'ontology' or 'statistics' (those belong to 'echos-graph build' and to the "
                        "store's counts)")
    opts = dict(options or {})
    if opts.get("verification", "confirmed") not in VERIFICATION_STATUSES:
        raise DataError(f"verification {opts['verification']!r} is not one of {', '.join(VERIFICATION_STATUSES)}")
    graph = graph_iri(source)
    identity = IdentityIndex.from_store(store, exclude=graph)
    read = functools.partial(INGESTERS[kind], location, source=source, identity=identity, schemes=load_schemes(),
                             progress=progress, **opts)
    streaming = kind in STREAMING and isinstance(store, (EmbeddedStore, MemoryStore))
    result = None if streaming else read()
    try:
        with store.transaction() as tx:
            tx.drop_graphs_under(graph)
            if result is None:
                result = _read_while_loading(read, tx)
            else:
                for path in result.files:
                    tx.load_file(path, ox.RdfFormat.N_QUADS, trusted=True)
            tx.add(result.quads)
            graphs = [g for g in tx.named_graphs() if g == graph or g.startswith(graph + "/")]
            written = len(result.quads) + result.file_quads if result.files else None
            with tx.compacting():  # after a bulk load, beside the gate
                report = check_store(tx, graphs=graphs, origins=result.origins, triples=written)
                failing = [v for v in report.violations if v.severity == "Violation" or not allow_warnings]
                if not failing:
                    tx.count_graphs()  # for graph-sizes, while the compaction runs
            if failing:
                raise NotConformingError(
                    f"source {source} breaks {len(failing)} rule(s) of ontology/shapes.ttl; nothing was written"
                    + ("" if allow_warnings or all(v.severity == "Violation" for v in failing)
                       else " (use --allow-warnings to publish despite warnings)"),
                    report,
                )
            triples = report.triples
    finally:
        for path in result.files if result is not None else ():
            path.unlink(missing_ok=True)
    return IngestReport(source, graph, result.records, triples, len(identity.matches), report)
