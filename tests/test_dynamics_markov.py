"""Markov chains of the dynamics stage: hand cases, the documented giddy results on PySAL's US
income data, identities, and the edges (empty rows, sparse classes)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from esda.moran import Moran_Local
from libpysal import examples
from libpysal import io as pysal_io
from libpysal.weights import lat2W
from scipy import stats

from urban_resilience.dynamics import markov


def us_income():
    """Relative per-capita incomes of the 48 US states 1929–2009 and their queen weights (the
    data of giddy's documented examples, shipped with libpysal)."""
    table = pysal_io.open(examples.get_path("usjoin.csv"))
    pci = np.array([table.by_col[str(year)] for year in range(1929, 2010)]).T
    w = pysal_io.open(examples.get_path("states48.gal")).read()
    w.transform = "r"
    return pci / pci.mean(axis=0), w


def test_counts_and_probabilities_of_a_hand_case():
    # giddy's Markov docstring example with a, b, c = 0, 1, 2: each city's moves counted by hand
    classes = np.array([[1, 0, 2], [2, 2, 0], [2, 1, 2], [0, 0, 1], [0, 1, 2]])
    counts = markov.transition_counts(classes, 3)
    assert counts.tolist() == [[1, 2, 1], [1, 0, 2], [1, 1, 1]]
    p = markov.probabilities(counts)
    np.testing.assert_allclose(p, [[0.25, 0.5, 0.25], [1 / 3, 0, 2 / 3], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    pi = markov.steady_state(p)
    np.testing.assert_allclose(pi @ p, pi, atol=1e-12)  # π = πP
    np.testing.assert_allclose(pi, [16 / 52, 15 / 52, 21 / 52])  # solved by hand; giddy: 0.3077, 0.2885, 0.4038


def test_passage_times_of_the_land_of_oz():
    # Kemeny & Snell (1976), the Land of Oz (rain, nice, snow): first passage times 8/3, 10/3, 4 and
    # mean recurrence times 2.5, 5, 2.5
    p = np.array([[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.25, 0.25, 0.5]])
    passage = markov.first_mean_passage_times(p)
    np.testing.assert_allclose(passage, [[2.5, 4, 10 / 3], [8 / 3, 5, 8 / 3], [10 / 3, 4, 2.5]])
    np.testing.assert_allclose(markov.sojourn_times(p), [2.0, 1.0, 2.0])


def test_spatial_markov_reproduces_giddys_documented_us_income_results():
    # giddy.markov.Spatial_Markov docstring, case (2): global quintiles of relative income and
    # quartiles of its spatial lag give cutoffs, LR = 172.105, Q = 321.128 with 45 degrees of freedom
    rpci, w = us_income()
    lag = markov.spatial_lag(rpci, w)
    cutoffs, lag_cutoffs = markov.quantile_cutoffs(rpci, 5), markov.quantile_cutoffs(lag, 4)
    np.testing.assert_allclose(cutoffs, [0.83999133, 0.94707545, 1.03242697, 1.14911154], atol=1e-8)
    np.testing.assert_allclose(lag_cutoffs, [0.91440247, 0.98583079, 1.08698351], atol=1e-8)
    own = markov.classes_of(rpci, "quantiles", cutoffs)
    conditional = markov.conditional_counts(own, markov.classes_of(lag, "quantiles", lag_cutoffs), 5, 4)
    test = markov.homogeneity(conditional)
    assert f"{test['LR']:.3f}" == "172.105"
    assert f"{test['Q']:.3f}" == "321.128"
    assert test["dof"] == 45
    assert test["transitions"] == 48 * 80
    assert test["LR_p_value"] == pytest.approx(stats.chi2.sf(test["LR"], 45), rel=1e-9)
    assert test["Q_p_value"] == pytest.approx(stats.chi2.sf(test["Q"], 45), rel=1e-9)
    assert 0 < test["Q_p_value"] < test["LR_p_value"] < 1e-6
    first = markov.probabilities(conditional[0])  # giddy's first conditioned matrix, first row
    np.testing.assert_allclose(first[0], [0.95708955, 0.03544776, 0.00746269, 0, 0], atol=1e-8)


def test_against_giddy_when_installed():
    giddy = pytest.importorskip("giddy.markov")
    rpci, w = us_income()
    reference = giddy.Spatial_Markov(rpci, w, fixed=True, k=5, m=5)
    own = markov.classes_of(rpci, "quantiles", markov.quantile_cutoffs(rpci, 5))
    lag = markov.spatial_lag(rpci, w)
    conditional = markov.conditional_counts(own, markov.classes_of(lag, "quantiles", markov.quantile_cutoffs(lag, 5)),
                                            5, 5)
    np.testing.assert_array_equal(conditional, reference.T)
    p = markov.probabilities(markov.transition_counts(own, 5))
    np.testing.assert_allclose(markov.steady_state(p), reference.s, atol=1e-10)
    np.testing.assert_allclose(markov.first_mean_passage_times(p), reference.f, rtol=1e-9)
    for counts, passage in zip(conditional, reference.F):
        np.testing.assert_allclose(markov.first_mean_passage_times(markov.probabilities(counts)), passage, rtol=1e-9)
    assert markov.homogeneity(conditional)["LR"] == pytest.approx(reference.LR, rel=1e-12)
    assert markov.homogeneity(conditional)["Q"] == pytest.approx(reference.Q, rel=1e-12)


def test_quantile_classes_put_the_cutoff_in_the_lower_class():
    cutoffs = markov.quantile_cutoffs(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 2)
    assert cutoffs.tolist() == [3.0]
    assert markov.classes_of(np.array([2.9, 3.0, 3.1]), "quantiles", cutoffs).tolist() == [0, 0, 1]


def test_tier_classes_of_relative_scores():
    # relative 0.7 is exactly −30 %: low; 0.9 exactly −10 % lower-middle? no: −10 % is middle
    values = np.array([0.69, 0.7, 0.85, 0.9, 1.0, 1.1, 1.29, 1.3])
    assert markov.classes_of(values, "tiers").tolist() == [0, 0, 1, 2, 2, 3, 3, 4]
    with pytest.raises(ValueError, match="expected 'tiers' or 'quantiles'"):
        markov.classes_of(values, "jenks")


def test_lisa_quadrants_match_esda():
    w = lat2W(4, 4)
    w.transform = "r"
    values = np.random.default_rng(3).normal(size=(16, 3))
    quadrants = markov.lisa_quadrants(values, w)
    for year in range(3):
        assert (quadrants[:, year] + 1).tolist() == Moran_Local(values[:, year], w, permutations=0).q.tolist()


def test_a_class_entered_but_never_left_has_no_estimate_and_breaks_nothing():
    # class 2 is reached only in the last year: its row is empty, the chain has no steady state
    classes = np.array([[0, 1, 2], [1, 0, 0], [0, 0, 1]])
    counts = markov.transition_counts(classes, 3)
    p = markov.probabilities(counts)
    assert np.isnan(p[2]).all()
    np.testing.assert_allclose(p[:2].sum(axis=1), 1.0)
    visited, why = markov.ergodic_part(p, counts)
    assert visited is None and "[2] entered but never left" in why
    lag = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]])
    conditional = markov.conditional_counts(classes, lag, 3, 2)
    test = markov.homogeneity(conditional)  # rows without transitions count no degrees of freedom
    # row 0: 2 regimes, 2 non-zero cells (→ 0, → 1): 1; row 1: 2 regimes, 2 cells (→ 0, → 2): 1;
    # row 2 has no transitions and counts nothing (giddy's formula would add (0 − 1)(0 − 1) = 1 for it)
    assert test["dof"] == 2
    assert np.isfinite(test["LR"]) and np.isfinite(test["Q"])


