"""The demo run's aggregates come close to the paper's (the calibrated generator's targets).

Each target is asserted on the workflow's own outputs of a full demo run, with the measured value
printed (``pytest -s``). The targets: mean total 2003 and 2019 within ±15 %; each dimension's mean
within ±25 %; the rank correlation of the 31 weights with Table 1 ≥ 0.8 and each dimension weight
within ±0.05; the capitals on top in 2019 (Wuhan first); each province's 2019 primacy within ±15 %;
the standard deviation of the totals in 2003 and 2019 within ±25 %; at least 20 of the 28 cities in
the paper's 2019 tier.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from scipy.stats import spearmanr

from urban_resilience.core import vocabulary


@pytest.fixture(scope="module")
def outputs(demo_run):
    results = demo_run / "results"
    comparison = pd.read_csv(results / "reproduction" / "comparison.csv", dtype={"group": str})
    study = yaml.safe_load((demo_run / "config.yaml").read_text(encoding="utf-8"))["study_area"]
    scores = pd.read_csv(results / "index" / "scores.csv", dtype={"admin_code": str})
    scores = scores[scores["admin_code"].isin([str(code) for code in study])]
    confusion = pd.read_csv(results / "reproduction" / "tier_confusion.csv")
    return comparison, scores, confusion


def _row(comparison: pd.DataFrame, quantity: str, group: str, measure: str, year: int | None = None) -> pd.Series:
    rows = comparison[(comparison["quantity"] == quantity) & (comparison["group"] == group)
                      & (comparison["measure"] == measure)]
    if year is not None:
        rows = rows[rows["year"] == year]
    assert len(rows) == 1, (quantity, group, measure, year)
    return rows.iloc[0]


def _within(row: pd.Series, tolerance: float) -> None:
    relative = row["this_run"] / row["published"] - 1
    print(f"{row['quantity']} {row['group']} {row['measure']} {row['year']}: paper {row['published']:.4f}, "
          f"demo {row['this_run']:.4f} ({relative:+.1%}, allowed ±{tolerance:.0%})")
    assert abs(relative) <= tolerance


@pytest.mark.parametrize("year", [2003, 2019])
def test_mean_total_within_15_percent(outputs, year):
    _within(_row(outputs[0], "mean", "study area", "total", year), 0.15)


@pytest.mark.parametrize("dimension", vocabulary.DIMENSIONS)
@pytest.mark.parametrize("year", [2003, 2019])
def test_dimension_means_within_25_percent(outputs, dimension, year):
    _within(_row(outputs[0], "mean", "study area", dimension, year), 0.25)


@pytest.mark.parametrize("year", [2003, 2019])
def test_standard_deviation_within_25_percent(outputs, year):
    _within(_row(outputs[0], "sd", "study area", "total", year), 0.25)


@pytest.mark.parametrize("province", ["Hubei", "Hunan", "Jiangxi"])
def test_primacy_within_15_percent(outputs, province):
    _within(_row(outputs[0], "primacy", province, "total", 2019), 0.15)


def test_weights_rank_correlation_and_dimension_weights(outputs):
    comparison = outputs[0]
    weights = comparison[comparison["quantity"] == "indicator_weight"]
    assert len(weights) == 31
    rho = spearmanr(weights["published"], weights["this_run"]).statistic
    print(f"Spearman correlation of the 31 weights with Table 1: {rho:.3f} (target ≥ 0.8)")
    assert rho >= 0.8
    for dimension in vocabulary.DIMENSIONS:
        row = _row(comparison, "dimension_weight", dimension, "weight")
        print(f"weight of {dimension}: paper {row['published']:.4f}, demo {row['this_run']:.4f}")
        assert abs(row["this_run"] - row["published"]) <= 0.05


def test_capitals_on_top_in_2019_wuhan_first(outputs):
    scores = outputs[1]
    last = scores[scores["year"] == 2019].set_index("admin_code")["total"].sort_values(ascending=False)
    print("top three in 2019:", dict(last.head(3).round(4)))
    assert list(last.index[:3])[0] == "420100"
    assert set(last.index[:3]) == {"420100", "430100", "360100"}
    assert len(last) == 28


def test_at_least_20_cities_in_the_paper_tier(outputs):
    confusion = outputs[2]
    matched = int(confusion.loc[confusion["paper_tier"] == confusion["this_run_tier"], "cities"].sum())
    print(f"cities in the paper's 2019 tier: {matched} of {int(confusion['cities'].sum())}")
    assert confusion["cities"].sum() == 28 and matched >= 20
