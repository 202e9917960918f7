"""Fast SHACL checks: the shapes compiled to SPARQL and run by Oxigraph inside the store.

pySHACL (:mod:`echos_graph.validate`) copies the whole graph into rdflib and
walks it in Python, which is far too slow for millions of triples.  This
module turns each constraint of ``ontology/shapes.ttl`` into one SPARQL
SELECT of the focus nodes that break it, and runs the queries where the data
already is: a store or a transaction.  :func:`check_store` can restrict the
check to the entities a new source touches; ``validate_store`` stays the
full, reference check on demand.

Only the part of SHACL Core that our shapes use is compiled, with pySHACL's
semantics (``inference="none"``): a target class and ``sh:class`` follow
``rdfs:subClassOf`` triples found in the data, as pySHACL does.  Any other
SHACL term raises :class:`~echos_graph.errors.OntologyError`, so a new
constraint never goes unchecked in silence.

Differences from pySHACL, all on malformed literals: a literal of a supported
XSD datatype matches ``sh:datatype`` only if Oxigraph finds it well formed by
XSD (pySHACL lets ``"abc"^^xsd:gYear`` and ``"NaN"^^xsd:decimal`` pass, and
rejects dates outside the years 1-9999); ``sh:pattern`` uses Oxigraph's
regular expressions, where ``$`` does not match before a final line break.
"""

from __future__ import annotations

__all__ = ["MAX_REPORTED", "Check", "check_store", "compile_shapes"]

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import OntologyError
from .namespaces import RDF, SH, SKOS, XSD
from .validate import ValidationReport, Violation

#: How many violations of one check are listed; the rest are counted in one closing line.
MAX_REPORTED = 100

# -- SPARQL templates -----------------------------------------------------------
# These are templates, not queries: compile_shapes() fills them from the shapes
# graph (ontology/shapes.ttl), so no query here names a class or a property.
# {target} selects the focus nodes of a node shape, {path} is a property shape's
# path.  The line "#SCOPE" is where check_store() restricts the focus nodes to
# those touched by some named graphs; as a comment it leaves the query valid.

_TYPE_PATH = f"<{RDF.type}>/<{rdflib.RDFS.subClassOf}>*"
_TARGET = "VALUES ?targetClass {{ {classes} }}\n  ?focus " + _TYPE_PATH + " ?targetClass ."
_SCOPE_MARK = "#SCOPE"

#: Each value that breaks the constraint: one result per focus node and value.
_VALUE_QUERY = """SELECT DISTINCT ?focus ?value WHERE {{
  {target}
  #SCOPE
  ?focus {path} ?value .
  FILTER ({fault})
}}"""

#: Focus nodes with no (qualifying) value at all: sh:minCount 1, sh:qualifiedMinCount 1.
_MISSING_QUERY = """SELECT DISTINCT ?focus WHERE {{
  {target}
  #SCOPE
  FILTER NOT EXISTS {{ {qualify}?focus {path} ?value . }}
}}"""

#: Focus nodes with too many (or too few) distinct values: sh:maxCount, sh:minCount above 1.
_COUNT_QUERY = """SELECT ?focus WHERE {{
  {target}
  #SCOPE
  {values}
}}
GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) {op} {limit})"""

#: Keep focus nodes that are the subject of a triple in one of the checked graphs.
_SCOPE = "FILTER EXISTS {{ GRAPH ?scopeGraph {{ ?focus ?scopeP ?scopeO }} FILTER (?scopeGraph IN ({graphs})) }}"
#: The same for an inverse path, where the triple that matters has the focus node as object.
_SCOPE_INVERSE = (
    "FILTER EXISTS {{ {{ GRAPH ?scopeGraph {{ ?focus ?scopeP ?scopeO }} }} UNION "
    "{{ GRAPH ?scopeGraph {{ ?scopeS ?scopeP ?focus }} }} FILTER (?scopeGraph IN ({graphs})) }}"
)
_COUNT_ROWS = "SELECT (COUNT(*) AS ?n) WHERE {{ {{ {query} }} }}"
_COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE {{ {values}GRAPH ?g {{ ?s ?p ?o }} }}"
_LABELS = "SELECT ?focus (MIN(STR(?label)) AS ?name) WHERE {{ VALUES ?focus {{ {nodes} }} ?focus <{pref}> ?label }} GROUP BY ?focus"

# -- the supported subset of SHACL Core -----------------------------------------

