"""Hub gaps: the stakeholder sectors a hub involves, the ones it misses, and whether its members work together.

For each National Cancer Mission Hub (``echo:CancerMissionHub``; its members
are the organisations of its ``org:Membership`` s, leads included), and for
each country that has organisations in the graph but no hub yet (its
"members" are then the organisations of that country), :func:`hub_gaps`
reports

- the sectors present, with the members in each, and the sectors missing
  against a required profile (the whole sector scheme unless told otherwise;
  :func:`~echos_graph.analysis.profile.load_profile` reads a profile file),
  and the coverage ratio;
- the diversity of the members over sectors: Shannon entropy, Pielou's
  evenness and Simpson's diversity (:mod:`~echos_graph.analysis.diversity`);
- the Mission objectives and themes that its members' initiatives address,
  and the ones they do not;
- whether its members collaborate: the connected components of the members
  in the co-participation graph (two members are linked when they take part
  in an initiative together), the size of the largest, the isolated members.

:func:`countries_without_hub` lists the EU Member States and Associated
Countries with no hub at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataError
from ..namespaces import PREFIXES, id_iri
from ..results import compact
from ..store import GraphStore
from .diversity import pielou_evenness, shannon_entropy, simpson_diversity
from .projection import Network, as_network

__all__ = [
    "EXPECTED_STATUSES",
    "CountryWithoutHub",
    "HubGap",
    "countries_without_hub",
    "hub_gaps",
    "member_components",
]

#: The country statuses (``echo:countryStatus``) of the countries where a hub is expected.
EXPECTED_STATUSES = ("eu-member-state", "associated-country")

#: How many member names a table cell lists per sector before "and N more".
NAMES_IN_ROWS = 5


def member_components(net: Network, members: Iterable[str]) -> list[tuple[str, ...]]:
    """Return the connected components of ``members`` in the co-participation graph.

    Two members are joined when they take part in an initiative together;
    only links between members count (the subgraph the members induce). The
    same answer as ``networkx.connected_components`` on
    ``co_participation_graph(net, nodes=members)``, computed by union-find
    straight from the participation lists so no graph is built.

    Returns
    -------
    list of tuple of str
        Each component's IRIs sorted, the largest component first (ties:
        by first IRI); isolated members are components of one.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Organisation
    >>> net = Network({o: Organisation(o) for o in "abcd"}, {"p": {"a": "", "b": ""}, "q": {"c": "", "x": ""}})
    >>> member_components(net, "abcd")
    [('a', 'b'), ('c',), ('d',)]
    """
    parent = {m: m for m in members}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, str] = {}
    for member in sorted(parent):
        for initiative in net.roles_of(member):
            other = first.setdefault(initiative, member)
            if other != member:
                a, b = find(other), find(member)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for member in sorted(parent):
        groups[find(member)].append(member)
    return sorted((tuple(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


# -- the report ----------------------------------------------------------------

@dataclass(frozen=True)
class HubGap:
    """The sector gaps, diversity, theme coverage and internal links of one hub (or of one country with no hub).

    Attributes
    ----------
    subject : str
        The hub's IRI; for a country with no hub, the country's IRI
        (``id:country/{CC}``).
    kind : str
        ``"hub"`` or ``"country"`` (a country with no hub, whose members are
        its organisations in the graph).
    label, country : str
        The hub's name (or the country's) and ISO code.
    members : dict of str to str
        Member IRI to name.
    required : tuple of str
        The sector notations the hub should cover (the profile).
    sectors_present : dict of str to tuple of str
        Sector notation to the IRIs of the members in it, for every sector
        a member has (required or not).
    sectors_missing : tuple of str
        Required sectors no member has.
    unclassified : tuple of str
        Members with no sector.
    coverage : float
        Required sectors present / required sectors.
    shannon, evenness, simpson : float or None
        Shannon's H, Pielou's J and Simpson's 1 - sum p^2 of the member
        counts per sector (see
        :func:`~echos_graph.analysis.diversity.pielou_evenness` for when they
        are None).
    themes_present, themes_missing : tuple of str
        Theme notations that the members' initiatives address / that none
        of them does (against the theme scheme).
    components : tuple of tuple of str
        The members' connected components in the co-participation graph,
        largest first (see :func:`member_components`).
    sector_labels, theme_labels : dict of str to str
        Notation to label, for the reports.
    """

    subject: str
    kind: str
    label: str
    country: str | None
    members: dict[str, str]
    required: tuple[str, ...]
    sectors_present: dict[str, tuple[str, ...]]
    sectors_missing: tuple[str, ...]
    unclassified: tuple[str, ...]
    coverage: float
    shannon: float | None
    evenness: float | None
    simpson: float | None
    themes_present: tuple[str, ...]
    themes_missing: tuple[str, ...]
    components: tuple[tuple[str, ...], ...]
    sector_labels: dict[str, str] = field(default_factory=dict, repr=False)
    theme_labels: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def component_count(self) -> int:
        """Return how many connected components the members form."""
        return len(self.components)

    @property
    def largest_component(self) -> int:
        """Return the size of the largest component (0 without members)."""
        return len(self.components[0]) if self.components else 0

    @property
    def isolated_members(self) -> tuple[str, ...]:
        """Return the members that share no initiative with another member, sorted."""
        return tuple(sorted(c[0] for c in self.components if len(c) == 1))

    def _names(self, iris: Iterable[str], limit: int | None = None) -> str:
        """Join member names, cut after ``limit`` with 'and N more'."""
        names = sorted(self.members.get(i, compact(i)) for i in iris)
        if limit is not None and len(names) > limit:
            return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
        return ", ".join(names)

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one flat summary row (for table, CSV and Markdown output)."""
        present = "; ".join(f"{s} ({len(m)}): {self._names(m, NAMES_IN_ROWS)}" for s, m in self.sectors_present.items())
        return [{
            "hub": compact(self.subject),
            "kind": self.kind,
            "label": self.label,
            "country": self.country or "",
            "members": len(self.members),
            "coverage": self.coverage,
            "missing": list(self.sectors_missing),
            "present": present,
            "evenness": self.evenness,
            "simpson": self.simpson,
            "themesMissing": list(self.themes_missing),
            "themesPresent": list(self.themes_present),
            "components": self.component_count,
            "largestComponent": self.largest_component,
            "isolated": self._names(self.isolated_members, NAMES_IN_ROWS),
        }]

    def sector_rows(self) -> list[dict[str, Any]]:
        """Return one row per sector (required or present): the hub x sector table behind a heatmap."""
        sectors = sorted(set(self.required) | set(self.sectors_present))
        return [{
            "hub": compact(self.subject),
            "label": self.label,
            "sector": s,
            "sectorLabel": self.sector_labels.get(s, s),
            "required": s in self.required,
            "covered": s in self.sectors_present,
            "members": len(self.sectors_present.get(s, ())),
            "memberNames": self._names(self.sectors_present.get(s, ())),
        } for s in sectors]

    def to_dict(self) -> dict[str, Any]:
        """Return the whole report as nested plain data (for JSON)."""
        def named(iris: Iterable[str]) -> list[dict[str, str]]:
            return [{"iri": i, "label": self.members.get(i, compact(i))} for i in iris]

        return {
            "hub": self.subject,
            "kind": self.kind,
            "label": self.label,
            "country": self.country,
            "members": named(self.members),
            "required": list(self.required),
            "sectorsPresent": {s: named(m) for s, m in self.sectors_present.items()},
            "sectorsMissing": [{"sector": s, "label": self.sector_labels.get(s, s)} for s in self.sectors_missing],
            "unclassified": named(self.unclassified),
            "coverage": self.coverage,
            "shannon": self.shannon,
            "evenness": self.evenness,
            "simpson": self.simpson,
            "themesPresent": [{"theme": t, "label": self.theme_labels.get(t, t)} for t in self.themes_present],
            "themesMissing": [{"theme": t, "label": self.theme_labels.get(t, t)} for t in self.themes_missing],
            "components": [[m for m in c] for c in self.components],
            "largestComponent": self.largest_component,
            "isolatedMembers": named(self.isolated_members),
        }


