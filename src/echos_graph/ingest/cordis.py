"""Ingest a CORDIS bulk export: ``project.csv`` and ``organization.csv``.

The export of Horizon Europe (and Horizon 2020) projects as the EU
publishes it (DOI 10.2906/112117098108/20): ``;``-separated, every field
quoted, fields that may hold separators and newlines, a byte-order mark.
Columns are read by header name, never by position; optional columns may be
absent.  A folder holding the two files or the zip as downloaded are both
accepted.  The JSON export (``cordis-HORIZONprojects-json.zip``, with
``project.json`` and ``organization.json``: arrays of records keyed by the
same column names) is read the same way, with the same checks.

Organisations are keyed by the CORDIS organisation id (the PIC), projects
by grant agreement number; each participation becomes a EURIO role node
with its role, order and EU contribution.  The activity type becomes a
sector through the crosswalk in ``ontology/sectors.ttl`` (an ``inferred``
fact); CORDIS country codes EL and UK become ISO GR and GB.

Large exports take the bulk path: quads are written as N-Quads text and
bulk-loaded by the store.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import DataError
from ..namespaces import (
    DCTERMS,
    ECHO,
    EURIO,
    ID,
    ORG,
    RDF,
    SKOS,
    XSD,
    graph_iri,
    id_iri,
)
from ..schemes import Schemes
from .evidence import Evidence, IngestResult, SourceBuilder
from .identity import IdentityIndex, OrganisationKeys
from .nquads import NQuadsFile, iri, literal
from .tabular import (
    Row,
    Table,
    check_zip,
    decode,
    iter_csv_text,
    iter_json_records,
    read_file,
)

__all__ = ["CORDIS_DOI", "ROLES", "read_cordis"]

#: The CORDIS Horizon Europe dataset the format follows.
CORDIS_DOI = "https://doi.org/10.2906/112117098108/20"

#: CORDIS role values (compared case-insensitively) and the role concept each becomes.
ROLES = {
    "coordinator": "coordinator",
    "participant": "participant",
    "associatedpartner": "associated-partner",
    "thirdparty": "affiliated-entity",
    "internationalpartner": "partner",
    "partner": "partner",
}
_PROJECT_REQUIRED = ("id", "title")
_ORG_REQUIRED = ("projectID", "organisationID", "name", "country", "role")
_COUNTRY_FIX = {"EL": "GR", "UK": "GB"}
_GRANT = re.compile(r"^\d{6,9}$")
_PIC = re.compile(r"^\d{9}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

# Serialised terms of the bulk path, made once.
_TYPE, _LABEL, _ALT = iri(str(RDF.type)), iri(str(SKOS.prefLabel)), iri(str(SKOS.altLabel))
_COUNTRY_P, _NOTATION, _TITLE = iri(str(ECHO.country)), iri(str(SKOS.notation)), iri(str(DCTERMS.title))
_PIC_P, _ACRONYM, _ACTIVITY = iri(str(ECHO.pic)), iri(str(ECHO.acronym)), iri(str(ECHO.cordisActivityType))
_CLASSIFICATION, _GRANT_P = iri(str(ORG.classification)), iri(str(ECHO.grantAgreement))
_INVOLVED, _ROLE_OF, _ROLE = iri(str(EURIO.hasInvolvedParty)), iri(str(EURIO.isRoleOf)), iri(str(ECHO.role))
_CONTRIBUTION, _ORDER = iri(str(ECHO.ecContribution)), iri(str(ECHO.participantOrder))
_ORGANISATION, _PROJECT, _PARTICIPATION = (iri(str(ECHO.Organisation)), iri(str(ECHO.Project)),
                                           iri(str(ECHO.Participation)))
_COUNTRY_T, _DECIMAL, _POSITIVE = iri(str(ECHO.Country)), str(XSD.decimal), str(XSD.positiveInteger)
_DATE_T = str(XSD.date)
_ROLE_IRIS = {r: iri(str(ID[f"role/{r}"])) for r in set(ROLES.values())}
_PROJECT_FIELDS = (("frameworkProgramme", iri(str(ECHO.programme))), ("topics", iri(str(ECHO.callTopic))),
                   ("fundingScheme", iri(str(ECHO.typeOfAction))))
_DATES = (("startDate", iri(str(ECHO.startDate))), ("endDate", iri(str(ECHO.endDate))))


#: The two files of an export, in each layout CORDIS publishes.
_LAYOUTS = {"csv": ("project.csv", "organization.csv"), "json": ("project.json", "organization.json")}


@dataclass(frozen=True)
class _Export:
    """The two files of an export, decoded: how to name them, their layout and texts, and the files read."""

    prefix: str
    layout: str
    project_text: str
    org_text: str
    files: list[tuple[str, Path]]

    def name(self, which: int) -> str:
        """Return how messages name the project (0) or organisation (1) file."""
        return self.prefix + _LAYOUTS[self.layout][which]


def _layout(names: set[str]) -> str | None:
    """Return the layout whose two files are all in ``names`` (CSV first), or None."""
    for layout, pair in _LAYOUTS.items():
        if all(n in names for n in pair):
            return layout
    return None


def _lacks(names: set[str]) -> str:
    """Say which files are missing, for the layout the names come closest to."""
    layout = "json" if any(n.endswith(".json") for n in names) and not any(n.endswith(".csv") for n in names) else "csv"
    missing = [n for n in _LAYOUTS[layout] if n not in names]
    return (f"lacks {', '.join(missing)}; it needs project.csv and organization.csv (or project.json and "
            "organization.json) as downloaded")


def _files(location: Path) -> _Export:
    """Find and decode the two files of the export in a folder or a zip."""
    if location.is_dir():
        found = {p.name.lower(): p for p in location.iterdir()}
        layout = _layout(set(found))
        if layout is None:
            raise DataError(f"the CORDIS export folder {_lacks(set(found))}", path=str(location))
        texts = [decode(read_file(found[name], kind=f"CORDIS {name}"), str(found[name])) for name in _LAYOUTS[layout]]
        return _Export(f"{location}/", layout, texts[0], texts[1], [(n, found[n]) for n in _LAYOUTS[layout]])
    if not location.exists():
        raise DataError("does not exist; give the folder or the zip of a CORDIS export", path=str(location))
    if not location.is_file():
        raise DataError("is neither a folder nor a regular file (a pipe or a device?); give the folder or the zip "
                        "of a CORDIS export", path=str(location))
    if not zipfile.is_zipfile(location):
        raise DataError("is neither a folder nor a zip holding project.csv and organization.csv", path=str(location))
    try:
        with zipfile.ZipFile(location) as archive:
            names = {Path(n).name.lower(): n for n in archive.namelist()}
            layout = _layout(set(names))
            if layout is None:
                raise DataError(f"the zip {_lacks(set(names))}", path=str(location))
            check_zip(archive, str(location))
            texts = [decode(archive.read(names[n]), f"{location}!{names[n]}") for n in _LAYOUTS[layout]]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise DataError(f"is a damaged or unsupported zip ({exc}); download the export again", path=str(location)) from None
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror or exc}", path=str(location)) from None
    return _Export(f"{location}!", layout, texts[0], texts[1], [(location.name, location)])


def _rows(export: _Export, which: int, required: tuple[str, ...]) -> tuple[tuple[str, ...], Iterator[Row]]:
    """Return the header and rows of the project (0) or organisation (1) file, in either layout."""
    text = export.org_text if which else export.project_text
    kind = "CORDIS " + _LAYOUTS[export.layout][which]
    if export.layout == "json":
        return iter_json_records(text, export.name(which), required=required, kind=kind)
    return iter_csv_text(text, export.name(which), delimiter=";", required=required, kind=kind)


def _number(row: Row, column: str) -> str | None:
    """Return a CORDIS amount as a decimal literal text (',' or '.' as decimal mark), or None."""
    value = row.get(column)
    if not value:
        return None
    if not _NUMBER.match(value):
        raise row.fail(column, f"has {value!r}; an amount in euro is a number such as 125000.50 or 125000,50")
    return value.replace(",", ".")


def _date(row: Row, column: str) -> str | None:
    """Return a date column as YYYY-MM-DD, or None when empty."""
    value = row.get(column)
    if not value:
        return None
    if _DATE.match(value):
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise row.fail(column, f"has {value!r}; CORDIS dates are YYYY-MM-DD, e.g. 2023-04-01")


def _country(row: Row) -> str:
    """Return the ISO 3166 code of the row's country (EL -> GR, UK -> GB)."""
    code = row.need("country").upper()
    if not _COUNTRY.match(code):
        raise row.fail("country", f"has {code!r}; CORDIS country codes are two letters such as DE or EL")
    return _COUNTRY_FIX.get(code, code)


