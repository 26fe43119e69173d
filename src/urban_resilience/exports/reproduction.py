"""This run side by side with the paper's published numbers.

The published values (``resources/paper/published.csv``: quantity, group, measure, year, value and
where the paper prints it) are recomputed from this run's scores and weights by the same
definitions the workflow uses:

- ``indicator_weight`` / ``dimension_weight``: w_j and Σ_{j∈λ} w_j of ``weights.csv``;
- ``mean``: the study area's mean of a measure in a year; ``sd``: its sample standard deviation
  across cities (ddof 1);
- ``growth_rate``: (last / first)^(1/(years − 1)) − 1 of the mean of a group from the first to
  the last year; groups are the study area, a province, a city (admin code) or a province's
  non-capital cities (``non-capitals Hubei``);
- ``period_mean``: the mean over all years of a group's yearly mean; ``period_mean_sd``: the
  mean over all years of a province's yearly standard deviation across its cities;
- ``total``: a city's total in a year; ``primacy``: the capital's total over the province's
  highest other total.

Each row gets difference = this run − published and relative difference = difference / published.
Tiers are compared as a confusion table of the paper's 2019 tier against this run's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urban_resilience.analysis.trends import growth_rate, primacy
from urban_resilience.core.vocabulary import DDOF, TIERS

COMPARISON_COLUMNS = ["quantity", "group", "measure", "year", "published", "this_run", "difference",
                      "relative_difference", "location", "description"]


def _group(scores: pd.DataFrame, group: str) -> pd.DataFrame:
    """The city-years of a group: ``study area``, a province, an admin code or ``non-capitals X``."""
    if group == "study area":
        return scores
    if group.startswith("non-capitals "):
        province = group.removeprefix("non-capitals ")
        return scores[(scores["province_en"] == province) & ~scores["capital"]]
    if group in set(scores["province_en"]):
        return scores[scores["province_en"] == group]
    return scores[scores["admin_code"] == group]


def run_value(row: pd.Series, scores: pd.DataFrame, weights: pd.DataFrame) -> float:
    """This run's value of one published quantity (see the module docstring); NaN if the run has
    no such group or year."""
    quantity, group, measure = row["quantity"], str(row["group"]), row["measure"]
    year = int(row["year"]) if pd.notna(row["year"]) and str(row["year"]) != "" else None
    if quantity == "indicator_weight":
        match = weights.loc[weights["code"] == group, "weight"]
        return float(match.iloc[0]) if len(match) else np.nan
    if quantity == "dimension_weight":
        match = weights.loc[weights["dimension"] == group, "dimension_weight"]
        return float(match.iloc[0]) if len(match) else np.nan
    block = _group(scores, group)
    if block.empty:
        return np.nan
    yearly = block.groupby("year")[measure]
    if quantity in ("mean", "total"):
        return float(yearly.mean().get(year, np.nan))
    if quantity == "sd":
        return float(yearly.std(ddof=DDOF).get(year, np.nan))
    if quantity == "growth_rate":
        means = yearly.mean()
        first, last = means.index.min(), means.index.max()
        return growth_rate(means[first], means[last], last - first + 1) if means[first] > 0 else np.nan
    if quantity == "period_mean":
        return float(yearly.mean().mean())
    if quantity == "period_mean_sd":
        return float(yearly.std(ddof=DDOF).mean())
    if quantity == "primacy":
        table = primacy(scores)
        match = table[(table["province_en"] == group) & (table["year"] == year)]["primacy"]
        return float(match.iloc[0]) if len(match) else np.nan
    raise ValueError(f"published values: unknown quantity {quantity!r}")


def compare(published: pd.DataFrame, scores: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """One row per published value: published, this run, difference, relative difference."""
    frame = published.rename(columns={"value": "published"}).copy()
    frame["this_run"] = [run_value(row, scores, weights) for _, row in frame.iterrows()]
    frame["difference"] = frame["this_run"] - frame["published"]
    frame["relative_difference"] = frame["difference"] / frame["published"]
    return frame[COMPARISON_COLUMNS]


def tier_confusion(published_tiers: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    """Paper tier × this run's tier in the paper's year: counts and the cities' names per cell."""
    year = int(published_tiers["year"].iloc[0])
    run = tiers[tiers["year"] == year].set_index("admin_code")["tier"]
    rows = []
    for paper_tier in TIERS:
        cities = published_tiers[published_tiers["tier"] == paper_tier]
        for run_tier in TIERS:
            names = sorted(cities.loc[cities["admin_code"].map(run) == run_tier, "name_en"])
            rows.append({"paper_tier": paper_tier, "this_run_tier": run_tier, "cities": len(names),
                         "names": ", ".join(names)})
    return pd.DataFrame(rows)


def weight_rank_correlation(comparison: pd.DataFrame) -> float:
    """Spearman's rank correlation of the paper's and this run's indicator weights: the Pearson
    correlation of their ranks, ties at their mean rank (as scipy.stats.spearmanr; computed with
    pandas so that the figure job does not import scipy.stats, about 0.7 s)."""
    weights = comparison[comparison["quantity"] == "indicator_weight"].dropna(subset=["this_run"])
    return float(weights["published"].rank().corr(weights["this_run"].rank()))