@dataclass(frozen=True)
class _Subject:
    """A hub, or a country with no hub, and its members (IRI to role)."""

    kind: str
    iri: str
    label: str
    country: str | None
    members: Mapping[str, str]


def _expand(text: str) -> str:
    """Expand a prefixed name such as ``id:hub/NO`` to a full IRI."""
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


def _country_subject(net: Network, code: str) -> _Subject:
    """Return the pseudo-hub of a country with no hub: all its organisations."""
    found = net.countries.get(code)
    name = found.name if found and found.name else code
    return _Subject("country", id_iri("country", code), f"{name} (no hub)", code,
                    {org: "" for org in net.by_country.get(code, ())})


def _resolve_subjects(net: Network, hub: str | None = None) -> list[_Subject]:
    """Return the hubs (and countries with no hub) to report on.

    Parameters
    ----------
    net : Network
    hub : str, optional
        A hub IRI (``id:hub/NO`` or in full), a country IRI
        (``id:country/NO``) or an ISO code (``NO``): the hubs of that country,
        or the country itself if it has none. Every hub and every country
        with organisations but no hub when omitted.

    Raises
    ------
    DataError
        If ``hub`` names neither a hub nor a country of the graph.
    """
    hub_countries = {h.country for h in net.hubs.values() if h.country}
    hubs = [_Subject("hub", iri, h.label, h.country, h.members) for iri, h in sorted(net.hubs.items())]
    if hub is None:
        countries = sorted(set(net.by_country) - hub_countries)
        return hubs + [_country_subject(net, code) for code in countries]
    iri = _expand(hub.strip())
    if iri in net.hubs:
        return [s for s in hubs if s.iri == iri]
    country_prefix = id_iri("country", "")
    code = iri[len(country_prefix):] if iri.startswith(country_prefix) else iri.upper()
    if re.fullmatch(r"[A-Z]{2}", code):
        in_country = [s for s in hubs if s.country == code]
        if in_country:
            return in_country
        if code in net.by_country or code in net.countries:
            return [_country_subject(net, code)]
    valid = ", ".join(compact(s.iri) for s in hubs) or "none"
    raise DataError(f"no hub or country {hub!r} in the graph; name a hub (one of: {valid}), "
                    "a country IRI such as id:country/NO or an ISO code such as NO")


