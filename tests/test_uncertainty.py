"""Uncertainty and sensitivity analysis: the design and estimator against the Ishigami function's
analytic indices, hand-computed decoding, normalisations and aggregation, the nominal sample
against the main run's own path, weight noise that vanishes, chunks that do not matter."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from urban_resilience.analysis import trends
from urban_resilience.core import vocabulary
from urban_resilience.core.io import read_panel, read_table, write_table
from urban_resilience.index import composite
from urban_resilience.robustness import uncertainty
from urban_resilience.robustness.uncertainty import Input

CODES = ["x1", "x2", "x3", "x4", "x5"]
DIRECTIONS = {"x1": "+", "x2": "+", "x3": "-", "x4": "+", "x5": "-"}
DIMENSIONS = {"x1": "economic", "x2": "ecological", "x3": "social", "x4": "infrastructure", "x5": "institutional"}
NOMINAL = {"weighting": "entropy_pooled", "normalisation": "minmax_pooled", "aggregation": "additive",
           "imputation": "linear", "shift": 1e-4, "noise_seed": -1, "left_out": ""}
SETTINGS = {"weighting": ["entropy_pooled"], "normalisation": ["minmax_pooled"], "aggregation": ["additive"],
            "imputation": ["linear"], "weight_noise": 0.0, "shift": [1e-4, 1e-4], "leave_one_out": False,
            "short_max_gap": 1}


def small_panel(cities: int = 8, years: int = 4, seed: int = 3) -> pd.DataFrame:
    """A skewed panel (log-normal), rows (admin_code, year) sorted, columns x1…x5."""
    rng = np.random.default_rng(seed)
    index_ = pd.MultiIndex.from_product([[f"{420100 + 100 * i}" for i in range(cities)],
                                         list(range(2015, 2015 + years))], names=["admin_code", "year"])
    return pd.DataFrame(np.exp(rng.normal(0, 1, (len(index_), len(CODES)))), index=index_, columns=CODES)


def inputs_for(panel: pd.DataFrame) -> uncertainty.IndexInputs:
    return uncertainty.IndexInputs({"linear": panel}, DIRECTIONS, DIMENSIONS)


def samples(count: int = 1, **choices) -> pd.DataFrame:
    return pd.DataFrame([{**NOMINAL, **choices}] * count)


# --- design and estimator ----------------------------------------------------------------------

def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_design_and_estimator_reproduce_the_ishigami_indices():
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    variance = v1 + v2 + v13
    analytic_s1 = np.array([v1, v2, 0.0]) / variance
    analytic_st = np.array([v1 + v13, v2, v13]) / variance
    inputs = [Input(name, "choice", ()) for name in ("x1", "x2", "x3")]
    design = uncertainty.sobol_design(inputs, 4096, seed=7)
    assert design.shape == (4096 * 5, 3)
    described = pd.DataFrame({"output": ["ishigami"], "year": ["all"], "admin_code": [""]})
    result = uncertainty.sobol_indices(inputs, ishigami(design)[:, None], described, 200, 0.95, seed=7)
    assert np.all(np.abs(result["S1"] - analytic_s1) <= result["S1_conf"])
    assert np.all(np.abs(result["ST"] - analytic_st) <= result["ST_conf"])
    assert result["S1_conf"].max() < 0.05  # the intervals are informative, not merely wide


def test_base_sample_must_be_a_power_of_two():
    with pytest.raises(uncertainty.UncertaintyError, match="base_samples is 100; it must be a power of two"):
        uncertainty.sobol_design([Input("w", "choice", ("a", "b"))], 100, 1)


def test_an_output_no_sample_changes_has_no_indices():
    inputs = [Input("x1", "choice", ()), Input("x2", "choice", ())]
    described = pd.DataFrame({"output": ["rank"], "year": ["2019"], "admin_code": ["420100"]})
    result = uncertainty.sobol_indices(inputs, np.ones((8 * 4, 1)), described, 10, 0.95, 1)
    assert result["S1"].isna().all() and result["ST"].isna().all()
    assert list(result["variance"]) == [0.0, 0.0]
    assert list(result["input"]) == ["x1", "x2"]


def test_varying_inputs_leave_fixed_ones_out_and_refuse_none():
    settings = {**SETTINGS, "weighting": ["critic", "equal"], "weight_noise": 0.1, "leave_one_out": True}
    varying = uncertainty.varying_inputs(settings, CODES)
    assert [item.name for item in varying] == ["weighting", "weight_noise", "left_out"]
    assert varying[2].values == ("", *CODES)
    with pytest.raises(uncertainty.UncertaintyError, match="every input is fixed"):
        uncertainty.varying_inputs(SETTINGS, CODES)


def test_decoding_by_hand():
    inputs = [Input("weighting", "choice", tuple(uncertainty.WEIGHTINGS)), Input("weight_noise", "noise", (0.25,)),
              Input("shift", "log_uniform", (1e-5, 1e-2)), Input("left_out", "choice", ("", "x1", "x2"))]
    design = np.array([[0.0, 0.0, 0.0, 0.0],
                       [0.2499, 0.5, 0.5, 0.34],
                       [0.25, 0.25, 1 / 3, 0.67],
                       [0.9999, 0.9999999999, 0.999, 0.9999]])
    frame = uncertainty.decode(inputs, design, uncertainty.fixed_choices({**SETTINGS, "aggregation": ["geometric"]}))
    assert list(frame["weighting"]) == ["entropy_pooled", "entropy_pooled", "entropy_per_year", "equal"]
    assert list(frame["noise_seed"]) == [0, 2**31, 2**30, int(0.9999999999 * 2**32)]
    assert frame["shift"].to_numpy() == pytest.approx([1e-5, 10**-3.5, 1e-4, 10 ** (-5 + 3 * 0.999)], rel=1e-12)
    assert list(frame["left_out"]) == ["", "x1", "x2", "x2"]
    assert set(frame["aggregation"]) == {"geometric"} and set(frame["normalisation"]) == {"minmax_pooled"}
    assert list(frame.columns[:5]) == ["sample", "u_weighting", "u_weight_noise", "u_shift", "u_left_out"]


def test_weight_noise_is_a_function_of_the_seed_and_bounded():
    first = uncertainty.weight_noise(12345, 0.25, 1000, seed=1)
    assert np.array_equal(first, uncertainty.weight_noise(12345, 0.25, 1000, seed=1))
    assert not np.array_equal(first, uncertainty.weight_noise(12346, 0.25, 1000, seed=1))
    assert first.min() >= 0.75 and first.max() <= 1.25 and first.min() < 0.76 and first.max() > 1.24


# --- normalisation and aggregation by hand --------------------------------------------------------

def test_normalisations_by_hand():
    values = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 2.0], [9.0, 9.0]])
    directions = np.array(["+", "-"])
    years = np.array([2018, 2018, 2019, 2019])
    sd = np.sqrt(38 / 3)  # column 1: mean 4, squared deviations 9 + 4 + 0 + 25 over n − 1 = 3
    z = uncertainty.normalise(values, directions, years, "zscore_pooled")
    assert z[:, 0] == pytest.approx(np.array([0, 1, 3, 8]) / sd)
    sd2 = np.sqrt(np.var([1, 2, 2, 9], ddof=1))  # column 2 (cost): −z moved to minimum 0
    assert z[:, 1] == pytest.approx((9 - np.array([1, 2, 2, 9])) / sd2)
    percentile = uncertainty.normalise(values, directions, years, "percentile_pooled")
    assert percentile[:, 0] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert percentile[:, 1] == pytest.approx([1, 0.5, 0.5, 0])  # ties share the average rank 2.5
    per_year = uncertainty.normalise(values, directions, years, "minmax_per_year")
    assert per_year[:, 0] == pytest.approx([0, 1, 0, 1])
    assert per_year[:, 1] == pytest.approx([1, 0, 1, 0])
    pooled = uncertainty.normalise(values, directions, years, "minmax_pooled")
    assert pooled[:, 0] == pytest.approx([0, 1 / 8, 3 / 8, 1]) and pooled[:, 1] == pytest.approx([1, 7 / 8, 7 / 8, 0])
    constant = uncertainty.normalise(np.array([[3.0], [3.0], [1.0], [2.0]]), np.array(["+"]), years, "minmax_per_year")
    assert constant[:, 0] == pytest.approx([0, 0, 0, 1])  # constant within 2018: 0


def test_aggregation_by_hand():
    normalised = np.array([[0.0, 1.0, 0.5, 0.2, 0.4], [1.0, 0.0, 0.25, 0.5, 0.1]])
    weights = np.array([[[0.1, 0.2, 0.3, 0.15, 0.25]]])  # one sample, one year
    rows = np.array([0, 0])
    dims = [DIMENSIONS[c] for c in CODES]
    additive = uncertainty.aggregate(normalised, weights, rows, "additive", np.array([0.01]), dims)
    assert additive[0] == pytest.approx([0.2 + 0.15 + 0.03 + 0.1, 0.1 + 0.075 + 0.075 + 0.025])
    geometric = uncertainty.aggregate(normalised, weights, rows, "geometric", np.array([0.01]), dims)
    first = 0.01**0.1 * 1.01**0.2 * 0.51**0.3 * 0.21**0.15 * 0.41**0.25
    second = 1.01**0.1 * 0.01**0.2 * 0.26**0.3 * 0.51**0.15 * 0.11**0.25
    assert geometric[0] == pytest.approx([first, second], rel=1e-12)


def test_leaving_an_indicator_out_recomputes_the_weights_without_it():
    panel = small_panel()
    x = composite.standardise_pooled(panel, DIRECTIONS)[0]
    years = panel.index.get_level_values("year").to_numpy()
    chosen = pd.DataFrame([{**NOMINAL, "left_out": "x3", "weighting": w} for w in uncertainty.WEIGHTINGS])
    weights = uncertainty.base_weights(x.to_numpy(), years, chosen, CODES)
    kept = [c for c in CODES if c != "x3"]
    assert (weights[:, :, 2] == 0).all()
    entropy = composite.entropy_weights(x[kept], 1e-4)["weight"].to_numpy()
    assert weights[0, 0, [0, 1, 3, 4]] == pytest.approx(entropy, rel=1e-13)
    by_year = composite.entropy_weights_by_year(x[kept], 1e-4)
    for t, year in enumerate(sorted(set(years))):
        expected = by_year[by_year["year"] == year]["weight"].to_numpy()
        assert weights[1, t, [0, 1, 3, 4]] == pytest.approx(expected, rel=1e-13)
    critic = composite.critic_weights(x[kept])["weight"].to_numpy()
    assert weights[2, 0, [0, 1, 3, 4]] == pytest.approx(critic, rel=1e-13)
    assert weights[3, 0, [0, 1, 3, 4]] == pytest.approx([0.25] * 4)


def test_entropy_for_many_shifts_at_once_matches_the_index():
    x = composite.standardise_pooled(small_panel(), DIRECTIONS)[0]
    shifts = np.array([1e-5, 1e-4, 1e-3, 1e-2])
    divergence = uncertainty.entropy_divergence(x.to_numpy(), shifts)
    for k, shift in enumerate(shifts):
        assert np.array_equal(divergence[k], composite.entropy_weights(x, shift)["divergence"].to_numpy())


# --- the nominal sample is the main run ----------------------------------------------------------

def main_run_totals(panel: pd.DataFrame, tmp_path) -> pd.Series:
    """The main run's path: the panel, x' and the weights each pass through a 12-digit table."""
    write_table(panel.reset_index(), tmp_path / "indicators.csv")
    panel = read_panel(tmp_path / "indicators.csv")
    standardised = composite.standardise_pooled(panel, DIRECTIONS)[0]
    write_table(standardised.reset_index(), tmp_path / "standardised.csv")
    standardised = read_panel(tmp_path / "standardised.csv")
    by_year = composite.weight_vectors(standardised, "entropy_pooled", 1e-4)[1]
    write_table(by_year, tmp_path / "by_year.csv")
    scores = composite.scores(standardised, read_table(tmp_path / "by_year.csv"), DIMENSIONS)
    write_table(scores.reset_index(), tmp_path / "scores.csv")
    return read_panel(tmp_path / "scores.csv")["total"]


def test_every_nominal_sample_reproduces_the_main_run_to_the_last_written_digit(tmp_path):
    panel = small_panel(cities=10, years=5)
    expected = main_run_totals(panel, tmp_path)
    stored = read_panel(tmp_path / "indicators.csv")  # the robustness stage reads a written panel too
    totals = uncertainty.evaluate(inputs_for(stored), samples(6), 0.25, seed=1)
    for row in totals:
        assert ["%.12g" % v for v in row] == ["%.12g" % v for v in expected]


def test_ranks_and_tiers_of_the_nominal_sample_are_the_main_runs():
    panel = small_panel(cities=10, years=3)
    study = sorted(panel.index.get_level_values("admin_code").unique())[:7]
    totals = uncertainty.evaluate(inputs_for(panel), samples(1), 0.0, seed=1)
    frame = panel.index.to_frame(index=False).assign(total=totals[0], name_cn="", name_en="", province_en="")
    result = uncertainty.evaluate_ranks(inputs_for(panel), samples(1), 0.0, 1, study, "study_area_mean", {})
    ranks = uncertainty.nominal_ranks(frame, study).pivot(index="year", columns="admin_code", values="rank")
    assert np.array_equal(result[0, 0], ranks.to_numpy())
    classified = trends.classify(frame[frame["admin_code"].isin(study)], "study_area_mean")
    expected = classified.pivot(index="year", columns="admin_code", values="tier")
    assert np.array_equal(np.asarray(vocabulary.TIERS)[result[0, 1]], expected.to_numpy())
    everyone = uncertainty.evaluate_ranks(inputs_for(panel), samples(1), 0.0, 1, study, "cities_mean", {})
    by_all = trends.classify(frame[frame["admin_code"].isin(study)], "cities_mean", frame)
    assert np.array_equal(np.asarray(vocabulary.TIERS)[everyone[0, 1]],
                          by_all.pivot(index="year", columns="admin_code", values="tier").to_numpy())


def test_a_numeric_reference_keeps_its_position_relative_to_the_study_area_mean():
    scores = pd.DataFrame({"admin_code": ["a", "b", "c", "a", "b", "c"], "year": [2018] * 3 + [2019] * 3,
                           "total": [0.1, 0.2, 0.3, 0.2, 0.4, 0.6]})
    ratios = uncertainty.reference_ratios(scores, 0.25, ["a", "b"])
    assert ratios == pytest.approx({2018: 0.25 / 0.15, 2019: 0.25 / 0.3})
    assert uncertainty.reference_ratios(scores, {2018: 0.3, 2019: 0.3}, ["a", "b", "c"]) == pytest.approx(
        {2018: 1.5, 2019: 0.75})
    assert uncertainty.reference_ratios(scores, "study_area_mean", ["a"]) == {}


# --- uncertainty outputs ------------------------------------------------------------------------

def noise_only_intervals(panel: pd.DataFrame, amplitude: float) -> pd.DataFrame:
    settings = {**SETTINGS, "weight_noise": amplitude}
    varying = uncertainty.varying_inputs(settings, CODES)
    design = uncertainty.decode(varying, uncertainty.sobol_design(varying, 64, 5), uncertainty.fixed_choices(settings))
    design["shift"] = 1e-4
    study = sorted(panel.index.get_level_values("admin_code").unique())
    results = uncertainty.evaluate_ranks(inputs_for(panel), design, amplitude, 5, study, "study_area_mean", {})
    totals = uncertainty.evaluate(inputs_for(panel), samples(1), 0.0, 5)
    nominal = panel.index.to_frame(index=False).assign(total=totals[0])
    return uncertainty.summarise(results, nominal, study, varying, 20, 0.95, 5)[0]


def test_rank_intervals_shrink_to_nothing_as_the_weight_noise_vanishes():
    panel = small_panel(cities=12, years=3, seed=11)
    widths, shifts = [], []
    for amplitude in (0.6, 0.2, 0.02, 1e-9):
        intervals = noise_only_intervals(panel, amplitude)
        widths.append(int((intervals["p95_rank"] - intervals["p05_rank"]).sum()))
        shifts.append(float(intervals["mean_abs_shift"].sum()))
    assert widths[0] > widths[1] > 0 and widths == sorted(widths, reverse=True)
    assert widths[-1] == 0 and shifts[-1] == 0.0
    assert shifts == sorted(shifts, reverse=True)


def test_rank_intervals_by_hand():
    ranks = np.array([[[1, 2]], [[2, 1]], [[1, 2]], [[1, 2]], [[2, 1]]], dtype=np.int16)  # 5 samples, 1 year
    tiers = np.array([[[4, 0]], [[3, 0]], [[4, 1]], [[4, 0]], [[2, 0]]], dtype=np.int16)
    frame = uncertainty.rank_intervals(ranks, tiers, np.array([[1, 2]]), [2019], ["a", "b"])
    assert list(frame["median_rank"]) == [1, 2] and list(frame["p05_rank"]) == [1, 1]
    assert list(frame["p95_rank"]) == [2, 2]
    assert frame["mean_abs_shift"].tolist() == pytest.approx([0.4, 0.4])
    assert frame.loc[0, ["share_middle", "share_upper-middle", "share_high"]].tolist() == pytest.approx([0.2, 0.2, 0.6])
    assert frame.loc[1, ["share_low", "share_lower-middle"]].tolist() == pytest.approx([0.8, 0.2])


def test_chunks_do_not_change_a_single_sample():
    panel = small_panel(cities=9, years=3, seed=2)
    settings = {"weighting": list(uncertainty.WEIGHTINGS), "normalisation": list(uncertainty.NORMALISATIONS),
                "aggregation": ["additive", "geometric"], "imputation": ["linear"], "weight_noise": 0.25,
                "shift": [1e-5, 1e-2], "leave_one_out": True, "short_max_gap": 1}
    varying = uncertainty.varying_inputs(settings, CODES)
    design = uncertainty.decode(varying, uncertainty.sobol_design(varying, 32, 3), uncertainty.fixed_choices(settings))
    study = sorted(panel.index.get_level_values("admin_code").unique())

    def run(chunks: int) -> np.ndarray:
        rows = [uncertainty.chunk_rows(len(design), chunks, k) for k in range(chunks)]
        parts = [uncertainty.evaluate_ranks(inputs_for(panel), design.iloc[r], 0.25, 3, study, "study_area_mean", {})
                 for r in rows]
        return np.concatenate(parts)

    whole = run(1)
    assert whole.shape == (32 * (6 + 2), 2, 3, 9)  # six varying inputs
    assert np.array_equal(whole, run(4)) and np.array_equal(whole, run(7))
    assert len(np.unique(whole[:, 0, -1, 0])) > 1  # the samples differ: the test can fail


def test_chunk_rows_split_contiguously_and_name_a_missing_chunk():
    assert [list(uncertainty.chunk_rows(10, 3, k)) for k in range(3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    with pytest.raises(uncertainty.UncertaintyError, match=r"chunk 3 does not exist: there are 3 chunks \(0 … 2\)"):
        uncertainty.chunk_rows(10, 3, 3)


def test_study_ranks_share_the_best_rank_on_ties():
    rows = pd.MultiIndex.from_product([["a", "b", "c"], [2019]], names=["admin_code", "year"])
    ranks, years, cities = uncertainty.study_ranks(np.array([[0.5, 0.7, 0.5]]), rows, ["c", "a", "b"])
    assert cities == ["a", "b", "c"] and years == [2019]
    assert ranks.tolist() == [[[2, 1, 2]]]
    assert np.array_equal(ranks[0, 0], rankdata(-np.array([0.5, 0.7, 0.5]), method="min"))


def test_imputation_alternatives_by_hand():
    from urban_resilience.panel import build

    index_ = pd.MultiIndex.from_product([["a", "b", "c"], [2015, 2016, 2017, 2018, 2019]], names=["admin_code", "year"])
    frame = pd.DataFrame({"v": [1.0, np.nan, np.nan, 4.0, 5.0,
                                10.0, 20.0, 30.0, 40.0, 50.0,
                                2.0, 4.0, 6.0, 8.0, np.nan]}, index=index_)
    linear = build.impute(frame, {"v": "x"}, "linear", "nearest_trend", 3, 1)
    assert linear["v"].tolist()[:5] == [1, 2, 3, 4, 5] and linear.loc[("c", 2019), "v"] == 10
    nearest = build.impute(frame, {"v": "x"}, "nearest", "nearest_trend", 3, 1)
    assert nearest["v"].tolist()[:5] == [1, 1, 4, 4, 5] and nearest.loc[("c", 2019), "v"] == 8
    short = build.impute(frame, {"v": "x"}, "short_gaps", "nearest_trend", 3, 1)
    # a's two-year gap is longer than 1: the year's median over b and c (20 and 4 → 12; 30 and 6 → 18)
    assert short["v"].tolist()[:5] == [1, 12, 18, 4, 5] and short.loc[("c", 2019), "v"] == 10


def test_varying_inputs_in_order_with_their_values_and_the_fixed_choices():
    settings = {"weighting": ["critic", "equal"], "normalisation": ["zscore_pooled", "minmax_pooled"],
                "aggregation": ["geometric", "additive"], "imputation": ["nearest", "linear"], "weight_noise": 0.1,
                "shift": [1e-4, 1e-3], "leave_one_out": True, "short_max_gap": 1}
    varying = uncertainty.varying_inputs(settings, ["x1", "x2"])
    assert [(i.name, i.kind, i.values) for i in varying] == [
        ("weighting", "choice", ("critic", "equal")), ("weight_noise", "noise", (0.1,)),
        ("normalisation", "choice", ("zscore_pooled", "minmax_pooled")),
        ("aggregation", "choice", ("geometric", "additive")), ("imputation", "choice", ("nearest", "linear")),
        ("shift", "log_uniform", (1e-4, 1e-3)), ("left_out", "choice", ("", "x1", "x2"))]
    assert uncertainty.problem(varying) == {"num_vars": 7, "names": [i.name for i in varying],
                                            "bounds": [[0.0, 1.0]] * 7}
    assert uncertainty.fixed_choices(settings) == {
        "weighting": "critic", "normalisation": "zscore_pooled", "aggregation": "geometric", "imputation": "nearest",
        "shift": 1e-4, "noise_seed": -1, "left_out": ""}
    one = uncertainty.varying_inputs({**SETTINGS, "normalisation": ["minmax_pooled", "percentile_pooled"]}, CODES)
    assert [(i.name, i.values) for i in one] == [("normalisation", ("minmax_pooled", "percentile_pooled"))]


def test_summary_tables_by_hand():
    # one input, base sample 2: 2 × (1 + 2) = 6 samples; 2 cities (a, b), 2 years
    inputs = [Input("aggregation", "choice", ("additive", "geometric"))]
    nominal = pd.DataFrame({"admin_code": ["a", "a", "b", "b", "c", "c"], "year": [2018, 2019] * 3,
                            "total": [0.5, 0.5, 0.2, 0.6, 0.9, 0.9]})  # c is outside the study area
    nominal_ranks = [[1, 2], [2, 1]]   # years × cities (a, b): 2018 a first (0.5 > 0.2), 2019 b (0.6 > 0.5)
    flipped = [[1, 2], [1, 2]]         # 2019 reversed
    ranks = np.array([nominal_ranks, flipped, [[2, 1], [1, 2]], nominal_ranks, nominal_ranks, flipped],
                     dtype=np.int16)
    results = np.stack([ranks, np.full_like(ranks, 2)], axis=1)
    intervals, shifts, sobol = uncertainty.summarise(results, nominal, ["b", "a"], inputs, 10, 0.95, 1)
    assert intervals[["admin_code", "year", "nominal_rank"]].values.tolist() == [
        ["a", 2018, 1], ["b", 2018, 2], ["a", 2019, 2], ["b", 2019, 1]]
    assert (intervals["share_middle"] == 1.0).all()
    # per sample MARS_2018: 0, 0, 1, 0, 0, 0; MARS_2019: 0, 1, 1, 0, 0, 1; over both: 0, .5, 1, 0, 0, .5
    assert shifts["year"].tolist() == ["all", "2018", "2019"]
    assert shifts["mean"].tolist() == pytest.approx([2 / 6, 1 / 6, 3 / 6])
    assert shifts["share_unchanged"].tolist() == pytest.approx([3 / 6, 5 / 6, 3 / 6])
    assert shifts["median"].tolist() == pytest.approx([0.25, 0.0, 0.5])
    assert shifts["p95"].tolist() == pytest.approx([0.875, 0.75, 1.0])
    assert shifts["p05"].tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert sobol[["output", "year", "admin_code", "input"]].values.tolist() == [
        ["mean_rank_shift", "all", "", "aggregation"], ["mean_rank_shift", "2018", "", "aggregation"],
        ["mean_rank_shift", "2019", "", "aggregation"], ["rank", "2019", "a", "aggregation"],
        ["rank", "2019", "b", "aggregation"]]
    values, _ = uncertainty.sensitivity_outputs(ranks, np.array(nominal_ranks), [2018, 2019], ["a", "b"])
    assert values.tolist() == [[0, 0, 0, 2, 1], [0.5, 0, 1, 1, 2], [1, 1, 1, 1, 2], [0, 0, 0, 2, 1],
                               [0, 0, 0, 2, 1], [0.5, 0, 1, 1, 2]]
    assert sobol["variance"].tolist() == pytest.approx([values[:, k].var() for k in range(5)])


def test_messages_in_full():
    with pytest.raises(uncertainty.UncertaintyError) as error:
        uncertainty.varying_inputs(SETTINGS, CODES)
    assert str(error.value) == ("uncertainty.inputs: every input is fixed, so nothing varies; give at least one input "
                                "two alternatives")
    years = np.array([2019])
    with pytest.raises(uncertainty.UncertaintyError) as error:
        uncertainty.normalise(np.ones((1, 1)), np.array(["+"]), years, "rank")
    assert str(error.value) == ("unknown normalisation 'rank'; expected one of minmax_pooled, minmax_per_year, "
                                "zscore_pooled, percentile_pooled")
    with pytest.raises(uncertainty.UncertaintyError) as error:
        uncertainty.base_weights(np.eye(2), np.array([1, 2]), samples(1, weighting="pca"), ["x1", "x2"])
    assert str(error.value) == ("unknown weighting ['pca']; expected one of entropy_pooled, entropy_per_year, "
                                "critic, equal")
    with pytest.raises(uncertainty.UncertaintyError) as error:
        uncertainty.aggregate(np.ones((1, 1)), np.ones((1, 1, 1)), np.array([0]), "harmonic", np.array([0.1]),
                              ["economic"])
    assert str(error.value) == "unknown aggregation 'harmonic'; expected one of additive, geometric"
    with pytest.raises(uncertainty.UncertaintyError) as error:
        uncertainty.evaluate(inputs_for(small_panel()), samples(1, imputation="spline"), 0.0, 1)
    assert str(error.value) == "no panel for imputation 'spline'"
    rows = pd.MultiIndex.from_product([["a"], [2019]], names=["admin_code", "year"])
    with pytest.raises(uncertainty.UncertaintyError) as error:
        uncertainty.study_ranks(np.ones((1, 1)), rows, ["a", "q"])
    assert str(error.value) == "study-area cities ['q'] are not in the panel"


def test_the_design_is_scrambled_seeded_and_stored_as_given():
    inputs = [Input("weighting", "choice", uncertainty.WEIGHTINGS), Input("left_out", "choice", ("", "x1"))]
    first = uncertainty.sobol_design(inputs, 8, seed=3)
    assert np.array_equal(first, uncertainty.sobol_design(inputs, 8, seed=3))
    assert not np.array_equal(first, uncertainty.sobol_design(inputs, 8, seed=4))
    assert (first[0] != 0).all()  # an unscrambled Sobol' sequence starts at 0
    assert uncertainty.sobol_design(inputs, 2, seed=3).shape == (8, 2)
    frame = uncertainty.decode(inputs, first, NOMINAL)
    assert np.array_equal(frame["u_weighting"].to_numpy(), first[:, 0])
    edge = uncertainty.decode([*inputs, Input("weight_noise", "noise", (0.2,))], np.array([[1.0, 1.0, 1.0]]), NOMINAL)
    assert edge.loc[0, ["weighting", "left_out", "noise_seed"]].tolist() == ["equal", "x1", 2**32 - 1]


def test_weight_noise_formula_and_renormalisation():
    draws = np.random.default_rng([9, 0]).random(3)
    assert uncertainty.weight_noise(0, 0.3, 3, seed=9) == pytest.approx(1 + 0.3 * (2 * draws - 1))
    weights = np.array([[[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]])  # one sample, two years
    noisy = uncertainty.apply_noise(weights, pd.DataFrame({"noise_seed": [0]}), 0.3, seed=9)
    eps = 1 + 0.3 * (2 * draws - 1)
    for t in range(2):
        assert noisy[0, t] == pytest.approx(weights[0, t] * eps / (weights[0, t] * eps).sum())
    assert np.array_equal(uncertainty.apply_noise(weights, pd.DataFrame({"noise_seed": [-1]}), 0.3, 9), weights)


def test_stored_weights_round_each_row_as_the_main_run_writes_them():
    from urban_resilience.core.io import as_stored

    same = np.array([[1 / 3, 2 / 3]] * 2)
    varying = np.array([[1 / 7, 6 / 7], [2 / 9, 7 / 9]])
    stored = uncertainty.stored_weights(np.stack([same, varying]))
    assert np.array_equal(stored[0], as_stored(same)) and np.array_equal(stored[1], as_stored(varying))
    assert not np.array_equal(stored[1], varying)  # 12 digits: the test can fail


def test_entropy_in_batches_and_with_zero_shares(monkeypatch):
    x = composite.standardise_pooled(small_panel(), DIRECTIONS)[0]
    monkeypatch.setattr(uncertainty, "BATCH_CELLS", 1)  # one shift per batch
    shifts = np.array([1e-5, 1e-3, 1e-2])
    divergence = uncertainty.entropy_divergence(x.to_numpy(), shifts)
    for k, shift in enumerate(shifts):
        assert np.array_equal(divergence[k], composite.entropy_weights(x, shift)["divergence"].to_numpy())
    zero = uncertainty.entropy_divergence(x.to_numpy(), np.array([0.0]))  # x' = 0 cells: 0 · ln 0 = 0
    assert np.array_equal(zero[0], 1 - composite._entropy(x.to_numpy()))


def test_entropy_per_year_weights_of_several_samples():
    panel = small_panel()
    x = composite.standardise_pooled(panel, DIRECTIONS)[0]
    years = panel.index.get_level_values("year").to_numpy()
    chosen = samples(2, weighting="entropy_per_year").assign(shift=[1e-4, 1e-2])
    weights = uncertainty.base_weights(x.to_numpy(), years, chosen, CODES)
    for k, shift in enumerate((1e-4, 1e-2)):
        by_year = composite.entropy_weights_by_year(x, shift)
        for t, year in enumerate(sorted(set(years))):
            assert weights[k, t] == pytest.approx(by_year[by_year["year"] == year]["weight"].to_numpy(), rel=1e-13)


@pytest.mark.parametrize("normalisation", ["minmax_per_year", "zscore_pooled", "percentile_pooled"])
def test_evaluate_uses_each_normalisation(normalisation):
    panel = small_panel()
    years = panel.index.get_level_values("year").to_numpy()
    totals = uncertainty.evaluate(inputs_for(panel), samples(1, normalisation=normalisation, weighting="equal"), 0, 1)
    y = uncertainty.normalise(panel.to_numpy(), np.array([DIRECTIONS[c] for c in CODES]), years, normalisation)
    assert totals[0] == pytest.approx(y.mean(axis=1), rel=1e-12)  # equal weights 1/5


def test_ranks_with_three_way_ties_and_tiers_against_a_moved_reference():
    rows = pd.MultiIndex.from_product([["a", "b", "c", "d"], [2019]], names=["admin_code", "year"])
    totals = np.array([[0.5, 0.5, 0.5, 0.9]])
    ranks, _, _ = uncertainty.study_ranks(totals, rows, ["a", "b", "c", "d"])
    assert ranks.tolist() == [[[2, 2, 2, 1]]]
    nominal = pd.DataFrame({"admin_code": ["a", "b", "c", "d"], "year": 2019, "total": [0.5, 0.5, 0.5, 0.9]})
    assert uncertainty.nominal_ranks(nominal, ["a", "b", "c", "d"])["rank"].tolist() == [2, 2, 2, 1]
    # reference 0.48 where the study-area mean is 0.6: ratio 0.8; the sample's own mean 0.6 → 0.48
    ratios = uncertainty.reference_ratios(nominal, 0.48, ["a", "b", "c", "d"])
    tiers = uncertainty.study_tiers(totals, rows, ["a", "b", "c", "d"], 0.48, ratios)
    assert tiers.tolist() == [[[2, 2, 2, 4]]]  # 0.5/0.48 − 1 = +4 % (middle); 0.9/0.48 − 1 = +88 % (high)
    assert uncertainty.reference_ratios(nominal, "cities_mean", ["a"]) == {}


def test_percentile_ranks_are_ranks_that_occur():
    frame = uncertainty.rank_intervals(np.array([[[1]], [[2]]], dtype=np.int16), np.zeros((2, 1, 1), dtype=np.int16),
                                       np.array([[1]]), [2019], ["a"])
    assert frame[["median_rank", "p05_rank", "p95_rank"]].values.tolist() == [[1, 1, 2]]


def test_outputs_name_the_last_year_of_three():
    ranks = np.array([[[1, 2], [2, 1], [1, 2]]], dtype=np.int16)  # one sample, years 2017-2019
    values, described = uncertainty.sensitivity_outputs(ranks, np.array([[1, 2], [1, 2], [2, 1]]),
                                                        [2017, 2018, 2019], ["a", "b"])
    assert values.tolist() == [[2 / 3, 0, 1, 1, 1, 2]]
    assert described["year"].tolist() == ["all", "2017", "2018", "2019", "2019", "2019"]


def test_sobol_indices_are_salibs_with_the_given_resamples_level_and_seed():
    from SALib.analyze import sobol

    inputs = [Input(name, "choice", ()) for name in ("x1", "x2", "x3")]
    design = uncertainty.sobol_design(inputs, 64, seed=2)
    output = ishigami(design)
    described = pd.DataFrame({"output": ["ishigami"], "year": ["all"], "admin_code": [""]})
    ours = uncertainty.sobol_indices(inputs, output[:, None], described, 17, 0.8, seed=5)
    theirs = sobol.analyze(uncertainty.problem(inputs), output, calc_second_order=False, num_resamples=17,
                           conf_level=0.8, seed=5)
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert ours[key].tolist() == list(theirs[key])