def test_unvisited_classes_are_left_out_of_the_steady_state():
    # tier "high" never occurs: the steady state over the four visited tiers still exists
    counts = np.zeros((5, 5))
    counts[:4, :4] = [[3, 1, 0, 0], [1, 3, 1, 0], [0, 1, 3, 1], [0, 0, 1, 3]]
    rows, summary, passage, warnings = markov.chain_rows(counts, list(markov.TIERS), {"measure": "total"}, 5)
    frame = pd.DataFrame(summary)
    assert frame["steady_state"].iloc[:4].sum() == pytest.approx(1.0)
    assert np.isnan(frame["steady_state"].iloc[4])
    assert frame["sparse"].tolist() == [True, False, False, True, False]  # 4, 5, 5, 4 and 0 transitions out
    assert any("fewer than 5 transitions" in warning for warning in warnings)


def panel(values: np.ndarray, codes: list[str]) -> pd.DataFrame:
    """A scores table (city, year, every measure = ``values``) for cities × years."""
    rows = [{"admin_code": code, "year": 2000 + t, **{m: values[i, t] for m in markov.MEASURES}}
            for i, code in enumerate(codes) for t in range(values.shape[1])]
    return pd.DataFrame(rows)


def test_markov_tables_rows_sum_to_one_and_name_the_chains():
    w = lat2W(4, 4)
    w.transform = "r"
    codes = [f"{i:06d}" for i in range(16)]
    values = np.exp(np.random.default_rng(11).normal(scale=0.3, size=(16, 8)))
    tables = markov.markov_tables(panel(values, codes), w, codes, ["total"], "quantiles", 4, 10)
    transitions = tables["transitions"]
    sums = transitions.groupby(["chain", "condition", "from"])["probability"].sum(min_count=1).dropna()
    np.testing.assert_allclose(sums, 1.0)
    assert set(transitions["chain"]) == {"classic", "spatial", "lisa"}
    classic = transitions[transitions["chain"] == "classic"]
    assert classic["count"].sum() == 16 * 7
    spatial = transitions[transitions["chain"] == "spatial"]
    assert spatial["count"].sum() == 16 * 7  # each transition in exactly one neighbour class
    assert tables["homogeneity"]["transitions"].tolist() == [16 * 7]
    # the tables are the documented composition: pooled quartiles of x / x̄_t and of its spatial lag
    rel = values / values.mean(axis=0)
    lag = markov.spatial_lag(rel, w)
    own = markov.classes_of(rel, "quantiles", markov.quantile_cutoffs(rel, 4))
    conditional = markov.conditional_counts(own, markov.classes_of(lag, "quantiles", markov.quantile_cutoffs(lag, 4)),
                                            4, 4)
    assert spatial["count"].tolist() == conditional.ravel().tolist()
    assert classic["count"].tolist() == markov.transition_counts(own, 4).ravel().tolist()
    assert set(classic["from"]) == {"Q1", "Q2", "Q3", "Q4"}
    expected = markov.homogeneity(conditional)
    assert tables["homogeneity"].iloc[0][list(expected)].to_dict() == pytest.approx(expected)