@dataclass
class _Organisation:
    """One organisation of the export, gathered from all its participation rows."""

    pic: str
    name: str
    country: str
    line: int
    acronym: str = ""
    activity: str = ""
    names: set[str] = field(default_factory=set)


def _projects(table: Table) -> dict[str, Row]:
    """Index project.csv by grant number, refusing malformed and repeated ids."""
    projects: dict[str, Row] = {}
    for row in table.rows:
        grant = row.need("id")
        if not _GRANT.match(grant):
            raise row.fail("id", f"has {grant!r}; a grant agreement number is digits, e.g. 101104587")
        if grant in projects:
            raise row.fail("id", f"repeats project {grant}, first at line {projects[grant].line}; "
                           "each project has one row in project.csv")
        projects[grant] = row
    return projects


def _resolve(identity: IdentityIndex, org: _Organisation, org_file: str) -> str:
    """Return the IRI of ``org``: the node of its twin in another source, or its own."""
    try:
        return identity.resolve(OrganisationKeys(org.name, org.country, pic=org.pic))
    except DataError as exc:
        raise DataError(str(exc), path=org_file, line=org.line) from None
    except ValueError:  # a name with no letter or digit gives no key
        raise DataError(f"column 'name' has {org.name!r}, which has no Latin letters or digits; "
                        "give the organisation's name", path=org_file, line=org.line) from None


