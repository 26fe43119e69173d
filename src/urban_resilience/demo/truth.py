"""The true values behind the synthetic demo data (before any layout or defect is applied).

Population and unit employment follow ``resources/reference/``: real registered population and
employment of the 28 cities (2006–2017 yearbook values, extrapolated log-linearly to 2002–2019).
The indicators come from the calibrated model of :mod:`urban_resilience.demo.model` (parameters in
``calibration.json``, fitted by :mod:`urban_resilience.demo.calibrate` so that the workflow's
weights, dimension means and 2019 tiers on the demo come close to the paper's), and the raw
yearbook fields are solved from the indicator formulas. All values are SYNTHETIC.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from urban_resilience.core import tables
from urban_resilience.demo import model

DATA_YEARS = list(range(2002, 2020))
SEED = 20210301

# Extra yearbook cities have no magnitudes in the reference: approximate, synthetic values.
EXTRA_CITIES = {
    "420300": {"name_cn": "十堰市", "name_en": "Shiyan", "province_cn": "湖北省", "pop": 345.0,
               "pop_growth": 0.002, "district_share": 0.16, "emp_share": 0.075, "land_area": 23680.0, "strength": -0.8},
    "430500": {"name_cn": "邵阳市", "name_en": "Shaoyang", "province_cn": "湖南省", "pop": 780.0,
               "pop_growth": 0.006, "district_share": 0.10, "emp_share": 0.045, "land_area": 20830.0, "strength": -1.4},
    "360700": {"name_cn": "赣州市", "name_en": "Ganzhou", "province_cn": "江西省", "pop": 900.0,
               "pop_growth": 0.010, "district_share": 0.07, "emp_share": 0.05, "land_area": 39380.0, "strength": -1.1},
}

# National leaders pooled with the study cities (as the paper pooled all prefecture cities): rough
# registered population (万人, 2010), its growth, district and employment shares, land area (km²);
# their strength θ is fitted with the rest. SYNTHETIC values.
REFERENCE_CITIES = {
    "320100": {"pop": 632.0, "pop_growth": 0.010, "district_share": 0.85, "emp_share": 0.20, "land_area": 6587.0},
    "320500": {"pop": 637.0, "pop_growth": 0.008, "district_share": 0.50, "emp_share": 0.30, "land_area": 8657.0},
    "330100": {"pop": 689.0, "pop_growth": 0.010, "district_share": 0.62, "emp_share": 0.25, "land_area": 16596.0},
    "440100": {"pop": 806.0, "pop_growth": 0.015, "district_share": 0.88, "emp_share": 0.30, "land_area": 7434.0},
    "440300": {"pop": 260.0, "pop_growth": 0.060, "district_share": 0.94, "emp_share": 0.90, "land_area": 1997.0},
    "441900": {"pop": 180.0, "pop_growth": 0.020, "district_share": 0.94, "emp_share": 0.60, "land_area": 2460.0},
}

# The demo's cities, in the order their values are drawn: the 28 study cities (Hubei, Hunan,
# Jiangxi, each by code) and the six national reference cities.
DEMO_CITIES = ("420100", "420200", "420500", "420600", "420700", "420800", "420900", "421000", "421100", "421200",
               "430100", "430200", "430300", "430400", "430600", "430700", "430900", "431300",
               "360100", "360200", "360300", "360400", "360500", "360600", "360800", "360900", "361000", "361100",
               *REFERENCE_CITIES)


def demo_city_table(resources: Path) -> pd.DataFrame:
    """The city table's rows of the demo's cities, in ``DEMO_CITIES`` order (the table covers China)."""
    return tables.read_cities(resources / "cities.csv").set_index("admin_code").loc[list(DEMO_CITIES)].reset_index()

# Fields measured for the districts under the city (raw field scope 市辖区); their 全市 column is
# ``<field>_wholecity`` in the truth, while other fields' 市辖区 column is ``<field>_district``.
DISTRICT_FIELDS = ("water_supply", "road_area", "buses")

# One-off jumps of registered population (boundary changes, hukou reforms), years after which the
# higher level persists; they give population growth (x14) its outliers.
POPULATION_JUMPS = {**{("430300", y): 1.07 for y in range(2010, 2020)},
                    **{("420100", y): 1.05 for y in range(2016, 2020)}}


def _loglinear(years: np.ndarray, values: np.ndarray, target: list[int]) -> np.ndarray:
    """Fit log(value) = a + b·year and predict for ``target`` years."""
    slope, intercept = np.polyfit(years, np.log(values), 1)
    return np.exp(intercept + slope * np.asarray(target))


def population_and_employment(magnitudes: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Smooth population (全市 and 市辖区, 万人), unit employment and land area per city and year."""
    rows = []
    by_name = {row.name_cn: row.admin_code for row in cities.itertuples()}
    magnitudes = magnitudes.assign(admin_code=magnitudes["city"].map(by_name))
    for code, group in magnitudes.groupby("admin_code", sort=True):
        years = group["file"].to_numpy(dtype=float)
        pop = _loglinear(years, group["pop_total"].to_numpy(), DATA_YEARS)
        district_share = float(np.median(group["pop_dist"] / group["pop_total"]))
        district_share = min(district_share, 0.62)  # Wuhan's 2006 scope break is not a share
        emp_share = float(np.median(group["emp_units_total"] / group["pop_total"]))
        land = float(group["land_area_total"].median())
        for year, value in zip(DATA_YEARS, pop):
            rows.append((code, year, value, district_share, emp_share, land))
    for code, extra in {**EXTRA_CITIES, **REFERENCE_CITIES}.items():
        for year in DATA_YEARS:
            value = extra["pop"] * (1 + extra["pop_growth"]) ** (year - 2010)
            rows.append((code, year, value, extra["district_share"], extra["emp_share"], extra["land_area"]))
    return pd.DataFrame(rows, columns=["admin_code", "year", "pop", "district_share", "emp_share", "land_area"])