def _required(net: Network, required: Sequence[str] | None) -> tuple[str, ...]:
    """Return the required sectors, checked against the scheme (default: the whole scheme)."""
    scheme = net.sectors or {s: s for s in net.by_sector}
    if required is None:
        return tuple(sorted(scheme))
    chosen = tuple(sorted(set(required)))
    unknown = [s for s in chosen if s not in scheme]
    if unknown:
        raise DataError(f"required sector(s) {', '.join(unknown)} are not in the sector scheme; "
                        f"use notations among: {'; '.join(sorted(scheme))}")
    if not chosen:
        raise DataError("the required sector profile is empty; name at least one sector, e.g. GOV")
    return chosen


def _gap(net: Network, subject: _Subject, required: tuple[str, ...]) -> HubGap:
    """Compute the report of one hub."""
    members = sorted(subject.members)
    present: dict[str, list[str]] = defaultdict(list)
    unclassified = []
    themes: set[str] = set()
    for member in members:
        sectors = net.organisation(member).sectors
        for sector in sectors:
            present[sector].append(member)
        if not sectors:
            unclassified.append(member)
        for initiative in net.roles_of(member):
            themes.update(net.themes_of(initiative))
    counts = [len(v) for v in present.values()]
    missing = tuple(s for s in required if s not in present)
    theme_scheme = set(net.themes)
    return HubGap(
        subject=subject.iri,
        kind=subject.kind,
        label=subject.label,
        country=subject.country,
        members={m: net.organisation(m).label for m in members},
        required=required,
        sectors_present={s: tuple(present[s]) for s in sorted(present)},
        sectors_missing=missing,
        unclassified=tuple(unclassified),
        coverage=(len(required) - len(missing)) / len(required),
        shannon=shannon_entropy(counts),
        evenness=pielou_evenness(counts),
        simpson=simpson_diversity(counts),
        themes_present=tuple(sorted(themes)),
        themes_missing=tuple(sorted(theme_scheme - themes)),
        components=tuple(member_components(net, members)),
        sector_labels=dict(net.sectors),
        theme_labels=dict(net.themes),
    )


