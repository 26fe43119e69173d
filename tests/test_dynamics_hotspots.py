"""Getis–Ord Gi* hot spots: against esda, a constant field, a planted cluster, too few cities."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from esda import fdr
from esda.getisord import G_Local
from libpysal.weights import fill_diagonal, lat2W

from urban_resilience.analysis import spatial
from urban_resilience.dynamics import hotspots


def lattice(side: int):
    w = lat2W(side, side)
    w.transform = "r"
    return w


def test_gi_star_values_are_esdas():
    w = lattice(6)
    values = np.random.default_rng(1).lognormal(size=36)
    ours = hotspots.gi_star(values, w, 199, 42, 0.05, 10)
    binary = lat2W(6, 6)  # binary contiguity with the city itself weighted 1, then row-standardised
    reference = G_Local(values, fill_diagonal(binary, 1.0), transform="R", permutations=199, star=None, seed=42,
                        n_jobs=1)
    # a corner cell by hand: itself and its two neighbours, each weighted 1/3, over the total
    assert ours["gi_star"].iloc[0] == pytest.approx((values[0] + values[1] + values[6]) / 3 / values.sum())
    np.testing.assert_allclose(ours["gi_star"], reference.Gs)
    np.testing.assert_allclose(ours["z"], reference.Zs)
    # p-values: esda's where no permuted statistic ties with the observed one; a tie (a draw of the
    # city's own neighbours again) counts as extreme on both sides, as in the LISA (analysis.spatial)
    simulated = G_Local(values, fill_diagonal(binary, 1.0), transform="R", permutations=199, star=None, seed=42,
                        n_jobs=1, keep_simulations=True).rGs
    ties = (np.abs(simulated - reference.Gs[:, None]) <= 1e-12).any(axis=1)
    np.testing.assert_allclose(ours["p_sim"][~ties], reference.p_sim[~ties])
    assert ties.any() and (ours["p_sim"][ties] >= reference.p_sim[ties]).all()
    np.testing.assert_allclose(ours["p_sim"], spatial.pseudo_p_value(reference.Gs, simulated))


def test_a_constant_field_has_no_hot_spots():
    result = hotspots.gi_star(np.full(25, 0.4), lattice(5), 199, 1, 0.05, 10)
    assert list(result.columns) == ["gi_star", "z", "p_sim", "significant_fdr", "hotspot"]
    assert result["gi_star"].isna().all() and result["z"].isna().all()
    assert set(result["hotspot"]) == {"not computed: all values equal"}
    assert (result["p_sim"] == 1.0).all() and not result["significant_fdr"].any()


def test_too_few_cities_are_not_tested():
    result = hotspots.gi_star(np.arange(1.0, 10.0), lattice(3), 199, 1, 0.05, 10)
    assert set(result["hotspot"]) == {"not computed: 9 cities < 10"}
    enough = hotspots.gi_star(np.arange(1.0, 10.0), lattice(3), 199, 1, 0.05, 9)  # 9 cities are enough for 9
    assert not enough["hotspot"].str.startswith("not computed").any() and enough["z"].notna().all()


def test_a_planted_cluster_is_a_hot_spot_and_the_far_corner_is_not():
    values = np.ones((10, 10))
    values[:3, :3] = 5.0
    values += np.random.default_rng(0).normal(scale=0.05, size=(10, 10))
    result = hotspots.gi_star(values.ravel(), lattice(10), 999, 3, 0.05, 10)  # p ≥ 1/1000 survives the FDR
    assert result.loc[11, "hotspot"] == "hot spot"  # (1, 1), in the middle of the cluster
    assert result.loc[99, "hotspot"] == "not significant"
    assert not (result["hotspot"] == "cold spot").any() or result.loc[result["hotspot"] == "cold spot", "z"].lt(0).all()


def test_hotspots_by_year_rows_and_streams():
    w = lattice(4)
    codes = [f"{i:06d}" for i in range(16)]
    rng = np.random.default_rng(8)
    scores = pd.DataFrame([{"admin_code": c, "year": y, "total": rng.lognormal(), "economic": rng.lognormal()}
                           for y in (2003, 2019) for c in codes])
    table = hotspots.hotspots_by_year(scores, w, codes, [2019, 2003], ["total", "economic"], 99, 5, 0.05, 10)
    assert len(table) == 2 * 2 * 16
    assert table[["year", "measure"]].drop_duplicates().values.tolist() == [
        [2019, "total"], [2019, "economic"], [2003, "total"], [2003, "economic"]]
    again = hotspots.hotspots_by_year(scores, w, codes, [2019, 2003], ["total", "economic"], 99, 5, 0.05, 10)
    pd.testing.assert_frame_equal(table, again)  # same seed, same draws


def test_cities_whose_draws_cannot_reach_alpha_are_not_tested():
    """Four cities in a line: a city's neighbours are drawn from the three others, three distinct
    draws at most, so no p-value can reach 0.05 (the LISA's rule, shared)."""
    result = hotspots.gi_star(np.array([1.0, 2.0, 3.0, 10.0]), lat2W(1, 4), 99, 1, 0.05, 3)
    assert result["hotspot"].iloc[0] == ("not computed: 1 neighbour drawn from 3 other cities: 3 distinct draws, "
                                         "the smallest attainable p-value 0.333 exceeds alpha = 0.05")
    assert result["hotspot"].str.startswith("not computed").all()
    assert (result["p_sim"] == 1.0).all() and not result["significant_fdr"].any()


def test_a_city_whose_every_draw_ties_is_not_tested_and_a_cold_cluster_is_cold():
    """City 0 alone differs: any draw of its neighbours from the others gives the same Gi*, so its
    test is not computed (p = 1, out of the FDR); a cluster of low values is a cold spot."""
    values = np.ones(25)
    values[0] = 5.0
    result = hotspots.gi_star(values, lattice(5), 99, 1, 0.05, 10)
    assert result.loc[0, "hotspot"] == "not computed: every conditional permutation gives the observed statistic"
    assert result.loc[0, "p_sim"] == 1.0 and not result.loc[0, "significant_fdr"]
    assert result.loc[0, "gi_star"] == pytest.approx(7 / 3 / 29)  # (5 + 1 + 1)/3 over the total 29
    cold = np.ones((10, 10))
    cold[7:, 7:] = 0.1
    cold += np.random.default_rng(2).normal(scale=0.02, size=(10, 10))
    result = hotspots.gi_star(cold.ravel(), lattice(10), 999, 4, 0.05, 10)
    assert result.loc[88, "hotspot"] == "cold spot" and result.loc[88, "z"] < 0 and result.loc[88, "significant_fdr"]
    assert result.loc[0, "hotspot"] == "not significant"
    assert list(result.columns) == ["gi_star", "z", "p_sim", "significant_fdr", "hotspot"]
    # FDR: the significant cities are exactly those at or below esda's Benjamini–Hochberg cut-off
    assert result["significant_fdr"].tolist() == (result["p_sim"] <= fdr(result["p_sim"].to_numpy(), 0.05)).tolist()
    strict = hotspots.gi_star(cold.ravel(), lattice(10), 999, 4, 0.001, 10)  # α = 0.001: a stricter cut-off
    assert strict["significant_fdr"].tolist() == (strict["p_sim"] <= fdr(strict["p_sim"].to_numpy(), 0.001)).tolist()
    assert strict["significant_fdr"].sum() < result["significant_fdr"].sum()


def test_values_follow_the_order_of_the_weights():
    """Codes whose order in W is not sorted: Gi* of each city is computed with its own neighbours."""
    from libpysal.weights import W

    neighbours = {code: [f"c{int(j):02d}" for j in lat2W(4, 4).neighbors[int(code[1:])]]
                  for code in [f"c{i:02d}" for i in range(16)]}
    order = [f"c{i:02d}" for i in (list(range(15, -1, -1)))]
    w = W(neighbours, id_order=order)
    w.transform = "r"
    values = np.random.default_rng(5).lognormal(size=16)  # values[i] is the value of city c(i)
    sorted_result = hotspots.gi_star(values, lattice(4), 99, 1, 0.05, 10)
    reversed_result = hotspots.gi_star(values[::-1], w, 99, 1, 0.05, 10)
    np.testing.assert_allclose(reversed_result["gi_star"].to_numpy()[::-1], sorted_result["gi_star"])
    np.testing.assert_allclose(reversed_result["z"].to_numpy()[::-1], sorted_result["z"])


def test_hotspots_by_year_are_gi_star_with_each_years_own_stream():
    w = lattice(4)
    codes = [f"{i:06d}" for i in range(16)]
    rng = np.random.default_rng(8)
    scores = pd.DataFrame([{"admin_code": c, "year": y, "total": rng.lognormal(), "economic": rng.lognormal()}
                           for y in (2003, 2019) for c in codes]).iloc[::-1]  # order of the rows does not matter
    table = hotspots.hotspots_by_year(scores, w, codes, [2019, 2003], ["total", "economic"], 99, 5, 0.05, 10)
    assert list(table.columns) == ["admin_code", "year", "measure", "gi_star", "z", "p_sim", "significant_fdr",
                                   "hotspot"]
    assert table.index.tolist() == list(range(64))
    for (year, measure), block in table.groupby(["year", "measure"], sort=False):
        values = scores[scores["year"] == year].set_index("admin_code").loc[codes, measure].to_numpy()
        expected = hotspots.gi_star(values, w, 99, spatial.stream_seed(5, year, measure, 2), 0.05, 10)
        assert block["admin_code"].tolist() == codes
        pd.testing.assert_frame_equal(block.drop(columns=["admin_code", "year", "measure"]).reset_index(drop=True),
                                      expected)


def test_gi_star_leaves_no_deprecation_notice_in_the_log():
    """esda's notice about its coming change of the conditional-randomisation alternative is
    silenced inside gi_star (the rule's log would repeat it for every year and measure)."""
    values = np.random.default_rng(9).lognormal(size=16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = hotspots.gi_star(values, lattice(4), 99, 1, 0.05, 10)
    assert result["z"].notna().all()
