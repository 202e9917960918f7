"""Gap-filling recommendations: for each sector a hub misses, real organisations that could fill it, with reasons.

For a hub H (its members M) and a sector s it misses, the candidates are the
organisations of the graph in sector s that are not members. Candidates of
the hub's own country come first, then cross-border ones; within each group
they are ranked by a score in [0, 1] and ties are broken by IRI:

    score = 0.70 * direct + 0.15 * indirect + 0.10 * themes + 0.05 * centrality

- ``direct`` = d / (d + 1), d being the number of initiatives the candidate
  shares with members of H (one shared initiative gives 0.5, two 0.67);
- ``indirect`` = t / (t + 1), t being the number of 2-step paths to the hub
  beyond the shared initiatives, counted by intermediary: the organisations
  outside H that share with the candidate an initiative that no member
  takes part in, and share some initiative with a member (the partners of
  an initiative the candidate already shares with the hub are not counted
  twice);
- ``themes`` = the share of the Mission themes addressed by the members'
  initiatives that the candidate's initiatives address too (0 when the
  members' initiatives address none);
- ``centrality`` = the candidate's degree in the co-participation graph
  (its number of distinct partners) divided by the largest degree among the
  sector's candidates: degree centrality [1]_ normalised within the pool.

A shared initiative outweighs everything else: one gives 0.35, while no
number of partners in common, shared themes and partners can reach 0.30.
An organisation already working with the hub's members is a warm
introduction, so it comes before one that would have to be found through
intermediaries (a planted test on a generated network showed the earlier
weights, 0.50/0.25/0.15/0.10, ranking a well-connected stranger above a
candidate with two initiatives in common with the hub). Then come paths
through partners, shared themes and, last, centrality. The
neighbourhoods are computed from the participation lists directly, so no
co-participation graph of the whole network is built: one hub's
recommendations stay fast on a graph of 100,000 organisations.

References
----------
.. [1] L. C. Freeman, "Centrality in social networks: conceptual
   clarification", Social Networks 1(3):215-239, 1978.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..results import compact
from ..store import GraphStore
from .gaps import _gap, _required, _resolve_subjects
from .projection import Network, as_network

__all__ = ["WEIGHTS", "Recommendation", "SectorRecommendations", "recommend"]

#: The weight of each part of the score; they sum to 1.
WEIGHTS: dict[str, float] = {"direct": 0.70, "indirect": 0.15, "themes": 0.10, "centrality": 0.05}

#: How many names a reason lists before "and N others".
_NAMES_IN_REASON = 3


@dataclass(frozen=True)
class Recommendation:
    """A candidate organisation for a sector a hub misses, with its score and the evidence.

    Attributes
    ----------
    hub, sector : str
        The hub's IRI (a country's IRI for a country with no hub) and the
        missing sector's notation.
    rank : int
        1 for the best candidate of the sector.
    organisation, label, country : str
        The candidate's IRI, name and ISO country code ('' if unknown).
    same_country : bool
        Whether it is in the hub's country.
    score : float
        The weighted sum of ``parts`` (see :data:`WEIGHTS`).
    parts : dict of str to float
        ``direct``, ``indirect``, ``themes`` and ``centrality``, each in [0, 1].
    shared_initiatives : tuple of str
        Initiatives it shares with hub members.
    linked_members : tuple of str
        The hub members it shares them with.
    common_partners : tuple of str
        Organisations outside the hub that work with it (in an initiative
        with no member) and with a member: the intermediaries of its
        2-step paths to the hub.
    shared_themes : tuple of str
        Theme notations its initiatives share with the members' initiatives.
    coordinated : tuple of str
        Initiatives it coordinates.
    degree : int
        Its number of distinct partners in the co-participation graph.
    reason : str
        The evidence in words.
    """

    hub: str
    sector: str
    rank: int
    organisation: str
    label: str
    country: str
    same_country: bool
    score: float
    parts: dict[str, float]
    shared_initiatives: tuple[str, ...]
    linked_members: tuple[str, ...]
    common_partners: tuple[str, ...]
    shared_themes: tuple[str, ...]
    coordinated: tuple[str, ...]
    degree: int
    reason: str

    def to_row(self) -> dict[str, Any]:
        """Return one flat row."""
        return {"hub": compact(self.hub), "sector": self.sector, "rank": self.rank,
                "organisation": compact(self.organisation), "label": self.label, "country": self.country,
                "score": self.score, **self.parts, "reason": self.reason}

    def to_dict(self) -> dict[str, Any]:
        """Return the recommendation as plain data."""
        return {"hub": self.hub, "sector": self.sector, "rank": self.rank, "organisation": self.organisation,
                "label": self.label, "country": self.country, "sameCountry": self.same_country,
                "score": self.score, "parts": dict(self.parts),
                "sharedInitiatives": list(self.shared_initiatives), "linkedMembers": list(self.linked_members),
                "commonPartners": list(self.common_partners), "sharedThemes": list(self.shared_themes),
                "coordinated": list(self.coordinated), "degree": self.degree, "reason": self.reason}


@dataclass(frozen=True)
class SectorRecommendations:
    """The candidates for one sector a hub misses; ``note`` says why the list is short or empty.

    Attributes
    ----------
    hub, hub_label, sector, sector_label : str
    available : int
        Organisations of the sector in the graph, outside the hub.
    available_in_country : int
        Of those, the ones in the hub's country.
    candidates : tuple of Recommendation
        The best ones, ranked (at most ``per_sector``).
    note : str
        A sentence on the pool ("no organisation of sector PAT (...) in the
        graph" when it is empty).
    """

    hub: str
    hub_label: str
    sector: str
    sector_label: str
    available: int
    available_in_country: int
    candidates: tuple[Recommendation, ...] = field(default_factory=tuple)
    note: str = ""

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one row per candidate, or one row carrying the note when there is none."""
        if self.candidates:
            return [c.to_row() for c in self.candidates]
        empty = dict.fromkeys(("rank", "organisation", "label", "country", "score", *WEIGHTS), None)
        return [{"hub": compact(self.hub), "sector": self.sector, **empty, "reason": self.note}]

    def to_dict(self) -> dict[str, Any]:
        """Return the sector's recommendations as plain data."""
        return {"hub": self.hub, "hubLabel": self.hub_label, "sector": self.sector,
                "sectorLabel": self.sector_label, "available": self.available,
                "availableInCountry": self.available_in_country, "note": self.note,
                "candidates": [c.to_dict() for c in self.candidates]}


def _names(items: Sequence[str]) -> str:
    """Join names as 'X', 'X and Y', 'X, Y and Z' or 'X, Y, Z and 2 others'."""
    items = list(items)
    if len(items) > _NAMES_IN_REASON:
        rest = len(items) - _NAMES_IN_REASON
        return ", ".join(items[:_NAMES_IN_REASON]) + f" and {rest} other{'s' if rest > 1 else ''}"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, word: str) -> str:
    """Return '1 word' or 'n words'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def recommend(store_or_net: GraphStore | Network, hub: str, *, per_sector: int | None = 5,
              required: Sequence[str] | None = None) -> list[SectorRecommendations]:
    """Recommend organisations to fill each sector a hub misses, ranked, with the reasons.

    Parameters
    ----------
    store_or_net : GraphStore or Network
        The graph, or a Network already loaded from it.
    hub : str
        The hub (``id:hub/NO``), or a country as :func:`~echos_graph.analysis.gaps.hub_gaps` takes it.
    per_sector : int or None
        How many candidates to keep per sector; all of them if None.
    required : sequence of str, optional
        The sectors the hub should cover; the whole sector scheme when omitted.

    Returns
    -------
    list of SectorRecommendations
        One per missing sector, in notation order (one per sector and hub
        if ``hub`` names a country with several hubs). A sector with no
        organisation in the graph has no candidate and a note saying so.

    Raises
    ------
    DataError
        For an unknown hub or a required sector outside the scheme.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Hub, Organisation
    >>> net = Network(
    ...     {"m": Organisation("M", ("GOV",), "NO"), "c": Organisation("C", ("PAT",), "NO"),
    ...      "d": Organisation("D", ("PAT",), "SE")},
    ...     {"p": {"m": "participant", "d": "coordinator"}},
    ...     hubs={"h": Hub("Hub", "NO", {"m": "hub-member"})}, sectors={"GOV": "Gov", "PAT": "Patients"})
    >>> [(r.label, r.score) for r in recommend(net, "h")[0].candidates]
    [('C', 0.0), ('D', 0.4)]
    >>> recommend(net, "h")[0].candidates[1].reason
    'shares 1 initiative with hub member M (p); coordinator in p; cross-border (SE); 1 partner in the graph'
    """
    net = as_network(store_or_net)
    chosen = _required(net, required)
    results = []
    for subject in _resolve_subjects(net, hub):
        gap = _gap(net, subject, chosen)
        results.extend(_recommend_hub(net, subject.iri, subject.label, subject.country, set(subject.members),
                                      set(gap.themes_present), gap.sectors_missing, per_sector))
    return results


@dataclass
class _Evidence:
    """What links one candidate to a hub (filled from the hub's side, only for candidates it reaches)."""

    shared: list[str] = field(default_factory=list)
    common: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)


