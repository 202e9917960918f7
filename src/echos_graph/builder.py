"""Build the graph: ontology, schemes and bundled data into a store, in one transaction.

The build checks the data row by row while reading it, validates the whole
staged graph against the SHACL shapes, and only then publishes it.  A build
that fails leaves the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import DataError, NotConformingError
from .ingest.bundled import SOURCE_NAME, ingest_bundled
from .ingest.identity import Twin, unmerged_twins
from .namespaces import graph_iri
from .resources import data_dir, internal_query, ontology_dir
from .schemes import load_schemes
from .store import GraphStore
from .validate import ValidationReport, validate_store

__all__ = ["BuildReport", "ONTOLOGY_GRAPH_FILES", "STEPS", "build", "ontology_quads"]

#: The ontology files loaded into the store, each into ``id:graph/ontology/{stem}``.
ONTOLOGY_GRAPH_FILES = ("echos.ttl", "sectors.ttl", "themes.ttl", "vocabularies.ttl", "shapes.ttl")

#: The steps of a build, for a progress bar.
STEPS = ("ontology", "data", "validate", "publish")


@dataclass(frozen=True)
class BuildReport:
    """What a build published."""

    location: str
    graphs: int
    triples: int
    records: int
    validation: ValidationReport
    #: Bundled organisations that another source, ingested before they were added to data/, holds as
    #: separate nodes; re-ingesting that source merges them (:func:`echos_graph.ingest.identity.unmerged_twins`).
    twins: tuple[Twin, ...] = ()


def ontology_quads(folder: Path | None = None) -> list[ox.Quad]:
    """Return the ontology, schemes and shapes, each file in its own named graph."""
    folder = folder or ontology_dir()
    quads: list[ox.Quad] = []
    for name in ONTOLOGY_GRAPH_FILES:
        path = folder / name
        graph = ox.NamedNode(graph_iri("ontology", path.stem))
        try:
            parsed = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
            quads += [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
        except (OSError, SyntaxError) as exc:
            raise DataError(f"cannot read the ontology file: {exc}", path=str(path)) from None
    return quads


def build(
    store: GraphStore,
    data: Path | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Load the ontology, schemes and bundled data into ``store`` and publish them together.

    Parameters
    ----------
    store : GraphStore
        Where to build; its ontology graphs and bundled-data graphs are
        replaced, other sources' graphs are kept.
    data : Path, optional
        The folder of bundled CSV files; defaults to the package's ``data/``.
    progress : callable, optional
        Called with the name of each step of :data:`STEPS` as it finishes.

    Returns
    -------
    BuildReport

    Raises
    ------
    echos_graph.errors.DataError
        If a data file or value is wrong (nothing is written).
    echos_graph.errors.NotConformingError
        If the staged graph breaks the SHACL shapes (nothing is written).

    Examples
    --------
    >>> from echos_graph.store import open_store
    >>> report = build(open_store("memory:"))
    >>> report.validation.conforms
    True
    """
    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    onto = ontology_quads()
    step("ontology")
    result = ingest_bundled(data or data_dir(), schemes=load_schemes())
    step("data")
    with store.transaction() as tx:
        tx.drop_graphs_under(graph_iri("ontology"))
        tx.add(onto)
        tx.drop_graphs_under(graph_iri(SOURCE_NAME))
        tx.add(result.quads)
        report = validate_store(tx, origins=result.origins)
        step("validate")
        if not report.conforms:
            raise NotConformingError(
                f"the data breaks {len(report.violations)} rule(s) of ontology/shapes.ttl; nothing was written",
                report,
            )
        twins = tuple(unmerged_twins(tx, graph_iri(SOURCE_NAME)))
        graphs = len(tx.named_graphs())
        counted = tx.query(internal_query("count-triples"))
        triples = int(next(iter(counted))["n"].value)  # type: ignore[index,arg-type]
        tx.count_graphs()  # after the counts of the report, which are of the data
    step("publish")
    return BuildReport(store.location, graphs, triples, result.records, report, twins)
