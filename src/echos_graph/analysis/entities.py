"""One organisation, initiative, country or sector seen through the network: its hubs, initiatives and partners.

Pure functions of a :class:`~echos_graph.analysis.projection.Network`
(read once per store generation), so that a page about one entity costs
no query beyond its own facts:

- :func:`organisation_neighbourhood`: its sectors, country, hubs (with the
  role), initiatives (with the role and themes) and partners ranked by the
  initiatives they share;
- :func:`initiative_neighbourhood`: its participants by role, their
  countries, sectors and hubs;
- :func:`country_neighbourhood` and :func:`sector_neighbourhood`: the hubs
  and organisations of a country or a sector.

Lists that can be long (partners of a large organisation, organisations of a
country) are cut to ``limit`` entries and say how many there are in all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import DataError
from .gaps import EXPECTED_STATUSES
from .projection import Network

__all__ = [
    "CountryNeighbourhood",
    "InitiativeNeighbourhood",
    "Named",
    "OrganisationNeighbourhood",
    "OrganisationPage",
    "SectorNeighbourhood",
    "country_neighbourhood",
    "initiative_neighbourhood",
    "list_organisations",
    "organisation_neighbourhood",
    "sector_neighbourhood",
]

#: How many partners or organisations a neighbourhood lists unless told otherwise.
LIMIT = 50


@dataclass(frozen=True)
class Named:
    """An entity in a list: its IRI and label, and what it is to the subject.

    ``role`` is a role (coordinator, hub-lead ...) or empty; ``count`` a
    number that ranks it (shared initiatives, members) or 0; ``country``,
    ``sector`` and ``detail`` help to read the list.
    """

    iri: str
    label: str
    role: str = ""
    count: int = 0
    country: str = ""
    sector: str = ""
    detail: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as plain data."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def _org(net: Network, iri: str, **extra: Any) -> Named:
    """Return an organisation as a list entry."""
    found = net.organisation(iri)
    return Named(iri, found.label, country=found.country or "", sector=found.sector or "", **extra)


def _cut(items: list[Named], limit: int | None) -> tuple[Named, ...]:
    """Return the first ``limit`` items (all of them if None)."""
    return tuple(items if limit is None else items[:limit])


@dataclass(frozen=True)
class OrganisationNeighbourhood:
    """An organisation's place in the network.

    Attributes
    ----------
    iri, label, country : str
    sectors : tuple of (notation, label)
    hubs : tuple of Named
        Hubs it is a member of, ``role`` hub-lead or hub-member.
    initiatives : tuple of Named
        Initiatives it takes part in, ``role`` its role, ``detail`` the theme notations.
    partners : tuple of Named
        Organisations sharing an initiative with it, most shared first
        (``count``), cut to the limit; ``detail`` names the shared initiatives.
    partner_total : int
        All its partners (its degree in the co-participation graph).
    """

    iri: str
    label: str
    country: str
    sectors: tuple[tuple[str, str], ...]
    hubs: tuple[Named, ...]
    initiatives: tuple[Named, ...]
    partners: tuple[Named, ...]
    partner_total: int

    def to_dict(self) -> dict[str, Any]:
        """Return the neighbourhood as plain data."""
        return {"iri": self.iri, "label": self.label, "country": self.country or None,
                "sectors": [{"sector": s, "label": lab} for s, lab in self.sectors],
                "hubs": [h.to_dict() for h in self.hubs], "initiatives": [i.to_dict() for i in self.initiatives],
                "partners": [p.to_dict() for p in self.partners], "partnerTotal": self.partner_total}


def organisation_neighbourhood(net: Network, iri: str, *, limit: int | None = LIMIT) -> OrganisationNeighbourhood:
    """Return an organisation's sectors, hubs, initiatives and partners.

    Parameters
    ----------
    net : Network
    iri : str
        The organisation's IRI.
    limit : int or None
        How many partners to list (all if None).

    Raises
    ------
    DataError
        If the network has no such organisation.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Hub, Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",), "NO"), "b": Organisation("B"), "c": Organisation("C")},
    ...               {"p": {"a": "coordinator", "b": "participant"}, "q": {"a": "participant", "b": "participant",
    ...                "c": "participant"}}, hubs={"h": Hub("Hub", "NO", {"a": "hub-lead"})})
    >>> found = organisation_neighbourhood(net, "a")
    >>> [(p.label, p.count) for p in found.partners], [(h.label, h.role) for h in found.hubs]
    ([('B', 2), ('C', 1)], [('Hub', 'hub-lead')])
    """
    if iri not in net.organisations:
        raise DataError(f"no organisation {iri} in the graph")
    found = net.organisations[iri]
    roles = net.roles_of(iri)
    shared: dict[str, list[str]] = {}
    for initiative in roles:
        for other in net.participations[initiative]:
            if other != iri:
                shared.setdefault(other, []).append(initiative)
    ranked = sorted(shared, key=lambda o: (-len(shared[o]), net.label(o), o))
    partners = [_org(net, o, count=len(shared[o]), detail=tuple(sorted(net.label(i) for i in shared[o])))
                for o in (ranked if limit is None else ranked[:limit])]
    initiatives = sorted((Named(i, net.label(i), role=r, count=net.sizes.get(i, 0), detail=net.themes_of(i))
                          for i, r in roles.items()), key=lambda n: (n.label, n.iri))
    hubs = tuple(Named(h, net.hubs[h].label, role=net.hubs[h].members.get(iri, ""), country=net.hubs[h].country or "")
                 for h in net.hubs_of(iri))
    return OrganisationNeighbourhood(
        iri=iri, label=found.label, country=found.country or "",
        sectors=tuple((s, net.sectors.get(s, s)) for s in found.sectors),
        hubs=hubs, initiatives=tuple(initiatives), partners=tuple(partners), partner_total=len(shared),
    )


@dataclass(frozen=True)
class InitiativeNeighbourhood:
    """An initiative's participants and what they bring.

    Attributes
    ----------
    iri, label : str
    themes : tuple of (notation, label)
    participants : tuple of Named
        By role (coordinator first), then name; cut to the limit.
    participant_total : int
    countries, sectors : dict of str to int
        Participants per country code / sector notation, most first.
    hubs : tuple of Named
        Hubs with a member among the participants; ``count`` how many.
    """

    iri: str
    label: str
    themes: tuple[tuple[str, str], ...]
    participants: tuple[Named, ...]
    participant_total: int
    countries: dict[str, int]
    sectors: dict[str, int]
    hubs: tuple[Named, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the neighbourhood as plain data."""
        return {"iri": self.iri, "label": self.label, "themes": [{"theme": t, "label": lab} for t, lab in self.themes],
                "participants": [p.to_dict() for p in self.participants], "participantTotal": self.participant_total,
                "countries": self.countries, "sectors": self.sectors, "hubs": [h.to_dict() for h in self.hubs]}


