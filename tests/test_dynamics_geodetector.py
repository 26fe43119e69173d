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
def hand_frame(year: int = 2019):
    """Six cities: the total y = 1, 2, 3, 10, 11, 12; factor a follows y (halves {1, 2, 3} and
    {10, 11, 12}); factor b alternates (halves {1, 3, 11} and {2, 10, 12})."""
    return pd.DataFrame({"admin_code": [f"{i:06d}" for i in range(6)], "year": year,
                         "total": [1.0, 2.0, 3.0, 10.0, 11.0, 12.0], "a": [1.0, 2.0, 3.0, 10.0, 11.0, 12.0],
                         "b": [1.0, 5.0, 2.0, 6.0, 3.0, 7.0]})


def test_the_four_detectors_of_a_hand_case():
    # SST = Σ(y − 6.5)² = 2 (5.5² + 4.5² + 3.5²) = 125.5; population σ² = 125.5/6
    # a: halves {1, 2, 3}, {10, 11, 12}: SSW = 2 + 2 = 4, q = 121.5/125.5; both methods cut at 6.5, quantile first
    # b: median 4 (quantile) = midrange 4 (equal): {1, 3, 11} mean 5 and {2, 10, 12} mean 8, SSW = 56 + 56
    rows = gd.detect(hand_frame(), "total", ["a", "b"], [2], 2019)
    factor = {row["factor"]: row for row in rows["factor"]}
    assert [factor["a"][k] for k in ("year", "method", "strata")] == [2019, "quantile", 2]
    assert factor["a"]["q"] == pytest.approx(121.5 / 125.5, rel=1e-12)
    assert factor["b"]["q"] == pytest.approx(13.5 / 125.5, rel=1e-12)
    # F = (N − L)/(L − 1) · q/(1 − q) = 4 · 121.5/4; λ = [2² + 11² − (√3·2 + √3·11)²/6] / σ² = 40.5 · 6/125.5
    assert factor["a"]["F"] == pytest.approx(121.5, rel=1e-12)
    assert factor["a"]["p"] == pytest.approx(stats.ncf.sf(121.5, 1, 4, 40.5 * 6 / 125.5), rel=1e-9)
    assert factor["b"]["F"] == pytest.approx(4 * 13.5 / 112, rel=1e-12)
    # interaction: strata {1, 3}, {2}, {11}, {10, 12}: SSW = 4, the same q as a alone; 4 cells, 2 of one city
    (interaction,) = rows["interaction"]
    assert interaction == {"year": 2019, "factor_1": "a", "factor_2": "b", "q_1": factor["a"]["q"],
                           "q_2": factor["b"]["q"], "q_interaction": pytest.approx(121.5 / 125.5, rel=1e-12),
                           "type": "uni-variable weaken", "cells": 4, "single_city_cells": 2}
    # ecological: F = SSW_a / SSW_b = 4/112 < 1, two-sided p = 2 P(F(5, 5) ≤ 1/28)
    (ecological,) = rows["ecological"]
    assert ecological == {"year": 2019, "factor_1": "a", "factor_2": "b", "F": pytest.approx(4 / 112, rel=1e-12),
                          "p": pytest.approx(2 * stats.f.cdf(4 / 112, 5, 5), rel=1e-9)}
    # risk: Welch's t of the halves of a: (2 − 11)/√(1/3 + 1/3) with 4 degrees of freedom
    risk = [row for row in rows["risk"] if row["factor"] == "a"]
    assert len(risk) == 1 and len(rows["risk"]) == 2
    t = -9 / np.sqrt(2 / 3)
    assert {k: risk[0][k] for k in ("year", "stratum_a", "stratum_b", "mean_a", "mean_b")} == {
        "year": 2019, "stratum_a": 0, "stratum_b": 1, "mean_a": 2.0, "mean_b": 11.0}
    assert risk[0]["t"] == pytest.approx(t, rel=1e-12)
    assert risk[0]["p"] == pytest.approx(2 * stats.t.sf(-t, 4), rel=1e-9)


