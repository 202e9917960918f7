"""The saved-query catalogue: documented, parseable, runnable, and right on the bundled data."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from echos_graph.errors import QueryError
from echos_graph.namespaces import PREFIXES
from echos_graph.queries import (
    bind_parameters,
    declare_prefixes,
    load_catalogue,
    load_query,
    run_query,
)
from echos_graph.resources import data_dir
from echos_graph.results import to_rows

CATALOGUE = load_catalogue()
REQUIRED = {"hub-sector-coverage", "organisations-by-sector", "project-participants", "fact-provenance"}

#: A value for each required parameter, so every query can run.
EXAMPLE_PARAMS = {"fact-provenance": {"subject": "id:hub/NO"}}


def rows(result) -> list[dict[str, str]]:
    names, values = to_rows(result)
    return [dict(zip(names, row)) for row in values]


def test_catalogue_has_the_queries_users_were_promised() -> None:
    assert REQUIRED <= set(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_saved_query_is_documented(name: str) -> None:
    saved = CATALOGUE[name]
    assert saved.title and saved.description, f"{name}.rq needs a title and a description"
    assert saved.columns, f"{name}.rq needs a columns line"
    for param in saved.parameters:
        assert param.description, f"parameter {param.name} of {name}.rq needs a description"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_saved_query_parses_with_rdflib(name: str) -> None:
    prepareQuery(CATALOGUE[name].text, initNs=PREFIXES)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_saved_query_runs_on_the_bundled_data_with_its_declared_columns(graph, request, name: str) -> None:
    if name == "analysis-results":  # reads stored analysis results: store some first
        from echos_graph.analysis import (
            hub_gaps,
            load_network,
            recommend,
            store_results,
        )

        graph = request.getfixturevalue("store_copy")
        net = load_network(graph, cache=False)
        store_results(graph, hub_gaps(net), recommend(net, "id:hub/ES"), parameters={"hub": "all"}, version="test")
    result = run_query(graph, name, EXAMPLE_PARAMS.get(name, {}))
    if name.startswith("construct-"):
        assert isinstance(result, ox.QueryTriples)
        assert len(list(result)) > 100, f"{name} returns (almost) nothing on the bundled data"
        return
    assert isinstance(result, ox.QuerySolutions)
    assert [v.value for v in result.variables] == list(CATALOGUE[name].columns)
    assert rows(result), f"{name} returns no row on the bundled data"


#: Columns made by GROUP_CONCAT: SPARQL leaves the order of the values to the engine.
CONCATENATED = {"memberNames", "initiativeLabels"}


def _comparable(result) -> list:
    """Return a result as sorted rows or sorted triples, with what engines may write differently made alike.

    GROUP_CONCAT values are sorted, numbers compared as numbers to 6
    significant digits (Virtuoso 7.2 writes every xsd:double with 6: 0.918296
    for 0.9182958340544894, and "0.0" where Oxigraph writes "0"), blank nodes
    blurred.
    """
    if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
        return sorted(re.sub(r"_:\S+", "_:b", str(t)) for t in result)

    def value(name: str, text: str) -> str:
        if name in CONCATENATED:
            return " ; ".join(sorted(text.split(" ; ")))
        if re.fullmatch(r"-?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?", text):
            return f"{float(text):.6g}"
        return text

    names, values = to_rows(result)
    return sorted(tuple(value(n, v) for n, v in zip(names, row)) for row in values)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_saved_query_gives_the_same_rows_on_virtuoso(graph, virtuoso_store, request, name: str) -> None:
    """The same quads in Virtuoso (bulk-loaded from the embedded build) give the same answers."""
    if name == "analysis-results":
        from echos_graph.analysis import hub_gaps, load_network, recommend, store_results

        graph = request.getfixturevalue("store_copy")
        for store in (graph, virtuoso_store):
            net = load_network(store, cache=False)
            store_results(store, hub_gaps(net), recommend(net, "id:hub/ES"), parameters={"hub": "all"}, version="test")
    params = EXAMPLE_PARAMS.get(name, {})
    here, there = run_query(graph, name, params), run_query(virtuoso_store, name, params)
    if isinstance(here, ox.QuerySolutions):
        assert [v.value for v in there.variables] == [v.value for v in here.variables]
    assert _comparable(there) == _comparable(here)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_parameter_is_bound_by_the_engine(graph, name: str) -> None:
    """Each declared parameter is a projected variable, so the engine can substitute it."""
    saved = CATALOGUE[name]
    for param in saved.parameters:
        example = {"iri": "id:hub/NO", "integer": "2", "string": "x", "decimal": "1", "date": "2025-01-01",
                   "boolean": "true"}[param.type]
        values = {**EXAMPLE_PARAMS.get(name, {}), param.name: example}
        run_query(graph, name, values)  # raises if the variable cannot be bound


def _example_values(name: str) -> list[dict[str, str]]:
    """Each parameter of a saved query alone with the example of its description (``e.g. VALUE``)."""
    found = []
    for param in CATALOGUE[name].parameters:
        match = re.search(r"e\.g\. (\S+)", param.description)
        if match:
            found.append({**EXAMPLE_PARAMS.get(name, {}), param.name: match.group(1).rstrip(";,")})
    return found


BOUND_EXAMPLES = [(name, values) for name in sorted(CATALOGUE) if name != "analysis-results"
                  for values in _example_values(name)]


@pytest.mark.parametrize(("name", "params"), BOUND_EXAMPLES,
                         ids=[f"{n}-{'-'.join(p)}" for n, p in BOUND_EXAMPLES])
def test_bound_saved_query_gives_the_rows_of_the_engine_substitutions(graph, name: str, params) -> None:
    """The store binds parameters as a VALUES block; pyoxigraph's own substitutions are the reference."""
    saved = CATALOGUE[name]
    bindings = bind_parameters(saved, params)
    expected = graph._read_store().query(saved.text, prefixes=PREFIXES, use_default_graph_as_union=True,
                                         substitutions={ox.Variable(k): v for k, v in bindings.items()})
    got = run_query(graph, name, params)
    if isinstance(got, ox.QueryTriples):
        assert sorted(map(str, got)) == sorted(map(str, expected))
    else:
        assert rows(got) == rows(expected)  # the same rows in the same order


