"""Markov chains of the dynamics stage: hand cases, the documented giddy results on PySAL's US
income data, identities, and the edges (empty rows, sparse classes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from esda.moran import Moran_Local
from libpysal import examples
from libpysal import io as pysal_io
from libpysal.weights import lat2W

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


def test_a_missing_city_year_stops_with_its_name():
    codes = ["000001", "000002"]
    scores = panel(np.ones((2, 3)), codes).iloc[:-1]
    with pytest.raises(ValueError, match="total of city 000002 in 2002 is missing"):
        markov.wide(scores, "total", codes)