def test_a_factor_not_computed_has_no_risk_interaction_or_ecological_rows():
    frame = hand_frame().iloc[:3]  # three cities: every cut leaves one alone
    rows = gd.detect(frame, "total", ["a", "b"], [2], 2019)
    assert [row["method"] for row in rows["factor"]] == ["not computed", "not computed"]
    assert all(np.isnan(row["q"]) and np.isnan(row["F"]) and np.isnan(row["p"]) for row in rows["factor"])
    assert rows["risk"] == [] and rows["interaction"] == [] and rows["ecological"] == []


def test_risk_rows_of_a_lone_city_stratum_are_not_tested():
    y = np.array([1.0, 2.0, 3.0, 10.0])
    rows = gd.risk_rows(y, np.array([0, 0, 0, 1]), {"factor": "x"})
    assert len(rows) == 1
    assert rows[0]["factor"] == "x" and rows[0]["mean_a"] == 2.0 and rows[0]["mean_b"] == 10.0
    assert np.isnan(rows[0]["t"]) and np.isnan(rows[0]["p"])


def test_geodetector_tables_pair_the_dimensions_only_and_run_each_year():
    frames = [hand_frame(2018), hand_frame(2019).assign(total=lambda f: f["total"][::-1].to_numpy())]
    scores = pd.concat(frames)[["admin_code", "year", "total", "a", "b"]]
    indicators = pd.concat(frames)[["admin_code", "year"]].assign(x1=np.tile([1.0, 1, 2, 2, 3, 3], 2),
                                                                  x2=np.tile([3.0, 2, 1, 3, 2, 1], 2))
    both = gd.geodetector_tables(scores, indicators, [2018, 2019], ["a", "b"], [2])
    assert both["interaction"][["year", "factor_1", "factor_2"]].values.tolist() == [[2018, "a", "b"],
                                                                                    [2019, "a", "b"]]
    assert both["ecological"]["year"].tolist() == [2018, 2019]
    assert both["factor"]["year"].tolist() == [2018] * 4 + [2019] * 4
    assert both["risk"]["year"].tolist() == [2018] * 4 + [2019] * 4
    with pytest.raises(pd.errors.MergeError):  # a city-year twice among the indicators is refused
        gd.geodetector_tables(scores, pd.concat([indicators, indicators.iloc[:1]]), [2019], ["a", "b"], [2])
    tables = gd.geodetector_tables(scores, indicators, [2019], ["a", "b"], [2])
    assert tables["factor"][["year", "factor"]].values.tolist() == [[2019, "a"], [2019, "b"], [2019, "x1"],
                                                                    [2019, "x2"]]
    assert tables["interaction"][["factor_1", "factor_2"]].values.tolist() == [["a", "b"]]
    assert len(tables["ecological"]) == 1
    # 2019's total is reversed (12, 11, 10, 3, 2, 1): a's and b's halves give the same q as before;
    # x1 cuts at 2: {12, 11, 10, 3} (SS 50) | {2, 1} (SS 0.5); x2 cuts at 2: {11, 10, 2, 1} (SS 82) | {12, 3} (SS 40.5)
    q = tables["factor"].set_index("factor")["q"]
    assert q.to_numpy() == pytest.approx(np.array([121.5, 13.5, 75.0, 3.0]) / 125.5, rel=1e-12)
    assert tables["risk"][["factor", "year", "mean_a", "mean_b"]].values.tolist() == [
        ["a", 2019, 11.0, 2.0], ["b", 2019, 8.0, 5.0], ["x1", 2019, 9.0, 1.5], ["x2", 2019, 6.0, 7.5]]


def test_f_test_is_not_computed_at_the_edges():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert all(np.isnan(gd.f_test(y, np.zeros(4, dtype=int))))  # one stratum
    assert all(np.isnan(gd.f_test(y, np.arange(4))))  # a stratum per city
    assert all(np.isnan(gd.f_test(np.array([1.0, 1.0, 2.0, 2.0]), np.array([0, 0, 1, 1]))))  # q = 1
    assert all(np.isnan(gd.f_test(np.ones(4), np.array([0, 0, 1, 1]))))  # Y does not vary
    # three cities in two strata: F = (3 − 2)/(2 − 1) · q/(1 − q); {1, 2} | {4}: SSW 0.5, SST 14/3
    f, p = gd.f_test(np.array([1.0, 2.0, 4.0]), np.array([0, 0, 1]))
    q = 1 - 0.5 / (14 / 3)
    assert f == pytest.approx(q / (1 - q))
    assert 0 < p < 1


