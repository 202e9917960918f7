"""A hub planner's spreadsheet (CSV or XLSX): matched, merged, checked, and all-or-nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from echos_graph.errors import DataError, NotConformingError
from echos_graph.ingest import ingest_source
from echos_graph.ingest.identity import IdentityIndex
from echos_graph.ingest.stakeholders import COLUMNS, read_stakeholders, write_template
from echos_graph.namespaces import ECHO, ORG, RDF, SKOS, graph_iri, id_iri
from echos_graph.schemes import load_schemes

DOCS = Path(__file__).resolve().parent.parent / "docs" / "STAKEHOLDERS.md"
HEADER = [c.name for c in COLUMNS]
HUB_PAGE = "https://cancermission.no/en/om-cancer-mission-hub-norway"
SINTEF = id_iri("organisation", "NO", "sintef")


def row(**values: str) -> dict[str, str]:
    """Return a row of the sheet: a new Norwegian organisation, confirmed by the hub page, unless overridden."""
    return {"organisation_name": "Example Cancer Institute", "country": "NO", "sector": "RES",
            "source_url": HUB_PAGE, "verification": "confirmed", **values}


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(h) or None for h in header])
    book.save(path)
    return path


def read(path: Path, identity: IdentityIndex | None = None):
    return read_stakeholders(path, source="stakeholders-test", identity=identity or IdentityIndex(),
                             schemes=load_schemes())


def evidence_facts(quads: list[ox.Quad], source: str) -> set[tuple]:
    """Return each fact of the source's evidence graphs with its evidence (pages, status, note), not its graph IRI."""
    catalogue = ox.NamedNode(graph_iri(source))
    described: dict[str, dict[str, set[str]]] = {}
    for q in quads:
        if q.graph_name == catalogue:
            described.setdefault(q.subject.value, {}).setdefault(q.predicate.value, set()).add(q.object.value)

    def evidence(graph: str) -> tuple:
        d = described[graph]
        return (frozenset(d["http://www.w3.org/ns/prov#wasDerivedFrom"]), frozenset(d[str(ECHO.verificationStatus)]),
                frozenset(d.get(str(ECHO.verificationNote), ())))

    return {(q.subject, q.predicate, q.object, evidence(q.graph_name.value)) for q in quads
            if q.graph_name != catalogue}


def store_facts(store, source: str) -> set[tuple]:
    """Return the quads of a source's evidence graphs in a store (its catalogue graph left out)."""
    result = store.query("SELECT ?prefix ?g ?s ?p ?o "
                         "WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }",
                         bindings={"prefix": ox.Literal(graph_iri(source) + "/")})
    return {(r["g"], r["s"], r["p"], r["o"]) for r in result}


def values(store, subject: str, predicate: object) -> list[str]:
    result = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }",
                         bindings={"s": ox.NamedNode(subject), "p": ox.NamedNode(str(predicate))})
    return sorted(r["o"].value for r in result)


# -- the template ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_example_row_ingests_into_the_bundled_graph_and_conforms(writable_store, tmp_path, fmt) -> None:
    path = write_template(tmp_path / "hub-norway", fmt)
    report = ingest_source(writable_store, "stakeholders", str(path))
    assert report.validation.conforms
    assert (report.records, report.matches) == (1, 1)
    occ = id_iri("organisation", "NO", "oslo-cancer-cluster")
    assert values(writable_store, occ, SKOS.prefLabel) == ["Oslo Cancer Cluster"]


def test_template_columns_are_the_spreadsheet_columns(tmp_path) -> None:
    with write_template(tmp_path, "csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADER
    assert len(rows) == 2


def test_write_template_never_overwrites_a_file(tmp_path) -> None:
    path = write_template(tmp_path / "hub.xlsx", "xlsx")
    with pytest.raises(DataError, match="already exists"):
        write_template(path, "xlsx")
    with pytest.raises(DataError, match="format is csv"):
        write_template(tmp_path / "hub2.xlsx", "csv")


def test_every_column_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for column in HEADER:
        assert f"### `{column}`" in docs, f"docs/STAKEHOLDERS.md does not document column {column}"


def test_every_sector_is_documented_with_its_label() -> None:
    from echos_graph.ingest.stakeholders import _sector_names

    docs = DOCS.read_text(encoding="utf-8")
    for notation, label in _sector_names().items():
        assert f"| `{notation}` | {label} |" in docs


# -- identity and merging ----------------------------------------------------------------------


def test_organisation_of_the_bundled_data_is_matched_and_gets_no_second_name(writable_store, tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", [row(organisation_name="SINTEF", sector="RES", hub_country="NO",
                                                hub_role="hub-member")])
    report = ingest_source(writable_store, "stakeholders", str(path))
    assert report.matches == 1
    assert values(writable_store, SINTEF, SKOS.prefLabel) == ["SINTEF"]
    assert values(writable_store, SINTEF, ECHO.country) == [id_iri("country", "NO")]
    assert values(writable_store, id_iri("membership", "NO", "NO/sintef", "hub-member"), ORG.member) == [SINTEF]


