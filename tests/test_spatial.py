"""Spatial weights, permutation tests and the Moran/LISA tables, on hand cases with exact values."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from esda.moran import Moran
from shapely.geometry import box

from urban_resilience.analysis import spatial
from urban_resilience.core.vocabulary import MEASURES


def row_of_squares(xs: list[float]) -> gpd.GeoDataFrame:
    """0.1° squares with their lower-left corners at ``xs`` (degrees), codes a, b, c, … (given in
    reverse order, to show the table is sorted by code)."""
    codes = [chr(ord("a") + k) for k in range(len(xs))]
    frame = gpd.GeoDataFrame({"admin_code": codes}, geometry=[box(x, 30.0, x + 0.1, 30.1) for x in xs],
                             crs="EPSG:4326")
    return frame.iloc[::-1]


def test_queen_table_of_a_row_of_three():
    table = spatial.neighbour_table(row_of_squares([0.0, 0.1, 0.2]), "queen", 4)
    assert table.columns.tolist() == ["focal", "neighbor", "weight"]
    assert table[["focal", "neighbor"]].values.tolist() == [["a", "b"], ["b", "a"], ["b", "c"], ["c", "b"]]
    assert table["weight"].tolist() == [1, 1, 1, 1]


def test_queen_island_is_an_error_naming_the_city():
    with pytest.raises(ValueError) as error:
        spatial.neighbour_table(row_of_squares([0.0, 0.1, 0.5]), "queen", 4)
    assert str(error.value) == "queen contiguity leaves city c without neighbours; use spatial.weights: knn"


def test_knn_table_takes_the_nearest_centroids():
    # centroids at 0.05, 0.15, 0.55 and 0.75 °E: a-b and c-d are the nearest pairs
    table = spatial.neighbour_table(row_of_squares([0.0, 0.1, 0.5, 0.7]), "knn", 1)
    assert table[["focal", "neighbor"]].values.tolist() == [["a", "b"], ["b", "a"], ["c", "d"], ["d", "c"]]
    table = spatial.neighbour_table(row_of_squares([0.0, 0.1, 0.5, 0.7]), "knn", 2)
    assert dict(table.groupby("focal")["neighbor"].apply(list)) == {"a": ["b", "c"], "b": ["a", "c"],
                                                                    "c": ["b", "d"], "d": ["b", "c"]}


def test_weights_from_table_row_standardised_over_the_codes():
    table = pd.DataFrame({"focal": ["a", "a", "b", "b", "c", "c", "d"], "neighbor": ["b", "c", "a", "d", "a", "b", "a"],
                          "weight": [1, 1, 1, 1, 1, 1, 1]})
    w, order = spatial.weights_from_table(table, ["c", "a", "b"])  # d is outside: dropped as focal and neighbour
    assert order == ["a", "b", "c"] and w.id_order == ["a", "b", "c"]
    assert w.neighbors == {"a": ["b", "c"], "b": ["a"], "c": ["a", "b"]}
    assert w.weights == {"a": [0.5, 0.5], "b": [1.0], "c": [0.5, 0.5]}
    assert w.transform == "R"


def test_weights_from_table_errors_name_the_cities():
    table = pd.DataFrame({"focal": ["a", "b", "c"], "neighbor": ["b", "a", "d"], "weight": [1, 1, 1]})
    with pytest.raises(ValueError) as error:
        spatial.weights_from_table(table, ["a", "b", "e"])
    assert str(error.value) == "spatial weights: no neighbours for city e; rebuild the weights"
    with pytest.raises(ValueError) as error:
        spatial.weights_from_table(table, ["a", "b", "c"])  # c's only neighbour d is outside
    assert str(error.value) == "spatial weights: no neighbours within the study area for city c"


def line_weights(n: int):
    table = pd.DataFrame([(a, b) for k in range(n) for a, b in
                          [(f"c{k}", f"c{k - 1}"), (f"c{k}", f"c{k + 1}")] if 0 <= int(b[1:]) < n],
                         columns=["focal", "neighbor"]).assign(weight=1)
    return spatial.weights_from_table(table, [f"c{k}" for k in range(n)])


def test_permuted_moran_equals_a_loop_over_the_same_permutations():
    w, _ = line_weights(6)
    y = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0])
    simulated = spatial.permuted_moran(y, w, 50, seed=7)
    z = y - y.mean()
    dense = w.full()[0]
    shuffled = np.random.default_rng(7).permuted(np.tile(z, (50, 1)), axis=1)
    expected = [len(z) / w.s0 * (p @ dense @ p) / (z @ z) for p in shuffled]
    assert simulated.shape == (50,) and simulated == pytest.approx(expected, rel=1e-12)
    identity = spatial.permuted_moran(y, w, 1, seed=7)
    assert identity[0] == pytest.approx(expected[0])
    assert not np.allclose(spatial.permuted_moran(y, w, 50, seed=8), simulated)


def test_pseudo_p_value_by_hand():
    simulated = np.array([0.1, 0.6, 0.7, 0.2])
    assert spatial.pseudo_p_value(0.5, simulated) == pytest.approx(3 / 5)  # 2 above, 2 below: (2 + 1) / 5
    assert spatial.pseudo_p_value(0.65, simulated) == pytest.approx(2 / 5)  # 1 above
    assert spatial.pseudo_p_value(0.05, simulated) == pytest.approx(1 / 5)  # 4 above, 0 below: folded
    assert spatial.pseudo_p_value(0.6, simulated) == pytest.approx(3 / 5)  # a tie counts as above (2)
    assert spatial.pseudo_p_value(0.9, simulated) == pytest.approx(1 / 5)


def line_scores(values: list[float], years=(2003,)) -> pd.DataFrame:
    return pd.DataFrame([{"admin_code": f"c{k}", "year": year, **{m: v + (year - 2003) for m in MEASURES}}
                         for year in years for k, v in enumerate(values)])


def test_moran_tables_columns_and_values_match_esda():
    w, codes = line_weights(8)
    values = [1.0, 2.0, 2.5, 4.0, 6.0, 6.5, 8.0, 9.0]
    moran, lisa = spatial.moran_by_year(line_scores(values, (2003, 2004)), w, codes, 99, 3, 0.05)
    assert moran.columns.tolist() == ["year", "measure", "moran_i", "expected_i", "z_norm", "p_norm", "p_sim",
                                      "permutations", "computed", "reason"]
    # 8 cities on a line: the two ends draw 1 neighbour of 7 (smallest p 1/7 > 0.05), the others 2 (1/21)
    assert moran["computed"].all() and lisa["computed"].tolist() == [False, *[True] * 6, False] * 2
    assert moran[["year", "measure"]].values.tolist() == [[y, m] for y in (2003, 2004) for m in MEASURES]
    reference = Moran(np.array(values), w, permutations=0)
    first = moran.iloc[0]
    assert first["moran_i"].tolist() == pytest.approx(reference.I) and first["expected_i"] == pytest.approx(-1 / 7)
    assert first["z_norm"] == pytest.approx(reference.z_norm) and first["p_norm"] == pytest.approx(reference.p_norm)
    assert (moran["permutations"] == 99).all() and moran["p_sim"].between(0.01, 1).all()
    # the p-value of each row comes from its own stream: permuted_moran with that stream's seed
    simulated = spatial.permuted_moran(np.array(values), w, 99, spatial.stream_seed(3, 2003, MEASURES[0], 0))
    assert first["p_sim"] == spatial.pseudo_p_value(reference.I, simulated)
    assert lisa.columns.tolist() == ["admin_code", "year", "measure", "local_i", "quadrant", "p_sim",
                                     "significant_fdr", "cluster", "computed", "reason"]
    assert set(lisa["measure"]) == {"total"} and len(lisa) == 16  # only the total, by default
    assert lisa[lisa["year"] == 2003]["quadrant"].tolist() == ["low-low"] * 4 + ["high-high"] * 4


def test_lisa_clusters_follow_the_fdr_decision():
    from esda import fdr

    w, codes = line_weights(8)
    values = [1.0, 2.0, 2.5, 4.0, 6.0, 6.5, 8.0, 9.0]
    _, everything = spatial.moran_by_year(line_scores(values), w, codes, 99, 3, 1.0)  # every p ≤ the threshold
    assert everything["significant_fdr"].all() and (everything["cluster"] == everything["quadrant"]).all()
    _, some = spatial.moran_by_year(line_scores(values), w, codes, 99, 3, 0.05)
    assert (some["cluster"] == some["quadrant"].where(some["significant_fdr"], "not significant")
            .where(some["computed"], "not computed")).all()
    assert (some["significant_fdr"] == (some["p_sim"] <= fdr(some["p_sim"].dropna(), 0.05))).all()  # over 6 cities
    _, unreachable = spatial.moran_by_year(line_scores(values), w, codes, 99, 3, 0.01)
    assert not unreachable["significant_fdr"].any() and (unreachable["cluster"] == "not computed").all()
    assert unreachable["reason"].iloc[0] == ("1 neighbour drawn from 7 other cities: 7 distinct draws, the smallest "
                                             "attainable p-value 0.143 exceeds alpha = 0.01")
    assert unreachable["reason"].iloc[1] == ("2 neighbours drawn from 7 other cities: 21 distinct draws, the smallest "
                                             "attainable p-value 0.0476 exceeds alpha = 0.01")
    _, two = spatial.moran_by_year(line_scores(values), w, codes, 9, 3, 0.05, local_measures=("total", "social"))
    assert sorted(set(two["measure"])) == ["social", "total"]


def test_stream_seeds_are_distinct_and_deterministic():
    seeds = {(y, m, s): spatial.stream_seed(20210301, y, m, s) for y in (2003, 2004) for m in MEASURES for s in (0, 1)}
    assert len(set(seeds.values())) == len(seeds)
    assert spatial.stream_seed(20210301, 2003, "total", 0) == seeds[(2003, "total", 0)]
    assert spatial.stream_seed(1, 2003, "total", 0) != seeds[(2003, "total", 0)]
    assert all(0 <= value < 2**32 for value in seeds.values())


def test_lisa_quadrants_streams_and_fdr_decision_against_esda():
    from esda import fdr
    from esda.moran import Moran_Local

    w, codes = line_weights(12)
    # a low run with a high outlier, a high run with a low outlier: all four quadrants occur
    values = [1.0, 1.2, 9.0, 1.1, 1.3, 1.0, 8.0, 8.5, 0.5, 9.0, 8.8, 9.5]
    _, lisa = spatial.moran_by_year(line_scores(values, (2003, 2005)), w, codes, 99, 11, 0.5)
    ties = 0
    esda_labels = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}  # esda's q
    for year, block in lisa.groupby("year"):
        y = np.array([values[int(code[1:])] for code in codes]) + (year - 2003)  # codes sort c0, c1, c10, …
        reference = Moran_Local(y, w, permutations=99, seed=spatial.stream_seed(11, year, "total", 1))
        # the local stream, 99 permutations, ties counted on both sides: esda's p_sim where no draw ties
        assert block["p_sim"].tolist() == spatial.pseudo_p_value(reference.Is, reference.rlisas).tolist()
        tied = (np.abs(reference.rlisas - reference.Is[:, None]) <= 1e-12).any(axis=1)
        assert (block["p_sim"].to_numpy() == reference.p_sim)[~tied].all()
        ties += int(tied.sum())
        assert block["quadrant"].tolist() == [esda_labels[int(q)] for q in reference.q]
        threshold = fdr(block["p_sim"].to_numpy(), 0.5)
        assert block["significant_fdr"].tolist() == (block["p_sim"] <= threshold).tolist()
    assert ties > 0  # the values 1.0 and 9.0 occur twice: some draws give exactly the observed lag
    assert set(lisa["quadrant"]) == set(esda_labels.values())
    assert lisa["significant_fdr"].any() and not lisa["significant_fdr"].all()


def test_weights_from_table_keep_given_weights_and_name_every_missing_city():
    table = pd.DataFrame({"focal": ["b", "b", "a", "c"], "neighbor": ["a", "c", "b", "b"], "weight": [1, 3, 2, 1]})
    w, order = spatial.weights_from_table(table, ["c", "b", "a"])
    assert order == ["a", "b", "c"] and w.id_order == ["a", "b", "c"]
    assert w.weights == {"a": [1.0], "b": [0.25, 0.75], "c": [1.0]}  # weights 1 and 3, row-standardised
    assert w.full()[0].tolist() == [[0.0, 1.0, 0.0], [0.25, 0.0, 0.75], [0.0, 1.0, 0.0]]
    with pytest.raises(ValueError) as error:
        spatial.weights_from_table(table, ["a", "e", "d"])
    assert str(error.value) == "spatial weights: no neighbours for city d, e; rebuild the weights"


def test_queen_islands_are_all_named():
    with pytest.raises(ValueError) as error:
        spatial.neighbour_table(row_of_squares([0.0, 0.1, 0.5, 0.9]), "queen", 4)
    assert str(error.value) == "queen contiguity leaves city c, d without neighbours; use spatial.weights: knn"


# --- no significance where none can exist (issue 22, item 1) ----------------------------------------

def graph_weights(pairs: list[tuple[str, str]], codes: list[str] | None = None):
    """Row-standardised weights of an undirected graph given by its edges."""
    table = pd.DataFrame([*pairs, *[(b, a) for a, b in pairs]], columns=["focal", "neighbor"]).assign(weight=1)
    return spatial.weights_from_table(table, codes or sorted({c for pair in pairs for c in pair}))


def complete_pairs(n: int) -> list[tuple[str, str]]:
    return [(f"c{a}", f"c{b}") for a in range(n) for b in range(a + 1, n)]


TRIANGLE = [("a", "b"), ("b", "c"), ("a", "c")]  # three mutually adjacent cities
PATH4 = [("a", "b"), ("b", "c"), ("c", "d")]


def area_scores(values: list[float], codes: list[str], years=(2003,)) -> pd.DataFrame:
    return pd.DataFrame([{"admin_code": code, "year": year, **{m: v + (year - 2003) for m in MEASURES}}
                         for year in years for code, v in zip(codes, values)])


def test_pseudo_p_value_counts_ties_as_extreme_on_both_sides():
    # all permuted statistics equal the observed one up to rounding: p = 1, not 1 / (P + 1)
    observed = -0.4999999999999999
    assert spatial.pseudo_p_value(observed, np.full(999, -0.5)) == 1.0
    assert spatial.pseudo_p_value(-0.5, np.array([-0.5 + 1e-16, -0.5 - 1e-16, -0.5])) == 1.0
    # two ties, one above, one below: min(#≥ = 3, #≤ = 3) = 3 -> (3 + 1) / 5 (esda's count gives 2 / 5)
    assert spatial.pseudo_p_value(0.5, np.array([0.5, 0.5 + 1e-17, 0.1, 0.9])) == pytest.approx(4 / 5)
    # a difference well above the tolerance is not a tie
    assert spatial.pseudo_p_value(0.5, np.array([0.5 + 1e-9, 0.6, 0.7, 0.8])) == pytest.approx(1 / 5)
    # one value per city: the last axis holds the permutations
    many = spatial.pseudo_p_value(np.array([0.5, 0.05]), np.array([[0.5, 0.5, 0.1, 0.9], [0.1, 0.6, 0.7, 0.2]]))
    assert many.tolist() == pytest.approx([4 / 5, 1 / 5])
    assert spatial.all_tie(np.array([1.0, 1.0]), np.array([[1.0, 1.0 + 1e-13], [1.0, 1.1]])).tolist() == [True, False]


def test_automorphisms_of_small_graphs_by_hand():
    # |Aut|: triangle 3! = 6; path a-b-c-d 2 (reversal); 4-cycle 8 (dihedral); star 3! = 6; K4 24;
    # a triangle with a pendant city 2; K4 without one edge 4
    cases = {"triangle": (TRIANGLE, 6), "path": (PATH4, 2), "cycle": ([*PATH4, ("a", "d")], 8),
             "star": ([("a", "b"), ("a", "c"), ("a", "d")], 6), "complete": (complete_pairs(4), 24),
             "paw": ([*TRIANGLE, ("c", "d")], 2), "diamond": ([*TRIANGLE, ("b", "d"), ("c", "d")], 4)}
    for name, (pairs, expected) in cases.items():
        assert spatial.automorphisms(graph_weights(pairs)[0]) == expected, name
    # the smallest asymmetric graphs have 6 vertices: triangle 1-2-4, 0 hung on 2, path 1-3-5
    asymmetric = [("0", "2"), ("1", "2"), ("1", "3"), ("1", "4"), ("2", "4"), ("3", "5")]
    assert spatial.automorphisms(graph_weights(asymmetric)[0]) == 1
    assert spatial.automorphisms(graph_weights(complete_pairs(9))[0]) is None  # beyond 8 cities: not enumerated


def test_permuted_moran_of_a_triangle_always_ties():
    # three mutually adjacent cities: zᵀWz = ((Σz)² − Σz²) / 2 = −zᵀz / 2, so I = −1/2 = E[I] for any values
    w, _ = graph_weights(TRIANGLE)
    y = np.array([1.0, 2.0, 5.0])
    simulated = spatial.permuted_moran(y, w, 999, seed=1)
    assert simulated == pytest.approx(np.full(999, -0.5), abs=1e-15)
    observed = Moran(y, w, permutations=0).I
    assert spatial.all_tie(observed, simulated) and spatial.pseudo_p_value(observed, simulated) == 1.0


def test_three_cities_are_not_tested():
    w, codes = graph_weights(TRIANGLE)
    scores = area_scores([1.0, 2.0, 5.0], codes, (2003, 2004))
    moran, lisa = spatial.moran_by_year(scores, w, codes, 999, 1, 0.05)
    assert moran.columns.tolist() == ["year", "measure", "moran_i", "expected_i", "z_norm", "p_norm", "p_sim",
                                      "permutations", "computed", "reason"]
    assert moran["moran_i"].tolist() == pytest.approx(np.full(12, -0.5)) and (moran["expected_i"] == -0.5).all()
    assert moran[["z_norm", "p_norm", "p_sim"]].isna().all().all() and not moran["computed"].any()
    assert set(moran["reason"]) == {"3 cities with neighbours, fewer than spatial.min_cities = 5"}
    assert lisa.columns.tolist() == ["admin_code", "year", "measure", "local_i", "quadrant", "p_sim",
                                     "significant_fdr", "cluster", "computed", "reason"]
    assert not lisa["significant_fdr"].any() and (lisa["cluster"] == "not computed").all()
    assert lisa["p_sim"].isna().all() and set(lisa["reason"]) == set(moran["reason"])
    assert lisa["quadrant"].tolist()[:3] == ["low-high", "low-high", "high-low"]  # still described
    # allowed by min_cities, three cities still have a single arrangement and a single draw each
    moran, lisa = spatial.moran_by_year(scores, w, codes, 999, 1, 0.05, min_cities=3)
    assert set(moran["reason"]) == {"3 cities have only 1 distinct arrangement under these weights: the smallest "
                                    "attainable p-value 1 exceeds alpha = 0.05"}
    assert set(lisa["reason"]) == {"2 neighbours drawn from 2 other cities: 1 distinct draw, the smallest "
                                   "attainable p-value 1 exceeds alpha = 0.05"}
    assert moran["p_sim"].isna().all() and not lisa["significant_fdr"].any()


def test_four_cities_on_a_line():
    w, codes = graph_weights(PATH4)
    scores = area_scores([1.0, 2.0, 3.0, 4.0], codes)
    moran, lisa = spatial.moran_by_year(scores, w, codes, 999, 1, 0.05)
    too_few = "4 cities with neighbours, fewer than spatial.min_cities = 5"
    assert set(moran["reason"]) == set(lisa["reason"]) == {too_few}
    # with min_cities 4: 4! / |Aut| = 24 / 2 = 12 arrangements, smallest p 1/12 > 0.05; 1 or 2 neighbours
    # drawn from 3 others: 3 draws each, smallest p 1/3
    moran, lisa = spatial.moran_by_year(scores, w, codes, 999, 1, 0.05, min_cities=4)
    assert set(moran["reason"]) == {"4 cities have only 12 distinct arrangements under these weights: the smallest "
                                    "attainable p-value 0.0833 exceeds alpha = 0.05"}
    assert lisa["reason"].tolist() == [
        f"{k} drawn from 3 other cities: 3 distinct draws, the smallest attainable p-value 0.333 exceeds alpha = 0.05"
        for k in ("1 neighbour", "2 neighbours", "2 neighbours", "1 neighbour")]
    # at alpha 0.1 the global test is computed: I = 0.4 is the largest of the 12 values (exact p = 2/24)
    moran, lisa = spatial.moran_by_year(scores, w, codes, 999, 1, 0.1, min_cities=4)
    assert moran["computed"].all() and (moran["reason"] == "").all()
    assert moran["moran_i"].tolist() == pytest.approx(np.full(6, 0.4))
    first = moran.iloc[0]
    stream = spatial.stream_seed(1, 2003, MEASURES[0], 0)
    simulated = spatial.permuted_moran(np.array([1.0, 2.0, 3.0, 4.0]), w, 999, stream)
    assert first["p_sim"] == spatial.pseudo_p_value(0.4, simulated)
    assert (simulated >= 0.4 - 1e-12).mean() == pytest.approx(1 / 12, abs=0.03)  # the exact tail, sampled
    assert not lisa["computed"].any() and not lisa["significant_fdr"].any()


def test_ties_in_a_symmetric_configuration_or_a_constant_field_give_no_p_value():
    # nine mutually adjacent cities (too many to enumerate relabellings): every permutation ties
    codes = [f"c{k}" for k in range(9)]
    w, codes = graph_weights(complete_pairs(9), codes)
    moran, lisa = spatial.moran_by_year(area_scores([float(k * k) for k in range(9)], codes), w, codes, 199, 5, 0.05)
    assert set(moran["reason"]) == {"every permutation gives the observed statistic"}
    assert moran["moran_i"].tolist() == pytest.approx(np.full(6, -1 / 8))
    assert moran[["z_norm", "p_norm", "p_sim"]].isna().all().all()
    assert set(lisa["reason"]) == {"8 neighbours drawn from 8 other cities: 1 distinct draw, the smallest "
                                   "attainable p-value 1 exceeds alpha = 0.05"}
    # a constant field on a line of eight: no statistic at all
    w, codes = line_weights(8)
    moran, lisa = spatial.moran_by_year(line_scores([2.0] * 8), w, codes, 99, 3, 0.2)
    assert moran["moran_i"].isna().all() and moran["p_sim"].isna().all() and not moran["computed"].any()
    assert set(moran["reason"]) == set(lisa["reason"]) == {"the values are equal in every city"}
    assert (lisa["cluster"] == "not computed").all() and lisa["local_i"].isna().all()


def test_a_city_at_the_mean_has_a_local_statistic_of_zero_in_every_draw():
    # z_i = 0: I_i = z_i · lag_i / m2 = 0 whatever the neighbours, so its conditional permutations all tie
    w, codes = line_weights(8)
    _, lisa = spatial.moran_by_year(line_scores([0.0, 2.0, 3.0, 5.0, 5.0, 7.0, 8.0, 10.0]), w, codes, 99, 3, 0.5)
    lisa = lisa.set_index("admin_code")  # mean 5: c3 and c4 are at the mean
    assert (lisa.loc[["c3", "c4"], "reason"] == "every conditional permutation gives the observed statistic").all()
    assert lisa.loc[["c3", "c4"], "p_sim"].isna().all() and (lisa.loc[["c3", "c4"], "cluster"] == "not computed").all()
    others = lisa.drop(index=["c3", "c4"])
    assert others["computed"].all() and others["p_sim"].notna().all() and (others["reason"] == "").all()


def test_local_support_per_city_and_conditional_draws():
    w, _ = graph_weights([*PATH4, ("d", "e"), ("e", "f")])  # a line of six
    assert spatial.conditional_draws(w) == [5, 10, 10, 10, 10, 5]  # C(5, 1) and C(5, 2)
    assert spatial.local_permutation_support(w, 5, 0.2) == [None] * 6  # 1/5 reaches 0.2
    ends = ("1 neighbour drawn from 5 other cities: 5 distinct draws, the smallest attainable p-value 0.2 "
            "exceeds alpha = 0.15")
    assert spatial.local_permutation_support(w, 5, 0.15) == [ends, None, None, None, None, ends]
    assert spatial.local_permutation_support(w, 7, 0.15) == ["6 cities with neighbours, fewer than "
                                                             "spatial.min_cities = 7"] * 6
    # unequal weights: order matters between different weights (b has weights 1 and 3 in a table of three)
    table = pd.DataFrame({"focal": ["b", "b", "a", "c"], "neighbor": ["a", "c", "b", "b"], "weight": [1, 3, 2, 1]})
    w, _ = spatial.weights_from_table(table, ["a", "b", "c"])
    assert spatial.conditional_draws(w) == [2, 2, 2]  # b: 2 ordered draws of its two distinct weights


def test_twenty_eight_cities_are_tested_as_esda_does():
    from esda import fdr
    from esda.moran import Moran_Local
    from libpysal.weights import lat2W

    grid = lat2W(4, 7, rook=False)  # 28 cities in 4 rows of 7, queen contiguity
    codes = [f"{4201 + k:04d}00" for k in range(28)]
    table = pd.DataFrame([(codes[i], codes[j]) for i in range(28) for j in grid.neighbors[i]],
                         columns=["focal", "neighbor"]).assign(weight=1)
    w, order = spatial.weights_from_table(table, codes)
    assert spatial.permutation_support(w, 5, 0.05) is None
    assert spatial.local_permutation_support(w, 5, 0.05) == [None] * 28
    values = np.random.default_rng(28).lognormal(size=28) + np.repeat(np.arange(4), 7)  # a north-south trend
    moran, lisa = spatial.moran_by_year(area_scores(list(values), codes), w, order, 999, 20210301, 0.05)
    assert moran["computed"].all() and lisa["computed"].all() and (moran["reason"] == "").all()
    reference = Moran(values, w, permutations=0)
    assert moran["moran_i"].tolist() == pytest.approx(np.full(6, reference.I))
    assert moran["z_norm"].tolist() == pytest.approx(np.full(6, reference.z_norm))
    first = moran.iloc[0]
    simulated = spatial.permuted_moran(values, w, 999, spatial.stream_seed(20210301, 2003, MEASURES[0], 0))
    larger = int((simulated >= reference.I).sum())  # esda's count: no ties here
    assert first["p_sim"] == (min(larger, 999 - larger) + 1) / 1000
    local = Moran_Local(values, w, permutations=999, seed=spatial.stream_seed(20210301, 2003, "total", 1))
    assert lisa["local_i"].tolist() == pytest.approx(local.Is.tolist())
    # esda's p_sim wherever no conditional draw ties with the observed statistic (the draw of the
    # observed neighbours themselves, probability 1/C(27, k_i) per draw: here once, for the last city, a corner)
    tied = (np.abs(local.rlisas - local.Is[:, None]) <= 1e-12).any(axis=1)
    assert tied.sum() == 1
    assert (lisa["p_sim"].to_numpy() == local.p_sim)[~tied].all()
    assert lisa["p_sim"].tolist() == spatial.pseudo_p_value(local.Is, local.rlisas).tolist()
    assert lisa["significant_fdr"].tolist() == (local.p_sim <= fdr(local.p_sim, 0.05)).tolist()
    assert lisa["significant_fdr"].any()  # the trend makes some clusters


def test_lisa_map_says_not_computed_instead_of_drawing_clusters():
    from matplotlib.colors import to_hex

    from urban_resilience.figures import plots

    w, codes = graph_weights(TRIANGLE)
    boundaries = row_of_squares([0.0, 0.1, 0.2]).assign(name_cn=["丙", "乙", "甲"], name_en=["Cc", "Bb", "Aa"])
    _, lisa = spatial.moran_by_year(area_scores([1.0, 2.0, 5.0], codes, (2003, 2004)), w, codes, 99, 1, 0.05)
    fig = plots.lisa_map(boundaries, lisa, [2003, 2004], "en", False)
    axes = [ax for ax in fig.axes if ax.get_title()]
    notes = [[t.get_text().replace("\n", " ") for t in ax.texts if t.get_text() not in ("Aa", "Bb", "Cc", "N")]
             for ax in axes]
    assert notes == [["not computed: 3 cities with neighbours, fewer than spatial.min_cities = 5"]] * 2
    colours = {to_hex(c) for ax in axes for collection in ax.collections for c in collection.get_facecolor()}
    assert colours == {plots.LISA_COLOURS["not computed"]}  # no cluster colour anywhere
    legend = [t.get_text() for t in axes[-1].get_legend().get_texts()]
    assert legend == ["High-high", "Low-low", "High-low", "Low-high", "Not significant", "Not computed"]
    # every city computed (a line of eight, alpha 0.5): clusters, no note, no "not computed" in the legend
    w, codes = line_weights(8)
    boundaries = row_of_squares([0.1 * k for k in range(8)]).assign(name_cn="", name_en="")
    boundaries["admin_code"] = [f"c{k}" for k in range(8)][::-1]
    _, lisa = spatial.moran_by_year(line_scores([1.0, 2.0, 2.5, 4.0, 6.0, 6.5, 8.0, 9.0]), w, codes, 99, 3, 0.5)
    assert lisa["computed"].all() and lisa["significant_fdr"].any()
    fig = plots.lisa_map(boundaries, lisa, [2003], "en", False)
    ax = [ax for ax in fig.axes if ax.get_title()][0]
    assert [t.get_text() for t in ax.texts if t.get_text() and t.get_text() != "N"] == []  # only the north arrow
    assert "Not computed" not in [t.get_text() for t in ax.get_legend().get_texts()]
    colours = {to_hex(c) for collection in ax.collections for c in collection.get_facecolor()}
    assert plots.LISA_COLOURS["not computed"] not in colours and len(colours) >= 2


def test_local_moran_without_inference_equals_esda_and_two_cities_are_described():
    from esda.moran import Moran_Local

    w, codes = line_weights(12)
    values = np.array([1.0, 1.2, 9.0, 1.1, 1.3, 1.0, 8.0, 8.5, 0.5, 9.0, 8.8, 9.5])
    statistic, quadrants = spatial.local_moran(values, w)
    reference = Moran_Local(values, w, permutations=0)
    assert statistic.tolist() == pytest.approx(reference.Is.tolist())
    assert quadrants == [spatial.QUADRANTS[int(q)] for q in reference.q]
    # two neighbouring cities (esda's moments divide by n − 2): described, not tested
    w, codes = graph_weights([("a", "b")])
    moran, lisa = spatial.moran_by_year(area_scores([1.0, 3.0], codes), w, codes, 99, 1, 0.05)
    assert moran["moran_i"].tolist() == pytest.approx([-1.0] * 6) and not moran["computed"].any()
    # z = (−1, 1), lags (1, −1), Σz² = 2: I_i = (n − 1) · z_i · lag_i / Σz² = −1/2
    assert lisa["local_i"].tolist() == pytest.approx([-0.5, -0.5])
    assert lisa["quadrant"].tolist() == ["low-high", "high-low"]
    assert set(lisa["reason"]) == {"2 cities with neighbours, fewer than spatial.min_cities = 5"}
