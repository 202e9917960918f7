"""Hub gaps: sectors present and missing, diversity, themes, whether members collaborate; countries with no hub."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from test_analysis_projection import five_organisations

from echos_graph.analysis import render
from echos_graph.analysis.gaps import countries_without_hub, hub_gaps, member_components
from echos_graph.analysis.projection import (
    Network,
    co_participation_graph,
    load_network,
)
from echos_graph.errors import DataError
from echos_graph.namespaces import id_iri
from echos_graph.queries import run_query
from echos_graph.resources import data_dir
from echos_graph.results import compact, to_rows


@pytest.fixture(scope="module")
def bundled(graph) -> Network:
    return load_network(graph, cache=False)


# -- a hub worked out on paper -------------------------------------------------------

def test_hub_gaps_of_the_five_organisation_hub() -> None:
    # Hub h = {a GOV, b RES, e IND}; the scheme has GOV, RES, HCP, IND, PAT:
    # missing HCP and PAT, coverage 3/5; one member per sector: J = 1, Simpson 2/3.
    # a and b share p1 and p2, e takes part in nothing: components {a, b} and {e}.
    # Themes of p1 and p2: PRE and UND; the scheme also has DIG and QOL.
    gap = hub_gaps(five_organisations(), hub="h")[0]
    assert (gap.subject, gap.kind, gap.country) == ("h", "hub", "NO")
    assert gap.sectors_present == {"GOV": ("a",), "IND": ("e",), "RES": ("b",)}
    assert gap.sectors_missing == ("HCP", "PAT")
    assert gap.coverage == pytest.approx(0.6)
    assert gap.evenness == pytest.approx(1.0)
    assert gap.simpson == pytest.approx(2 / 3)
    assert gap.themes_present == ("PRE", "UND") and gap.themes_missing == ("DIG", "QOL")
    assert gap.components == (("a", "b"), ("e",))
    assert (gap.component_count, gap.largest_component, gap.isolated_members) == (2, 2, ("e",))


def test_hub_gaps_reports_countries_with_organisations_but_no_hub_after_the_hubs() -> None:
    gaps = hub_gaps(five_organisations())
    assert [(g.kind, g.subject) for g in gaps] == [("hub", "h"), ("country", id_iri("country", "SE"))]
    sweden = gaps[1]
    assert sweden.members == {"d": "Delta"}
    assert sweden.sectors_present == {"HCP": ("d",)}
    assert sweden.coverage == pytest.approx(0.2)
    assert sweden.evenness is None and sweden.simpson == 0.0


def test_hub_gaps_takes_a_country_code_for_a_country_with_no_hub() -> None:
    assert hub_gaps(five_organisations(), hub="se")[0].subject == id_iri("country", "SE")
    assert hub_gaps(five_organisations(), hub="NO")[0].subject == "h"


def test_hub_gaps_measures_coverage_against_a_required_profile() -> None:
    gap = hub_gaps(five_organisations(), hub="h", required=["GOV", "HCP"])[0]
    assert gap.sectors_missing == ("HCP",) and gap.coverage == 0.5
    assert "IND" in gap.sectors_present  # present sectors outside the profile still show


def test_hub_gaps_rejects_a_required_sector_outside_the_scheme() -> None:
    with pytest.raises(DataError, match="XYZ.*not in the sector scheme.*GOV"):
        hub_gaps(five_organisations(), required=["GOV", "XYZ"])


def test_hub_gaps_rejects_an_unknown_hub_and_lists_the_hubs() -> None:
    with pytest.raises(DataError, match="no hub or country 'id:hub/ZZ'.*one of: h"):
        hub_gaps(five_organisations(), hub="id:hub/ZZ")


def test_member_components_agree_with_networkx_on_the_members_subgraph() -> None:
    net = five_organisations()
    members = ["a", "b", "d", "e"]
    expected = sorted((tuple(sorted(c)) for c in nx.connected_components(co_participation_graph(net, nodes=members))),
                      key=lambda c: (-len(c), c[0]))
    assert member_components(net, members) == expected == [("a", "b"), ("d",), ("e",)]


def test_hub_gaps_are_deterministic() -> None:
    net = five_organisations()
    assert [g.to_dict() for g in hub_gaps(net)] == [g.to_dict() for g in hub_gaps(net)]


@pytest.mark.parametrize("fmt", ["table", "csv", "md", "json"])
def test_hub_gaps_render_in_every_format(fmt: str) -> None:
    text = render(hub_gaps(five_organisations()), fmt)
    if fmt == "json":
        assert [g["hub"] for g in json.loads(text)] == ["h", id_iri("country", "SE")]
    elif fmt == "csv":
        rows = list(csv.DictReader(text.splitlines()))
        assert rows[0]["missing"] == "HCP; PAT" and rows[0]["coverage"] == "0.600"
    else:
        assert "HCP; PAT" in text


# -- the Norwegian hub in the bundled data -------------------------------------------

def _sector_counts_of_norway() -> dict[str, int]:
    """Sectors of Cancer Mission Hub Norway's members, counted straight from the bundled CSV files."""
    with open(data_dir() / "organisations.csv", encoding="utf-8") as f:
        sector = {row["org_key"]: row["sector"] for row in csv.DictReader(f)}
    counts: dict[str, int] = {}
    with open(data_dir() / "hub_memberships.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["hub_country_iso2"] == "NO":
                counts[sector[row["org_key"]]] = counts.get(sector[row["org_key"]], 0) + 1
    return counts


def test_norwegian_hub_misses_regulators_patients_and_international_bodies(bundled) -> None:
    gap = hub_gaps(bundled, hub="id:hub/NO")[0]
    assert gap.label == "Cancer Mission Hub Norway" and len(gap.members) == 14
    # Checked by hand in data/hub_memberships.csv and data/organisations.csv: the 14 partners are
    # 6 GOV, 2 IND, 2 HCP and one each of RES (SINTEF), NGO, FUN and ACA.
    counts = {s: len(m) for s, m in gap.sectors_present.items()}
    assert counts == _sector_counts_of_norway() == {"GOV": 6, "IND": 2, "HCP": 2, "RES": 1, "NGO": 1, "FUN": 1,
                                                     "ACA": 1}
    assert gap.sectors_missing == ("INT", "PAT", "REG")
    assert gap.coverage == pytest.approx(0.7)
    # p = 6/14, 2/14, 2/14, 1/14 x 4: Simpson = 1 - (36 + 4 + 4 + 4) / 196 = 148/196 = 0.755102;
    # H = 6/14 ln(14/6) + 2 (2/14) ln 7 + 4 (1/14) ln 14 = 0.363128 + 0.555974 + 0.754016 = 1.673118;
    # S = 7 sectors, J = H / ln 7 = 1.673118 / 1.945910 = 0.859813.
    assert gap.simpson == pytest.approx(148 / 196)
    assert gap.shannon == pytest.approx(1.673118, abs=1e-6)
    assert gap.evenness == pytest.approx(0.859813, abs=1e-6)
    assert [gap.members[m] for m in gap.sectors_present["RES"]] == ["SINTEF"]


def test_norwegian_hub_members_collaborate_only_through_echos(bundled) -> None:
    gap = hub_gaps(bundled, hub="id:hub/NO")[0]
    # participations.csv: of the 14 members, only Oslo Cancer Cluster, Research Council of Norway,
    # Norwegian Cancer Society, Oslo University Hospital and SINTEF take part in anything (ECHoS);
    # the other 9 are isolated, so 10 components, the largest of 5.
    assert gap.component_count == 10 and gap.largest_component == 5
    assert sorted(gap.members[m] for m in gap.components[0]) == [
        "Norwegian Cancer Society", "Oslo Cancer Cluster", "Oslo University Hospital", "Research Council of Norway",
        "SINTEF"]
    assert len(gap.isolated_members) == 9
    # ECHoS addresses the HUB theme only (initiatives.csv).
    assert gap.themes_present == ("HUB",) and len(gap.themes_missing) == 8


def test_hub_gaps_of_the_bundled_data_match_the_saved_hub_sector_coverage_query(graph, bundled) -> None:
    names, values = to_rows(run_query(graph, "hub-sector-coverage"))
    rows = [dict(zip(names, v)) for v in values]
    for gap in hub_gaps(bundled):
        if gap.kind != "hub":
            continue
        mine = {r["notation"] for r in rows if r["hub"] == compact(gap.subject) and r["covered"] == "false"}
        assert set(gap.sectors_missing) == mine, gap.label


def test_countries_without_hub_are_those_of_the_saved_query(graph, bundled) -> None:
    names, values = to_rows(run_query(graph, "countries-without-hub"))
    expected = [dict(zip(names, v))["countryCode"] for v in values]
    found = countries_without_hub(bundled)
    assert [c.code for c in found] == expected
    belgium = next(c for c in found if c.code == "BE")
    # organisations.csv: Sciensano (GOV), European Cancer Organisation and OECI (NGO).
    assert (belgium.organisations, belgium.sectors, belgium.status) == (3, ("GOV", "NGO"), "eu-member-state")


def test_csv_reports_neutralise_text_a_spreadsheet_would_run_as_a_formula_and_keep_numbers() -> None:
    # OWASP, "CSV Injection": a text cell starting with = + - @ tab or CR gets a leading apostrophe.
    from echos_graph.analysis.formatting import render_rows

    rows = [{"organisation": '=HYPERLINK("http://example.org","x")', "name": "@SUM(A1)", "ei_index": -0.25,
             "country": "NO"}]
    lines = render_rows(rows, "csv").splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://example.org"",""x"")",\'@SUM(A1),-0.250,NO'