def _recommend_hub(net: Network, hub: str, hub_label: str, country: str | None, members: set[str],
                   hub_themes: set[str], missing: Sequence[str], per_sector: int | None) -> list[SectorRecommendations]:
    """Gather the evidence once for the hub, then rank the candidates of each missing sector."""
    pools = {sector: [org for org in net.by_sector.get(sector, ()) if org not in members] for sector in missing}
    candidates = {org for pool in pools.values() for org in pool}
    hub_initiatives = {i for m in members for i in net.roles_of(m)}
    neighbourhood: set[str] = set()
    for initiative in hub_initiatives:
        neighbourhood.update(net.participations[initiative])
    neighbourhood -= members
    evidence: dict[str, _Evidence] = {}
    for initiative in sorted(hub_initiatives):
        for org in net.participations[initiative]:
            if org in candidates:
                evidence.setdefault(org, _Evidence()).shared.append(initiative)
    # The partners in common come from whichever side is smaller: outward from
    # the hub's neighbourhood, or from the candidates' own initiatives.
    sizes = net.sizes

    def reach(orgs: Iterable[str]) -> int:
        return sum(sizes[i] for org in orgs for i in net.roles_of(org))

    if reach(neighbourhood) <= reach(candidates):
        for partner in neighbourhood:
            for initiative in net.roles_of(partner):
                if initiative not in hub_initiatives:
                    for org in net.participations[initiative]:
                        if org in candidates and org != partner:
                            evidence.setdefault(org, _Evidence()).common.add(partner)
    else:
        for org in candidates:
            elsewhere: set[str] = set()
            for initiative in net.roles_of(org):
                if initiative not in hub_initiatives:
                    elsewhere.update(net.participations[initiative])
            common = (elsewhere & neighbourhood) - {org}
            if common:
                evidence.setdefault(org, _Evidence()).common.update(common)
    if hub_themes:
        for initiative, found in net.initiatives.items():
            hits = hub_themes.intersection(found.themes)
            if hits:
                for org in net.participations.get(initiative, ()):
                    if org in candidates:
                        evidence.setdefault(org, _Evidence()).themes.update(hits)
    return [_recommend_sector(net, hub, hub_label, country, sector, pools[sector], members, hub_themes, evidence,
                              per_sector) for sector in missing]


