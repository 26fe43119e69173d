"""Disparities between cities: Theil and Dagum Gini decompositions, kernel densities of totals.

Plain NumPy: the formulas are a few lines each, while importing PySAL's ``inequality`` and
``scipy.stats`` took 2–3 s of every run (profiled); the tests check each function against those
libraries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def x_log_x(x: np.ndarray) -> np.ndarray:
    """x ln x with 0 ln 0 = 0 (its limit), elementwise."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)


def theil_decomposition(values: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """Theil T = (1/n) Σ_i (y_i/μ) ln(y_i/μ) with its between-group part
    T_b = Σ_g (n_g/n)(μ_g/μ) ln(μ_g/μ) and within-group part T − T_b (as PySAL's TheilD);
    0 ln 0 = 0, so a city or group at 0 adds nothing (all values 0: no inequality, T = 0)."""
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    if y.mean() == 0:
        return {"theil": 0.0, "between": 0.0, "within": 0.0}
    total = float(np.mean(x_log_x(y / y.mean())))
    between = 0.0
    for group in np.unique(g):
        part = y[g == group]
        between += len(part) / len(y) * float(x_log_x(part.mean() / y.mean()))
    return {"theil": total, "between": float(between), "within": total - float(between)}


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


def scott_bandwidth(sample: np.ndarray) -> float:
    """Scott's rule for one dimension: h = s · n^(−1/5), s the sample standard deviation (ddof 1)."""
    x = np.asarray(sample, dtype=float)
    return float(np.std(x, ddof=1) * len(x) ** (-1 / 5))


def gaussian_density(sample: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Gaussian kernel density of ``sample`` on ``grid`` with Scott's bandwidth h:
    f(x) = Σ_i φ((x − x_i)/h) / (n h), as scipy.stats.gaussian_kde."""
    x = np.asarray(sample, dtype=float)
    h = scott_bandwidth(x)
    u = (np.asarray(grid, dtype=float)[:, None] - x[None, :]) / h
    return np.exp(-0.5 * u * u).sum(axis=1) / (len(x) * h * np.sqrt(2 * np.pi))


def kernel_density(scores: pd.DataFrame, years: list[int], points: int = 200) -> pd.DataFrame:
    """Gaussian kernel density (Scott's bandwidth) of city totals for the given years, on one grid
    reaching three bandwidths beyond the data (so each curve integrates to about 1)."""
    chosen = scores[scores["year"].isin(years)]
    samples = {year: block["total"].to_numpy(dtype=float) for year, block in chosen.groupby("year", sort=True)}
    reach = 3 * max(scott_bandwidth(sample) for sample in samples.values())
    grid = np.linspace(chosen["total"].min() - reach, chosen["total"].max() + reach, points)
    frames = [pd.DataFrame({"year": year, "total": grid, "density": gaussian_density(sample, grid)})
              for year, sample in samples.items()]
    return pd.concat(frames, ignore_index=True)