_NODE_TERMS = {SH.targetClass, SH.property, SH.name, SH.description, SH.message}
_PROPERTY_TERMS = {SH.path, SH.name, SH.description, SH.message, SH.severity, SH.minCount, SH.maxCount, SH["class"],
                   SH.datatype, SH["or"], SH["in"], SH.nodeKind, SH.pattern, SH.minInclusive,
                   SH.qualifiedValueShape, SH.qualifiedMinCount}
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: XSD datatypes whose well-formedness Oxigraph checks with a cast of the same name.
_CASTABLE = {XSD[name] for name in (
    "string", "boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time", "gYear",
    "gYearMonth", "gMonthDay", "gMonth", "gDay", "duration", "yearMonthDuration", "dayTimeDuration")}
#: sh:nodeKind values and the test a value must pass.
_NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
               SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.BlankNodeOrLiteral: "!isIRI(?value)",
               SH.IRIOrLiteral: "!isBlank(?value)"}
#: The constraints reported without a value (the focus node as a whole is at fault).
_COUNT_KINDS = frozenset({"minCount", "maxCount", "qualifiedMinCount"})


@dataclass(frozen=True)
class Check:
    """One constraint of one property shape, as a SPARQL SELECT of the focus nodes that break it.

    ``shape`` is the property shape's IRI, ``path`` its path (an IRI, or ``^``
    and an IRI for an inverse path), ``kind`` the constraint (``minCount``,
    ``class``, ``or``, ...), ``sparql`` a SELECT returning ``?focus`` (and
    ``?value`` when a value is at fault) for every violation in the store.
    """

    shape: str
    path: str
    severity: str
    message: str
    sparql: str
    kind: str

    @property
    def reports_value(self) -> bool:
        """Return whether each result names the value at fault (not only the focus node)."""
        return self.kind not in _COUNT_KINDS

    def scoped(self, graphs: Sequence[str] | None) -> str:
        """Return the query restricted to focus nodes touched by ``graphs`` (all of them if None)."""
        if graphs is None:
            return self.sparql
        names = ", ".join(str(ox.NamedNode(g)) for g in graphs)
        scope = (_SCOPE_INVERSE if self.path.startswith("^") else _SCOPE).format(graphs=names)
        return self.sparql.replace(_SCOPE_MARK, scope, 1)


def compile_shapes(shapes: rdflib.Graph) -> list[Check]:
    """Compile each constraint of each targeted node shape into a :class:`Check`.

    Parameters
    ----------
    shapes : rdflib.Graph
        A SHACL shapes graph, such as :func:`echos_graph.ontology.shapes_graph`.

    Returns
    -------
    list of Check
        In the order of node shape, property shape and constraint (by IRI and
        name), so the result is the same for the same shapes.

    Raises
    ------
    echos_graph.errors.OntologyError
        If a shape uses a SHACL term this compiler does not support, or a node
        shape has no ``sh:targetClass`` (nothing would be checked against it).

    Examples
    --------
    >>> from echos_graph.ontology import shapes_graph
    >>> checks = compile_shapes(shapes_graph())
    >>> sorted({c.kind for c in checks})[:3]
    ['class', 'datatype', 'in']
    """
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.targetClass, None))
    used: set[Node] = set()
    checks: list[Check] = []
    for node in sorted(node_shapes, key=str):
        _allow(shapes, node, _NODE_TERMS, {SH.NodeShape})
        classes = sorted(shapes.objects(node, SH.targetClass), key=str)
        if not classes:
            raise OntologyError(f"shape {node} has no sh:targetClass, so nothing would be checked against it; "
                                "give it one (other targets are not supported by echos_graph.shapecheck)")
        target = _TARGET.format(classes=" ".join(_term(shapes, node, c) for c in classes))
        for prop in sorted(shapes.objects(node, SH.property), key=str):
            used.add(prop)
            checks += _compile_property(shapes, prop, target)
    for prop in set(shapes.subjects(RDF.type, SH.PropertyShape)) - used:
        raise OntologyError(f"property shape {prop} is not the sh:property of any node shape with a "
                            "sh:targetClass, so nothing would be checked against it; attach it to one")
    return checks