def test_an_unknown_discretisation_stops():
    with pytest.raises(ValueError, match=r"^discretisation method 'jenks'; expected one of \('quantile', 'equal'\)$"):
        gd.discretise(np.arange(5.0), "jenks", 2)


def test_discretisation_in_three_strata_keeps_ties_together():
    x = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 9.0])
    # tertiles at 1 and 1 (one cut after np.unique): {0, 1, 1, 1, 1} | {9}; thirds of [0, 9]: cuts 3 and 6
    assert gd.discretise(x, "quantile", 3).tolist() == [0, 0, 0, 0, 0, 1]
    assert gd.discretise(x, "equal", 3).tolist() == [0, 0, 0, 0, 0, 2]
    assert gd.discretise(np.array([0.0, 3.0, 3.5, 6.0, 6.5, 9.0]), "equal", 3).tolist() == [0, 0, 1, 1, 2, 2]


def test_ecological_detector_is_two_sided_and_needs_a_within_variance():
    y = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])
    halves, alternate = np.array([0, 0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 0, 1])
    f, p = gd.ecological_test(y, alternate, halves)  # SSW 112 over 4: F = 28, the mirror of 4/112
    assert f == pytest.approx(28.0)
    assert p == pytest.approx(2 * stats.f.sf(28.0, 5, 5))
    assert p == pytest.approx(gd.ecological_test(y, halves, alternate)[1])
    assert all(np.isnan(gd.ecological_test(y, halves, np.arange(6))))  # second factor leaves no variance


def test_interaction_types_at_their_boundaries():
    assert gd.interaction_type(0.3, 0.4, 0.3) == "uni-variable weaken"  # q12 = min
    assert gd.interaction_type(0.3, 0.4, 0.3 - 1e-13) == "uni-variable weaken"  # within the tolerance
    assert gd.interaction_type(0.4, 0.3, 0.3 - 1e-11) == "nonlinear-weaken"
    assert gd.interaction_type(0.3, 0.4, 0.4) == "uni-variable weaken"  # q12 = max
    assert gd.interaction_type(0.3, 0.4, 0.4 + 1e-11) == "bi-variable enhance"
    assert gd.interaction_type(0.3, 0.4, 0.7 + 1e-13) == "independent"
    assert gd.interaction_type(0.3, 0.4, 0.7 + 1e-11) == "nonlinear-enhance"
    assert gd.interaction_type(0.3, 0.4, 0.7 - 1e-11) == "bi-variable enhance"
    assert gd.interaction_type(0.3, 0.4, 0.7, tolerance=0.35) == "uni-variable weaken"


def test_best_strata_takes_the_larger_q_and_none_when_y_is_constant():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 20.0, 21.0, 22.0])
    y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    # quantile halves put 4 | 5 … 22 (q < 1); equal halves of [1, 22] cut at 11.5: q = 1
    strata, method, k, q = gd.best_strata(y, x, [2])
    assert (method, k, q) == ("equal", 2, 1.0)
    assert strata.tolist() == [0, 0, 0, 0, 0, 1, 1, 1]
    strata, method, k, q = gd.best_strata(np.ones(8), x, [2, 3])
    assert (method, k) == ("not computed", 0) and np.isnan(q) and strata.tolist() == [0] * 8


def test_q_and_the_ecological_test_do_not_depend_on_the_scale_of_y():
    # scores lie in [0, 1]: total sums of squares below 1 are the rule, not an edge
    y, strata = np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 0, 1, 1])
    assert gd.q_statistic(y / 100, strata) == pytest.approx(0.8)
    y6 = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])
    halves, alternate = np.array([0, 0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 0, 1])
    assert gd.ecological_test(y6 / 100, halves, alternate) == pytest.approx(gd.ecological_test(y6, halves, alternate))