def _norway_sectors_from_csv() -> set[str]:
    """Sectors of Cancer Mission Hub Norway's members, read straight from the bundled CSV files."""
    folder = data_dir()
    with open(folder / "organisations.csv", encoding="utf-8") as f:
        sector = {row["org_key"]: row["sector"] for row in csv.DictReader(f)}
    with open(folder / "hub_memberships.csv", encoding="utf-8") as f:
        return {sector[row["org_key"]] for row in csv.DictReader(f) if row["hub_country_iso2"] == "NO"}


def test_hub_sector_coverage_of_norway_matches_the_hub_partner_list(graph) -> None:
    result = rows(run_query(graph, "hub-sector-coverage", {"hub": "id:hub/NO"}))
    assert len(result) == 10  # one row per sector of the scheme
    covered = {r["notation"] for r in result if r["covered"] == "true"}
    missing = {r["notation"] for r in result if r["covered"] == "false"}
    assert covered == _norway_sectors_from_csv()
    # Checked by hand: the 14 partners on cancermission.no/om-cancer-mission-hub-norway are
    # government bodies, a funder (Research Council), a charity (Norwegian Cancer Society),
    # clusters of companies, SINTEF, hospitals and the medical faculties; no regulator,
    # patient organisation or EU/international body.
    assert missing == {"REG", "PAT", "INT"}
    sintef = next(r for r in result if r["notation"] == "RES")
    assert sintef["members"] == "1" and sintef["memberNames"] == "SINTEF"


def test_hub_sector_coverage_without_parameter_covers_every_hub(graph) -> None:
    result = rows(run_query(graph, "hub-sector-coverage"))
    with open(data_dir() / "hubs.csv", encoding="utf-8") as f:
        hubs = sum(1 for _ in csv.DictReader(f))
    assert len(result) == 10 * hubs


def test_organisations_by_sector_lists_sintef_as_research_with_an_inferred_sector(graph) -> None:
    result = rows(run_query(graph, "organisations-by-sector", {"sector": "id:sector/RES", "country": "id:country/NO"}))
    assert [r["name"] for r in result] == ["SINTEF"]
    assert result[0]["sectorVerification"] == "id:verification/inferred"


