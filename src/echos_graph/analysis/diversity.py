"""Diversity of a group over categories: how many members a hub has in each stakeholder sector.

Three classic measures of a distribution of counts n_1 ... n_S with
proportions p_i = n_i / N (zeros ignored):

- :func:`shannon_entropy`: H = -sum p_i ln p_i (Shannon 1948);
- :func:`pielou_evenness`: J = H / ln S (Pielou 1966);
- :func:`simpson_diversity`: 1 - sum p_i^2 (Simpson 1949).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["pielou_evenness", "shannon_entropy", "simpson_diversity"]


def _proportions(counts: Iterable[int]) -> list[float]:
    """Return the proportions of the positive counts."""
    positive = [c for c in counts if c > 0]
    total = sum(positive)
    return [c / total for c in positive] if total else []


def shannon_entropy(counts: Iterable[int]) -> float | None:
    """Return Shannon's entropy H = -sum p_i ln p_i of a distribution of counts (natural log).

    Parameters
    ----------
    counts : iterable of int
        How many members each category (sector) has; zeros are ignored.

    Returns
    -------
    float or None
        H in nats; None when there is nothing to count.

    References
    ----------
    C. E. Shannon, "A mathematical theory of communication", Bell System
    Technical Journal 27:379-423, 623-656, 1948.

    Examples
    --------
    >>> round(shannon_entropy([1, 1]), 4)  # ln 2
    0.6931
    >>> shannon_entropy([3]), shannon_entropy([])
    (0.0, None)
    """
    p = _proportions(counts)
    if not p:
        return None
    return -sum(x * math.log(x) for x in p) + 0.0


def pielou_evenness(counts: Iterable[int]) -> float | None:
    """Return Pielou's evenness J = H / ln S, S being the number of categories present.

    J is 1 when the members spread equally over the sectors they cover and
    falls toward 0 as one sector dominates. It measures evenness only: how
    many sectors are missing is the coverage's job.

    Parameters
    ----------
    counts : iterable of int
        How many members each sector has; zeros are ignored.

    Returns
    -------
    float or None
        J in [0, 1]; None when S <= 1, where ln S = 0 and J is undefined (no
        members, or all of them in one sector: nothing to be even about).

    References
    ----------
    E. C. Pielou, "The measurement of diversity in different types of
    biological collections", Journal of Theoretical Biology 13:131-144, 1966.

    Examples
    --------
    >>> round(pielou_evenness([2, 2, 2]), 12)
    1.0
    >>> round(pielou_evenness([3, 1]), 4)  # H = 0.5623, ln 2 = 0.6931
    0.8113
    >>> pielou_evenness([5]) is None
    True
    """
    p = _proportions(counts)
    if len(p) <= 1:
        return None
    h = -sum(x * math.log(x) for x in p)
    return min(1.0, h / math.log(len(p)))


def simpson_diversity(counts: Iterable[int]) -> float | None:
    """Return Simpson's diversity 1 - sum p_i^2: the chance that two members drawn at random are of different sectors.

    The form for an infinite population (drawing with replacement); 0 when
    every member is of one sector.

    Parameters
    ----------
    counts : iterable of int
        How many members each sector has; zeros are ignored.

    Returns
    -------
    float or None
        In [0, 1 - 1/S]; None when there is nothing to count.

    References
    ----------
    E. H. Simpson, "Measurement of diversity", Nature 163:688, 1949.

    Examples
    --------
    >>> simpson_diversity([1, 1, 1, 1])
    0.75
    >>> simpson_diversity([4]), simpson_diversity([])
    (0.0, None)
    """
    p = _proportions(counts)
    if not p:
        return None
    return 1.0 - sum(x * x for x in p)
