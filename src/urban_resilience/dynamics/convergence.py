"""Convergence of the scores across cities: σ, absolute and conditional β, spatial β.

Notation: :math:`x_{it}` a city's score (a dimension or the total), :math:`t = 0 … T` the years.

- σ convergence: the dispersion across cities falls over time. Per year the coefficient of variation
  :math:`CV_t = s_t / \\bar x_t` (from the analysis stage's dispersion table, sample s) and the
  standard deviation of logs :math:`SD_t = \\mathrm{sd}(\\ln x_{it})` (ddof 1); the trend of each is the
  least-squares slope on the year, negative for σ convergence.
- β convergence, cross-section: :math:`\\ln(x_{iT}/x_{i0}) = \\alpha + \\beta \\ln x_{i0} + \\varepsilon_i`
  (absolute); conditional adds province dummies (cities converge to their province's own level).
  β < 0 means lower scores grow faster. The implied speed is :math:`\\lambda = -\\ln(1 + \\beta)/T`
  and the half-life :math:`\\ln 2 / \\lambda`, with delta-method standard errors
  :math:`se_\\lambda = se_\\beta / (|1 + \\beta| T)`, :math:`se_h = \\ln 2 \\, se_\\lambda / \\lambda^2`
  (defined for −1 < β < 0).
- β convergence, panel of annual growth:
  :math:`\\ln(x_{it}/x_{i,t-1}) = \\alpha + \\beta \\ln x_{i,t-1} + \\varepsilon_{it}`
  (absolute, pooled) and with city and year fixed effects (two-way FE, conditional), T = 1 in the
  speed; standard errors clustered by city (CR1).
- Spatial β: the cross-section absolute model as a spatial lag (SAR), spatial error (SEM) and
  spatial Durbin model (SDM = SAR with :math:`W \\ln x_{i0}`), maximum likelihood (PySAL spreg),
  on the row-standardised weights of the analysis stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from urban_resilience.core.vocabulary import DDOF


def sd_of_logs(scores: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """Per year: SD of ln x across cities (ddof 1) of each measure (wide: year, <measure>_sd_log)."""
    logs = np.log(scores[list(measures)].astype(float)).assign(year=scores["year"])
    frame = logs.groupby("year")[list(measures)].std(ddof=DDOF)
    return frame.add_suffix("_sd_log").reset_index()


def slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(OLS slope of y on x with intercept, its classic standard error); x is centred first, which
    changes only the intercept and keeps years like 2003 from costing precision."""
    fit = least_squares(np.column_stack([np.ones(len(x)), x - np.mean(x)]), y)
    return float(fit["coefficients"][1]), float(fit["se"][1])


