"""What the graph says about one resource: its facts, each with its provenance, and the links that point at it.

:func:`describe` reads the facts whose subject is a resource (organisation,
hub, initiative, country, sector, participation, named graph ...) from
every named graph, grouped so that each fact lists the evidence graphs that
state it, with their verification status, note, source pages and data file
(the model of docs/MODEL.md, "Provenance of every fact"). It also counts the
facts that point at the resource and returns the first of them, so that the
web pages and a Linked Data crawler can follow the graph in both directions.
:func:`resource_quads` gives the same facts as RDF for content negotiation.

The queries are ``queries/internal/subject-facts.rq``,
``subject-links.rq`` and ``subject-link-count.rq``; the IRI is bound by the
engine, never pasted into the query text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .namespaces import ECHO, RDF, id_iri
from .resources import internal_query
from .results import compact
from .store import GraphStore

__all__ = ["Description", "Evidence", "Fact", "Link", "describe", "resource_quads"]

#: How many incoming links :func:`describe` returns unless told otherwise.
INCOMING_LIMIT = 100

_TYPE = str(RDF.type)
_SECTOR_SCHEME = id_iri("sector")
_SECTOR = _SECTOR_SCHEME + "/"
#: Page kind -> the classes that give it, in order of precedence.
_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("hub", frozenset({str(ECHO.CancerMissionHub)})),
    ("organisation", frozenset({str(ECHO.Organisation)})),
    ("initiative", frozenset(str(ECHO[c]) for c in ("Initiative", "Mission", "Project", "Network", "Programme", "Event"))),
    ("country", frozenset({str(ECHO.Country)})),
)


@dataclass(frozen=True)
class Evidence:
    """A named graph stating a fact: its verification status, the source's note, pages and data file.

    ``verification`` is the status IRI (``id:verification/confirmed`` ...),
    empty for a graph that is not an evidence graph (the ontology, the
    schemes, a catalogue or analysis graph).
    """

    graph: str
    verification: str = ""
    note: str = ""
    sources: tuple[str, ...] = ()
    file: str = ""

    @property
    def status(self) -> str:
        """Return the verification status's last segment (``confirmed``), or empty."""
        return self.verification.rpartition("/")[2]

    def to_dict(self) -> dict[str, Any]:
        """Return the evidence as plain data."""
        return {"graph": self.graph, "verification": self.status or None, "note": self.note or None,
                "sources": list(self.sources), "file": self.file or None}


