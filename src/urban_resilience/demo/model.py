"""The generative model behind the SYNTHETIC demo's indicator values (calibrated, see ``calibrate``).

Every indicator j that the generator controls (all but PM2.5, population growth and HSR stations,
which come from the synthetic rasters, the reference population and the real station table) is a
latent, log-normal quantity

    ln L_ijt = γ_j τ_t + σ_j c_ij + μ_j (1 + κ_j (τ_t − 1)) [i = o_j] + ζ θ_i (τ_t − 1) + ν_ijt,
    c_ij = ρ_j θ_i + √(1 − ρ_j²) η_ij,      τ_t = (t − 2003) / 16,

with θ_i a city's overall strength, η_ij ~ N(0, 1) the city's own standing on the indicator,
γ_j the growth over 2003–2019, σ_j the spread across cities, o_j one city far ahead (by e^μ_j in
2019, having pulled ahead over the years if κ_j > 0; real city indicators have such outliers), ζ
faster growth of strong cities and ν_ijt ~ N(0, 0.02²) yearly noise. The pooled cities are the
study cities and six national leaders (as the paper pooled all prefecture cities); o_j is one of
the leaders for benefit indicators and a (heavy-industry) study city for cost indicators.

The value of an indicator is L_ijt mapped so that the workflow's pooled range standardisation
recovers x′ = (L − min L)/(max L − min L) (benefit) or 1 − that (cost) exactly, up to the
yearbook's rounding and the injected defects:

- shares and rates (``RANGES``): v = low_j + (high_j − low_j)(L − min L)/(max L − min L), with
  plausible pooled minimum and maximum;
- unbounded quantities (``MEDIANS_2019``): v = m_j · L / median(L of the study cities in 2019), with
  a plausible 2019 median m_j.

Raw yearbook fields are then solved from the indicator formulas (e.g. patents = x21 · population).
"""

from __future__ import annotations

import json
from importlib.resources import files

import numpy as np
import pandas as pd

FIRST, LAST = 2003, 2019
NOISE_SD = 0.02
PARAMETERS = ("growth", "spread", "loading", "lift", "catch_up")  # γ, σ, ρ, μ, κ of each indicator
CALIBRATION_FILE = "calibration.json"
# Each controlled indicator's values are L rescaled so that either the study cities' median in
# 2019 is a plausible real value (``MEDIANS_2019``: quantities that grow without bound), or the
# pooled minimum and maximum over all pooled cities and 2003–2019 are (``RANGES``: shares and rates,
# which have bounds). Units are the indicator table's.
MEDIANS_2019 = {
    "x1": 55000.0, "x5": 50000.0, "x8": 6.0, "x9": 700.0, "x16": 55.0, "x17": 24.0, "x18": 5000.0,
    "x21": 8.0, "x22": 90.0, "x23": 700.0, "x24": 15.0, "x25": 9.0, "x27": 2500.0,
}
RANGES = {
    "x2": (2.0, 12.0), "x3": (15.0, 60.0), "x4": (20.0, 72.0), "x6": (0.05, 8.0), "x10": (20.0, 100.0),
    "x11": (3.0, 99.0), "x12": (5.0, 100.0), "x13": (20.0, 48.0), "x15": (15.0, 60.0), "x19": (0.02, 2.0),
    "x20": (0.8, 6.0), "x28": (2.0, 20.0), "x29": (0.2, 45.0), "x30": (10.0, 90.0), "x31": (4.0, 30.0),
}


def tau(years: list[int] | np.ndarray) -> np.ndarray:
    """τ_t = (t − 2003) / 16: 0 in 2003, 1 in 2019."""
    return (np.asarray(years, dtype=float) - FIRST) / (LAST - FIRST)


def city_draws(codes: list[str], indicators: list[str], years: list[int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """η (cities × indicators) and ν (indicators × cities × years), one random stream per city so
    that a city draws the same numbers whichever other cities are generated with it."""
    eta = np.empty((len(codes), len(indicators)))
    nu = np.empty((len(indicators), len(codes), len(years)))
    for k, code in enumerate(codes):
        rng = np.random.default_rng([seed, int(code)])
        eta[k] = rng.normal(size=len(indicators))
        nu[:, k, :] = rng.normal(0.0, NOISE_SD, size=(len(indicators), len(years)))
    return eta, nu


def log_latent(params: pd.DataFrame, strength: np.ndarray, growth_gap: float, eta: np.ndarray,
               nu: np.ndarray, outlier: np.ndarray, years: list[int]) -> np.ndarray:
    """ln L_ijt (indicators × cities × years), see the module docstring.

    ``params`` has columns growth (γ), spread (σ), loading (ρ), lift (μ), catch_up (κ), one row per
    indicator;
    ``outlier`` is a boolean (indicators × cities) marking o_j.
    """
    t = tau(years)[None, None, :]
    rho = params["loading"].to_numpy()[:, None]
    c = rho * strength[None, :] + np.sqrt(1.0 - rho**2) * eta.T
    return (params["growth"].to_numpy()[:, None, None] * t
            + params["spread"].to_numpy()[:, None, None] * c[:, :, None]
            + (params["lift"].to_numpy()[:, None, None] * outlier[:, :, None]
               * (1.0 + params["catch_up"].to_numpy()[:, None, None] * (t - 1.0)))
            + growth_gap * strength[None, :, None] * (t - 1.0)
            + nu)


def unit_position(latent: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """(L − min L)/(max L − min L) per indicator, min and max over the ``pooled`` cells (cities ×
    years: pooled cities, 2003–2019); cells outside them may fall below 0 or above 1."""
    values = np.exp(latent)
    ref = np.where(pooled[None], values, np.nan)
    low = np.nanmin(ref, axis=(1, 2))[:, None, None]
    high = np.nanmax(ref, axis=(1, 2))[:, None, None]
    return (values - low) / (high - low)


def standardised(position: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """x′ from the position: itself for benefit indicators, 1 − position for cost indicators."""
    return np.where((directions == "+")[:, None, None], position, 1.0 - position)


def indicator_values(latent: np.ndarray, codes: list[str], pooled: np.ndarray, median_cells: np.ndarray) -> np.ndarray:
    """Values in indicator units: m_j · L / median(L over ``median_cells``) for the ``MEDIANS_2019``
    indicators, low_j + (high_j − low_j) · position for the ``RANGES`` ones (kept within
    [low/2, 100] for cells outside the pooled range, which only other datasets have)."""
    position = unit_position(latent, pooled)
    values = np.empty_like(latent)
    for j, code in enumerate(codes):
        if code in MEDIANS_2019:
            level = np.exp(latent[j])
            values[j] = MEDIANS_2019[code] * level / np.median(level[median_cells])
        else:
            low, high = RANGES[code]
            values[j] = np.clip(low + (high - low) * position[j], 0.5 * low, 100.0)
    return values


def load_calibration() -> dict:
    """The committed, fitted parameters (``calibration.json``, written by ``calibrate``)."""
    return json.loads(files("urban_resilience.demo").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8"))
