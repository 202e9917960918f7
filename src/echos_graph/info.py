"""Summarise what a store holds: sources, named graphs, verification mix, classes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

import pyoxigraph as ox

from .queries import run_query
from .results import compact
from .store import GraphStore

__all__ = ["GraphSize", "Summary", "summarise"]


@dataclass(frozen=True)
class GraphSize:
    """A named graph, the source it belongs to, its size and verification status."""

    graph: str
    source: str
    triples: int
    verification: str


@dataclass(frozen=True)
class Summary:
    """Counts of a store: per source, per named graph, per verification status, per class."""

    location: str
    triples: int
    graphs: tuple[GraphSize, ...]
    sources: dict[str, dict[str, int]]
    verification: dict[str, int]
    classes: dict[str, int]

    def to_json(self) -> str:
        """Return the summary as JSON."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    def text(self) -> str:
        """Return the summary as readable text."""
        lines = [f"Store {self.location}: {self.triples} triples in {len(self.graphs)} named graphs", "", "Sources:"]
        for source, counts in self.sources.items():
            lines.append(f"  {compact(source)}: {counts['triples']} triples in {counts['graphs']} graph(s)")
        lines += ["", "Facts by verification status (triples in evidence graphs):"]
        lines += [f"  {compact(status)}: {n}" for status, n in self.verification.items()]
        lines += ["", "Instances per class:"]
        lines += [f"  {compact(cls)}: {n}" for cls, n in self.classes.items()]
        lines += ["", "Named graphs:"]
        lines += [f"  {compact(g.graph)}: {g.triples}" for g in self.graphs]
        return "\n".join(lines)


def summarise(store: GraphStore) -> Summary:
    """Count the triples of each named graph and source, and the instances of each class.

    Parameters
    ----------
    store : GraphStore

    Returns
    -------
    Summary

    Examples
    --------
    >>> from echos_graph import build, open_store
    >>> store = open_store("memory:")
    >>> _ = build(store)
    >>> summarise(store).classes["https://w3id.org/echos-graph/ontology#CancerMissionHub"] > 0
    True
    """
    sizes = run_query(store, "graph-sizes")
    assert isinstance(sizes, ox.QuerySolutions)
    graphs = tuple(
        GraphSize(row["graph"].value, row["source"].value, int(row["triples"].value),
                  row["verification"].value if row["verification"] is not None else "")
        for row in sizes
    )
    sources: dict[str, dict[str, int]] = defaultdict(lambda: {"graphs": 0, "triples": 0})
    verification: Counter[str] = Counter()
    for g in graphs:
        sources[g.source]["graphs"] += 1
        sources[g.source]["triples"] += g.triples
        if g.verification:
            verification[g.verification] += g.triples
    classes = run_query(store, "class-counts")
    assert isinstance(classes, ox.QuerySolutions)
    class_counts = {row["class"].value: int(row["instances"].value) for row in classes}
    return Summary(
        location=store.location,
        triples=sum(g.triples for g in graphs),
        graphs=graphs,
        sources=dict(sources),
        verification=dict(sorted(verification.items())),
        classes=class_counts,
    )
