"""Statistical audit of the index (OECD/JRC Handbook on composite indicators, steps 4 and 7):
do a dimension's indicators belong together, are any distributions too skewed for min–max
standardisation, and does each indicator's influence on the index match its nominal weight?

Notation: x'_j the standardised indicator (direction applied), RES_λ a dimension score, RES the
total, all pooled over the city-years the index was computed on; k indicators in a dimension.

- Correlations: Pearson r and Spearman ρ of x'_j with its own dimension score and with the total.
- Cronbach's alpha of a dimension: α = k/(k − 1) · (1 − Σ_j var(x'_j) / var(Σ_j x'_j))
  (sample variances); α ≥ 0.7 is the usual reading of "the indicators measure one thing".
- First principal component: λ_1 / Σ λ of the eigenvalues of the dimension's correlation matrix.
- Skewness and kurtosis: the bias-corrected sample skewness G1 and excess kurtosis G2 of the raw
  indicator (as COINr and e1071 type 2); flagged when |G1| > 2 and G2 > 3.5 (the JRC rule).
- Importance (Paruolo, Saisana and Saltelli 2013): the correlation ratio
  η²_j = V[E(RES | x'_j)] / V(RES), estimated by the means of RES in B quantile bins of x'_j:
  η² = Σ_b n_b (ȳ_b − ȳ)² / Σ_i (y_i − ȳ)²; its share η²_j / Σ_k η²_k is set beside the weight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import kurtosis, skew

from urban_resilience.core.vocabulary import DIMENSIONS


def cronbach_alpha(values: np.ndarray) -> float:
    """α = k/(k − 1) (1 − Σ var_j / var(Σ_j x_j)), variances with ddof = 1; columns are items."""
    k = values.shape[1]
    if k < 2:
        return float("nan")
    items = values.var(axis=0, ddof=1).sum()
    total = values.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1.0 - items / total))


def first_component_share(values: np.ndarray) -> float:
    """λ_1 / Σ λ of the correlation matrix of the columns (1 for a single column)."""
    if values.shape[1] < 2:
        return 1.0
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(values, rowvar=False))
    return float(eigenvalues[-1] / eigenvalues.sum())


def correlation_ratio(x: np.ndarray, y: np.ndarray, bins: int) -> float:
    """η² = Σ_b n_b (ȳ_b − ȳ)² / Σ (y − ȳ)² over ``bins`` quantile bins of x (tied x share a bin)."""
    groups = pd.qcut(x, bins, labels=False, duplicates="drop")
    frame = pd.DataFrame({"bin": groups, "y": y})
    means = frame.groupby("bin")["y"].agg(["mean", "size"])
    between = float((means["size"] * (means["mean"] - y.mean()) ** 2).sum())
    return between / float(((y - y.mean()) ** 2).sum())


def indicator_correlations(standardised: pd.DataFrame, scores: pd.DataFrame, dimensions: dict[str, str]
                           ) -> pd.DataFrame:
    """Per indicator: Pearson and Spearman correlation with its dimension score and with the total."""
    rows = []
    for code in standardised.columns:
        x = standardised[code]
        row = {"indicator": code, "dimension": dimensions[code]}
        for target, y in (("dimension", scores[dimensions[code]]), ("total", scores["total"])):
            row[f"pearson_{target}"] = float(x.corr(y))
            row[f"spearman_{target}"] = float(x.corr(y, method="spearman"))
        rows.append(row)
    return pd.DataFrame(rows)


def dimension_consistency(standardised: pd.DataFrame, dimensions: dict[str, str]) -> pd.DataFrame:
    """Per dimension: number of indicators, Cronbach's alpha, first principal component's share."""
    rows = []
    for dimension in DIMENSIONS:
        members = [c for c in standardised.columns if dimensions[c] == dimension]
        values = standardised[members].to_numpy(dtype=float)
        rows.append({"dimension": dimension, "indicators": len(members), "cronbach_alpha": cronbach_alpha(values),
                     "pc1_share": first_component_share(values)})
    return pd.DataFrame(rows)


def distribution_flags(panel: pd.DataFrame, skew_limit: float, kurtosis_limit: float) -> pd.DataFrame:
    """Per indicator: G1 skewness, G2 excess kurtosis of the raw values and ``flagged`` when
    |G1| > ``skew_limit`` and G2 > ``kurtosis_limit``."""
    values = panel.to_numpy(dtype=float)
    g1 = skew(values, axis=0, bias=False)
    g2 = kurtosis(values, axis=0, fisher=True, bias=False)
    return pd.DataFrame({"indicator": panel.columns, "skewness": g1, "kurtosis": g2,
                         "flagged": (np.abs(g1) > skew_limit) & (g2 > kurtosis_limit)})


def importance(standardised: pd.DataFrame, total: pd.Series, weights: pd.Series, bins: int) -> pd.DataFrame:
    """Per indicator: nominal weight, η² of the total on x'_j, the normalised importance η²/Ση²,
    and the ratio of the normalised importance to the weight (1 = influence as nominal)."""
    y = total.to_numpy(dtype=float)
    eta = np.array([correlation_ratio(standardised[c].to_numpy(dtype=float), y, bins) for c in standardised.columns])
    frame = pd.DataFrame({"indicator": standardised.columns, "weight": weights.reindex(standardised.columns).to_numpy(),
                          "importance": eta})
    frame["importance_share"] = frame["importance"] / frame["importance"].sum()
    frame["share_to_weight"] = frame["importance_share"] / frame["weight"]
    return frame
