"""Fast SHACL checks: the shapes compiled to SPARQL and run by Oxigraph inside the store.

pySHACL (:mod:`echos_graph.validate`, the full check on demand) walks an rdflib
copy of the graph, too slow for millions of triples.  Here each constraint of
``ontology/shapes.ttl`` becomes a SPARQL SELECT of the focus nodes breaking it,
run inside the store or transaction, optionally only for what a source touches.

Only the SHACL Core our shapes use is compiled, with pySHACL's semantics
(``inference="none"``; targets and ``sh:class`` follow ``rdfs:subClassOf`` in
the data); any other term raises :class:`~echos_graph.errors.OntologyError`.
Differences, all on malformed literals: ``sh:datatype`` follows XSD as Oxigraph
reads it (pySHACL passes ``"abc"^^xsd:gYear`` and ``"NaN"^^xsd:decimal``, and
fails dates outside 1-9999), and in ``sh:pattern`` ``$`` never matches before a
final line break.
"""

from __future__ import annotations

__all__ = ["FEW_TARGETS", "LOCAL_RATIO", "MAX_REPORTED", "Check", "check_store", "compile_shapes"]

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import OntologyError
from .namespaces import RDF, RDFS, SH, SKOS, XSD
from .validate import ValidationReport, Violation

#: How many violations of one check are listed; one closing line counts the rest.
MAX_REPORTED = 100
#: Check the touched focus nodes one by one (rather than the whole store, then filter) when the
#: store holds more than this many times the triples of the checked graphs.
LOCAL_RATIO = 200
_LOCAL_MAX = 50_000  # checked triples; node by node costs about 0.25 ms a triple on disk, the whole store 2 us
#: A node shape with at most this many focus nodes is checked node by node, also over the whole store.
FEW_TARGETS = 1000

# -- SPARQL templates -----------------------------------------------------------
# Templates, not queries: compile_shapes() fills them from the shapes graph
# (ontology/shapes.ttl), so no query here names a class or a property.
# {target} matches a node shape's focus nodes; {triple} links a focus node to a
# value along a property shape's path (?value <p> ?focus for an inverse path,
# which Oxigraph runs faster than ^<p>).
#
# Each check has two forms.  The whole-store form suits Oxigraph's hash joins
# (sub-SELECT, MINUS, GROUP BY; a FILTER NOT EXISTS per node is ten times
# slower on disk): it reads each property once, tests a value that must be
# decoded once per distinct value, and tests the target class only on rows at
# fault.  The local form checks one focus node bound from outside (LATERAL).

_TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
#: One per target class, joined by UNION (a variable class would make the path enumerate every node).
_TARGET = "{{ ?focus " + _TYPE_PATH + " {cls} }}"

#: sh:minCount, sh:qualifiedMinCount (both forms): focus nodes without (enough) values.
_MISSING = "SELECT DISTINCT ?focus WHERE {{\n  {target}\n  MINUS {{ {present} }}\n}}"
_PRESENT_N = "SELECT ?focus WHERE {{ {qualify}{triple} }} GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) >= {n})"

#: sh:maxCount, local form: focus nodes with more distinct values.
_EXCESS = """SELECT ?focus WHERE {{
  {{ SELECT ?focus WHERE {{ {triple} }} GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {n}) }}
  FILTER EXISTS {{ {target} }}
}}"""
#: Whole-store form: grouping runs only if some subject has two triples along the path.
_EXCESS_WHOLE = """SELECT ?focus WHERE {{
  {{ SELECT ?quads WHERE {{
    {{ SELECT (COUNT(*) AS ?quads) (COUNT(DISTINCT ?focus) AS ?subjects) WHERE {{ {triple} }} }}
    FILTER (?quads > ?subjects) }} }}
  LATERAL {{ SELECT ?focus WHERE {{ {triple} }} GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {n}) }}
  FILTER EXISTS {{ {target} }}
}}"""

