"""Read the graph into a :class:`Network` and project it onto NetworkX graphs.

This is the one module where RDF becomes NetworkX (STYLE rule 3).
:func:`load_network` reads the store with a few saved queries that return
flat rows (``queries/organisation-attributes.rq``, ``participation-edges.rq``,
``initiative-themes.rq``, ``hub-members.rq``, ``countries.rq`` and
``scheme-concepts.rq``) into a frozen :class:`Network` of plain dicts.
Every projection below is a pure function of a Network, so a test can build
one by hand:

- :func:`organisation_initiative_graph`: the two-mode network;
- :func:`co_participation_graph`: organisation-organisation, weighted by the
  number of shared initiatives and by Newman's collaboration weight;
- :func:`hub_organisation_graph`: hubs and their members;
- :func:`country_graph` and :func:`sector_graph`: the co-participations
  summed over the organisations of each country or sector.

NetworkX is imported when a graph is built, not when the module is, so the
hub-gap report (which needs no graph object) starts fast.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..errors import QueryError
from ..resources import queries_dir
from ..results import compact
from .cache import cache_file, filling, read_cached, write_cached

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from ..store import GraphStore

__all__ = [
    "Country",
    "Hub",
    "Initiative",
    "Network",
    "Organisation",
    "as_network",
    "co_participation_graph",
    "country_graph",
    "hub_organisation_graph",
    "load_network",
    "organisation_initiative_graph",
    "sector_graph",
]

_ID = "https://w3id.org/echos-graph/id/"


@dataclass(frozen=True)
class Organisation:
    """What the analyses know of an organisation.

    Attributes
    ----------
    label : str
        Its preferred name.
    sectors : tuple of str
        The notations of its stakeholder sectors, sorted (usually one).
    country : str or None
        ISO 3166 code of its country.
    """

    label: str
    sectors: tuple[str, ...] = ()
    country: str | None = None

    @property
    def sector(self) -> str | None:
        """Return the first sector notation (sorted), or None without a sector."""
        return self.sectors[0] if self.sectors else None


@dataclass(frozen=True)
class Initiative:
    """An initiative's short name and the notations of the Mission themes it addresses."""

    label: str
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hub:
    """A National Cancer Mission Hub: its name, country code and members.

    Attributes
    ----------
    label : str
    country : str or None
    members : dict of str to str
        Organisation IRI to its role in the hub (``hub-lead``, ``hub-member``).
    """

    label: str
    country: str | None = None
    members: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Country:
    """A country the graph describes: its English name and status (``eu-member-state``, ``associated-country``)."""

    name: str
    status: str = ""