def test_project_participants_of_echos_name_aicib_as_coordinator(graph) -> None:
    result = rows(run_query(graph, "project-participants", {"project": "id:project/101104587"}))
    coordinators = [r["name"] for r in result if r["role"] == "coordinator"]
    # AICIB coordinates ECHoS: oslocancercluster.no 2023-05-08 and the EC news of 2025-03-24.
    assert coordinators == ["Agencia de Investigacao Clinica e Inovacao Biomedica"]
    assert {r["projectLabel"] for r in result} == {"ECHoS"}
    with open(data_dir() / "participations.csv", encoding="utf-8") as f:
        expected = sum(1 for r in csv.DictReader(f) if r["initiative_key"] == "project/101104587")
    assert len(result) == expected


def test_fact_provenance_of_the_polish_hub_names_its_source_and_status(graph) -> None:
    result = rows(run_query(graph, "fact-provenance", {"subject": "id:hub/PL", "predicate": "echo:hubStatus"}))
    assert {r["object"] for r in result} == {"id:hub-status/launched"}
    assert "https://nio.gov.pl/o-cancer-hub" in {r["source"] for r in result}
    assert {r["verification"] for r in result} == {"id:verification/confirmed"}
    assert {r["file"] for r in result} == {"data/hubs.csv"}


def test_fact_provenance_shows_a_guessed_sector_as_inferred(graph) -> None:
    result = rows(run_query(graph, "fact-provenance",
                            {"subject": "id:organisation/NO/sintef", "predicate": "org:classification"}))
    assert {r["verification"] for r in result} == {"id:verification/inferred"}
    assert all("guess" in r["note"] for r in result)


def test_parameter_value_cannot_change_the_query_shape(graph) -> None:
    with pytest.raises(QueryError, match="not a valid IRI|expects iri"):
        run_query(graph, "fact-provenance", {"subject": "id:x> ?p ?o } UNION { ?s ?p ?o"})


def test_string_parameter_is_bound_as_a_literal_not_text() -> None:
    saved = load_query(Path(__file__).parent / "data" / "by-name.rq")
    bound = bind_parameters(saved, {"name": '" } ; DROP ALL ; #'})
    assert bound["name"] == ox.Literal('" } ; DROP ALL ; #')


def test_unknown_parameter_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(QueryError, match="its parameters are: hub"):
        bind_parameters(CATALOGUE["hub-sector-coverage"], {"hubb": "id:hub/NO"})


def test_missing_required_parameter_is_refused() -> None:
    with pytest.raises(QueryError, match="needs parameter 'subject'"):
        bind_parameters(CATALOGUE["fact-provenance"], {})


@pytest.mark.parametrize("value", ["two", "2.5"])
def test_integer_parameter_rejects_non_integers(value: str) -> None:
    with pytest.raises(QueryError, match="expects integer"):
        bind_parameters(CATALOGUE["organisations-in-several-initiatives"], {"minimum": value})


def test_unknown_query_name_lists_the_catalogue(graph) -> None:
    with pytest.raises(QueryError, match="hub-sector-coverage"):
        run_query(graph, "no-such-query")


def test_malformed_param_declaration_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: x\n# param: hub iri\nSELECT * {}\n")
    with pytest.raises(QueryError, match="bad.rq:2"):
        load_query(path)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_saved_query_with_declared_prefixes_parses_without_predeclared_ones(name: str) -> None:
    """What the query editor and share links carry runs on an endpoint that knows none of our prefixes."""
    ox.Store().query(declare_prefixes(CATALOGUE[name].text))  # an empty Oxigraph predeclares no prefix


def test_declare_prefixes_skips_iris_strings_comments_and_declared_prefixes() -> None:
    text = ('# title: x, see rdfs:comment\n'
            'PREFIX qb: <http://purl.org/linked-data/cube#>\n'
            'SELECT * { ?s <http://x.org/skos:y> "owl:Thing" ; qb:dataSet ?d ; a echo:Organisation }\n')
    declared = declare_prefixes(text)
    assert declared.count("PREFIX") == 2
    assert "PREFIX echo: <https://w3id.org/echos-graph/ontology#>\n" in declared
    assert declared.startswith("# title: x, see rdfs:comment\nPREFIX echo:")