def test_a_missing_city_year_stops_with_its_name():
    codes = ["000001", "000002"]
    scores = panel(np.ones((2, 3)), codes).iloc[:-1]
    with pytest.raises(ValueError, match="total of city 000002 in 2002 is missing"):
        markov.wide(scores, "total", codes)


def test_relative_scores_divide_each_year_by_its_mean():
    values = np.array([[1.0, 4.0], [3.0, 12.0]])  # year means 2 and 8
    np.testing.assert_array_equal(markov.relative(values), [[0.5, 0.5], [1.5, 1.5]])


def test_a_missing_city_stops_with_its_code():
    scores = panel(np.ones((2, 3)), ["000001", "000002"])
    with pytest.raises(ValueError, match=r"^dynamics: no scores for city 000003, 000004$"):
        markov.wide(scores, "total", ["000001", "000003", "000002", "000004"])


def test_class_labels():
    assert markov.class_labels("tiers", 3) == ["low", "lower-middle", "middle", "upper-middle", "high"]
    assert markov.class_labels("quantiles", 3) == ["Q1", "Q2", "Q3"]


def test_chain_rows_of_the_land_of_oz():
    # counts whose rows give the Land of Oz matrix: steady state (0.4, 0.2, 0.4), sojourn 2, 1, 2,
    # first passage times as in test_passage_times_of_the_land_of_oz
    counts = np.array([[2.0, 1.0, 1.0], [2.0, 0.0, 2.0], [1.0, 1.0, 2.0]])
    transitions, summary, passages, warnings = markov.chain_rows(counts, ["R", "N", "S"], {"measure": "oz"}, 4)
    assert transitions[1] == {"measure": "oz", "from": "R", "to": "N", "count": 1, "probability": 0.25}
    assert [row["probability"] for row in transitions] == [0.5, 0.25, 0.25, 0.5, 0.0, 0.5, 0.25, 0.25, 0.5]
    assert summary[0] == {"measure": "oz", "class": "R", "transitions_from": 4, "sparse": False,
                          "steady_state": pytest.approx(0.4), "sojourn_years": 2.0, "ergodic": True, "note": ""}
    np.testing.assert_allclose([row["steady_state"] for row in summary], [0.4, 0.2, 0.4])
    assert [row["sojourn_years"] for row in summary] == [2.0, 1.0, 2.0]
    assert passages[1] == {"measure": "oz", "from": "R", "to": "N", "mean_passage_years": pytest.approx(4.0)}
    np.testing.assert_allclose([row["mean_passage_years"] for row in passages],
                               [2.5, 4, 10 / 3, 8 / 3, 5, 8 / 3, 10 / 3, 4, 2.5])
    assert warnings == []