def read_cordis(
    location: Path,
    *,
    source: str,
    identity: IdentityIndex,
    schemes: Schemes,
    verification: str = "confirmed",
    source_urls: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
    on_chunk: Callable[[Path], None] | None = None,
) -> IngestResult:
    """Read a CORDIS export into N-Quads for the bulk path.

    Parameters
    ----------
    location : Path
        A folder holding ``project.csv`` and ``organization.csv``, or the zip.
    source : str
        The source name (its catalogue graph is ``id:graph/{source}``).
    identity : IdentityIndex
        The organisations already in the store, to match against.
    schemes : Schemes
        The sector crosswalk and scheme notations.
    verification : str
        The verification status of the export's facts.
    source_urls : tuple of str
        Where the export came from (default: the CORDIS dataset DOI).
    progress : callable, optional
        Called with (rows done, rows in all) as participation rows are read.
    on_chunk : callable, optional
        Called with each N-Quads file as soon as it is written (see
        :class:`~echos_graph.ingest.nquads.NQuadsFile`), so the store can
        load it while the next is written; the files are then also in
        :attr:`IngestResult.files`.

    Returns
    -------
    IngestResult

    Raises
    ------
    DataError
        At the first wrong value, naming the file, line, column and the fix.
    """
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    export = _files(location)
    project_header, project_rows = _rows(export, 0, _PROJECT_REQUIRED)
    projects_table = Table(export.name(0), project_header, list(project_rows))
    org_file = export.name(1)
    _, org_rows = _rows(export, 1, _ORG_REQUIRED)
    org_text, files = export.org_text, export.files
    del export
    projects = _projects(projects_table)
    builder = SourceBuilder(source, f"CORDIS export {location.name}", "cordis")
    urls = source_urls or (CORDIS_DOI,)
    display = str(location)
    facts = iri(builder.evidence_graph(Evidence(urls, verification, f"CORDIS export read from {location.name}", display)))
    sectors = iri(builder.evidence_graph(Evidence(
        urls, "inferred", "sector mapped by echos-graph from the CORDIS activity type through the crosswalk in "
        "ontology/sectors.ttl", display)))
    origins: dict[str, str] = {}
    organisations: dict[str, _Organisation] = {}
    org_iris: dict[str, str] = {}
    seen: set[tuple[str, str, str]] = set()
    total = org_text.count("\n")  # an upper bound of the rows, for the progress bar
    participations = done = 0
    # Quads are written as soon as they are known, so that the store loads the first files while
    # the rest is read: projects first, then each participation with its row, then organisations
    # (their other names are known only at the end).
    out = NQuadsFile(on_chunk=on_chunk)
    try:
        q = out.quad
        project_iris = {}
        for grant, row in projects.items():
            uri = id_iri("project", grant)
            project_iris[grant] = s = iri(uri)
            origins[uri] = f"{projects_table.file}:{row.line}"
            title = row.need("title")
            q(s, _TYPE, _PROJECT, facts)
            q(s, _LABEL, literal(row.get("acronym") or title), facts)
            q(s, _TITLE, literal(title), facts)
            q(s, _GRANT_P, literal(grant), facts)
            for column, prop in _DATES:
                value = _date(row, column)
                if value:
                    q(s, prop, literal(value, _DATE_T), facts)
            for column, prop in _PROJECT_FIELDS:
                value = row.get(column)
                if value:
                    q(s, prop, literal(value), facts)
        out.cut()
        participation_base = id_iri("participation", "project") + "/"
        # The most numerous entity: its quads are written as one block of lines each.
        block = out.block
        tail = f" {facts} .\n"
        for done, row in enumerate(org_rows, start=1):
            values = row.values
            grant = row.need("projectID")
            if grant not in projects:
                raise row.fail("projectID", f"has {grant!r}, which is not an id in project.csv; "
                               "use the two files of the same export")
            pic = row.need("organisationID")
            if not _PIC.match(pic):
                raise row.fail("organisationID", f"has {pic!r}; a CORDIS organisation id (PIC) is 9 digits")
            role = ROLES.get(row.need("role").lower())
            if role is None:
                raise row.fail("role", f"has {row.get('role')!r}; CORDIS roles are coordinator, participant, "
                               "associatedPartner, thirdParty, internationalPartner")
            key = (grant, pic, role)
            if key in seen:
                raise row.fail("role", f"repeats the {row.get('role')} of organisation {pic} in project {grant}; "
                               "each participation has one row")
            seen.add(key)
            org = organisations.get(pic)
            name = (values.get("name") or "").strip()
            if org is None:
                activity = row.get("activityType").upper()
                if activity and activity not in schemes.cordis_sectors:
                    raise row.fail("activityType", f"has {activity!r}; use one of "
                                   f"{', '.join(sorted(schemes.cordis_sectors))}")
                org = organisations[pic] = _Organisation(pic, row.need("name"), _country(row), row.line,
                                                         row.get("shortName"), activity)
                org_iris[pic] = _resolve(identity, org, org_file)
            elif name and name != org.name:
                org.names.add(name)
            order = (values.get("order") or "").strip()
            if order and (not order.isdigit() or int(order) < 1):
                raise row.fail("order", f"has {order!r}; the order of a participant is a whole number from 1")
            amount = _number(row, "ecContribution")
            org_uri = org_iris[pic]
            uri = f"{participation_base}{grant}/{org_uri.rsplit('/organisation/', 1)[1]}/{role}"
            origins[uri] = f"{org_file}:{row.line}"
            p = f"<{uri}>"
            text = (f"{project_iris[grant]} {_INVOLVED} {p}{tail}{p} {_TYPE} {_PARTICIPATION}{tail}"
                    f"{p} {_ROLE_OF} <{org_uri}>{tail}{p} {_ROLE} {_ROLE_IRIS[role]}{tail}")
            n = 4
            if amount is not None:  # digits and one '.': nothing to escape
                text += f'{p} {_CONTRIBUTION} "{amount}"^^<{_DECIMAL}>{tail}'
                n += 1
            if order:
                text += f'{p} {_ORDER} "{int(order)}"^^<{_POSITIVE}>{tail}'
                n += 1
            block(text, n)
            participations += 1
            if progress is not None and done % 10000 == 0:
                progress(done, max(total, done))
        del org_text
        if progress is not None:
            progress(done, done)
        if projects and not participations:
            raise DataError(f"has no participation rows but project.csv lists {len(projects)} project(s); the "
                            "export looks incomplete (every grant has at least its coordinator): download it again",
                            path=org_file)
        countries: set[str] = set()
        for pic, org in organisations.items():
            uri = org_iris[pic]
            origins[uri] = f"{org_file}:{org.line}"
            s = iri(uri)
            q(s, _TYPE, _ORGANISATION, facts)
            if identity.is_existing(uri):
                q(s, _ALT, literal(org.name), facts)
            else:
                q(s, _LABEL, literal(org.name), facts)
                q(s, _COUNTRY_P, iri(id_iri("country", org.country)), facts)
                countries.add(org.country)
            for other in sorted(org.names):
                q(s, _ALT, literal(other), facts)
            q(s, _PIC_P, literal(pic), facts)
            if org.acronym:
                q(s, _ACRONYM, literal(org.acronym), facts)
            if org.activity:
                q(s, _ACTIVITY, iri(id_iri("cordis-activity-type", org.activity)), facts)
                q(s, _CLASSIFICATION, iri(id_iri("sector", schemes.cordis_sectors[org.activity])), sectors)
        for code in sorted(countries):
            c = iri(id_iri("country", code))
            q(c, _TYPE, _COUNTRY_T, facts)
            q(c, _NOTATION, literal(code), facts)
        paths = out.finish()
    except BaseException:
        out.close()
        raise
    counts = {"project.csv": len(projects), "organization.csv": participations,
              "project.json": len(projects), "organization.json": participations}
    for name, path_read in files:
        builder.add_file(name, path_read, counts.get(name, len(projects) + participations))
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    catalogue = builder.catalogue(version=__version__, started=started, ended=ended, location=str(location.resolve()),
                                  matches=identity.matches.values())
    return IngestResult(graph_iri(source), catalogue, builder.records, origins, paths, out.count)