@dataclass(frozen=True)
class Network:
    """The stakeholder network as plain data, read once from the store.

    Attributes
    ----------
    organisations : dict of str to Organisation
        Organisation IRI to its attributes. Organisations that take part in
        nothing are here too.
    participations : dict of str to dict of str to str
        Initiative IRI to ``{organisation IRI: role}``.
    initiatives : dict of str to Initiative
        Initiative IRI to its label and themes.
    hubs : dict of str to Hub
        Hub IRI to the hub.
    sectors : dict of str to str
        The sector scheme: notation to English label.
    themes : dict of str to str
        The theme scheme: notation to English label.
    countries : dict of str to Country
        The countries the graph describes, by ISO code.

    Examples
    --------
    >>> net = Network(
    ...     organisations={"a": Organisation("A", ("GOV",), "NO"), "b": Organisation("B", ("RES",), "NO")},
    ...     participations={"p": {"a": "coordinator", "b": "participant"}},
    ... )
    >>> net.roles_of("a")
    {'p': 'coordinator'}
    >>> net.partners_of("a")
    {'b'}
    """

    organisations: dict[str, Organisation]
    participations: dict[str, dict[str, str]] = field(default_factory=dict)
    initiatives: dict[str, Initiative] = field(default_factory=dict)
    hubs: dict[str, Hub] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    countries: dict[str, Country] = field(default_factory=dict)

    # -- indexes, built on first use --------------------------------------
    @cached_property
    def _roles(self) -> dict[str, dict[str, str]]:
        """Index organisation -> {initiative: role}."""
        index: dict[str, dict[str, str]] = defaultdict(dict)
        for initiative, parties in self.participations.items():
            for org, role in parties.items():
                index[org][initiative] = role
        return dict(index)

    @cached_property
    def _hubs_of(self) -> dict[str, tuple[str, ...]]:
        """Index organisation -> hubs it is a member of."""
        index: dict[str, list[str]] = defaultdict(list)
        for hub in sorted(self.hubs):
            for org in self.hubs[hub].members:
                index[org].append(hub)
        return {org: tuple(hubs) for org, hubs in index.items()}

    @cached_property
    def sizes(self) -> dict[str, int]:
        """Initiative IRI -> its number of participants."""
        return {initiative: len(parties) for initiative, parties in self.participations.items()}

    @cached_property
    def by_sector(self) -> dict[str, tuple[str, ...]]:
        """Sector notation -> organisation IRIs of that sector, sorted."""
        index: dict[str, list[str]] = defaultdict(list)
        for iri in sorted(self.organisations):
            for sector in self.organisations[iri].sectors:
                index[sector].append(iri)
        return {sector: tuple(orgs) for sector, orgs in index.items()}

    @cached_property
    def by_country(self) -> dict[str, tuple[str, ...]]:
        """Country code -> organisation IRIs of that country, sorted."""
        index: dict[str, list[str]] = defaultdict(list)
        for iri in sorted(self.organisations):
            country = self.organisations[iri].country
            if country:
                index[country].append(iri)
        return {country: tuple(orgs) for country, orgs in index.items()}

    # -- look-ups ---------------------------------------------------------
    def organisation(self, iri: str) -> Organisation:
        """Return the organisation ``iri``, or a bare one named after its IRI if the graph lacks it."""
        return self.organisations.get(iri) or Organisation(compact(iri))

    def label(self, iri: str) -> str:
        """Return the name of an organisation, initiative or hub (its compact IRI if unnamed)."""
        if iri in self.organisations:
            return self.organisations[iri].label
        if iri in self.initiatives:
            return self.initiatives[iri].label
        if iri in self.hubs:
            return self.hubs[iri].label
        return compact(iri)

    def roles_of(self, org: str) -> dict[str, str]:
        """Return the initiatives ``org`` takes part in, with its role in each."""
        return self._roles.get(org, {})

    def hubs_of(self, org: str) -> tuple[str, ...]:
        """Return the hubs ``org`` is a member of, sorted."""
        return self._hubs_of.get(org, ())

    def themes_of(self, initiative: str) -> tuple[str, ...]:
        """Return the theme notations of ``initiative``."""
        found = self.initiatives.get(initiative)
        return found.themes if found else ()

    def partners_of(self, org: str) -> set[str]:
        """Return the organisations that share at least one initiative with ``org`` (its co-participants)."""
        partners: set[str] = set()
        for initiative in self.roles_of(org):
            partners.update(self.participations[initiative])
        partners.discard(org)
        return partners


# -- reading the store ----------------------------------------------------

#: When a source gives an organisation two roles in one initiative, the first of these wins.
_ROLE_ORDER = ("coordinator", "participant", "associated-partner", "partner", "affiliated-entity")


def _role_rank(role: str) -> tuple[int, str]:
    """Return the sort key of a role: the order of :data:`_ROLE_ORDER`, then the name."""
    return (_ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER), role)


def _fetch(store: GraphStore, name: str, params: Mapping[str, str] | None = None) -> bytes:
    """Run a saved SELECT and return its solutions as CSV, written by Oxigraph in Rust."""
    from ..queries import (
        run_query,  # with rdflib: a command that finds the Network in the cache needs neither
    )

    result = run_query(store, name, params)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"saved query {name!r} must be a SELECT query")
    # Oxigraph writes the CSV in Rust (and lets go of the GIL meanwhile); parsing
    # it with the csv module is several times faster than reading each term of
    # each solution from Python.
    return result.serialize(format=ox.QueryResultsFormat.CSV) or b""