def test_declare_prefixes_leaves_a_query_without_our_prefixes_alone() -> None:
    assert declare_prefixes("ASK {}") == "ASK {}"


#: Saved queries rewritten for speed (issue 5), each with parameter sets to compare the rewrite on: no
#: parameter, and values whose answers exercise every branch of the rewrite on the bundled data (an
#: organisation in a project with partners, one in an initiative with no other partner ...).
REWRITTEN = [
    ("organisation-initiatives", {}),
    ("organisation-initiatives", {"organisation": "id:organisation/NO/sintef"}),
    ("project-participants", {}),
    ("project-participants", {"project": "id:project/101104587"}),
    ("organisations-by-hub", {}),
    ("organisations-by-hub", {"hub": "id:hub/NO", "sector": "id:sector/GOV"}),
    ("organisations-by-country", {}),
    ("organisations-by-country", {"country": "id:country/NO"}),
    ("coordinators-by-country", {}),
    ("coordinators-by-country", {"country": "id:country/ES"}),
    ("organisations-by-sector", {}),
    ("organisations-by-sector", {"sector": "id:sector/RES", "country": "id:country/NO"}),
    ("organisations-by-sector", {"sector": "id:sector/GOV"}),
    ("organisations-in-several-initiatives", {}),
    ("verification-mix", {}),
    ("graph-sizes", {}),
]
BEFORE = Path(__file__).parent / "data" / "queries-before"


@pytest.mark.parametrize(("name", "params"), REWRITTEN, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in REWRITTEN])
def test_rewritten_query_gives_the_rows_of_its_first_text_on_the_bundled_data(graph, name: str, params) -> None:
    """The expected rows are the first text's (tests/data/queries-before/), run on the same store."""
    before = rows(run_query(graph, load_query(BEFORE / f"{name}.rq", name=name), params))
    after = rows(run_query(graph, name, params))
    assert before, f"{name} {params} returns nothing on the bundled data: the comparison would prove nothing"
    assert after == before  # the same rows in the same order


def test_organisation_initiatives_keeps_initiatives_without_another_partner(graph) -> None:
    """The UNION's second branch: each initiative with no other partner still gives its one row."""
    result = rows(run_query(graph, "organisation-initiatives"))
    alone = {(r["organisation"], r["initiative"]) for r in result if not r["partner"]}
    before = rows(run_query(graph, load_query(BEFORE / "organisation-initiatives.rq"), {}))
    assert alone and alone == {(r["organisation"], r["initiative"]) for r in before if not r["partner"]}


def test_project_participants_lists_cordis_participations_with_the_role_of_echo_role(store_copy) -> None:
    """A CORDIS participation has echo:role and no eurio:roleLabel; the query reads the role's notation."""
    from echos_graph.ingest import ingest_source

    ingest_source(store_copy, "cordis", str(Path(__file__).parent / "data" / "cordis-awkward"), name="cordis-awkward")
    result = rows(run_query(store_copy, "project-participants", {"project": "id:project/101900001"}))
    # tests/data/cordis-awkward/organization.csv lines 2-4: the three participations of grant 101900001
    assert sorted((r["name"], r["role"], r["ecContribution"]) for r in result) == [
        ("Synthetic Enterprise 00003", "associated-partner", ""),
        ("Synthetic Research Institute 00002", "participant", "400000"),
        ("Synthetic University 00001", "coordinator", "600000"),
    ]
    assert {r["projectLabel"] for r in result} == {"SYNAWK1"}


@pytest.mark.parametrize(("name", "params"), REWRITTEN, ids=[f"{n}-{'-'.join(p) or 'all'}" for n, p in REWRITTEN])
def test_rewritten_query_gives_the_same_rows_on_virtuoso(graph, virtuoso_store, name: str, params) -> None:
    """The rewrites stay standard SPARQL 1.1: Virtuoso holding the same quads gives the same answers."""
    assert _comparable(run_query(virtuoso_store, name, params)) == _comparable(run_query(graph, name, params))
