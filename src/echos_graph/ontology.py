"""Load and check the echos-graph ontology, SKOS schemes and SHACL shapes.

The Turtle files in ``ontology/`` are the source of truth for the data model
(``docs/MODEL.md`` is its map).  This module reads them into rdflib graphs,
asks the HermiT reasoner whether they are consistent (alone or with data),
lints them for the slips that reasoners do not catch, and writes their HTML
documentation.  owlready2 is imported here and nowhere else.
"""

from __future__ import annotations

__all__ = ["ONTOLOGY_FILES", "ONTOLOGY_IRI", "SHAPES_FILE", "ConsistencyReport", "LintIssue",
           "check_consistency", "lint", "load_ontology", "shapes_graph", "write_docs"]

import difflib
import html
import importlib.metadata
import logging
import shutil
import sys
import tempfile
import types
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.namespace import SH as SHACL_TERMS
from rdflib.namespace import VANN

from . import namespaces as _ns
from .errors import OntologyError
from .namespaces import (
    BASE,
    DCTERMS,
    ECHO,
    EURIO,
    FOAF,
    ID,
    ORG,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
)
from .resources import ontology_dir

#: The ontology and its SKOS schemes, in load order (the shapes are separate).
ONTOLOGY_FILES: tuple[str, ...] = ("echos.ttl", "sectors.ttl", "themes.ttl", "vocabularies.ttl", "reused-terms.ttl")
#: The SHACL shapes that say what valid data looks like.
SHAPES_FILE = "shapes.ttl"
#: The IRI of the OWL ontology (its terms are in ``ECHO``).
ONTOLOGY_IRI = URIRef(BASE + "ontology")

_DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
_NOT_CLASSES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual,
                RDF.Property, SKOS.Concept}
#: Reused vocabularies that rdflib ships as closed namespaces.  DCAT and XSD are read through the module
#: because, being open, they warn when pytest's doctest collector probes them as globals of this module.
_CLOSED_NAMESPACES = (ORG, SKOS, PROV, DCTERMS, _ns.DCAT, RDF, RDFS, OWL, _ns.XSD, FOAF, SHACL_TERMS)
#: Reused vocabularies whose known terms are listed in ontology/reused-terms.ttl.
_LISTED_NAMESPACES = (str(EURIO), str(VANN))
_SCHEMES = ("sector", "cordis-activity-type", "ror-type", "helix", "theme", "role", "verification", "hub-status",
            "country-status")
_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@dataclass(frozen=True)
class ConsistencyReport:
    """What HermiT said about the ontology and the data checked with it.

    ``consistent`` is False when no model satisfies every axiom and fact;
    ``unsatisfiable`` lists the IRIs of classes that can have no member;
    ``message`` says it for people.
    """

    consistent: bool
    unsatisfiable: list[str]
    message: str

    @property
    def ok(self) -> bool:
        """Return True when consistent and every class is satisfiable."""
        return self.consistent and not self.unsatisfiable


@dataclass(frozen=True)
class LintIssue:
    """One problem :func:`lint` found: its ``code``, the ``term`` (an IRI) and advice."""

    code: str
    term: str
    message: str


def load_ontology(include_shapes: bool = False) -> Graph:
    """Return the ontology and its SKOS schemes as one graph.

    Parameters
    ----------
    include_shapes : bool, optional
        Also load the SHACL shapes (``shapes.ttl``).  Default False.

    Returns
    -------
    rdflib.Graph
        The triples of every file in :data:`ONTOLOGY_FILES` (and the shapes),
        with the project's prefixes bound.

    Raises
    ------
    echos_graph.errors.OntologyError
        If a file is missing or is not valid Turtle.

    Examples
    --------
    >>> (ECHO.Organisation, RDF.type, OWL.Class) in load_ontology()
    True
    """
    names = ONTOLOGY_FILES + ((SHAPES_FILE,) if include_shapes else ())
    return _parse_files(ontology_dir() / name for name in names)


def shapes_graph() -> Graph:
    """Return the SHACL shapes that valid echos-graph data conforms to.

    Returns
    -------
    rdflib.Graph
        The shapes of ``ontology/shapes.ttl``, for ``pyshacl.validate``.

    Raises
    ------
    echos_graph.errors.OntologyError
        If the file is missing or is not valid Turtle.

    Examples
    --------
    >>> from rdflib.namespace import SH
    >>> (None, RDF.type, SH.NodeShape) in shapes_graph()
    True
    """
    return _parse_files([ontology_dir() / SHAPES_FILE])


