"""Uncertainty and sensitivity analysis of the index: how far do the ranks move when the method's
choices change, and which choice moves them (OECD/JRC Handbook on composite indicators, step 6).

Notation: D uncertain *inputs* (the choices below that the configuration lets vary), each with a
value u_k ∈ [0, 1) in a quasi-random design of SALib (a scrambled Sobol' sequence with Saltelli's
cross-sampling: N(D + 2) samples for base sample N, rows A, B and the D mixtures A_B^k). Decoding:

- a choice among K alternatives (weighting, normalisation, aggregation, imputation, the indicator
  left out): alternative ⌊u K⌋, in the configured order (leave-one-out: 0 = none, j = the j-th
  indicator of the indicator table);
- the shift: s = 10^(log10 s_lo + u (log10 s_hi − log10 s_lo)) (log-uniform);
- weight noise: ε_j = 1 + a (2 U_j − 1) with U_j the uniform draws of a generator seeded with
  (seed, ⌊u 2^32⌋): the same u always gives the same noise, whichever chunk evaluates it.

One sample's index, over all configured cities (rows i·t) and indicators j:

- weights from the paper's pooled min–max x' of the sample's imputed panel (whatever the
  normalisation): pooled entropy with the sample's shift, entropy per year, CRITIC or equal
  (index.py); an indicator left out gets w_j = 0 and the others are computed without it; then
  w_j ← w_j ε_j / Σ_k w_k ε_k (per year);
- normalised values y (all ≥ 0 with pooled minimum 0, cost indicators reversed):
  ``minmax_pooled`` y = (x − min)/(max − min) over all city-years (the paper's x');
  ``minmax_per_year`` the same within each year (a column constant in a year gives 0);
  ``zscore_pooled`` y = z − min z with z = ±(x − x̄)/σ over all city-years (same ranks as z);
  ``percentile_pooled`` y = (r − 1)/(n − 1), r the average rank among all n city-years;
- aggregation: ``additive`` RES = Σ_λ Σ_{j∈λ} w_j y_j; ``geometric`` RES = Π_j (y_j + s)^{w_j}
  (Σ_j w_j = 1; the shift keeps a zero from zeroing the product).

Outputs per sample, over the study-area cities: rank r_it (1 = highest RES in year t; equal scores
share the best rank), tier (analysis.tier_index) against the sample's reference, and the mean
absolute rank shift against the nominal ranks r°: MARS_t = mean_i |r_it − r°_it|,
MARS = mean_t MARS_t. Sobol' indices of an output Y (SALib, Saltelli et al. 2010 estimators,
bootstrap intervals): first order S1_k = V[E(Y | u_k)] / V(Y), total ST_k = E[V(Y | u_~k)] / V(Y).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from urban_resilience.analysis.trends import tier_index, yearly_ranks
from urban_resilience.core.io import as_stored, read_table
from urban_resilience.core.vocabulary import DIMENSIONS, TIERS
from urban_resilience.index import composite

WEIGHTINGS = ("entropy_pooled", "entropy_per_year", "critic", "equal")
NORMALISATIONS = ("minmax_pooled", "minmax_per_year", "zscore_pooled", "percentile_pooled")
AGGREGATIONS = ("additive", "geometric")
IMPUTATIONS = ("linear", "nearest", "short_gaps")
NOISE_STATES = 2**32
INPUT_ORDER = ("weighting", "weight_noise", "normalisation", "aggregation", "imputation", "shift", "left_out")
BATCH_CELLS = 4_000_000  # samples × rows × indicators held at once while computing entropy


class UncertaintyError(ValueError):
    """A robustness setting the analysis cannot run with (the message names it)."""


@dataclass(frozen=True)
class Input:
    """One uncertain input: ``kind`` is ``choice`` (``values`` = alternatives), ``log_uniform``
    (``values`` = (low, high)) or ``noise`` (``values`` = (a,))."""

    name: str
    kind: str
    values: tuple


def varying_inputs(settings: dict, indicators: list[str]) -> list[Input]:
    """The inputs the ``uncertainty.inputs`` settings let vary, in INPUT_ORDER. An input with one
    alternative, a = 0, equal shift bounds or ``leave_one_out: false`` is fixed, not varied."""
    inputs = []
    for name in ("weighting", "normalisation", "aggregation", "imputation"):
        if len(settings[name]) > 1:
            inputs.append(Input(name, "choice", tuple(settings[name])))
    if settings["weight_noise"] > 0:
        inputs.append(Input("weight_noise", "noise", (float(settings["weight_noise"]),)))
    low, high = settings["shift"]
    if high > low:
        inputs.append(Input("shift", "log_uniform", (float(low), float(high))))
    if settings["leave_one_out"]:
        inputs.append(Input("left_out", "choice", ("", *indicators)))
    inputs.sort(key=lambda item: INPUT_ORDER.index(item.name))
    if not inputs:
        raise UncertaintyError("uncertainty.inputs: every input is fixed, so nothing varies; give at least one "
                               "input two alternatives")
    return inputs


def fixed_choices(settings: dict) -> dict:
    """The value of every input when it does not vary: its only alternative, the lower shift bound,
    no noise, no indicator left out."""
    return {"weighting": settings["weighting"][0], "normalisation": settings["normalisation"][0],
            "aggregation": settings["aggregation"][0], "imputation": settings["imputation"][0],
            "shift": float(settings["shift"][0]), "noise_seed": -1, "left_out": ""}


def sobol_design(inputs: list[Input], base: int, seed: int) -> np.ndarray:
    """u of every sample, shape (N (D + 2), D): SALib's scrambled Sobol' sequence with
    Saltelli's cross-sampling (first order and total indices only)."""
    from SALib.sample import sobol

    if base < 2 or base & (base - 1):
        raise UncertaintyError(f"uncertainty.base_samples is {base}; it must be a power of two (e.g. 256, 512)")
    return sobol.sample(problem(inputs), base, calc_second_order=False, scramble=True, seed=seed)


