"""Summarise what a store holds: sources, named graphs, verification mix, classes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

import pyoxigraph as ox

from .queries import run_query
from .results import compact
from .store import GraphStore

__all__ = ["GraphSize", "SourceFile", "SourceInfo", "Summary", "describe_sources", "summarise"]


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

    def verification_by_source(self) -> dict[str, dict[str, int]]:
        """Return, per source, the facts (triples in evidence graphs) of each verification status."""
        mix: dict[str, Counter[str]] = defaultdict(Counter)
        for g in self.graphs:
            if g.verification:
                mix[g.source][g.verification] += g.triples
        return {source: dict(sorted(counts.items())) for source, counts in sorted(mix.items())}

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


@dataclass(frozen=True)
class SourceFile:
    """A file a source was read from: its name, checksum, size in bytes and record count."""

    file: str
    checksum: str = ""
    bytes: int | None = None
    records: int | None = None


@dataclass(frozen=True)
class SourceInfo:
    """An ingested source: its title, when and by what it was ingested, its files, size and verification mix.

    ``verification`` maps a status IRI to the facts (triples) of the source
    that have it.
    """

    source: str
    title: str
    records: int
    ingested_at: str
    software: str
    files: tuple[SourceFile, ...]
    triples: int
    graphs: int
    verification: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        """Return the source as plain data."""
        return {**asdict(self), "files": [asdict(f) for f in self.files]}


def _int(term: ox.Literal | None) -> int | None:
    """Return the integer value of a literal, or None."""
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def describe_sources(store: GraphStore, summary: Summary | None = None) -> list[SourceInfo]:
    """Return every ingested source with its files, ingest time, size and verification mix.

    Parameters
    ----------
    store : GraphStore
    summary : Summary, optional
        The store's :func:`summarise` (computed when not given) for the
        triples and the verification mix of each source.

    Examples
    --------
    >>> from echos_graph import build, open_store
    >>> store = open_store("memory:")
    >>> _ = build(store)
    >>> found = describe_sources(store)[0]
    >>> found.title, "data/hubs.csv" in [f.file for f in found.files], found.verification != {}
    ('echos-graph bundled real data', True, True)
    """
    summary = summary or summarise(store)
    mix = summary.verification_by_source()
    result = run_query(store, "sources")
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, dict[str, object]] = {}
    files: dict[str, dict[str, SourceFile]] = defaultdict(dict)
    for row in result:
        source = row["source"].value
        found.setdefault(source, {"title": row["title"].value, "records": _int(row["records"]) or 0,
                                  "ingested_at": row["ingestedAt"].value, "software": row["software"].value})
        if row["file"] is not None and row["file"].value not in files[source]:
            files[source][row["file"].value] = SourceFile(
                row["file"].value, row["checksum"].value if row["checksum"] is not None else "",
                _int(row["bytes"]), _int(row["fileRecords"]))
    return [
        SourceInfo(source=source, title=str(info["title"]), records=int(info["records"]),  # type: ignore[call-overload]
                   ingested_at=str(info["ingested_at"]), software=str(info["software"]),
                   files=tuple(files[source][f] for f in sorted(files[source])),
                   triples=summary.sources.get(source, {}).get("triples", 0),
                   graphs=summary.sources.get(source, {}).get("graphs", 0), verification=mix.get(source, {}))
        for source, info in sorted(found.items(), key=lambda kv: (str(kv[1]["title"]), kv[0]))
    ]