def hub_gaps(store_or_net: GraphStore | Network, *, hub: str | None = None,
             required: Sequence[str] | None = None) -> list[HubGap]:
    """Report the sector gaps of each hub and of each country with organisations but no hub.

    Parameters
    ----------
    store_or_net : GraphStore or Network
        The graph, or a Network already loaded from it.
    hub : str, optional
        One hub: its IRI (``id:hub/NO``), or a country (``id:country/NO`` or
        ``NO``; a country with no hub is reported from its organisations).
        Every hub, then every country with organisations but no hub, when
        omitted.
    required : sequence of str, optional
        The sector notations a hub should cover (see
        :func:`~echos_graph.analysis.profile.load_profile`);
        the whole sector scheme when omitted.

    Returns
    -------
    list of HubGap
        Hubs sorted by IRI, then countries without a hub by ISO code.

    Raises
    ------
    DataError
        For an unknown hub or a required sector outside the scheme.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Hub, Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",)), "b": Organisation("B", ("RES",))},
    ...               hubs={"h": Hub("Hub", "NO", {"a": "hub-lead", "b": "hub-member"})},
    ...               sectors={"GOV": "Government", "RES": "Research", "PAT": "Patients"})
    >>> gap = hub_gaps(net)[0]
    >>> gap.sectors_missing, round(gap.coverage, 3), gap.evenness, gap.isolated_members
    (('PAT',), 0.667, 1.0, ('a', 'b'))
    """
    net = as_network(store_or_net)
    chosen = _required(net, required)
    return [_gap(net, subject, chosen) for subject in _resolve_subjects(net, hub)]


# -- countries with no hub ----------------------------------------------------

@dataclass(frozen=True)
class CountryWithoutHub:
    """An EU Member State or Associated Country with no hub, and what the graph holds of it.

    Attributes
    ----------
    country : str
        The country's IRI.
    code, name, status : str
        ISO code, English name, ``eu-member-state`` or ``associated-country``.
    organisations : int
        Its organisations in the graph.
    sectors : tuple of str
        The sectors those organisations cover.
    """

    country: str
    code: str
    name: str
    status: str
    organisations: int
    sectors: tuple[str, ...]

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one flat row."""
        return [{"country": self.code, "name": self.name, "status": self.status,
                 "organisations": self.organisations, "sectors": list(self.sectors)}]

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain data."""
        return {"country": self.country, "code": self.code, "name": self.name, "status": self.status,
                "organisations": self.organisations, "sectors": list(self.sectors)}


def countries_without_hub(store_or_net: GraphStore | Network) -> list[CountryWithoutHub]:
    """List the EU Member States and Associated Countries for which the graph knows no hub.

    The same countries as the saved query ``countries-without-hub``, each
    with how many organisations of the graph it has and their sectors: the
    ground a future hub could start from.

    Returns
    -------
    list of CountryWithoutHub
        Sorted by status, then ISO code.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Country, Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",), "AT")},
    ...               countries={"AT": Country("Austria", "eu-member-state"), "US": Country("United States")})
    >>> countries_without_hub(net)[0].to_rows()
    [{'country': 'AT', 'name': 'Austria', 'status': 'eu-member-state', 'organisations': 1, 'sectors': ['GOV']}]
    """
    net = as_network(store_or_net)
    served = {h.country for h in net.hubs.values()}
    found = []
    for code, country in net.countries.items():
        if code in served or country.status not in EXPECTED_STATUSES:
            continue
        orgs = net.by_country.get(code, ())
        sectors = sorted({s for org in orgs for s in net.organisations[org].sectors})
        found.append(CountryWithoutHub(id_iri("country", code), code, country.name, country.status, len(orgs),
                                       tuple(sectors)))
    return sorted(found, key=lambda c: (c.status, c.code))
