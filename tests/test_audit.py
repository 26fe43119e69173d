"""Statistical audit: Cronbach's alpha, principal components, the correlation ratio by hand;
skewness and kurtosis against the textbook (e1071 type 2) formulas; correlations against NumPy."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from urban_resilience.robustness import audit


def test_cronbach_alpha_by_hand():
    # items (1, 2, 3) and (2, 3, 5): variances 1 and 7/3; totals (3, 5, 8): variance 19/3
    assert audit.cronbach_alpha(np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]])) == pytest.approx(18 / 19)
    identical = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [4.0, 4.0, 4.0]])
    assert audit.cronbach_alpha(identical) == pytest.approx(1.0)
    assert np.isnan(audit.cronbach_alpha(np.array([[1.0], [2.0]])))


def test_first_component_share_by_hand():
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    noise = rng.normal(size=200)
    pair = np.column_stack([x, 0.6 * x + 0.8 * noise])
    r = np.corrcoef(pair, rowvar=False)[0, 1]
    assert audit.first_component_share(pair) == pytest.approx((1 + abs(r)) / 2)  # eigenvalues 1 ± r
    assert audit.first_component_share(np.column_stack([x, 2 * x + 1, -x])) == pytest.approx(1.0)
    assert audit.first_component_share(x[:, None]) == 1.0


def test_correlation_ratio_by_hand():
    # bins {1, 1} and {2, 2}: means 2 and 6 around 4 → between 2·4 + 2·4 = 16 of a total 9 + 1 + 1 + 9 = 20
    assert audit.correlation_ratio(np.array([1.0, 1.0, 2.0, 2.0]), np.array([1.0, 3.0, 5.0, 7.0]), 2) == 0.8
    x = np.arange(100.0)
    assert audit.correlation_ratio(x, 3 * x + 1, 100) == pytest.approx(1.0)
    # ties stay in one bin: 60 zeros and 40 distinct values in 10 bins → the zeros' bin and 4 more
    tied = np.r_[np.zeros(60), np.arange(1.0, 41.0)]
    y = np.r_[np.full(60, 5.0), np.arange(1.0, 41.0)]
    expected_bins = [np.zeros(60), *np.split(np.arange(1.0, 41.0), 4)]
    mean = y.mean()
    between = sum(len(b) * (np.mean(y[np.isin(tied, b)]) - mean) ** 2 for b in expected_bins)
    assert audit.correlation_ratio(tied, y, 10) == pytest.approx(between / ((y - mean) ** 2).sum())


def g1_g2(values: np.ndarray) -> tuple[float, float]:
    """Bias-corrected skewness and excess kurtosis written out (e1071 type 2, as COINr)."""
    n = len(values)
    d = values - values.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    g1 = m3 / m2**1.5
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    r = n * (d**4).sum() / (d**2).sum() ** 2
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    assert r == pytest.approx(m4 / m2**2)
    return skew, kurt


def test_skewness_kurtosis_and_the_jrc_flag():
    rng = np.random.default_rng(1)
    panel = pd.DataFrame({"normal": rng.normal(size=300), "skewed": np.exp(rng.normal(0, 1.2, 300)),
                          "negative": -np.exp(rng.normal(0, 1.2, 300))})
    frame = audit.distribution_flags(panel, 2.0, 3.5)
    for column in panel:
        skew, kurt = g1_g2(panel[column].to_numpy())
        row = frame.set_index("indicator").loc[column]
        assert row["skewness"] == pytest.approx(skew) and row["kurtosis"] == pytest.approx(kurt)
    assert frame["flagged"].tolist() == [False, True, True]  # |G1| counts, so a long left tail too
    assert not audit.distribution_flags(panel, 2.0, 1e6)["flagged"].any()  # both conditions needed


def test_correlations_and_consistency_tables():
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.random((50, 4)), columns=["a", "b", "c", "d"])
    dimensions = {"a": "economic", "b": "economic", "c": "social", "d": "institutional"}
    scores = pd.DataFrame({"economic": x["a"] + x["b"], "social": x["c"], "institutional": x["d"]})
    scores["total"] = scores.sum(axis=1)
    table = audit.indicator_correlations(x, scores, dimensions)
    assert table.columns.tolist() == ["indicator", "dimension", "pearson_dimension", "spearman_dimension",
                                      "pearson_total", "spearman_total"]
    assert table["dimension"].tolist() == ["economic", "economic", "social", "institutional"]
    table = table.set_index("indicator")
    assert table.loc["a", "pearson_dimension"] == pytest.approx(np.corrcoef(x["a"], x["a"] + x["b"])[0, 1])
    assert table.loc["c", "pearson_dimension"] == pytest.approx(1.0)
    assert table.loc["b", "spearman_total"] == pytest.approx(spearmanr(x["b"], scores["total"])[0])
    consistency = audit.dimension_consistency(x, dimensions).set_index("dimension")
    assert consistency.loc["economic", "indicators"] == 2 and consistency.loc["ecological", "indicators"] == 0
    assert consistency.loc["economic", "cronbach_alpha"] == pytest.approx(
        audit.cronbach_alpha(x[["a", "b"]].to_numpy()))
    assert consistency.loc["social", "pc1_share"] == 1.0


def test_importance_shares_sum_to_one_and_compare_with_the_weight():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((20000, 3)), columns=["a", "b", "c"])
    total = 0.7 * x["a"] + 0.3 * x["b"] + 0.0 * x["c"]
    frame = audit.importance(x, total, pd.Series({"c": 0.2, "a": 0.5, "b": 0.3}), 10).set_index("indicator")
    assert frame["weight"].tolist() == [0.5, 0.3, 0.2]  # realigned to the columns
    assert frame["importance_share"].sum() == pytest.approx(1.0)
    # η² of a linear part of uniform inputs: 0.49 : 0.09 of the variance (binning loses 1 %)
    assert frame.loc["a", "importance"] == pytest.approx(0.99 * 0.49 / 0.58, abs=0.01)
    assert frame.loc["b", "importance"] == pytest.approx(0.99 * 0.09 / 0.58, abs=0.01)
    assert frame.loc["c", "importance"] < 0.002
    assert frame.loc["a", "share_to_weight"] == pytest.approx(frame.loc["a", "importance_share"] / 0.5)
