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

Like is compared with like only. The paper's set-up (:data:`PAPER_REFERENCE`) is its 28 study
cities (the codes of ``published_tiers.csv``) over :data:`PAPER_YEARS`. A row is *comparable* when

- the run's years are the paper's (pooled standardisation and weights use every year);
- the run's pool of cities (``cities``) holds all of the paper's study cities (every value depends
  on the pooled min and max and on the entropy weights of the pool);
- the cities behind the row's group are the paper's: the whole study area for ``study area`` rows
  and the tiers (whose reference is computed over it), the study area's cities of a province for
  a province's rows, the city itself for a city's rows.

Otherwise the row keeps this run's value but gets ``comparable`` false, the ``reason``, and no
difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from urban_resilience.analysis.trends import growth_rate, primacy
from urban_resilience.core.vocabulary import DDOF, TIERS

COMPARISON_COLUMNS = ["quantity", "group", "measure", "year", "published", "this_run", "difference",
                      "relative_difference", "comparable", "reason", "location", "description"]
PAPER_REFERENCE = ("Li, Ma & Song, Spatio-Temporal Differentiation of Urban Resilience in the Mid-Yangtze River "
                   "Urban Agglomerations")
PAPER_YEARS = (2003, 2019)
WEIGHT_QUANTITIES = ("indicator_weight", "dimension_weight")

# Why a row is not comparable, in English (written to the tables) and Chinese (the figure in
# figures.language zh: reason_text); one template per kind, the English one also parses the tables.
REASONS = {
    "years": ("years {first}–{last}, the paper's {paper_first}–{paper_last}",
              "年份为 {first}–{last}，论文为 {paper_first}–{paper_last}"),
    "pool": ("the index pools {cities} cities without {missing} of the paper's {paper} study cities",
             "指数汇总的 {cities} 个城市缺少论文 {paper} 个研究城市中的 {missing} 个"),
    "area_more": ("the study area has {shared} of the paper's {paper} {what} and {others} city(ies) the paper has not",
                  "研究区含论文 {paper} 个{what}中的 {shared} 个，另有 {others} 个论文没有的城市"),
    "area": ("the study area has {shared} of the paper's {paper} {what}",
             "研究区含论文 {paper} 个{what}中的 {shared} 个"),
    "city": ("city {group} is not in the study area", "城市 {group} 不在研究区内"),
}
REASON_SEPARATOR = {"en": "; ", "zh": "；"}


@dataclass(frozen=True)
class SetUp:
    """Which cities and years a set of numbers comes from: the pooled cities (the index's
    ``cities``), the study area (the cities reported), the first and last year."""

    cities: frozenset[str]
    study_area: frozenset[str]
    first: int
    last: int


def paper_setup(paper_cities: list[str]) -> SetUp:
    """The paper's set-up: its study cities (pooled and reported) over :data:`PAPER_YEARS`."""
    return SetUp(frozenset(paper_cities), frozenset(paper_cities), *PAPER_YEARS)


def _has(run: set[str], paper: set[str], what: str) -> str:
    """"" if ``run`` is ``paper``, else e.g. "the study area has 10 of the paper's 28 cities"."""
    if run == paper:
        return ""
    others = len(run - paper)
    return REASONS["area_more" if others else "area"][0].format(shared=len(run & paper), paper=len(paper), what=what,
                                                               others=others)


def common_reasons(run: SetUp, paper: SetUp) -> list[str]:
    """Why no number of the run compares with the paper's: other years, or a pool of cities
    without all of the paper's study cities."""
    reasons = []
    if (run.first, run.last) != (paper.first, paper.last):
        reasons.append(REASONS["years"][0].format(first=run.first, last=run.last, paper_first=paper.first,
                                                  paper_last=paper.last))
    missing = paper.study_area - run.cities
    if missing:
        reasons.append(REASONS["pool"][0].format(cities=len(run.cities), missing=len(missing),
                                                 paper=len(paper.study_area)))
    return reasons


def study_area_reasons(run: SetUp, paper: SetUp) -> list[str]:
    """:func:`common_reasons` and, if the study area is not the paper's, how it differs: what the
    study area's mean, dispersion and tiers are compared under."""
    area = _has(set(run.study_area), set(paper.study_area), "cities")
    return common_reasons(run, paper) + ([area] if area else [])


