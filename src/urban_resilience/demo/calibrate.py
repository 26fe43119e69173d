"""Calibrate the demo generator once so that the workflow's aggregates on the demo look like the paper's.

``python -m urban_resilience.demo.calibrate`` fits the parameters of :mod:`urban_resilience.demo.model`
(per indicator: growth γ, spread σ, outlier lift μ; per study city: strength θ; and ζ) by least
squares against the paper's published aggregates in ``resources/paper/`` and writes them to
``src/urban_resilience/demo/calibration.json``, which the generator reads. The fit emulates the
workflow on the true values (pooled range standardisation, entropy weights, scores); the demo run
itself, with rounding and injected defects, is checked by ``tests/test_demo_calibration.py``.

Targets (the issue's list, in the order the residuals come):

- each controlled indicator's weight near the paper's Table 1 weight, except that the weight the
  real HSR table's x26 cannot take (its divergence is fixed by the real openings) is spread over
  the other infrastructure indicators, so every dimension keeps the paper's weight;
- each dimension's mean in 2003 and 2019 (the paper's Fig. 1 values);
- each study city's 2019 total near a target inside its Table 2 tier (the three capitals at their
  published totals, the provinces' second cities at capital / published primacy within the
  upper-middle tier);
- the standard deviation of the 2003 totals and each province's 2019 primacy.

PM2.5 (x7), population growth (x14) and HSR stations (x26) are not controlled: they come from the
synthetic rasters (sampled at the city points here), the reference population and the real HSR
table, and enter the fit as they are.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from urban_resilience.core import tables, vocabulary
from urban_resilience.demo import model, truth
from urban_resilience.panel.build import hsr_counts

FIXED = ("x7", "x14", "x26")
HSR_WEIGHT = 0.075  # the weight x26 is fitted to carry (its divergence is fixed by the real table)
YEARS = list(range(model.FIRST, model.LAST + 1))
SHIFT = 1e-4
# 2019 totals inside each Table 2 tier (tiers are ±10 %, ±30 % around the study-area mean ≈ 0.125)
TIER_TARGETS = {"low": (0.074, 0.080), "lower-middle": (0.094, 0.104), "middle": (0.117, 0.130),
                "upper-middle": (0.142, 0.147)}
LOADING = {"+": 0.75, "-": -0.3}
ROUNDS = 3
SPREAD_2019 = 3.0
CALIBRATION_FILE = Path(__file__).with_name(model.CALIBRATION_FILE)


def published_targets(resources: Path) -> dict:
    """Weights, dimension means, SD and capitals' totals from ``resources/paper/published.csv``."""
    published = pd.read_csv(resources / "paper" / "published.csv", dtype={"group": str})

    def pick(quantity: str, group: str, measure: str, year: str = "") -> float:
        rows = published[(published["quantity"] == quantity) & (published["group"] == group)
                         & (published["measure"] == measure)]
        if year:
            rows = rows[rows["year"].astype("Int64").astype(str) == year]
        return float(rows["value"].iloc[0])

    dims = vocabulary.DIMENSIONS
    return {
        "weights": published[published["quantity"] == "indicator_weight"].set_index("group")["value"],
        "dimension_means": {(d, y): pick("mean", "study area", d, y) for d in dims for y in ("2003", "2019")},
        "sd2003": pick("sd", "study area", "total", "2003"),
        "capitals": {code: pick("total", code, "total", "2019") for code in ("420100", "430100", "360100")},
        "primacy": {p: pick("primacy", p, "total", "2019") for p in ("Hubei", "Hunan", "Jiangxi")},
    }


