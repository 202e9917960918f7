"""The analyses find what was planted in a generated network: sector gaps, bridges, communities, the best candidate.

A seeded generator (below) makes four national clusters of 50 organisations
(DE, FR, IT, PL), each with 30 initiatives of 3 to 6 of its own
organisations, and plants:

- three bridging organisations, each in 3 initiatives of its own country and
  3 of another's: the only ties between clusters;
- hubs with known gaps: DE's members cover every sector but IND and PAT,
  FR's every sector but FUN, IT's all ten; PL has organisations and no hub;
- in DE, one IND organisation that joins 2 initiatives with hub members,
  while the other IND and PAT organisations of DE work only in initiatives
  with no member;
- in PL, two organisations with no initiative together whose initiatives
  have the same other members (20 partners in common).

Every expected value below follows from that construction, not from a run.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from echos_graph.analysis.gaps import countries_without_hub, hub_gaps
from echos_graph.analysis.network import analyse
from echos_graph.analysis.projection import (
    Country,
    Hub,
    Initiative,
    Network,
    Organisation,
    co_participation_graph,
)
from echos_graph.analysis.recommend import recommend
from echos_graph.analysis.synergies import synergies

ID = "https://w3id.org/echos-graph/id/"
SECTORS = ("ACA", "FUN", "GOV", "HCP", "IND", "INT", "NGO", "PAT", "REG", "RES")
THEMES = ("understanding", "prevention", "diagnosis", "quality-of-life")
COUNTRIES = {"DE": "Germany", "FR": "France", "IT": "Italy", "PL": "Poland"}
BRIDGES = {"DE": "FR", "FR": "IT", "IT": "PL"}  # bridge of country -> the other country it also works in
MISSING = {"DE": ("IND", "PAT"), "FR": ("FUN",), "IT": ()}
PLANTED_CANDIDATE = f"{ID}organisation/planted-de-ind"
PLANTED_PAIR = (f"{ID}organisation/planted-pl-x", f"{ID}organisation/planted-pl-y")


def _org(country: str, n: int) -> str:
    return f"{ID}organisation/{country.lower()}-{n:02d}"


def planted_network(seed: int = 7) -> Network:
    """Return the network described in the module docstring."""
    rng = random.Random(seed)
    organisations: dict[str, Organisation] = {}
    participations: dict[str, dict[str, str]] = {}
    initiatives: dict[str, Initiative] = {}
    hubs: dict[str, Hub] = {}

    def add_initiative(name: str, members: list[str]) -> str:
        iri = f"{ID}project/{name}"
        participations[iri] = {org: ("coordinator" if i == 0 else "participant") for i, org in enumerate(members)}
        initiatives[iri] = Initiative(name.upper(), tuple(sorted(rng.sample(THEMES, 2))))
        return iri

    by_country: dict[str, list[str]] = {}
    for country in COUNTRIES:
        orgs = [_org(country, n) for n in range(50)]
        for n, iri in enumerate(orgs):
            organisations[iri] = Organisation(f"{COUNTRIES[country]} organisation {n}", (SECTORS[n % 10],), country)
        by_country[country] = orgs
        members = []
        if country in MISSING:  # two members per sector the hub covers
            members = [o for o in orgs if organisations[o].sector not in MISSING[country]][:2 * (10 - len(MISSING[country]))]
            hubs[f"{ID}hub/{country}"] = Hub(f"Hub {country}", country, {o: "hub-member" for o in members})
        # DE: the IND and PAT organisations outside the hub work only where no member does.
        shy = [o for o in orgs if country == "DE" and organisations[o].sector in ("IND", "PAT")]
        core = [o for o in orgs if o not in shy]
        outer = [o for o in orgs if o not in members]
        for k in range(30):
            pool = outer if shy and k % 3 == 0 else core
            chosen = rng.sample(pool, rng.randint(3, 6))
            if shy and k % 3 == 0:
                chosen = list(dict.fromkeys(chosen + rng.sample(shy, 2)))
            add_initiative(f"{country.lower()}-{k:02d}", chosen)
    # The bridges: each also joins 3 initiatives of another cluster.
    for country, other in BRIDGES.items():
        bridge = f"{ID}organisation/bridge-{country.lower()}-{other.lower()}"
        organisations[bridge] = Organisation(f"Bridge {country}-{other}", ("RES",), country)
        for k in range(3):
            participations[f"{ID}project/{country.lower()}-{k:02d}"][bridge] = "participant"
            participations[f"{ID}project/{other.lower()}-{k + 10:02d}"][bridge] = "participant"
    # DE's best IND candidate: two initiatives with hub members.
    organisations[PLANTED_CANDIDATE] = Organisation("Planted DE industry partner", ("IND",), "DE")
    de_members = list(hubs[f"{ID}hub/DE"].members)
    for k, pair in enumerate((de_members[0:3], de_members[3:6])):
        add_initiative(f"de-planted-{k}", [PLANTED_CANDIDATE, *pair])
    # PL: two organisations with the same partners and no initiative together.
    x, y = PLANTED_PAIR
    organisations[x] = Organisation("Planted PL X", ("NGO",), "PL")
    organisations[y] = Organisation("Planted PL Y", ("NGO",), "PL")
    partners = rng.sample(by_country["PL"], 20)
    for k in range(5):
        four = partners[4 * k:4 * k + 4]
        add_initiative(f"pl-x-{k}", [x, *four])
        add_initiative(f"pl-y-{k}", [y, *four])
    return Network(
        organisations, participations, initiatives, hubs,
        sectors={s: s for s in SECTORS}, themes={t: t for t in THEMES},
        countries={c: Country(name, "eu-member-state") for c, name in COUNTRIES.items()},
    )


@pytest.fixture(scope="module")
def net() -> Network:
    return planted_network()


@pytest.fixture(scope="module")
def result(net):
    return analyse(co_participation_graph(net), seed=42)


def test_hub_gaps_are_exactly_the_planted_missing_sectors(net) -> None:
    found = {gap.country: gap.sectors_missing for gap in hub_gaps(net) if gap.kind == "hub"}
    assert {c: tuple(sorted(s)) for c, s in found.items()} == MISSING


def test_the_country_with_organisations_and_no_hub_is_reported(net) -> None:
    assert [c.code for c in countries_without_hub(net)] == ["PL"]
    no_hub = [gap for gap in hub_gaps(net) if gap.kind == "country"]
    assert [gap.country for gap in no_hub] == ["PL"]
    assert no_hub[0].sectors_missing == ()  # PL's 50 organisations cover all ten sectors


def test_planted_bridges_have_the_highest_betweenness(result) -> None:
    ranked = sorted(result.nodes.values(), key=lambda m: -m.betweenness)
    top = {m.node for m in ranked[:3]}
    assert top == {f"{ID}organisation/bridge-{a.lower()}-{b.lower()}" for a, b in BRIDGES.items()}


def test_planted_bridges_are_the_cross_border_brokers(result) -> None:
    bridges = {f"{ID}organisation/bridge-{a.lower()}-{b.lower()}" for a, b in BRIDGES.items()}
    assert bridges <= {b.node for b in result.brokers[:5]}
    for node in bridges:  # half its ties (3 of 6 initiatives) go abroad
        assert result.nodes[node].bridging["country"] > 0.3


def test_communities_recover_the_four_national_clusters(net, result) -> None:
    membership = result.communities["leiden"].membership
    majority = {}
    for country in COUNTRIES:
        labels = Counter(membership[_org(country, n)] for n in range(50))
        label, count = labels.most_common(1)[0]
        assert count >= 45, f"{country}: only {count} of 50 in one community"
        majority[country] = label
    assert len(set(majority.values())) == 4


def test_the_planted_candidate_ranks_first_for_the_gap_with_a_checkable_reason(net) -> None:
    industry = next(r for r in recommend(net, f"{ID}hub/DE") if r.sector == "IND")
    first = industry.candidates[0]
    assert first.organisation == PLANTED_CANDIDATE
    assert len(first.shared_initiatives) == 2
    assert "shares 2 initiatives with hub members" in first.reason
    assert all(c.parts["direct"] == 0 for c in industry.candidates[1:] if c.same_country)


def test_same_country_candidates_come_before_cross_border_ones(net) -> None:
    for sector in recommend(net, f"{ID}hub/FR", per_sector=None):
        flags = [c.same_country for c in sector.candidates]
        assert flags == sorted(flags, reverse=True)
        assert sum(flags) == 5  # FR has 5 FUN organisations, none a member


def test_the_planted_pair_is_the_top_synergy(net) -> None:
    G = co_participation_graph(net)
    top = synergies(G, method="adamic_adar", top=1)[0]
    assert {top.a, top.b} == set(PLANTED_PAIR)
    assert top.shared_partners == 20
