"""Ingest a hub planner's spreadsheet: organisations, hub memberships and initiative roles.

One row is an organisation with, optionally, its membership of a National
Cancer Mission Hub and its role in an initiative.  The sheet is a CSV file
(UTF-8, ``,``) or the first sheet of an XLSX workbook; columns are found by
header name, in any order, and are documented one by one in
docs/STAKEHOLDERS.md.  :func:`write_template` writes an empty template with
one example row.

Every organisation is resolved through the identity index: one already
described by another source keeps its IRI, gets this sheet's name as an
alternative label and no second country.  Rows naming the same organisation
merge.  The facts of a row go into the evidence graph of its ``source_url``,
``verification`` and ``verification_note``, the sector too: the planner
states it.

Every row is checked before anything is returned: a wrong value raises a
:class:`~echos_graph.errors.DataError` naming the file, the line (the row
number in a workbook), the column, the value and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .. import __version__
from ..errors import DataError
from ..namespaces import ECHO, EURIO, ID, ORG, PROV, RDF, RDFS, SKOS, id_iri, slug
from ..schemes import Schemes
from .evidence import IngestResult, SourceBuilder, lit, node
from .identity import IdentityIndex, OrganisationKeys, ror_key
from .tabular import Row, Table, read_csv, read_xlsx

__all__ = ["COLUMNS", "FORMATS", "Column", "read_stakeholders", "write_template"]


@dataclass(frozen=True)
class Column:
    """A column of the stakeholder spreadsheet: its header, whether a row must fill it, what it holds."""

    name: str
    required: bool
    meaning: str


#: The columns of the spreadsheet, in the template's order (docs/STAKEHOLDERS.md explains each).
COLUMNS: tuple[Column, ...] = (
    Column("organisation_name", True, "The organisation's legal name, in Latin script."),
    Column("country", True, "ISO 3166-1 alpha-2 code of the organisation's country (GR for Greece, GB for the "
           "United Kingdom, XK for Kosovo)."),
    Column("sector", True, "Stakeholder sector: a notation (ACA), label (Academia) or alternative label "
           "(university) of the sector scheme; case and accents do not matter."),
    Column("acronym", False, "The organisation's acronym or short name."),
    Column("alt_names", False, "Other names (national language, former names), separated by ' ; '."),
    Column("pic", False, "The EU Participant Identification Code: 9 digits."),
    Column("ror_id", False, "The ROR id: https://ror.org/0xxxxxxxx or the bare 9-character id."),
    Column("hub_country", False, "ISO code of the National Cancer Mission Hub the organisation belongs to."),
    Column("hub_role", False, "hub-lead or hub-member; needed when hub_country is filled."),
    Column("hub_name", False, "The hub's name, only for a hub no other source describes yet."),
    Column("initiative", False, "An initiative: a grant agreement number (101104587) or an id such as "
           "id:project/101104587 or id:initiative/vision-zero-cancer."),
    Column("initiative_role", False, "coordinator, participant, associated-partner, affiliated-entity or "
           "partner; needed when initiative is filled."),
    Column("initiative_name", False, "The initiative's short name, only for an initiative no other source "
           "describes yet."),
    Column("source_url", True, "The page(s) stating the row's facts: http(s) URLs separated by ' ; '."),
    Column("verification", True, "How sure the row is: confirmed, probable, inferred or unverified."),
    Column("verification_note", False, "The checker's own words on how far the row was checked."),
    Column("note", False, "A remark on the organisation, kept as its comment."),
)

#: The formats :func:`write_template` writes and :func:`read_stakeholders` reads.
FORMATS = ("csv", "xlsx")

_NAMES = tuple(c.name for c in COLUMNS)
_REQUIRED = tuple(c.name for c in COLUMNS if c.required)
_KIND = "stakeholder spreadsheet (see docs/STAKEHOLDERS.md for its columns)"
_PARTICIPATION_ROLES = ("coordinator", "participant", "associated-partner", "affiliated-entity", "partner")
_MEMBERSHIP_ROLES = ("hub-lead", "hub-member")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_NOT_ISO = {"EL": "GR", "UK": "GB"}
_PIC = re.compile(r"^\d{9}$")
_GRANT = re.compile(r"^\d{6,9}$")
_INITIATIVE_KEY = re.compile(r"^(project/\d{6,9}|initiative/[A-Za-z0-9][A-Za-z0-9_.-]*)$")
_ORGANISATION_PREFIX = id_iri("organisation") + "/"
_Fact = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _split(value: str) -> list[str]:
    """Split a multi-valued cell on ' ; '."""
    return [v.strip() for v in value.split(" ; ") if v.strip()]


@cache
def _sector_names() -> dict[str, str]:
    """Return each sector notation's English preferred label, read from the ontology."""
    from ..builder import ontology_quads

    base, pref = id_iri("sector") + "/", str(SKOS.prefLabel)
    names = {}
    for q in ontology_quads():
        if (isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base) and q.predicate.value == pref
                and isinstance(q.object, ox.Literal) and q.object.language == "en"):
            names[q.subject.value[len(base):]] = q.object.value
    return names


