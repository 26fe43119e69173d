"""Statistics on the scores: what the paper reports (METHOD.md §5) and what it only describes.

All functions take the scores table (one row per city-year with the dimension columns and
``total``) or plain arrays, and return tidy tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from urban_resilience.tables import DIMENSIONS

MEASURES = (*DIMENSIONS, "total")
TIERS = ("low", "lower-middle", "middle", "upper-middle", "high")
DDOF = 1  # standard deviations across cities are sample standard deviations


def yearly_means(scores: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Mean of every measure per year (and per group column ``by``, e.g. province)."""
    keys = ["year"] if by is None else [by, "year"]
    return scores.groupby(keys, sort=True)[list(MEASURES)].mean().reset_index()


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
    """Five tiers by relative deviation d = (x − r)/r from the reference r (METHOD.md §5):
    low d ≤ −30 %; lower-middle −30 % < d < −10 %; middle −10 % ≤ d < +10 %;
    upper-middle +10 % ≤ d < +30 %; high d ≥ +30 %. d is rounded to 12 decimals first so that
    values exactly on a boundary land where the definition puts them."""
    d = np.round(np.asarray(deviation, dtype=float), 12)
    return np.select([d <= -0.3, d < -0.1, d < 0.1, d < 0.3], list(TIERS[:4]), default=TIERS[4])


def classify(scores: pd.DataFrame, reference: float | str, all_scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tier of every city-year of ``scores`` (the study area). The reference is the year's mean
    total of the study area (``study_area_mean``), of all configured cities (``cities_mean``,
    from ``all_scores``; the paper's national mean), or a number."""
    frame = scores[["admin_code", "name_cn", "name_en", "province_en", "year", "total"]].copy()
    if reference == "study_area_mean":
        frame["reference"] = frame.groupby("year")["total"].transform("mean")
    elif reference == "cities_mean":
        frame["reference"] = frame["year"].map((all_scores if all_scores is not None else scores)
                                               .groupby("year")["total"].mean())
    else:
        frame["reference"] = float(reference)
    frame["deviation"] = (frame["total"] - frame["reference"]) / frame["reference"]
    frame["tier"] = tier(frame["deviation"])
    return frame


def dimension_obstacle_shares(dimension_obstacles: pd.DataFrame) -> pd.DataFrame:
    """Mean obstacle degree (%) of each dimension across cities, per year."""
    return dimension_obstacles.groupby("year")[list(DIMENSIONS)].mean().reset_index()


# ---------------------------------------------------------------------------------- inequality

def theil_decomposition(values: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """Theil T with its between- and within-group parts (PySAL inequality.theil.TheilD)."""
    from inequality.theil import TheilD

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
    from scipy.stats import gaussian_kde

    chosen = scores[scores["year"].isin(years)]
    kernels = {year: gaussian_kde(block["total"]) for year, block in chosen.groupby("year", sort=True)}
    reach = 3 * max(float(np.sqrt(k.covariance[0, 0])) for k in kernels.values())  # three bandwidths
    grid = np.linspace(chosen["total"].min() - reach, chosen["total"].max() + reach, points)
    frames = [pd.DataFrame({"year": year, "total": grid, "density": kernel(grid)}) for year, kernel in kernels.items()]
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------- spatial

def spatial_weights(boundaries, kind: str, k: int):
    """Row-standardised spatial weights: queen contiguity of the polygons, or k nearest neighbours
    of the polygon centroids (computed in an equal-area projection)."""
    from libpysal import weights

    frame = boundaries.sort_values("admin_code").reset_index(drop=True)
    if kind == "queen":
        w = weights.Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
        if w.islands:
            islands = ", ".join(frame.loc[w.islands, "admin_code"])
            raise ValueError(f"queen contiguity leaves city {islands} without neighbours; use spatial.weights: knn")
    else:
        centroids = frame.to_crs("EPSG:6933").geometry.centroid
        w = weights.KNN.from_array(np.column_stack([centroids.x, centroids.y]), k=k)
    w.transform = "r"
    return w, list(frame["admin_code"])


def moran_by_year(scores: pd.DataFrame, w, codes: list[str], permutations: int, seed: int,
                  alpha: float, local_measures: tuple[str, ...] = ("total",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(global Moran's I per year and measure, local Moran / LISA per city and year for the
    ``local_measures``, by default the total).

    Pseudo p-values come from ``permutations`` conditional permutations with a fixed seed; local
    significance is judged after the Benjamini–Hochberg false discovery rate at ``alpha``.
    """
    import warnings

    from esda import fdr
    from esda.moran import Moran, Moran_Local

    # esda announces that its permutation p-value will become two-sided in a later release; this
    # version's p_sim is the directed (folded, one-sided) pseudo p-value, documented as such
    warnings.filterwarnings("ignore", message="The alternative hypothesis for conditional randomization",
                            category=DeprecationWarning)

    quadrant = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
    global_rows, local_rows = [], []
    for year, block in scores.groupby("year", sort=True):
        block = block.set_index("admin_code").loc[codes]
        for measure in MEASURES:
            y = block[measure].to_numpy(dtype=float)
            np.random.seed(seed)  # esda's global Moran draws its permutations from NumPy's global generator
            moran = Moran(y, w, permutations=permutations)
            global_rows.append({"year": year, "measure": measure, "moran_i": moran.I, "expected_i": moran.EI,
                                "z_norm": moran.z_norm, "p_norm": moran.p_norm, "p_sim": moran.p_sim,
                                "permutations": permutations})
            if measure not in local_measures:
                continue
            local = Moran_Local(y, w, permutations=permutations, seed=seed)
            threshold = fdr(local.p_sim, alpha)
            significant = local.p_sim <= threshold
            for code, value, q, p, sig in zip(codes, local.Is, local.q, local.p_sim, significant):
                local_rows.append({"admin_code": code, "year": year, "measure": measure, "local_i": value,
                                   "quadrant": quadrant[int(q)], "p_sim": p, "significant_fdr": bool(sig),
                                   "cluster": quadrant[int(q)] if sig else "not significant"})
    return pd.DataFrame(global_rows), pd.DataFrame(local_rows)
