"""Baseline for the ingest benchmark: a CORDIS export turned into triples with plain rdflib.

Reads ``project.csv`` and ``organization.csv`` with the csv module and adds to
one in-memory :class:`rdflib.Graph` roughly the triples echos-graph's model
gives the same rows (docs/MODEL.md): per organisation its type, name, short
name, PIC, country and CORDIS activity type; per project its type, label,
title, grant number, dates, call topic, type of action and programme; per
participation a node with its type, role, role label, EU contribution and the
links to project and organisation.  No validation, no provenance graphs, no
persistence: it is the floor of "just making the triples".

Run as a child process by ``bench_ingest.py``; alone::

    python bench/baseline_rdflib.py DIR      # prints JSON: triples, seconds
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

__all__ = ["convert", "main"]

ECHO = Namespace("https://w3id.org/echos-graph/ontology#")
ID = Namespace("https://w3id.org/echos-graph/id/")
EURIO = Namespace("http://data.europa.eu/s66#")
_ISO = {"EL": "GR", "UK": "GB"}


def _rows(path: Path):
    """Yield the records of a CORDIS CSV file as dicts."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f, delimiter=";", quotechar='"')


def _decimal(value: str) -> Literal:
    """An amount as xsd:decimal, whichever decimal separator CORDIS used."""
    return Literal(value.replace(",", "."), datatype=XSD.decimal)


def convert(folder: Path) -> Graph:
    """Return a graph of the export in ``folder``."""
    g = Graph()
    add = g.add
    for row in _rows(folder / "project.csv"):
        grant = row["id"]
        project = ID[f"project/{grant}"]
        add((project, RDF.type, ECHO.Project))
        add((project, SKOS.prefLabel, Literal(row["acronym"] or row["title"])))
        add((project, DCTERMS.title, Literal(row["title"], lang="en")))
        add((project, ECHO.grantAgreement, Literal(grant)))
        for column, prop in (("startDate", ECHO.startDate), ("endDate", ECHO.endDate)):
            if row[column]:
                add((project, prop, Literal(row[column], datatype=XSD.date)))
        for column, prop in (("topics", ECHO.callTopic), ("fundingScheme", ECHO.typeOfAction),
                             ("frameworkProgramme", ECHO.programme)):
            if row.get(column):
                add((project, prop, Literal(row[column])))
    seen: set[str] = set()
    for row in _rows(folder / "organization.csv"):
        pic = row["organisationID"]
        org = ID[f"organisation/pic/{pic}"]
        if pic not in seen:
            seen.add(pic)
            add((org, RDF.type, ECHO.Organisation))
            add((org, SKOS.prefLabel, Literal(row["name"])))
            add((org, ECHO.pic, Literal(pic)))
            if row.get("shortName"):
                add((org, ECHO.acronym, Literal(row["shortName"])))
            country = _ISO.get(row["country"], row["country"])
            add((org, ECHO.country, ID[f"country/{country}"]))
            if row.get("activityType"):
                add((org, ECHO.cordisActivityType, ID[f"cordis-activity-type/{row['activityType']}"]))
        role = row["role"]
        part = URIRef(f"{ID}participation/project/{row['projectID']}/{pic}/{role}")
        add((ID[f"project/{row['projectID']}"], EURIO.hasInvolvedParty, part))
        add((part, RDF.type, ECHO.Participation))
        add((part, EURIO.isRoleOf, org))
        add((part, ECHO.role, ID[f"role/{role}"]))
        add((part, EURIO.roleLabel, Literal(role)))
        if row.get("ecContribution"):
            add((part, ECHO.ecContribution, _decimal(row["ecContribution"])))
    return g


def main(argv: list[str] | None = None) -> int:
    """Convert the export in the folder named on the command line; print JSON."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python bench/baseline_rdflib.py DIR", file=sys.stderr)
        return 2
    started = time.perf_counter()
    graph = convert(Path(args[0]))
    print(json.dumps({"triples": len(graph), "seconds": round(time.perf_counter() - started, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