def _organisation_key(iri: str) -> str:
    """Return the organisation key of ``iri``: the part after '/organisation/' (a slug for a foreign IRI)."""
    if iri.startswith(_ORGANISATION_PREFIX):
        return iri[len(_ORGANISATION_PREFIX):]
    return slug(iri)


def _found_by_name(identity: IdentityIndex, keys: OrganisationKeys) -> bool:
    """Return whether ``keys`` will resolve by name and country rather than by PIC or ROR id."""
    if keys.pic and keys.pic in identity.by_pic or keys.ror and keys.ror in identity.by_ror:
        return False
    return keys.name_key() in identity.by_name


def _read_table(path: Path) -> Table:
    """Read the sheet (CSV or XLSX by its suffix) and check its header."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise DataError(f"the {_KIND} does not exist; check the path", path=str(path))
    if path.is_dir():
        raise DataError(f"is a folder; give the {_KIND} itself (.csv or .xlsx)", path=str(path))
    if suffix == ".csv":
        table = read_csv(path, required=_REQUIRED, display=path.name, kind=_KIND)
    elif suffix == ".xlsx":
        table = read_xlsx(path, required=_REQUIRED, display=path.name, kind=_KIND)
    else:
        raise DataError(f"has the suffix {suffix or '(none)'!r}; a {_KIND} is a .csv file (UTF-8, ',' separated) "
                        "or an Excel workbook (.xlsx): save it as one of these", path=str(path))
    named = [h for h in table.header if h]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise DataError(f"the header repeats column(s) {', '.join(repeated)}; each column once", path=path.name, line=1)
    for header in named:
        if header not in _NAMES:
            close = difflib.get_close_matches(header, _NAMES, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise DataError(f"the header has the unknown column {header!r}; {hint}the columns are "
                            f"{', '.join(_NAMES)} (rename it, or delete the column)", path=path.name, line=1)
    if "" in table.header:
        for row in table.rows:
            if row.values.get("", "").strip():
                raise DataError("a column without a header holds a value; give the column a header of "
                                f"{', '.join(_NAMES)}, or delete it", path=row.file, line=row.line)
    return table


@dataclass
class _Organisation:
    """What the sheet said first about an organisation, to merge its later rows."""

    name: str
    country: str
    line: int


class _Ingest:
    """State of one ingest run of a stakeholder spreadsheet."""

    def __init__(self, source: SourceBuilder, identity: IdentityIndex, schemes: Schemes) -> None:
        self.source = source
        self.identity = identity
        self.schemes = schemes
        self.organisations: dict[str, _Organisation] = {}
        self.hub_names: dict[str, tuple[str, int]] = {}
        self.initiative_names: dict[str, tuple[str, int]] = {}
        self.roles: dict[tuple[str, ...], int] = {}
        self.origins: dict[str, str] = {}

    # -- values ------------------------------------------------------------
    def country_code(self, row: Row, column: str) -> str:
        """Return an ISO 3166-1 alpha-2 code column, upper-cased, refusing EL and UK."""
        value = row.need(column)
        code = value.upper()
        if code in _NOT_ISO:
            raise row.fail(column, f"has {value!r}, the EU's code, not the ISO 3166 one; write "
                           f"{_NOT_ISO[code]} instead")
        if not _COUNTRY.match(code):
            raise row.fail(column, f"has {value!r}; write the ISO 3166-1 alpha-2 code of the country, two "
                           "letters such as NO, PT or GR")
        return code

    def country(self, row: Row, code: str) -> ox.NamedNode:
        """Return the node of country ``code``, declaring it (type and notation) the first time."""
        return self.source.country(row.evidence(), code)

    def sector(self, row: Row) -> str:
        """Return the sector notation the row names, or fail listing the valid sectors."""
        value = row.need("sector")
        notation = self.schemes.sector(value)
        if notation is None:
            names = _sector_names()
            choices = "; ".join(f"{n} ({names[n]})" if n in names else n for n in sorted(self.schemes.sectors))
            raise row.fail("sector", f"has {value!r}, which is not a sector; write one of these notations or "
                           f"labels (case and accents do not matter): {choices}; the alternative labels of "
                           "ontology/sectors.ttl are accepted too")
        return notation

    def once(self, row: Row, column: str, key: tuple[str, ...], what: str) -> None:
        """Refuse a role the sheet already gave on another row."""
        first = self.roles.setdefault(key, row.line)
        if first != row.line:
            raise row.fail(column, f"repeats {what}, already given at line {first}; give each role once "
                           "(put several source pages in one source_url cell, separated by ' ; ')")

    def named_once(self, row: Row, column: str, names: dict[str, tuple[str, int]], key: str) -> str:
        """Return the name in ``column`` after checking no other row names ``key`` differently."""
        name = row.get(column)
        if name:
            first, line = names.setdefault(key, (name, row.line))
            if first != name:
                raise row.fail(column, f"has {name!r} but line {line} names the same one {first!r}; "
                               "give one name, on one row or the same on every row")
        return name

    def role(self, row: Row, column: str, of: str, roles: tuple[str, ...]) -> str:
        """Return the role in ``column``, which must be filled because ``of`` is."""
        if not row.get(column):
            raise row.fail(column, f"is empty but {of} is filled; write one of: {', '.join(roles)}")
        return row.choice(column, roles)

    def depends(self, row: Row, column: str, on: str) -> None:
        """Refuse a value in ``column`` when the column it qualifies, ``on``, is empty."""
        if row.get(column) and not row.get(on):
            raise row.fail(column, f"has {row.get(column)!r} but {on} is empty; fill {on} or clear {column}")

    # -- one row -------------------------------------------------------------
    def organisation(self, row: Row) -> tuple[str, str]:
        """Add the row's facts about its organisation; return the organisation's IRI and key."""
        name = row.need("organisation_name")
        code = self.country_code(row, "country")
        sector = self.sector(row)
        pic = row.get("pic") or None
        if pic is not None and not _PIC.match(pic):
            raise row.fail("pic", f"has {pic!r}; a PIC (EU Participant Identification Code) is 9 digits, "
                           "without spaces, e.g. as shown on the EU Funding & Tenders portal")
        ror = None
        if row.get("ror_id"):
            ror = ror_key(row.get("ror_id"))
            if ror is None:
                raise row.fail("ror_id", f"has {row.get('ror_id')!r}; write the ROR id as https://ror.org/ followed "
                               "by its 9 characters (0, 6 letters or digits, 2 digits), or the 9 characters alone")
        try:
            slug(name)
        except ValueError:
            raise row.fail("organisation_name", f"has {name!r}, which has no Latin letters or digits; give the "
                           "name in Latin script and other scripts in alt_names") from None
        keys = OrganisationKeys(name, code, pic=pic, ror=ror)
        by_name = _found_by_name(self.identity, keys)
        iri = self.identity.resolve(keys)
        org = node(iri)
        facts: list[_Fact] = [(org, node(RDF.type), node(ECHO.Organisation))]
        first = self.organisations.setdefault(iri, _Organisation(name, code, row.line))
        if first.line == row.line:
            self.origins[iri] = f"{row.file}:{row.line}"
        if self.identity.is_existing(iri):
            if not by_name:
                facts.append((org, node(SKOS.altLabel), lit(name)))
        else:
            if first.country != code:
                raise row.fail("country", f"has {code!r} but line {first.line} gives {first.country!r} for the "
                               "same organisation (same PIC or ROR id); give one country")
            label = SKOS.prefLabel if name == first.name else SKOS.altLabel
            facts += [(org, node(label), lit(name)), (org, node(ECHO.country), self.country(row, code))]
        facts += [(org, node(SKOS.altLabel), lit(n)) for n in _split(row.get("alt_names"))]
        if row.get("acronym"):
            facts.append((org, node(ECHO.acronym), lit(row.get("acronym"))))
        if pic:
            facts.append((org, node(ECHO.pic), lit(pic)))
        if ror:
            facts.append((org, node(ECHO.rorId), lit(f"https://ror.org/{ror}")))
        facts.append((org, node(ORG.classification), node(ID[f"sector/{sector}"])))
        if row.get("note"):
            facts.append((org, node(RDFS.comment), lit(row.get("note"), lang="en")))
        self.source.add(row.evidence(), facts)
        return iri, _organisation_key(iri)

    def membership(self, row: Row, org_iri: str, org_key: str) -> None:
        """Add the row's hub membership, and the hub's type, country and level (its name if given)."""
        self.depends(row, "hub_role", "hub_country")
        self.depends(row, "hub_name", "hub_country")
        if not row.get("hub_country"):
            return
        code = self.country_code(row, "hub_country")
        role = self.role(row, "hub_role", "hub_country", _MEMBERSHIP_ROLES)
        self.once(row, "hub_role", ("hub", code, org_key, role), f"the {role} role of this organisation in hub {code}")
        hub = node(id_iri("hub", code))
        self.origins.setdefault(hub.value, f"{row.file}:{row.line}")
        facts: list[_Fact] = [(hub, node(RDF.type), node(ECHO.CancerMissionHub)),
                              (hub, node(ECHO.country), self.country(row, code)),
                              (hub, node(ECHO.hubLevel), node(ECHO.NationalLevel))]
        name = self.named_once(row, "hub_name", self.hub_names, code)
        if name:
            facts.append((hub, node(SKOS.prefLabel), lit(name)))
        membership = node(id_iri("membership", code, org_key, role))
        self.origins[membership.value] = f"{row.file}:{row.line}"
        facts += [(membership, node(RDF.type), node(ORG.Membership)),
                  (membership, node(ORG.member), node(org_iri)),
                  (membership, node(ORG.organization), hub),
                  (membership, node(ORG.role), node(ID[f"role/{role}"]))]
        self.source.add(row.evidence(), facts)

    def initiative_key(self, row: Row) -> str:
        """Return the initiative key (``project/{grant}`` or ``initiative/{slug}``) the row names."""
        value = row.get("initiative")
        key = value
        for prefix in ("id:", str(ID)):
            if key.startswith(prefix):
                key = key[len(prefix):]
        if _GRANT.match(key):
            key = f"project/{key}"
        if not _INITIATIVE_KEY.match(key):
            raise row.fail("initiative", f"has {value!r}; write a grant agreement number such as 101104587, or an "
                           "initiative id such as id:project/101104587 or id:initiative/vision-zero-cancer")
        return key

    def participation(self, row: Row, org_iri: str, org_key: str) -> None:
        """Add the row's role in an initiative, and the initiative's type (its name if given)."""
        self.depends(row, "initiative_role", "initiative")
        self.depends(row, "initiative_name", "initiative")
        if not row.get("initiative"):
            return
        key = self.initiative_key(row)
        role = self.role(row, "initiative_role", "initiative", _PARTICIPATION_ROLES)
        self.once(row, "initiative_role", ("initiative", key, org_key, role),
                  f"the {role} role of this organisation in {key}")
        initiative = node(str(ID) + key)
        self.origins.setdefault(initiative.value, f"{row.file}:{row.line}")
        kind, _, grant = key.partition("/")
        facts: list[_Fact]
        if kind == "project":
            facts = [(initiative, node(RDF.type), node(ECHO.Project)),
                     (initiative, node(ECHO.grantAgreement), lit(grant))]
        else:
            facts = [(initiative, node(RDF.type), node(ECHO.Initiative))]
        name = self.named_once(row, "initiative_name", self.initiative_names, key)
        if name:
            facts.append((initiative, node(SKOS.prefLabel), lit(name)))
        part = node(id_iri("participation", key, org_key, role))
        self.origins[part.value] = f"{row.file}:{row.line}"
        facts += [(initiative, node(EURIO.hasInvolvedParty), part),
                  (part, node(RDF.type), node(ECHO.Participation)),
                  (part, node(EURIO.isRoleOf), node(org_iri)),
                  (part, node(ECHO.role), node(ID[f"role/{role}"])),
                  (part, node(EURIO.roleLabel), lit(role))]
        self.source.add(row.evidence(), facts)


def read_stakeholders(
    location: Path,
    *,
    source: str,
    identity: IdentityIndex,
    schemes: Schemes,
    verification: str | None = None,
    source_urls: Iterable[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Read a hub planner's spreadsheet (CSV or XLSX) into quads, checking every row.

    Parameters
    ----------
    location : Path
        The ``.csv`` (UTF-8, ``,`` separated) or ``.xlsx`` file (first sheet).
    source : str
        The source name (its catalogue graph is ``id:graph/{source}``).
    identity : IdentityIndex
        The organisations already in the store, to match against.
    schemes : Schemes
        The sector scheme, to read the sector column.
    verification : str, optional
        Refused: the sheet gives its verification status per row.
    source_urls : iterable of str
        Where the spreadsheet itself came from (a shared folder, an email
        archive), recorded as the source's ``prov:wasDerivedFrom``.
    progress : callable, optional
        Called with (rows done, rows in all).

    Returns
    -------
    IngestResult

    Raises
    ------
    DataError
        At the first wrong value, naming the file, line, column and the fix.

    Examples
    --------
    >>> import tempfile
    >>> from echos_graph.schemes import load_schemes
    >>> path = write_template(Path(tempfile.mkdtemp()) / "hub.csv", "csv")
    >>> result = read_stakeholders(path, source="stakeholders-hub", identity=IdentityIndex(),
    ...                            schemes=load_schemes())
    >>> result.records, result.source_graph
    (1, 'https://w3id.org/echos-graph/id/graph/stakeholders-hub')
    """
    if verification is not None:
        raise DataError(f"a {_KIND} gives the verification status of each row in its verification column; "
                        "leave out --verification", path=str(location))
    urls = tuple(source_urls)
    for url in urls:
        if not re.match(r"^https?://\S+$", url):
            raise DataError(f"source URL {url!r} is not an http(s) URL; give the page the spreadsheet came from",
                            path=str(location))
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    table = _read_table(location)
    builder = SourceBuilder(source, f"stakeholder spreadsheet {location.name}", "stakeholders")
    run = _Ingest(builder, identity, schemes)
    total = len(table.rows)
    for done, row in enumerate(table.rows, start=1):
        org_iri, org_key = run.organisation(row)
        run.membership(row, org_iri, org_key)
        run.participation(row, org_iri, org_key)
        if progress is not None:
            progress(done, total)
    # the file's name becomes part of an IRI: quote spaces and brackets, common in spreadsheet names
    builder.add_file(quote(location.name, safe=""), location, total)
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    catalogue = builder.catalogue(version=__version__, started=started, ended=ended,
                                  location=str(location.resolve()), matches=identity.matches.values())
    graph = ox.NamedNode(builder.graph)
    catalogue += [ox.Quad(graph, node(PROV.wasDerivedFrom), node(url), graph) for url in urls]
    return IngestResult(builder.graph, builder.quads + catalogue, builder.records, run.origins)