def city_targets(resources: Path, cities: pd.DataFrame, capitals: dict[str, float]) -> pd.Series:
    """A 2019 total per study city inside its published tier, ordered within the tier by the
    city's registered population (larger cities a little higher)."""
    tiers = pd.read_csv(resources / "paper" / "published_tiers.csv", dtype={"admin_code": str})
    magnitudes = pd.read_csv(resources / "reference" / "ccsy_magnitudes_28cities_2006_2017.csv")
    size = magnitudes.groupby("city")["pop_total"].mean()
    size = cities.set_index("admin_code")["name_cn"].map(size)
    targets = dict(capitals)
    for tier, (low, high) in TIER_TARGETS.items():
        members = tiers.loc[tiers["tier"] == tier, "admin_code"]
        order = size.reindex(members).rank(method="first").to_numpy()
        spread = (order - 1) / max(len(order) - 1, 1)
        targets.update(dict(zip(members, low + (high - low) * spread)))
    return pd.Series(targets).sort_index()


def second_cities(targets: pd.Series, cities: pd.DataFrame, capitals: dict[str, float],
                  primacy: dict[str, float]) -> pd.Series:
    """Move each province's highest non-capital target to the top of the upper-middle tier (capital /
    published primacy puts it in that tier, near its lower edge; the top keeps it clear of the edge
    and the primacy within 15 % of the published one)."""
    targets = targets.copy()
    info = cities.set_index("admin_code")
    for capital in capitals:
        province = info.loc[capital, "province_en"]
        others = targets[(info.reindex(targets.index)["province_en"] == province) & (targets.index != capital)]
        second = others.idxmax()
        targets[second] = max(capitals[capital] / primacy[province], TIER_TARGETS["upper-middle"][1])
    return targets


def fixed_standardised(resources: Path, codes: list[str], seed: int) -> pd.DataFrame:
    """x′ of x7, x14 and x26 for the study cities 2003–2019 (city-major rows), as the workflow
    would compute them from the generated data (PM2.5 at the city points)."""
    from urban_resilience.demo import hsr_stations_table, load_inputs, rasters

    inputs = load_inputs(resources)
    base = truth.population(truth.population_and_employment(inputs["magnitudes"], inputs["cities"]), seed)
    pop = base.set_index(["admin_code", "year"])["pop"]
    growth = (pop / pop.groupby(level=0).shift(1) - 1) * 100
    raster_rng = np.random.default_rng(seed + 2)
    pm25 = {}
    for year in truth.DATA_YEARS:
        field = rasters.pm25_field(year, inputs["points"], raster_rng)
        for code in codes:
            lon, lat = inputs["points"][code]
            row = int((rasters.NORTH - lat) / rasters.RESOLUTION)
            col = int((lon - rasters.WEST) / rasters.RESOLUTION)
            window = field[max(row - 3, 0):row + 4, max(col - 3, 0):col + 4]
            pm25[(code, year)] = float(window[window > 0].mean())
    stations = hsr_stations_table(resources / "hsr_stations.csv")
    hsr = hsr_counts(stations, codes, YEARS, "12-31").set_index(["admin_code", "year"])["hsr_stations"]
    index = pd.MultiIndex.from_product([codes, YEARS], names=["admin_code", "year"])
    raw = pd.DataFrame({"x7": pd.Series(pm25).reindex(index).to_numpy(), "x14": growth.reindex(index).to_numpy(),
                        "x26": hsr.reindex(index).to_numpy()}, index=index)
    low, high = raw.min(), raw.max()
    return pd.DataFrame({"x7": (high["x7"] - raw["x7"]) / (high["x7"] - low["x7"]),
                         "x14": (raw["x14"] - low["x14"]) / (high["x14"] - low["x14"]),
                         "x26": (raw["x26"] - low["x26"]) / (high["x26"] - low["x26"])})


def divergence(x: np.ndarray) -> np.ndarray:
    """g = 1 − e of each row of x′ (indicators × cells), as the workflow computes it."""
    values = x + SHIFT
    p = values / values.sum(axis=1, keepdims=True)
    return 1.0 + (p * np.log(p)).sum(axis=1) / np.log(x.shape[1])