def test_ergodic_part_of_two_classes_and_of_a_chain_that_cannot_return():
    both = np.array([[1.0, 1.0], [1.0, 1.0]])
    visited, why = markov.ergodic_part(markov.probabilities(both), both)
    assert visited.tolist() == [0, 1] and why == ""
    one_way = np.array([[1.0, 1.0], [0.0, 1.0]])  # class 1 never returns to class 0
    assert markov.ergodic_part(markov.probabilities(one_way), one_way) == (None, "reducible chain (2 communicating "
                                                                                 "classes)")
    assert markov.ergodic_part(np.array([[1.0, 0.0], [np.nan, np.nan]]), np.array([[3.0, 0.0], [0.0, 0.0]])) == (
        None, "fewer than two classes visited")


def test_homogeneity_of_a_hand_case_with_one_degree_of_freedom():
    # two regimes, three classes; pooled rows (3, 1, 0), (1, 1, 0), (0, 0, 1): p = (.75, .25, 0), (.5, .5, 0), (0, 0, 1)
    conditional = np.array([[[2.0, 0, 0], [1, 1, 0], [0, 0, 0]],
                            [[1.0, 1, 0], [0, 0, 0], [0, 0, 1]]])
    test = markov.homogeneity(conditional)
    # LR = 2 [2 ln(1/.75) + ln(.5/.75) + ln(.5/.25)] = 2 ln(64/27); Q = 2 (1/12 + 1/4) + 2 (1/12 + 1/4) = 4/3;
    # dof: row 0 has 2 regimes and 2 cells (1), rows 1 and 2 one regime each (0); χ²(1) sf(x) = erfc(√(x/2))
    lr, q = 2 * np.log(64 / 27), 4 / 3
    assert test == {"LR": pytest.approx(lr, rel=1e-12), "LR_p_value": pytest.approx(math.erfc(np.sqrt(lr / 2))),
                    "Q": pytest.approx(q, rel=1e-12), "Q_p_value": pytest.approx(math.erfc(np.sqrt(q / 2))),
                    "dof": 1, "transitions": 7}