def population(base: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Registered population (全市 and 市辖区, 万人) and unit employment per city and year: the smooth
    reference path with small AR(1) deviations and the one-off jumps of ``POPULATION_JUMPS``."""
    rows = []
    for code, group in base.sort_values(["admin_code", "year"]).groupby("admin_code", sort=True):
        rng = np.random.default_rng([seed, int(code), 1])
        deviation = 0.0
        for row in group.itertuples(index=False):
            deviation = 0.6 * deviation + rng.normal(0, 0.002)
            pop = row.pop * np.exp(deviation) * POPULATION_JUMPS.get((code, row.year), 1.0)
            t = row.year - DATA_YEARS[0]
            pop_district = pop * min(row.district_share * (1 + 0.006 * t), 0.95)
            emp_units = pop * row.emp_share * (1 + 0.01 * (row.year - 2010)) * np.exp(rng.normal(0, 0.02))
            rows.append((code, row.year, pop, pop_district, emp_units, row.land_area))
    return pd.DataFrame(rows, columns=["admin_code", "year", "pop", "pop_district", "emp_units", "land_area"])


def indicator_panel(codes: list[str], study: list[str], pooled: list[str], strength: dict[str, float],
                    seed: int = SEED) -> pd.DataFrame:
    """The controlled indicators' true values (columns x1 …, rows admin_code × year) from the
    calibrated model; ranges are pinned on the ``pooled`` cities 2003–2019 and medians on the
    ``study`` cities in 2019 (see :func:`urban_resilience.demo.model.indicator_values`)."""
    calibration = model.load_calibration()
    params = pd.DataFrame(calibration["indicators"])
    indicator_codes = list(params["code"])
    eta, nu = model.city_draws(codes, indicator_codes, DATA_YEARS, seed)
    outlier = np.array([[code == o for code in codes] for o in params["outlier"]])
    theta = np.array([strength[code] for code in codes])
    latent = model.log_latent(params, theta, calibration["growth_gap"], eta, nu, outlier, DATA_YEARS)
    years = np.asarray(DATA_YEARS)
    values = model.indicator_values(latent, indicator_codes, np.isin(codes, pooled)[:, None] & (years >= model.FIRST),
                                    np.isin(codes, study)[:, None] & (years == model.LAST))
    index = pd.MultiIndex.from_product([codes, DATA_YEARS], names=["admin_code", "year"])
    return pd.DataFrame(values.reshape(len(params), -1).T, index=index, columns=indicator_codes)


def true_panel(magnitudes: pd.DataFrame, cities: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The demo's true raw fields: the study cities, the national reference cities and the other
    yearbook cities of the study provinces."""
    base = population(population_and_employment(magnitudes, cities), seed)
    strength = {**model.load_calibration()["strength"], **{c: e["strength"] for c, e in EXTRA_CITIES.items()}}
    codes = sorted(base["admin_code"].unique())
    pooled = sorted(cities["admin_code"])
    study = [code for code in pooled if code not in REFERENCE_CITIES]
    return raw_fields(base, indicator_panel(codes, study, pooled, strength, seed), seed)


def raw_fields(base: pd.DataFrame, values: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Raw yearbook fields (canonical units) solved from the indicator formulas, e.g. gdp = x1 · pop,
    patents = x21 · pop; plus the 市辖区 (``*_district``) and 全市 (``*_wholecity``) companions.

    Values are not rounded here (see :func:`finish`). Columns: admin_code, year, one per raw field.
    """
    records = []
    base = base.set_index(["admin_code", "year"]).sort_index()
    for (code, year), row in base.iterrows():
        rng = np.random.default_rng([seed, int(code), year])
        x = values.loc[(code, year)]
        t = year - DATA_YEARS[0]
        pop, pop_district, emp_units = row["pop"], row["pop_district"], row["emp_units"]
        gdp = x["x1"] * pop
        industry_va = gdp * x["x3"] / 100
        tertiary = min(x["x4"], 95.0 - x["x3"])
        enterprises = max(60.0, industry_va / (8000.0 * (1 + 0.08 * t))) * float(np.exp(rng.normal(0, 0.03)))
        private_share = min(x["x30"], 95.0) / 100
        fields = {
            "pop": pop, "pop_district": pop_district, "emp_units": emp_units,
            "emp_public_admin": emp_units * x["x28"] / 100,
            "emp_private": emp_units * private_share / (1 - private_share),
            "gdp": gdp, "industry_va": industry_va, "tertiary_va": gdp * tertiary / 100,
            "fiscal_revenue": gdp * x["x2"] / 100, "fiscal_expenditure": gdp * x["x31"] / 100,
            "science_exp": gdp * x["x19"] / 100, "education_exp": gdp * x["x20"] / 100,
            "fai": x["x5"] * pop,
            "fdi_usd": None,  # needs the exchange rate, set by :func:`finish`
            "fdi_share": x["x6"] / 100,
            "industrial_enterprises": enterprises, "hmt_enterprises": enterprises * x["x29"] / 100,
            "retail": gdp * x["x15"] / 100, "hospital_beds": x["x16"] * pop, "doctors": x["x17"] * pop,
            "library_books": x["x18"] * pop / 1000, "internet_users": x["x27"] * pop / 10000,
            "water_supply": x["x22"] * pop_district, "elec_residential": x["x23"] * pop,
            "elec_industry": x["x9"] * industry_va / 10000, "road_area": x["x24"] * pop_district,
            "buses": x["x25"] * pop_district, "wastewater": x["x8"] * industry_va / 10000,
            "solid_waste_util_rate": x["x10"], "sewage_treatment_rate": x["x11"],
            "garbage_harmless_rate": x["x12"], "green_coverage": x["x13"],
            "patents": x["x21"] * pop, "land_area": row["land_area"],
        }
        district = min(pop_district / pop * 1.4, 1.0)
        for field in ("gdp", "industry_va", "tertiary_va", "fiscal_revenue", "fiscal_expenditure", "retail",
                      "hospital_beds", "doctors", "emp_units", "elec_residential", "elec_industry", "wastewater",
                      "fai", "internet_users", "library_books"):
            fields[f"{field}_district"] = fields[field] * district
        for field in DISTRICT_FIELDS:  # these fields are about the districts; the whole city is larger
            fields[f"{field}_wholecity"] = fields[field] / district
        fields["land_area_district"] = row["land_area"] * min(pop_district / pop * 0.5, 1.0)
        for field in ("sewage_treatment_rate", "garbage_harmless_rate", "solid_waste_util_rate"):
            fields[f"{field}_district"] = min(fields[field] + 3.0, 100.0)
        records.append({"admin_code": code, "year": year, **fields})
    return pd.DataFrame(records)


ROUNDING = {
    # decimals a yearbook prints for each field in its canonical unit
    "pop": 2, "pop_district": 2, "emp_units": 2, "emp_public_admin": 2, "emp_private": 2,
    "gdp": 0, "industry_va": 0, "tertiary_va": 0, "fiscal_revenue": 0, "fiscal_expenditure": 0,
    "science_exp": 0, "education_exp": 0, "fai": 0, "fdi_usd": 0, "industrial_enterprises": 0,
    "hmt_enterprises": 0, "retail": 0, "hospital_beds": 0, "doctors": 0, "library_books": 0,
    "internet_users": 2, "water_supply": 0, "elec_residential": 0, "elec_industry": 0, "road_area": 0,
    "buses": 0, "wastewater": 0, "solid_waste_util_rate": 2, "sewage_treatment_rate": 2,
    "garbage_harmless_rate": 2, "green_coverage": 2, "patents": 0, "land_area": 0,
}


def finish(panel: pd.DataFrame, rates: pd.Series) -> pd.DataFrame:
    """Set FDI in 10 000 USD from its GDP share and the year's rate, and round as printed."""
    panel = panel.copy()
    rate = panel["year"].map(rates) / 100.0
    panel["fdi_usd"] = panel["gdp"] * panel.pop("fdi_share") / rate
    for column in panel.columns:
        if column in ("admin_code", "year"):
            continue
        decimals = ROUNDING.get(column.removesuffix("_district").removesuffix("_wholecity"), 2)
        panel[column] = panel[column].astype(float).round(decimals)
    return panel