def check_consistency(data: Graph | None = None, *, ignore_unsupported_datatypes: bool = True) -> ConsistencyReport:
    """Ask the HermiT reasoner whether the ontology, with ``data``, is consistent.

    The ontology, its schemes and the data are written as N-Triples to a
    temporary folder, loaded into a fresh owlready2 ``World`` and classified
    by HermiT, which runs on Java.  SKOS, ORG and the other reused
    vocabularies are not imported as OWL; SKOS concepts are punned as
    individuals, which OWL 2 allows.

    Parameters
    ----------
    data : rdflib.Graph, optional
        Instance data to check with the ontology; for a ``Dataset`` the
        triples of every named graph.
    ignore_unsupported_datatypes : bool, optional
        Let HermiT skip literals whose datatype is not in the OWL 2 datatype
        map (``xsd:date``, ``xsd:gYear``) instead of failing.  Default True.

    Returns
    -------
    ConsistencyReport
        With a message that names likely causes when the check fails.

    Raises
    ------
    echos_graph.errors.OntologyError
        If Java or owlready2 is missing, or HermiT fails for another reason.
    """
    owlready2 = _import_owlready2()
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise OntologyError(
            f"the HermiT reasoner needs Java, but {owlready2.JAVA_EXE!r} is not on PATH; install a Java runtime "
            "(for example apt-get install default-jre-headless) or set owlready2.JAVA_EXE to its path"
        )
    graph = load_ontology()
    for triple in _triples(data) if data is not None else ():
        graph.add(triple)
    with tempfile.TemporaryDirectory(prefix="echos-graph-hermit-") as tmp:
        path = Path(tmp) / "ontology-and-data.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(path.as_uri()).load()
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0,
                                    ignore_unsupported_datatypes=ignore_unsupported_datatypes)
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ConsistencyReport(False, [], _inconsistency_message(graph))
        except owlready2.OwlReadyJavaError as exc:
            raise OntologyError(f"HermiT could not check the ontology: {exc}") from exc
        finally:
            world.close()
    if not unsatisfiable:
        return ConsistencyReport(True, [], "HermiT: consistent, and every class is satisfiable")
    names = ", ".join(_curie(iri) for iri in unsatisfiable)
    return ConsistencyReport(True, unsatisfiable, f"HermiT: consistent, but these classes can have no member: "
                                                  f"{names}; check their subClassOf and disjointness axioms")


def lint(graph: Graph) -> list[LintIssue]:
    """Report slips in an ontology graph that a reasoner would not catch.

    In the spirit of the OOPS! pitfall catalogue [1]_ and the ROBOT report
    queries [2]_, with these codes:

    - ``missing-label``, ``missing-definition``, ``missing-defined-by``,
      ``duplicate-label``: a declared ``echo:`` term lacks ``rdfs:label``,
      ``skos:definition`` or ``rdfs:isDefinedBy``, or shares its label;
    - ``undeclared``: an ``echo:`` IRI is used but not declared;
    - ``unknown-term``: an IRI in the namespace of a reused vocabulary is not
      a term of it (rdflib's closed namespaces for the W3C vocabularies,
      ``ontology/reused-terms.ttl`` for EURIO and VANN);
    - ``subclass-cycle``, ``domain-not-class``, ``range-not-class``.

    Parameters
    ----------
    graph : rdflib.Graph
        The ontology (and shapes) to lint, such as ``load_ontology(True)``.

    Returns
    -------
    list of LintIssue
        Sorted by code and term; empty when nothing was found.

    References
    ----------
    .. [1] Poveda-Villalón, M., Gómez-Pérez, A. and Suárez-Figueroa, M. C. (2014).
       OOPS! (OntOlogy Pitfall Scanner!). Int. J. on Semantic Web and
       Information Systems 10(2), 7-34.
    .. [2] ROBOT report, http://robot.obolibrary.org/report

    Examples
    --------
    >>> g = Graph().parse(data="<urn:a> <http://www.w3.org/2000/01/rdf-schema#subClasOf> <urn:b> .", format="nt")
    >>> [(issue.code, issue.message) for issue in lint(g)]
    [('unknown-term', 'rdfs:subClasOf is not a term of <http://www.w3.org/2000/01/rdf-schema#>; did you mean rdfs:subClassOf?')]
    """
    issues = {*_lint_annotations(graph), *_lint_undeclared(graph), *_lint_unknown_terms(graph), *_lint_structure(graph)}
    return sorted(issues, key=lambda issue: (issue.code, issue.term, issue.message))