#: Value constraints, local form: each value at fault with its focus node.
_VALUE = "SELECT DISTINCT ?focus ?value WHERE {{\n  {triple} .\n  {fault}\n  FILTER EXISTS {{ {target} }}\n}}"
#: Whole-store form for a test on encoded terms (cheap on every row).
_VALUE_SCAN = """SELECT DISTINCT ?focus ?value WHERE {{
  {{ SELECT ?focus ?value WHERE {{ {triple} . {fault} }} }}
  FILTER EXISTS {{ {target} }}
}}"""
#: Whole-store form for a test that decodes the value: once per distinct value, then who has the bad ones.
#: (The LIMIT, never reached, stops Oxigraph from moving the test before the DISTINCT.)
_VALUE_DISTINCT = """SELECT DISTINCT ?focus ?value WHERE {{
  {{ SELECT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ {triple} }} LIMIT 1000000000000 }} {fault} }} }}
  LATERAL {{ {triple} }}
  FILTER EXISTS {{ {target} }}
}}"""
#: sh:class: a hash anti-join over all values, or a lookup per value of one focus node.
_NOT_INSTANCE = "MINUS {{ ?value " + _TYPE_PATH + " {cls} }}"
_NOT_INSTANCE_LOCAL = "FILTER NOT EXISTS {{ ?value " + _TYPE_PATH + " {cls} }}"

#: Focus nodes a set of named graphs touches: subject of a triple there (or object, for an inverse path).
_TOUCHED = "GRAPH ?scopeGraph { ?focus ?scopeP ?scopeO }"
_TOUCHED_INVERSE = "{ " + _TOUCHED + " } UNION { GRAPH ?scopeGraph { ?scopeS ?scopeP ?focus } }"
#: Few focus nodes (targets, or nodes touched): check each one on its own (LATERAL, an Oxigraph extension).
_EACH = "SELECT * WHERE {{\n  {{ SELECT DISTINCT ?focus WHERE {{ {focus} }} }}\n  LATERAL {{ {check} }}\n}}"
#: Many touched nodes: check the whole store, keep the touched nodes at fault.
_WIDE_QUERY = "SELECT * WHERE {{\n  {{ {check} }}\n  FILTER EXISTS {{ {touched} FILTER (?scopeGraph IN ({graphs})) }}\n}}"
_COUNT_ROWS = "SELECT (COUNT(*) AS ?n) WHERE {{ {{ {query} }} }}"
_COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
_COUNT_STORE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_COUNT_UP_TO = "SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {pattern} }} LIMIT {limit} }} }}"
_LABELS = "SELECT ?focus (MIN(STR(?label)) AS ?name) WHERE {{ VALUES ?focus {{ {nodes} }} ?focus {pref} ?label }} GROUP BY ?focus"

# -- the supported subset of SHACL Core -----------------------------------------
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_NODE_TERMS = {SH.targetClass, SH.property, SH.name, SH.description, SH.message}
_PROPERTY_TERMS = {SH.path, SH.name, SH.description, SH.message, SH.severity, SH.minCount, SH.maxCount, SH["class"],
                   SH.datatype, SH["or"], SH["in"], SH.nodeKind, SH.pattern, SH.minInclusive,
                   SH.qualifiedValueShape, SH.qualifiedMinCount}
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
#: XSD datatypes Oxigraph can cast to, which tells a well-formed literal from an ill-typed one.
_CASTABLE = {XSD[name] for name in ("string", "boolean", "integer", "decimal", "float", "double", "dateTime", "date",
                                    "time", "gYear", "gYearMonth", "gMonthDay", "gMonth", "gDay", "duration",
                                    "yearMonthDuration", "dayTimeDuration")}
_NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
               SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.BlankNodeOrLiteral: "!isIRI(?value)",
               SH.IRIOrLiteral: "!isBlank(?value)"}
_SCAN_TESTS = frozenset({"in", "minInclusive", "datatype", "or"})  # compare encoded terms, no decoding
_COUNT_KINDS = frozenset({"minCount", "maxCount", "qualifiedMinCount"})  # reported without a value


