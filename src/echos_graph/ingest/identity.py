"""One organisation, one node: match organisations across sources.

An organisation met in a new source is matched to one already in the store
by its PIC (the CORDIS participant identification code), then by its ROR
id, then by its normalised legal name plus country.  A match reuses the
existing IRI and is recorded with its rule and key; an organisation with no
match gets an IRI minted from its strongest key, so a re-ingest gives the
same IRIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..errors import DataError
from ..namespaces import id_iri, slug
from ..resources import internal_query
from ..store import GraphStore

__all__ = ["IdentityIndex", "Match", "OrganisationKeys", "Twin", "ror_key", "unmerged_twins"]

_PIC = re.compile(r"^\d{9}$")
_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$")


def ror_key(value: str) -> str | None:
    """Return the bare ROR id of ``value`` (``https://ror.org/03yrm5c26`` or ``03yrm5c26``), or None."""
    match = _ROR.match(value.strip().lower())
    return match.group(1) if match else None


@dataclass(frozen=True)
class OrganisationKeys:
    """The keys by which an organisation is recognised."""

    name: str
    country: str
    pic: str | None = None
    ror: str | None = None

    def name_key(self) -> str:
        """Return the normalised name-and-country key, e.g. ``NO/sintef``."""
        return f"{self.country}/{slug(self.name)}"


@dataclass(frozen=True)
class Match:
    """An organisation of a new source recognised as one already in the store."""

    iri: str
    rule: str
    key: str


@dataclass
class IdentityIndex:
    """Organisations already in the store, indexed by PIC, ROR id and name-and-country."""

    by_pic: dict[str, str] = field(default_factory=dict)
    by_ror: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    existing: set[str] = field(default_factory=set)
    matches: dict[str, Match] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: GraphStore | None, *, exclude: str | None = None) -> IdentityIndex:
        """Index the organisations of ``store``, leaving out those typed only in graphs under ``exclude``.

        Parameters
        ----------
        store : GraphStore or None
            The store (None gives an empty index).
        exclude : str, optional
            The catalogue graph IRI of the source being replaced.
        """
        index = cls()
        if store is None or store.is_empty():
            return index
        for row in _key_rows(store):
            graph = row["g"].value  # type: ignore[union-attr]
            if not (exclude and (graph == exclude or graph.startswith(exclude + "/"))):
                index._index_row(row)
        return index

    def _index_row(self, row: ox.QuerySolution) -> None:
        """Index one row of the ``organisation-keys`` query."""
        org = row["org"].value  # type: ignore[union-attr]
        self.existing.add(org)
        if row["pic"] is not None:
            self.by_pic.setdefault(row["pic"].value, org)  # type: ignore[union-attr]
        if row["ror"] is not None:
            ror = row["ror"].value  # type: ignore[union-attr]
            self.by_ror.setdefault(ror_key(ror) or ror, org)
        if (key := _name_key(row)) is not None:
            self.by_name.setdefault(key, org)

    def resolve(self, keys: OrganisationKeys) -> str:
        """Return the IRI for an organisation of the new source, matching or minting it.

        Raises
        ------
        DataError
            If the keys are malformed (a PIC that is not 9 digits).
        """
        if keys.pic is not None and not _PIC.match(keys.pic):
            raise DataError(f"PIC {keys.pic!r} is not 9 digits")
        name_key = keys.name_key()
        for rule, table, key in (("pic", self.by_pic, keys.pic), ("ror", self.by_ror, keys.ror),
                                 ("name-country", self.by_name, name_key)):
            if key and key in table:
                iri = table[key]
                if iri in self.existing:
                    self.matches.setdefault(iri, Match(iri, rule, key))
                self._remember(keys, iri, name_key)
                return iri
        if keys.pic:
            iri = id_iri("organisation", "pic", keys.pic)
        elif keys.ror:
            iri = id_iri("organisation", "ror", keys.ror)
        else:
            iri = id_iri("organisation", name_key)
        self._remember(keys, iri, name_key)
        return iri

    def is_existing(self, iri: str) -> bool:
        """Return whether ``iri`` names an organisation another source already describes."""
        return iri in self.existing

    def _remember(self, keys: OrganisationKeys, iri: str, name_key: str) -> None:
        """Index the new organisation's keys (``name_key`` is ``keys.name_key()``) so later rows find it."""
        if keys.pic:
            self.by_pic.setdefault(keys.pic, iri)
        if keys.ror:
            self.by_ror.setdefault(keys.ror, iri)
        self.by_name.setdefault(name_key, iri)


def _key_rows(store: Any) -> ox.QuerySolutions:
    """Run the ``organisation-keys`` query on a store or a transaction."""
    result = store.query(internal_query("organisation-keys"))
    assert isinstance(result, ox.QuerySolutions)
    return result


def _name_key(row: ox.QuerySolution) -> str | None:
    """Return the name-and-country key of a row of ``organisation-keys``, or None without both (or letters)."""
    if row["name"] is None or row["country"] is None:
        return None
    keys = OrganisationKeys(row["name"].value, row["country"].value)  # type: ignore[union-attr]
    return keys.name_key() if re.search(r"[A-Za-z0-9]", keys.name) else None


@dataclass(frozen=True)
class Twin:
    """An organisation of one source that another source holds as a separate node with the same keys."""

    iri: str
    other: str
    other_graph: str
    rule: str
    key: str


def unmerged_twins(store: Any, source: str) -> list[Twin]:
    """Return the organisations of ``source`` that match a separate node of another source.

    Identity matching runs when a source is ingested, against what the store
    holds then; an organisation added later to an earlier source (the
    bundled data, say) is not merged into the node a later source already
    made for it.  Re-ingesting that later source merges them.

    Parameters
    ----------
    store : GraphStore or Transaction
        Where to look.
    source : str
        The catalogue graph IRI of the source whose organisations are checked.

    Returns
    -------
    list of Twin
        Sorted by IRI; each with the rule (``ror``, ``name-country``) and key that match.
    """
    others = IdentityIndex()
    graph_of: dict[str, str] = {}
    ours: dict[str, list[ox.QuerySolution]] = {}
    for row in _key_rows(store):
        graph, org = row["g"].value, row["org"].value  # type: ignore[union-attr]
        if graph == source or graph.startswith(source + "/"):
            ours.setdefault(org, []).append(row)
        else:
            others._index_row(row)
            graph_of.setdefault(org, graph)
    found: dict[str, Twin] = {}
    for org, rows in ours.items():
        for row in rows:
            candidates = [("ror", others.by_ror, ror_key(row["ror"].value) if row["ror"] is not None else None),
                          ("name-country", others.by_name, _name_key(row))]
            for rule, table, key in candidates:
                other = table.get(key) if key else None
                if other is not None and other != org and other not in ours and org not in found:
                    found[org] = Twin(org, other, graph_of[other], rule, key)  # type: ignore[arg-type]
    return [found[org] for org in sorted(found)]