_ROLE_ORDER = ("coordinator", "participant", "associated-partner", "partner", "affiliated-entity")


def initiative_neighbourhood(net: Network, iri: str, *, limit: int | None = LIMIT) -> InitiativeNeighbourhood:
    """Return an initiative's participants (with roles), their countries, sectors and hubs.

    Raises
    ------
    DataError
        If the network has no such initiative.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Initiative, Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",), "NO"), "b": Organisation("B", ("RES",), "SE")},
    ...               {"p": {"b": "participant", "a": "coordinator"}}, {"p": Initiative("P", ("PRE",))})
    >>> found = initiative_neighbourhood(net, "p")
    >>> [(n.label, n.role) for n in found.participants], found.countries
    ([('A', 'coordinator'), ('B', 'participant')], {'NO': 1, 'SE': 1})
    """
    if iri not in net.initiatives and iri not in net.participations:
        raise DataError(f"no initiative {iri} in the graph")
    parties = net.participations.get(iri, {})

    def order(org: str) -> tuple[int, str, str]:
        role = parties[org]
        return (_ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER), net.label(org), org)

    ranked = sorted(parties, key=order)
    countries = Counter(net.organisation(o).country for o in parties if net.organisation(o).country)
    sectors = Counter(s for o in parties for s in net.organisation(o).sectors)
    hubs = Counter(h for o in parties for h in net.hubs_of(o))
    return InitiativeNeighbourhood(
        iri=iri, label=net.label(iri),
        themes=tuple((t, net.themes.get(t, t)) for t in net.themes_of(iri)),
        participants=_cut([_org(net, o, role=parties[o]) for o in ranked], limit),
        participant_total=len(parties),
        countries=dict(sorted(countries.items(), key=lambda kv: (-kv[1], str(kv[0])))),  # type: ignore[arg-type]
        sectors=dict(sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))),
        hubs=tuple(Named(h, net.hubs[h].label, count=n, country=net.hubs[h].country or "")
                   for h, n in sorted(hubs.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


@dataclass(frozen=True)
class _Group:
    """The hubs and organisations of a country or a sector."""

    key: str
    label: str
    hubs: tuple[Named, ...]
    organisations: tuple[Named, ...]
    organisation_total: int
    breakdown: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Return the group as plain data."""
        return {"key": self.key, "label": self.label, "hubs": [h.to_dict() for h in self.hubs],
                "organisations": [o.to_dict() for o in self.organisations],
                "organisationTotal": self.organisation_total, "breakdown": self.breakdown}


@dataclass(frozen=True)
class CountryNeighbourhood(_Group):
    """A country: its hubs, organisations (``breakdown``: per sector) and status.

    ``expected`` says whether a hub is expected there (an EU Member State or
    an Associated Country).
    """

    status: str = ""
    expected: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the country as plain data."""
        return {**super().to_dict(), "status": self.status or None, "expected": self.expected}


@dataclass(frozen=True)
class SectorNeighbourhood(_Group):
    """A sector: its organisations (``breakdown``: per country), the hubs that cover it and those that miss it.

    ``hubs`` lists the hubs with a member in the sector (``count`` members);
    ``hubs_missing`` the hubs without one.
    """

    hubs_missing: tuple[Named, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the sector as plain data."""
        return {**super().to_dict(), "hubsMissing": [h.to_dict() for h in self.hubs_missing]}


def _ranked_orgs(net: Network, orgs: Iterable[str], limit: int | None) -> tuple[Named, ...]:
    """Return organisations by decreasing number of partners' initiatives, then name."""
    entries = [_org(net, o, count=len(net.roles_of(o))) for o in orgs]
    entries.sort(key=lambda n: (-n.count, n.label, n.iri))
    return _cut(entries, limit)


def country_neighbourhood(net: Network, code: str, *, limit: int | None = LIMIT) -> CountryNeighbourhood:
    """Return a country's hubs and organisations, the most active first (``count``: initiatives).

    Raises
    ------
    DataError
        If the network knows no such country.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Country, Hub, Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",), "NO")}, hubs={"h": Hub("Hub", "NO", {"a": "hub-lead"})},
    ...               countries={"NO": Country("Norway", "associated-country")})
    >>> found = country_neighbourhood(net, "NO")
    >>> found.label, [h.label for h in found.hubs], found.breakdown, found.expected
    ('Norway', ['Hub'], {'GOV': 1}, True)
    """
    known = net.countries.get(code)
    orgs = net.by_country.get(code, ())
    if known is None and not orgs:
        raise DataError(f"no country {code!r} in the graph")
    hubs = tuple(Named(h, found.label, count=len(found.members), country=code)
                 for h, found in sorted(net.hubs.items()) if found.country == code)
    sectors = Counter(s for o in orgs for s in net.organisation(o).sectors)
    status = known.status if known else ""
    return CountryNeighbourhood(
        key=code, label=known.name if known and known.name else code, hubs=hubs,
        organisations=_ranked_orgs(net, orgs, limit), organisation_total=len(orgs),
        breakdown=dict(sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))),
        status=status, expected=status in EXPECTED_STATUSES,
    )


def sector_neighbourhood(net: Network, notation: str, *, limit: int | None = LIMIT) -> SectorNeighbourhood:
    """Return a sector's organisations, and the hubs that cover it or miss it.

    Raises
    ------
    DataError
        If the sector scheme has no such notation.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Hub, Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",), "NO")}, hubs={"h": Hub("Hub", "NO", {"a": "hub-lead"}),
    ...               "k": Hub("Other", "SE")}, sectors={"GOV": "Government", "PAT": "Patients"})
    >>> found = sector_neighbourhood(net, "GOV")
    >>> [h.label for h in found.hubs], [h.label for h in found.hubs_missing]
    (['Hub'], ['Other'])
    """
    if notation not in net.sectors and notation not in net.by_sector:
        raise DataError(f"no sector {notation!r} in the sector scheme")
    orgs = net.by_sector.get(notation, ())
    covering: list[Named] = []
    missing: list[Named] = []
    for hub, found in sorted(net.hubs.items()):
        n = sum(1 for m in found.members if notation in net.organisation(m).sectors)
        entry = Named(hub, found.label, count=n, country=found.country or "")
        (covering if n else missing).append(entry)
    countries = Counter(net.organisation(o).country or "" for o in orgs)
    return SectorNeighbourhood(
        key=notation, label=net.sectors.get(notation, notation), hubs=tuple(covering),
        organisations=_ranked_orgs(net, orgs, limit), organisation_total=len(orgs),
        breakdown=dict(sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))),
        hubs_missing=tuple(missing),
    )


