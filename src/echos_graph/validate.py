"""SHACL validation of the graph, with reports a person can act on.

The shapes are ``ontology/shapes.ttl``.  Data is validated together with the
ontology and the SKOS schemes, so a shape can check that a sector is a
concept of the sector scheme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from .namespaces import RDF, SH, SKOS
from .resources import internal_query
from .results import compact

__all__ = ["ValidationReport", "Violation", "rdflib_graph", "store_graph", "validate_file", "validate_graph", "validate_store"]


@dataclass(frozen=True)
class Violation:
    """One broken rule: which node, which property, which value, and what to do."""

    severity: str
    focus: str
    label: str
    path: str
    value: str
    message: str
    shape: str
    origin: str

    def text(self) -> str:
        """Return the violation as one readable paragraph."""
        where = f" ({self.origin})" if self.origin else ""
        name = f" '{self.label}'" if self.label else ""
        parts = [f"{self.severity}: {compact(self.focus)}{name}{where}"]
        if self.path:
            parts.append(f"property {compact(self.path)}")
        if self.value:
            parts.append(f"value {compact(self.value)}")
        return ", ".join(parts) + f": {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a SHACL validation."""

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int

    def text(self) -> str:
        """Return the report as text: a summary line, then one line per violation."""
        if self.conforms:
            return f"conforms: {self.triples} triples checked against the shapes, no violation"
        lines = [f"does not conform: {len(self.violations)} result(s) in {self.triples} triples"]
        lines += [f"- {v.text()}" for v in self.violations]
        return "\n".join(lines)


def store_graph(store: Any) -> rdflib.Graph:
    """Return the union of all named graphs of a store (or transaction) as an rdflib Graph."""
    return rdflib_graph(store.query(internal_query("all-triples")))  # type: ignore[no-any-return]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _rdflib_term(term: Any) -> rdflib.term.Node:
    """Return the rdflib term of a pyoxigraph one (a simple literal stays without datatype, as N-Triples reads it)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype in (_XSD_STRING, _LANG_STRING) else datatype)


def rdflib_graph(triples: Iterable[Any], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Add pyoxigraph triples (or quads, their graph ignored) to an rdflib Graph, term by term.

    Going term by term rather than through N-Triples text: rdflib's N-Triples
    parser takes time that grows with the square of a literal's length (three
    minutes for a literal of 5 MB).

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> g = rdflib_graph([ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"))])
    >>> list(g)
    [(rdflib.term.URIRef('http://e/a'), rdflib.term.URIRef('http://e/p'), rdflib.term.Literal('x'))]
    """
    graph = rdflib.Graph() if graph is None else graph
    term = _rdflib_term
    for t in triples:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))  # type: ignore[arg-type]
    return graph


def _path_text(results: rdflib.Graph, path: Any) -> str:
    """Return a SHACL result path as text: an IRI, or ``^IRI`` for an inverse path."""
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath) if isinstance(path, rdflib.BNode) else None
    return f"^{inverse}" if inverse is not None else str(path)


def validate_graph(data: rdflib.Graph, *, origins: Mapping[str, str] | None = None) -> ValidationReport:
    """Validate ``data`` against the shapes.

    Parameters
    ----------
    data : rdflib.Graph
        Instance data together with the ontology and schemes it uses.
    origins : mapping of str to str, optional
        Entity IRI to the place it came from (``data/hubs.csv:4``), quoted in
        the report.

    Returns
    -------
    ValidationReport
    """
    from .ontology import shapes_graph

    conforms, results, _ = shacl_validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True)
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode) or "")
        label = data.value(rdflib.URIRef(focus), SKOS.prefLabel) if focus else None
        violations.append(Violation(
            severity=compact(str(results.value(result, SH.resultSeverity) or SH.Violation)).replace("sh:", ""),
            focus=focus,
            label=str(label or ""),
            path=_path_text(results, results.value(result, SH.resultPath)),
            value=str(results.value(result, SH.value) or ""),
            message=str(results.value(result, SH.resultMessage) or "breaks a shape"),
            shape=str(results.value(result, SH.sourceShape) or ""),
            origin=(origins or {}).get(focus, ""),
        ))
    violations.sort(key=lambda v: (v.origin, v.focus, v.path, v.message))
    return ValidationReport(bool(conforms), tuple(violations), len(data))


def validate_store(store: Any, *, origins: Mapping[str, str] | None = None) -> ValidationReport:
    """Validate every named graph of a store (or a transaction) against the shapes."""
    return validate_graph(store_graph(store), origins=origins)


def validate_file(path: Path) -> ValidationReport:
    """Validate an RDF file (any syntax the rdf ingester reads) together with the ontology and schemes.

    The file is read as ``echos-graph ingest rdf`` reads it
    (:func:`echos_graph.rdffile.parse_file`): nothing it names is fetched.

    Raises
    ------
    echos_graph.errors.DataError
        If the file cannot be read or parsed.
    """
    from .ontology import load_ontology
    from .rdffile import parse_file

    _, quads = parse_file(path)
    return validate_graph(rdflib_graph(quads, load_ontology()))
