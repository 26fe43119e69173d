"""The resilience index (the paper's time-extended entropy method): pooled standardisation, weights,
scores, obstacle degrees.

Notation: x_ijt is indicator j of city i in year t (rows = city-years, columns = indicators),
m years, n cities, z indicators.

- Standardisation is pooled over all cities and years: benefit x' = (x − min_j)/(max_j − min_j),
  cost x' = (max_j − x)/(max_j − min_j), so x' ∈ [0, 1] and scores compare across years.
- The shift s (default 0.0001) is added only where a logarithm needs it — the proportions
  p = (x' + s)/Σ(x' + s) of the entropy method. Scores and obstacle degrees use x' itself, so a
  score lies in [0, 1] and no obstacle degree is negative.
- Entropy (pooled): e_j = −k Σ_t Σ_i p_ijt ln p_ijt with k = 1/ln(m·n) and 0·ln 0 = 0;
  g_j = 1 − e_j; w_j = g_j / Σ_j g_j.
- Scores: RES_λit = Σ_{j∈λ} w_j x'_ijt and RES_it = Σ_λ RES_λit.
- Obstacle degree: v = 1 − x', I_ijt = w_j v_ijt / Σ_j w_j v_ijt × 100 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urban_resilience.core.vocabulary import DIMENSIONS


class IndexComputationError(ValueError):
    """Input the index cannot be computed from (the message names the indicator)."""


def standardise_pooled(panel: pd.DataFrame, directions: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Range-standardise every column over all rows; returns (x', table of min, max, direction).

    A constant column (max = min) or a missing value is an error naming the indicator.
    """
    values = panel.to_numpy(dtype=float)
    missing = [c for c, has in zip(panel.columns, np.isnan(values).any(axis=0)) if has]
    if missing:
        raise IndexComputationError(f"indicator(s) {', '.join(missing)} have missing values; interpolate first")
    low, high = values.min(axis=0), values.max(axis=0)
    constant = [c for c, lo, hi in zip(panel.columns, low, high) if hi == lo]
    if constant:
        raise IndexComputationError(f"indicator(s) {', '.join(constant)} take one value for every city and year "
                          "(max = min), so range standardisation is undefined; drop them from the indicator table")
    sign = np.array([directions[c] for c in panel.columns])
    span = high - low
    standardised = np.where(sign == "+", (values - low) / span, (high - values) / span)
    table = pd.DataFrame({"indicator": panel.columns, "direction": sign, "min": low, "max": high})
    return pd.DataFrame(standardised, index=panel.index, columns=panel.columns), table


def entropy_weights(standardised: pd.DataFrame, shift: float) -> pd.DataFrame:
    """Pooled entropy weights: columns entropy, divergence, weight (one row per indicator)."""
    values = standardised.to_numpy(dtype=float) + shift
    entropy = _entropy(values)
    divergence = 1.0 - entropy
    return pd.DataFrame({"entropy": entropy, "divergence": divergence, "weight": divergence / divergence.sum()},
                        index=standardised.columns)


def _entropy(values: np.ndarray) -> np.ndarray:
    """e_j = −(1/ln N) Σ p ln p over the N rows, with 0·ln 0 = 0 (values ≥ 0, column sums > 0)."""
    rows = values.shape[0]
    totals = values.sum(axis=0)
    if (totals <= 0).any():
        raise IndexComputationError("an indicator is 0 for every city and year after standardisation; "
                                    "set a positive shift")
    p = values / totals
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    return -plogp.sum(axis=0) / np.log(rows)


def entropy_weights_by_year(standardised: pd.DataFrame, shift: float) -> pd.DataFrame:
    """Cross-sectional entropy weights computed separately for each year (k = 1/ln n).

    Rows: year × indicator with entropy, divergence, weight. Scores made with them are *not*
    comparable across years; the pooled method is the default for that reason.
    """
    frames = []
    for year, block in standardised.groupby(level="year", sort=True):
        weights = entropy_weights(block, shift)
        frames.append(weights.assign(year=year))
    return pd.concat(frames).rename_axis("indicator").reset_index()


def critic_weights(standardised: pd.DataFrame) -> pd.DataFrame:
    """CRITIC: C_j = σ_j Σ_k (1 − r_jk), w_j = C_j / Σ C (σ with ddof = 1, r = Pearson)."""
    values = standardised.to_numpy(dtype=float)
    sigma = values.std(axis=0, ddof=1)
    r = np.corrcoef(values, rowvar=False)
    information = sigma * (1.0 - r).sum(axis=0)
    return pd.DataFrame({"std": sigma, "information": information, "weight": information / information.sum()},
                        index=standardised.columns)


def equal_weights(standardised: pd.DataFrame) -> pd.DataFrame:
    """w_j = 1/z."""
    z = standardised.shape[1]
    return pd.DataFrame({"weight": np.full(z, 1.0 / z)}, index=standardised.columns)