def _parse(name: str, data: bytes, columns: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Yield the ``columns`` of each row of saved query ``name``'s CSV ``data`` as plain text (unbound as '')."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader, [])
    missing = [c for c in columns if c not in header]
    if missing:
        raise QueryError(f"saved query {name!r} returns no column {', '.join(missing)}; it returns {', '.join(header)}")
    pick = itemgetter(*(header.index(c) for c in columns))
    if len(columns) == 1:
        yield from ((pick(row),) for row in reader)
    else:
        yield from map(pick, reader)


def _rows(store: GraphStore, name: str, columns: Sequence[str],
          params: Mapping[str, str] | None = None) -> Iterator[tuple[str, ...]]:
    """Run a saved SELECT and yield the ``columns`` of each row as plain text (IRIs in full, unbound as '')."""
    yield from _parse(name, _fetch(store, name, params), columns)


def load_network(store: GraphStore, *, cache: bool = True) -> Network:
    """Read organisations, initiatives, participations, hubs and the schemes into a Network.

    Six saved SELECT queries that return flat rows (no query per
    organisation): ``organisation-attributes``, ``participation-edges``,
    ``initiative-themes``, ``hub-members``, ``countries`` and
    ``scheme-concepts`` (for the sectors, themes and roles).

    Reading 100,000 organisations and 290,000 participations through SPARQL
    takes seconds, and the result depends only on the data: so, for an
    embedded store, the Network is kept in a cache file per store
    generation (see :mod:`~echos_graph.analysis.cache`) and read from it the
    next time, until an ingest publishes a new generation. Only one
    process reads the store for a generation: others wait for its cache
    file (``echos-graph ingest`` starts that reading in the background, see
    :mod:`~echos_graph.analysis.warm`).

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    cache : bool
        Whether to use (and fill) the cache; stores other than the embedded
        one are never cached.

    Returns
    -------
    Network

    Examples
    --------
    >>> from echos_graph import open_store
    >>> load_network(open_store("memory:")).organisations
    {}
    """
    path = cache_file(store, "network", [queries_dir() / f"{name}.rq" for name in _LOADER_QUERIES]) if cache else None
    with _collector_paused():
        if path is None:
            return _query_network(store)
        cached = _from_plain(read_cached(path))
        if cached is not None:
            return cached
        with filling(path):  # another process (the warm-up after an ingest) may be reading the store already
            cached = _from_plain(read_cached(path))
            if cached is not None:
                return cached
            net = _query_network(store)
            write_cached(path, _to_plain(net))
        return net


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a Network is read.

    Reading one makes a million containers (half a million from the cache
    file), none of them part of a reference cycle; the collector would
    otherwise run through all of them several times, for nothing (a quarter
    of the time of reading the cache at s100k).
    """
    if not gc.isenabled():  # paused already, by the caller or another thread reading a Network
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


#: The saved queries :func:`load_network` runs: a change to one of them invalidates the cache.
_LOADER_QUERIES = ("organisation-attributes", "participation-edges", "initiative-themes", "hub-members",
                   "countries", "scheme-concepts")


def _notations(store: GraphStore, scheme: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return ``({concept IRI: notation}, {notation: English label})`` of a SKOS scheme."""
    by_iri: dict[str, str] = {}
    labels: dict[str, str] = {}
    for concept, notation, label in _rows(store, "scheme-concepts", ("concept", "notation", "label"), {"scheme": scheme}):
        by_iri[concept] = notation
        if label or notation not in labels:
            labels[notation] = label or notation
    return by_iri, dict(sorted(labels.items()))


def _query_network(store: GraphStore, *, concurrent: bool = True) -> Network:
    """Read the Network with the saved queries (no cache).

    The participation edges (290,000 rows at s100k, two thirds of the time
    spent in Oxigraph) are read in a second thread while this one reads and
    sorts the organisations: Oxigraph releases the GIL while it evaluates a
    query and writes its CSV. Every row is then processed in the same order
    as when the queries run one after the other (``concurrent=False``, the
    reference the tests compare with), so the Network is the same.
    """
    sector_of, sector_labels = _notations(store, _ID + "sector")  # opens the store's reader in this thread first
    if not concurrent:
        done: Future[bytes] = Future()
        done.set_result(_fetch(store, "participation-edges"))
        return _assemble(store, sector_of, sector_labels, done)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="echos-graph-edges") as pool:
        edges = pool.submit(_fetch, store, "participation-edges")
        return _assemble(store, sector_of, sector_labels, edges)