def _compile_property(shapes: rdflib.Graph, prop: Node, target: str) -> list[Check]:
    """Return the checks of one property shape, for the focus nodes selected by ``target``."""
    _allow(shapes, prop, _PROPERTY_TERMS, {SH.PropertyShape})
    path_text, path = _path(shapes, prop)
    severity = _SEVERITIES.get(_one(shapes, prop, SH.severity) or SH.Violation)  # type: ignore[call-overload]
    if severity is None:
        raise OntologyError(f"shape {prop} has sh:severity {_one(shapes, prop, SH.severity)}; "
                            "use sh:Violation, sh:Warning or sh:Info")
    messages = sorted(shapes.objects(prop, SH.message), key=lambda m: (getattr(m, "language", None) not in
                                                                        (None, "en"), str(m)))
    message = str(messages[0]) if messages else f"breaks the shape {prop}"
    found: list[tuple[str, str]] = []

    def values(kind: str, fault: str) -> None:
        found.append((kind, _VALUE_QUERY.format(target=target, path=path, fault=fault)))

    low, high = _one(shapes, prop, SH.minCount), _one(shapes, prop, SH.maxCount)
    if low is not None:
        n = _count(shapes, prop, low)
        found.append(("minCount", _MISSING_QUERY.format(target=target, path=path, qualify="") if n == 1 else
                      _COUNT_QUERY.format(target=target, op="<", limit=n,
                                          values=f"OPTIONAL {{ ?focus {path} ?value . }}")))
    if high is not None:
        found.append(("maxCount", _COUNT_QUERY.format(target=target, op=">", limit=_count(shapes, prop, high),
                                                     values=f"?focus {path} ?value .")))
    if (cls := _one(shapes, prop, SH["class"])) is not None:
        values("class", f"NOT EXISTS {{ ?value {_TYPE_PATH} {_term(shapes, prop, cls)} }}")
    if (datatype := _one(shapes, prop, SH.datatype)) is not None:
        values("datatype", f"!{_datatype_test(shapes, prop, datatype)}")
    if (either := _one(shapes, prop, SH["or"])) is not None:
        tests = [_datatype_test(shapes, prop, _datatype_only(shapes, prop, s)) for s in _items(shapes, prop, either)]
        values("or", f"!({' || '.join(tests)})")
    if (allowed := _one(shapes, prop, SH["in"])) is not None:
        values("in", f"!({_in_test(shapes, prop, allowed)})")
    if (kind := _one(shapes, prop, SH.nodeKind)) is not None:
        if kind not in _NODE_KINDS:
            raise OntologyError(f"shape {prop} has sh:nodeKind {kind}, which is not a SHACL node kind")
        values("nodeKind", f"!{_NODE_KINDS[kind]}")  # type: ignore[index]
    if (pattern := _one(shapes, prop, SH.pattern)) is not None:
        values("pattern", f"isBlank(?value) || !REGEX(STR(?value), {_regex(shapes, prop, pattern)})")
    if (minimum := _one(shapes, prop, SH.minInclusive)) is not None:
        values("minInclusive", f"!COALESCE(?value >= {_term(shapes, prop, minimum)}, false)")
    found += _qualified(shapes, prop, target, path)
    return [Check(str(prop), path_text, severity, message, sparql, kind) for kind, sparql in found]


def _qualified(shapes: rdflib.Graph, prop: Node, target: str, path: str) -> list[tuple[str, str]]:
    """Return the check of a sh:qualifiedValueShape made of an sh:in list, with sh:qualifiedMinCount."""
    inner, low = _one(shapes, prop, SH.qualifiedValueShape), _one(shapes, prop, SH.qualifiedMinCount)
    if inner is None and low is None:
        return []
    if inner is None or low is None:
        raise OntologyError(f"shape {prop} needs both sh:qualifiedValueShape and sh:qualifiedMinCount "
                            "(sh:qualifiedMaxCount is not supported)")
    _allow(shapes, inner, {SH["in"]}, set())
    allowed = _one(shapes, inner, SH["in"])
    if allowed is None:
        raise OntologyError(f"the sh:qualifiedValueShape of {prop} must be an sh:in list")
    qualify = f"VALUES ?value {{ {' '.join(_term(shapes, prop, v) for v in _items(shapes, prop, allowed))} }} "
    n = _count(shapes, prop, low)
    if n == 1:
        return [("qualifiedMinCount", _MISSING_QUERY.format(target=target, path=path, qualify=qualify))]
    return [("qualifiedMinCount", _COUNT_QUERY.format(target=target, op="<", limit=n,
                                                      values=f"OPTIONAL {{ {qualify}?focus {path} ?value . }}"))]


def _allow(shapes: rdflib.Graph, node: Node, terms: set[URIRef], types: set[URIRef]) -> None:
    """Raise OntologyError if ``node`` uses a SHACL term (or an rdf:type) outside ``terms``."""
    for predicate, value in shapes.predicate_objects(node):
        if predicate == RDF.type and value not in types:
            raise OntologyError(f"shape {node} has rdf:type {value}, which echos_graph.shapecheck does not support "
                                f"(it would add targets or constraints); use {' or '.join(map(str, types))}")
        if str(predicate).startswith(str(SH)) and predicate not in terms:
            raise OntologyError(f"shape {node} uses {predicate}, which echos_graph.shapecheck does not support; "
                                "extend shapecheck.py (and its tests) before using it in a shape")


