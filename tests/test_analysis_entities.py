"""Neighbourhoods, organisation pages, kept network measures and the hub landscape; expected values from data/*.csv."""

from __future__ import annotations

import re

import pytest

from echos_graph.analysis import (
    country_neighbourhood,
    initiative_neighbourhood,
    keep_measures,
    kept_measures,
    list_organisations,
    load_network,
    network_measures,
    network_summary,
    organisation_neighbourhood,
    sector_neighbourhood,
)
from echos_graph.errors import DataError
from echos_graph.info import describe_sources
from echos_graph.landscape import hub_landscape
from echos_graph.namespaces import ID

ECHOS = str(ID) + "project/101104587"


@pytest.fixture(scope="module")
def net(graph):
    return load_network(graph, cache=False)


def test_organisation_neighbourhood_of_sintef(net) -> None:
    found = organisation_neighbourhood(net, str(ID) + "organisation/NO/sintef", limit=3)
    # participations.csv: SINTEF is only in ECHoS (18 participants), so 17 partners sharing 1 initiative each
    assert found.partner_total == 17 and len(found.partners) == 3 and {p.count for p in found.partners} == {1}
    assert [(i.label, i.role, i.count) for i in found.initiatives] == [("ECHoS", "participant", 18)]
    assert [(h.iri, h.role) for h in found.hubs] == [(str(ID) + "hub/NO", "hub-member")]
    assert found.sectors == (("RES", "Research organisations"),)


def test_organisation_neighbourhood_refuses_an_unknown_organisation(net) -> None:
    with pytest.raises(DataError, match="no organisation"):
        organisation_neighbourhood(net, str(ID) + "organisation/NO/nobody")


def test_initiative_neighbourhood_puts_the_coordinator_first(net) -> None:
    found = initiative_neighbourhood(net, ECHOS)
    assert found.participant_total == 18
    assert (found.participants[0].label, found.participants[0].role) == (
        "Agencia de Investigacao Clinica e Inovacao Biomedica", "coordinator")
    assert found.themes == (("HUB", "Mission governance and National Cancer Mission Hubs"),)


def test_country_and_sector_neighbourhoods(net) -> None:
    norway = country_neighbourhood(net, "NO")
    # organisations.csv: 14 Norwegian organisations, 6 of them GOV
    assert norway.organisation_total == 14 and norway.breakdown["GOV"] == 6 and norway.expected
    regulators = sector_neighbourhood(net, "REG")
    assert regulators.organisation_total == 0 and len(regulators.hubs_missing) == 14


def test_list_organisations_pages_by_name(net) -> None:
    found = list_organisations(net, country="NO", per_page=10, page=2)
    assert found.total == 14 and found.pages == 2
    assert [o.label for o in found.organisations] == ["Oslo University Hospital", "Regional Health Authorities",
                                                      "Research Council of Norway", "SINTEF"]
    with pytest.raises(DataError):
        list_organisations(net, page=0)


def test_measures_are_computed_for_a_small_network_and_kept_per_generation(store_copy) -> None:
    net = load_network(store_copy)
    assert kept_measures(store_copy) is None
    assert network_measures(store_copy, net, max_ties=0) is None  # too large to compute at once
    table = network_measures(store_copy, net)
    assert table is not None and table.of(str(ID) + "organisation/NO/sintef")["degree"] == 17
    assert kept_measures(store_copy).nodes == table.nodes
    summary = network_summary(net, table)
    assert summary["organisations"] == len(net.organisations) and summary["measures"]["community_method"] == "louvain"


def test_keep_measures_does_nothing_for_a_store_in_memory(net) -> None:
    from echos_graph import open_store
    from echos_graph.analysis import co_participation_graph
    from echos_graph.analysis.network import analyse

    memory = open_store("memory:")
    keep_measures(memory, analyse(co_participation_graph(net), methods=("louvain",), runs=1))
    assert kept_measures(memory) is None


def test_hub_landscape_joins_status_and_coverage(graph, net) -> None:
    found = hub_landscape(graph, net)
    norway = next(h for h in found.hubs if h.code == "NO")
    # hubs.csv: NO operational 2021, confirmed; 7 of 10 sectors covered
    assert (norway.status.status, norway.status.date, norway.status.verification) == ("operational", "2021", "confirmed")
    assert norway.gap.coverage == 0.7
    # countries.csv: 27 Member States and 20 Associated Countries; hubs.csv: 14 of them have a hub
    assert (len(found.countries), len(found.with_hub), len(found.without_hub)) == (47, 14, 33)


def test_describe_sources_gives_files_dates_sizes_and_verification_mix(graph) -> None:
    [bundled] = describe_sources(graph)
    files = {f.file: f for f in bundled.files}
    # data/hubs.csv: 14 rows, 6,801 bytes
    assert (files["data/hubs.csv"].records, files["data/hubs.csv"].bytes) == (14, 6801)
    assert re.match(r"^\d{4}-\d{2}-\d{2}T", bundled.ingested_at)
    assert set(bundled.verification) <= {str(ID) + "verification/" + s for s in
                                         ("confirmed", "probable", "inferred", "unverified")}