def test_ecological_detector_between_one_and_two():
    # {1, 2, 3, 10, 11} | {12}: SSW 89.2; {1, 2} | {3, 10, 11, 12}: SSW 0.5 + 50; F = 89.2/50.5 in (1, 2)
    y = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])
    f, p = gd.ecological_test(y, np.array([0, 0, 0, 0, 0, 1]), np.array([0, 0, 1, 1, 1, 1]))
    assert f == pytest.approx(89.2 / 50.5)
    assert p == pytest.approx(2 * stats.f.sf(89.2 / 50.5, 5, 5))


def test_interaction_types_exactly_at_the_tolerance():
    # dyadic values: q1 = 0.5, q2 = 0.75, tolerance 0.25; every comparison is exact
    assert gd.interaction_type(0.5, 0.75, 0.25, tolerance=0.25) == "uni-variable weaken"  # = min − tolerance
    assert gd.interaction_type(0.5, 0.75, 1.0, tolerance=0.25) == "uni-variable weaken"  # = max + tolerance
    assert gd.interaction_type(0.5, 0.75, 1.5, tolerance=0.25) == "independent"  # = q1 + q2 + tolerance


def test_risk_detector_is_welchs_test_for_two_cities_each():
    # {1, 2} against {5, 7}: variances 0.5 and 2, t = −4.5/√(0.25 + 1); Welch's df = 1.25²/(0.25² + 1²)
    rows = gd.risk_rows(np.array([1.0, 2.0, 5.0, 7.0]), np.array([0, 0, 1, 1]), {})
    t, df = -4.5 / np.sqrt(1.25), 1.25**2 / (0.25**2 + 1.0)
    assert rows == [{"stratum_a": 0, "stratum_b": 1, "mean_a": 1.5, "mean_b": 6.0, "t": pytest.approx(t),
                     "p": pytest.approx(2 * stats.t.sf(-t, df))}]


def test_best_strata_tries_every_k_and_prefers_fewer_strata_only_on_a_tie():
    x = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    y = np.array([1.0, 1.0, 2.0, 2.0, 9.0])
    # k = 3 leaves a lone city for both methods; k = 2 by quantiles does not, even when tried second
    strata, method, k, q = gd.best_strata(y, x, [3, 2])
    assert (method, k) == ("quantile", 2) and strata.dtype.kind == "i"
    three = np.array([1.0, 2.0, 10.0, 11.0, 20.0, 21.0])  # three natural groups: k = 3 has the larger q
    strata, method, k, q = gd.best_strata(three, three, [2, 3])
    assert (method, k) == ("quantile", 3)
    assert q == pytest.approx(1 - 1.5 / ((three - three.mean()) ** 2).sum())
    assert gd.best_strata(np.ones(5), x, [2])[0].dtype.kind == "i"


def test_interactions_skip_factors_not_computed_and_overlay_unequal_strata():
    frame = hand_frame().assign(c=[1.0, 1.0, 1.0, 1.0, 1.0, 100.0])  # every cut of c leaves 100 alone
    rows = gd.detect(frame, "total", ["a", "c", "b"], [2], 2019)
    assert [(row["factor_1"], row["factor_2"]) for row in rows["interaction"]] == [("a", "b")]
    assert [(row["factor_1"], row["factor_2"]) for row in rows["ecological"]] == [("a", "b")]
    # a in three strata {1, 2} {10, 11} {20, 21}, b in two (alternating): the overlay has six singletons, q = 1
    frame = pd.DataFrame({"total": [1.0, 2.0, 10.0, 11.0, 20.0, 21.0], "a": [1.0, 2.0, 10.0, 11.0, 20.0, 21.0],
                          "b": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]})
    rows = gd.detect(frame, "total", ["a", "b"], [2, 3], 2019)
    assert [row["strata"] for row in rows["factor"]] == [3, 2]
    assert rows["interaction"][0]["q_interaction"] == pytest.approx(1.0)