@dataclass(frozen=True)
class Check:
    """One constraint of one property shape, as a SPARQL SELECT of the focus nodes that break it.

    ``shape`` is the property shape's IRI, ``path`` its path (an IRI, or ``^``
    and an IRI for an inverse path), ``kind`` the constraint (``minCount``,
    ``class``, ``or``, ...).  ``sparql`` returns ``?focus`` (and ``?value``
    when a value is at fault) for every violation in the store;
    ``local_sparql`` is the same check for a ``?focus`` bound from outside;
    ``target`` is the node shape's pattern of focus nodes.
    """

    shape: str
    path: str
    severity: str
    message: str
    sparql: str
    kind: str
    local_sparql: str
    target: str

    @property
    def reports_value(self) -> bool:
        """Return whether each result names the value at fault (not only the focus node)."""
        return self.kind not in _COUNT_KINDS

    def query(self, graphs: Sequence[str] | None = None, *, local: bool = False, few: bool = False) -> str:
        """Return the query restricted to the focus nodes ``graphs`` touch.

        ``local`` checks the touched nodes one by one (few of them); ``few``
        checks the target's nodes one by one (few of them in the store), those
        ``graphs`` touch only; otherwise the whole store is checked and the
        touched nodes at fault kept.  Graph IRIs are written by pyoxigraph, so
        an IRI cannot change the query.
        """
        if graphs is None:
            return _EACH.format(focus=self.target, check=self.local_sparql) if local or few else self.sparql
        names = [str(ox.NamedNode(g)) for g in graphs]
        scope = f"VALUES ?scopeGraph {{ {' '.join(names)} }}"
        touched = _TOUCHED_INVERSE if self.path.startswith("^") else _TOUCHED
        if local:
            return _EACH.format(focus=f"{scope} {touched}", check=self.local_sparql)
        if few:
            return _EACH.format(focus=f"{self.target} FILTER EXISTS {{ {scope} {touched} }}", check=self.local_sparql)
        return _WIDE_QUERY.format(graphs=", ".join(names), touched=touched, check=self.sparql)


def compile_shapes(shapes: rdflib.Graph) -> list[Check]:
    """Compile each constraint of each targeted node shape into a :class:`Check`.

    Parameters
    ----------
    shapes : rdflib.Graph
        A SHACL shapes graph, such as :func:`echos_graph.ontology.shapes_graph`.

    Returns
    -------
    list of Check
        Ordered by node shape, property shape and constraint.

    Raises
    ------
    echos_graph.errors.OntologyError
        If a shape uses a SHACL term outside the supported subset, a node
        shape has no ``sh:targetClass``, or a property shape belongs to no
        node shape (in the last two cases nothing would be checked).

    Examples
    --------
    >>> from echos_graph.ontology import shapes_graph
    >>> checks = compile_shapes(shapes_graph())
    >>> sorted({c.kind for c in checks})[:4]
    ['class', 'datatype', 'in', 'maxCount']
    """
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape))
    for predicate in _TARGETS:
        nodes |= set(shapes.subjects(predicate, None))
    used: set[Node] = set()
    checks: list[Check] = []
    for node in sorted(nodes, key=str):
        _allow(shapes, node, _NODE_TERMS, {SH.NodeShape})
        classes = sorted(shapes.objects(node, SH.targetClass), key=str)
        if not classes:
            raise OntologyError(f"shape {node} has no sh:targetClass, so nothing would be checked; give it one")
        target = " UNION ".join(_TARGET.format(cls=_term(shapes, node, c)) for c in classes)
        for prop in sorted(shapes.objects(node, SH.property), key=str):
            used.add(prop)
            checks += _compile_property(shapes, prop, target)
    for prop in sorted(set(shapes.subjects(RDF.type, SH.PropertyShape)) - used, key=str):
        raise OntologyError(f"property shape {prop} is not the sh:property of a node shape with a "
                            "sh:targetClass, so nothing would be checked; attach it to one")
    return checks