def problem(inputs: list[Input]) -> dict:
    """SALib's problem definition: every input on [0, 1)."""
    return {"num_vars": len(inputs), "names": [item.name for item in inputs], "bounds": [[0.0, 1.0]] * len(inputs)}


def decode(inputs: list[Input], design: np.ndarray, fixed: dict) -> pd.DataFrame:
    """One row per sample: ``u_<input>`` of the varying inputs and the decoded choices weighting,
    normalisation, aggregation, imputation, shift, noise_seed (−1 = no noise), left_out ('' = none)."""
    frame = pd.DataFrame({"sample": np.arange(len(design))})
    for k, item in enumerate(inputs):
        frame[f"u_{item.name}"] = design[:, k]
    for name, value in fixed.items():
        frame[name] = value
    for k, item in enumerate(inputs):
        u = design[:, k]
        if item.kind == "choice":
            position = np.minimum((u * len(item.values)).astype(int), len(item.values) - 1)
            frame[item.name] = np.asarray(item.values, dtype=object)[position]
        elif item.kind == "log_uniform":
            low, high = np.log10(item.values)
            frame[item.name] = 10.0 ** (low + u * (high - low))
        else:
            frame["noise_seed"] = np.minimum((u * NOISE_STATES).astype(np.int64), NOISE_STATES - 1)
    return frame


def weight_noise(noise_seed: int, amplitude: float, count: int, seed: int) -> np.ndarray:
    """ε_j = 1 + a (2 U_j − 1), U from a generator seeded with (seed, noise_seed)."""
    draws = np.random.default_rng([seed, int(noise_seed)]).random(count)
    return 1.0 + amplitude * (2.0 * draws - 1.0)


def normalise(values: np.ndarray, directions: np.ndarray, years: np.ndarray, method: str) -> np.ndarray:
    """y of every cell (rows × indicators) by ``method`` (module docstring); ``directions`` '+'/'−'."""
    benefit = directions == "+"
    if method == "minmax_pooled":  # the main run's standardisation (also its checks)
        frame = pd.DataFrame(values)
        return composite.standardise_pooled(frame, dict(zip(frame.columns, directions)))[0].to_numpy()
    if method == "minmax_per_year":
        result = np.zeros_like(values)
        for year in np.unique(years):
            rows = years == year
            block = values[rows]
            low, high = block.min(axis=0), block.max(axis=0)
            span = np.where(high > low, high - low, 1.0)
            result[rows] = np.where(benefit, (block - low) / span, (high - block) / span)
        return result
    if method == "zscore_pooled":
        z = (values - values.mean(axis=0)) / values.std(axis=0, ddof=1)
        z = np.where(benefit, z, -z)
        return z - z.min(axis=0)
    if method == "percentile_pooled":
        ranks = rankdata(np.where(benefit, values, -values), method="average", axis=0)
        return (ranks - 1.0) / (len(values) - 1.0)
    raise UncertaintyError(f"unknown normalisation {method!r}; expected one of {', '.join(NORMALISATIONS)}")


