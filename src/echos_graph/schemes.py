"""The SKOS schemes as the ingesters use them: notations, label look-up, the CORDIS crosswalk.

Read once from ``ontology/`` (the source of truth), never hard-coded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from .errors import OntologyError
from .namespaces import id_iri
from .resources import internal_query

__all__ = ["Schemes", "fold", "load_schemes"]


def fold(text: str) -> str:
    """Return ``text`` without accents, case or surrounding space, for matching labels.

    Examples
    --------
    >>> fold("  Santé Publique ")
    'sante publique'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@dataclass(frozen=True)
class Schemes:
    """What the ingesters need from the schemes.

    Attributes
    ----------
    sectors : frozenset of str
        Notations of the sector scheme.
    themes : frozenset of str
        Notations of the theme scheme.
    sector_labels : dict of str to str
        Folded notation, preferred or alternative label to sector notation.
    cordis_sectors : dict of str to str
        CORDIS activity type (HES, REC, PUB, PRC, OTH) to sector notation.
    """

    sectors: frozenset[str]
    themes: frozenset[str]
    sector_labels: dict[str, str]
    cordis_sectors: dict[str, str]

    def sector(self, text: str) -> str | None:
        """Return the sector notation that ``text`` names (notation or label, any case or accents)."""
        return self.sector_labels.get(fold(text))

    def sector_choices(self) -> str:
        """Return the valid sector values, for error messages."""
        return "; ".join(sorted(self.sectors))


def _rows(store: ox.Store, name: str, scheme: str | None = None) -> list[ox.QuerySolution]:
    """Run an internal query over the ontology store."""
    subs = {ox.Variable("scheme"): ox.NamedNode(scheme)} if scheme else None
    return list(store.query(internal_query(name), substitutions=subs))  # type: ignore[arg-type]


@cache
def load_schemes() -> Schemes:
    """Read the sector and theme schemes and the CORDIS crosswalk from ``ontology/``.

    Raises
    ------
    OntologyError
        If a CORDIS activity type has no sector, or more than one of the same strength.
    """
    from .builder import ontology_quads

    store = ox.Store()
    store.extend(ontology_quads())
    labels: dict[str, str] = {}
    sectors = set()
    for row in _rows(store, "scheme-labels", id_iri("sector")):
        notation = row["notation"].value  # type: ignore[union-attr]
        sectors.add(notation)
        labels[fold(notation)] = notation
        if row["label"] is not None:
            labels.setdefault(fold(row["label"].value), notation)  # type: ignore[union-attr]
    themes = frozenset(row["notation"].value for row in _rows(store, "scheme-labels", id_iri("theme")))  # type: ignore[union-attr]
    best: dict[str, dict[str, list[str]]] = {}
    for row in _rows(store, "sector-crosswalk"):
        best.setdefault(row["activityType"].value, {}).setdefault(row["strength"].value, []).append(  # type: ignore[union-attr]
            row["sector"].value)  # type: ignore[union-attr]
    cordis = {}
    for activity, found in best.items():
        chosen = found.get("exact") or found.get("close") or []
        if len(chosen) != 1:
            raise OntologyError(f"ontology/sectors.ttl maps CORDIS activity type {activity} to {chosen}; "
                                "it needs exactly one exactMatch or, failing that, one closeMatch")
        cordis[activity] = chosen[0]
    return Schemes(frozenset(sectors), themes, labels, cordis)