def _compile_property(shapes: rdflib.Graph, prop: Node, target: str) -> list[Check]:
    """Return the checks of one property shape, for the focus nodes that ``target`` matches."""
    _allow(shapes, prop, _PROPERTY_TERMS, {SH.PropertyShape})
    path, triple = _path(shapes, prop)
    severity = _one(shapes, prop, SH.severity) or SH.Violation
    if severity not in _SEVERITIES:
        raise OntologyError(f"shape {prop} has sh:severity {severity}; use sh:Violation, sh:Warning or sh:Info")
    messages = sorted(shapes.objects(prop, SH.message), key=lambda m: (getattr(m, "language", None) or "", str(m)))
    message = str(messages[0]) if messages else f"breaks the shape {prop}"
    found: list[tuple[str, str, str]] = []

    def values(kind: str, fault: str, local_fault: str | None = None) -> None:
        whole = (_VALUE_SCAN if kind in _SCAN_TESTS else _VALUE_DISTINCT).format(target=target, triple=triple,
                                                                                  fault=fault)
        found.append((kind, whole, _VALUE.format(target=target, triple=triple, fault=local_fault or fault)))

    if (low := _one(shapes, prop, SH.minCount)) is not None and _count(prop, low):
        missing = _missing(target, triple, "", _count(prop, low))
        found.append(("minCount", missing, missing))
    if (high := _one(shapes, prop, SH.maxCount)) is not None:
        n = _count(prop, high)
        local = _EXCESS.format(target=target, triple=triple, n=n)
        # with sh:maxCount 0 one value is too many, so the shortcut (two triples first) does not hold
        found.append(("maxCount", _EXCESS_WHOLE.format(target=target, triple=triple, n=n) if n else local, local))
    if (cls := _one(shapes, prop, SH["class"])) is not None:
        term = _term(shapes, prop, cls)
        values("class", _NOT_INSTANCE.format(cls=term), _NOT_INSTANCE_LOCAL.format(cls=term))
    if (datatype := _one(shapes, prop, SH.datatype)) is not None:
        values("datatype", f"FILTER (!{_datatype_test(shapes, prop, datatype)})")
    if (either := _one(shapes, prop, SH["or"])) is not None:
        tests = [_datatype_test(shapes, prop, _datatype_only(shapes, prop, m)) for m in _items(prop, either, shapes)]
        values("or", f"FILTER (!({' || '.join(tests) or 'false'}))")
    if (allowed := _one(shapes, prop, SH["in"])) is not None:
        members = [f"sameTerm(?value, {_term(shapes, prop, v)})" for v in _items(prop, allowed, shapes)]
        values("in", f"FILTER (!({' || '.join(members) or 'false'}))")
    if (kind := _one(shapes, prop, SH.nodeKind)) is not None:
        if kind not in _NODE_KINDS:
            raise OntologyError(f"shape {prop} has sh:nodeKind {kind}, which is not a SHACL node kind")
        values("nodeKind", f"FILTER (!{_NODE_KINDS[kind]})")  # type: ignore[index]
    if (pattern := _one(shapes, prop, SH.pattern)) is not None:
        values("pattern", f"FILTER (isBlank(?value) || !REGEX(STR(?value), {_regex(shapes, prop, pattern)}))")
    if (minimum := _one(shapes, prop, SH.minInclusive)) is not None:
        values("minInclusive", f"FILTER (!COALESCE(?value >= {_term(shapes, prop, minimum)}, false))")
    if (qualified := _qualified(shapes, prop, target, triple)) is not None:
        found.append(("qualifiedMinCount", qualified, qualified))
    return [Check(str(prop), path, _SEVERITIES[severity], message, whole, kind, local, target)  # type: ignore[index]
            for kind, whole, local in found]


def _missing(target: str, triple: str, qualify: str, n: int) -> str:
    """Return the query of focus nodes with fewer than ``n`` (qualifying) values."""
    present = f"{qualify}{triple}" if n == 1 else _PRESENT_N.format(qualify=qualify, triple=triple, n=n)
    return _MISSING.format(target=target, present=present)


def _qualified(shapes: rdflib.Graph, prop: Node, target: str, triple: str) -> str | None:
    """Return the query of an sh:qualifiedValueShape holding an sh:in list, with sh:qualifiedMinCount."""
    inner, low = _one(shapes, prop, SH.qualifiedValueShape), _one(shapes, prop, SH.qualifiedMinCount)
    if inner is None and low is None:
        return None
    if inner is None or low is None:
        raise OntologyError(f"shape {prop} needs both sh:qualifiedValueShape and sh:qualifiedMinCount")
    _allow(shapes, inner, {SH["in"]}, set())
    allowed = _one(shapes, inner, SH["in"])
    if allowed is None:
        raise OntologyError(f"the sh:qualifiedValueShape of {prop} must be [ sh:in ( ... ) ]")
    qualify = f"VALUES ?value {{ {' '.join(_term(shapes, prop, v) for v in _items(prop, allowed, shapes))} }} "
    return _missing(target, triple, qualify, _count(prop, low)) if _count(prop, low) else None


def _allow(shapes: rdflib.Graph, node: Node, terms: set[URIRef], types: set[URIRef]) -> None:
    """Raise OntologyError if ``node`` uses a SHACL term outside ``terms`` or an rdf:type outside ``types``."""
    for predicate, value in shapes.predicate_objects(node):
        if predicate == RDF.type and value not in types:
            raise OntologyError(f"shape {node} has rdf:type {value}, which echos_graph.shapecheck does not support "
                                "(it could add targets)")
        if str(predicate).startswith(str(SH)) and predicate not in terms:
            raise OntologyError(f"shape {node} uses {predicate}, which echos_graph.shapecheck does not support; "
                                "add it to shapecheck.py (and its differential test) before using it in a shape")