def _one(shapes: rdflib.Graph, node: Node, predicate: URIRef) -> Node | None:
    """Return the single value of ``predicate`` on ``node``, None if absent; raise if several."""
    found = list(shapes.objects(node, predicate))
    if len(found) > 1:
        raise OntologyError(f"shape {node} has {len(found)} values of {predicate}; give it one")
    return found[0] if found else None


def _count(shapes: rdflib.Graph, node: Node, value: Node) -> int:
    """Return a cardinality as an int, or raise if it is not a non-negative integer."""
    if isinstance(value, Literal) and isinstance(value.value, int) and value.value >= 0:
        return value.value
    raise OntologyError(f"shape {node} has the count {value}, which is not a non-negative xsd:integer")


def _term(shapes: rdflib.Graph, node: Node, term: Node) -> str:
    """Return ``term`` as SPARQL text, written by pyoxigraph (so it is well formed and escaped)."""
    try:
        if isinstance(term, URIRef):
            return str(ox.NamedNode(str(term)))
        if isinstance(term, Literal) and term.language:
            return str(ox.Literal(str(term), language=term.language))
        if isinstance(term, Literal):
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string))))
    except ValueError as exc:
        raise OntologyError(f"shape {node} has the value {term!r}, which is not valid RDF: {exc}") from None
    raise OntologyError(f"shape {node} has a blank node where an IRI or a literal is expected")


def _items(shapes: rdflib.Graph, node: Node, head: Node) -> list[Node]:
    """Return the members of an RDF list, or raise if ``head`` is not a well-formed list."""
    if not isinstance(head, BNode) and head != RDF.nil:
        raise OntologyError(f"shape {node} has {head} where an RDF list ( ... ) is expected")
    return list(shapes.items(head))


def _path(shapes: rdflib.Graph, prop: Node) -> tuple[str, str]:
    """Return a property shape's path as text (``iri`` or ``^iri``) and as a SPARQL property path."""
    path = _one(shapes, prop, SH.path)
    if isinstance(path, URIRef):
        return str(path), _term(shapes, prop, path)
    if isinstance(path, BNode):
        _allow(shapes, path, {SH.inversePath}, set())
        inverse = _one(shapes, path, SH.inversePath)
        if isinstance(inverse, URIRef) and len(set(shapes.predicate_objects(path))) == 1:
            return f"^{inverse}", f"^{_term(shapes, prop, inverse)}"
    raise OntologyError(f"shape {prop} has the sh:path {path}; only an IRI or [ sh:inversePath IRI ] "
                        "is supported")


def _datatype_test(shapes: rdflib.Graph, prop: Node, datatype: Node) -> str:
    """Return a SPARQL test that ``?value`` is a well-formed literal of ``datatype``."""
    if datatype == RDF.langString:
        return "COALESCE(isLiteral(?value) && LANG(?value) != \"\", false)"
    if datatype not in _CASTABLE:
        raise OntologyError(f"shape {prop} has sh:datatype {datatype}, which echos_graph.shapecheck cannot check; "
                            f"use rdf:langString or one of {', '.join(sorted(str(d) for d in _CASTABLE))}")
    dt = _term(shapes, prop, datatype)
    return f"COALESCE(isLiteral(?value) && DATATYPE(?value) = {dt} && isLiteral({dt}(?value)), false)"


def _datatype_only(shapes: rdflib.Graph, prop: Node, member: Node) -> Node:
    """Return the datatype of an sh:or member that is exactly [ sh:datatype D ]."""
    _allow(shapes, member, {SH.datatype}, set())
    datatype = _one(shapes, member, SH.datatype)
    if datatype is None or len(set(shapes.predicate_objects(member))) != 1:
        raise OntologyError(f"shape {prop} has an sh:or member that is not [ sh:datatype ... ]; "
                            "only alternatives of datatypes are supported")
    return datatype


def _in_test(shapes: rdflib.Graph, prop: Node, head: Node) -> str:
    """Return a SPARQL test that ``?value`` is one of the sh:in list (the same RDF term)."""
    members = [_term(shapes, prop, v) for v in _items(shapes, prop, head)]
    return " || ".join(f"sameTerm(?value, {m})" for m in members) or "false"