def write_docs(out_dir: Path) -> list[Path]:
    """Write the HTML documentation of the ontology and its SKOS schemes.

    pyLODE renders the OWL ontology (``ontology.html``); the concept schemes
    and their crosswalks are tables on one page (``schemes.html``), because
    pyLODE's VocPub profile takes one scheme per document and fails on links
    between schemes; ``index.html`` links both.

    Parameters
    ----------
    out_dir : pathlib.Path
        Folder to write into; created if missing.  Existing pages are replaced.

    Returns
    -------
    list of pathlib.Path
        The pages written: index, ontology, schemes.

    Raises
    ------
    echos_graph.errors.OntologyError
        If pyLODE is missing or fails on the ontology.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    index, ontology_page, schemes = out_dir / "index.html", out_dir / "ontology.html", out_dir / "schemes.html"
    source = ontology_dir() / "echos.ttl"
    ont_pub = _import_ontpub()
    try:
        ont_pub(ontology=str(source)).make_html(destination=ontology_page)
    except Exception as exc:  # pyLODE raises bare Exceptions and ValueErrors
        raise OntologyError(f"pyLODE could not document {source}: {exc}") from exc
    graph = load_ontology()
    schemes.write_text(_render_schemes(graph), encoding="utf-8")
    index.write_text(_render_index(graph), encoding="utf-8")
    return [index, ontology_page, schemes]


def _parse_files(paths: Iterable[Path]) -> Graph:
    """Parse Turtle files into one graph with the project's prefixes."""
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError as exc:
            raise OntologyError(f"the ontology file {path} is missing; restore it from the repository") from exc
        except Exception as exc:  # rdflib raises BadSyntax and others
            raise OntologyError(f"{path} is not valid Turtle: {exc}") from exc
    return graph


def _triples(data: Graph) -> Iterator[tuple[Any, Any, Any]]:
    """Yield the triples of a graph, or of every named graph of a dataset."""
    if isinstance(data, ConjunctiveGraph):
        yield from ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        yield from data


def _curie(term: URIRef | str) -> str:
    """Shorten an IRI with the project's prefixes, for messages."""
    text = str(term)
    matches = [(len(ns), prefix, ns) for prefix, ns in PREFIXES.items() if text.startswith(ns)]
    if not matches:
        return f"<{text}>"
    _, prefix, ns = max(matches)
    return f"{prefix}:{text[len(ns):]}"


def _import_owlready2() -> Any:
    """Import owlready2, or say how to install it."""
    try:
        import owlready2
    except ImportError as exc:
        raise OntologyError("the consistency check needs owlready2: pip install owlready2") from exc
    return owlready2


def _inconsistency_message(graph: Graph) -> str:
    """Explain an inconsistency with the clashes a lookup can find."""
    head = "HermiT: the ontology and data are inconsistent"
    if clashes := _disjoint_clashes(graph):
        return f"{head}; individuals typed with disjoint classes: " + "; ".join(clashes[:10])
    return (f"{head}; look for an IRI used as two disjoint kinds of thing (an echo:Organisation that is also an "
            "echo:Country or echo:Initiative, often through a property's domain or range) or a literal of the wrong "
            "datatype (echo:ecContribution needs xsd:decimal, echo:recordCount xsd:nonNegativeInteger, "
            "identifiers xsd:string)")


def _disjoint_clashes(graph: Graph) -> list[str]:
    """List individuals whose asserted types include two disjoint classes."""
    pairs = {frozenset(pair) for pair in graph.subject_objects(OWL.disjointWith)}
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(node, OWL.members)))  # type: ignore[arg-type]
        pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:])
    clashes: set[str] = set()
    for thing in set(graph.subjects(RDF.type, None)):
        kinds = {sup for cls in graph.objects(thing, RDF.type) for sup in graph.transitive_objects(cls, RDFS.subClassOf)}
        clashes.update(f"{_curie(thing)} is both " + " and ".join(sorted(_curie(c) for c in pair))  # type: ignore[arg-type]
                       for pair in pairs if len(pair) == 2 and pair <= kinds)
    return sorted(clashes)