def _one(shapes: rdflib.Graph, node: Node, predicate: URIRef) -> Node | None:
    """Return the single value of ``predicate`` on ``node``, None if absent; raise if several."""
    found = list(shapes.objects(node, predicate))
    if len(found) > 1:
        raise OntologyError(f"shape {node} has {len(found)} values of {predicate}; give it one")
    return found[0] if found else None


def _count(node: Node, value: Node) -> int:
    """Return a cardinality, or raise if it is not a non-negative integer."""
    if isinstance(value, Literal) and isinstance(value.value, int) and value.value >= 0:
        return value.value
    raise OntologyError(f"shape {node} has the count {value!r}, which is not a non-negative xsd:integer")


def _term(shapes: rdflib.Graph, node: Node, term: Node) -> str:
    """Return an IRI or literal of the shapes as SPARQL text, written (and escaped) by pyoxigraph."""
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


def _items(node: Node, head: Node, shapes: rdflib.Graph) -> list[Node]:
    """Return the members of an RDF list, or raise if ``head`` is not a list."""
    if not isinstance(head, BNode) and head != RDF.nil:
        raise OntologyError(f"shape {node} has {head} where an RDF list ( ... ) is expected")
    return list(shapes.items(head))


def _path(shapes: rdflib.Graph, prop: Node) -> tuple[str, str]:
    """Return a property shape's path as text (``iri`` or ``^iri``) and as a triple pattern."""
    path = _one(shapes, prop, SH.path)
    if isinstance(path, URIRef):
        return str(path), f"?focus {_term(shapes, prop, path)} ?value"
    if isinstance(path, BNode):
        _allow(shapes, path, {SH.inversePath}, set())
        inverse = _one(shapes, path, SH.inversePath)
        if isinstance(inverse, URIRef) and len(set(shapes.predicate_objects(path))) == 1:
            return f"^{inverse}", f"?value {_term(shapes, prop, inverse)} ?focus"
    raise OntologyError(f"shape {prop} has the sh:path {path!r}; only an IRI or [ sh:inversePath IRI ] is supported")


def _datatype_test(shapes: rdflib.Graph, prop: Node, datatype: Node) -> str:
    """Return a SPARQL test that ``?value`` is a well-formed literal of exactly ``datatype``."""
    if datatype not in _CASTABLE:
        raise OntologyError(f"shape {prop} has sh:datatype {datatype}, which echos_graph.shapecheck cannot check; "
                            f"use one of {', '.join(sorted(str(d) for d in _CASTABLE))}")
    # Only a well-formed literal of that very datatype casts to itself; comparing encoded values this way is
    # three times faster than DATATYPE(?value) = ..., which builds an IRI per value.
    return f"COALESCE(sameTerm({_term(shapes, prop, datatype)}(?value), ?value), false)"


def _datatype_only(shapes: rdflib.Graph, prop: Node, member: Node) -> Node:
    """Return the datatype of an sh:or member that is exactly [ sh:datatype D ]."""
    _allow(shapes, member, {SH.datatype}, set())
    datatype = _one(shapes, member, SH.datatype)
    if datatype is None or len(set(shapes.predicate_objects(member))) != 1:
        raise OntologyError(f"shape {prop} has an sh:or member other than [ sh:datatype ... ]; "
                            "only alternatives of datatypes are supported")
    return datatype


def _regex(shapes: rdflib.Graph, prop: Node, pattern: Node) -> str:
    """Return an sh:pattern as a SPARQL string, once Oxigraph has shown it can compile it."""
    text = _term(shapes, prop, Literal(str(pattern)))
    if next(iter(ox.Store().query(f'SELECT (REGEX("", {text}) AS ?ok) {{}}')))["ok"] is None:  # type: ignore[index,arg-type]
        raise OntologyError(f"shape {prop} has sh:pattern {str(pattern)!r}, which SPARQL's regular expressions "
                            "(XPath syntax) do not accept; rewrite it")
    return text


@cache
def _default_checks() -> tuple[Check, ...]:
    """Return the checks of ``ontology/shapes.ttl``, compiled once."""
    from .ontology import shapes_graph

    return tuple(compile_shapes(shapes_graph()))


