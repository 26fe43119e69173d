"""The robustness stage on the demo run: the nominal choices reproduce the published scores from
the stage's own panel; the outputs are consistent with each other and with the main run."""

import numpy as np
import pandas as pd
import pytest
import yaml

from urban_resilience.core import tables
from urban_resilience.core.io import read_table
from urban_resilience.robustness import uncertainty

pytestmark = pytest.mark.workflow


def test_nominal_samples_reproduce_the_published_scores(demo_run):
    results = demo_run / "results"
    inputs = uncertainty.index_inputs(read_table(results / "uncertainty" / "panels.csv"),
                                      tables.read_indicators(demo_run / "resources" / "indicators.csv"))
    assert set(inputs.panels) == {"linear", "nearest", "short_gaps"}
    nominal = pd.DataFrame([{"weighting": "entropy_pooled", "normalisation": "minmax_pooled",
                             "aggregation": "additive", "imputation": "linear", "shift": 1e-4, "noise_seed": -1,
                             "left_out": ""}] * 3)
    totals = uncertainty.evaluate(inputs, nominal, 0.25, seed=1)
    published = read_table(results / "index" / "scores.csv").sort_values(["admin_code", "year"])
    expected = ["%.12g" % v for v in published["total"]]
    for row in totals:
        assert ["%.12g" % v for v in row] == expected


def test_uncertainty_outputs_agree_with_each_other_and_the_main_run(demo_run):
    results = demo_run / "results"
    config = yaml.safe_load((demo_run / "config.yaml").read_text(encoding="utf-8"))
    design = uncertainty.read_design(results / "uncertainty" / "design.csv")
    assert len(design) == config["uncertainty"]["base_samples"] * (7 + 2)
    intervals = read_table(results / "uncertainty" / "rank_intervals.csv")
    study = [str(c) for c in config["study_area"]]
    assert sorted(intervals["admin_code"].unique()) == sorted(study) and intervals["year"].nunique() == 17
    scores = read_table(results / "index" / "scores.csv")
    nominal = uncertainty.nominal_ranks(scores, study).merge(intervals, on=["admin_code", "year"])
    assert (nominal["rank"] == nominal["nominal_rank"]).all()
    assert (intervals["p05_rank"] <= intervals["median_rank"]).all()
    assert (intervals["median_rank"] <= intervals["p95_rank"]).all()
    shares = intervals.filter(like="share_")
    assert np.allclose(shares.sum(axis=1), 1.0)
    sobol = read_table(results / "uncertainty" / "sobol_indices.csv", dtype={"year": str})
    assert len(sobol) == 7 * (1 + 17 + 28)
    overall = sobol[(sobol["output"] == "mean_rank_shift") & (sobol["year"] == "all")].set_index("input")
    assert overall.loc["weighting", "ST"] > overall.loc["shift", "ST"]  # the demo's weighting matters, the shift not
    shift = read_table(results / "uncertainty" / "rank_shift.csv", dtype={"year": str}).set_index("year")
    assert shift.loc["all", "mean"] == pytest.approx(intervals["mean_abs_shift"].mean())
    for name in ("correlations", "indicator_correlations", "consistency", "distributions", "importance"):
        assert (results / "audit" / f"{name}.csv").stat().st_size > 0