@dataclass(frozen=True)
class OrganisationPage:
    """One page of the organisations that match a filter, by name.

    ``total`` counts every match; ``pages`` is the number of pages (at least 1).
    """

    organisations: tuple[Named, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return how many pages the matches fill (1 when there are none)."""
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """Return the page as plain data."""
        return {"organisations": [o.to_dict() for o in self.organisations], "total": self.total,
                "page": self.page, "perPage": self.per_page, "pages": self.pages}


def list_organisations(net: Network, *, sector: str | None = None, country: str | None = None,
                       query: str | None = None, page: int = 1, per_page: int = LIMIT) -> OrganisationPage:
    """Return one page of the organisations of a sector and/or a country whose name contains ``query``.

    Organisations are sorted by name (then IRI); ``count`` is the number of
    initiatives each takes part in. The name match ignores case.

    Raises
    ------
    DataError
        For a page or page size below 1.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Organisation
    >>> net = Network({"a": Organisation("Alpha", ("GOV",), "NO"), "b": Organisation("Beta", ("GOV",), "SE"),
    ...                "c": Organisation("Gamma", ("RES",), "NO")})
    >>> found = list_organisations(net, sector="GOV", per_page=1, page=2)
    >>> [o.label for o in found.organisations], found.total, found.pages
    (['Beta'], 2, 2)
    >>> [o.label for o in list_organisations(net, country="NO", query="amm").organisations]
    ['Gamma']
    """
    if page < 1 or per_page < 1:
        raise DataError(f"page and per_page must be 1 or more, not {page} and {per_page}")
    if sector and country:
        pool: Iterable[str] = set(net.by_sector.get(sector, ())) & set(net.by_country.get(country, ()))
    elif sector:
        pool = net.by_sector.get(sector, ())
    elif country:
        pool = net.by_country.get(country, ())
    else:
        pool = net.organisations
    needle = (query or "").casefold().strip()
    matches = sorted((net.organisation(o).label, o) for o in pool
                     if not needle or needle in net.organisation(o).label.casefold())
    start = (page - 1) * per_page
    chosen = [_org(net, o, count=len(net.roles_of(o))) for _, o in matches[start:start + per_page]]
    return OrganisationPage(tuple(chosen), len(matches), page, per_page)