class Problem:
    """The least-squares problem: parameters ↔ vector, residuals, and the emulated aggregates."""

    def __init__(self, resources: Path, seed: int = truth.SEED) -> None:
        inputs_cities = truth.demo_city_table(resources)
        indicators = tables.read_indicators(resources / "indicators.csv")
        self.indicators = indicators[~indicators["code"].isin(FIXED)].reset_index(drop=True)
        self.codes = sorted(inputs_cities["admin_code"])  # pooled: study and reference cities
        self.study = np.array([code not in truth.REFERENCE_CITIES for code in self.codes])
        self.study_codes = [code for code, s in zip(self.codes, self.study) if s]
        self.cities = inputs_cities
        self.tiers = pd.read_csv(resources / "paper" / "published_tiers.csv",
                                 dtype={"admin_code": str}).set_index("admin_code")["tier"]
        self.published = published_targets(resources)
        targets = city_targets(resources, inputs_cities, self.published["capitals"])
        self.city_target = second_cities(targets, inputs_cities, self.published["capitals"],
                                         self.published["primacy"]).reindex(self.study_codes).to_numpy()
        self.fixed = fixed_standardised(resources, self.codes, seed)
        # the generator's draws (data years from 2002), kept for the panel years 2003-2019
        self.eta, nu = model.city_draws(self.codes, list(self.indicators["code"]), truth.DATA_YEARS, seed)
        self.nu = nu[:, :, truth.DATA_YEARS.index(YEARS[0]):]
        self.directions = self.indicators["direction"].to_numpy()
        self.loading = np.array([LOADING[d] for d in self.directions])
        # the city far ahead: a reference city for benefit indicators, a study city that is not a
        # capital (a heavy-industry city) for cost indicators; the one with the largest η
        capitals = set(inputs_cities.loc[inputs_cities["capital"], "admin_code"])
        self.outlier = np.zeros((len(self.indicators), len(self.codes)), dtype=bool)
        for j, direction in enumerate(self.directions):
            candidates = [k for k, code in enumerate(self.codes)
                          if (code in truth.REFERENCE_CITIES) == (direction == "+") and code not in capitals]
            self.outlier[j, max(candidates, key=lambda k: self.eta[k, j])] = True
        info = inputs_cities.set_index("admin_code").reindex(self.study_codes)
        self.provinces = {}  # province: (capital's row, other cities' rows)
        for province, block in info.reset_index().groupby("province_en"):
            capital = int(block.index[block["capital"]][0])
            self.provinces[province] = (capital, [int(k) for k in block.index if k != capital])
        self.dimension_of = dict(zip(indicators["code"], indicators["dimension"]))
        self.target_weight = self._target_weights(indicators)
        self.fixed_x = self.fixed.to_numpy().T.reshape(len(FIXED), len(self.codes), len(YEARS))

    def _target_weights(self, indicators: pd.DataFrame) -> pd.Series:
        """Paper weights of the controlled indicators, x26's unreachable weight spread over the other
        infrastructure indicators in proportion to theirs."""
        paper = self.published["weights"].reindex(indicators["code"])
        controlled = paper.drop(list(FIXED))
        infra = [c for c in controlled.index if self.dimension_of[c] == "infrastructure"]
        controlled[infra] *= 1 + (paper["x26"] - HSR_WEIGHT) / controlled[infra].sum()
        return controlled

    def unpack(self, vector: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, float]:
        z = len(self.indicators)
        params = pd.DataFrame({"growth": vector[:z], "spread": np.exp(vector[z:2 * z]),
                               "loading": vector[3 * z:4 * z], "lift": vector[2 * z:3 * z],
                               "catch_up": vector[4 * z:5 * z]})
        return params, vector[5 * z:5 * z + len(self.codes)], float(vector[-1])

    def pack(self, calibration: dict) -> np.ndarray:
        """The parameter vector of a calibration (as written to ``calibration.json``)."""
        params = pd.DataFrame(calibration["indicators"]).set_index("code").loc[list(self.indicators["code"])]
        strength = [calibration["strength"][code] for code in self.codes]
        return np.concatenate([params["growth"], np.log(params["spread"]), params["lift"], params["loading"],
                               params["catch_up"], strength, [calibration["growth_gap"]]])

    def start(self) -> np.ndarray:
        z = len(self.indicators)
        strength = np.full(len(self.codes), 3.0)
        strength[self.study] = (self.city_target - self.city_target.mean()) / self.city_target.std()
        return np.concatenate([np.full(z, 1.0), np.full(z, np.log(0.6)), np.full(z, 1.0), self.loading,
                               np.full(z, 0.3), strength, [0.2]])

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        z = len(self.indicators)
        benefit = self.directions == "+"
        low = np.concatenate([np.full(z, -3.0), np.full(z, np.log(0.02)), np.zeros(z), np.where(benefit, 0.2, -0.9),
                              np.zeros(z), np.where(self.study, -4.0, 1.0), [-1.0]])
        high = np.concatenate([np.full(z, 4.0), np.full(z, np.log(3.0)), np.full(z, 5.0), np.where(benefit, 0.95, 0.5),
                               np.ones(z), np.where(self.study, 4.0, 6.0), [1.0]])
        return low, high

    def emulate(self, vector: np.ndarray) -> dict:
        """x′, weights and scores the workflow would compute from the true values."""
        params, strength, gap = self.unpack(vector)
        latent = model.log_latent(params, strength, gap, self.eta, self.nu, self.outlier, YEARS)
        position = model.unit_position(latent, np.ones(latent.shape[1:], dtype=bool))
        x = model.standardised(position, self.directions)
        everything = np.concatenate([x, self.fixed_x])
        codes = list(self.indicators["code"]) + list(FIXED)
        g = divergence(everything.reshape(len(codes), -1))
        weights = pd.Series(g / g.sum(), index=codes)
        x = x[:, self.study]
        contribution = weights.to_numpy()[:, None, None] * everything[:, self.study]
        dims = {d: contribution[[self.dimension_of[c] == d for c in codes]].sum(axis=0) for d in vocabulary.DIMENSIONS}
        total = sum(dims.values())
        return {"x": x, "x_pooled": everything, "latent": latent, "weights": weights, "dims": dims, "total": total}

    def residuals(self, vector: np.ndarray) -> np.ndarray:
        out = self.emulate(vector)
        weights, dims, total = out["weights"], out["dims"], out["total"]
        first, last = 0, len(YEARS) - 1
        parts = [np.log(weights[self.target_weight.index] / self.target_weight).to_numpy()]
        for (dimension, year), value in self.published["dimension_means"].items():
            column = first if year == "2003" else last
            parts.append([6.0 * (dims[dimension][:, column].mean() / value - 1.0)])
        for dimension in vocabulary.DIMENSIONS:  # each dimension's weight within ±0.05 of the paper's
            codes = [c for c in weights.index if self.dimension_of[c] == dimension]
            parts.append([(weights[codes].sum() - self._dimension_weight(dimension)) / 0.03])
        parts.append(4.0 * (total[:, last] / self.city_target - 1.0))
        parts.append([2.0 * (total[:, first].std(ddof=1) / self.published["sd2003"] - 1.0)])
        for province, (capital, others) in self.provinces.items():
            ratio = total[capital, last] / total[others, last].max()
            parts.append([4.0 * np.log(ratio / self.published["primacy"][province])])
        # plausibility: a study city at most SPREAD_2019 times the study median in 2019 (quantities
        # without bounds; national extremes are the reference cities' part)
        for j, code in enumerate(self.indicators["code"]):
            if code in model.MEDIANS_2019 and self.directions[j] == "+":
                level = np.exp(out["latent"][j][self.study][:, last])
                parts.append([3.0 * max(0.0, np.log(level.max() / np.median(level) / SPREAD_2019))])
        # keep each controlled indicator's mean x′ near its dimension's (weak)
        x = out["x"]
        for j, code in enumerate(self.indicators["code"]):
            dim = self.dimension_of[code]
            for column, year in ((first, "2003"), (last, "2019")):
                share = self.published["dimension_means"][(dim, year)] / self._dimension_weight(dim)
                parts.append([0.3 * np.log(max(x[j, :, column].mean(), 1e-6) / share)])
        return np.concatenate([np.asarray(p, dtype=float) for p in parts])

    def _dimension_weight(self, dimension: str) -> float:
        paper = self.published["weights"]
        return float(sum(paper[c] for c in paper.index if self.dimension_of[c] == dimension))


