"""Spatial autocorrelation: spatial weights, global Moran's I and LISA clusters (PySAL)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from esda import fdr
from esda.moran import Moran, Moran_Local
from libpysal import weights

from urban_resilience.core.vocabulary import MEASURES


def neighbour_table(boundaries, kind: str, k: int) -> pd.DataFrame:
    """Binary spatial neighbours as a table (focal, neighbor, weight = 1), by admin code: queen
    contiguity of the polygons, or the k nearest neighbours of the polygon centroids (computed in
    an equal-area projection). Built once per boundary set, so a data fix does not redo it."""
    frame = boundaries.sort_values("admin_code").reset_index(drop=True)
    codes = list(frame["admin_code"])
    if kind == "queen":
        w = weights.Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
        if w.islands:
            islands = ", ".join(frame.loc[w.islands, "admin_code"])
            raise ValueError(f"queen contiguity leaves city {islands} without neighbours; use spatial.weights: knn")
    else:
        centroids = frame.to_crs("EPSG:6933").geometry.centroid
        w = weights.KNN.from_array(np.column_stack([centroids.x, centroids.y]), k=k)
    rows = [(codes[i], codes[j]) for i in range(len(codes)) for j in w.neighbors[i]]
    table = pd.DataFrame(rows, columns=["focal", "neighbor"]).sort_values(["focal", "neighbor"], ignore_index=True)
    return table.assign(weight=1)


def weights_from_table(table: pd.DataFrame, codes: list[str]):
    """(Row-standardised libpysal weights over ``codes`` in sorted order, that order) from a
    neighbour table; every city of ``codes`` needs a neighbour among ``codes``."""
    order = sorted(codes)
    missing = sorted(set(order) - set(table["focal"]))
    if missing:
        raise ValueError(f"spatial weights: no neighbours for city {', '.join(missing)}; rebuild the weights")
    table = table[table["focal"].isin(order) & table["neighbor"].isin(order)]
    neighbours = {code: list(block["neighbor"]) for code, block in table.groupby("focal", sort=True)}
    isolated = [code for code in order if code not in neighbours]
    if isolated:
        raise ValueError(f"spatial weights: no neighbours within the study area for city {', '.join(isolated)}")
    values = {code: [float(v) for v in block["weight"]] for code, block in table.groupby("focal", sort=True)}
    w = weights.W(neighbours, values, id_order=order, silence_warnings=True)
    w.transform = "r"
    return w, order


def permuted_moran(y: np.ndarray, w, permutations: int, seed: int) -> np.ndarray:
    """Moran's I of ``permutations`` random relabellings of the cities, all at once:
    I_p = (n / S0) · z_pᵀ W z_p / zᵀz with z = y − ȳ and z_p a permutation of z.
    (esda's Moran computes the same distribution one permutation at a time in Python.)"""
    z = np.asarray(y, dtype=float) - np.mean(y)
    shuffled = np.random.default_rng(seed).permuted(np.tile(z, (permutations, 1)), axis=1)
    lagged = (w.sparse @ shuffled.T).T
    return len(z) / w.s0 * np.einsum("ij,ij->i", shuffled, lagged) / (z @ z)


def pseudo_p_value(observed: float, simulated: np.ndarray) -> float:
    """Folded (one-sided, in the direction of the observed value) pseudo p-value, as esda's
    ``p_sim``: (min(#{I_p ≥ I}, #{I_p < I}) + 1) / (permutations + 1)."""
    larger = int((simulated >= observed).sum())
    larger = min(larger, len(simulated) - larger)
    return (larger + 1) / (len(simulated) + 1)


def moran_by_year(scores: pd.DataFrame, w, codes: list[str], permutations: int, seed: int,
                  alpha: float, local_measures: tuple[str, ...] = ("total",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(global Moran's I per year and measure, local Moran / LISA per city and year for the
    ``local_measures``, by default the total).

    Pseudo p-values come from ``permutations`` permutations, drawn from an independent stream per
    year, measure and statistic (:func:`stream_seed`): of all values for the global statistic,
    conditional (each city's neighbours) for the local one; local significance is
    judged after the Benjamini–Hochberg false discovery rate at ``alpha``.
    """
    with warnings.catch_warnings():
        # esda announces that its permutation p-value will become two-sided in a later release;
        # this version's p_sim is the directed (folded, one-sided) pseudo p-value, documented as such
        warnings.filterwarnings("ignore", message="The alternative hypothesis for conditional randomization",
                                category=DeprecationWarning)
        return _moran_by_year(scores, w, codes, permutations, seed, alpha, local_measures)


def stream_seed(seed: int, year: int, measure: str, statistic: int) -> int:
    """An independent random stream for each year, measure and statistic (0 global, 1 local),
    derived from the configured ``seed`` by NumPy's SeedSequence: no two tests share their draws."""
    key = [seed, int(year), MEASURES.index(measure), statistic]
    return int(np.random.SeedSequence(key).generate_state(1)[0])


def _moran_by_year(scores, w, codes, permutations, seed, alpha, local_measures):
    """:func:`moran_by_year` without the warnings filter."""
    quadrant = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}
    global_rows, local_rows = [], []
    for year, block in scores.groupby("year", sort=True):
        block = block.set_index("admin_code").loc[codes]
        for measure in MEASURES:
            y = block[measure].to_numpy(dtype=float)
            moran = Moran(y, w, permutations=0)
            p_sim = pseudo_p_value(moran.I, permuted_moran(y, w, permutations, stream_seed(seed, year, measure, 0)))
            global_rows.append({"year": year, "measure": measure, "moran_i": moran.I, "expected_i": moran.EI,
                                "z_norm": moran.z_norm, "p_norm": moran.p_norm, "p_sim": p_sim,
                                "permutations": permutations})
            if measure not in local_measures:
                continue
            local = Moran_Local(y, w, permutations=permutations, seed=stream_seed(seed, year, measure, 1))
            threshold = fdr(local.p_sim, alpha)
            significant = local.p_sim <= threshold
            for code, value, q, p, sig in zip(codes, local.Is, local.q, local.p_sim, significant):
                local_rows.append({"admin_code": code, "year": year, "measure": measure, "local_i": value,
                                   "quadrant": quadrant[int(q)], "p_sim": p, "significant_fdr": bool(sig),
                                   "cluster": quadrant[int(q)] if sig else "not significant"})
    return pd.DataFrame(global_rows), pd.DataFrame(local_rows)
