"""Disparities between cities: Theil and Dagum Gini decompositions, kernel densities of totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from inequality.theil import TheilD
from scipy.stats import gaussian_kde


def theil_decomposition(values: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """Theil T with its between- and within-group parts (PySAL inequality.theil.TheilD)."""
    result = TheilD(np.asarray(values, dtype=float), np.asarray(groups))
    total, between = float(np.ravel(result.T)[0]), float(np.ravel(result.bg)[0])
    return {"theil": total, "between": between, "within": total - between}


def dagum_gini(values: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """Dagum (1997) decomposition of the Gini coefficient: G = G_w + G_nb + G_t.

    With n_j, μ_j the size and mean of group j, p_j = n_j/n, s_j = n_j μ_j/(n μ):
    G = Σ_j Σ_h Σ_i Σ_r |y_ji − y_hr| / (2 n² μ);
    G_jj = Σ_i Σ_r |y_ji − y_jr| / (2 n_j² μ_j); G_w = Σ_j G_jj p_j s_j;
    G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (μ_j + μ_h));
    for μ_j ≥ μ_h: d_jh = mean of (y_j − y_h)⁺ over all pairs, p_jh = mean of (y_h − y_j)⁺,
    D_jh = (d_jh − p_jh)/(d_jh + p_jh);
    G_nb = Σ_{j≠h pairs} G_jh (p_j s_h + p_h s_j) D_jh; G_t = Σ G_jh (p_j s_h + p_h s_j)(1 − D_jh).
    """
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    n, mu = len(y), y.mean()
    total = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * n * mu)
    labels = sorted(set(g.tolist()), key=lambda label: (y[g == label].mean(), str(label)))
    parts = {label: y[g == label] for label in labels}
    share_n = {label: len(v) / n for label, v in parts.items()}
    share_y = {label: v.sum() / (n * mu) for label, v in parts.items()}
    within = sum(np.abs(v[:, None] - v[None, :]).sum() / (2 * len(v) ** 2 * v.mean()) * share_n[k] * share_y[k]
                 for k, v in parts.items())
    net_between = transvariation = 0.0
    for a_index, low in enumerate(labels):
        for high in labels[a_index + 1:]:  # mean(high) >= mean(low)
            yh, yl = parts[high], parts[low]
            diff = yh[:, None] - yl[None, :]
            g_jh = np.abs(diff).sum() / (len(yh) * len(yl) * (yh.mean() + yl.mean()))
            d_jh, p_jh = np.clip(diff, 0, None).mean(), np.clip(-diff, 0, None).mean()
            big_d = (d_jh - p_jh) / (d_jh + p_jh) if d_jh + p_jh > 0 else 0.0
            weight = share_n[high] * share_y[low] + share_n[low] * share_y[high]
            net_between += g_jh * weight * big_d
            transvariation += g_jh * weight * (1 - big_d)
    return {"gini": float(total), "within": float(within), "net_between": float(net_between),
            "transvariation": float(transvariation)}


def inequality_by_year(scores: pd.DataFrame, group: str = "province_en") -> pd.DataFrame:
    """Theil and Dagum decompositions of the total across cities (groups = provinces), per year."""
    rows = []
    for year, block in scores.groupby("year", sort=True):
        theil = theil_decomposition(block["total"].to_numpy(), block[group].to_numpy())
        dagum = dagum_gini(block["total"].to_numpy(), block[group].to_numpy())
        rows.append({"year": year, **{f"theil_{k}" if k != "theil" else k: v for k, v in theil.items()},
                     **{f"gini_{k}" if k != "gini" else k: v for k, v in dagum.items()}})
    return pd.DataFrame(rows)


def kernel_density(scores: pd.DataFrame, years: list[int], points: int = 200) -> pd.DataFrame:
    """Gaussian kernel density (Scott's bandwidth) of city totals for the given years, on one grid
    reaching three bandwidths beyond the data (so each curve integrates to about 1)."""
    chosen = scores[scores["year"].isin(years)]
    kernels = {year: gaussian_kde(block["total"]) for year, block in chosen.groupby("year", sort=True)}
    reach = 3 * max(float(np.sqrt(k.covariance[0, 0])) for k in kernels.values())  # three bandwidths
    grid = np.linspace(chosen["total"].min() - reach, chosen["total"].max() + reach, points)
    frames = [pd.DataFrame({"year": year, "total": grid, "density": kernel(grid)}) for year, kernel in kernels.items()]
    return pd.concat(frames, ignore_index=True)