def _iris(graph: Graph) -> set[URIRef]:
    """Return every IRI a graph uses, including the datatypes of its literals."""
    found = {node for triple in graph for node in triple if isinstance(node, URIRef)}
    found |= {node.datatype for triple in graph for node in triple if isinstance(node, Literal) and node.datatype}
    return found


def _ours(graph: Graph) -> set[URIRef]:
    """Return the echo: terms declared in the graph."""
    return {s for kind in _DECLARATIONS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and s in ECHO}


def _lint_annotations(graph: Graph) -> Iterator[LintIssue]:
    """Find echo: terms without label, definition or rdfs:isDefinedBy, or with a shared label."""
    required = ((RDFS.label, "missing-label", "an rdfs:label in English"),
                (SKOS.definition, "missing-definition", "a skos:definition in English"),
                (RDFS.isDefinedBy, "missing-defined-by", f"rdfs:isDefinedBy <{ONTOLOGY_IRI}>"))
    labelled: dict[Literal, list[URIRef]] = defaultdict(list)
    for term in _ours(graph):
        for predicate, code, what in required:
            if graph.value(term, predicate) is None:
                yield LintIssue(code, str(term), f"{_curie(term)} has no {_curie(predicate)}; add {what}")
        for label in graph.objects(term, RDFS.label):
            labelled[label].append(term)  # type: ignore[index]
    for label, terms in labelled.items():
        for term in terms if len(terms) > 1 else ():
            others = ", ".join(_curie(t) for t in sorted(terms) if t != term)
            yield LintIssue("duplicate-label", str(term),
                            f"{_curie(term)} has the label {label!r}, as {others} does; make the labels distinct")


def _lint_undeclared(graph: Graph) -> Iterator[LintIssue]:
    """Find echo: IRIs that are used but not declared."""
    declared = _ours(graph)
    for iri in _iris(graph):
        if iri in ECHO and iri not in declared:
            yield LintIssue("undeclared", str(iri), f"{_curie(iri)} is used but not declared; declare it in "
                            "ontology/echos.ttl as owl:Class, owl:ObjectProperty, owl:DatatypeProperty, "
                            "owl:AnnotationProperty or owl:NamedIndividual, or fix its spelling")


def _lint_unknown_terms(graph: Graph) -> Iterator[LintIssue]:
    """Find IRIs in reused vocabularies' namespaces that those vocabularies do not define."""
    listed = {str(t) for t in _parse_files([ontology_dir() / "reused-terms.ttl"]).subjects(RDFS.isDefinedBy, None)}
    for iri in _iris(graph):
        text = str(iri)
        closed = next((ns for ns in _CLOSED_NAMESPACES if text.startswith(str(ns))), None)
        if closed is not None:
            namespace, known, names = str(closed), iri in closed, [str(name) for name in dir(closed)]
        else:
            namespace = next((ns for ns in _LISTED_NAMESPACES if text.startswith(ns)), "")
            known, names = text in listed, [term for term in listed if term.startswith(namespace)]
        if not namespace or known or text == namespace:
            continue
        local, names = text.removeprefix(namespace), [name.removeprefix(namespace) for name in names]
        guess = difflib.get_close_matches(local, names, n=1)
        hint = f"; did you mean {_curie(namespace + guess[0])}?" if guess else "; check its spelling"
        if namespace in _LISTED_NAMESPACES:
            hint += " (add a term to ontology/reused-terms.ttl once its spelling is checked)"
        yield LintIssue("unknown-term", text, f"{_curie(iri)} is not a term of <{namespace}>{hint}")


def _lint_structure(graph: Graph) -> Iterator[LintIssue]:
    """Find classes that are their own subclass, and domains or ranges that are not classes."""
    for cls in {c for c in graph.subjects(RDFS.subClassOf, None) if isinstance(c, URIRef)}:
        if any(cls in set(graph.transitive_objects(sup, RDFS.subClassOf)) for sup in graph.objects(cls, RDFS.subClassOf)):
            yield LintIssue("subclass-cycle", str(cls), f"{_curie(cls)} is a subclass of itself; break the cycle")
    for axiom, code in ((RDFS.domain, "domain-not-class"), (RDFS.range, "range-not-class")):
        for prop, target in graph.subject_objects(axiom):
            kinds = set(graph.objects(target, RDF.type))
            if isinstance(target, Literal) or (kinds & _NOT_CLASSES and OWL.Class not in kinds):
                yield LintIssue(code, str(prop), f"{_curie(prop)} has {_curie(axiom)} {target}, which is not a class")  # type: ignore[arg-type]