@dataclass(frozen=True)
class Fact:
    """One fact about the subject: a property, its value and the graphs stating it.

    Attributes
    ----------
    predicate : str
        The property IRI.
    value : str
        The object: an IRI, a blank node id or a literal's lexical form.
    kind : str
        ``"iri"``, ``"blank"`` or ``"literal"``.
    label : str
        The object's preferred label (English or untagged first), if it has one.
    datatype, language : str
        Of a literal.
    evidence : tuple of Evidence
    """

    predicate: str
    value: str
    kind: str
    label: str = ""
    datatype: str = ""
    language: str = ""
    evidence: tuple[Evidence, ...] = ()

    @property
    def statuses(self) -> tuple[str, ...]:
        """Return the distinct verification statuses of the evidence, in order."""
        return tuple(dict.fromkeys(e.status for e in self.evidence if e.status))

    def to_dict(self) -> dict[str, Any]:
        """Return the fact as plain data."""
        return {"predicate": self.predicate, "value": self.value, "kind": self.kind, "label": self.label or None,
                "datatype": self.datatype or None, "language": self.language or None,
                "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Link:
    """A fact pointing at the described resource: ``subject predicate <resource>``."""

    subject: str
    predicate: str
    label: str = ""
    graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Description:
    """Everything the graph says about one resource, and the first links pointing at it.

    Attributes
    ----------
    iri, label : str
        The resource and its preferred label (its compact IRI if it has none).
    types : tuple of str
        Its classes (``rdf:type`` values), sorted.
    facts : tuple of Fact
        Sorted by property, then value.
    incoming : tuple of Link
        The first links pointing at it (at most the limit asked for).
    incoming_total : int
        How many distinct links point at it in all.
    """

    iri: str
    label: str
    types: tuple[str, ...]
    facts: tuple[Fact, ...]
    incoming: tuple[Link, ...] = field(default_factory=tuple)
    incoming_total: int = 0

    @property
    def kind(self) -> str:
        """Return what the resource is, for choosing its page.

        ``hub``, ``organisation``, ``initiative`` (the Mission, a project, a
        network, a programme, an event), ``country``, ``sector`` (a concept of
        the sector scheme) or ``resource`` (anything else).
        """
        for kind, classes in _KINDS:
            if classes.intersection(self.types):
                return kind
        if self.iri.startswith(_SECTOR) and any(f.value == _SECTOR_SCHEME for f in self.facts):
            return "sector"
        return "resource"

    def values(self, predicate: str) -> list[Fact]:
        """Return the facts of one property."""
        return [f for f in self.facts if f.predicate == predicate]

    def to_dict(self) -> dict[str, Any]:
        """Return the description as plain data (for JSON)."""
        return {"iri": self.iri, "label": self.label, "types": list(self.types),
                "facts": [f.to_dict() for f in self.facts],
                "incoming": [{"subject": i.subject, "predicate": i.predicate, "label": i.label or None}
                             for i in self.incoming],
                "incomingTotal": self.incoming_total}


def _text(term: Any) -> str:
    """Return the value of a term, or empty for an unbound one."""
    return "" if term is None else str(term.value)


def _label_rank(term: ox.Literal | None) -> int:
    """Rank a label: English first, then untagged, then other languages."""
    if term is None:
        return 3
    lang = term.language or ""
    return 0 if lang.startswith("en") else 1 if not lang else 2


def _select(store: GraphStore, name: str, variable: str, iri: str) -> ox.QuerySolutions:
    """Run an internal SELECT with one IRI bound."""
    result = store.query(internal_query(name), bindings={variable: ox.NamedNode(iri)})
    assert isinstance(result, ox.QuerySolutions)
    return result


def describe(store: GraphStore, iri: str, *, incoming_limit: int = INCOMING_LIMIT) -> Description | None:
    """Return what the graph says about ``iri``, or None if the graph never names it.

    Parameters
    ----------
    store : GraphStore
    iri : str
        The resource, in full.
    incoming_limit : int
        How many of the links pointing at the resource to return (a country
        or a sector may have thousands); all of them are counted.

    Returns
    -------
    Description or None
        None when the IRI is neither the subject nor the object of any fact.

    Examples
    --------
    >>> from echos_graph import build, open_store
    >>> store = open_store("memory:")
    >>> _ = build(store)
    >>> found = describe(store, "https://w3id.org/echos-graph/id/hub/NO")
    >>> found.label, "confirmed" in {s for f in found.facts for s in f.statuses}
    ('Cancer Mission Hub Norway', True)
    >>> describe(store, "https://w3id.org/echos-graph/id/hub/XX") is None
    True
    """
    facts: dict[tuple[str, str, str, str, str], dict[str, Any]] = {}
    for row in _select(store, "subject-facts", "subject", iri):
        obj = row["object"]
        kind = "iri" if isinstance(obj, ox.NamedNode) else "blank" if isinstance(obj, ox.BlankNode) else "literal"
        datatype = obj.datatype.value if isinstance(obj, ox.Literal) and not obj.language else ""
        language = obj.language or "" if isinstance(obj, ox.Literal) else ""
        key = (row["predicate"].value, obj.value, kind, datatype, language)
        entry = facts.setdefault(key, {"label": None, "graphs": {}})
        label = row["objectLabel"]
        if label is not None and (entry["label"] is None or
                                  (_label_rank(label), label.value) < (_label_rank(entry["label"]), entry["label"].value)):
            entry["label"] = label
        graph = _text(row["graph"])
        found = entry["graphs"].setdefault(graph, {"verification": _text(row["verification"]),
                                                   "note": _text(row["note"]), "sources": [], "file": _text(row["file"])})
        source = _text(row["source"])
        if source and source not in found["sources"]:
            found["sources"].append(source)
    total = 0
    for row in _select(store, "subject-link-count", "object", iri):
        total = int(row["links"].value)
    if not facts and not total:
        return None
    built = []
    for (predicate, value, kind, datatype, language), entry in sorted(facts.items()):
        evidence = tuple(Evidence(graph, e["verification"], e["note"], tuple(sorted(e["sources"])), e["file"])
                         for graph, e in sorted(entry["graphs"].items()))
        label = entry["label"].value if entry["label"] is not None else ""
        built.append(Fact(predicate, value, kind, label, datatype, language, evidence))
    incoming = _links(store, iri, incoming_limit) if total else ()
    names = [f for f in built if f.predicate == "http://www.w3.org/2004/02/skos/core#prefLabel"]
    names.sort(key=lambda f: (0 if f.language.startswith("en") else 1 if not f.language else 2, f.value))
    return Description(
        iri=iri,
        label=names[0].value if names else compact(iri),
        types=tuple(sorted({f.value for f in built if f.predicate == _TYPE})),
        facts=tuple(built),
        incoming=incoming,
        incoming_total=total,
    )


def _links(store: GraphStore, iri: str, limit: int) -> tuple[Link, ...]:
    """Return the first ``limit`` distinct links pointing at ``iri``."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _select(store, "subject-links", "object", iri):
        key = (row["subject"].value, row["predicate"].value)
        if key not in found:
            if len(found) >= limit:
                break
            found[key] = {"label": "", "graphs": []}
        entry = found[key]
        if row["subjectLabel"] is not None and not entry["label"]:
            entry["label"] = row["subjectLabel"].value
        graph = _text(row["graph"])
        if graph not in entry["graphs"]:
            entry["graphs"].append(graph)
    return tuple(Link(s, p, e["label"], tuple(e["graphs"])) for (s, p), e in sorted(found.items()))


def resource_quads(store: GraphStore, iri: str, *, incoming_limit: int = 1000) -> Iterator[ox.Quad]:
    """Yield the facts about ``iri`` and the first links pointing at it, each in the named graph that states it.

    The Linked Data representation of a resource: its own facts (from every
    graph) and up to ``incoming_limit`` facts whose object it is, so that a
    crawler can reach the n-ary nodes (participations, memberships) that
    point at an organisation or a hub. Serialise as quads (N-Quads, TriG) to
    keep the provenance, or as triples (Turtle, N-Triples, JSON-LD), which
    merges the graphs.
    """
    node = ox.NamedNode(iri)
    seen: set[ox.Quad] = set()
    for row in _select(store, "subject-facts", "subject", iri):
        quad = ox.Quad(node, row["predicate"], row["object"], row["graph"])
        if quad not in seen:
            seen.add(quad)
            yield quad
    incoming: set[ox.Quad] = set()
    for row in _select(store, "subject-links", "object", iri):
        quad = ox.Quad(row["subject"], row["predicate"], node, row["graph"])
        if quad in incoming:
            continue
        if len(incoming) >= incoming_limit:
            break
        incoming.add(quad)
        yield quad
