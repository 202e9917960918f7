"""Prefixes and IRIs of echos-graph, in one place.

Every module that names an RDF term imports it from here, so that an IRI is
spelt once.  Standard vocabularies come from :mod:`rdflib.namespace`, which
holds closed namespaces for W3C ORG, SKOS, PROV-O and DCTERMS.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - made on first use, see __getattr__
    from rdflib import Namespace
    from rdflib.namespace import (
        DCAT,
        DCTERMS,
        FOAF,
        ORG,
        OWL,
        PROV,
        RDF,
        RDFS,
        SKOS,
        XSD,
    )

    ECHO: Namespace
    ID: Namespace
    EURIO: Namespace
    SH: Namespace

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

#: Prefixes offered to every SPARQL query and used when serialising (the namespaces below, as text).
PREFIXES: dict[str, str] = {
    "echo": BASE + "ontology#",
    "id": BASE + "id/",
    "eurio": "http://data.europa.eu/s66#",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "qb": "http://purl.org/linked-data/cube#",
}

#: Our namespaces, made with rdflib on first use: ``ECHO`` (our ontology's own terms: classes,
#: properties, named individuals), ``ID`` (instance data: organisations, hubs, initiatives, concepts,
#: graphs), ``EURIO`` (EU Research Information Ontology, the CORDIS data model) and ``SH`` (W3C Shapes
#: Constraint Language).
_OWN = {"ECHO": "echo", "ID": "id", "EURIO": "eurio", "SH": "sh"}
#: The closed namespaces rdflib ships, imported from :mod:`rdflib.namespace` on first use.
_REUSED = ("DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD")


def __getattr__(name: str) -> Any:
    """Make a namespace the first time it is asked for: importing rdflib takes a tenth of a second.

    Commands that read only the analysis cache (``echos-graph gaps``) need
    the prefixes above as text, never rdflib.
    """
    if name in _OWN:
        from rdflib import Namespace

        value: Any = Namespace(PREFIXES[_OWN[name]])
    elif name in _REUSED:
        import rdflib.namespace

        value = getattr(rdflib.namespace, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


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
    return PREFIXES["id"] + "/".join([kind, *keys])


def graph_iri(*keys: str) -> str:
    """Return the IRI of a named graph (a source or one of its evidence sets).

    Examples
    --------
    >>> graph_iri("bundled")
    'https://w3id.org/echos-graph/id/graph/bundled'
    """
    return id_iri("graph", *keys)
