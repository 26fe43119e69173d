"""Geographical detector: q by hand, F against one-way ANOVA, the non-central p-value, interactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from urban_resilience.dynamics import geodetector as gd


def test_q_by_hand():
    # strata {1, 3} and {5, 7}: σ² = 5 (population), within: 1 + 1 + 1 + 1 = 4 → q = 1 − 4/20 = 0.8
    y = np.array([1.0, 3.0, 5.0, 7.0])
    assert gd.q_statistic(y, np.array([0, 0, 1, 1])) == pytest.approx(0.8)
    assert gd.q_statistic(y, np.array([0, 1, 2, 3])) == pytest.approx(1.0)  # every city its own stratum
    assert gd.q_statistic(y, np.array([0, 1, 1, 0])) == pytest.approx(0.0)  # {1, 7}, {3, 5}: equal means, 18 + 2
    assert np.isnan(gd.q_statistic(np.ones(4), np.array([0, 0, 1, 1])))


def test_f_is_the_one_way_anova_f_and_p_uses_the_noncentral_distribution():
    rng = np.random.default_rng(3)
    strata = np.repeat([0, 1, 2], 10)
    y = rng.normal(size=30) + strata * 0.5
    f, p = gd.f_test(y, strata)
    assert f == pytest.approx(stats.f_oneway(*(y[strata == h] for h in range(3))).statistic)
    means = np.array([y[strata == h].mean() for h in range(3)])
    lam = ((means**2).sum() - (np.sqrt(10) * means).sum() ** 2 / 30) / y.var()
    assert p == pytest.approx(stats.ncf.sf(f, 2, 27, lam))


def test_discretisation_and_the_best_strata():
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 11.0])
    assert gd.discretise(x, "equal", 2).tolist() == [0, 0, 0, 0, 1, 1]  # cut at 5.5
    assert gd.discretise(x, "quantile", 2).tolist() == [0, 0, 0, 1, 1, 1]  # median 3.5
    y = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    # quantiles in 3 strata and equal intervals in 2 both give q = 1: the fewer strata win
    strata, method, k, q = gd.best_strata(y, x, [2, 3])
    assert (method, k, q) == ("equal", 2, pytest.approx(1.0))


@pytest.mark.parametrize(("q1", "q2", "q12", "kind"), [(0.3, 0.4, 0.2, "nonlinear-weaken"),
                                                       (0.3, 0.4, 0.35, "uni-variable weaken"),
                                                       (0.3, 0.4, 0.5, "bi-variable enhance"),
                                                       (0.3, 0.4, 0.7, "independent"),
                                                       (0.3, 0.4, 0.8, "nonlinear-enhance")])
def test_interaction_types(q1, q2, q12, kind):
    assert gd.interaction_type(q1, q2, q12) == kind


def test_ecological_detector_of_equal_factors_is_one():
    y = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    strata = np.array([0, 0, 1, 1, 2, 2])
    f, p = gd.ecological_test(y, strata, strata)
    assert f == pytest.approx(1.0) and p == pytest.approx(1.0)


def test_cuts_leaving_a_lone_city_are_not_chosen_and_none_left_is_not_computed():
    x = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    y = np.array([1.0, 1.0, 2.0, 2.0, 9.0])
    strata, method, k, q = gd.best_strata(y, x, [2, 3])
    assert np.bincount(strata).min() >= 2  # equal intervals would isolate 100: skipped
    assert method == "quantile"
    strata, method, k, q = gd.best_strata(y[:3], x[:3], [2, 3])  # 3 cities: every cut leaves one alone
    assert method == "not computed" and np.isnan(q)


def test_one_city_cells_of_the_overlay_are_counted():
    """Strata X1 = 0 0 0 1 1 1 and X2 = 0 1 1 0 0 1 overlay into cells 0 1 1 2 2 3: four occupied
    cells, two of them (0 and 3) holding one city. With Y = 1 2 4 5 7 9 the one-city cells have no
    within variance: SSW = (2 − 3)² + (4 − 3)² + (5 − 6)² + (7 − 6)² = 4, SST = Σ(y − 14/3)² = 45.33…,
    so q12 = 1 − 4/45.33 = 0.91176 while q(X1) = 1 − (4.67 + 8)/45.33 = 0.72059."""
    y = np.array([1.0, 2, 4, 5, 7, 9])
    s1, s2 = np.array([0, 0, 0, 1, 1, 1]), np.array([0, 1, 1, 0, 0, 1])
    overlay = s1 * 2 + s2
    assert gd.overlay_cells(overlay) == (4, 2)
    assert gd.q_statistic(y, overlay) == pytest.approx(1 - 4 / (136 / 3))
    assert gd.q_statistic(y, s1) == pytest.approx(1 - (14 / 3 + 8) / (136 / 3))
    assert gd.overlay_cells(np.arange(5)) == (5, 5)
    assert gd.overlay_cells(np.zeros(5, dtype=int)) == (1, 0)


def test_interaction_rows_carry_the_cell_counts():
    """Eight cities, two factors each cut in two strata of four: the overlay of X1 (1 2 3 4 | 5 6 7 8)
    and X2 (1 3 5 7 | 2 4 6 8 by rank) has four cells of two cities, none alone."""
    frame = pd.DataFrame({"total": [1.0, 3, 4, 6, 5, 7, 10, 12], "a": [1.0, 2, 3, 4, 5, 6, 7, 8],
                          "b": [1.0, 5, 2, 6, 3, 7, 4, 8]})
    rows = gd.detect(frame, "total", ["a", "b"], [2], 2019)
    [row] = rows["interaction"]
    assert (row["cells"], row["single_city_cells"]) == (4, 0)