def _assemble(store: GraphStore, sector_of: dict[str, str], sector_labels: dict[str, str],
              edges: Future[bytes]) -> Network:
    """Read the rest of the Network, taking the participation edges from ``edges`` when they are needed.

    Each IRI (and each tuple of sectors or themes) becomes one object, however
    many rows name it: the cache file then holds it once and reading it back
    makes it once (see :func:`_to_plain`).
    """
    same: dict[Any, Any] = {}
    one = same.setdefault
    theme_of, theme_labels = _notations(store, _ID + "theme")
    role_of, _ = _notations(store, _ID + "role")

    def role_name(iri: str) -> str:
        return role_of.get(iri) or iri.rpartition("/")[2]

    countries: dict[str, Country] = {}
    code_of: dict[str, str] = {}
    for country, code, name, status in _rows(store, "countries", ("country", "countryCode", "name", "countryStatus")):
        code_of[country] = code
        countries[code] = Country(name or countries.get(code, Country(code)).name, status.rpartition("/")[2])

    sectors_of: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    country_of: dict[str, str] = {}
    for org, name, country, sector in _rows(store, "organisation-attributes", ("organisation", "name", "country", "sector")):
        org = one(org, org)
        found = sectors_of.setdefault(org, set())
        if sector in sector_of:
            found.add(sector_of[sector])
        if name and (org not in names or name < names[org]):
            names[org] = name
        if country:
            country_of[org] = code_of.get(country) or country.rpartition("/")[2]
    organisations = {org: Organisation(names.get(org) or compact(org), _one_tuple(one, sectors_of[org]), country_of.get(org))
                     for org in sorted(sectors_of)}

    # Read the small rest while the other thread may still be reading the edges.
    theme_data = _fetch(store, "initiative-themes")
    hub_data = _fetch(store, "hub-members")
    participations: dict[str, dict[str, str]] = defaultdict(dict)
    for initiative, org, role in _parse("participation-edges", edges.result(), ("initiative", "organisation", "role")):
        org = one(org, org)
        parties = participations[initiative]  # keyed by the first string of each initiative
        name = role_name(role) if role else ""
        known = parties.get(org)
        if known is None or _role_rank(name) < _role_rank(known):
            parties[org] = name
        if org not in organisations:
            organisations[org] = Organisation(compact(org))

    labels: dict[str, str] = {}
    themes: dict[str, set[str]] = defaultdict(set)
    for initiative, label, theme in _parse("initiative-themes", theme_data, ("initiative", "label", "theme")):
        if label and (initiative not in labels or label < labels[initiative]):
            labels[initiative] = label
        found_themes = themes[initiative]
        if theme in theme_of:
            found_themes.add(theme_of[theme])
    initiatives = {i: Initiative(labels.get(i) or compact(i), _one_tuple(one, themes[i]))
                   for i in sorted(set(participations) | set(themes))}  # the same strings as the participations' keys

    hub_rows: dict[str, tuple[str, str | None]] = {}
    members: dict[str, dict[str, str]] = defaultdict(dict)
    for hub, label, country, org, role in _parse("hub-members", hub_data, ("hub", "hubLabel", "country", "organisation", "role")):
        hub_rows.setdefault(hub, (label or compact(hub), (code_of.get(country) or country.rpartition("/")[2]) if country else None))
        if org:
            org = one(org, org)
            name = role_name(role) if role else ""
            known = members[hub].get(org)
            members[hub][org] = min(name, known) if known else name
            if org not in organisations:
                organisations[org] = Organisation(compact(org))
    hubs = {hub: Hub(label, country, dict(sorted(members[hub].items())))
            for hub, (label, country) in sorted(hub_rows.items())}

    return Network(
        organisations=dict(sorted(organisations.items())),
        participations={i: dict(sorted(p.items())) for i, p in sorted(participations.items())},
        initiatives=initiatives,
        hubs=hubs,
        sectors=sector_labels,
        themes=theme_labels,
        countries=dict(sorted(countries.items())),
    )


