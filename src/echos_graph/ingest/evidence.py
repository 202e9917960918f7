"""Group facts into evidence graphs and describe each source with PROV-O.

Facts that share their evidence (the same source pages, verification status
and note) go into one named graph; the source's catalogue graph says where
each evidence graph came from and how sure it is.  See docs/MODEL.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from ..errors import DataError
from ..namespaces import (
    DCAT,
    DCTERMS,
    ECHO,
    ID,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    graph_iri,
    id_iri,
)
from .identity import Match

__all__ = ["VERIFICATION_STATUSES", "Evidence", "Fact", "IngestResult", "SourceBuilder", "lit", "node"]

#: The verification statuses a fact may carry (scheme id:verification).
VERIFICATION_STATUSES = ("confirmed", "probable", "inferred", "unverified")

#: One fact: subject, predicate and object terms.
Fact = tuple[ox.NamedNode, ox.NamedNode, "ox.NamedNode | ox.Literal | ox.BlankNode"]


def node(iri: str) -> ox.NamedNode:
    """Return the named node of ``iri`` (an rdflib term or a string)."""
    return ox.NamedNode(str(iri))


def lit(value: object, datatype: object | None = None, *, lang: str | None = None) -> ox.Literal:
    """Return a literal; ``datatype`` may be an rdflib term or a string IRI."""
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype is not None:
        return ox.Literal(str(value), datatype=ox.NamedNode(str(datatype)))
    return ox.Literal(str(value))


@dataclass(frozen=True)
class Evidence:
    """Where a set of facts came from: source pages, how sure, and the file that said it."""

    urls: tuple[str, ...]
    status: str
    note: str
    file: str

    def key(self) -> str:
        """Return a stable short hash of the evidence, used in its graph IRI."""
        text = "\n".join([*sorted(self.urls), self.status, self.note, self.file])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class SourceBuilder:
    """Collect a source's facts by evidence and write its PROV-O catalogue.

    Parameters
    ----------
    name : str
        The source's name, the last segment of its catalogue graph IRI
        (``id:graph/{name}``).
    title : str
        A human title for the source.
    ingester : str
        The ingester's registry name.
    """

    name: str
    title: str
    ingester: str
    quads: list[ox.Quad] = field(default_factory=list)
    records: int = 0
    _evidence: dict[str, Evidence] = field(default_factory=dict)
    _files: list[tuple[str, Path | bytes, int]] = field(default_factory=list)
    _countries: set[str] = field(default_factory=set)

    @property
    def graph(self) -> str:
        """The IRI of the source's catalogue graph."""
        return graph_iri(self.name)

    def evidence_graph(self, evidence: Evidence) -> str:
        """Return the IRI of the evidence graph for ``evidence``, registering it for the catalogue."""
        if evidence.status not in VERIFICATION_STATUSES:
            raise DataError(
                f"verification status {evidence.status!r} is not one of {', '.join(VERIFICATION_STATUSES)}",
                path=evidence.file,
            )
        iri = graph_iri(self.name, evidence.key())
        self._evidence.setdefault(iri, evidence)
        return iri

    def add(self, evidence: Evidence, triples: Iterable[Fact]) -> str:
        """Add facts stated by ``evidence``; return the IRI of their evidence graph."""
        iri = self.evidence_graph(evidence)
        graph = ox.NamedNode(iri)
        self.quads.extend(ox.Quad(s, p, o, graph) for s, p, o in triples)  # type: ignore[arg-type]
        return iri

    def country(self, evidence: Evidence, code: str) -> ox.NamedNode:
        """Return the node of country ``code``, declaring it (type and notation) the first time it is met."""
        iri = node(id_iri("country", code))
        if code not in self._countries:
            self._countries.add(code)
            self.add(evidence, [(iri, node(RDF.type), node(ECHO.Country)), (iri, node(SKOS.notation), lit(code))])
        return iri

    def add_file(self, display: str, path: Path | bytes, records: int) -> None:
        """Record a file (or the bytes of a download) that was read: checksum, size, records."""
        self._files.append((display, path, records))
        self.records += records

    def catalogue(
        self,
        *,
        version: str,
        started: dt.datetime,
        ended: dt.datetime,
        location: str | None = None,
        matches: Iterable[Match] = (),
    ) -> list[ox.Quad]:
        """Return the PROV-O description of the source, its evidence graphs and its identity matches."""
        g = ox.NamedNode(self.graph)
        source = g
        activity = node(graph_iri(self.name, "ingest"))
        software = node(f"https://w3id.org/echos-graph/software/{version}")
        t: list[tuple[ox.NamedNode, ox.NamedNode, object]] = [
            (source, node(RDF.type), node(ECHO.SourceDataset)),
            (source, node(DCTERMS.title), lit(self.title)),
            (source, node(ECHO.recordCount), lit(self.records, XSD.nonNegativeInteger)),
            (source, node(PROV.wasGeneratedBy), activity),
            (activity, node(RDF.type), node(ECHO.IngestActivity)),
            (activity, node(RDFS.label), lit(f"ingest of {self.title} by the '{self.ingester}' ingester")),
            (activity, node(PROV.startedAtTime), lit(started.isoformat(), XSD.dateTime)),
            (activity, node(PROV.endedAtTime), lit(ended.isoformat(), XSD.dateTime)),
            (activity, node(PROV.wasAssociatedWith), software),
            (software, node(RDF.type), node(PROV.SoftwareAgent)),
            (software, node(RDFS.label), lit(f"echos-graph {version}")),
        ]
        if location:
            t.append((source, node(DCTERMS.source), lit(location)))
        for match in matches:
            record = node(graph_iri(self.name, "match", hashlib.sha256(match.iri.encode()).hexdigest()[:16]))
            t += [
                (record, node(RDF.type), node(ECHO.IdentityMatch)),
                (record, node(ECHO.matchedOrganisation), node(match.iri)),
                (record, node(ECHO.matchRule), lit(match.rule)),
                (record, node(ECHO.matchKey), lit(match.key)),
                (record, node(PROV.wasGeneratedBy), activity),
            ]
        for display, path, records in self._files:
            entity = node(graph_iri(self.name, "file", quote(display.replace("/", "-"), safe="")))
            content = path if isinstance(path, bytes) else path.read_bytes()
            t += [
                (source, node(PROV.wasDerivedFrom), entity),
                (activity, node(PROV.used), entity),
                (entity, node(RDF.type), node(PROV.Entity)),
                (entity, node(DCTERMS.title), lit(display)),
                (entity, node(ECHO.checksum), lit("sha256:" + hashlib.sha256(content).hexdigest())),
                (entity, node(DCAT.byteSize), lit(len(content), XSD.nonNegativeInteger)),
                (entity, node(ECHO.recordCount), lit(records, XSD.nonNegativeInteger)),
            ]
        for iri, ev in sorted(self._evidence.items()):
            eg = node(iri)
            t += [
                (eg, node(RDF.type), node(ECHO.EvidenceGraph)),
                (eg, node(DCTERMS.isPartOf), source),
                (eg, node(ECHO.verificationStatus), node(ID[f"verification/{ev.status}"])),
                (eg, node(DCTERMS.source), lit(ev.file)),
                (eg, node(PROV.wasGeneratedBy), activity),
            ]
            t += [(eg, node(PROV.wasDerivedFrom), node(url)) for url in ev.urls]
            if ev.note:
                t.append((eg, node(ECHO.verificationNote), lit(ev.note)))
        return [ox.Quad(s, p, o, g) for s, p, o in t]  # type: ignore[arg-type]


@dataclass(frozen=True)
class IngestResult:
    """What an ingester produced, ready to be published in one transaction.

    Attributes
    ----------
    source_graph : str
        The source's catalogue graph; its evidence graphs are under it.
    quads : list of pyoxigraph.Quad
        Quads to add (small sources, and every catalogue).
    records : int
        Rows or records read.
    origins : dict of str to str
        Entity IRI to where it came from (``organization.csv:12``), for reports.
    files : tuple of Path
        N-Quads files to bulk-load (large sources); deleted after publishing.
    file_quads : int
        How many quads those files hold (each written once).
    """

    source_graph: str
    quads: list[ox.Quad]
    records: int
    origins: dict[str, str]
    files: tuple[Path, ...] = ()
    file_quads: int = 0
