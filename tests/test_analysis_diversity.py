"""Diversity measures: Shannon entropy, Pielou's evenness and Simpson's diversity, on counts worked out by hand."""

from __future__ import annotations

import math

import pytest

from echos_graph.analysis.diversity import (
    pielou_evenness,
    shannon_entropy,
    simpson_diversity,
)


def test_diversity_of_an_even_spread_over_three_sectors() -> None:
    # p = 1/3 each: H = ln 3, J = ln 3 / ln 3 = 1, Simpson = 1 - 3 * (1/3)^2 = 2/3.
    assert shannon_entropy([1, 1, 1]) == pytest.approx(math.log(3))
    assert pielou_evenness([1, 1, 1]) == pytest.approx(1.0)
    assert simpson_diversity([1, 1, 1]) == pytest.approx(2 / 3)


def test_diversity_of_an_uneven_spread() -> None:
    # counts 3 and 1: p = 0.75, 0.25; H = -(0.75 ln 0.75 + 0.25 ln 0.25) = 0.562335;
    # J = 0.562335 / ln 2 = 0.811278; Simpson = 1 - (0.5625 + 0.0625) = 0.375.
    assert shannon_entropy([3, 1, 0]) == pytest.approx(0.562335, abs=1e-6)
    assert pielou_evenness([3, 1, 0]) == pytest.approx(0.811278, abs=1e-6)
    assert simpson_diversity([3, 1, 0]) == pytest.approx(0.375)


@pytest.mark.parametrize("counts", [[], [0, 0], [4], [0, 7]])
def test_evenness_is_undefined_for_fewer_than_two_sectors(counts: list[int]) -> None:
    assert pielou_evenness(counts) is None
    assert simpson_diversity(counts) == (0.0 if sum(counts) else None)