def _recommend_sector(net: Network, hub: str, hub_label: str, country: str | None, sector: str, pool: list[str],
                      members: set[str], hub_themes: set[str], evidence: dict[str, _Evidence],
                      per_sector: int | None) -> SectorRecommendations:
    """Score and rank the organisations of ``sector`` outside the hub (``pool``).

    The exact degree (distinct partners) of a candidate costs a union of its
    initiatives' participant lists, so it is computed only where it can
    change the answer: candidates are visited best-first by an upper bound
    of their score (the degree bounded by the sum of their initiatives'
    sizes), and the visit stops once the ``per_sector`` best exact scores
    beat every bound left. The result is the same as scoring them all.
    """
    sector_label = net.sectors.get(sector, sector)
    home = set(net.by_country.get(country, ())) if country else set()
    none = _Evidence()
    degrees: dict[str, int] = {}
    sizes = net.sizes

    def degree(org: str) -> int:
        if org not in degrees:
            degrees[org] = len(net.partners_of(org))
        return degrees[org]

    bound = {org: sum(sizes[i] - 1 for i in net.roles_of(org)) for org in pool}
    top_degree = 0
    for org in sorted(pool, key=lambda o: -bound[o]):
        if bound[org] <= top_degree:
            break
        top_degree = max(top_degree, degree(org))

    def score(org: str, deg: int) -> tuple[float, dict[str, float]]:
        found = evidence.get(org, none)
        d, t = len(found.shared), len(found.common)
        parts = {
            "direct": d / (d + 1),
            "indirect": t / (t + 1),
            "themes": len(found.themes) / len(hub_themes) if hub_themes else 0.0,
            "centrality": deg / top_degree if top_degree else 0.0,
        }
        return round(sum(WEIGHTS[k] * v for k, v in parts.items()), 6), parts

    def optimistic(org: str) -> float:
        deg = min(bound[org], top_degree)
        if org in evidence:
            return score(org, deg)[0]
        return round(WEIGHTS["centrality"] * deg / top_degree, 6) if top_degree else 0.0

    limit = len(pool) if per_sector is None else max(per_sector, 0)
    exact: list[tuple[bool, float, str]] = []
    if limit:
        for key in sorted((org not in home, -optimistic(org), org) for org in pool):
            if len(exact) >= limit and exact[limit - 1] < key:
                break  # no candidate left can enter the best `limit`
            insort(exact, (key[0], -score(key[2], degree(key[2]))[0], key[2]))
    chosen = []
    for rank, (_, _, org) in enumerate(exact[:limit], start=1):
        value, parts = score(org, degree(org))
        found = evidence.get(org, none)
        chosen.append(_recommendation(net, hub, sector, rank, org, parts, value, org in home, net.roles_of(org),
                                      degree(org), sorted(found.shared), sorted(found.common), sorted(found.themes),
                                      members))
    in_country = sum(1 for org in pool if org in home)
    if not pool:
        note = (f"no organisation of sector {sector} ({sector_label}) in the graph outside the hub: "
                "none to recommend; look beyond the graph")
    elif country and not in_country:
        note = (f"{_plural(len(pool), 'organisation')} of sector {sector} in the graph, none in {country}: "
                "cross-border candidates only")
    else:
        note = f"{_plural(len(pool), 'organisation')} of sector {sector} in the graph, {in_country} in {country or 'the hub country'}"
    return SectorRecommendations(hub, hub_label, sector, sector_label, len(pool), in_country, tuple(chosen), note)