def entropy_divergence(standardised: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """g_j = 1 − e_j of composite._entropy for every shift at once: shape (shifts, indicators)."""
    rows, columns = standardised.shape
    batch = max(1, BATCH_CELLS // (rows * columns))
    result = np.empty((len(shifts), columns))
    for start in range(0, len(shifts), batch):
        values = standardised[None, :, :] + shifts[start:start + batch, None, None]
        p = values / values.sum(axis=1)[:, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(p > 0, p * np.log(p), 0.0)
        result[start:start + batch] = 1.0 - (-plogp.sum(axis=1) / np.log(rows))
    return result


def base_weights(standardised: np.ndarray, years: np.ndarray, samples: pd.DataFrame,
                 codes: list[str]) -> np.ndarray:
    """Weights of every sample per year before noise, shape (samples, years, indicators), from the
    pooled min–max x' (``standardised``) of the samples' imputation (module docstring)."""
    year_values = np.unique(years)
    columns = len(codes)
    keep = np.ones((len(samples), columns), dtype=bool)
    left = samples["left_out"].to_numpy()
    for position, code in enumerate(codes):
        keep[left == code, position] = False
    result = np.zeros((len(samples), len(year_values), columns))
    method = samples["weighting"].to_numpy()
    chosen = np.flatnonzero(method == "entropy_pooled")
    if len(chosen):
        g = entropy_divergence(standardised, samples["shift"].to_numpy()[chosen]) * keep[chosen]
        result[chosen] = (g / g.sum(axis=1, keepdims=True))[:, None, :]
    chosen = np.flatnonzero(method == "entropy_per_year")
    if len(chosen):
        for t, year in enumerate(year_values):
            g = entropy_divergence(standardised[years == year], samples["shift"].to_numpy()[chosen]) * keep[chosen]
            result[chosen, t] = g / g.sum(axis=1, keepdims=True)
    for name in ("critic", "equal"):
        for out in np.unique(left[method == name]):
            chosen = np.flatnonzero((method == name) & (left == out))
            kept = [c != out for c in codes]
            frame = pd.DataFrame(standardised[:, kept])
            weigh = composite.critic_weights if name == "critic" else composite.equal_weights
            weights = weigh(frame)["weight"]
            row = np.zeros(columns)
            row[kept] = weights.to_numpy()
            result[chosen] = row
    unknown = sorted(set(method) - set(WEIGHTINGS))
    if unknown:
        raise UncertaintyError(f"unknown weighting {unknown}; expected one of {', '.join(WEIGHTINGS)}")
    return result


def apply_noise(weights: np.ndarray, samples: pd.DataFrame, amplitude: float, seed: int) -> np.ndarray:
    """w_j ε_j / Σ_k w_k ε_k for the samples with noise (noise_seed ≥ 0); others unchanged."""
    result = weights.copy()
    for row, noise_seed in enumerate(samples["noise_seed"].to_numpy()):
        if noise_seed >= 0:
            noisy = weights[row] * weight_noise(noise_seed, amplitude, weights.shape[2], seed)[None, :]
            result[row] = noisy / noisy.sum(axis=1, keepdims=True)
    return result


def stored_weights(weights: np.ndarray) -> np.ndarray:
    """Weights as the main run's scores read them (results/index/weights_by_year.csv, 12 digits);
    rows equal in every year (all but entropy per year) are converted once."""
    samples, years, columns = weights.shape
    same = (weights == weights[:, :1, :]).all(axis=(1, 2))
    result = np.empty_like(weights)
    if same.any():
        result[same] = as_stored(weights[same, 0, :])[:, None, :]
    if (~same).any():
        result[~same] = as_stored(weights[~same].reshape(-1, columns)).reshape(-1, years, columns)
    return result


def aggregate(normalised: np.ndarray, weights: np.ndarray, year_rows: np.ndarray, method: str,
              shifts: np.ndarray, dimensions: list[str]) -> np.ndarray:
    """RES of every sample and row, shape (samples, rows): additive sums indicator by indicator
    within each dimension, then the dimensions in DIMENSIONS order (as composite.scores); geometric
    exp Σ_j w_j ln(y_j + s)."""
    samples = weights.shape[0]
    if method == "additive":
        total = np.zeros((samples, normalised.shape[0]))
        for position, dimension in enumerate(DIMENSIONS):
            part = np.zeros_like(total)
            for j in (j for j, d in enumerate(dimensions) if d == dimension):
                part = part + weights[:, year_rows, j] * normalised[None, :, j]
            total = part if position == 0 else total + part
        return total
    if method == "geometric":
        logs = np.zeros((samples, normalised.shape[0]))
        for j in range(normalised.shape[1]):
            logs += weights[:, year_rows, j] * np.log(normalised[None, :, j] + shifts[:, None])
        return np.exp(logs)
    raise UncertaintyError(f"unknown aggregation {method!r}; expected one of {', '.join(AGGREGATIONS)}")


@dataclass
class IndexInputs:
    """What every sample's index is computed from: the imputed panels (rows city-years sorted by
    admin_code then year, columns the indicators), the indicator table's directions and dimensions."""

    panels: dict[str, pd.DataFrame]
    directions: dict[str, str]
    dimensions: dict[str, str]

    @property
    def codes(self) -> list[str]:
        return list(next(iter(self.panels.values())).columns)

    @property
    def rows(self) -> pd.MultiIndex:
        return next(iter(self.panels.values())).index


def index_inputs(panels: pd.DataFrame, indicators: pd.DataFrame) -> IndexInputs:
    """The imputed panels (:func:`panels_table`) and the indicator table as :class:`IndexInputs`."""
    codes = list(indicators["code"])
    return IndexInputs(panels_from_table(panels, codes), dict(zip(codes, indicators["direction"])),
                       dict(zip(codes, indicators["dimension"])))


def evaluate(inputs: IndexInputs, samples: pd.DataFrame, amplitude: float, seed: int) -> np.ndarray:
    """RES (total) of every sample and row of the panel, shape (samples, rows)."""
    codes = inputs.codes
    years = inputs.rows.get_level_values("year").to_numpy()
    year_rows = np.searchsorted(np.unique(years), years)
    directions = np.array([inputs.directions[c] for c in codes])
    dimensions = [inputs.dimensions[c] for c in codes]
    result = np.empty((len(samples), len(years)))
    for imputation, by_imputation in samples.groupby("imputation", sort=True):
        if imputation not in inputs.panels:
            raise UncertaintyError(f"no panel for imputation {imputation!r}")
        values = inputs.panels[imputation][codes].to_numpy(dtype=float)
        # the main run standardises and weights from the 12-digit table results/index/standardised.csv
        standardised = as_stored(normalise(values, directions, years, "minmax_pooled"))
        weights = base_weights(standardised, years, by_imputation, codes)
        weights = stored_weights(apply_noise(weights, by_imputation, amplitude, seed))
        positions = np.flatnonzero(samples["imputation"].to_numpy() == imputation)
        for (normalisation, aggregation), group in by_imputation.groupby(["normalisation", "aggregation"], sort=True):
            normalised = standardised if normalisation == "minmax_pooled" else normalise(
                values, directions, years, normalisation)
            local = by_imputation.index.get_indexer(group.index)
            result[positions[local]] = aggregate(normalised, weights[local], year_rows, aggregation,
                                                 group["shift"].to_numpy(), dimensions)
    return result


def study_ranks(totals: np.ndarray, rows: pd.MultiIndex, study_area: list[str]) -> tuple[np.ndarray, list, list]:
    """Ranks (1 = highest total, ties share the best rank) among the study-area cities per year:
    array (samples, years, cities), with the years and the cities (sorted codes)."""
    codes = rows.get_level_values("admin_code").to_numpy()
    years = rows.get_level_values("year").to_numpy()
    cube, year_values, cities = _study_cube(totals, codes, years, study_area)
    return rankdata(-cube, method="min", axis=2).astype(np.int16), year_values, cities


def _study_cube(totals: np.ndarray, codes: np.ndarray, years: np.ndarray, study_area: list[str]):
    """Totals of the study-area rows as (samples, years, cities), cities sorted by code."""
    cities = sorted(set(study_area))
    year_values = sorted(set(years.tolist()))
    position = {(c, y): k for k, (c, y) in enumerate(zip(codes, years))}
    missing = [c for c in cities if (c, year_values[0]) not in position]
    if missing:
        raise UncertaintyError(f"study-area cities {missing} are not in the panel")
    take = np.array([[position[(c, y)] for c in cities] for y in year_values])
    return totals[:, take], year_values, cities


def reference_ratios(nominal: pd.DataFrame, reference, study_area: list[str]) -> dict:
    """How each year's tier reference relates to the study-area mean in the nominal scores:
    1 for ``study_area_mean``; ``cities_mean`` is taken per sample; a number or a mapping r_t
    becomes r_t / (study-area mean of the nominal totals in year t), so that every sample grades
    against the same relative position (its own study-area mean × that ratio)."""
    if reference in ("study_area_mean", "cities_mean"):
        return {}
    study = nominal[nominal["admin_code"].isin(study_area)].groupby("year")["total"].mean()
    if isinstance(reference, dict):
        by_year = {int(year): float(value) for year, value in reference.items()}
    else:
        by_year = dict.fromkeys(study.index.astype(int), float(reference))
    return {int(year): by_year[int(year)] / mean for year, mean in study.items()}


def study_tiers(totals: np.ndarray, rows: pd.MultiIndex, study_area: list[str], reference,
                ratios: dict) -> np.ndarray:
    """Tier positions (0 = low … 4 = high) of the study-area cities, (samples, years, cities)."""
    codes = rows.get_level_values("admin_code").to_numpy()
    years = rows.get_level_values("year").to_numpy()
    cube, year_values, _ = _study_cube(totals, codes, years, study_area)
    if reference == "cities_mean":
        means = np.stack([totals[:, years == y].mean(axis=1) for y in year_values], axis=1)
    else:
        means = cube.mean(axis=2)
        if ratios:
            means = means * np.array([ratios[int(y)] for y in year_values])[None, :]
    return tier_index((cube - means[:, :, None]) / means[:, :, None]).astype(np.int16)


def nominal_ranks(scores: pd.DataFrame, study_area: list[str]) -> pd.DataFrame:
    """Rank of every study-area city per year in the nominal scores (columns admin_code, year, rank)."""
    study = scores[scores["admin_code"].isin(study_area)].copy()
    study["rank"] = yearly_ranks(study)
    return study[["admin_code", "year", "rank"]]


def rank_intervals(ranks: np.ndarray, tiers: np.ndarray, nominal: np.ndarray, years: list,
                   cities: list[str]) -> pd.DataFrame:
    """Per city and year: nominal rank, median, 5th and 95th percentile rank over the samples
    (inverted CDF, so a rank that occurs), mean |r − r°| and the share of samples in each tier."""
    frame = pd.DataFrame({
        "admin_code": np.tile(cities, len(years)),
        "year": np.repeat(years, len(cities)),
        "nominal_rank": nominal.ravel(),
    })
    for label, q in (("median_rank", 0.5), ("p05_rank", 0.05), ("p95_rank", 0.95)):
        frame[label] = np.quantile(ranks, q, axis=0, method="inverted_cdf").astype(int).ravel()
    frame["mean_abs_shift"] = np.abs(ranks - nominal[None]).mean(axis=0).ravel()
    for position, tier in enumerate(TIERS):
        frame[f"share_{tier}"] = (tiers == position).mean(axis=0).ravel()
    return frame


def rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """MARS_t of every sample, shape (samples, years)."""
    return np.abs(ranks - nominal[None]).mean(axis=2)


def sensitivity_outputs(ranks: np.ndarray, nominal: np.ndarray, years: list, cities: list[str]
                        ) -> tuple[np.ndarray, pd.DataFrame]:
    """The outputs whose Sobol' indices are estimated, (samples, outputs), and what each is:
    MARS over all years, MARS_t per year, each city's rank in the last year."""
    shift = rank_shift(ranks, nominal)
    values = np.column_stack([shift.mean(axis=1), shift, ranks[:, -1, :]])
    described = pd.DataFrame({
        "output": ["mean_rank_shift"] * (1 + len(years)) + ["rank"] * len(cities),
        "year": ["all", *[str(y) for y in years], *[str(years[-1])] * len(cities)],
        "admin_code": [""] * (1 + len(years)) + list(cities),
    })
    return values, described


def sobol_indices(inputs: list[Input], outputs: np.ndarray, described: pd.DataFrame, resamples: int,
                  confidence: float, seed: int) -> pd.DataFrame:
    """S1, ST and their confidence half-widths (SALib, bootstrap) for every output and input;
    an output that no sample changes (variance 0) has no indices (left empty)."""
    from SALib.analyze import sobol

    rows = []
    for k, output in enumerate(outputs.T):
        variance = float(output.var())
        base = described.iloc[k].to_dict()
        if variance == 0.0:
            result = dict.fromkeys(("S1", "S1_conf", "ST", "ST_conf"), [np.nan] * len(inputs))
        else:
            result = sobol.analyze(problem(inputs), output.astype(float), calc_second_order=False,
                                   num_resamples=resamples, conf_level=confidence, seed=seed)
        for j, item in enumerate(inputs):
            rows.append({**base, "input": item.name, "S1": result["S1"][j], "S1_conf": result["S1_conf"][j],
                         "ST": result["ST"][j], "ST_conf": result["ST_conf"][j], "variance": variance})
    return pd.DataFrame(rows)


def panels_table(panels: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The imputed panels as one long table with an ``imputation`` column (what a rule writes)."""
    return pd.concat([frame.reset_index().assign(imputation=name) for name, frame in panels.items()],
                     ignore_index=True)


def panels_from_table(table: pd.DataFrame, codes: list[str]) -> dict[str, pd.DataFrame]:
    """The inverse of :func:`panels_table`: one panel per imputation, rows sorted by city and year."""
    return {name: group.set_index(["admin_code", "year"]).sort_index()[codes]
            for name, group in table.groupby("imputation", sort=True)}


def chunk_rows(count: int, chunks: int, chunk: int) -> np.ndarray:
    """Positions of the samples of ``chunk`` (0-based) when ``count`` samples are split into
    ``chunks`` contiguous, near-equal parts."""
    if not 0 <= chunk < chunks:
        raise UncertaintyError(f"chunk {chunk} does not exist: there are {chunks} chunks (0 … {chunks - 1})")
    return np.array_split(np.arange(count), chunks)[chunk]


def evaluate_ranks(inputs: IndexInputs, samples: pd.DataFrame, amplitude: float, seed: int,
                   study_area: list[str], reference, ratios: dict) -> np.ndarray:
    """Ranks and tier positions of the study-area cities for every sample:
    int16 array (samples, 2, years, cities), [:, 0] ranks, [:, 1] tiers (cities sorted by code)."""
    totals = evaluate(inputs, samples.reset_index(drop=True), amplitude, seed)
    ranks, _, _ = study_ranks(totals, inputs.rows, study_area)
    tiers = study_tiers(totals, inputs.rows, study_area, reference, ratios)
    return np.stack([ranks, tiers], axis=1)


def summarise(results: np.ndarray, nominal_scores: pd.DataFrame, study_area: list[str], inputs: list[Input],
              resamples: int, confidence: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """From every sample's ranks and tiers (:func:`evaluate_ranks`, samples in design order):
    rank intervals per city and year, the distribution of the mean absolute rank shift per year
    (and over all years), and the Sobol' indices of the outputs."""
    cities = sorted(set(study_area))
    years = sorted(nominal_scores["year"].unique().tolist())
    nominal = nominal_ranks(nominal_scores, cities).pivot(index="year", columns="admin_code", values="rank")
    nominal = nominal.loc[years, cities].to_numpy()
    ranks, tiers = results[:, 0], results[:, 1]
    intervals = rank_intervals(ranks, tiers, nominal, years, cities)
    shift = rank_shift(ranks, nominal)
    columns = {"all": shift.mean(axis=1), **{str(y): shift[:, t] for t, y in enumerate(years)}}
    shifts = pd.DataFrame([{"year": key, "mean": values.mean(), "p05": np.quantile(values, 0.05),
                            "median": np.quantile(values, 0.5), "p95": np.quantile(values, 0.95),
                            "share_unchanged": float((values == 0).mean())} for key, values in columns.items()])
    outputs, described = sensitivity_outputs(ranks, nominal, years, cities)
    return intervals, shifts, sobol_indices(inputs, outputs, described, resamples, confidence, seed)


def read_design(path) -> pd.DataFrame:
    """The decoded design written by the sample_design rule ('' = no indicator left out)."""
    design = read_table(path, dtype={"left_out": str})
    design["left_out"] = design["left_out"].fillna("")
    return design