def test_organisation_named_by_an_alternative_name_is_matched_and_keeps_its_name(store_copy, tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", [row(organisation_name="Forskningsradet", sector="FUN")])
    report = ingest_source(store_copy, "stakeholders", str(path))
    rcn = id_iri("organisation", "NO", "research-council-of-norway")
    assert report.matches == 1
    assert values(store_copy, rcn, SKOS.prefLabel) == ["Research Council of Norway"]
    assert values(store_copy, id_iri("organisation", "NO", "forskningsradet"), RDF.type) == []


def test_rows_about_the_same_organisation_merge(tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", [
        row(pic="999999999", hub_country="NO", hub_role="hub-lead"),
        row(organisation_name="Example Cancer Institute AS", pic="999999999", initiative="101104587",
            initiative_role="partner"),
    ])
    result = read(path)
    org = id_iri("organisation", "pic", "999999999")
    labels = {(q.predicate.value, q.object.value) for q in result.quads if q.subject.value == org
              and q.predicate.value in (str(SKOS.prefLabel), str(SKOS.altLabel))}
    assert labels == {(str(SKOS.prefLabel), "Example Cancer Institute"),
                      (str(SKOS.altLabel), "Example Cancer Institute AS")}
    subjects = {q.subject.value for q in result.quads}
    assert id_iri("membership", "NO", "pic/999999999", "hub-lead") in subjects
    assert id_iri("participation", "project", "101104587", "pic/999999999", "partner") in subjects


def test_one_organisation_with_two_countries_is_refused(tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", [row(pic="999999999"), row(pic="999999999", country="SE")])
    with pytest.raises(DataError, match=r"hub\.csv:3: column 'country' has 'SE' but line 2 gives 'NO'"):
        read(path)


# -- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sector", [
    "aca", "Academia", "ACADÉMIA", "University", "université", "Universität",
])
def test_sector_may_be_a_notation_or_label_in_any_case_and_accents(tmp_path, sector) -> None:
    result = read(write_csv(tmp_path / "hub.csv", [row(sector=sector)]))
    sectors = {q.object.value for q in result.quads if q.predicate.value == str(ORG.classification)}
    assert sectors == {id_iri("sector", "ACA")}


def test_unknown_sector_lists_the_valid_notations_and_labels(tmp_path) -> None:
    with pytest.raises(DataError) as error:
        read(write_csv(tmp_path / "hub.csv", [row(sector="hospitality")]))
    message = str(error.value)
    assert message.startswith("hub.csv:2: column 'sector' has 'hospitality'")
    assert "ACA (Academia)" in message and "GOV (Government and public authorities)" in message


@pytest.mark.parametrize(("code", "fix"), [("EL", "GR"), ("UK", "GB")])
def test_eu_country_codes_are_refused_with_the_iso_code_to_use(tmp_path, code, fix) -> None:
    with pytest.raises(DataError, match=f"column 'country' has '{code}'.*write {fix} instead"):
        read(write_csv(tmp_path / "hub.csv", [row(country=code)]))


@pytest.mark.parametrize("initiative", ["101104587", "id:project/101104587",
                                        "https://w3id.org/echos-graph/id/project/101104587"])
def test_initiative_may_be_a_grant_number_or_an_id(tmp_path, initiative) -> None:
    result = read(write_csv(tmp_path / "hub.csv", [row(initiative=initiative, initiative_role="participant")]))
    part = id_iri("participation", "project", "101104587", "NO/example-cancer-institute", "participant")
    assert part in {q.subject.value for q in result.quads}


@pytest.mark.parametrize(("values_", "message"), [
    ({"hub_country": "NO"}, "column 'hub_role' is empty but hub_country is filled; write one of: hub-lead"),
    ({"hub_role": "hub-member"}, "column 'hub_role' has 'hub-member' but hub_country is empty"),
    ({"initiative": "101104587", "initiative_role": "lead"}, "column 'initiative_role' has 'lead'; use one of"),
    ({"initiative": "ECHoS", "initiative_role": "partner"}, "column 'initiative' has 'ECHoS'; write a grant"),
    ({"pic": "99999999"}, "column 'pic' has '99999999'; a PIC"),
    ({"ror_id": "ror.org/123"}, "column 'ror_id' has 'ror.org/123'"),
    ({"source_url": "cancermission.no"}, "column 'source_url' has 'cancermission.no', which is not an http"),
    ({"verification": "sure"}, "column 'verification' has 'sure'"),
])
def test_wrong_value_is_refused_naming_file_line_and_column(tmp_path, values_, message) -> None:
    with pytest.raises(DataError, match="^hub.csv:2: " + message):
        read(write_csv(tmp_path / "hub.csv", [row(**values_)]))


def test_repeated_role_is_refused_with_its_first_line(tmp_path) -> None:
    rows = [row(hub_country="NO", hub_role="hub-member")] * 2
    with pytest.raises(DataError, match=r"hub\.csv:3: column 'hub_role' repeats .* already given at line 2"):
        read(write_csv(tmp_path / "hub.csv", rows))


