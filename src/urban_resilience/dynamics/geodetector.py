"""Geographical detector (Wang Jinfeng et al. 2010; Wang, Zhang & Fu 2016): which factors'
spatial strata explain the spatial differences of the total score, alone and in pairs.

Notation: N cities in L strata h of a factor X (a dimension score or an indicator, discretised),
:math:`N_h` cities in stratum h, :math:`\\sigma^2` and :math:`\\sigma_h^2` the population variances
of Y (the total) over all cities and within stratum h, :math:`SSW = \\sum_h N_h \\sigma_h^2`.

- Factor detector: :math:`q = 1 - SSW / (N \\sigma^2)` ∈ [0, 1], the share of Y's variance explained
  by X's strata. :math:`F = \\frac{N - L}{L - 1} \\frac{q}{1 - q}` (the one-way ANOVA F) follows a
  non-central F(L − 1, N − L; λ) with
  :math:`\\lambda = [\\sum_h \\bar Y_h^2 - (\\sum_h \\sqrt{N_h} \\bar Y_h)^2 / N] / \\sigma^2`
  (Wang, Zhang & Fu 2016); p = P(F' ≥ F).
- Interaction detector: q of the overlaid strata X1 ∩ X2 against q(X1), q(X2): nonlinear-weaken
  (q12 < min), uni-variable weaken (min ≤ q12 ≤ max), bi-variable enhance (max < q12 < q1 + q2),
  independent (q12 = q1 + q2), nonlinear-enhance (q12 > q1 + q2); equality to 1e-12. The overlay
  refines both factors' strata, so q12 ≥ max(q1, q2) always; its one-city cells (counted in
  ``single_city_cells``) push q12 towards 1 whatever the factors.
- Risk detector: Welch's t between the means of Y in each pair of strata of a factor.
- Ecological detector: :math:`F = \\frac{N_{X1} (N_{X2} - 1) SSW_{X1}}{N_{X2} (N_{X1} - 1) SSW_{X2}}` with
  F(N − 1, N − 1): do X1 and X2 explain Y differently?
- Discretisation: each factor is cut into k = ``classes`` strata by quantiles or equal intervals;
  the method and k with the largest q are kept (the "optimal discretisation" of Song et al. 2020).
  Choosing by q favours more strata: the chosen q is optimistic, more so with few cities.

Checked against the PyPI package ``geodetector`` 0.2.0 (tests/test_dynamics_geodetector_package.py):
the same q, p, Welch t and ecological F where every stratum has two or more cities; the package
drops one-city strata (so its interaction q differs when an overlay cell holds one city), we keep
them as the definition of q does.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

METHODS = ("quantile", "equal")


def q_statistic(y: np.ndarray, strata: np.ndarray) -> float:
    """q = 1 − Σ_h N_h σ_h² / (N σ²) (population variances); NaN when Y does not vary."""
    y = np.asarray(y, dtype=float)
    total = y.var() * len(y)
    if total <= 0:
        return np.nan
    return 1.0 - within_squares(y, strata) / total


def within_squares(y: np.ndarray, strata: np.ndarray) -> float:
    """SSW = Σ_h Σ_{i∈h} (y_i − ȳ_h)², from the deviations of the stratum means (one pass)."""
    codes = np.unique(strata, return_inverse=True)[1]
    sizes = np.bincount(codes)
    means = np.bincount(codes, weights=y) / sizes
    return float(((y - means[codes]) ** 2).sum())


def f_test(y: np.ndarray, strata: np.ndarray) -> tuple[float, float]:
    """(F, p) of the factor detector: F = (N − L)/(L − 1) · q/(1 − q) against the non-central
    F(L − 1, N − L; λ); NaN when there is one stratum, as many strata as cities, or q = 1."""
    y = np.asarray(y, dtype=float)
    levels = np.unique(strata)
    n, strata_count = len(y), len(levels)
    q = q_statistic(y, strata)
    if strata_count < 2 or n <= strata_count or not np.isfinite(q) or q >= 1:
        return np.nan, np.nan
    f = (n - strata_count) / (strata_count - 1) * q / (1 - q)
    means = np.array([y[strata == h].mean() for h in levels])
    sizes = np.array([(strata == h).sum() for h in levels])
    noncentrality = ((means**2).sum() - (np.sqrt(sizes) * means).sum() ** 2 / n) / y.var()
    return float(f), float(stats.ncf.sf(f, strata_count - 1, n - strata_count, noncentrality))


def discretise(x: np.ndarray, method: str, k: int) -> np.ndarray:
    """Stratum 0 … k − 1 of each value: ``quantile`` (cut at the k-quantiles, ties kept together)
    or ``equal`` (k equal intervals of the range); a value on a cut goes to the lower stratum."""
    x = np.asarray(x, dtype=float)
    if method == "quantile":
        cuts = np.unique(np.quantile(x, np.arange(1, k) / k))
    elif method == "equal":
        cuts = np.linspace(x.min(), x.max(), k + 1)[1:-1]
    else:
        raise ValueError(f"discretisation method {method!r}; expected one of {METHODS}")
    return np.searchsorted(cuts, x, side="left")


def best_strata(y: np.ndarray, x: np.ndarray, classes: list[int]) -> tuple[np.ndarray, str, int, float]:
    """(strata, method, k, q) of the discretisation of x with the largest q for y; on a tie (to
    1e-12) the one with fewer strata, then the first in the order of ``METHODS``. Cuts that leave
    a stratum with fewer than two cities are not considered (a stratum needs a variance; one city
    per stratum makes q = 1 by construction); when none is left, q is NaN ("not computed")."""
    best = (np.zeros(len(x), dtype=int), "not computed", 0, np.nan)
    for method in METHODS:
        for k in classes:
            strata = discretise(x, method, k)
            if np.bincount(np.unique(strata, return_inverse=True)[1]).min() < 2:
                continue
            q, count = q_statistic(y, strata), int(len(np.unique(strata)))
            if not np.isfinite(best[3]):
                better = np.isfinite(q)
            else:  # a NaN q (Y constant) compares False: never better
                better = q > best[3] + 1e-12 or (abs(q - best[3]) <= 1e-12 and count < best[2])
            if better:
                best = (strata, method, count, q)
    return best


def overlay_cells(overlay: np.ndarray) -> tuple[int, int]:
    """(occupied cells, cells holding one city) of the overlaid strata X1 ∩ X2. A one-city cell has
    no within-cell variance, so it raises q(X1 ∩ X2) by construction: with as many cells as cities
    q would be 1 whatever the factors."""
    sizes = np.unique(overlay, return_counts=True)[1]
    return int(len(sizes)), int((sizes == 1).sum())


def interaction_type(q1: float, q2: float, q12: float, tolerance: float = 1e-12) -> str:
    """How two factors interact, from q(X1), q(X2) and q(X1 ∩ X2)."""
    low, high = min(q1, q2), max(q1, q2)
    if q12 < low - tolerance:
        return "nonlinear-weaken"
    if q12 <= high + tolerance:
        return "uni-variable weaken"
    if abs(q12 - (q1 + q2)) <= tolerance:
        return "independent"
    return "bi-variable enhance" if q12 < q1 + q2 else "nonlinear-enhance"


def ecological_test(y: np.ndarray, strata1: np.ndarray, strata2: np.ndarray) -> tuple[float, float]:
    """(F, p) of the ecological detector: ratio of the within-strata sums of squares of two
    factors, F(N − 1, N − 1), two-sided p."""
    y = np.asarray(y, dtype=float)
    n = len(y)

    first, second = within_squares(y, strata1), within_squares(y, strata2)
    if second <= 0:
        return np.nan, np.nan
    f = first / second  # N_X1 = N_X2 = N: the size factors cancel
    tail = stats.f.sf(f, n - 1, n - 1) if f >= 1 else stats.f.cdf(f, n - 1, n - 1)
    return float(f), float(min(1.0, 2 * tail))


def risk_rows(y: np.ndarray, strata: np.ndarray, keys: dict) -> list[dict]:
    """Welch's t test between the means of Y of each pair of strata (strata of one city: no test)."""
    rows = []
    for a, b in combinations(np.unique(strata), 2):
        first, second = y[strata == a], y[strata == b]
        if len(first) < 2 or len(second) < 2:
            t, p = np.nan, np.nan
        else:
            t, p = stats.ttest_ind_from_stats(first.mean(), first.std(ddof=1), len(first), second.mean(),
                                              second.std(ddof=1), len(second), equal_var=False)
        rows.append({**keys, "stratum_a": int(a), "stratum_b": int(b), "mean_a": float(first.mean()),
                     "mean_b": float(second.mean()), "t": float(t), "p": float(p)})
    return rows