def _one_tuple(one: Any, items: Iterable[str]) -> tuple[str, ...]:
    """Return ``items`` sorted, as the one tuple ``one`` (a dict's ``setdefault``) keeps for those items."""
    found = tuple(sorted(items))
    return one(found, found)  # type: ignore[no-any-return]


#: The indexes of a Network kept in its cache file beside the data: reading them back is faster than
#: building them again (the organisation -> initiatives index alone takes a third of a second at s100k).
_KEPT_INDEXES = ("_roles", "_hubs_of", "sizes", "by_sector", "by_country")


def _to_plain(net: Network) -> tuple[Any, ...]:
    """Return the Network as nested tuples and dicts of strings (what the cache stores), its indexes last.

    :mod:`marshal` writes an object that several containers hold once, and
    reads it back once: an organisation's IRI, in the organisations, in each
    of its participations and in the indexes, is one string in a Network read
    from the store (see :func:`_assemble`), and so in the cache file.
    """
    return (
        {k: (o.label, o.sectors, o.country) for k, o in net.organisations.items()},
        net.participations,
        {k: (i.label, i.themes) for k, i in net.initiatives.items()},
        {k: (h.label, h.country, h.members) for k, h in net.hubs.items()},
        net.sectors,
        net.themes,
        {k: (c.name, c.status) for k, c in net.countries.items()},
        tuple(getattr(net, name) for name in _KEPT_INDEXES),
    )


def _from_plain(data: Any) -> Network | None:
    """Rebuild a Network (and its indexes) from :func:`_to_plain`'s shape, or None if ``data`` has another shape."""
    try:
        orgs, participations, initiatives, hubs, sectors, themes, countries, indexes = data
        net = Network(
            organisations={k: Organisation(*v) for k, v in orgs.items()},
            participations=participations,
            initiatives={k: Initiative(*v) for k, v in initiatives.items()},
            hubs={k: Hub(*v) for k, v in hubs.items()},
            sectors=sectors,
            themes=themes,
            countries={k: Country(*v) for k, v in countries.items()},
        )
        if len(indexes) != len(_KEPT_INDEXES):
            return None
    except (TypeError, ValueError, AttributeError):
        return None
    net.__dict__.update(zip(_KEPT_INDEXES, indexes))  # what the cached properties would compute
    return net


def as_network(store_or_net: GraphStore | Network) -> Network:
    """Return ``store_or_net`` if it is a Network, else :func:`load_network` of the store."""
    return store_or_net if isinstance(store_or_net, Network) else load_network(store_or_net)


# -- projections -------------------------------------------------------------

def _organisation_attributes(net: Network, org: str) -> dict[str, object]:
    """Return the node attributes of an organisation."""
    found = net.organisation(org)
    roles = net.roles_of(org)
    return {
        "label": found.label,
        "sector": found.sector or "",
        "sectors": list(found.sectors),
        "country": found.country or "",
        "hubs": list(net.hubs_of(org)),
        "initiatives": sorted(roles),
        "roles": dict(sorted(roles.items())),
    }


