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
                                      "permutations"]
    assert moran[["year", "measure"]].values.tolist() == [[y, m] for y in (2003, 2004) for m in MEASURES]
    reference = Moran(np.array(values), w, permutations=0)
    first = moran.iloc[0]
    assert first["moran_i"] == pytest.approx(reference.I) and first["expected_i"] == pytest.approx(-1 / 7)
    assert first["z_norm"] == pytest.approx(reference.z_norm) and first["p_norm"] == pytest.approx(reference.p_norm)
    assert (moran["permutations"] == 99).all() and moran["p_sim"].between(0.01, 1).all()
    # the p-value of each row comes from its own stream: permuted_moran with that stream's seed
    simulated = spatial.permuted_moran(np.array(values), w, 99, spatial.stream_seed(3, 2003, MEASURES[0], 0))
    assert first["p_sim"] == spatial.pseudo_p_value(reference.I, simulated)
    assert lisa.columns.tolist() == ["admin_code", "year", "measure", "local_i", "quadrant", "p_sim",
                                     "significant_fdr", "cluster"]
    assert set(lisa["measure"]) == {"total"} and len(lisa) == 16  # only the total, by default
    assert lisa[lisa["year"] == 2003]["quadrant"].tolist() == ["low-low"] * 4 + ["high-high"] * 4


def test_lisa_clusters_follow_the_fdr_decision():
    w, codes = line_weights(8)
    values = [1.0, 2.0, 2.5, 4.0, 6.0, 6.5, 8.0, 9.0]
    _, everything = spatial.moran_by_year(line_scores(values), w, codes, 99, 3, 1.0)  # every p ≤ the threshold
    assert everything["significant_fdr"].all() and (everything["cluster"] == everything["quadrant"]).all()
    _, nothing = spatial.moran_by_year(line_scores(values), w, codes, 99, 3, 1e-9)
    assert not nothing["significant_fdr"].any() and (nothing["cluster"] == "not significant").all()
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
    _, lisa = spatial.moran_by_year(line_scores(values, (2003, 2005)), w, codes, 99, 11, 0.3)
    esda_labels = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}  # esda's q
    for year, block in lisa.groupby("year"):
        y = np.array([values[int(code[1:])] for code in codes]) + (year - 2003)  # codes sort c0, c1, c10, …
        reference = Moran_Local(y, w, permutations=99, seed=spatial.stream_seed(11, year, "total", 1))
        assert block["p_sim"].tolist() == reference.p_sim.tolist()  # the local stream, 99 permutations
        assert block["quadrant"].tolist() == [esda_labels[int(q)] for q in reference.q]
        threshold = fdr(reference.p_sim, 0.3)
        assert block["significant_fdr"].tolist() == (reference.p_sim <= threshold).tolist()
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
