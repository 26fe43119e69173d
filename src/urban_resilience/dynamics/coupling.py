"""Coupling coordination of the five dimensions (Wang Shujia et al. 2021's modified coupling degree).

Notation: for a city-year, :math:`U_1 … U_n` (n = 5) the dimension scores each divided by the
largest score that dimension can reach, its dimension weight :math:`W_d = \\sum_{j \\in d} w_j`
(the year's weights), so that every :math:`U_i \\in [0, 1]` on the same scale (a dimension score
itself is bounded by its weight, not by 1: comparing raw dimension scores would read a dimension's
weight as its development).

- Modified coupling degree (Wang, Kong, Ren, Zhi & Dai 2021, *Journal of Natural Resources*
  36(3): 793–810, eq. of the corrected model):
  :math:`C = \\sqrt{\\Bigl[1 - \\frac{\\sum_{i > j} |U_i - U_j|}{\\sum_{m=1}^{n-1} m}\\Bigr]
  \\cdot \\Bigl(\\prod_{i=1}^{n} \\frac{U_i}{\\max_k U_k}\\Bigr)^{1/(n-1)}}`,
  the first factor one minus the mean absolute difference over the n(n − 1)/2 pairs, the second
  the geometric mean of the other systems relative to the leading one. C ∈ [0, 1]; C = 1 exactly
  when all U_i are equal and positive. The same formula as the R package ``coupling`` 0.2
  (``ccd(method = "wang")``, which gives 0 rather than "undefined" when every U_i is 0); the
  paper's Table 8 fits it (tests/test_dynamics_coupling.py).
- The traditional form, kept for comparison: :math:`C_{trad} = n (\\prod U_i)^{1/n} / \\sum U_i`
  (the ratio of geometric to arithmetic mean), which stays near 1 for most real data (the
  "model failure" Wang et al. document).
- Comprehensive development :math:`T = \\sum_i \\alpha_i U_i` with :math:`\\sum \\alpha_i = 1`
  (equal :math:`\\alpha_i = 1/n`, or the dimension weights, then T is the total score);
  coordination degree :math:`D = \\sqrt{C T}`.
- Ten classes of D in steps of 0.1, (0, 0.1] extreme imbalance … (0.9, 1] high-quality coordination
  (D = 0 belongs to the first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urban_resilience.core.vocabulary import DIMENSIONS

CLASSES = ("extreme imbalance", "serious imbalance", "moderate imbalance", "mild imbalance",
           "on the verge of imbalance", "barely coordinated", "primary coordination", "intermediate coordination",
           "good coordination", "high-quality coordination")
CLASSES_CN = ("极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调", "勉强协调", "初级协调", "中级协调",
              "良好协调", "优质协调")


def modified_coupling(u: np.ndarray) -> np.ndarray:
    """Wang et al.'s modified coupling degree C of each row of ``u`` (rows: city-years, columns:
    the n systems, values in [0, 1]); NaN where every U_i is 0 (no system developed: C undefined)."""
    u = np.asarray(u, dtype=float)
    n = u.shape[1]
    rows, columns = np.triu_indices(n, k=1)
    spread = np.abs(u[:, rows] - u[:, columns]).sum(axis=1) / (n * (n - 1) / 2)
    top = u.max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.prod(u / top[:, None], axis=1) ** (1.0 / (n - 1))
    return np.where(top > 0, np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio), np.nan)


def traditional_coupling(u: np.ndarray) -> np.ndarray:
    """The traditional n-system coupling degree n (∏U_i)^{1/n} / ΣU_i (geometric over arithmetic mean)."""
    u = np.asarray(u, dtype=float)
    n = u.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return n * np.prod(u, axis=1) ** (1.0 / n) / u.sum(axis=1)


def coordination_class(d: np.ndarray) -> np.ndarray:
    """Index 0–9 of the class of D: (0.1k, 0.1(k + 1)] → k, D = 0 → 0; D is rounded to 12 decimals
    first so that 0.3 computed as 0.30000000000000004 stays in its class."""
    d = np.round(np.asarray(d, dtype=float), 12)
    return np.clip(np.ceil(d * 10).astype(int) - 1, 0, 9)


def dimension_maxima(weights_by_year: pd.DataFrame, indicator_dimensions: pd.DataFrame) -> pd.DataFrame:
    """W_{t,d}: per year, the sum of the indicator weights of each dimension (wide: year × dimension)."""
    frame = weights_by_year.merge(indicator_dimensions, left_on="indicator", right_on="code", how="left")
    missing = sorted(frame.loc[frame["dimension"].isna(), "indicator"].unique())
    if missing:
        raise ValueError(f"coupling: indicator(s) {missing} of the yearly weights have no dimension in weights.csv")
    return frame.pivot_table(index="year", columns="dimension", values="weight", aggfunc="sum")[list(DIMENSIONS)]


def coupling_table(scores: pd.DataFrame, maxima: pd.DataFrame, alpha: str = "equal") -> pd.DataFrame:
    """U of every dimension, C (modified and traditional), T, D and the class of D per city-year."""
    frame = scores[["admin_code", "year", *DIMENSIONS]].copy()
    bounds = maxima.loc[frame["year"].to_numpy()].to_numpy(dtype=float)
    u = frame[list(DIMENSIONS)].to_numpy(dtype=float) / bounds
    if (u < -1e-12).any() or (u > 1 + 1e-9).any():
        row = np.argwhere((u < -1e-12) | (u > 1 + 1e-9))[0]
        raise ValueError(f"coupling: {DIMENSIONS[row[1]]} of city {frame['admin_code'].iloc[row[0]]} in "
                         f"{frame['year'].iloc[row[0]]} is {u[row[0], row[1]]:.6f} of its dimension weight; "
                         "expected 0–1 (are the scores made with these weights?)")
    u = np.clip(u, 0.0, 1.0)  # only rounding (≤ 1e-9) is clipped
    if alpha == "equal":
        coefficients = np.full_like(u, 1.0 / len(DIMENSIONS))
    elif alpha == "dimension":
        coefficients = bounds / bounds.sum(axis=1, keepdims=True)
    else:
        raise ValueError(f"dynamics.coupling.alpha is {alpha!r}; expected 'equal' or 'dimension'")
    c = modified_coupling(u)
    t = (coefficients * u).sum(axis=1)
    d = np.sqrt(c * t)
    index = coordination_class(np.nan_to_num(d))
    out = frame[["admin_code", "year"]].copy()
    for position, dimension in enumerate(DIMENSIONS):
        out[f"U_{dimension}"] = u[:, position]
    out["C"], out["C_traditional"], out["T"], out["D"] = c, traditional_coupling(u), t, d
    out["class"] = np.where(np.isnan(d), "not defined", np.asarray(CLASSES, dtype=object)[index])
    out["class_cn"] = np.where(np.isnan(d), "无定义", np.asarray(CLASSES_CN, dtype=object)[index])
    return out