def test_unknown_column_is_refused_with_the_closest_name(tmp_path) -> None:
    header = [*HEADER, "hubrole"]
    with pytest.raises(DataError, match="unknown column 'hubrole'; did you mean 'hub_role'"):
        read(write_csv(tmp_path / "hub.csv", [row()], header))


def test_missing_required_column_is_refused(tmp_path) -> None:
    header = [h for h in HEADER if h != "verification"]
    with pytest.raises(DataError, match="hub.csv:1: the header lacks column"):
        read(write_csv(tmp_path / "hub.csv", [{k: v for k, v in row().items() if k != "verification"}], header))


# -- XLSX -----------------------------------------------------------------------------------------

ROWS = [
    row(organisation_name="SINTEF", hub_country="NO", hub_role="hub-member", initiative="101104587",
        initiative_role="participant", verification="probable", verification_note="partner page"),
    row(pic="999999999", ror_id="https://ror.org/012345678", alt_names="Eksempel ; ECI", acronym="ECI",
        hub_country="LU", hub_role="hub-lead", hub_name="Luxembourg Cancer Mission Hub", note="a remark"),
    row(pic="999999999", initiative="id:initiative/vision-zero-cancer", initiative_role="partner"),
]


def test_xlsx_sheet_gives_the_same_graph_as_the_csv(graph, tmp_path) -> None:
    from_csv = read(write_csv(tmp_path / "hub.csv", ROWS), IdentityIndex.from_store(graph))
    from_xlsx = read(write_xlsx(tmp_path / "hub.xlsx", ROWS), IdentityIndex.from_store(graph))
    facts = evidence_facts(from_csv.quads, "stakeholders-test")
    assert len(facts) > 30
    assert facts == evidence_facts(from_xlsx.quads, "stakeholders-test")
    assert from_csv.origins.keys() == from_xlsx.origins.keys()


def test_formula_cell_is_refused_with_its_row(tmp_path) -> None:
    path = write_xlsx(tmp_path / "hub.xlsx", [row(), row(organisation_name="=A2")])
    with pytest.raises(DataError, match=r"hub\.xlsx:3: column 'organisation_name' holds a formula"):
        read(path)


# -- publishing -------------------------------------------------------------------------------------


def test_reingesting_the_same_file_gives_the_same_graph(store_copy, tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", ROWS)
    first = ingest_source(store_copy, "stakeholders", str(path), name="hub")
    before = store_facts(store_copy, "hub")
    second = ingest_source(store_copy, "stakeholders", str(path), name="hub")
    assert store_facts(store_copy, "hub") == before
    assert (first.triples, first.matches) == (second.triples, second.matches) == (first.triples, 1)


def test_bad_value_leaves_the_store_unchanged(store_copy, tmp_path) -> None:
    ingest_source(store_copy, "stakeholders", str(write_csv(tmp_path / "hub.csv", ROWS)), name="hub")
    generation, before = store_copy.current_generation(), store_facts(store_copy, "hub")
    bad = write_csv(tmp_path / "hub.csv", [*ROWS, row(country="EL")])
    with pytest.raises(DataError, match="write GR instead"):
        ingest_source(store_copy, "stakeholders", str(bad), name="hub")
    assert store_copy.current_generation() == generation
    assert store_facts(store_copy, "hub") == before


def test_new_hub_without_a_name_is_refused_by_the_shapes(store_copy, tmp_path) -> None:
    generation = store_copy.current_generation()
    path = write_csv(tmp_path / "hub.csv", [row(hub_country="LU", hub_role="hub-lead")])
    with pytest.raises(NotConformingError, match="nothing was written") as error:
        ingest_source(store_copy, "stakeholders", str(path))
    [violation] = error.value.report.violations
    assert (violation.focus, violation.shape.rsplit("#")[1], violation.origin) == (id_iri("hub", "LU"), "HubName",
                                                                                 "hub.csv:2")
    assert store_copy.current_generation() == generation


def test_new_hub_named_in_the_sheet_is_created(store_copy, tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", [row(hub_country="LU", hub_role="hub-lead", hub_name="Hub Luxembourg")])
    report = ingest_source(store_copy, "stakeholders", str(path))
    assert report.validation.conforms
    assert values(store_copy, id_iri("hub", "LU"), SKOS.prefLabel) == ["Hub Luxembourg"]
    assert values(store_copy, id_iri("hub", "LU"), ECHO.hubLevel) == [str(ECHO.NationalLevel)]


def test_verification_option_is_refused_and_source_urls_are_recorded(tmp_path) -> None:
    path = write_csv(tmp_path / "hub.csv", [row()])
    with pytest.raises(DataError, match="verification column"):
        read_stakeholders(path, source="s", identity=IdentityIndex(), schemes=load_schemes(), verification="probable")
    result = read_stakeholders(path, source="s", identity=IdentityIndex(), schemes=load_schemes(),
                               source_urls=("https://example.org/shared/hub.csv",))
    assert "https://example.org/shared/hub.csv" in {q.object.value for q in result.quads
                                                     if q.subject.value == graph_iri("s")}


def test_file_name_with_spaces_and_brackets_is_read(tmp_path) -> None:
    result = read(write_csv(tmp_path / "Hub Norway (v2).csv", [row()]))
    assert result.records == 1