def sigma_table(dispersion: pd.DataFrame, scores: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """σ convergence per measure and year (CV from ``dispersion``, SD of logs from ``scores``) with
    the trend slope per year of each statistic and its standard error."""
    frame = dispersion[["year", *[f"{m}_cv" for m in measures]]].merge(sd_of_logs(scores, measures), on="year")
    rows = []
    for measure in measures:
        years = frame["year"].to_numpy(dtype=float)
        cv_slope, cv_se = slope(years, frame[f"{measure}_cv"].to_numpy(dtype=float))
        sd_slope, sd_se = slope(years, frame[f"{measure}_sd_log"].to_numpy(dtype=float))
        for row in frame.itertuples(index=False):
            rows.append({"measure": measure, "year": int(row.year), "cv": getattr(row, f"{measure}_cv"),
                         "sd_log": getattr(row, f"{measure}_sd_log"), "cv_trend": cv_slope, "cv_trend_se": cv_se,
                         "sd_log_trend": sd_slope, "sd_log_trend_se": sd_se})
    return pd.DataFrame(rows)


def least_squares(x: np.ndarray, y: np.ndarray, clusters: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """OLS b = (XᵀX)⁻¹Xᵀy with classic standard errors √diag(s²(XᵀX)⁻¹), s² = e'e/(n − k), or,
    given ``clusters``, the cluster-robust CR1 ones: (XᵀX)⁻¹ (Σ_g X_gᵀe_g e_gᵀX_g) (XᵀX)⁻¹ ·
    G/(G − 1) · (n − 1)/(n − k), and then ``clusters`` = G (the t tests of clustered estimates have
    G − 1 degrees of freedom, see :func:`result_row`)."""
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    b = xtx_inv @ x.T @ y
    e = y - x @ b
    if clusters is None:
        cov = xtx_inv * (e @ e) / (n - k)
    else:
        groups = pd.factorize(clusters)[0]
        g = groups.max() + 1
        scores = np.zeros((g, k))
        np.add.at(scores, groups, x * e[:, None])
        cov = xtx_inv @ (scores.T @ scores) @ xtx_inv * g / (g - 1) * (n - 1) / (n - k)
        return {"coefficients": b, "se": np.sqrt(np.diag(cov)), "residuals": e, "n": n, "clusters": int(g)}
    return {"coefficients": b, "se": np.sqrt(np.diag(cov)), "residuals": e, "n": n}


def speed(beta: float, se: float, years: float) -> dict[str, float]:
    """Convergence speed λ = −ln(1 + β)/T and half-life ln 2/λ with delta-method standard errors
    (NaN unless −1 < β < 0, where both are defined and positive)."""
    if not -1.0 < beta < 0.0:
        return {"speed": np.nan, "speed_se": np.nan, "half_life": np.nan, "half_life_se": np.nan}
    rate = -np.log1p(beta) / years
    rate_se = se / ((1.0 + beta) * years)
    return {"speed": rate, "speed_se": rate_se, "half_life": np.log(2) / rate,
            "half_life_se": np.log(2) * rate_se / rate**2}


def dummies(labels: pd.Series | np.ndarray) -> np.ndarray:
    """Indicator columns of every level of ``labels`` but the first (sorted), for a model with an intercept."""
    codes, levels = pd.factorize(pd.Series(labels).astype(str), sort=True)
    return (codes[:, None] == np.arange(1, len(levels))[None, :]).astype(float)


def cross_section(scores: pd.DataFrame, measure: str, codes: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """(ln x_i0, ln(x_iT / x_i0), T) of the cities ``codes`` in that order."""
    table = scores.pivot(index="admin_code", columns="year", values=measure).loc[codes]
    first, last = table.columns.min(), table.columns.max()
    initial = np.log(table[first].to_numpy(dtype=float))
    return initial, np.log(table[last].to_numpy(dtype=float)) - initial, int(last - first)


def annual_growth(scores: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Panel rows (admin_code, year, lagged = ln x_i,t−1, growth = ln x_it − ln x_i,t−1), years t ≥ 1."""
    frame = scores[["admin_code", "year", measure]].sort_values(["admin_code", "year"])
    logs = np.log(frame[measure].astype(float))
    lagged = logs.groupby(frame["admin_code"]).shift(1)
    out = frame[["admin_code", "year"]].assign(lagged=lagged, growth=logs - lagged)
    return out.dropna().reset_index(drop=True)


def two_way_within(values: np.ndarray, units: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Two-way within transformation of a balanced panel: v − v̄_i − v̄_t + v̄ (removes city and year effects)."""
    frame = pd.DataFrame({"v": values, "i": units, "t": periods})
    return (frame["v"] - frame.groupby("i")["v"].transform("mean") - frame.groupby("t")["v"].transform("mean")
            + frame["v"].mean()).to_numpy()


def design_problem(x: np.ndarray) -> str:
    """Why OLS cannot be fitted on ``x`` ('' if it can): no more observations than parameters, or
    a rank-deficient design (e.g. one year of growth under year effects, one province's dummies)."""
    n, k = x.shape
    if n <= k:
        return f"{n} observations for {k} parameters"
    if np.linalg.matrix_rank(x) < k:
        return "the regressors are collinear (too few years or groups for this model)"
    return ""


def not_computed_row(measure: str, form: str, kind: str, controls: str, reason: str, n: int, years: int,
                     errors: str) -> dict:
    """A β row that says why the model was not fitted (``estimator`` = 'not computed: …')."""
    return {"measure": measure, "model": f"{form} {kind}", "form": form, "kind": kind, "controls": controls,
            "estimator": f"not computed: {reason}", "beta": np.nan, "beta_se": np.nan, "beta_p": np.nan,
            "spatial_parameter": np.nan, "spatial_parameter_se": np.nan, "wx_coefficient": np.nan, "n": n,
            "years": years, "errors": errors, "speed": np.nan, "speed_se": np.nan, "half_life": np.nan,
            "half_life_se": np.nan}


def beta_rows(scores: pd.DataFrame, measure: str, codes: list[str], provinces: np.ndarray) -> list[dict]:
    """Absolute and conditional β of one measure, as a cross-section and as a panel of annual growth."""
    initial, growth, years = cross_section(scores, measure, codes)
    ones = np.ones(len(codes))
    rows = []
    models = [("cross-section", "absolute", np.column_stack([ones, initial]), "none"),
              ("cross-section", "conditional", np.column_stack([ones, initial, dummies(provinces)]),
               "province dummies")]
    for form, kind, x, controls in models:
        problem = design_problem(x)
        if problem:
            rows.append(not_computed_row(measure, form, kind, controls, problem, len(growth), years, "classic"))
            continue
        fit = least_squares(x, growth)
        rows.append(result_row(measure, form, kind, controls, fit, years, "classic"))
    panel = annual_growth(scores[scores["admin_code"].isin(codes)], measure)
    units, periods = panel["admin_code"].to_numpy(), panel["year"].to_numpy()
    x = np.column_stack([np.ones(len(panel)), panel["lagged"]])
    problem = design_problem(x)
    if problem:
        rows.append(not_computed_row(measure, "panel", "absolute", "none", problem, len(panel), 1,
                                     "clustered by city"))
    else:
        pooled = least_squares(x, panel["growth"].to_numpy(), clusters=units)
        rows.append(result_row(measure, "panel", "absolute", "none", pooled, 1, "clustered by city"))
    x = two_way_within(panel["lagged"].to_numpy(), units, periods)[:, None]
    y = two_way_within(panel["growth"].to_numpy(), units, periods)
    problem = "one year of growth: the year effects absorb it" if len(set(periods)) < 2 else design_problem(x)
    if problem:  # a regressor left all zero by the effects has rank 0: design_problem names it
        rows.append(not_computed_row(measure, "panel", "conditional", "city and year fixed effects", problem,
                                     len(panel), 1, "clustered by city"))
        return rows
    fe = least_squares(x, y, clusters=units)
    # CR1 counting the regressor, the T' − 1 year effects and the constant as parameters; the city
    # effects, nested in the clusters, are not counted (as Stata's xtreg, fe vce(cluster))
    n, parameters = len(panel), len(set(periods)) + 1
    fe["se"] = fe["se"] * np.sqrt((n - 1) / (n - parameters))
    fe["n_parameters"] = parameters
    rows.append(result_row(measure, "panel", "conditional", "city and year fixed effects", fe, 1, "clustered by city",
                           position=0))
    return rows


def result_row(measure: str, form: str, kind: str, controls: str, fit: dict, years: int, errors: str,
               position: int = 1) -> dict:
    """One β estimate with its speed and half-life. The p-value is two-sided from t with n − k
    degrees of freedom, or G − 1 for standard errors clustered in G cities (Stata's convention for
    vce(cluster); with 28 cities, t(27) rather than t(n − k) with n in the hundreds, since the
    clustered variance rests on G city sums, not on n observations)."""
    beta, se = float(fit["coefficients"][position]), float(fit["se"][position])
    if "clusters" in fit:
        dof = max(fit["clusters"] - 1, 1)
    else:
        dof = max(fit["n"] - fit.get("n_parameters", len(fit["coefficients"])), 1)
    return {"measure": measure, "model": f"{form} {kind}", "form": form, "kind": kind, "controls": controls,
            "estimator": "OLS", "beta": beta, "beta_se": se, "beta_p": float(2 * stats.t.sf(abs(beta / se), dof)),
            "spatial_parameter": np.nan, "spatial_parameter_se": np.nan, "wx_coefficient": np.nan,
            "n": fit["n"], "years": years, "errors": errors, **speed(beta, se, years)}


def spatial_rows(scores: pd.DataFrame, measure: str, codes: list[str], w, min_cities: int = 10) -> list[dict]:
    """Spatial β of the cross-section absolute model by maximum likelihood (spreg): SAR
    (ρ W g), SEM (λ W ε) and SDM (SAR with W ln x_i0). β is the coefficient of ln x_i0 (in the SAR
    and SDM its direct effect differs by the spatial multiplier; the table gives the coefficient).
    With fewer than ``min_cities`` cities the models are not fitted: their rows say so (maximum
    likelihood of four parameters from a handful of cities is not an estimate)."""
    import contextlib
    import io
    import warnings

    from spreg import ML_Error, ML_Lag

    initial, growth, years = cross_section(scores, measure, codes)
    if len(codes) < min_cities:
        return [{"measure": measure, "model": f"spatial {name}", "form": "cross-section", "kind": "absolute",
                 "controls": "W ln x0" if name == "SDM" else "none",
                 "estimator": f"not computed: {len(codes)} cities < {min_cities}", "beta": np.nan, "beta_se": np.nan,
                 "beta_p": np.nan, "spatial_parameter": np.nan, "spatial_parameter_se": np.nan,
                 "wx_coefficient": np.nan, "n": len(codes), "years": years, "errors": "",
                 **speed(np.nan, np.nan, years)} for name in ("SAR", "SEM", "SDM")]
    y, x = growth[:, None], initial[:, None]
    rows = []
    # spreg prints each model's name and warns about its optimiser: neither belongs in the log
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        models = [("SAR", ML_Lag(y, x, w, spat_diag=False, spat_impacts=None), "rho"),
                  ("SEM", ML_Error(y, x, w), "lambda"),
                  ("SDM", ML_Lag(y, x, w, slx_lags=1, spat_diag=False, spat_impacts=None), "rho")]
    for name, model, parameter in models:
        # spreg's order: constant, ln x0, (W ln x0 in the SDM), then ρ or λ last
        coefficients, se = model.betas.ravel(), np.sqrt(np.diag(model.vm))
        beta, beta_se = float(coefficients[1]), float(se[1])
        spatial = len(coefficients) - 1
        wx = float(coefficients[2]) if name == "SDM" else np.nan
        rows.append({"measure": measure, "model": f"spatial {name}", "form": "cross-section", "kind": "absolute",
                     "controls": "W ln x0" if name == "SDM" else "none", "estimator": f"ML ({parameter})",
                     "beta": beta, "beta_se": beta_se, "beta_p": float(2 * stats.norm.sf(abs(beta / beta_se))),
                     "spatial_parameter": float(coefficients[spatial]), "spatial_parameter_se": float(se[spatial]),
                     "wx_coefficient": wx, "n": len(codes), "years": years, "errors": "ML asymptotic",
                     **speed(beta, beta_se, years)})
    return rows


def check_positive(scores: pd.DataFrame, measures: list[str]) -> None:
    """Stop when a score is zero or negative: its logarithm, on which σ (SD of logs) and every β
    rest, does not exist; the message names the city, year and measure."""
    for measure in measures:
        bad = scores[~(scores[measure] > 0)]
        if not bad.empty:
            row = bad.iloc[0]
            raise ValueError(f"convergence: {measure} of city {row['admin_code']} in {int(row['year'])} is "
                             f"{row[measure]}; logarithms need positive scores. Remove {measure} from "
                             "dynamics.convergence.measures or check the indicators of that dimension")


def convergence_tables(scores: pd.DataFrame, dispersion: pd.DataFrame, w, codes: list[str], measures: list[str],
                       provinces: dict[str, str], min_cities: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(σ table, β table) of every measure: OLS cross-section and panel models, then the spatial ones."""
    block = scores[scores["admin_code"].isin(codes)]
    check_positive(block, measures)
    labels = np.array([provinces[code] for code in codes])
    beta = []
    for measure in measures:
        beta += beta_rows(block, measure, codes, labels)
        beta += spatial_rows(block, measure, codes, w, min_cities)
    return sigma_table(dispersion, block, measures), pd.DataFrame(beta)