def summary(problem: Problem, out: dict) -> dict[str, float]:
    """The issue's target quantities on the emulated run (means, SDs, primacy, weights, tiers)."""
    total, dims = out["total"], out["dims"]
    result = {"mean total 2003": total[:, 0].mean(), "mean total 2019": total[:, -1].mean(),
              "sd 2003": total[:, 0].std(ddof=1), "sd 2019": total[:, -1].std(ddof=1)}
    for dimension in vocabulary.DIMENSIONS:
        result[f"{dimension} 2003"] = dims[dimension][:, 0].mean()
        result[f"{dimension} 2019"] = dims[dimension][:, -1].mean()
    weights = out["weights"]
    paper = problem.published["weights"]
    result["spearman"] = float(pd.Series(weights).reindex(paper.index).rank().corr(paper.rank()))
    for dimension in vocabulary.DIMENSIONS:
        codes = [c for c in weights.index if problem.dimension_of[c] == dimension]
        result[f"weight {dimension}"] = float(weights[codes].sum())
    info = problem.cities.set_index("admin_code").reindex(problem.study_codes)
    last = pd.Series(total[:, -1], index=problem.study_codes)
    for province in ("Hubei", "Hunan", "Jiangxi"):
        block = last[(info["province_en"] == province).to_numpy()].sort_values(ascending=False)
        result[f"primacy {province}"] = float(block.iloc[0] / block.iloc[1])
    result["capitals on top"] = float(set(last.nlargest(3).index) == {"420100", "430100", "360100"}
                                      and last.idxmax() == "420100")
    reference = total[:, -1].mean()
    deviation = total[:, -1] / reference - 1
    tier = np.select([deviation <= -0.3, deviation < -0.1, deviation < 0.1, deviation < 0.3],
                     ["low", "lower-middle", "middle", "upper-middle"], "high")
    published = problem.tiers.reindex(problem.study_codes).to_numpy()
    result["tiers matched"] = float((tier == published).sum())
    return result


