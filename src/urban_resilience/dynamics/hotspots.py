"""Hot and cold spots: Getis–Ord local Gi* (esda ``G_Local`` with ``star=True``).

Notation (Getis & Ord 1992; Ord & Getis 1995): with the binary neighbours of the spatial analysis
plus the city itself, row-standardised (:math:`w_{ij} = 1/(k_i + 1)` for j = i and its k_i neighbours),
:math:`G_i^* = \\sum_j w_{ij} x_j / \\sum_j x_j`, standardised to :math:`Z_i` under randomisation.
A city is a hot spot when :math:`Z_i > 0` (high values around it) and its conditional-permutation
pseudo p-value survives the Benjamini–Hochberg false discovery rate at α over the year's cities (the
same FDR control as the LISA of the analysis stage, esda's ``fdr``); a cold spot when :math:`Z_i < 0`.

Honest at the edges: with fewer than ``min_cities`` cities, or when every city has the same value
(Gi* is then undefined: 0/0 after standardising), nothing is computed: p = 1 and the class says why.
A single city is not tested when its conditional permutations cannot reach α whatever the values,
or all tie with the observed statistic (the rules of the LISA in ``analysis.spatial``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from esda import fdr
from esda.getisord import G_Local
from libpysal import weights

from urban_resilience.analysis import spatial
from urban_resilience.analysis.spatial import stream_seed

NOT_SIGNIFICANT = "not significant"


def binary(w):
    """Binary copy of ``w`` (same neighbours, weight 1): esda's Gi* then puts 1 on the diagonal
    before row-standardising, so each city weighs as one of its neighbours, w_ii = 1/(k_i + 1).
    (Given row-standardised weights, esda would guess the self-weight and warn.)"""
    copy = weights.W(w.neighbors, id_order=w.id_order, silence_warnings=True)
    copy.transform = "b"
    return copy


def gi_star(values: np.ndarray, w, permutations: int, seed: int, alpha: float, min_cities: int
            ) -> pd.DataFrame:
    """Gi* of one cross-section (``values`` in the order of ``w``): z, pseudo p-value, FDR
    significance and class (hot spot, cold spot, not significant, or not computed: …).

    The inference rules are the LISA's (``analysis.spatial``): a city whose conditional draws
    cannot reach ``alpha`` whatever the values (:func:`~urban_resilience.analysis.spatial.local_permutation_support`:
    too few cities with neighbours, an island, too few distinct draws) or whose draws all tie
    with the observed statistic is not computed (p = 1) and left out of the FDR correction;
    ties count as extreme on both sides (:func:`~urban_resilience.analysis.spatial.pseudo_p_value`)."""
    n = len(values)
    reason = ""
    if n < min_cities:
        reason = f"not computed: {n} cities < {min_cities}"
    elif np.ptp(values) == 0:
        reason = "not computed: all values equal"
    if reason:
        return pd.DataFrame({"gi_star": np.nan, "z": np.nan, "p_sim": 1.0, "significant_fdr": False,
                             "hotspot": reason}, index=range(n))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The alternative hypothesis for conditional randomization",
                                category=DeprecationWarning)
        local = G_Local(values, binary(w), transform="R", permutations=permutations, star=True, seed=seed, n_jobs=1,
                        keep_simulations=True)
    p_values = spatial.pseudo_p_value(local.Gs, local.rGs)  # float and bool arrays, one value per city
    tied = spatial.all_tie(local.Gs, local.rGs)
    reasons = [r or ("every conditional permutation gives the observed statistic" if tie else None)
               for r, tie in zip(spatial.local_permutation_support(w, min_cities, alpha), tied)]
    tested = np.array([r is None for r in reasons])
    significant = np.zeros(n, dtype=bool)
    if tested.any():
        significant[tested] = p_values[tested] <= fdr(p_values[tested], alpha)
    p_values[~tested] = 1.0
    hotspot = np.where(significant & (local.Zs > 0), "hot spot",
                       np.where(significant & (local.Zs < 0), "cold spot", NOT_SIGNIFICANT)).astype(object)
    hotspot[~tested] = [f"not computed: {r}" for r in reasons if r is not None]
    return pd.DataFrame({"gi_star": local.Gs, "z": local.Zs, "p_sim": p_values, "significant_fdr": significant,
                         "hotspot": hotspot})


def hotspots_by_year(scores: pd.DataFrame, w, codes: list[str], years: list[int], measures: list[str],
                     permutations: int, seed: int, alpha: float, min_cities: int) -> pd.DataFrame:
    """Gi* of every measure in ``measures`` in each of ``years`` (one row per city, year, measure);
    each year and measure draws its permutations from its own stream (statistic number 2, after
    the global and local Moran of the analysis stage)."""
    frames = []
    for year in years:
        block = scores[scores["year"] == year].set_index("admin_code").loc[codes]
        for measure in measures:
            result = gi_star(block[measure].to_numpy(dtype=float), w, permutations,
                             stream_seed(seed, year, measure, 2), alpha, min_cities)
            frames.append(result.assign(admin_code=codes, year=year, measure=measure))
    columns = ["admin_code", "year", "measure", "gi_star", "z", "p_sim", "significant_fdr", "hotspot"]
    return pd.concat(frames, ignore_index=True)[columns]
