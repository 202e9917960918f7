"""Ingest the bundled real data: the curated CSV files in ``data/``.

The files and their columns are documented in docs/MODEL.md and
data/README.md.  Every row names its source pages and verification status;
each fact goes into the evidence graph of that row (see
:mod:`echos_graph.ingest.evidence`).  Sectors and themes are our
classification from guesses, so they always go into an ``inferred`` evidence
graph whose note quotes the guess.

Rows are checked before anything is written: a wrong value raises a
:class:`~echos_graph.errors.DataError` naming the file, the line, the column,
the value and the fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..namespaces import (
    DCTERMS,
    ECHO,
    EURIO,
    FOAF,
    ID,
    ORG,
    RDF,
    RDFS,
    SKOS,
    XSD,
    id_iri,
)
from ..schemes import Schemes
from .evidence import Fact, IngestResult, SourceBuilder, lit, node
from .tabular import Row, read_csv

__all__ = ["FILES", "SOURCE_NAME", "IngestResult", "ingest_bundled"]

#: The catalogue graph of the bundled data is ``id:graph/bundled``.
SOURCE_NAME = "bundled"

#: The files read, in order, with the columns each must have.
FILES: dict[str, tuple[str, ...]] = {
    "countries.csv": ("iso2", "name", "status"),
    "organisations.csv": ("org_key", "name", "country_iso2", "sector"),
    "initiatives.csv": ("initiative_key", "kind", "title"),
    "participations.csv": ("initiative_key", "org_key", "role"),
    "hubs.csv": ("country_iso2", "name", "level", "status"),
    "hub_memberships.csv": ("hub_country_iso2", "org_key", "role"),
}
_EVIDENCE_COLUMNS = ("source_url", "verification", "verification_note")

_KINDS = {"mission": ECHO.Mission, "project": ECHO.Project, "network": ECHO.Network,
          "programme": ECHO.Programme, "event": ECHO.Event}
_PARTICIPATION_ROLES = ("coordinator", "participant", "associated-partner", "affiliated-entity", "partner")
_MEMBERSHIP_ROLES = ("hub-lead", "hub-member")
_HUB_STATUSES = ("planned", "recognised", "operational", "launched")
_LEVELS = {"national": ECHO.NationalLevel, "regional": ECHO.RegionalLevel, "local": ECHO.LocalLevel}
_COUNTRY_STATUSES = ("eu-member-state", "associated-country")
_ACTIVITY_TYPES = ("HES", "REC", "PUB", "PRC", "OTH")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
#: Codes CORDIS and the EU write that are not ISO 3166-1 (EL is Greece, UK the United Kingdom).
_CORDIS_COUNTRY_CODES = {"EL": "GR", "UK": "GB"}
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")


def _read(folder: Path, name: str) -> tuple[Path, list[Row]]:
    """Read one bundled CSV file, checking its header."""
    path = folder / name
    display = f"data/{name}" if folder.name == "data" else str(path)
    table = read_csv(path, required=(*FILES[name], *_EVIDENCE_COLUMNS), display=display,
                     kind=f"bundled {name} (see docs/MODEL.md for its columns)")
    return path, table.rows


def _split(value: str) -> list[str]:
    """Split a multi-valued cell on ' ; '."""
    return [v.strip() for v in value.split(" ; ") if v.strip()]


def _date(row: Row, column: str) -> ox.Literal | None:
    """Return the column as xsd:date (YYYY-MM-DD) or xsd:gYear (YYYY), or None if empty."""
    value = row.get(column)
    if not value:
        return None
    if re.match(r"^\d{4}$", value):
        return lit(value, XSD.gYear)
    try:
        return lit(dt.date.fromisoformat(value).isoformat(), XSD.date)
    except ValueError:
        raise row.fail(column, f"has {value!r}; write a date as YYYY-MM-DD, or YYYY when only the year is known") from None


def _key(row: Row, column: str) -> str:
    """Return a key column after checking it is IRI-safe."""
    value = row.need(column)
    if not _KEY.match(value) or "//" in value:
        raise row.fail(column, f"has {value!r}; a key holds letters, digits, '-', '_', '.' and '/' only")
    return value


class _Ingest:
    """State of one ingest run of the bundled data."""

    def __init__(self, folder: Path, schemes: Schemes) -> None:
        self.folder = folder
        self.sectors = schemes.sectors
        self.themes = schemes.themes
        self.source = SourceBuilder(SOURCE_NAME, "echos-graph bundled real data", SOURCE_NAME)
        self.organisations: set[str] = set()
        self.initiatives: set[str] = set()
        self.hubs: set[str] = set()
        self.origins: dict[str, str] = {}

    def rows(self, name: str) -> Iterator[Row]:
        """Yield the rows of a file and record it in the catalogue."""
        path, rows = _read(self.folder, name)
        self.source.add_file(rows[0].file if rows else name, path, len(rows))
        yield from rows

    def country(self, row: Row, column: str) -> ox.NamedNode:
        """Return the country node of an ISO code column, declaring unknown countries minimally."""
        code = row.need(column)
        if not _COUNTRY.match(code) or code in _CORDIS_COUNTRY_CODES:
            raise row.fail(column, f"has {code!r}; use an ISO 3166-1 alpha-2 code such as NO or GR "
                           "(CORDIS writes EL for Greece and UK for the United Kingdom: use GR and GB)")
        return self.source.country(row.evidence(), code)

    def ref(self, row: Row, column: str, known: set[str], kind: str, file: str) -> str:
        """Return a key that must name a row of another file."""
        key = _key(row, column)
        if key not in known:
            raise row.fail(column, f"has {key!r}, which is not a key of {file}; add that row there first "
                           "or correct the key")
        return key

    # -- files -------------------------------------------------------------
    def read_countries(self) -> None:
        for row in self.rows("countries.csv"):
            c = self.country(row, "iso2")
            status = row.choice("status", _COUNTRY_STATUSES)
            facts: list[Fact] = [(c, node(SKOS.prefLabel), lit(row.need("name"), lang="en")),
                     (c, node(ECHO.countryStatus), node(ID[f"country-status/{status}"]))]
            if row.get("note"):
                facts.append((c, node(RDFS.comment), lit(row.get("note"), lang="en")))
            self.source.add(row.evidence(), facts)
            self.origins[c.value] = f"{row.file}:{row.line}"

    def read_organisations(self) -> None:
        for row in self.rows("organisations.csv"):
            key = _key(row, "org_key")
            if key in self.organisations:
                raise row.fail("org_key", f"repeats {key!r}; each organisation has one row")
            self.organisations.add(key)
            org = node(id_iri("organisation", key))
            self.origins[org.value] = f"{row.file}:{row.line}"
            facts: list[Fact] = [(org, node(RDF.type), node(ECHO.Organisation)),
                     (org, node(SKOS.prefLabel), lit(row.need("name"))),
                     (org, node(ECHO.country), self.country(row, "country_iso2"))]
            facts += [(org, node(SKOS.altLabel), lit(n)) for n in _split(row.get("alt_names"))]
            if row.get("acronym"):
                facts.append((org, node(ECHO.acronym), lit(row.get("acronym"))))
            if row.get("note"):
                facts.append((org, node(RDFS.comment), lit(row.get("note"), lang="en")))
            self.source.add(row.evidence(), facts)
            sector = row.choice("sector", tuple(sorted(self.sectors)))
            guess = row.get("sector_evidence") or "no guess recorded"
            self.source.add(
                row.evidence(status="inferred", note=f"sector assigned by echos-graph from a guess: {guess}"),
                [(org, node(ORG.classification), node(ID[f"sector/{sector}"]))],
            )
            activity = row.choice("cordis_activity_type_guess", _ACTIVITY_TYPES, optional=True)
            if activity:
                self.source.add(
                    row.evidence(status="inferred", note="CORDIS activity type guessed from the source page, "
                                 "not read from CORDIS"),
                    [(org, node(ECHO.cordisActivityType), node(ID[f"cordis-activity-type/{activity}"]))],
                )

    def read_initiatives(self) -> None:
        rows = list(self.rows("initiatives.csv"))
        for row in rows:
            key = _key(row, "initiative_key")
            if key in self.initiatives:
                raise row.fail("initiative_key", f"repeats {key!r}; each initiative has one row")
            self.initiatives.add(key)
        for row in rows:
            ini = node(str(ID) + row.get("initiative_key"))
            self.origins[ini.value] = f"{row.file}:{row.line}"
            kind = row.choice("kind", _KINDS)
            label = row.get("acronym") or row.need("title")
            facts: list[Fact] = [(ini, node(RDF.type), node(_KINDS[kind])),
                     (ini, node(SKOS.prefLabel), lit(label)),
                     (ini, node(DCTERMS.title), lit(row.need("title"), lang="en"))]
            for column, prop in (("grant_agreement", ECHO.grantAgreement), ("programme", ECHO.programme),
                                 ("call_topic", ECHO.callTopic), ("type_of_action", ECHO.typeOfAction)):
                if row.get(column):
                    facts.append((ini, node(prop), lit(row.get(column))))
            for column, prop in (("start_date", ECHO.startDate), ("end_date", ECHO.endDate)):
                value = _date(row, column)
                if value is not None:
                    facts.append((ini, node(prop), value))
            if row.get("part_of"):
                parent = self.ref(row, "part_of", self.initiatives, "initiative", "initiatives.csv")
                facts.append((ini, node(DCTERMS.isPartOf), node(str(ID) + parent)))
            if row.get("homepage"):
                facts.append((ini, node(FOAF.homepage), node(row.get("homepage"))))
            if row.get("note"):
                facts.append((ini, node(RDFS.comment), lit(row.get("note"), lang="en")))
            self.source.add(row.evidence(), facts)
            themes = _split(row.get("themes"))
            for theme in themes:
                if theme not in self.themes:
                    raise row.fail("themes", f"has {theme!r}; use theme notations from ontology/themes.ttl: "
                                   f"{', '.join(sorted(self.themes))}")
            if themes:
                guess = row.get("theme_evidence") or "no call group recorded"
                self.source.add(
                    row.evidence(status="inferred", note=f"themes assigned by echos-graph from: {guess}"),
                    [(ini, node(ECHO.addressesTheme), node(ID[f"theme/{t}"])) for t in themes],
                )

    def read_participations(self) -> None:
        seen: set[tuple[str, str, str]] = set()
        for row in self.rows("participations.csv"):
            ini_key = self.ref(row, "initiative_key", self.initiatives, "initiative", "initiatives.csv")
            org_key = self.ref(row, "org_key", self.organisations, "organisation", "organisations.csv")
            role = row.choice("role", _PARTICIPATION_ROLES)
            if (ini_key, org_key, role) in seen:
                raise row.fail("role", f"repeats the {role} role of {org_key} in {ini_key}")
            seen.add((ini_key, org_key, role))
            part = node(id_iri("participation", ini_key, org_key, role))
            self.origins[part.value] = f"{row.file}:{row.line}"
            facts: list[Fact] = [(node(str(ID) + ini_key), node(EURIO.hasInvolvedParty), part),
                     (part, node(RDF.type), node(ECHO.Participation)),
                     (part, node(EURIO.isRoleOf), node(id_iri("organisation", org_key))),
                     (part, node(ECHO.role), node(ID[f"role/{role}"])),
                     (part, node(EURIO.roleLabel), lit(role))]
            if row.get("role_detail"):
                facts.append((part, node(ECHO.roleDetail), lit(row.get("role_detail"))))
            if row.get("ec_contribution_eur"):
                value = row.get("ec_contribution_eur")
                if not re.match(r"^\d+(\.\d+)?$", value):
                    raise row.fail("ec_contribution_eur", f"has {value!r}; write euros as a plain number, e.g. 125000.50")
                facts.append((part, node(ECHO.ecContribution), lit(value, XSD.decimal)))
            self.source.add(row.evidence(), facts)

    def read_hubs(self) -> None:
        for row in self.rows("hubs.csv"):
            code = row.need("country_iso2")
            if code in self.hubs:
                raise row.fail("country_iso2", f"repeats {code!r}; one national hub per country")
            hub = node(id_iri("hub", code))
            self.origins[hub.value] = f"{row.file}:{row.line}"
            facts: list[Fact] = [(hub, node(RDF.type), node(ECHO.CancerMissionHub)),
                     (hub, node(SKOS.prefLabel), lit(row.need("name"))),
                     (hub, node(ECHO.country), self.country(row, "country_iso2")),
                     (hub, node(ECHO.hubLevel), node(_LEVELS[row.choice("level", _LEVELS)])),
                     (hub, node(ECHO.hubStatus), node(ID[f"hub-status/{row.choice('status', _HUB_STATUSES)}"]))]
            self.hubs.add(code)
            date = _date(row, "status_date")
            if date is not None:
                facts.append((hub, node(ECHO.statusDate), date))
            if row.get("status_note"):
                facts.append((hub, node(ECHO.statusNote), lit(row.get("status_note"), lang="en")))
            self.source.add(row.evidence(), facts)

    def read_memberships(self) -> None:
        for row in self.rows("hub_memberships.csv"):
            code = self.ref(row, "hub_country_iso2", self.hubs, "hub", "hubs.csv")
            org_key = self.ref(row, "org_key", self.organisations, "organisation", "organisations.csv")
            role = row.choice("role", _MEMBERSHIP_ROLES)
            membership = node(id_iri("membership", code, org_key, role))
            self.origins[membership.value] = f"{row.file}:{row.line}"
            facts: list[Fact] = [(membership, node(RDF.type), node(ORG.Membership)),
                     (membership, node(ORG.member), node(id_iri("organisation", org_key))),
                     (membership, node(ORG.organization), node(id_iri("hub", code))),
                     (membership, node(ORG.role), node(ID[f"role/{role}"]))]
            if row.get("role_detail"):
                facts.append((membership, node(ECHO.roleDetail), lit(row.get("role_detail"))))
            self.source.add(row.evidence(), facts)


def ingest_bundled(folder: Path, *, schemes: Schemes) -> IngestResult:
    """Read the bundled CSV files of ``folder`` into quads, checking every row.

    Parameters
    ----------
    folder : Path
        The folder holding the files of :data:`FILES` (the repository's ``data/``).
    schemes : Schemes
        The sector and theme schemes, from the ontology.

    Returns
    -------
    IngestResult

    Raises
    ------
    echos_graph.errors.DataError
        At the first wrong value, naming its file, line, column and the fix.
    """
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run = _Ingest(folder, schemes)
    run.read_countries()
    run.read_organisations()
    run.read_initiatives()
    run.read_participations()
    run.read_hubs()
    run.read_memberships()
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    quads = run.source.quads + run.source.catalogue(version=__version__, started=started, ended=ended)
    return IngestResult(run.source.graph, quads, run.source.records, run.origins)