def _regex(shapes: rdflib.Graph, prop: Node, pattern: Node) -> str:
    """Return an sh:pattern as a SPARQL string, after checking that Oxigraph can compile it."""
    text = _term(shapes, prop, Literal(str(pattern)))
    probe = ox.Store().query(f'SELECT (REGEX("", {text}) AS ?ok) {{}}')
    if next(iter(probe))["ok"] is None:  # type: ignore[index,arg-type]
        raise OntologyError(f"shape {prop} has sh:pattern {str(pattern)!r}, which is not a regular expression "
                            "that SPARQL (XPath syntax) accepts; rewrite it")
    return text


@cache
def _default_checks() -> tuple[Check, ...]:
    """Return the checks compiled from ``ontology/shapes.ttl`` (compiled once)."""
    from .ontology import shapes_graph

    return tuple(compile_shapes(shapes_graph()))


def check_store(
    store: Any,
    *,
    graphs: Sequence[str] | None = None,
    origins: Mapping[str, str] | None = None,
    shapes: rdflib.Graph | None = None,
) -> ValidationReport:
    """Check the data of a store (or a transaction) against the shapes, inside the store.

    Constraints are evaluated over the union of all named graphs, so a fact
    from another source can complete an entity; with ``graphs`` only the
    focus nodes those graphs touch are checked.

    Parameters
    ----------
    store : GraphStore or Transaction
        Anything whose ``query(sparql)`` returns pyoxigraph results over the
        union of its named graphs.
    graphs : sequence of str, optional
        IRIs of named graphs (a new source's evidence graphs and its catalogue
        graph); only focus nodes that are the subject of a triple in one of
        them (or its object, for an inverse path) are checked.  None checks
        every focus node.
    origins : mapping of str to str, optional
        Entity IRI to the place it came from (``data/hubs.csv:4``).
    shapes : rdflib.Graph, optional
        The shapes; defaults to ``ontology/shapes.ttl``.

    Returns
    -------
    ValidationReport
        Violations sorted as :func:`echos_graph.validate.validate_graph` sorts
        them; a check with more than :data:`MAX_REPORTED` lists that many and
        adds one closing line with the number left out.  ``triples`` counts
        the triples of the checked graphs (all graphs if ``graphs`` is None).

    Raises
    ------
    echos_graph.errors.OntologyError
        If the shapes use a SHACL term that cannot be compiled.

    Examples
    --------
    >>> from echos_graph import build, open_store
    >>> store = open_store("memory:")
    >>> _ = build(store)
    >>> check_store(store).conforms
    True
    """
    checks = _default_checks() if shapes is None else tuple(compile_shapes(shapes))
    if graphs is not None and not graphs:
        return ValidationReport(True, (), 0)
    found: list[tuple[Check, Any, Any]] = []
    notes: list[Violation] = []
    for check in checks:
        query = check.scoped(graphs)
        rows = list(store.query(f"{query}\nLIMIT {MAX_REPORTED + 1}"))
        if len(rows) > MAX_REPORTED:
            total = _number(store.query(_COUNT_ROWS.format(query=query)))
            rows = rows[:MAX_REPORTED]
            notes.append(Violation(check.severity, "", "", check.path, "",
                                   f"and {total - MAX_REPORTED} more like this, not listed: {check.message}",
                                   check.shape, ""))
        found += [(check, row["focus"], row["value"] if check.reports_value else None) for row in rows]
    labels = _labels(store, {focus for _, focus, _ in found})
    violations = sorted(
        (Violation(check.severity, focus.value, labels.get(focus.value, ""), check.path,
                   value.value if value is not None else "", check.message, check.shape,
                   (origins or {}).get(focus.value, ""))
         for check, focus, value in found),
        key=lambda v: (v.origin, v.focus, v.path, v.message),
    )
    values = "" if graphs is None else f"VALUES ?g {{ {' '.join(str(ox.NamedNode(g)) for g in graphs)} }} "
    triples = _number(store.query(_COUNT_TRIPLES.format(values=values)))
    return ValidationReport(not violations, tuple(violations + notes), triples)


def _labels(store: Any, nodes: Iterable[Any]) -> dict[str, str]:
    """Return the skos:prefLabel of each named node in ``nodes`` that has one (one query)."""
    named = sorted(str(n) for n in nodes if isinstance(n, ox.NamedNode))
    if not named:
        return {}
    result = store.query(_LABELS.format(nodes=" ".join(named), pref=SKOS.prefLabel))
    return {row["focus"].value: row["name"].value for row in result if row["name"] is not None}


def _number(result: Any) -> int:
    """Return the ``?n`` of a one-row COUNT query."""
    return int(next(iter(result))["n"].value)
