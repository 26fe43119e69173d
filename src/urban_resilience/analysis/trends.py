"""Statistics on the scores: what the paper reports and what it only describes.

All functions take the scores table (one row per city-year with the dimension columns and
``total``) or plain arrays, and return tidy tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urban_resilience.core.vocabulary import DDOF, DIMENSIONS, MEASURES, TIER_BOUNDS, TIERS


def yearly_means(scores: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Mean of every measure per year (and per group column ``by``, e.g. province)."""
    keys = ["year"] if by is None else [by, "year"]
    return scores.groupby(keys, sort=True)[list(MEASURES)].mean().reset_index()


def yearly_ranks(scores: pd.DataFrame) -> pd.Series:
    """Rank of the total within each year (1 = highest; equal totals share the best rank)."""
    return scores.groupby("year")["total"].rank(ascending=False, method="min").astype(int)


def growth_rate(first: float, last: float, years: int) -> float:
    """Average annual growth rate (last / first)^(1/(years − 1)) − 1 over ``years`` years."""
    return (last / first) ** (1.0 / (years - 1)) - 1.0


def growth_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Growth of the mean from the first to the last year: study area, provinces, capitals vs
    non-capitals, and each city, for every measure."""
    first, last = int(scores["year"].min()), int(scores["year"].max())
    years = last - first + 1
    groups = [("study area", "all cities", scores)]
    groups += [("province", name, block) for name, block in scores.groupby("province_en", sort=True)]
    groups += [("capital", "capitals", scores[scores["capital"]]),
               ("capital", "non-capitals", scores[~scores["capital"]])]
    groups += [("city", f"{row.admin_code} {row.name_en}", scores[scores["admin_code"] == row.admin_code])
               for row in scores.drop_duplicates("admin_code").sort_values("admin_code").itertuples()]
    rows = []
    for level, unit, block in groups:
        means = block.groupby("year")[list(MEASURES)].mean()
        for measure in MEASURES:
            a, b = means.at[first, measure], means.at[last, measure]
            rows.append({"level": level, "unit": unit, "measure": measure, "first_year": first, "last_year": last,
                         "first": a, "last": b, "growth_rate": growth_rate(a, b, years) if a > 0 else np.nan})
    return pd.DataFrame(rows)


def dispersion(scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per year: mean, sample std (ddof 1) and coefficient of variation of every measure across
    cities; per province: the same per year, averaged over the years)."""
    def stats(block: pd.DataFrame) -> pd.DataFrame:
        grouped = block.groupby("year")[list(MEASURES)]
        mean, std = grouped.mean(), grouped.std(ddof=DDOF)
        frame = pd.concat({"mean": mean, "std": std, "cv": std / mean}, axis=1)
        frame.columns = [f"{measure}_{stat}" for stat, measure in frame.columns]
        return frame

    by_year = stats(scores).reset_index()
    by_province = pd.concat({p: stats(b).mean() for p, b in scores.groupby("province_en", sort=True)}, axis=1).T
    return by_year, by_province.rename_axis("province_en").reset_index()


def primacy(scores: pd.DataFrame) -> pd.DataFrame:
    """Per province and year: the capital's total over the highest total among the other cities
    (the second city when, as usual, the capital ranks first)."""
    rows = []
    for (province, year), block in scores.groupby(["province_en", "year"], sort=True):
        capital = block[block["capital"]]
        others = block[~block["capital"]].sort_values(["total", "admin_code"], ascending=[False, True])
        if capital.empty or others.empty:
            continue
        second = others.iloc[0]
        rows.append({"province_en": province, "year": year, "capital": capital.iloc[0]["name_en"],
                     "capital_total": capital.iloc[0]["total"], "second_city": second["name_en"],
                     "second_total": second["total"], "primacy": capital.iloc[0]["total"] / second["total"]})
    return pd.DataFrame(rows)


def tier(deviation: np.ndarray | pd.Series) -> np.ndarray:
    """Five tiers by relative deviation d = (x − r)/r from the reference r (the paper's five tiers):
    low d ≤ −30 %; lower-middle −30 % < d < −10 %; middle −10 % ≤ d < +10 %;
    upper-middle +10 % ≤ d < +30 %; high d ≥ +30 %. d is rounded to 12 decimals first so that
    values exactly on a boundary land where the definition puts them."""
    return np.asarray(TIERS, dtype=object)[tier_index(deviation)].astype(str)


def tier_index(deviation: np.ndarray | pd.Series) -> np.ndarray:
    """The tier as a position in ``TIERS`` (0 = low … 4 = high), for arrays of any shape."""
    d = np.round(np.asarray(deviation, dtype=float), 12)
    low, lower_middle, upper_middle, high = TIER_BOUNDS
    return np.select([d <= low, d < lower_middle, d < upper_middle, d < high], [0, 1, 2, 3], default=4)


def classify(scores: pd.DataFrame, reference: float | str | dict, all_scores: pd.DataFrame | None = None
             ) -> pd.DataFrame:
    """Tier of every city-year of ``scores`` (the study area). The reference r is the year's mean
    total of the study area (``study_area_mean``), of all configured cities (``cities_mean``,
    from ``all_scores``; the paper's national mean), a number per year (``{year: r}``), or one
    number for every year."""
    frame = scores[["admin_code", "name_cn", "name_en", "province_en", "year", "total"]].copy()
    if reference == "study_area_mean":
        frame["reference"] = frame.groupby("year")["total"].transform("mean")
    elif reference == "cities_mean":
        frame["reference"] = frame["year"].map((all_scores if all_scores is not None else scores)
                                               .groupby("year")["total"].mean())
    elif isinstance(reference, dict):
        by_year = {int(year): float(value) for year, value in reference.items()}
        missing = sorted(set(frame["year"].astype(int)) - set(by_year))
        if missing:
            raise ValueError(f"classification.reference gives no value for year(s) {missing}")
        frame["reference"] = frame["year"].astype(int).map(by_year)
    else:
        frame["reference"] = float(reference)
    frame["deviation"] = (frame["total"] - frame["reference"]) / frame["reference"]
    frame["tier"] = tier(frame["deviation"])
    return frame


def dimension_obstacle_shares(dimension_obstacles: pd.DataFrame) -> pd.DataFrame:
    """Mean obstacle degree (%) of each dimension across cities, per year."""
    return dimension_obstacles.groupby("year")[list(DIMENSIONS)].mean().reset_index()


def obstacle_frequency_first_last(indicators: pd.DataFrame, top5: pd.DataFrame, top1: pd.DataFrame,
                                  first: int, last: int) -> pd.DataFrame:
    """The paper's comparison of the top obstacle factors: per indicator (in the indicator table's
    order, with its dimension and names), the number of study-area cities having it among their
    five largest and their largest obstacle, in the first and the last year (0 where none)."""
    frequency = indicators[["code", "dimension", "name_cn", "name_en"]].rename(columns={"code": "indicator"})
    for top, counts in (("top5", top5), ("top1", top1)):
        for year in (first, last):
            column = counts[counts["year"] == year].set_index("indicator")["cities"]
            frequency[f"{top}_{year}"] = frequency["indicator"].map(column).fillna(0).astype(int)
    return frequency.reset_index(drop=True)
