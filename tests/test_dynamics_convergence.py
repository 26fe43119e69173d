"""Convergence: hand-computed β, the delta method, the two-way within estimator against explicit
dummies, known synthetic cases recovered within their standard errors, and σ statistics."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W
from scipy import stats

from urban_resilience.dynamics import convergence as cv


def scores_of(values: np.ndarray, first_year: int = 2000, measure: str = "total") -> pd.DataFrame:
    """A scores table of cities × years."""
    return pd.DataFrame([{"admin_code": f"{i:06d}", "year": first_year + t, measure: values[i, t]}
                         for i in range(values.shape[0]) for t in range(values.shape[1])])


def test_cross_section_beta_of_a_hand_case():
    # ln x0 = 0, 1, 2; ln(xT/x0) = 0.2, 0.05, 0: x̄ = 1, Sxx = 2, Sxy = −0.2 → β = −0.1, α = 0.18333;
    # residuals 1/60, −2/60, 1/60 → s² = (6/3600)/1, se = √(s²/Sxx) = 0.0288675
    initial = np.array([0.0, 1.0, 2.0])
    growth = np.array([0.2, 0.05, 0.0])
    values = np.exp(np.column_stack([initial, initial + growth]))
    codes = ["000000", "000001", "000002"]
    x0, g, years = cv.cross_section(scores_of(values), "total", codes)
    np.testing.assert_allclose(x0, initial, atol=1e-12)
    np.testing.assert_allclose(g, growth, atol=1e-12)
    assert years == 1
    fit = cv.least_squares(np.column_stack([np.ones(3), x0]), g)
    np.testing.assert_allclose(fit["coefficients"], [0.18333333333, -0.1], atol=1e-10)
    assert fit["se"][1] == pytest.approx(np.sqrt(6 / 3600 / 2), rel=1e-9)


def test_speed_and_half_life_with_delta_method_errors():
    # β = −0.3 over T = 10 years: λ = −ln 0.7 / 10, half-life ln 2 / λ; derivatives checked numerically
    result = cv.speed(-0.3, 0.05, 10)
    assert result["speed"] == pytest.approx(-np.log(0.7) / 10)
    assert result["half_life"] == pytest.approx(np.log(2) / (-np.log(0.7) / 10))
    step = 1e-6
    d_speed = (cv.speed(-0.3 + step, 0.05, 10)["speed"] - cv.speed(-0.3 - step, 0.05, 10)["speed"]) / (2 * step)
    assert result["speed_se"] == pytest.approx(abs(d_speed) * 0.05, rel=1e-6)
    d_half = (cv.speed(-0.3 + step, 0.05, 10)["half_life"] - cv.speed(-0.3 - step, 0.05, 10)["half_life"]) / (2 * step)
    assert result["half_life_se"] == pytest.approx(abs(d_half) * 0.05, rel=1e-6)
    for beta in (0.0, 0.1, -1.0, -1.5):  # divergence or no finite speed: not reported
        assert np.isnan(cv.speed(beta, 0.05, 10)["speed"])


def test_a_known_cross_section_beta_is_recovered_within_its_error():
    rng = np.random.default_rng(5)
    initial = rng.normal(size=400)
    growth = 0.5 - 0.25 * initial + rng.normal(scale=0.2, size=400)
    fit = cv.least_squares(np.column_stack([np.ones(400), initial]), growth)
    assert abs(fit["coefficients"][1] + 0.25) < 3 * fit["se"][1]
    assert fit["se"][1] == pytest.approx(0.2 / np.sqrt(400 * initial.var()), rel=0.1)


def test_two_way_within_equals_explicit_dummies_and_recovers_beta():
    rng = np.random.default_rng(9)
    cities, years, beta = 60, 12, -0.2
    units, periods = np.repeat(np.arange(cities), years), np.tile(np.arange(years), cities)
    x = rng.normal(size=cities * years) + np.repeat(rng.normal(size=cities), years)  # correlated with the city effect
    y = beta * x + np.repeat(rng.normal(size=cities), years) + np.tile(rng.normal(size=years), cities)
    y += rng.normal(scale=0.1, size=cities * years)
    within = cv.least_squares(cv.two_way_within(x, units, periods)[:, None], cv.two_way_within(y, units, periods))
    design = np.column_stack([x, np.ones_like(x), cv.dummies(units), cv.dummies(periods)])
    dummies = cv.least_squares(design, y)
    assert within["coefficients"][0] == pytest.approx(dummies["coefficients"][0], rel=1e-10)
    assert abs(within["coefficients"][0] - beta) < 3 * dummies["se"][0]


def test_cluster_robust_errors_with_singleton_clusters_are_scaled_white_errors():
    # each observation its own cluster: CR1 = HC0 · n/(n − 1) · (n − 1)/(n − k) = HC0 · n/(n − k)
    rng = np.random.default_rng(2)
    x = np.column_stack([np.ones(50), rng.normal(size=50)])
    y = x @ [1.0, 2.0] + rng.normal(size=50) * (1 + np.abs(x[:, 1]))
    fit = cv.least_squares(x, y, clusters=np.arange(50))
    inverse = np.linalg.inv(x.T @ x)
    hc0 = inverse @ (x.T * fit["residuals"] ** 2) @ x @ inverse
    np.testing.assert_allclose(fit["se"], np.sqrt(np.diag(hc0) * 50 / 48), rtol=1e-10)


def test_panel_rows_use_annual_growth_of_the_lagged_level():
    values = np.exp(np.array([[0.0, 0.1, 0.3], [1.0, 1.05, 1.05]]))
    panel = cv.annual_growth(scores_of(values), "total")
    assert panel["year"].tolist() == [2001, 2002, 2001, 2002]
    np.testing.assert_allclose(panel["lagged"], [0.0, 0.1, 1.0, 1.05], atol=1e-12)
    np.testing.assert_allclose(panel["growth"], [0.1, 0.2, 0.05, 0.0], atol=1e-12)


def test_spatial_models_recover_a_known_spatial_error_process():
    # ln(xT/x0) = 0.4 − 0.3 ln x0 + u, u = (I − 0.5 W)⁻¹ ε on a 12 × 12 lattice
    w = lat2W(12, 12)
    w.transform = "r"
    rng = np.random.default_rng(4)
    n = w.n
    initial = rng.normal(size=n)
    noise = np.linalg.solve(np.eye(n) - 0.5 * w.full()[0], rng.normal(scale=0.1, size=n))
    final = initial + 0.4 - 0.3 * initial + noise
    values = np.exp(np.column_stack([initial, final]))
    codes = [f"{i:06d}" for i in range(n)]
    rows = {row["model"]: row for row in cv.spatial_rows(scores_of(values), "total", codes, w)}
    assert set(rows) == {"spatial SAR", "spatial SEM", "spatial SDM"}
    sem = rows["spatial SEM"]
    assert abs(sem["beta"] + 0.3) < 3 * sem["beta_se"]
    assert abs(sem["spatial_parameter"] - 0.5) < 3 * sem["spatial_parameter_se"]
    # an error process is an SDM with θ = −ρβ: the SDM's W ln x0 coefficient has the opposite sign of β·ρ
    sdm = rows["spatial SDM"]
    assert abs(sdm["wx_coefficient"] - 0.5 * 0.3) < 3 * 0.1
    assert sem["speed"] == pytest.approx(-np.log1p(sem["beta"]))
    # every field against spreg's own fits (constant, ln x0, [W ln x0], then ρ or λ)
    from spreg import ML_Error, ML_Lag

    y, x = np.log(values[:, 1] / values[:, 0])[:, None], np.log(values[:, 0])[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spreg's optimiser and pandas deprecation notices
        references = {"spatial SAR": (ML_Lag(y, x, w, spat_diag=False, spat_impacts=None), "ML (rho)", "none"),
                      "spatial SEM": (ML_Error(y, x, w), "ML (lambda)", "none"),
                      "spatial SDM": (ML_Lag(y, x, w, slx_lags=1, spat_diag=False, spat_impacts=None), "ML (rho)",
                                      "W ln x0")}
    for name, (model, estimator, controls) in references.items():
        row = rows[name]
        assert list(row) == BETA_COLUMNS
        b, se = model.betas.ravel(), np.sqrt(np.diag(model.vm))
        assert [row[k] for k in ("measure", "form", "kind", "controls", "estimator", "n", "years", "errors")] == [
            "total", "cross-section", "absolute", controls, estimator, 144, 1, "ML asymptotic"]
        assert [row["beta"], row["beta_se"], row["spatial_parameter"], row["spatial_parameter_se"]] == pytest.approx(
            [b[1], se[1], b[-1], se[-1]], rel=1e-6)
        assert row["beta_p"] == pytest.approx(2 * stats.norm.sf(abs(b[1] / se[1])), rel=1e-6, abs=0)
        assert row["speed_se"] == pytest.approx(se[1] / (1 + b[1]), rel=1e-6)
        assert row["half_life"] == pytest.approx(np.log(2) / -np.log1p(b[1]), rel=1e-6)
        if name == "spatial SDM":
            assert row["wx_coefficient"] == pytest.approx(b[2], rel=1e-6)
        else:
            assert np.isnan(row["wx_coefficient"])


def test_sigma_statistics_and_their_trend():
    values = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [4.0, 5.0, 6.0]])
    scores = scores_of(values)
    logs = np.log(values)
    sd = cv.sd_of_logs(scores, ["total"])
    np.testing.assert_allclose(sd["total_sd_log"], logs.std(axis=0, ddof=1))
    dispersion = pd.DataFrame({"year": [2000, 2001, 2002], "total_cv": [0.5, 0.4, 0.3]})
    table = cv.sigma_table(dispersion, scores, ["total"])
    assert table["cv_trend"].iloc[0] == pytest.approx(-0.1)
    assert table["cv_trend_se"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert table["sd_log"].tolist() == pytest.approx(list(logs.std(axis=0, ddof=1)))


def test_a_zero_score_stops_with_its_city_year_and_measure():
    values = np.array([[0.2, 0.3], [0.1, 0.0]])
    with pytest.raises(ValueError, match=r"^convergence: total of city 000001 in 2001 is 0.0; logarithms need "
                                         r"positive scores. Remove total from dynamics.convergence.measures or "
                                         r"check the indicators of that dimension$"):
        cv.check_positive(scores_of(values), ["total"])


def test_spatial_models_are_not_fitted_for_a_handful_of_cities():
    w = lat2W(2, 3)
    w.transform = "r"
    values = np.exp(np.random.default_rng(1).normal(size=(6, 3)))
    rows = cv.spatial_rows(scores_of(values), "total", [f"{i:06d}" for i in range(6)], w, min_cities=10)
    assert [row["estimator"] for row in rows] == ["not computed: 6 cities < 10"] * 3
    assert [list(row) for row in rows] == [BETA_COLUMNS] * 3
    assert [(row["model"], row["form"], row["kind"], row["controls"], row["n"], row["years"], row["errors"])
            for row in rows] == [("spatial SAR", "cross-section", "absolute", "none", 6, 2, ""),
                                 ("spatial SEM", "cross-section", "absolute", "none", 6, 2, ""),
                                 ("spatial SDM", "cross-section", "absolute", "W ln x0", 6, 2, "")]
    assert all(np.isnan(row["beta"]) and np.isnan(row["speed"]) for row in rows)


def test_two_years_give_the_cross_section_and_say_why_the_panel_models_are_not_fitted():
    """A study of two years (one year of growth): the cross-section β is estimated (a hand case),
    the fixed-effects panel cannot be (the year effects absorb the one year): not computed, no crash."""
    values = np.exp(np.array([[0.0, 0.2], [1.0, 1.1], [2.0, 2.0], [0.5, 0.8]]))
    scores = scores_of(values)
    codes = sorted(scores["admin_code"].unique())
    rows = pd.DataFrame(cv.beta_rows(scores, "total", codes, np.array(["A", "A", "B", "B"])))
    absolute = rows.set_index("model").loc["cross-section absolute"]
    # growth g = (0.2, 0.1, 0, 0.3) on ln x0 = (0, 1, 2, 0.5): OLS slope by hand
    x0, g = np.array([0.0, 1.0, 2.0, 0.5]), np.array([0.2, 0.1, 0.0, 0.3])
    slope = ((x0 - x0.mean()) @ (g - g.mean())) / ((x0 - x0.mean()) @ (x0 - x0.mean()))
    assert absolute["beta"] == pytest.approx(slope) and absolute["estimator"] == "OLS"
    fixed = rows.set_index("model").loc["panel conditional"]
    assert fixed["estimator"] == "not computed: one year of growth: the year effects absorb it"
    assert np.isnan(fixed["beta"]) and np.isnan(fixed["half_life"])
    two = pd.DataFrame(cv.beta_rows(scores_of(values[:2]), "total", ["000000", "000001"], np.array(["A", "B"])))
    assert two.set_index("model").loc["cross-section conditional", "estimator"] == "not computed: 2 observations " \
        "for 3 parameters"


LOGS = np.array([[0.0, 0.2, 0.5], [1.0, 1.1, 1.15], [2.0, 2.0, 2.1], [0.5, 0.8, 0.9]])  # ln x of 4 cities, 3 years
BETA_COLUMNS = ["measure", "model", "form", "kind", "controls", "estimator", "beta", "beta_se", "beta_p",
                "spatial_parameter", "spatial_parameter_se", "wx_coefficient", "n", "years", "errors", "speed",
                "speed_se", "half_life", "half_life_se"]


def test_convergence_tables_of_a_hand_case():
    """Four cities in provinces A, A, B, B (a fifth, outside the study, has a zero score and is left
    out): every β row by hand or by its definition."""
    scores = scores_of(np.exp(np.vstack([LOGS, [[0.1, 0.2, 0.3]]])))
    scores.loc[(scores["admin_code"] == "000004") & (scores["year"] == 2001), "total"] = 0.0
    scores["social"] = scores["total"] ** 2  # ln x doubles: β of the cross-section is the same, SD of logs doubles
    codes = ["000000", "000001", "000002", "000003"]
    provinces = {"000000": "A", "000001": "A", "000002": "B", "000003": "B", "000004": "C"}
    dispersion = pd.DataFrame({"year": [2000, 2001, 2002], "total_cv": [0.6, 0.5, 0.45],
                               "social_cv": [0.9, 0.8, 0.6]})
    sigma, beta = cv.convergence_tables(scores, dispersion, lat2W(2, 2), codes, ["total", "social"], provinces)
    assert list(beta.columns) == BETA_COLUMNS
    assert beta[["measure", "model"]].values.tolist() == [
        [m, model] for m in ("total", "social") for model in (
            "cross-section absolute", "cross-section conditional", "panel absolute", "panel conditional",
            "spatial SAR", "spatial SEM", "spatial SDM")]
    rows = beta[beta["measure"] == "total"].set_index("model")
    # cross-section absolute: ln x0 = 0, 1, 2, 0.5; growth over T = 2 years 0.5, 0.15, 0.1, 0.4
    x0, g = LOGS[:, 0], LOGS[:, 2] - LOGS[:, 0]
    sxx, sxy = ((x0 - x0.mean()) ** 2).sum(), ((x0 - x0.mean()) * (g - g.mean())).sum()
    b = sxy / sxx
    e = g - g.mean() - b * (x0 - x0.mean())
    se = np.sqrt(e @ e / 2 / sxx)
    absolute = rows.loc["cross-section absolute"]
    assert absolute[["form", "kind", "controls", "estimator", "n", "years", "errors"]].tolist() == [
        "cross-section", "absolute", "none", "OLS", 4, 2, "classic"]
    assert absolute[["beta", "beta_se", "beta_p"]].tolist() == pytest.approx([b, se, 2 * stats.t.sf(abs(b / se), 2)])
    assert absolute["speed"] == pytest.approx(-np.log1p(b) / 2)
    assert np.isnan(absolute[["spatial_parameter", "spatial_parameter_se", "wx_coefficient"]].astype(float)).all()
    # conditional: within provinces x0 − x̄_p = −.5, .5, .75, −.75 and g − ḡ_p = .175, −.175, −.15, .15:
    # β = −0.4/1.625, one degree of freedom left
    conditional = rows.loc["cross-section conditional"]
    dx, dg = np.array([-0.5, 0.5, 0.75, -0.75]), np.array([0.175, -0.175, -0.15, 0.15])
    b = -0.4 / 1.625
    se = np.sqrt(((dg - b * dx) ** 2).sum() / 1 / 1.625)
    assert conditional[["controls", "estimator", "n", "years", "errors"]].tolist() == [
        "province dummies", "OLS", 4, 2, "classic"]
    assert conditional[["beta", "beta_se", "beta_p"]].tolist() == pytest.approx([b, se, 2 * stats.t.sf(abs(b / se), 1)])
    # panel absolute: 8 annual growths on the lagged level, errors clustered by city
    lagged, growth = LOGS[:, :2].ravel(), np.diff(LOGS, axis=1).ravel()
    units, periods = np.repeat(codes, 2), np.tile([2001, 2002], 4)
    pooled = cv.least_squares(np.column_stack([np.ones(8), lagged]), growth, clusters=units)
    panel = rows.loc["panel absolute"]
    assert panel["beta"] == pytest.approx(np.polyfit(lagged, growth, 1)[0])
    assert panel[["controls", "estimator", "n", "years", "errors"]].tolist() == [
        "none", "OLS", 8, 1, "clustered by city"]
    # clustered errors: t with G − 1 = 3 degrees of freedom (4 cities), not n − k = 6
    assert panel[["beta_se", "beta_p"]].tolist() == pytest.approx(
        [pooled["se"][1], 2 * stats.t.sf(abs(pooled["coefficients"][1] / pooled["se"][1]), 3)])
    assert panel["speed"] == pytest.approx(-np.log1p(panel["beta"]))
    # panel conditional = the regression with explicit city and year dummies; its CR1 errors count the
    # regressor, one year effect and the constant (3 parameters), not the city effects
    design = np.column_stack([lagged, np.ones(8), cv.dummies(units), cv.dummies(periods)])
    dummies = cv.least_squares(design, growth, clusters=units)
    fixed = rows.loc["panel conditional"]
    se = dummies["se"][0] * np.sqrt((8 - design.shape[1]) / (8 - 3))
    assert fixed[["controls", "estimator", "n", "years", "errors"]].tolist() == [
        "city and year fixed effects", "OLS", 8, 1, "clustered by city"]
    assert fixed[["beta", "beta_se"]].tolist() == pytest.approx([dummies["coefficients"][0], se])
    assert fixed["beta_p"] == pytest.approx(2 * stats.t.sf(abs(fixed["beta"] / se), 3))  # G − 1 again
    # spatial models: 4 cities < 10 (the default), not fitted
    assert rows.loc["spatial SDM", "controls"] == "W ln x0"
    assert rows.loc[["spatial SAR", "spatial SEM"], "controls"].tolist() == ["none", "none"]
    assert set(rows.iloc[4:]["estimator"]) == {"not computed: 4 cities < 10"}
    _, five = cv.convergence_tables(scores, dispersion, lat2W(2, 2), codes, ["total"], provinces, min_cities=5)
    assert set(five["estimator"].iloc[4:]) == {"not computed: 4 cities < 5"}  # the configured minimum reaches them
    # social = total²: every β of the log growth on the log level is unchanged
    social = beta[beta["measure"] == "social"].set_index("model")
    assert social.loc["cross-section absolute", "beta"] == pytest.approx(rows.loc["cross-section absolute", "beta"])
    # σ table: the CV as given, the SD of logs of the study's four cities (ddof 1), trends per year
    assert list(sigma.columns) == ["measure", "year", "cv", "sd_log", "cv_trend", "cv_trend_se", "sd_log_trend",
                                   "sd_log_trend_se"]
    assert sigma[["measure", "year", "cv"]].values.tolist() == [
        ["total", 2000, 0.6], ["total", 2001, 0.5], ["total", 2002, 0.45],
        ["social", 2000, 0.9], ["social", 2001, 0.8], ["social", 2002, 0.6]]
    sd = LOGS.std(axis=0, ddof=1)
    np.testing.assert_allclose(sigma["sd_log"], np.concatenate([sd, 2 * sd]), rtol=1e-12)
    # slope over the years 2000, 2001, 2002 = (last − first)/2; its classic SE from the one residual pattern
    cv_total = np.array([0.6, 0.5, 0.45])
    assert sigma["cv_trend"].iloc[0] == pytest.approx(-0.075)
    assert sigma["cv_trend_se"].iloc[0] == pytest.approx(abs(cv_total[0] - 2 * cv_total[1] + cv_total[2]) / np.sqrt(12))
    assert sigma["sd_log_trend"].iloc[3] == pytest.approx(sd[2] - sd[0])
    assert sigma["sd_log_trend_se"].iloc[3] == pytest.approx(2 * abs(sd[0] - 2 * sd[1] + sd[2]) / np.sqrt(12))


def test_a_city_without_change_leaves_no_model_to_fit():
    """Every city at the same level in every year: ln x0 does not vary, nor does anything after the
    fixed effects (an all-zero regressor has rank 0); every model says why it was not fitted."""
    scores = scores_of(np.full((4, 3), 2.0))
    codes = ["000000", "000001", "000002", "000003"]
    rows = pd.DataFrame(cv.beta_rows(scores, "total", codes, np.array(["A", "A", "B", "B"])))
    assert list(rows.columns) == BETA_COLUMNS
    rows = rows.set_index("model")
    collinear = "not computed: the regressors are collinear (too few years or groups for this model)"
    assert rows["estimator"].tolist() == [collinear] * 4
    assert rows[["form", "kind", "controls", "n", "years", "errors"]].values.tolist() == [
        ["cross-section", "absolute", "none", 4, 2, "classic"],
        ["cross-section", "conditional", "province dummies", 4, 2, "classic"],
        ["panel", "absolute", "none", 8, 1, "clustered by city"],
        ["panel", "conditional", "city and year fixed effects", 8, 1, "clustered by city"]]
    assert rows.drop(columns=["form", "kind", "controls", "estimator", "n", "years", "errors", "measure"]
                     ).isna().all().all()
    assert (rows["measure"] == "total").all()


def test_design_problem_needs_more_observations_than_parameters():
    assert cv.design_problem(np.ones((2, 2))) == "2 observations for 2 parameters"
    assert cv.design_problem(np.column_stack([np.ones(3), [1.0, 2.0, 4.0]])) == ""


def test_dummies_drop_the_first_level_in_sorted_order():
    assert cv.dummies(np.array(["b", "a", "b", "c"])).tolist() == [[1.0, 0.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]


def test_annual_growth_has_exactly_its_four_columns():
    panel = cv.annual_growth(scores_of(np.exp(np.array([[0.0, 0.1], [1.0, 1.5]]))), "total")
    assert list(panel.columns) == ["admin_code", "year", "lagged", "growth"]
    assert panel.index.tolist() == [0, 1]


def test_ten_cities_are_enough_for_the_spatial_models_by_default():
    w = lat2W(2, 5)
    w.transform = "r"
    values = np.exp(np.random.default_rng(3).normal(size=(10, 2)))
    codes = [f"{i:06d}" for i in range(10)]
    rows = cv.spatial_rows(scores_of(values), "total", codes, w)
    assert [row["estimator"] for row in rows] == ["ML (rho)", "ML (lambda)", "ML (rho)"]
    assert all(np.isfinite(row["beta"]) for row in rows)
    _, beta = cv.convergence_tables(scores_of(values), pd.DataFrame({"year": [2000, 2001], "total_cv": [0.5, 0.4]}),
                                    w, codes, ["total"], dict.fromkeys(codes, "A"))
    assert beta["estimator"].tolist()[-3:] == ["ML (rho)", "ML (lambda)", "ML (rho)"]
    assert beta["beta"].tolist()[-3:] == pytest.approx([row["beta"] for row in rows])
