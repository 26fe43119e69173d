"""The paper's published numbers and their comparison with a run."""

import numpy as np
import pandas as pd
import pytest
import yaml

from urban_resilience.analysis import trends
from urban_resilience.core import tables, vocabulary
from urban_resilience.exports import reproduction


@pytest.fixture(scope="module")
def published(resources):
    return pd.read_csv(resources / "paper" / "published.csv", dtype={"group": str, "year": "Int64"},
                       keep_default_na=False, na_values={"year": [""]})


def values(published, quantity, measure=None):
    rows = published[published["quantity"] == quantity]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    return rows


def test_published_values_are_consistent_with_each_other_and_the_indicator_table(published, resources):
    assert published["location"].str.len().gt(0).all() and published["description"].str.len().gt(0).all()
    weights = values(published, "indicator_weight").set_index("group")["value"]
    indicators = tables.read_indicators(resources / "indicators.csv")
    assert weights.to_dict() == dict(zip(indicators["code"], indicators["paper_weight"]))
    assert weights.sum() == pytest.approx(1.0, abs=2e-4)  # Table 1 rounds to 4 decimals
    dimension = values(published, "dimension_weight").set_index("group")["value"]
    sums = weights.groupby(indicators.set_index("code")["dimension"]).sum()
    for name, value in dimension.items():
        assert sums[name] == pytest.approx(value, abs=3e-4), name
    # growth rates printed beside the means they come from: (last / first)^(1/16) − 1
    means = values(published, "mean").set_index(["measure", "year"])["value"]
    growth = values(published, "growth_rate").query("group == 'study area'").set_index("measure")["value"]
    for measure, rate in growth.items():
        recomputed = trends.growth_rate(means[(measure, 2003)], means[(measure, 2019)], 17)
        assert recomputed == pytest.approx(rate, abs=6e-4), measure
    # the mean total is the sum of the dimension means (to the printed rounding)
    for year in (2003, 2019):
        parts = sum(means[(d, year)] for d in vocabulary.DIMENSIONS)
        assert parts == pytest.approx(means[("total", year)], abs=5e-4)
    # primacy and the capitals' totals: Wuhan / Hubei's second city, so the second city is below Wuhan
    assert values(published, "primacy").set_index("group")["value"].to_dict() == {
        "Hubei": 1.9447, "Hunan": 1.4118, "Jiangxi": 1.3797}


def test_published_tiers_are_table_2(resources):
    tiers = pd.read_csv(resources / "paper" / "published_tiers.csv", dtype={"admin_code": str})
    study = yaml.safe_load((resources.parent / "config.yaml").read_text(encoding="utf-8"))["study_area"]
    assert sorted(tiers["admin_code"]) == sorted(str(code) for code in study)
    assert tiers["tier"].value_counts().to_dict() == {"middle": 12, "lower-middle": 7, "upper-middle": 4, "high": 3,
                                                      "low": 2}
    assert set(tiers.loc[tiers["tier"] == "high", "name_en"]) == {"Wuhan", "Nanchang", "Changsha"}
    assert set(tiers["reference"]) == {0.1214} and set(tiers["year"]) == {2019}


def hand_scores():
    """Four cities of two provinces, two years; capital A (Hubei) and C (Hunan)."""
    rows = [("A", "Hubei", True, 2003, 0.2), ("A", "Hubei", True, 2004, 0.4),
            ("B", "Hubei", False, 2003, 0.1), ("B", "Hubei", False, 2004, 0.1),
            ("C", "Hunan", True, 2003, 0.3), ("C", "Hunan", True, 2004, 0.3),
            ("D", "Hunan", False, 2003, 0.1), ("D", "Hunan", False, 2004, 0.2)]
    frame = pd.DataFrame(rows, columns=["admin_code", "province_en", "capital", "year", "total"])
    frame["name_en"] = frame["admin_code"]
    for dimension in vocabulary.DIMENSIONS:
        frame[dimension] = frame["total"] / 5
    return frame


