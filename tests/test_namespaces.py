"""Namespaces: the prefixes as text, and the rdflib namespaces made on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest
import rdflib
import rdflib.namespace

from echos_graph import namespaces

_NAMES = {"echo": "ECHO", "id": "ID", "eurio": "EURIO", "org": "ORG", "skos": "SKOS", "prov": "PROV",
          "dcterms": "DCTERMS", "dcat": "DCAT", "foaf": "FOAF", "owl": "OWL", "rdf": "RDF", "rdfs": "RDFS",
          "xsd": "XSD", "sh": "SH"}


@pytest.mark.parametrize(("prefix", "name"), sorted(_NAMES.items()))
def test_each_prefix_spells_its_namespace(prefix: str, name: str) -> None:
    assert namespaces.PREFIXES[prefix] == str(getattr(namespaces, name))


def test_reused_namespaces_are_rdflibs_own() -> None:
    assert namespaces.XSD is rdflib.namespace.XSD and namespaces.SKOS is rdflib.namespace.SKOS
    assert isinstance(namespaces.ECHO, rdflib.Namespace) and namespaces.ECHO.Hub == rdflib.URIRef(
        "https://w3id.org/echos-graph/ontology#Hub")


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NOPE"):
        namespaces.NOPE  # noqa: B018


def test_the_gaps_command_imports_neither_rdflib_nor_networkx() -> None:
    # `echos-graph gaps` reads the Network from the analysis cache: importing rdflib, NetworkX and
    # NumPy would take longer than the recommendations themselves (issue 4).
    code = ("import sys, echos_graph, echos_graph.cli\n"
            "from echos_graph.analysis import hub_gaps, load_network, recommend, render\n"
            "print(sorted(m for m in ('rdflib', 'networkx', 'numpy', 'pyshacl', 'flask') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
