"""The true values behind the synthetic demo data (before any layout or defect is applied).

Magnitudes follow ``resources/reference/``: real registered population and unit employment of the
28 cities (2006–2017 yearbook values, extrapolated log-linearly to 2002–2019), a development
level per city that orders GDP per capita as in reality (capitals highest, Huanggang, Shangrao
and Ji'an lowest), nominal growth as in China 2002–2019, and skew where real data are skewed
(patents, internet subscribers, library books, FDI), so entropy weights behave as in the paper.
All values are SYNTHETIC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DATA_YEARS = list(range(2002, 2020))
SEED = 20210301

# Development level (0–1) of each city: orders GDP per capita, science spending, patents …
LEVEL = {
    "420100": 1.00, "420200": 0.45, "420500": 0.60, "420600": 0.50, "420700": 0.50,
    "420800": 0.42, "420900": 0.28, "421000": 0.28, "421100": 0.18, "421200": 0.30,
    "430100": 0.95, "430200": 0.55, "430300": 0.50, "430400": 0.35, "430600": 0.50,
    "430700": 0.40, "430900": 0.28, "431300": 0.30, "360100": 0.75, "360200": 0.45,
    "360300": 0.42, "360400": 0.40, "360500": 0.62, "360600": 0.50, "360800": 0.22,
    "360900": 0.30, "361000": 0.22, "361100": 0.20,
    # cities of the three provinces printed in the yearbooks but outside the study area
    "420300": 0.35, "430500": 0.12, "360700": 0.18,
}

# Extra yearbook cities have no magnitudes in the reference: approximate, synthetic values.
EXTRA_CITIES = {
    "420300": {"name_cn": "十堰市", "name_en": "Shiyan", "province_cn": "湖北省", "pop": 345.0,
               "pop_growth": 0.002, "district_share": 0.16, "emp_share": 0.075, "land_area": 23680.0},
    "430500": {"name_cn": "邵阳市", "name_en": "Shaoyang", "province_cn": "湖南省", "pop": 780.0,
               "pop_growth": 0.006, "district_share": 0.10, "emp_share": 0.045, "land_area": 20830.0},
    "360700": {"name_cn": "赣州市", "name_en": "Ganzhou", "province_cn": "江西省", "pop": 900.0,
               "pop_growth": 0.010, "district_share": 0.07, "emp_share": 0.05, "land_area": 39380.0},
}

# Fields measured for the districts under the city (raw field scope 市辖区); their 全市 column is
# ``<field>_wholecity`` in the truth, while other fields' 市辖区 column is ``<field>_district``.
DISTRICT_FIELDS = ("water_supply", "road_area", "buses")

# Heavy-industry cities with far higher electricity / wastewater per unit of industrial value added
# (log multipliers). Real intensities are strongly right-skewed; that skew is why the paper's
# x8 and x9 get tiny entropy weights.
HEAVY_INDUSTRY = {"360500": (1.6, 0.6), "420200": (0.9, 1.5), "420700": (1.1, 1.0), "430300": (0.8, 0.4),
                  "360300": (0.5, 1.2)}
# One-off jumps of registered population (boundary changes, hukou reforms), years after which the
# higher level persists; they give population growth (x14) its outliers.
POPULATION_JUMPS = {**{("430300", y): 1.07 for y in range(2010, 2020)},
                    **{("420100", y): 1.05 for y in range(2016, 2020)}}

# Nominal growth of GDP per capita by year (China's broad pattern 2003–2019).
BASE_GROWTH = {y: (0.13 if y <= 2008 else 0.10 if y == 2009 else 0.15 if y <= 2011 else 0.09 if y <= 2014 else 0.065)
               for y in DATA_YEARS}


@dataclass(frozen=True)
class CityFacts:
    admin_code: str
    name_cn: str
    name_en: str
    province_cn: str


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
    for code, extra in EXTRA_CITIES.items():
        for year in DATA_YEARS:
            value = extra["pop"] * (1 + extra["pop_growth"]) ** (year - 2010)
            rows.append((code, year, value, extra["district_share"], extra["emp_share"], extra["land_area"]))
    return pd.DataFrame(rows, columns=["admin_code", "year", "pop", "district_share", "emp_share", "land_area"])


def _cap(value: float, ceiling: float, rng: np.random.Generator) -> float:
    """A rate that saturates below ``ceiling`` with a little spread, as treatment rates do."""
    return value if value < ceiling else ceiling - abs(rng.normal(0, 1.2))


def true_panel(magnitudes: pd.DataFrame, cities: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The demo's true raw fields: the 28 cities (calibrated on real magnitudes) and the three
    other yearbook cities, see :func:`panel_from_base`."""
    return panel_from_base(population_and_employment(magnitudes, cities), LEVEL, seed)