def test_comparison_by_hand():
    published = pd.DataFrame([
        ("mean", "study area", "total", 2004, 0.25),
        ("sd", "study area", "total", 2003, 0.1),
        ("growth_rate", "Hubei", "total", None, 0.5),
        ("growth_rate", "non-capitals Hunan", "total", None, 1.0),
        ("period_mean", "Hunan", "total", None, 0.2),
        ("period_mean_sd", "Hubei", "total", None, 0.1),
        ("total", "A", "total", 2004, 0.4),
        ("primacy", "Hubei", "total", 2004, 4.0),
        ("indicator_weight", "x2", "weight", None, 0.3),
        ("dimension_weight", "social", "weight", None, 0.5),
    ], columns=["quantity", "group", "measure", "year", "value"]).assign(location="here", description="d")
    published["year"] = published["year"].astype("Int64")
    weights = pd.DataFrame({"code": ["x1", "x2"], "dimension": ["social", "social"], "weight": [0.4, 0.6],
                            "dimension_weight": [1.0, 1.0]})
    table = reproduction.compare(published, hand_scores(), weights)
    run = table["this_run"].tolist()
    # mean 2004 = (0.4+0.1+0.3+0.2)/4; sd 2003 of (0.2, 0.1, 0.3, 0.1) with ddof 1;
    # Hubei mean 0.15 -> 0.25 over 2 years: 2/3; Hunan's non-capital D 0.1 -> 0.2: 100 %;
    # Hunan period mean (0.2 + 0.25)/2; Hubei yearly sd (0.0707, 0.2121) averaged; primacy 0.4/0.1
    expected = [0.25, np.std([0.2, 0.1, 0.3, 0.1], ddof=1), 0.25 / 0.15 - 1, 1.0, 0.225,
                (np.std([0.2, 0.1], ddof=1) + np.std([0.4, 0.1], ddof=1)) / 2, 0.4, 4.0, 0.6, 1.0]
    assert run == pytest.approx(expected)
    assert table["difference"].tolist() == pytest.approx(list(np.array(expected) - table["published"]))
    assert table.loc[0, "relative_difference"] == pytest.approx(0.0)
    assert table.loc[2, "relative_difference"] == pytest.approx((2 / 3 - 0.5) / 0.5)


def test_tier_confusion_and_rank_correlation():
    paper = pd.DataFrame({"admin_code": ["A", "B", "C"], "name_en": ["Alpha", "Beta", "Gamma"], "year": 2019,
                          "tier": ["high", "low", "low"]})
    run = pd.DataFrame({"admin_code": ["A", "B", "C", "A"], "year": [2019, 2019, 2019, 2018],
                        "tier": ["high", "middle", "low", "low"]})
    confusion = reproduction.tier_confusion(paper, run).set_index(["paper_tier", "this_run_tier"])
    assert len(confusion) == 25 and confusion["cities"].sum() == 3
    assert confusion.loc[("high", "high"), "names"] == "Alpha"
    assert confusion.loc[("low", "middle"), "names"] == "Beta" and confusion.loc[("low", "low"), "names"] == "Gamma"
    comparison = pd.DataFrame({"quantity": "indicator_weight", "published": [0.1, 0.2, 0.3, 0.4],
                               "this_run": [0.15, 0.1, 0.5, 0.6]})
    assert reproduction.weight_rank_correlation(comparison) == pytest.approx(0.8)


def test_weight_rank_correlation_is_spearmans_with_ties():
    from scipy.stats import spearmanr

    published = [0.01, 0.02, 0.02, 0.05, 0.03, 0.03, 0.03, 0.10]
    this_run = [0.02, 0.01, 0.04, 0.04, 0.03, 0.06, 0.00, 0.20]
    comparison = pd.DataFrame({"quantity": ["indicator_weight"] * 8 + ["dimension_weight"],
                               "published": published + [0.5], "this_run": this_run + [0.1]})
    assert reproduction.weight_rank_correlation(comparison) == pytest.approx(spearmanr(published, this_run).statistic,
                                                                             abs=1e-12)