def _recommendation(net: Network, hub: str, sector: str, rank: int, org: str, parts: dict[str, float], score: float,
                    same: bool, roles: dict[str, str], degree: int, shared: list[str], common: list[str],
                    shared_themes: list[str], members: set[str]) -> Recommendation:
    """Build a Recommendation and its reason in words."""
    found = net.organisations[org]
    linked = sorted({m for i in shared for m in net.participations[i] if m in members},
                    key=lambda m: (net.label(m), m))
    coordinated = sorted((i for i, r in roles.items() if r == "coordinator"), key=lambda i: (i not in shared, net.label(i), i))
    words = []
    if shared:
        words.append(f"shares {_plural(len(shared), 'initiative')} with hub member{'s' if len(linked) > 1 else ''} "
                     f"{_names([net.label(m) for m in linked])} ({_names(sorted(net.label(i) for i in shared))})")
    if coordinated:
        words.append(f"coordinator in {_names([net.label(i) for i in coordinated])}")
    if common:
        via = sorted(common, key=lambda o: (net.label(o), o))
        lead = "" if shared else "no direct link to the hub; "
        words.append(f"{lead}{_plural(len(common), 'partner')} in common with hub members "
                     f"({_names([net.label(o) for o in via])})")
    elif not shared:
        words.append("no direct link to the hub")
    if same:
        words.append(f"same country ({found.country})")
    else:
        words.append(f"cross-border ({found.country})" if found.country else "country unknown")
    if shared_themes:
        words.append(f"{_plural(len(shared_themes), 'shared Mission theme')} ({', '.join(shared_themes)})")
    words.append(f"{_plural(degree, 'partner')} in the graph" if degree else "no partner in the graph yet")
    return Recommendation(
        hub=hub, sector=sector, rank=rank, organisation=org, label=found.label, country=found.country or "",
        same_country=same, score=score, parts=parts, shared_initiatives=tuple(shared), linked_members=tuple(linked),
        common_partners=tuple(common), shared_themes=tuple(shared_themes),
        coordinated=tuple(coordinated), degree=degree, reason="; ".join(words),
    )