def detect(frame: pd.DataFrame, target: str, factors: list[str], classes: list[int], year: int,
           pairs: bool = True) -> dict[str, list[dict]]:
    """All four detectors for one year's cities (rows of ``frame``); without ``pairs`` the factor
    and risk detectors only (no interaction or ecological rows)."""
    y = frame[target].to_numpy(dtype=float)
    chosen, rows = {}, {"factor": [], "interaction": [], "risk": [], "ecological": []}
    for factor in factors:
        strata, method, k, q = best_strata(y, frame[factor].to_numpy(dtype=float), classes)
        f, p = f_test(y, strata) if np.isfinite(q) else (np.nan, np.nan)
        chosen[factor] = (strata, q)
        rows["factor"].append({"year": year, "factor": factor, "method": method, "strata": k, "q": q, "F": f, "p": p})
        if np.isfinite(q):
            rows["risk"] += risk_rows(y, strata, {"year": year, "factor": factor})
    for first, second in combinations(factors, 2) if pairs else ():
        (s1, q1), (s2, q2) = chosen[first], chosen[second]
        if not (np.isfinite(q1) and np.isfinite(q2)):
            continue
        overlay = s1 * (s2.max() + 1) + s2
        q12 = q_statistic(y, overlay)
        cells, single = overlay_cells(overlay)
        rows["interaction"].append({"year": year, "factor_1": first, "factor_2": second, "q_1": q1, "q_2": q2,
                                    "q_interaction": q12, "type": interaction_type(q1, q2, q12), "cells": cells,
                                    "single_city_cells": single})
        f, p = ecological_test(y, s1, s2)
        rows["ecological"].append({"year": year, "factor_1": first, "factor_2": second, "F": f, "p": p})
    return rows


def geodetector_tables(scores: pd.DataFrame, indicators: pd.DataFrame, years: list[int], dimensions: list[str],
                       classes: list[int]) -> dict[str, pd.DataFrame]:
    """The detectors of the total against every dimension score and every indicator (standardised
    values) in each of ``years``; interactions and ecological tests among the dimensions only (the
    indicator pairs would be 465 per year)."""
    merged = scores.merge(indicators, on=["admin_code", "year"], how="left", validate="one_to_one")
    codes = [c for c in indicators.columns if c not in ("admin_code", "year")]
    tables = {"factor": [], "interaction": [], "risk": [], "ecological": []}
    for year in years:
        block = merged[merged["year"] == year]
        dims = detect(block, "total", list(dimensions), classes, year)
        for name in tables:
            tables[name] += dims[name]
        single = detect(block, "total", codes, classes, year, pairs=False)
        tables["factor"] += single["factor"]
        tables["risk"] += single["risk"]
    return {name: pd.DataFrame(rows) for name, rows in tables.items()}