def panel_from_base(base: pd.DataFrame, levels: dict[str, float], seed: int = SEED) -> pd.DataFrame:
    """The true raw fields (canonical units) for every yearbook city and data year 2002–2019.

    Values are rounded as a yearbook prints them, so the printed (defect-free) value *is* the
    truth. Columns: admin_code, year and one column per raw field, plus ``*_district`` columns
    holding the 市辖区 value of fields printed as 全市/市辖区 pairs, and ``land_area``.
    """
    rng = np.random.default_rng(seed)
    base = base.set_index(["admin_code", "year"]).sort_index()
    codes = sorted(base.index.get_level_values("admin_code").unique())
    city_effects = {code: rng.normal(size=8) for code in codes}  # fixed per city
    records = []
    for code in codes:
        level = levels[code]
        z = city_effects[code]
        u = (np.tanh(z) + 1) / 2  # in (0, 1)
        gdppc = 5000.0 + 20000.0 * level**1.3
        # heavy right tail of industrial pollution and energy intensity: a few heavy-industry cities
        heavy = HEAVY_INDUSTRY.get(code, (0.0, 0.0))
        city_growth = 0.01 * z[0]
        ar_pop = 0.0
        for year in DATA_YEARS:
            t = year - 2002
            row = base.loc[(code, year)]
            if year > 2002:
                gdppc *= np.exp(BASE_GROWTH[year] + city_growth + rng.normal(0, 0.01))
            ar_pop = 0.6 * ar_pop + rng.normal(0, 0.002)
            pop = row["pop"] * np.exp(ar_pop) * POPULATION_JUMPS.get((code, year), 1.0)
            urbanisation = 1 + 0.006 * t
            pop_district = pop * min(row["district_share"] * urbanisation, 0.95)
            noise = lambda sd=0.03: float(np.exp(rng.normal(0, sd)))  # noqa: E731
            gdp = gdppc * pop
            industry_trend = 0.006 * t if year <= 2011 else 0.054 - 0.008 * (year - 2011)
            s_ind = np.clip(0.30 + 0.15 * u[1] + industry_trend, 0.2, 0.6)
            tertiary_trend = 0.0 if year <= 2012 else 0.01 * (year - 2012)
            s_ter = np.clip(0.33 + 0.05 * level + tertiary_trend + rng.normal(0, 0.005),
                            0.25, 0.93 - s_ind)
            industry_va = gdp * s_ind
            rev_share = min(0.045 + 0.02 * level + 0.002 * t, 0.12) * noise()
            emp_units = pop * row["emp_share"] * (1 + 0.01 * (year - 2010)) * noise(0.02)
            ind_ent = max(20.0, industry_va / (15000.0 * (1 + 0.08 * t))) * noise()
            hmt_share = 0.03 * np.exp(0.6 * z[2]) * (1 + 0.5 * level)
            fdi_share = 0.015 * np.exp(1.0 * z[3]) * (0.5 + level) * (1 + 0.05 * min(t, 6) - 0.02 * max(0, t - 6))
            values = {
                "pop": pop,
                "pop_district": pop_district,
                "emp_units": emp_units,
                "emp_public_admin": emp_units * (0.07 + 0.03 * u[4]) * noise(),
                "emp_private": emp_units * 0.35 * np.exp(0.09 * t) * (1 + 0.3 * np.tanh(z[5])) * noise(),
                "gdp": gdp,
                "industry_va": industry_va,
                "tertiary_va": gdp * s_ter,
                "fiscal_revenue": gdp * rev_share,
                "fiscal_expenditure": gdp * (rev_share * 1.4 + 0.06 * (1 - level) + 0.003 * t) * noise(),
                "science_exp": gdp * 0.0008 * (1 + 4 * level**2) * (1 + 0.08 * t) * noise(0.08),
                "education_exp": gdp * (0.02 + 0.008 * (1 - level) + 0.0006 * t) * noise(),
                "fai": gdp * min(0.40 + 0.05 * u[6] + 0.045 * t, 1.2) * (1.05 - 0.45 * level) * noise(0.05),
                "fdi_usd": None,  # needs the exchange rate, set by the caller's rate table
                "fdi_share": fdi_share * noise(0.1),
                "industrial_enterprises": ind_ent,
                "hmt_enterprises": ind_ent * hmt_share * noise(0.1),
                "retail": gdp * (0.30 + 0.08 * level + 0.004 * t) * noise(),
                "hospital_beds": pop * (20 + 15 * level + 1.8 * t) * noise(),
                "doctors": pop * (11 + 10 * level + 0.6 * t) * noise(),
                "library_books": pop * 1500 * np.exp(1.2 * level + 0.6 * np.tanh(z[7])) * (1 + 0.05 * t) / 1000
                * noise(),
                "internet_users": pop * 4800 / (1 + np.exp(-(0.28 * (t - 12) + 1.0 * level + 0.3 * np.tanh(z[1]))))
                / 10000 * noise(),
                "water_supply": pop_district * (60 + 60 * level + 20 * np.tanh(z[2]) + 0.5 * t) * noise(),
                "elec_residential": pop * 150 * np.exp(0.6 * level) * np.exp(0.09 * t) * noise(),
                "elec_industry": industry_va / 10000 * 1800 * np.exp(0.3 * np.tanh(z[3]) + heavy[0]) * np.exp(-0.05 * t)
                * noise(),
                "road_area": pop_district * (6 + 6 * level + 0.5 * t) * noise(),
                "buses": pop_district * (6 + 8 * level + 0.35 * t) * noise(),
                "wastewater": industry_va / 10000 * 35 * np.exp(0.4 * np.tanh(z[4]) + heavy[1]) * np.exp(-0.12 * t)
                * noise(),
                "solid_waste_util_rate": _cap(55 + 20 * u[5] + 1.5 * t + rng.normal(0, 2), 99.5, rng),
                "sewage_treatment_rate": _cap(15 + 25 * level + 5 * t + rng.normal(0, 3), 98.5, rng),
                "garbage_harmless_rate": min(40 + 30 * u[6] + 4 * t + rng.normal(0, 3), 100.0),
                "green_coverage": _cap(33 + 4 * u[7] + 0.45 * t + rng.normal(0, 0.8), 46.0, rng),
                "patents": pop * 0.25 * np.exp(2.2 * level + 0.3 * np.tanh(z[0])) * np.exp(0.19 * t) * noise(0.08),
                "land_area": row["land_area"],
            }
            district = pop_district / pop
            for field in ("gdp", "industry_va", "tertiary_va", "fiscal_revenue", "fiscal_expenditure", "retail",
                          "hospital_beds", "doctors", "emp_units", "elec_residential", "elec_industry", "wastewater",
                          "fai", "internet_users", "library_books"):
                values[f"{field}_district"] = values[field] * min(district * 1.4, 1.0)
            for field in DISTRICT_FIELDS:  # these fields are about the districts; the whole city is larger
                values[f"{field}_wholecity"] = values[field] / min(district * 1.4, 1.0)
            values["land_area_district"] = row["land_area"] * min(district * 0.5, 1.0)
            for field in ("sewage_treatment_rate", "garbage_harmless_rate", "solid_waste_util_rate"):
                values[f"{field}_district"] = min(values[field] + 3.0, 100.0)
            records.append({"admin_code": code, "year": year, **values})
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