def _template_rows() -> list[list[str]]:
    """Return the packaged template: its header and its example row."""
    text = resources.files("echos_graph").joinpath("templates", "stakeholders.csv").read_text(encoding="utf-8")
    return list(csv.reader(text.splitlines()))


def write_template(path: Path, fmt: str) -> Path:
    """Write the stakeholder spreadsheet template: the header and one example row.

    Parameters
    ----------
    path : Path
        The file to write; a folder gets ``stakeholders.{fmt}`` inside it,
        and a name without suffix gets ``.{fmt}``.  An existing file is
        never overwritten.
    fmt : str
        ``csv`` (UTF-8, ``,`` separated) or ``xlsx`` (with a second sheet
        describing the columns).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        For an unknown format, a suffix that contradicts it, or an existing file.

    Examples
    --------
    >>> import tempfile
    >>> write_template(Path(tempfile.mkdtemp()) / "hub-norway", "csv").name
    'hub-norway.csv'
    """
    if fmt not in FORMATS:
        raise DataError(f"template format {fmt!r} is unknown; use one of {', '.join(FORMATS)}")
    if path.is_dir():
        path = path / f"stakeholders.{fmt}"
    elif not path.suffix:
        path = path.with_suffix(f".{fmt}")
    if path.suffix.lower() != f".{fmt}":
        raise DataError(f"the file name ends in {path.suffix!r} but the format is {fmt}; name it *.{fmt}",
                        path=str(path))
    if path.exists():
        raise DataError("already exists and is not overwritten (it may hold a filled spreadsheet); "
                        "choose another name or delete it first", path=str(path))
    rows = _template_rows()
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(rows)
    else:
        _write_xlsx(path, rows)
    return path


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """Write the template as a workbook: the sheet to fill, then a sheet describing the columns."""
    try:
        import openpyxl
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise DataError("writing .xlsx needs openpyxl: pip install openpyxl", path=str(path)) from None
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "stakeholders"
    header, *examples = rows
    sheet.append(header)
    for example in examples:
        sheet.append([value if value else None for value in example])
    for index, name in enumerate(header, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(name) + 4))
        choices = {"hub_role": _MEMBERSHIP_ROLES, "initiative_role": _PARTICIPATION_ROLES,
                   "verification": ("confirmed", "probable", "inferred", "unverified")}.get(name)
        if choices:
            letter = get_column_letter(index)
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle=name, error=f"Use one of: {', '.join(choices)}")
            rule.add(f"{letter}2:{letter}10000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "required", "meaning"])
    for column in COLUMNS:
        help_sheet.append([column.name, "yes" if column.required else "no", column.meaning])
    help_sheet.append([])
    help_sheet.append(["Only the first sheet is read. One row per organisation and role; see docs/STAKEHOLDERS.md."])
    for letter, width in (("A", 20), ("B", 10), ("C", 100)):
        help_sheet.column_dimensions[letter].width = width
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    book.save(path)