def organisation_initiative_graph(net: Network) -> nx.Graph:
    """Return the two-mode graph of organisations and the initiatives they take part in.

    Parameters
    ----------
    net : Network

    Returns
    -------
    networkx.Graph
        Organisations have ``bipartite=0`` and the attributes of
        :func:`co_participation_graph`'s nodes; initiatives have
        ``bipartite=1``, ``label`` and ``themes``. Each edge carries the
        organisation's ``role``. Nodes and edges are added in sorted order.

    Examples
    --------
    >>> net = Network({"a": Organisation("A"), "b": Organisation("B")}, {"p": {"a": "coordinator", "b": "participant"}})
    >>> G = organisation_initiative_graph(net)
    >>> sorted(G.edges(data="role"))
    [('a', 'p', 'coordinator'), ('b', 'p', 'participant')]
    >>> G.nodes["p"]["bipartite"]
    1
    """
    import networkx as nx

    G = nx.Graph()
    for org in sorted(net.organisations):
        G.add_node(org, bipartite=0, kind="organisation", **_organisation_attributes(net, org))
    for initiative in sorted(net.participations):
        found = net.initiatives.get(initiative) or Initiative(compact(initiative))
        G.add_node(initiative, bipartite=1, kind="initiative", label=found.label, themes=list(found.themes))
    for initiative in sorted(net.participations):
        for org, role in sorted(net.participations[initiative].items()):
            if org not in G:
                G.add_node(org, bipartite=0, kind="organisation", **_organisation_attributes(net, org))
            G.add_edge(org, initiative, role=role)
    return G


def _pairs(net: Network, nodes: Iterable[str] | None = None) -> dict[tuple[str, str], list]:
    """Return ``{(u, v): [count, newman, initiatives]}`` over co-participating pairs u < v."""
    keep = set(nodes) if nodes is not None else None
    pairs: dict[tuple[str, str], list] = {}
    for initiative in sorted(net.participations):
        parties = sorted(net.participations[initiative])
        n = len(parties)
        if n < 2:
            continue
        share = 1.0 / (n - 1)
        if keep is not None:
            parties = [p for p in parties if p in keep]
        for i, u in enumerate(parties):
            for v in parties[i + 1:]:
                entry = pairs.get((u, v))
                if entry is None:
                    pairs[(u, v)] = [1, share, [initiative]]
                else:
                    entry[0] += 1
                    entry[1] += share
                    entry[2].append(initiative)
    return pairs