def _import_ontpub() -> Any:
    """Import pyLODE's OntPub, working round its 3.4.1 packaging bug (RDFLib/pyLODE#260)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        if "pylode.version" not in sys.modules:  # pylode/version.py opens a pyproject.toml that wheels lack
            stub = types.ModuleType("pylode.version")
            stub.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
            sys.modules["pylode.version"] = stub
        from pylode import OntPub
    except ImportError as exc:
        raise OntologyError("writing the documentation needs pyLODE: pip install pylode") from exc
    finally:  # importing pyLODE sets the root logger to DEBUG with its own handler; undo that
        root.setLevel(level)
        root.handlers[:] = handlers
    return OntPub


def _anchor(term: Any) -> str:
    """Return the HTML id of a concept or scheme."""
    return str(term).removeprefix(str(ID)).replace("/", "-")


def _scheme_order(scheme: Any) -> tuple[int, str]:
    """Sort the project's schemes in reading order, any others after them."""
    key = str(scheme).removeprefix(str(ID))
    return (_SCHEMES.index(key) if key in _SCHEMES else len(_SCHEMES), key)


def _link(value: Any) -> str:
    """Return an escaped link for an IRI, or escaped text for a literal."""
    text = html.escape(str(value))
    return f'<a href="{text}">{text}</a>' if isinstance(value, URIRef) else text


def _text(graph: Graph, term: Any, predicate: URIRef) -> str:
    """Return the escaped values of a property, joined by commas."""
    return html.escape(", ".join(sorted(str(v) for v in graph.objects(term, predicate))))


def _render_schemes(graph: Graph) -> str:
    """Render every concept scheme as an HTML table with its crosswalks."""
    sections = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=_scheme_order):
        rows = []
        for concept in sorted(graph.subjects(SKOS.inScheme, scheme), key=lambda c: str(graph.value(c, SKOS.notation))):
            links = [f'{mapping.fragment}: <a href="#{_anchor(target)}">'
                     f"{html.escape(str(graph.value(target, SKOS.prefLabel) or target))} ({_curie(target)})</a>"  # type: ignore[arg-type]
                     for mapping in _MAPPINGS for target in sorted(graph.objects(concept, mapping))]  # type: ignore[type-var]
            cells = [f"<code>{_text(graph, concept, SKOS.notation)}</code>", _text(graph, concept, SKOS.prefLabel),
                     _text(graph, concept, SKOS.altLabel), _text(graph, concept, SKOS.definition), "<br>".join(links)]
            rows.append(f'<tr id="{_anchor(concept)}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        source = graph.value(scheme, DCTERMS.source) or graph.value(scheme, DCTERMS.bibliographicCitation)
        sections.append(
            f'<section id="{_anchor(scheme)}"><h2>{_text(graph, scheme, SKOS.prefLabel)}</h2>'
            f"<p><code>{html.escape(str(scheme))}</code></p><p>{_text(graph, scheme, SKOS.definition)}</p>"
            + (f"<p>Source: {_link(source)}</p>" if source is not None else "")
            + "<table><tr><th>Notation</th><th>Label</th><th>Other labels</th><th>Definition</th><th>Mappings</th></tr>"
            + "".join(rows) + "</table></section>")
    return _page("echos-graph concept schemes", "".join(sections))


def _render_index(graph: Graph) -> str:
    """Render the index page that links the ontology and the schemes pages."""
    classes = ", ".join(sorted(str(graph.value(c, RDFS.label)) for c in _ours(graph) if (c, RDF.type, OWL.Class) in graph))
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    return _page("echos-graph ontology", (
        f"<p>Version {html.escape(str(version))}, namespace <code>{html.escape(str(ECHO))}</code>.</p><ul>"
        f'<li><a href="ontology.html">The OWL ontology</a>: the classes {html.escape(classes)}, and their properties.</li>'
        '<li><a href="schemes.html">The SKOS concept schemes</a>: stakeholder sectors with their crosswalks to CORDIS '
        "activity types, ROR organisation types and quadruple-helix sectors; Mission objectives and themes; roles; "
        "verification, hub and country statuses.</li></ul>"))


def _page(title: str, body: str) -> str:
    """Wrap a body in a small standalone HTML page."""
    style = ("body{font-family:sans-serif;max-width:72em;margin:auto;padding:0 1em}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;text-align:left}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n")