def weight_vectors(standardised: pd.DataFrame, method: str, shift: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary per indicator, weights per year × indicator) for the configured method."""
    years = sorted(standardised.index.get_level_values("year").unique())
    if method == "entropy_per_year":
        by_year = entropy_weights_by_year(standardised, shift)
        summary = by_year.groupby("indicator", sort=False)[["entropy", "divergence", "weight"]].mean()
        summary = summary.reindex(standardised.columns)
        return summary, by_year[["year", "indicator", "weight"]]
    summary = {"entropy_pooled": lambda: entropy_weights(standardised, shift),
               "critic": lambda: critic_weights(standardised),
               "equal": lambda: equal_weights(standardised)}[method]()
    by_year = pd.DataFrame([(y, c, w) for y in years for c, w in summary["weight"].items()],
                           columns=["year", "indicator", "weight"])
    return summary, by_year



def weights_table(indicators: pd.DataFrame, summary: pd.DataFrame, method: str, shift: float,
                  dataset: str) -> pd.DataFrame:
    """The user's weights table: the indicator table's labels, e_j, g_j and w_j of ``summary``
    (indexed by indicator code), the dimension weight Σ_{j∈λ} w_j, the paper's weight, the method,
    the shift and the dataset label; rows in the indicator table's order."""
    weights = indicators[["code", "dimension", "name_cn", "name_en", "direction"]].merge(
        summary.rename_axis("code").reset_index(), on="code", how="left", validate="one_to_one")
    weights["dimension_weight"] = weights.groupby("dimension")["weight"].transform("sum")
    weights["paper_weight"] = indicators["paper_weight"].to_numpy()
    weights["method"], weights["shift"], weights["dataset"] = method, shift, dataset
    return weights

def scores(standardised: pd.DataFrame, weights_by_year: pd.DataFrame, dimensions: dict[str, str]) -> pd.DataFrame:
    """Dimension scores RES_λ = Σ_{j∈λ} w_j x'_j and the total, for every city-year."""
    weighted = standardised * weight_matrix(standardised, weights_by_year)
    frame = pd.DataFrame(index=standardised.index)
    for dimension in DIMENSIONS:
        members = [c for c in standardised.columns if dimensions[c] == dimension]
        frame[dimension] = weighted[members].sum(axis=1)
    frame["total"] = frame[list(DIMENSIONS)].sum(axis=1)
    return frame


def weight_matrix(standardised: pd.DataFrame, weights_by_year: pd.DataFrame) -> pd.DataFrame:
    """The weight of every cell (rows city-year, columns indicators), from weights per year."""
    table = weights_by_year.pivot(index="year", columns="indicator", values="weight")[standardised.columns]
    years = standardised.index.get_level_values("year")
    return pd.DataFrame(table.loc[years].to_numpy(), index=standardised.index, columns=standardised.columns)


def obstacle_degrees(standardised: pd.DataFrame, weights_by_year: pd.DataFrame) -> pd.DataFrame:
    """I_ijt = w_j (1 − x'_ijt) / Σ_j w_j (1 − x'_ijt) × 100, in % (each row sums to 100).

    A city-year at the ideal on every indicator has no obstacle (0/0): its row is left missing.
    """
    gap = weight_matrix(standardised, weights_by_year) * (1.0 - standardised)
    totals = gap.sum(axis=1)
    return gap.div(totals.where(totals > 0), axis=0) * 100.0


def dimension_obstacles(obstacles: pd.DataFrame, dimensions: dict[str, str]) -> pd.DataFrame:
    """A dimension's obstacle degree is the sum of its indicators'."""
    return pd.DataFrame({d: obstacles[[c for c in obstacles.columns if dimensions[c] == d]].sum(axis=1)
                         for d in DIMENSIONS})


def obstacle_ranks(obstacles: pd.DataFrame) -> pd.DataFrame:
    """Long table: city, year, indicator, obstacle degree and rank (1 = largest; ties in table order).

    City-years without obstacle degrees (ideal everywhere) are left out.
    """
    defined = obstacles.dropna(how="all")
    values = defined.to_numpy(dtype=float)
    order = np.argsort(-values, axis=1, kind="stable")  # column positions, largest first
    rows, columns = values.shape
    codes = defined.index.get_level_values("admin_code").to_numpy()
    years = defined.index.get_level_values("year").to_numpy()
    return pd.DataFrame({
        "admin_code": np.repeat(codes, columns),
        "year": np.repeat(years, columns),
        "indicator": np.asarray(defined.columns)[order].ravel(),
        "obstacle": np.take_along_axis(values, order, axis=1).ravel(),
        "rank": np.tile(np.arange(1, columns + 1), rows),
    }).sort_values(["admin_code", "year", "rank"], kind="stable").reset_index(drop=True)


def top_factor_frequency(ranks: pd.DataFrame, top: int, cities: list[str]) -> pd.DataFrame:
    """Per year and indicator: in how many of ``cities`` (the study area) the indicator is among the
    ``top`` obstacles."""
    chosen = ranks[(ranks["rank"] <= top) & ranks["admin_code"].isin(list(cities))]
    counts = chosen.groupby(["year", "indicator"]).size().rename("cities").reset_index()
    return counts.sort_values(["year", "cities", "indicator"], ascending=[True, False, True]).reset_index(drop=True)