def _pair_table(net: Network, keep: Sequence[str], *,
                induced: bool) -> tuple[list[int], list[int], list[int], list[float], list[list[str]]] | None:
    """Return the co-participating pairs of ``keep`` (sorted) as :func:`_pairs` does, in NumPy, sorted by pair.

    Returns ``(u, v, count, newman, initiatives)``: positions in ``keep`` with
    u < v, and per pair the same numbers as :func:`_pairs` (Newman's shares
    added in initiative order, so the sums are equal to the last bit) and the
    sorted initiatives. None when an initiative has a participant outside
    ``keep`` and ``induced`` is false.
    """
    import numpy as np

    index = {org: i for i, org in enumerate(keep)}
    initiatives = sorted(net.participations)
    members: list[int] = []
    sizes: list[int] = []
    full: list[int] = []
    for initiative in initiatives:
        parties = net.participations[initiative]
        if induced:
            found = [index[org] for org in parties if org in index]
        elif all(org in index for org in parties):
            found = [index[org] for org in parties]
        else:
            return None
        found.sort()
        members.extend(found)
        sizes.append(len(found))
        full.append(len(parties))
    size = np.array(sizes, dtype=np.int64)
    member = np.array(members, dtype=np.int64)
    start = np.zeros(len(initiatives) + 1, dtype=np.int64)
    np.cumsum(size, out=start[1:])
    n = len(keep)
    keys = [np.zeros(0, dtype=np.int64)]
    owners = [np.zeros(0, dtype=np.int64)]
    for d in np.unique(size[size >= 2]).tolist():  # every initiative of d kept participants at once
        which = np.flatnonzero(size == d)
        first, second = np.triu_indices(d, 1)
        base = start[which][:, None]
        keys.append((member[base + first] * n + member[base + second]).ravel())
        owners.append(np.repeat(which, first.size))
    key, owner = np.concatenate(keys), np.concatenate(owners)
    order = np.lexsort((owner, key))  # by pair, then in initiative order
    key, owner = key[order], owner[order]
    new = np.ones(key.size, dtype=bool)
    new[1:] = key[1:] != key[:-1]
    begins = np.flatnonzero(new)
    share = 1.0 / (np.array(full, dtype=np.float64)[owner] - 1)
    newman = np.bincount(np.cumsum(new) - 1, share, minlength=begins.size)  # adds in order, as _pairs does
    names = [initiatives[i] for i in owner.tolist()]
    bounds = begins.tolist() + [key.size]
    return ((key[begins] // n).tolist(), (key[begins] % n).tolist(), np.diff(bounds).tolist(), newman.tolist(),
            [names[a:b] for a, b in pairwise(bounds)])


def co_participation_graph(net: Network, *, nodes: Iterable[str] | None = None) -> nx.Graph:
    """Return the organisation-organisation graph of shared initiatives.

    Two organisations are linked when they take part in at least one
    initiative together. Each edge carries

    - ``count``: the number of initiatives they share;
    - ``newman``: Newman's collaboration weight, the sum over the shared
      initiatives p of 1 / (n_p - 1), n_p being the number of participants
      of p, so that a two-partner project weighs 1 and a large consortium
      spreads its weight thin [1]_;
    - ``weight``: equal to ``newman`` (what weighted NetworkX measures use);
    - ``initiatives``: the sorted IRIs of the shared initiatives.

    Parameters
    ----------
    net : Network
    nodes : iterable of str, optional
        Keep only these organisations (the induced subgraph), computed without
        projecting the rest; n_p still counts every participant of p.

    Returns
    -------
    networkx.Graph
        Every organisation is a node, the ones with no partner too (isolates:
        hub planners need them), with ``label``, ``sector`` (the first
        sector notation, sorted), ``sectors``, ``country``, ``hubs``,
        ``initiatives`` and ``roles`` (``{initiative: role}``). Nodes and
        edges are added in sorted order.

    References
    ----------
    .. [1] M. E. J. Newman, "The structure of scientific collaboration
       networks", PNAS 98(2):404-409, 2001. doi:10.1073/pnas.98.2.404

    Examples
    --------
    >>> net = Network({o: Organisation(o.upper()) for o in "abcd"},
    ...               {"p": {"a": "coordinator", "b": "participant", "c": "participant"}, "q": {"a": "coordinator", "b": "participant"}})
    >>> G = co_participation_graph(net)
    >>> G.edges["a", "b"]["count"], G.edges["a", "b"]["newman"]
    (2, 1.5)
    >>> G.degree("d")
    0
    """
    import networkx as nx

    from ._fast import gc_paused

    keep = sorted(set(nodes)) if nodes is not None else sorted(net.organisations)
    G = nx.Graph()
    with gc_paused():  # millions of acyclic dicts: the collector would walk the heap again and again
        G.add_nodes_from((org, _organisation_attributes(net, org)) for org in keep)
        table = _pair_table(net, keep, induced=nodes is not None)
        if table is None:  # a participant missing from net.organisations: added as a bare node, as it comes
            for (u, v), (count, newman, initiatives) in sorted(_pairs(net).items()):
                G.add_edge(u, v, count=count, newman=newman, weight=newman, initiatives=sorted(initiatives))
            return G
        us, vs, counts, newmans, shared = table
        G.add_edges_from((keep[u], keep[v], {"count": c, "newman": w, "weight": w, "initiatives": i})
                         for u, v, c, w, i in zip(us, vs, counts, newmans, shared))
    return G


def hub_organisation_graph(net: Network) -> nx.Graph:
    """Return the two-mode graph of hubs and their member organisations.

    Hubs have ``bipartite=1``, ``kind="hub"``, ``label`` and ``country``;
    members have ``bipartite=0`` and the organisation attributes of
    :func:`co_participation_graph`. Each edge carries the member's ``role``
    (``hub-lead`` or ``hub-member``). Organisations in no hub are left out.

    Examples
    --------
    >>> net = Network({"a": Organisation("A")}, hubs={"h": Hub("Hub", "NO", {"a": "hub-lead"})})
    >>> list(hub_organisation_graph(net).edges(data="role"))
    [('h', 'a', 'hub-lead')]
    """
    import networkx as nx

    G = nx.Graph()
    for hub in sorted(net.hubs):
        found = net.hubs[hub]
        G.add_node(hub, bipartite=1, kind="hub", label=found.label, country=found.country or "")
    for hub in sorted(net.hubs):
        for org, role in sorted(net.hubs[hub].members.items()):
            if org not in G:
                G.add_node(org, bipartite=0, kind="organisation", **_organisation_attributes(net, org))
            G.add_edge(hub, org, role=role)
    return G


def _grouped_graph(net: Network, groups_of: Mapping[str, Iterable[str]], co_participation: nx.Graph | None) -> nx.Graph:
    """Sum the co-participations of organisations over the groups they belong to."""
    import networkx as nx

    members: dict[str, int] = defaultdict(int)
    for org in net.organisations:
        for group in groups_of.get(org, ()):
            members[group] += 1
    edges: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    internal: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    if co_participation is not None:
        pairs = ((u, v, d["count"], d["newman"]) for u, v, d in co_participation.edges(data=True))
    else:
        pairs = ((u, v, c, w) for (u, v), (c, w, _) in _pairs(net).items())
    for u, v, count, newman in pairs:
        for a in groups_of.get(u, ()):
            for b in groups_of.get(v, ()):
                if a == b:
                    internal[a][0] += count
                    internal[a][1] += newman
                else:
                    key = (a, b) if a < b else (b, a)
                    edges[key][0] += count
                    edges[key][1] += newman
    G = nx.Graph()
    for group in sorted(set(members) | set(internal) | {g for e in edges for g in e}):
        G.add_node(group, organisations=members.get(group, 0), internal=int(internal[group][0]),
                   internal_newman=internal[group][1])
    for (a, b), (count, newman) in sorted(edges.items()):
        G.add_edge(a, b, weight=int(count), count=int(count), newman=newman)
    return G


def country_graph(net: Network, *, co_participation: nx.Graph | None = None) -> nx.Graph:
    """Return the country-country graph of co-participations.

    The ``weight`` (and ``count``) of the edge between two countries is the
    number of co-participations between their organisations: the sum of
    ``count`` over the edges of :func:`co_participation_graph` that join an
    organisation of one to an organisation of the other; ``newman`` sums the
    Newman weights the same way. Co-participations inside a country are
    the node attributes ``internal`` and ``internal_newman`` (no self-loops);
    ``organisations`` counts the country's organisations.

    Parameters
    ----------
    net : Network
    co_participation : networkx.Graph, optional
        The result of :func:`co_participation_graph`, when it is already built.

    Examples
    --------
    >>> net = Network({"a": Organisation("A", country="NO"), "b": Organisation("B", country="SE"),
    ...                "c": Organisation("C", country="SE")}, {"p": {"a": "", "b": "", "c": ""}})
    >>> G = country_graph(net)
    >>> G.edges["NO", "SE"]["weight"], G.nodes["SE"]["internal"]
    (2, 1)
    """
    groups = {org: (found.country,) for org, found in net.organisations.items() if found.country}
    return _grouped_graph(net, groups, co_participation)


def sector_graph(net: Network, *, co_participation: nx.Graph | None = None) -> nx.Graph:
    """Return the sector-sector graph of co-participations.

    As :func:`country_graph`, with sectors in place of countries; an
    organisation of two sectors counts in both.

    Examples
    --------
    >>> net = Network({"a": Organisation("A", ("GOV",)), "b": Organisation("B", ("RES",))}, {"p": {"a": "", "b": ""}})
    >>> sector_graph(net).edges["GOV", "RES"]["weight"]
    1
    """
    groups = {org: found.sectors for org, found in net.organisations.items() if found.sectors}
    return _grouped_graph(net, groups, co_participation)
