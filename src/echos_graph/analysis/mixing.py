"""Mixing of ties between groups of organisations (sectors, countries): assortativity, mixing matrix, E-I index.

Part of :mod:`~echos_graph.analysis.network` (which re-exports
:func:`sector_mixing` and :class:`MixingResult`), kept apart to keep each
module to one concept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from ._fast import ArrayGraph, array_graph, group_codes

__all__ = ["MixingResult", "sector_mixing"]


@dataclass(frozen=True)
class MixingResult:
    """How ties mix between the groups of one attribute (sector, country...).

    Attributes
    ----------
    attribute : str
    groups : tuple of str
        The groups, sorted (``""``: organisations without a value).
    sizes : dict
        Group to its number of organisations.
    ties, weights : dict of dict
        Group to group to the number (sum of weights) of ties between them;
        symmetric, the diagonal holds the ties inside a group.
    assortativity : float or None
        Newman's r on tie counts (equal to
        ``nx.attribute_assortativity_coefficient``); None with one group.
    weighted_assortativity : float or None
        The same on tie weights.
    ei_index, weighted_ei_index : float or None
        Krackhardt & Stern's E-I index over all ties: (E - I) / (E + I),
        from -1 (all ties inside groups) to 1 (all between).
    internal, external : dict
        Group to its ties inside / to other groups.
    group_ei : dict
        Group to its own E-I index (None for a group without ties).
    """

    attribute: str
    groups: tuple[str, ...]
    sizes: dict[str, int]
    ties: dict[str, dict[str, int]]
    weights: dict[str, dict[str, float]]
    assortativity: float | None
    weighted_assortativity: float | None
    ei_index: float | None
    weighted_ei_index: float | None
    internal: dict[str, int]
    external: dict[str, int]
    group_ei: dict[str, float | None]

    def to_rows(self) -> list[dict[str, Any]]:
        """Return one row per group: size, internal and external ties, E-I index, then ties to each group."""
        rows = []
        for g in self.groups:
            row: dict[str, Any] = {
                self.attribute: g, "organisations": self.sizes[g], "internal": self.internal[g],
                "external": self.external[g], "ei_index": self.group_ei[g],
            }
            row.update({h or "(none)": self.ties[g][h] for h in self.groups})
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Return the result as nested plain data."""
        return {
            "attribute": self.attribute, "groups": list(self.groups), "sizes": self.sizes,
            "assortativity": self.assortativity, "weighted_assortativity": self.weighted_assortativity,
            "ei_index": self.ei_index, "weighted_ei_index": self.weighted_ei_index,
            "internal": self.internal, "external": self.external, "group_ei": self.group_ei,
            "ties": self.ties, "weights": self.weights,
        }


def _assortativity(matrix: np.ndarray) -> float | None:
    """Return Newman's r of a symmetric mixing matrix (Newman 2003, eq. 2)."""
    total = matrix.sum()
    if total == 0:
        return None
    e = matrix / total
    a = e.sum(axis=1)
    expected = float((a * a).sum())
    if math.isclose(expected, 1.0):
        return None
    return float((np.trace(e) - expected) / (1 - expected))


def _ei(external: float, internal: float) -> float | None:
    """Return (E - I) / (E + I), None without ties."""
    return None if external + internal == 0 else (external - internal) / (external + internal)


def sector_mixing(G: nx.Graph, attribute: str = "sector", *, weight: str | None = "weight") -> MixingResult:
    """Return the mixing of ties between the groups of a node attribute: assortativity, mixing matrix, E-I index.

    Parameters
    ----------
    G : networkx.Graph
    attribute : str
        ``sector`` by default; ``country`` or ``hubs`` (first hub) work alike.
    weight : str or None
        Edge attribute for the weighted matrix, assortativity and E-I index.

    Returns
    -------
    MixingResult

    Notes
    -----
    The mixing matrix counts each tie once, in the cell of its two groups.
    Assortativity is Newman's coefficient r [1]_: the fraction of tie ends
    inside groups minus what random mixing with the same group totals would
    give, scaled so that 1 is perfect homophily. The E-I index [2]_ is
    (E - I) / (E + I) for E ties between groups and I inside; a group's own
    index counts its members' ties.

    References
    ----------
    .. [1] M. E. J. Newman, "Mixing patterns in networks", Physical Review E
       67:026126, 2003. doi:10.1103/PhysRevE.67.026126
    .. [2] D. Krackhardt, R. N. Stern, "Informal networks and organizational
       crises: an experimental simulation", Social Psychology Quarterly
       51(2):123-140, 1988.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "RES", 2: "RES", 3: "IND", 4: "IND"}, "sector")
    >>> mix = sector_mixing(G, weight=None)
    >>> mix.ties["IND"], round(mix.ei_index, 3), round(mix.assortativity, 3)
    ({'IND': 1, 'RES': 1}, -0.333, 0.333)
    """
    return _mixing(G, array_graph(G, weight), attribute)


def _mixing(G: nx.Graph, ag: ArrayGraph, attribute: str) -> MixingResult:
    """Compute :func:`sector_mixing` on the arrays of ``G``."""
    codes, names = group_codes(G, ag.nodes, attribute)
    k = len(names)
    cu, cv = codes[ag.src], codes[ag.dst]
    count = np.bincount(cu * k + cv, minlength=k * k).reshape(k, k).astype(float)
    mass = np.bincount(cu * k + cv, ag.w, minlength=k * k).reshape(k, k)
    count_sym = count + count.T
    mass_sym = mass + mass.T
    ties = np.diag(np.diag(count)) + np.triu(count + count.T, 1) + np.tril(count + count.T, -1)
    weights = np.diag(np.diag(mass)) + np.triu(mass_sym, 1) + np.tril(mass_sym, -1)
    sizes = np.bincount(codes, minlength=k)
    internal = np.diag(ties)
    external = ties.sum(axis=1) - internal
    inside_count, inside_mass = float(np.trace(ties)), float(np.trace(weights))
    return MixingResult(
        attribute=attribute,
        groups=tuple(names),
        sizes={g: int(sizes[i]) for i, g in enumerate(names)},
        ties={g: {h: int(ties[i, j]) for j, h in enumerate(names)} for i, g in enumerate(names)},
        weights={g: {h: float(weights[i, j]) for j, h in enumerate(names)} for i, g in enumerate(names)},
        assortativity=_assortativity(count_sym),
        weighted_assortativity=_assortativity(mass_sym),
        ei_index=_ei(ag.m - inside_count, inside_count),
        weighted_ei_index=_ei(float(ag.w.sum()) - inside_mass, inside_mass),
        internal={g: int(internal[i]) for i, g in enumerate(names)},
        external={g: int(external[i]) for i, g in enumerate(names)},
        group_ei={g: _ei(float(external[i]), float(internal[i])) for i, g in enumerate(names)},
    )
