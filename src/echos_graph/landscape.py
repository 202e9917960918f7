"""The hub landscape: every hub with its status, date and sector coverage; every expected country with or without a hub.

One call, :func:`hub_landscape`, joins what the saved query
``hubs-by-status`` says of each hub (status, date, how sure) with the
sector gaps of :func:`~echos_graph.analysis.gaps.hub_gaps`, and lists the
EU Member States and Associated Countries with their hubs. The web page
``/hubs``, the JSON API ``/api/hubs`` and anyone else read the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .analysis.gaps import EXPECTED_STATUSES, HubGap, hub_gaps
from .analysis.projection import Network
from .queries import run_query
from .store import GraphStore

__all__ = ["CountryRow", "HubRow", "Landscape", "HubStatus", "hub_landscape", "hub_statuses"]


@dataclass(frozen=True)
class HubStatus:
    """A hub's status (planned, recognised, operational, launched), its date and how sure it is."""

    status: str = ""
    date: str = ""
    note: str = ""
    verification: str = ""


def hub_statuses(store: GraphStore) -> dict[str, HubStatus]:
    """Return each hub's status, by hub IRI (the saved query ``hubs-by-status``).

    A hub whose status two sources state keeps the first in status order.

    Examples
    --------
    >>> from echos_graph import build, open_store
    >>> store = open_store("memory:")
    >>> _ = build(store)
    >>> hub_statuses(store)["https://w3id.org/echos-graph/id/hub/NO"].status
    'operational'
    """
    result = run_query(store, "hubs-by-status")
    assert isinstance(result, ox.QuerySolutions)
    found: dict[str, HubStatus] = {}
    for row in result:
        hub = row["hub"].value
        if hub in found:
            continue
        found[hub] = HubStatus(
            status=row["status"].value.rpartition("/")[2],
            date=row["statusDate"].value if row["statusDate"] is not None else "",
            note=row["statusNote"].value if row["statusNote"] is not None else "",
            verification=row["verification"].value.rpartition("/")[2] if row["verification"] is not None else "",
        )
    return found


@dataclass(frozen=True)
class HubRow:
    """One hub: its gap report and its status."""

    gap: HubGap
    status: HubStatus

    @property
    def code(self) -> str:
        """Return the hub's key, the last segment of its IRI (``NO`` for ``id:hub/NO``)."""
        return self.gap.subject.rpartition("/")[2]

    def to_dict(self) -> dict[str, Any]:
        """Return the hub as plain data."""
        return {"hub": self.gap.subject, "code": self.code, "label": self.gap.label, "country": self.gap.country,
                "status": self.status.status or None, "statusDate": self.status.date or None,
                "verification": self.status.verification or None, "members": len(self.gap.members),
                "coverage": self.gap.coverage, "sectorsMissing": list(self.gap.sectors_missing),
                "evenness": self.gap.evenness}


@dataclass(frozen=True)
class CountryRow:
    """An EU Member State or Associated Country: its hubs (IRI to label) and organisations in the graph."""

    code: str
    name: str
    status: str
    hubs: dict[str, str]
    organisations: int

    def to_dict(self) -> dict[str, Any]:
        """Return the country as plain data."""
        return {"country": self.code, "name": self.name, "status": self.status,
                "hubs": [{"hub": h, "label": lab} for h, lab in self.hubs.items()], "organisations": self.organisations}


@dataclass(frozen=True)
class Landscape:
    """Every hub (by label) and every expected country (by status, then code); the sector notations and labels."""

    hubs: tuple[HubRow, ...]
    countries: tuple[CountryRow, ...]
    sectors: dict[str, str]

    @property
    def with_hub(self) -> tuple[CountryRow, ...]:
        """Return the expected countries that have a hub."""
        return tuple(c for c in self.countries if c.hubs)

    @property
    def without_hub(self) -> tuple[CountryRow, ...]:
        """Return the expected countries with no hub."""
        return tuple(c for c in self.countries if not c.hubs)

    def to_dict(self) -> dict[str, Any]:
        """Return the landscape as plain data."""
        return {"hubs": [h.to_dict() for h in self.hubs], "countries": [c.to_dict() for c in self.countries],
                "sectors": self.sectors}


def hub_landscape(store: GraphStore, net: Network) -> Landscape:
    """Return every hub with its status and coverage, and every expected country with its hubs.

    Parameters
    ----------
    store : GraphStore
        Asked for the hubs' statuses.
    net : Network
        The store's network (hubs, members, sectors, countries).

    Examples
    --------
    >>> from echos_graph import build, open_store
    >>> from echos_graph.analysis import load_network
    >>> store = open_store("memory:")
    >>> _ = build(store)
    >>> found = hub_landscape(store, load_network(store))
    >>> [c.code for c in found.with_hub][:3]
    ['BG', 'DE', 'ES']
    """
    statuses = hub_statuses(store)
    gaps = [g for g in hub_gaps(net) if g.kind == "hub"]
    rows = sorted((HubRow(g, statuses.get(g.subject, HubStatus())) for g in gaps),
                  key=lambda r: (r.gap.label, r.gap.subject))
    hubs_of: dict[str, dict[str, str]] = {}
    for iri, hub in sorted(net.hubs.items(), key=lambda kv: (kv[1].label, kv[0])):
        if hub.country:
            hubs_of.setdefault(hub.country, {})[iri] = hub.label
    countries = sorted(
        (CountryRow(code, c.name or code, c.status, hubs_of.get(code, {}), len(net.by_country.get(code, ())))
         for code, c in net.countries.items() if c.status in EXPECTED_STATUSES),
        key=lambda c: (EXPECTED_STATUSES.index(c.status), c.code),
    )
    return Landscape(tuple(rows), tuple(countries), dict(net.sectors))