def calibrate(resources: Path, seed: int = truth.SEED) -> dict:
    """Fit the parameters; return them as the JSON-ready dictionary the generator reads."""
    problem = Problem(resources, seed)
    low, high = problem.bounds()
    vector = problem.start()
    for _ in range(ROUNDS):  # restarts: the pooled min and max make the residuals kinked
        fit = least_squares(problem.residuals, vector, bounds=(low, high), x_scale="jac", max_nfev=100)
        vector = fit.x
    params, strength, gap = problem.unpack(fit.x)
    out = problem.emulate(fit.x)
    records = []
    for j, row in problem.indicators.iterrows():
        fitted = {name: round(float(params[name][j]), 6) for name in model.PARAMETERS}
        records.append({"code": row["code"], **fitted, "outlier": problem.codes[int(np.argmax(problem.outlier[j]))]})
    return {
        "seed": seed,
        "growth_gap": round(gap, 6),
        "indicators": records,
        "strength": {code: round(float(s), 6) for code, s in zip(problem.codes, strength)},
        "fit": {"cost": round(float(fit.cost), 6),
                "targets": {k: round(float(v), 4) for k, v in summary(problem, out).items()},
                "weights": {k: round(float(v), 5) for k, v in out["weights"].items()},
                "totals_2019": {c: round(float(v), 4) for c, v in zip(problem.study_codes, out["total"][:, -1])}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m urban_resilience.demo.calibrate", description=__doc__)
    parser.add_argument("--resources", type=Path, default=Path("resources"))
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    args = parser.parse_args(argv)
    result = calibrate(args.resources)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, value in result["fit"]["targets"].items():
        print(f"{name:28s} {value:.4f}")
    print(f"wrote {args.out} (cost {result['fit']['cost']:.4g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
