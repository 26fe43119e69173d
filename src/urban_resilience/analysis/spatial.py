"""Spatial autocorrelation: spatial weights, global Moran's I and LISA clusters (PySAL).

Notation: n cities, W the row-standardised weights (w_ij, k_i neighbours of city i), y the values,
z = y − ȳ, S0 = Σ_ij w_ij, P permutations.

- Global Moran's I = (n / S0) · zᵀWz / zᵀz, expectation E[I] = −1/(n − 1); the normal z uses
  esda's variance under normality (NaN, not ±inf, when that variance is 0).
- Pseudo p-value of a permutation test (folded, one-sided in the direction of the observed value):
  p = (min(#{I_p ≥ I − ε}, #{I_p ≤ I + ε}) + 1) / (P + 1) with ε = 10⁻¹² · max(1, |I|, max |I_p|):
  a permuted statistic that ties with the observed one counts as extreme on both sides, so a test
  whose permutations all tie gives p = 1, never 1/(P + 1).
- Permutation support (:func:`permutation_support`, :func:`local_permutation_support`): a test is
  *not computed* (``computed`` false, ``reason`` says why, p-values NaN) when it cannot reach the
  level α whatever the values:
  fewer than ``min_cities`` cities with neighbours; for the global test, n! / |Aut(W)| distinct
  arrangements of n distinct values (Aut(W): the relabellings π with W_π(i)π(j) = W_ij of the
  symmetrised weights, which leave I unchanged), so that the smallest attainable exact p-value
  |Aut(W)| / n! exceeds α (enumerated for n ≤ 8; beyond, n! ≥ 362 880 and the tie count keeps
  p honest); for a local test (conditional permutation: city i keeps its value and its k_i
  neighbours are drawn from the n − 1 others), M_i = (n − 1)! / ((n − 1 − k_i)! · Π_v m_v!)
  distinct draws (m_v: how many of i's weights equal v), so the smallest attainable p-value
  1/M_i exceeds α. In a year, a test is also not computed when the values are equal in every
  city or every permutation ties with the observed statistic.
- Local significance: Benjamini–Hochberg at α over the cities whose test was computed (cities
  that cannot reach α are left out, as in Tarone's procedure for discrete tests).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
from esda import fdr
from esda.moran import Moran, Moran_Local
from libpysal import weights

from urban_resilience.core.vocabulary import MEASURES

MIN_CITIES = 5  # default of spatial.min_cities (config schema): fewer cities, no permutation test
EXACT_AUTOMORPHISMS_UP_TO = 8  # cities up to which |Aut(W)| is counted by enumerating n! relabellings


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


def read_study_weights(path: str, codes: list[str]):
    """(weights, code order) of the study area from the neighbour table written by
    compute_spatial_weights (:func:`weights_from_table` on the file at ``path``)."""
    from urban_resilience.core.io import read_table

    return weights_from_table(read_table(path, dtype={"focal": str, "neighbor": str}), list(codes))


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


def tie_tolerance(observed, simulated: np.ndarray) -> np.ndarray:
    """ε = 10⁻¹² · max(1, |observed|, max |simulated|) along the last axis: permuted statistics
    closer than ε to the observed one are ties (the same arrangement computed in another order)."""
    observed = np.asarray(observed, dtype=float)
    return 1e-12 * np.maximum(np.maximum(1.0, np.abs(observed)), np.abs(simulated).max(axis=-1, initial=0.0))


def pseudo_p_value(observed, simulated: np.ndarray):
    """Folded (one-sided, in the direction of the observed value) pseudo p-value, as esda's
    ``p_sim`` but with ties counted as extreme on both sides:
    (min(#{I_p ≥ I − ε}, #{I_p ≤ I + ε}) + 1) / (P + 1), ε from :func:`tie_tolerance`.
    ``simulated`` has the P permuted statistics on its last axis (one row per city for local
    tests, with ``observed`` one value per city); without ties this is esda's p_sim."""
    simulated = np.asarray(simulated, dtype=float)
    observed = np.asarray(observed, dtype=float)
    tolerance = tie_tolerance(observed, simulated)
    upper = (simulated >= (observed - tolerance)[..., None]).sum(axis=-1)
    lower = (simulated <= (observed + tolerance)[..., None]).sum(axis=-1)
    p = (np.minimum(upper, lower) + 1) / (simulated.shape[-1] + 1)
    return float(p) if p.ndim == 0 else p


def all_tie(observed, simulated: np.ndarray):
    """Whether every permuted statistic ties with the observed one (within :func:`tie_tolerance`)."""
    simulated = np.asarray(simulated, dtype=float)
    observed = np.asarray(observed, dtype=float)
    result = (np.abs(simulated - observed[..., None]) <= tie_tolerance(observed, simulated)[..., None]).all(axis=-1)
    return bool(result) if result.ndim == 0 else result


def automorphisms(w) -> int | None:
    """|Aut(W)|: the relabellings π of the cities with S_π(i)π(j) = S_ij for S = W + Wᵀ (they leave
    every zᵀWz, hence Moran's I, unchanged), counted by enumerating all n! relabellings; None for
    more than :data:`EXACT_AUTOMORPHISMS_UP_TO` cities."""
    if w.n > EXACT_AUTOMORPHISMS_UP_TO:
        return None
    dense = w.full()[0]
    symmetric = dense + dense.T
    order = np.array(list(itertools.permutations(range(w.n))))  # at most 8! × 8
    relabelled = symmetric[order[:, :, None], order[:, None, :]]
    return int(np.isclose(relabelled, symmetric, rtol=0, atol=1e-12).all(axis=(1, 2)).sum())


def permutation_support(w, min_cities: int, alpha: float) -> str | None:
    """Why a permutation test of a global statistic on these weights cannot reach ``alpha``
    whatever the values (the reason, to be shown as "not computed: <reason>"), or None if it can:
    fewer than ``min_cities`` cities with a neighbour, a city without neighbours, or (up to
    :data:`EXACT_AUTOMORPHISMS_UP_TO` cities) a smallest attainable exact p-value |Aut(W)| / n!
    above ``alpha``. Reusable for any statistic that is invariant under the automorphisms of W."""
    islands = sorted(map(str, w.islands))
    with_neighbours = w.n - len(islands)
    if with_neighbours < min_cities:
        return f"{with_neighbours} cities with neighbours, fewer than spatial.min_cities = {min_cities}"
    if islands:
        return f"city {', '.join(islands)} has no neighbours in the study area"
    symmetries = automorphisms(w)
    if symmetries is not None:
        arrangements = math.factorial(w.n) // symmetries
        smallest = symmetries / math.factorial(w.n)
        if smallest > alpha:
            return (f"{w.n} cities have only {_count(arrangements, 'distinct arrangement')} under these weights: "
                    f"the smallest attainable p-value {smallest:.3g} exceeds alpha = {alpha:g}")
    return None


def _count(number: int, noun: str) -> str:
    """'1 neighbour', '2 neighbours'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def conditional_draws(w) -> list[int]:
    """M_i, the distinct neighbour configurations of a conditional permutation for each city (in
    ``w.id_order``): (n − 1)! / ((n − 1 − k_i)! · Π_v m_v!), k_i neighbours drawn in order from the
    n − 1 other cities, m_v the number of i's weights equal to v (equal weights: order irrelevant)."""
    draws = []
    for code in w.id_order:
        row = np.round(np.asarray(w.weights[code], dtype=float), 12)
        _, multiplicities = np.unique(row, return_counts=True)
        draws.append(math.perm(w.n - 1, len(row)) // math.prod(math.factorial(int(m)) for m in multiplicities))
    return draws


def local_permutation_support(w, min_cities: int, alpha: float) -> list[str | None]:
    """For each city of ``w.id_order``: why its conditional permutation test (local Moran, Getis–Ord
    G_i / G_i*: its k_i neighbours drawn from the n − 1 other cities) cannot reach ``alpha``
    whatever the values, or None if it can. The study area first (:func:`permutation_support`
    without the global arrangement count), then each city: smallest attainable p-value 1/M_i
    (:func:`conditional_draws`) above ``alpha``."""
    area = permutation_support(w, min_cities, 1.0)  # alpha 1: only the size and island rules
    if area:
        return [area] * w.n
    return [None if 1 / draws <= alpha else
            (f"{_count(len(w.neighbors[code]), 'neighbour')} drawn from {w.n - 1} other cities: "
             f"{_count(draws, 'distinct draw')}, "
             f"the smallest attainable p-value {1 / draws:.3g} exceeds alpha = {alpha:g}")
            for code, draws in zip(w.id_order, conditional_draws(w))]


def moran_by_year(scores: pd.DataFrame, w, codes: list[str], permutations: int, seed: int,
                  alpha: float, local_measures: tuple[str, ...] = ("total",),
                  min_cities: int = MIN_CITIES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(global Moran's I per year and measure, local Moran / LISA per city and year for the
    ``local_measures``, by default the total).

    Pseudo p-values come from ``permutations`` permutations, drawn from an independent stream per
    year, measure and statistic (:func:`stream_seed`): of all values for the global statistic,
    conditional (each city's neighbours) for the local one; ties count as extreme
    (:func:`pseudo_p_value`). Local significance is judged after the Benjamini–Hochberg false
    discovery rate at ``alpha`` over the computed cities. Every row says whether its test was
    ``computed`` and, if not, the ``reason`` (:func:`permutation_support`,
    :func:`local_permutation_support`, equal values, all permutations tied); its p-values are then
    NaN and its cluster "not computed" (the statistic itself and the quadrant are still given).
    """
    with warnings.catch_warnings():
        # esda announces that its permutation p-value will become two-sided in a later release;
        # this version's p_sim is the directed (folded, one-sided) pseudo p-value, documented as such
        warnings.filterwarnings("ignore", message="The alternative hypothesis for conditional randomization",
                                category=DeprecationWarning)
        return _moran_by_year(scores, w, codes, permutations, seed, alpha, local_measures, min_cities)


def stream_seed(seed: int, year: int, measure: str, statistic: int) -> int:
    """An independent random stream for each year, measure and statistic (0 global, 1 local),
    derived from the configured ``seed`` by NumPy's SeedSequence: no two tests share their draws."""
    key = [seed, int(year), MEASURES.index(measure), statistic]
    return int(np.random.SeedSequence(key).generate_state(1)[0])


QUADRANTS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}  # esda's q


def _global_row(y: np.ndarray, w, permutations: int, seed: int, support: str | None) -> dict:
    """One row of the global table: Moran's I, E[I], and (if computed) normal z, p and pseudo p."""
    constant = np.ptp(y) == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        moran = Moran(y, w, permutations=0)
    row = {"moran_i": math.nan if constant else moran.I, "expected_i": moran.EI, "z_norm": math.nan,
           "p_norm": math.nan, "p_sim": math.nan, "permutations": permutations}
    reason = support or ("the values are equal in every city" if constant else None)
    if reason is None:
        simulated = permuted_moran(y, w, permutations, seed)
        if all_tie(moran.I, simulated):
            reason = "every permutation gives the observed statistic"
        else:
            normal = moran.seI_norm > 1e-12 * max(1.0, abs(moran.I))
            row.update(z_norm=moran.z_norm if normal else math.nan, p_norm=moran.p_norm if normal else math.nan,
                       p_sim=pseudo_p_value(moran.I, simulated))
    return {**row, "computed": reason is None, "reason": reason or ""}


def local_moran(y: np.ndarray, w) -> tuple[np.ndarray, list[str]]:
    """(local Moran I_i = (n − 1) · z_i · (Wz)_i / Σ_j z_j², quadrant of each city) without
    inference, as esda's ``Is`` and ``q`` (a value at or below the mean, or a lag at or below 0,
    counts as low); for study areas too small for esda's moments (two cities)."""
    z = np.asarray(y, dtype=float) - np.mean(y)
    lag = w.sparse @ z
    statistic = (len(z) - 1) * z * lag / (z @ z)
    names = {(True, True): "high-high", (False, True): "low-high", (False, False): "low-low", (True, False): "high-low"}
    return statistic, [names[(bool(a > 0), bool(b > 0))] for a, b in zip(z, lag)]


def _local_rows(y: np.ndarray, w, codes: list[str], permutations: int, seed: int, alpha: float,
                support: list[str | None]) -> list[dict]:
    """The local Moran rows of one year and measure (see :func:`moran_by_year`)."""
    if np.ptp(y) == 0:  # no deviations from the mean: no statistic, no quadrant
        return [{"admin_code": code, "local_i": math.nan, "quadrant": "", "p_sim": math.nan, "significant_fdr": False,
                 "cluster": "not computed", "computed": False, "reason": reason or "the values are equal in every city"}
                for code, reason in zip(codes, support)]
    if all(support):  # nothing to test: the statistic and quadrant only
        statistic, quadrants = local_moran(y, w)
        return [{"admin_code": code, "local_i": value, "quadrant": q, "p_sim": math.nan, "significant_fdr": False,
                 "cluster": "not computed", "computed": False, "reason": reason}
                for code, value, q, reason in zip(codes, statistic, quadrants, support)]
    with np.errstate(divide="ignore", invalid="ignore"):  # esda's z_sim of a city whose draws all tie
        local = Moran_Local(y, w, permutations=permutations, seed=seed, keep_simulations=True)
    p_values = pseudo_p_value(local.Is, local.rlisas)
    tied = all_tie(local.Is, local.rlisas)
    reasons = [r or ("every conditional permutation gives the observed statistic" if t else None)
               for r, t in zip(support, tied)]
    computed = np.array([r is None for r in reasons])
    significant = np.zeros(len(codes), dtype=bool)
    if computed.any():
        significant[computed] = p_values[computed] <= fdr(p_values[computed], alpha)
    p_values[~computed] = math.nan
    return [{"admin_code": code, "local_i": value, "quadrant": QUADRANTS[int(q)], "p_sim": p,
             "significant_fdr": bool(sig),
             "cluster": (QUADRANTS[int(q)] if sig else "not significant") if ok else "not computed",
             "computed": bool(ok), "reason": reason or ""}
            for code, value, q, p, sig, ok, reason in zip(codes, local.Is, local.q, p_values, significant, computed,
                                                          reasons)]


def _moran_by_year(scores, w, codes, permutations, seed, alpha, local_measures, min_cities):
    """:func:`moran_by_year` without the warnings filter."""
    global_support = permutation_support(w, min_cities, alpha)
    local_support = local_permutation_support(w, min_cities, alpha)
    global_rows, local_rows = [], []
    for year, block in scores.groupby("year", sort=True):
        block = block.set_index("admin_code").loc[codes]
        for measure in MEASURES:
            y = block[measure].to_numpy(dtype=float)
            global_rows.append({"year": year, "measure": measure,
                                **_global_row(y, w, permutations, stream_seed(seed, year, measure, 0),
                                              global_support)})
            if measure in local_measures:
                rows = _local_rows(y, w, codes, permutations, stream_seed(seed, year, measure, 1), alpha,
                                   local_support)
                local_rows += [{"admin_code": r.pop("admin_code"), "year": year, "measure": measure, **r}
                               for r in rows]
    return pd.DataFrame(global_rows), pd.DataFrame(local_rows)
