"""The index: a hand-computed case, an independent implementation, identities and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import entropy as scipy_entropy

from urban_resilience.index import composite
from urban_resilience.index.composite import IndexComputationError

CITIES, YEARS = ["A", "B", "C"], [2003, 2004]
INDEX = pd.MultiIndex.from_product([CITIES, YEARS], names=["admin_code", "year"])
# 3 cities x 2 years x 3 indicators; x2 is a cost indicator
HAND = pd.DataFrame({"x1": [10, 20, 30, 40, 50, 60], "x2": [5, 4, 3, 2, 1, 1], "x3": [1, 1, 1, 1, 1, 3]},
                    index=INDEX, dtype=float)
DIRECTIONS = {"x1": "+", "x2": "-", "x3": "+"}
DIMENSIONS = {"x1": "economic", "x2": "ecological", "x3": "economic"}


def weights_table(weights: pd.Series, years=YEARS) -> pd.DataFrame:
    return pd.DataFrame([(y, c, w) for y in years for c, w in weights.items()], columns=["year", "indicator", "weight"])


def test_hand_computed_case():
    standardised, ranges = composite.standardise_pooled(HAND, DIRECTIONS)
    # x1: (v − 10) / 50;  x2 (cost): (5 − v) / 4;  x3: (v − 1) / 2
    assert standardised["x1"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert standardised["x2"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0, 1.0])
    assert standardised["x3"].tolist() == pytest.approx([0, 0, 0, 0, 0, 1.0])
    assert ranges[["min", "max"]].to_numpy().tolist() == [[10, 60], [1, 5], [1, 3]]
    # shift 0: p(x1) = k/15 (k = 0..5), p(x2) = (0, 1, 2, 3, 4, 4)/14, p(x3) = (0, …, 0, 1); k = 1/ln 6
    weights = composite.entropy_weights(standardised, shift=0.0)
    assert weights["entropy"].tolist() == pytest.approx([0.8314454838586238, 0.8441150748420817, 0.0])
    assert weights["weight"].tolist() == pytest.approx([0.12726479662673118, 0.11769879414417991, 0.755036409229089])
    scores = composite.scores(standardised, weights_table(weights["weight"]), DIMENSIONS)
    assert scores.at[("A", 2003), "total"] == pytest.approx(0.0)
    assert scores.at[("C", 2004), "total"] == pytest.approx(1.0)
    assert scores.at[("B", 2004), "total"] == pytest.approx(0.6 * 0.12726479662673118 + 0.75 * 0.11769879414417991)
    assert scores.at[("B", 2004), "ecological"] == pytest.approx(0.75 * 0.11769879414417991)
    obstacles = composite.obstacle_degrees(standardised, weights_table(weights["weight"]))
    # city A in 2003 is at the worst value everywhere: obstacle degrees equal the weights
    assert (obstacles.loc[("A", 2003)] / 100).tolist() == pytest.approx(weights["weight"].tolist())
    # city C in 2003: x' = (0.8, 1, 0), so the gaps are 0.2·w1 and 1·w3; in 2004 C is ideal everywhere
    w1, w3 = 0.12726479662673118, 0.755036409229089
    assert obstacles.loc[("C", 2003)].tolist() == pytest.approx(
        [100 * 0.2 * w1 / (0.2 * w1 + w3), 0.0, 100 * w3 / (0.2 * w1 + w3)])
    assert obstacles.loc[("C", 2004)].isna().all()
    assert len(composite.obstacle_ranks(obstacles)) == 5 * 3


def test_entropy_matches_scipy_on_strictly_positive_data():
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.lognormal(size=(60, 5)), index=pd.MultiIndex.from_product(
        [[f"c{i}" for i in range(12)], range(2010, 2015)], names=["admin_code", "year"]),
        columns=[f"x{j}" for j in range(5)])
    standardised, _ = composite.standardise_pooled(data, {c: "+" for c in data.columns})
    shift = 0.0001
    ours = composite.entropy_weights(standardised, shift)
    shifted = standardised.to_numpy() + shift
    reference_e = np.array([scipy_entropy(col) / math.log(len(col)) for col in shifted.T])
    reference_w = (1 - reference_e) / (1 - reference_e).sum()
    assert ours["entropy"].to_numpy() == pytest.approx(reference_e, rel=1e-12)
    assert ours["weight"].to_numpy() == pytest.approx(reference_w, rel=1e-12)


def test_per_year_entropy_and_critic_and_equal():
    standardised, _ = composite.standardise_pooled(HAND, DIRECTIONS)
    by_year = composite.entropy_weights_by_year(standardised, 0.0001)
    assert by_year.groupby("year")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])
    for year in YEARS:
        block = standardised.xs(year, level="year", drop_level=False) + 0.0001
        e = np.array([scipy_entropy(c) / math.log(3) for c in block.to_numpy().T])
        assert by_year[by_year.year == year]["entropy"].to_numpy() == pytest.approx(e)
    critic = composite.critic_weights(standardised)
    values = standardised.to_numpy()
    expected = []
    for j in range(3):  # C_j = σ_j Σ_k (1 − r_jk), written out with loops
        sigma = values[:, j].std(ddof=1)
        expected.append(sigma * sum(1 - np.corrcoef(values[:, j], values[:, k])[0, 1] for k in range(3)))
    assert critic["weight"].to_numpy() == pytest.approx(np.array(expected) / sum(expected))
    assert composite.equal_weights(standardised)["weight"].tolist() == pytest.approx([1 / 3] * 3)
    summary, table = composite.weight_vectors(standardised, "entropy_per_year", 0.0001)
    assert summary["weight"].sum() == pytest.approx(1.0) and len(table) == 6


def test_constant_or_missing_indicator_is_an_error_naming_it():
    constant = HAND.assign(x2=7.0)
    with pytest.raises(IndexComputationError, match=r"indicator\(s\) x2 take one value"):
        composite.standardise_pooled(constant, DIRECTIONS)
    missing = HAND.copy()
    missing.iloc[2, 0] = np.nan
    with pytest.raises(IndexComputationError, match=r"indicator\(s\) x1 have missing values"):
        composite.standardise_pooled(missing, DIRECTIONS)


def test_ranks_and_top_factor_frequency():
    obstacles = pd.DataFrame({"x1": [50.0, 10.0], "x2": [30.0, 60.0], "x3": [20.0, 30.0]},
                             index=pd.MultiIndex.from_tuples([("A", 2003), ("B", 2003)], names=["admin_code", "year"]))
    ranks = composite.obstacle_ranks(obstacles)
    assert ranks[ranks.admin_code == "A"]["indicator"].tolist() == ["x1", "x2", "x3"]
    assert ranks[ranks.admin_code == "B"]["rank"].tolist() == [1, 2, 3]
    assert ranks[ranks.admin_code == "B"]["indicator"].tolist() == ["x2", "x3", "x1"]
    top1 = composite.top_factor_frequency(ranks, 1, ["A", "B"])
    assert top1[["indicator", "cities"]].values.tolist() == [["x1", 1], ["x2", 1]]
    top2 = composite.top_factor_frequency(ranks, 2, ["A", "B"])
    assert dict(zip(top2["indicator"], top2["cities"])) == {"x2": 2, "x1": 1, "x3": 1}
    # a study area smaller than the cities the index is computed over: only its cities count
    assert composite.top_factor_frequency(ranks, 2, ["B"])[["indicator", "cities"]].values.tolist() == [["x2", 1],
                                                                                                   ["x3", 1]]


def test_obstacle_ranks_break_ties_in_table_order():
    obstacles = pd.DataFrame({"x2": [25.0], "x10": [25.0], "x1": [50.0]},
                             index=pd.MultiIndex.from_tuples([("A", 2003)], names=["admin_code", "year"]))
    assert composite.obstacle_ranks(obstacles)["indicator"].tolist() == ["x1", "x2", "x10"]


# ------------------------------------------------------------------ properties on random panels

positive_panels = arrays(np.float64, (12, 4), elements=st.floats(0.5, 1000, allow_nan=False)).filter(
    lambda a: (np.ptp(a, axis=0) > 1e-3).all())
PANEL_INDEX = pd.MultiIndex.from_product([["p", "q", "r", "s"], [2001, 2002, 2003]], names=["admin_code", "year"])
DIRS4 = {"x1": "+", "x2": "-", "x3": "+", "x4": "+"}
DIMS4 = {"x1": "economic", "x2": "ecological", "x3": "social", "x4": "institutional"}


def full_index(panel: pd.DataFrame, shift=0.0001):
    standardised, _ = composite.standardise_pooled(panel, DIRS4)
    weights = composite.entropy_weights(standardised, shift)["weight"]
    table = weights_table(weights, sorted(panel.index.get_level_values("year").unique()))
    scores = composite.scores(standardised, table, DIMS4)
    return standardised, weights, scores, composite.obstacle_degrees(standardised, table)


@settings(max_examples=60, deadline=None)
@given(positive_panels)
def test_identities(values):
    panel = pd.DataFrame(values, index=PANEL_INDEX, columns=list(DIRS4))
    standardised, weights, scores, obstacles = full_index(panel)
    assert weights.sum() == pytest.approx(1.0)
    dimension_weights = weights.groupby(pd.Series(DIMS4)).sum()
    assert dimension_weights.sum() == pytest.approx(1.0)
    ideal = (standardised == 1.0).all(axis=1)  # no gap to the ideal: obstacle degrees undefined
    assert obstacles.isna().all(axis=1).equals(ideal)
    defined = obstacles[~ideal]
    assert defined.sum(axis=1).to_numpy() == pytest.approx(np.full(len(defined), 100.0))
    assert (defined.to_numpy() >= -1e-12).all()
    gap = (standardised.rsub(1.0) * weights).sum(axis=1)
    assert gap.to_numpy() == pytest.approx(1.0 - scores["total"].to_numpy())
    assert scores["total"].between(-1e-12, 1 + 1e-12).all()


@settings(max_examples=40, deadline=None)
@given(positive_panels, st.lists(st.floats(0.001, 1000), min_size=4, max_size=4), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_units_or_row_order(values, factors, random):
    panel = pd.DataFrame(values, index=PANEL_INDEX, columns=list(DIRS4))
    _, _, scores, _ = full_index(panel)
    rescaled = panel * np.array(factors)  # e.g. 万元 -> 元, % -> share
    order = list(range(len(panel)))
    random.shuffle(order)
    _, _, scores2, _ = full_index(rescaled.iloc[order])
    assert scores2.loc[scores.index].to_numpy() == pytest.approx(scores.to_numpy(), rel=1e-9, abs=1e-12)


def test_cost_direction_reverses_ranks():
    values = pd.DataFrame({"x1": [3.0, 1.0, 2.0, 5.0], "x2": [1.0, 2.0, 3.0, 4.0]},
                          index=pd.MultiIndex.from_product([["a", "b", "c", "d"], [2003]],
                                                           names=["admin_code", "year"]))
    single = values[["x1"]]
    benefit, _ = composite.standardise_pooled(single, {"x1": "+"})
    cost, _ = composite.standardise_pooled(single, {"x1": "-"})
    table = weights_table(pd.Series({"x1": 1.0}), [2003])
    up = composite.scores(benefit, table, {"x1": "economic"})["total"]
    down = composite.scores(cost, table, {"x1": "economic"})["total"]
    assert up.rank().tolist() == [3.0, 1.0, 2.0, 4.0]
    assert down.rank().tolist() == [2.0, 4.0, 3.0, 1.0]


def test_demo_run_tables(demo_run):
    from urban_resilience.core.io import read_table

    weights = read_table(demo_run / "results" / "index" / "weights.csv")
    assert weights["weight"].sum() == pytest.approx(1.0)
    assert weights.groupby("dimension")["weight"].sum().sum() == pytest.approx(1.0)
    assert (weights["dataset"] == "demo-synthetic (SYNTHETIC)").all()
    scores = read_table(demo_run / "results" / "index" / "scores.csv")
    assert len(scores) == 34 * 17  # every city of `cities`: the 28 of the study area and 6 reference cities
    dims = ["economic", "ecological", "social", "infrastructure", "institutional"]
    assert scores[dims].sum(axis=1).to_numpy() == pytest.approx(scores["total"].to_numpy())
    degrees = read_table(demo_run / "results" / "obstacles" / "obstacle_degrees.csv").set_index(["admin_code", "year"])
    degrees = degrees.drop(columns="dataset")
    assert degrees.sum(axis=1).to_numpy() == pytest.approx(100.0)
    top5 = read_table(demo_run / "results" / "obstacles" / "top5_frequency.csv")
    assert top5.groupby("year")["cities"].sum().unique().tolist() == [28 * 5]


def test_weights_table_follows_the_indicator_table_whatever_the_summary_order():
    indicators = pd.DataFrame({"code": ["x1", "x2", "x10"], "dimension": ["economic", "social", "economic"],
                               "name_cn": ["甲", "乙", "丙"], "name_en": ["a", "b", "c"], "direction": ["+", "+", "-"],
                               "paper_weight": [0.2, 0.3, None]})
    summary = pd.DataFrame({"entropy": [0.9, 0.8, 0.7], "divergence": [0.1, 0.2, 0.3], "weight": [1 / 6, 2 / 6, 3 / 6]},
                           index=pd.Index(["x1", "x10", "x2"], name="indicator"))  # x10 sorts before x2
    table = composite.weights_table(indicators, summary, "entropy_pooled", 0.0001, "demo (SYNTHETIC)")
    assert table["code"].tolist() == ["x1", "x2", "x10"]
    assert table["weight"].tolist() == pytest.approx([1 / 6, 3 / 6, 2 / 6])
    assert table["dimension_weight"].tolist() == pytest.approx([1 / 2, 1 / 2, 1 / 2])
    assert table["paper_weight"].tolist()[:2] == [0.2, 0.3] and np.isnan(table["paper_weight"].iloc[2])
    assert set(table["method"]) == {"entropy_pooled"} and set(table["shift"]) == {0.0001}
    assert set(table["dataset"]) == {"demo (SYNTHETIC)"}


# ------------------------------------------------------------------ weight methods by hand

def small_panel():
    """Two cities, two years (given out of order), three indicators, already standardised."""
    index = pd.MultiIndex.from_tuples([("B", 2004), ("A", 2004), ("B", 2003), ("A", 2003)],
                                      names=["admin_code", "year"])
    return pd.DataFrame({"x1": [1.0, 0.0, 0.5, 0.25], "x2": [0.2, 0.4, 0.6, 0.8], "x10": [0.0, 1.0, 1.0, 0.0]},
                        index=index)


def test_critic_weights_by_hand():
    panel = small_panel()
    table = composite.critic_weights(panel)
    sigma = panel.std(ddof=1)
    r = panel.corr()
    information = sigma * (1 - r).sum()
    assert table.columns.tolist() == ["std", "information", "weight"]
    assert table.index.tolist() == ["x1", "x2", "x10"]
    assert table["std"].tolist() == pytest.approx(sigma.tolist())
    assert table["information"].tolist() == pytest.approx(information.tolist())
    assert table["weight"].tolist() == pytest.approx((information / information.sum()).tolist())


def test_equal_weights_and_the_pooled_methods_give_one_weight_every_year():
    panel = small_panel()
    equal = composite.equal_weights(panel)
    assert equal.index.tolist() == ["x1", "x2", "x10"] and equal["weight"].tolist() == pytest.approx([1 / 3] * 3)
    for method, expected in (("entropy_pooled", composite.entropy_weights(panel, 0.0001)),
                             ("critic", composite.critic_weights(panel)), ("equal", equal)):
        summary, by_year = composite.weight_vectors(panel, method, 0.0001)
        pd.testing.assert_frame_equal(summary, expected)
        assert by_year.columns.tolist() == ["year", "indicator", "weight"]
        assert by_year[["year", "indicator"]].values.tolist() == [[2003, "x1"], [2003, "x2"], [2003, "x10"],
                                                                   [2004, "x1"], [2004, "x2"], [2004, "x10"]]
        assert by_year["weight"].tolist() == pytest.approx(list(expected["weight"]) * 2)


def test_entropy_per_year_by_hand():
    panel = small_panel()
    by_year = composite.entropy_weights_by_year(panel, 0.0)
    assert by_year["year"].tolist() == [2003] * 3 + [2004] * 3  # sorted, though given 2004 first
    # 2003: x1 (0.5, 0.25) -> p (2/3, 1/3); x2 (0.6, 0.8) -> (3/7, 4/7); x10 (1, 0) -> (1, 0): e = 0
    def e(*p):
        return -sum(q * math.log(q) for q in p if q > 0) / math.log(2)
    first = by_year[by_year["year"] == 2003].set_index("indicator")
    assert first["entropy"].tolist() == pytest.approx([e(2 / 3, 1 / 3), e(3 / 7, 4 / 7), 0.0])
    g = [1 - e(2 / 3, 1 / 3), 1 - e(3 / 7, 4 / 7), 1.0]
    assert first["weight"].tolist() == pytest.approx([v / sum(g) for v in g])
    summary, weights = composite.weight_vectors(panel, "entropy_per_year", 0.0)
    assert summary.index.tolist() == ["x1", "x2", "x10"]  # the panel's order, not sorted (x10 < x2)
    means = by_year.groupby("indicator")[["entropy", "divergence", "weight"]].mean()
    pd.testing.assert_frame_equal(summary, means.loc[["x1", "x2", "x10"]], check_names=False)
    assert weights.columns.tolist() == ["year", "indicator", "weight"]


def test_an_indicator_at_zero_everywhere_needs_a_shift():
    panel = small_panel().assign(x2=0.0)
    with pytest.raises(IndexComputationError, match=r"^an indicator is 0 for every city and year after "
                                                    r"standardisation; set a positive shift$"):
        composite.entropy_weights(panel, 0.0)
    assert composite.entropy_weights(panel, 0.0001)["weight"].sum() == pytest.approx(1.0)


def test_standardisation_errors_name_every_indicator():
    missing = HAND.copy().astype(float)
    missing.iloc[2, 0] = np.nan
    missing.iloc[3, 1] = np.nan
    with pytest.raises(IndexComputationError, match=r"^indicator\(s\) x1, x2 have missing values; interpolate first$"):
        composite.standardise_pooled(missing, DIRECTIONS)
    constant = HAND.assign(x1=7.0, x3=2.0)
    with pytest.raises(IndexComputationError, match=r"^indicator\(s\) x1, x3 take one value for every city and year "
                                                    r"\(max = min\), so range standardisation is undefined; drop them "
                                                    r"from the indicator table$"):
        composite.standardise_pooled(constant, DIRECTIONS)


def test_obstacle_ranks_table_shape_order_and_many_ties():
    columns = [f"x{k}" for k in range(1, 41)]
    rows = pd.MultiIndex.from_tuples([("B", 2004), ("A", 2003)], names=["admin_code", "year"])
    obstacles = pd.DataFrame([[2.5] * 40, [2.5] * 40], index=rows, columns=columns)
    ranks = composite.obstacle_ranks(obstacles)
    assert ranks.columns.tolist() == ["admin_code", "year", "indicator", "obstacle", "rank"]
    assert ranks.index.tolist() == list(range(80))
    assert ranks["admin_code"].tolist() == ["A"] * 40 + ["B"] * 40  # sorted by city and year
    # forty equal degrees (more than a sort's small-array fast path): ranks follow the table's order
    assert ranks["indicator"].tolist() == columns * 2 and ranks["rank"].tolist() == list(range(1, 41)) * 2


def test_top_factor_frequency_is_ordered_by_year_then_most_cities():
    ranks = pd.DataFrame({"admin_code": ["A", "B", "C", "A", "B", "C"], "year": [2004] * 3 + [2003] * 3,
                          "indicator": ["x2", "x2", "x1", "x3", "x1", "x1"], "obstacle": 1.0, "rank": 1})
    table = composite.top_factor_frequency(ranks, 1, ["A", "B", "C"])
    assert table.columns.tolist() == ["year", "indicator", "cities"]
    assert table.values.tolist() == [[2003, "x1", 2], [2003, "x3", 1], [2004, "x2", 2], [2004, "x1", 1]]


def test_obstacle_ranks_table_in_full_and_standardisation_messages():
    cells = pd.MultiIndex.from_tuples([("B", 2004), ("A", 2004), ("A", 2003)], names=["admin_code", "year"])
    obstacles = pd.DataFrame({"x1": [10.0, 50.0, np.nan], "x2": [60.0, 25.0, np.nan], "x3": [30.0, 25.0, np.nan]},
                             index=cells)
    ranks = composite.obstacle_ranks(obstacles)
    assert ranks.columns.tolist() == ["admin_code", "year", "indicator", "obstacle", "rank"]
    # A 2003 (all NaN: ideal everywhere) is left out; A 2004's tie x2 = x3 keeps table order
    assert ranks.values.tolist() == [["A", 2004, "x1", 50.0, 1], ["A", 2004, "x2", 25.0, 2], ["A", 2004, "x3", 25.0, 3],
                                     ["B", 2004, "x2", 60.0, 1], ["B", 2004, "x3", 30.0, 2], ["B", 2004, "x1", 10.0, 3]]
    panel = pd.DataFrame({"x1": [1.0, 1.0], "x2": [1.0, np.nan]})
    with pytest.raises(IndexComputationError) as error:
        composite.standardise_pooled(panel, {"x1": "+", "x2": "+"})
    assert str(error.value) == "indicator(s) x2 have missing values; interpolate first"
    with pytest.raises(IndexComputationError) as error:
        composite.standardise_pooled(panel.fillna(1.0), {"x1": "+", "x2": "-"})
    assert str(error.value) == ("indicator(s) x1, x2 take one value for every city and year (max = min), so range "
                                "standardisation is undefined; drop them from the indicator table")