def check_store(
    store: Any,
    *,
    graphs: Sequence[str] | None = None,
    origins: Mapping[str, str] | None = None,
    shapes: rdflib.Graph | None = None,
    triples: int | None = None,
) -> ValidationReport:
    """Check a store (or a transaction) against the shapes, with queries run inside it.

    Constraints see the union of all named graphs, so a fact from another
    source can complete an entity.

    Parameters
    ----------
    store : GraphStore or Transaction
        Anything whose ``query(sparql)`` runs Oxigraph's SPARQL (with
        ``LATERAL``) over the union of its named graphs.
    graphs : sequence of str, optional
        Named graphs, such as a new source's evidence and catalogue graphs:
        only focus nodes that are the subject of a triple in one of them (or
        its object, for an inverse path) are checked.  None checks all.
    origins : mapping of str to str, optional
        Entity IRI to the place it came from (``data/hubs.csv:4``).
    shapes : rdflib.Graph, optional
        The shapes; defaults to ``ontology/shapes.ttl``.

    triples : int, optional
        The number of triples in ``graphs`` when the caller knows it (saves
        counting them); reported as :attr:`ValidationReport.triples`.

    Returns
    -------
    ValidationReport
        Violations sorted as :func:`echos_graph.validate.validate_graph` sorts
        them; a check with more than :data:`MAX_REPORTED` lists that many,
        then one line counting the rest.  ``triples`` counts the triples of
        the checked graphs (of all graphs if ``graphs`` is None), once per
        graph that states them.

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
    local = False
    if graphs is None:
        triples = _number(store.query(_COUNT_STORE))
    else:
        names = " ".join(str(ox.NamedNode(g)) for g in graphs)
        if triples is None:  # the caller may know it (an ingester counts what it writes)
            triples = _number(store.query(_COUNT_TRIPLES.format(graphs=names)))
        if triples <= _LOCAL_MAX:  # above, checking node by node takes longer than any store we hold
            limit = LOCAL_RATIO * triples + 1  # count no further than needed to decide
            local = _number(store.query(_COUNT_UP_TO.format(pattern="?s ?p ?o", limit=limit))) >= limit
    # A target with few nodes in the whole store (the hubs, say) is checked node by node: reading a
    # property of every node to check forty of them took a second at s100k.
    targets = dict.fromkeys(check.target for check in checks)
    few = dict.fromkeys(targets, False) if local else {  # touched nodes checked one by one already
        target: _number(store.query(_COUNT_UP_TO.format(pattern=target, limit=FEW_TARGETS + 1))) <= FEW_TARGETS
        for target in targets}

    def run(check: Check) -> tuple[list[tuple[Check, Any, Any]], Violation | None]:
        """Run one check: its violations (at most MAX_REPORTED) and a note counting the rest."""
        query = check.query(graphs, local=local, few=few[check.target])
        rows = list(store.query(f"{query}\nLIMIT {MAX_REPORTED + 1}"))
        note = None
        if len(rows) > MAX_REPORTED:
            rows = rows[:MAX_REPORTED]
            more = _number(store.query(_COUNT_ROWS.format(query=query))) - MAX_REPORTED
            note = Violation(check.severity, "", "", check.path, "",
                             f"and {more} more like this, not listed: {check.message}", check.shape, "")
        return [(check, row["focus"], row["value"] if check.reports_value else None) for row in rows], note

    # Oxigraph releases the GIL while it evaluates, so the checks run side by side on every core.
    found: list[tuple[Check, Any, Any]] = []
    notes: list[Violation] = []
    with ThreadPoolExecutor(max_workers=min(len(checks), os.cpu_count() or 1) or 1) as pool:
        for rows, note in pool.map(run, checks):
            found += rows
            notes += [note] if note is not None else []
    labels = _labels(store, {focus for _, focus, _ in found})
    violations = sorted(
        (Violation(check.severity, focus.value, labels.get(focus.value, ""), check.path,
                   "" if value is None else value.value, check.message, check.shape,
                   (origins or {}).get(focus.value, ""))
         for check, focus, value in found),
        key=lambda v: (v.origin, v.focus, v.path, v.message),
    )
    return ValidationReport(not violations, tuple(violations + notes), triples)


def _labels(store: Any, nodes: Iterable[Any]) -> dict[str, str]:
    """Return the skos:prefLabel of each named node in ``nodes`` that has one (one query)."""
    named = sorted(str(n) for n in nodes if isinstance(n, ox.NamedNode))
    if not named:
        return {}
    result = store.query(_LABELS.format(nodes=" ".join(named), pref=ox.NamedNode(str(SKOS.prefLabel))))
    return {row["focus"].value: row["name"].value for row in result if row["name"] is not None}


def _number(result: Any) -> int:
    """Return the ``?n`` of a one-row COUNT query."""
    return int(next(iter(result))["n"].value)