def test_markov_tables_of_a_hand_case():
    """Four cities on a line (1 – 2 – 3 – 4), three years. Relative scores (each year's values are
    these times 2, 5 and 1, so only the division by the year's mean gives them back):
    2000: 0.5, 0.85, 1.25, 1.4 → tiers low, lower-middle, upper-middle, high; neighbours' mean
          0.85, 0.875, 1.125, 1.25 → lower-middle, lower-middle, upper-middle, upper-middle
    2001: 0.85, 0.5, 1.4, 1.25 → lower-middle, low, high, upper-middle; neighbours 0.5, 1.125, 0.875, 1.4
          → low, upper-middle, lower-middle, high
    2002: 0.5, 1.0, 1.0, 1.5 → low, middle, middle, high."""
    w = lat2W(1, 4)
    w.transform = "r"
    codes = ["000001", "000002", "000003", "000004"]
    rel = np.array([[0.5, 0.85, 0.5], [0.85, 0.5, 1.0], [1.25, 1.4, 1.0], [1.4, 1.25, 1.5]])
    tables = markov.markov_tables(panel(rel * [2.0, 5.0, 1.0], codes), w, codes, ["total"], "tiers", 3, 2)
    transitions = tables["transitions"]
    assert list(transitions.columns) == ["measure", "chain", "condition", "from", "to", "count", "probability"]
    assert len(transitions) == 25 + 5 * 25 + 16
    assert (transitions["measure"] == "total").all()
    classic = transitions[transitions["chain"] == "classic"]
    assert set(classic["condition"]) == {"all cities"}
    # moves: 0 → 1 → 0, 1 → 0 → 2, 3 → 4 → 2, 4 → 3 → 4
    counts = classic.pivot(index="from", columns="to", values="count").loc[list(markov.TIERS), list(markov.TIERS)]
    assert counts.to_numpy().tolist() == [[0, 1, 1, 0, 0], [2, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 2],
                                          [0, 0, 1, 1, 0]]
    probability = classic.set_index(["from", "to"])["probability"]
    assert probability[("low", "lower-middle")] == 0.5 and probability[("high", "middle")] == 0.5
    assert probability[("lower-middle", "low")] == 1.0 and np.isnan(probability[("middle", "middle")])
    spatial = transitions[transitions["chain"] == "spatial"]
    moves = spatial[spatial["count"] > 0][["condition", "from", "to", "count"]].values.tolist()
    assert moves == [["neighbours low", "lower-middle", "low", 1],
                     ["neighbours lower-middle", "low", "lower-middle", 1],
                     ["neighbours lower-middle", "lower-middle", "low", 1],
                     ["neighbours lower-middle", "high", "middle", 1],
                     ["neighbours upper-middle", "low", "middle", 1],
                     ["neighbours upper-middle", "upper-middle", "high", 1],
                     ["neighbours upper-middle", "high", "upper-middle", 1],
                     ["neighbours high", "upper-middle", "high", 1]]
    # LISA quadrants of z = x − x̄ (2002: z = −0.5, 0, 0, 0.5 exactly; z = 0 is low, a lag of 0 is low):
    # city 1 LL LL LL, city 2 LL LH LL, city 3 HH HL LH, city 4 HH HH HL
    lisa = transitions[transitions["chain"] == "lisa"]
    quadrants = list(markov.LISA_QUADRANTS)
    counts = lisa.pivot(index="from", columns="to", values="count").loc[quadrants, quadrants]
    assert counts.to_numpy().tolist() == [[1, 0, 0, 2], [0, 0, 1, 0], [0, 1, 2, 0], [0, 1, 0, 0]]
    assert lisa.set_index(["from", "to"])["probability"][("low-high", "low-low")] == 1.0  # one transition: p = 1
    classes = tables["classes"]
    assert list(classes.columns) == ["measure", "chain", "condition", "class", "transitions_from", "sparse",
                                     "steady_state", "sojourn_years", "ergodic", "note"]
    first = classes[classes["chain"] == "classic"]
    assert first["class"].tolist() == list(markov.TIERS)
    assert first["transitions_from"].tolist() == [2, 2, 0, 2, 2]
    assert not first["sparse"].any() and not first["ergodic"].any()  # 2 transitions are not fewer than 2
    assert set(first["note"]) == {"class(es) [2] entered but never left (no transitions out)"}
    np.testing.assert_array_equal(first["sojourn_years"], [1.0, 1.0, np.nan, 1.0, 1.0])
    assert first["steady_state"].isna().all()
    quadrant_rows = classes[classes["chain"] == "lisa"]
    assert quadrant_rows["sparse"].tolist() == [False, True, False, True]  # 3, 1, 3 and 1 transitions out
    assert set(quadrant_rows["note"]) == {"reducible chain (3 communicating classes)"}
    passage = tables["passage"]
    assert list(passage.columns) == ["measure", "chain", "condition", "from", "to", "mean_passage_years"]
    assert len(passage) == len(transitions) and passage["mean_passage_years"].isna().all()
    # homogeneity: every conditioned row has one transition (p = 1 in its cell); four of them sit where the
    # pooled row is (0.5, 0.5): LR = 2 · 4 ln(1/0.5); each adds 1 · (0.5²/0.5 + 0.5²/0.5) = 1 to Q;
    # dof: rows low, lower-middle, upper-middle, high with 2 regimes each and 2, 1, 1, 2 pooled cells:
    # 1 + 0 + 0 + 1 = 2; χ²(2) sf(x) = exp(−x/2)
    homogeneity = tables["homogeneity"].iloc[0].to_dict()
    assert homogeneity == {"measure": "total", "classes": "tiers", "k": 5, "first_year": 2000, "last_year": 2002,
                           "LR": pytest.approx(8 * np.log(2)), "LR_p_value": pytest.approx(1 / 16),
                           "Q": pytest.approx(4.0), "Q_p_value": pytest.approx(np.exp(-2.0)), "dof": 2,
                           "transitions": 8, "empty_rows": 25 - 8, "rows": 25}
    entered = "no steady state or passage times: class(es) [{}] entered but never left (no transitions out)"
    sparse = "class(es) {} have fewer than 2 transitions out; their probabilities rest on a handful of city-years"
    assert tables["warnings"] == [
        "total, classic, all cities: " + entered.format(2),
        "total, spatial, neighbours low: " + sparse.format("lower-middle"),
        "total, spatial, neighbours low: " + entered.format(0),
        "total, spatial, neighbours lower-middle: " + sparse.format("low, lower-middle, high"),
        "total, spatial, neighbours lower-middle: " + entered.format(2),
        "total, spatial, neighbours middle: no steady state or passage times: fewer than two classes visited",
        "total, spatial, neighbours upper-middle: " + sparse.format("low, upper-middle, high"),
        "total, spatial, neighbours upper-middle: " + entered.format(2),
        "total, spatial, neighbours high: " + sparse.format("upper-middle"),
        "total, spatial, neighbours high: " + entered.format(4),
        "total, lisa, all cities: " + sparse.format("low-high, high-low"),
        "total, lisa, all cities: no steady state or passage times: reducible chain (3 communicating classes)"]
