"""The SPARQL 1.1 Service Description of our endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import PREFIXES
from .results import triples_format

__all__ = ["service_description"]

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"


def service_description(endpoint: str, fmt: str = "ttl", *, update: bool = False) -> bytes:
    """Describe the endpoint at ``endpoint`` with the sd: vocabulary.

    Parameters
    ----------
    endpoint : str
        The absolute URL of the endpoint.
    fmt : str
        A key of :data:`echos_graph.results.GRAPH_FORMATS`.
    update : bool
        Whether the endpoint also takes SPARQL 1.1 Update (with a token).

    Returns
    -------
    bytes
    """
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    sd = lambda name: ox.NamedNode(_SD + name)  # noqa: E731
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
    ]
    if update:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "TriG", "N-Quads"):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name)))
    return ox.serialize(triples, format=triples_format(fmt), prefixes={"sd": _SD, **PREFIXES}) or b""
