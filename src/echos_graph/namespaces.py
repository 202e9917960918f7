"""Prefixes and IRIs of echos-graph, in one place.

Every module that names an RDF term imports it from here, so that an IRI is
spelt once.  Standard vocabularies come from :mod:`rdflib.namespace`, which
holds closed namespaces for W3C ORG, SKOS, PROV-O and DCTERMS.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "BASE",
    "DCAT",
    "DCTERMS",
    "ECHO",
    "EURIO",
    "FOAF",
    "ID",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "XSD",
    "graph_iri",
    "id_iri",
    "slug",
]

#: Root of every IRI the project mints.
BASE = "https://w3id.org/echos-graph/"
#: Our ontology's own terms (classes, properties, named individuals).
ECHO = Namespace(BASE + "ontology#")
#: Instance data: organisations, hubs, initiatives, concepts, graphs.
ID = Namespace(BASE + "id/")
#: EU Research Information Ontology (EURIO), the CORDIS data model.
EURIO = Namespace("http://data.europa.eu/s66#")
#: W3C Shapes Constraint Language.
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes offered to every SPARQL query and used when serialising.
PREFIXES: dict[str, str] = {
    "echo": str(ECHO),
    "id": str(ID),
    "eurio": str(EURIO),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "qb": "http://purl.org/linked-data/cube#",
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Return a stable, IRI-safe key for ``text``.

    Accents are folded, case is lowered and every run of other characters
    becomes one hyphen, so the same name always gives the same key.

    Examples
    --------
    >>> slug("Fundación Tecnalia Research & Innovation")
    'fundacion-tecnalia-research-innovation'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = _NON_SLUG.sub("-", folded.lower()).strip("-")
    if not key:
        raise ValueError(f"cannot make an identifier key from {text!r}: it has no letters or digits")
    return key


def id_iri(kind: str, *keys: str) -> str:
    """Return the instance IRI for an entity of ``kind`` with real ``keys``.

    Examples
    --------
    >>> id_iri("hub", "NO")
    'https://w3id.org/echos-graph/id/hub/NO'
    """
    return str(ID) + "/".join([kind, *keys])


def graph_iri(*keys: str) -> str:
    """Return the IRI of a named graph (a source or one of its evidence sets).

    Examples
    --------
    >>> graph_iri("bundled")
    'https://w3id.org/echos-graph/id/graph/bundled'
    """
    return id_iri("graph", *keys)