def row_reason(row: pd.Series, run: SetUp, paper: SetUp, provinces: dict[str, str]) -> str:
    """Why one published row does not compare with this run ("" if it does), by the rules of the
    module docstring; ``provinces`` maps admin code → English province name for the cities of both
    set-ups."""
    reasons = common_reasons(run, paper)
    quantity, group = row["quantity"], str(row["group"])
    if quantity in WEIGHT_QUANTITIES:
        pass
    elif group == "study area":
        reasons = study_area_reasons(run, paper)
    elif group.removeprefix("non-capitals ") in set(provinces.values()):
        province = group.removeprefix("non-capitals ")
        within = _has({c for c in run.study_area if provinces.get(c) == province},
                      {c for c in paper.study_area if provinces.get(c) == province}, f"{province} cities")
        reasons += [within] if within else []
    elif group not in run.study_area:
        reasons.append(REASONS["city"][0].format(group=group))
    return REASON_SEPARATOR["en"].join(reasons)


def _pattern(template: str) -> re.Pattern:
    """A regular expression matching the English ``template`` with every ``{name}`` captured."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("^" + "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                                    for i, part in enumerate(parts)) + "$")


REASON_PATTERNS = {kind: _pattern(english) for kind, (english, _) in REASONS.items()}


def reason_text(reason: str, language: str) -> str:
    """A reason of the tables (English, parts joined by "; ") in ``language``: each part matched
    against the English templates of :data:`REASONS` and written with the template of the language
    ("cities" of a province as 城市); a part no template matches stays as it is."""
    if language == "en" or not reason:
        return reason
    parts = []
    for part in reason.split(REASON_SEPARATOR["en"]):
        for kind, pattern in REASON_PATTERNS.items():
            match = pattern.match(part)
            if match:
                values = match.groupdict()
                if "what" in values:  # cities, or Hunan cities
                    what = values["what"]
                    values["what"] = "城市" if what == "cities" else f" {what.removesuffix(' cities')} 城市"
                part = REASONS[kind][1].format(**values)
                break
        parts.append(part)
    return REASON_SEPARATOR["zh"].join(parts)


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


def compare(published: pd.DataFrame, scores: pd.DataFrame, weights: pd.DataFrame, run: SetUp, paper: SetUp,
            provinces: dict[str, str]) -> pd.DataFrame:
    """One row per published value: published, this run, difference, relative difference, and
    whether the row is comparable (with the reason if not; then no difference is given)."""
    frame = published.rename(columns={"value": "published"}).copy()
    frame["this_run"] = [run_value(row, scores, weights) for _, row in frame.iterrows()]
    frame["reason"] = [row_reason(row, run, paper, provinces) for _, row in frame.iterrows()]
    frame["comparable"] = frame["reason"] == ""
    frame["difference"] = (frame["this_run"] - frame["published"]).where(frame["comparable"])
    frame["relative_difference"] = frame["difference"] / frame["published"]
    return frame[COMPARISON_COLUMNS]


def tier_confusion(published_tiers: pd.DataFrame, tiers: pd.DataFrame, reason: str) -> pd.DataFrame:
    """Paper tier × this run's tier in the paper's year: counts and the cities' names per cell;
    ``reason`` ("" if comparable, see :func:`study_area_reasons`) is written into every row."""
    year = int(published_tiers["year"].iloc[0])
    run = tiers[tiers["year"] == year].set_index("admin_code")["tier"]
    rows = []
    for paper_tier in TIERS:
        cities = published_tiers[published_tiers["tier"] == paper_tier]
        for run_tier in TIERS:
            names = sorted(cities.loc[cities["admin_code"].map(run) == run_tier, "name_en"])
            rows.append({"paper_tier": paper_tier, "this_run_tier": run_tier, "cities": len(names),
                         "names": ", ".join(names), "comparable": reason == "", "reason": reason})
    return pd.DataFrame(rows)


def weight_rank_correlation(comparison: pd.DataFrame) -> float:
    """Spearman's rank correlation of the paper's and this run's comparable indicator weights: the
    Pearson correlation of their ranks, ties at their mean rank (as scipy.stats.spearmanr; computed
    with pandas so that the figure job does not import scipy.stats, about 0.7 s). NaN when fewer
    than two weights are comparable."""
    weights = comparison[(comparison["quantity"] == "indicator_weight") & comparison["comparable"]]
    weights = weights.dropna(subset=["this_run"])
    if len(weights) < 2:
        return float("nan")
    return float(weights["published"].rank().corr(weights["this_run"].rank()))
