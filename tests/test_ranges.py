"""Absolute plausible ranges: a scale error shared by every city and year (which pooled min-max
standardisation cannot see) stops the run; the demo's and the national generator's values pass."""

import numpy as np
import pandas as pd
import pytest

from urban_resilience.core import schema, tables
from urban_resilience.gate import checks
from urban_resilience.gate.checks import DataCheckError, PlausibleRange

PM = PlausibleRange(2, 200, "μg/m³", "Annual city-mean PM2.5")


@pytest.fixture(scope="module")
def raw_fields(resources):
    return tables.read_raw_fields(resources / "raw_fields.csv")


@pytest.fixture(scope="module")
def indicators(resources):
    return tables.read_indicators(resources / "indicators.csv")


def long_table(values: dict, field: str, file: str = "x.csv") -> pd.DataFrame:
    """{(code, year): value} as a long table without sheet or cell."""
    return pd.DataFrame([{"admin_code": code, "year": year, "field": field, "value": value, "file": file,
                          "sheet": "", "cell": ""} for (code, year), value in values.items()])


def test_every_field_and_indicator_has_a_range_with_its_source(raw_fields, indicators, resources, root):
    for table, key, path in ((raw_fields, "field", "raw_fields"), (indicators, "code", "indicators")):
        ranges = checks.plausible_ranges(table, key)
        assert set(ranges) == set(table[key])
        assert all(r.low < r.high and r.source for r in ranges.values())
        schema.validate_rows(table, root / "workflow" / "schemas" / f"{path}.schema.yaml", path, key)
    ranges = checks.plausible_ranges(raw_fields, "field")
    assert (ranges["pm25"].low, ranges["pm25"].high) == (2, 200)
    assert (ranges["cny_per_100usd"].low, ranges["cny_per_100usd"].high) == (600, 900)
    shares = indicators.loc[indicators["unit"].eq("%") & ~indicators["code"].isin(["x14", "x31"]), "code"]
    assert all(checks.plausible_ranges(indicators, "code")[c].high <= 100 for c in shares)


def test_committed_exchange_rates_lie_in_their_range(raw_fields, resources):
    rates = pd.read_csv(resources / "exchange_rates.csv")
    bounds = checks.plausible_ranges(raw_fields, "field")["cny_per_100usd"]
    assert rates["cny_per_100usd"].between(bounds.low, bounds.high).all()
    assert not (rates["cny_per_100usd"] / 100).between(bounds.low, bounds.high).any()


def test_a_bound_that_is_not_a_number_or_a_minimum_above_the_maximum_names_the_row(raw_fields, root):
    bad = raw_fields.copy()
    bad["min_plausible"] = bad["min_plausible"].astype(object)
    bad.loc[2, "min_plausible"] = "about 1"
    with pytest.raises(tables.TableError, match=r"^raw_fields.csv, row 4 \(emp_units\), column min_plausible: "
                                                r"'about 1' is not of type 'number', 'null'$"):
        schema.validate_rows(bad, root / "workflow" / "schemas" / "raw_fields.schema.yaml", "raw_fields.csv", "field")
    swapped = raw_fields.copy()
    swapped.loc[0, ["min_plausible", "max_plausible"]] = [4000.0, 1.0]
    with pytest.raises(DataCheckError) as error:
        checks.plausible_ranges(swapped, "field", "raw_fields.csv")
    assert str(error.value) == "raw_fields.csv, row 2 (pop): min_plausible 4000 is above max_plausible 1"


def test_empty_bounds_read_as_no_bound(tmp_path, resources):
    text = (resources / "indicators.csv").read_text(encoding="utf-8").splitlines()
    head = text[0].split(",")
    row = text[1].split(",")
    lo, hi = head.index("min_plausible"), head.index("max_plausible")
    row[hi] = ""
    (tmp_path / "i.csv").write_text("\n".join([text[0], ",".join(row)]) + "\n", encoding="utf-8")
    table = tables.read_indicators(tmp_path / "i.csv")
    assert table.at[0, "min_plausible"] == float(row[lo]) and pd.isna(table.at[0, "max_plausible"])
    (bounds,) = checks.plausible_ranges(table, "code").values()
    assert bounds.high == np.inf and bounds.text() == "500–no upper bound 元/人"
    assert checks.range_findings(long_table({("420100", 2010): 1e12}, "x1"), {"x1": bounds}) == []


def test_values_on_the_bounds_pass_and_one_just_outside_is_named_with_its_place():
    long = long_table({("420100", 2010): 2.0, ("420200", 2010): 200.0, ("420500", 2011): 200.5}, "pm25", "g.tif")
    found = checks.range_findings(long, {"pm25": PM})
    assert [(f.admin_code, f.field, f.year) for f in found] == [("420500", "pm25", 2011)]
    assert found[0].message == ("g.tif: city 420500, year 2011, field pm25: 200.5 μg/m³ is outside the plausible "
                                "range 2–200 μg/m³ (Annual city-mean PM2.5)")


def test_pm25_grids_read_ten_times_too_high_stop_with_the_message_in_full():
    truth = {("420100", 2015): 58.2, ("420200", 2015): 51.0, ("420500", 2015): 47.3,
             ("420100", 2016): 54.9, ("420200", 2016): 49.6, ("420500", 2016): 44.1}
    long = pd.concat([long_table({k: v * 10 for k, v in truth.items() if k[1] == year}, "pm25",
                                 f"pm/sdei-{year}.tif") for year in (2015, 2016)], ignore_index=True)
    assert checks.range_findings(long_table(truth, "pm25"), {"pm25": PM}) == []
    with pytest.raises(DataCheckError) as error:
        checks.check_ranges([long], {"pm25": PM}, "the raw inputs", "resources/raw_fields.csv")
    assert str(error.value) == (
        "1 value(s) outside the plausible range in the raw inputs:\n"
        "  field pm25: 6 of 6 values in pm/sdei-2015.tif and pm/sdei-2016.tif (3 cities, years 2015–2016) are "
        "outside the plausible range 2–200 μg/m³ (Annual city-mean PM2.5): 6 above the maximum, from 441 to 582 "
        "μg/m³; the worst: pm/sdei-2015.tif: city 420100, year 2015, field pm25: 582 μg/m³; pm/sdei-2016.tif: city "
        "420100, year 2016, field pm25: 549 μg/m³; pm/sdei-2015.tif: city 420200, year 2015, field pm25: 510 μg/m³ "
        "— a scale error in the whole source (a wrong unit, a grid read ×10, a rate per 1 USD instead of per 100 "
        "USD)?\n"
        "Fix the input (a copy of the file); if a value is real, widen min_plausible or max_plausible of its row in "
        "resources/raw_fields.csv and give the reason in range_source.")


def test_one_grid_ten_times_too_high_says_how_many_of_its_cities_and_the_scale_factor():
    """One year's grid ×10 among correct ones: only the cities pushed above 200 are outside, but the
    message counts them among the grid's cities, lists the worst and compares with the other grids."""
    truth = {"420100": 58.2, "420200": 51.0, "420500": 17.3, "420700": 12.4, "421100": 23.0}
    grids = {2014: 1.05, 2015: 1.0, 2016: 0.95}  # the year level of every city
    long = pd.concat([long_table({(code, year): round(value * level * (10 if year == 2015 else 1), 1)
                                  for code, value in truth.items()}, "pm25", f"pm/sdei-{year}.tif")
                      for year, level in grids.items()], ignore_index=True)
    assert checks.scale_factor(long, ["pm/sdei-2015.tif"]) == 1
    # 2016 against the median of 2014 and the wrong 2015: 0.95 / 5.5 = 0.17, more than ×/÷ 1.5 from 1/10
    assert checks.scale_factor(long, ["pm/sdei-2016.tif"]) is None
    assert checks.scale_factor(long.assign(value=long["value"] / 1000), ["pm/sdei-2014.tif"]) is None
    with pytest.raises(DataCheckError) as error:
        checks.check_ranges([long], {"pm25": PM}, "the raw inputs", "resources/raw_fields.csv")
    assert str(error.value) == (
        "1 value(s) outside the plausible range in the raw inputs:\n"
        "  field pm25: 3 of 5 cities in pm/sdei-2015.tif (year 2015) are outside the plausible range 2–200 μg/m³ "
        "(Annual city-mean PM2.5): 3 above the maximum, from 230 to 582 μg/m³; the worst: city 420100: 582 μg/m³; "
        "city 420200: 510 μg/m³; city 421100: 230 μg/m³ — this file holds about 10 times the same "
        "cities' values in the other files: a scale factor or a unit error in this file (values stored ×10 or in a "
        "tenth of the unit, a scale factor not applied or applied twice)?\n"
        "Fix the input (a copy of the file); if a value is real, widen min_plausible or max_plausible of its row in "
        "resources/raw_fields.csv and give the reason in range_source.")
    # the same grid at 1/10 of the truth: the two cities below 2 μg/m³, with the factor
    low = long.assign(value=long["value"].where(long["file"] != "pm/sdei-2015.tif", long["value"] / 100))
    (finding,) = checks.range_findings(low, {"pm25": PM})
    assert finding.message.startswith("field pm25: 2 of 5 cities in pm/sdei-2015.tif (year 2015) are outside the "
                                      "plausible range 2–200 μg/m³ (Annual city-mean PM2.5): 2 below the minimum, "
                                      "from 1.24 to 1.73 μg/m³; the worst: city 420700: 1.24 μg/m³; city "
                                      "420500: 1.73 μg/m³ — ")
    assert finding.message.endswith("— this file holds about 1/10 of the same cities' values in the other files: "
                                    "a scale factor or a unit error in this file (values stored ×10 or in a tenth of "
                                    "the unit, a scale factor not applied or applied twice)?")


def test_an_exchange_rate_table_per_1_usd_stops_with_the_message_in_full(raw_fields, resources):
    rates = pd.read_csv(resources / "exchange_rates.csv")
    rates = rates[rates["year"].between(2003, 2008)].assign(cny_per_100usd=lambda f: f["cny_per_100usd"] / 100)
    long = checks.as_long(rates.assign(admin_code="all cities"), "cny_per_100usd", "my_rates.csv")
    with pytest.raises(DataCheckError) as error:
        checks.check_ranges([long], checks.plausible_ranges(raw_fields, "field"), "the raw inputs", "raw_fields.csv")
    assert str(error.value) == (
        "1 value(s) outside the plausible range in the raw inputs:\n"
        "  field cny_per_100usd: 6 of 6 values in my_rates.csv (all cities, years 2003–2008) are outside the "
        "plausible range 600–900 "
        "元/百美元 (CNY per 100 USD, annual average central parity 2000–2025: 827.7 (peg to 2005) down to about 614 "
        "(2014) and about 710 (2024); a table per 1 USD (6–9) or per 10 000 USD is outside): 6 below the minimum, "
        "from 6.945 to 8.277 元/百美元; the worst: my_rates.csv: city all cities, year 2008, field cny_per_100usd: "
        "6.9451 元/百美元; my_rates.csv: city all cities, year 2007, field cny_per_100usd: 7.604 元/百美元; "
        "my_rates.csv: city all cities, year 2006, field cny_per_100usd: 7.9718 元/百美元 — a scale error in the "
        "whole source (a wrong unit, a grid read ×10, a rate per 1 USD instead of per 100 USD)?\n"
        "Fix the input (a copy of the file); if a value is real, widen min_plausible or max_plausible of its row in "
        "raw_fields.csv and give the reason in range_source.")


def test_one_yearbook_field_ten_thousand_times_too_large_in_every_edition_stops(raw_fields):
    rows = []
    for k, code in enumerate(["420100", "420200", "420500"]):
        for t, year in enumerate(range(2010, 2014)):
            rows.append({"admin_code": code, "year": year, "field": "gdp", "value": 2.5e6 * (k + 1) * 1.1 ** t,
                         "file": f"中国城市统计年鉴{year + 1}.xlsx", "sheet": "2-3 地区生产总值", "cell": f"C{7 + k}"})
    clean = pd.DataFrame(rows)
    ranges = checks.plausible_ranges(raw_fields, "field")
    assert checks.range_findings(clean, ranges) == []
    # magnitude checks see nothing: every value carries the same factor
    wrong = clean.assign(value=clean["value"] * 10000)
    assert checks.magnitude_findings(wrong, 5) == []
    with pytest.raises(DataCheckError) as error:
        checks.check_ranges([wrong], ranges, "the raw inputs", "raw_fields.csv")
    assert str(error.value) == (
        "1 value(s) outside the plausible range in the raw inputs:\n"
        "  field gdp: 12 of 12 values in 4 files (中国城市统计年鉴2011.xlsx … 中国城市统计年鉴2014.xlsx; 3 cities, "
        "years 2010–2013) are outside the plausible range 100000–1e+09 万元 "
        "(GDP in 万元: about 10 亿元 (the smallest cities around 2000) to about 5.5 万亿元 (上海 2025); 10 亿元 to "
        "10 万亿元): 12 above the maximum, from 2.5e+10 to 9.983e+10 万元; the worst: 中国城市统计年鉴2014.xlsx, "
        "sheet '2-3 地区生产总值', cell C9: city 420500, year 2013, field gdp: 9.9825e+10 万元; "
        "中国城市统计年鉴2013.xlsx, sheet '2-3 地区生产总值', cell C9: city 420500, year 2012, field gdp: "
        "9.075e+10 万元; 中国城市统计年鉴2012.xlsx, sheet '2-3 地区生产总值', cell C9: city 420500, year 2011, "
        "field gdp: 8.25e+10 万元 "
        "— a scale error in the whole source (a wrong unit, a grid read ×10, a rate per 1 USD instead of per 100 "
        "USD)?\n"
        "Fix the input (a copy of the file); if a value is real, widen min_plausible or max_plausible of its row in "
        "raw_fields.csv and give the reason in range_source.")


def test_an_indicator_outside_its_range_names_the_panel_and_the_formula(indicators):
    index = pd.MultiIndex.from_tuples([("420100", 2010), ("420200", 2010)], names=["admin_code", "year"])
    frame = pd.DataFrame({"x2": [8.5, 850.0], "x7": [55.0, np.nan]}, index=index)
    long = checks.indicator_long(frame, dict(zip(indicators["code"], indicators["formula"])), "raw_panel.csv")
    with pytest.raises(DataCheckError) as error:
        checks.check_ranges([long], checks.plausible_ranges(indicators, "code"), "the derived indicators",
                            "indicators.csv", name="indicator")
    assert str(error.value) == (
        "1 value(s) outside the plausible range in the derived indicators:\n"
        "  raw_panel.csv (x2 = fiscal_revenue / gdp * 100): city 420200, year 2010, indicator x2: 850 % is outside "
        "the plausible range 0–100 % (A share of GDP in %: 0–100 (real values about 2–20 %))\n"
        "Fix the input (a copy of the file); if a value is real, widen min_plausible or max_plausible of its row in "
        "indicators.csv and give the reason in range_source.")


def in_range_or_findings(panel: pd.DataFrame, raw_fields, indicators, resources) -> list[str]:
    """Range findings of a true raw panel (canonical units) and of the indicators derived from it
    (PM2.5 and HSR stations, which come from grids and stations, set to a mid value)."""
    from urban_resilience.panel import build

    rates = pd.read_csv(resources / "exchange_rates.csv").set_index("year")["cny_per_100usd"]
    panel = panel.assign(cny_per_100usd=panel["year"].map(rates))
    fields = [f for f in raw_fields["field"] if f in panel]
    long = panel.melt(id_vars=["admin_code", "year"], value_vars=fields, var_name="field", value_name="value")
    found = checks.range_findings(long.assign(file="truth", sheet="", cell=""),
                                  checks.plausible_ranges(raw_fields, "field"))
    raw = panel.set_index(["admin_code", "year"]).assign(pm25=50.0, hsr_stations=2.0)
    derived = build.derive(raw, tables.parse_formulas(indicators, raw_fields), list(range(2003, 2020)))
    assert derived.notna().mean().min() > 0.9
    long = checks.indicator_long(derived, dict(zip(indicators["code"], indicators["formula"])), "truth")
    found += checks.range_findings(long, checks.plausible_ranges(indicators, "code"), "indicator")
    return [f.message for f in found]


def test_the_demo_truth_and_its_indicators_lie_in_every_range(raw_fields, indicators, resources):
    from urban_resilience.demo import true_values

    truth = true_values(resources)
    assert len([f for f in raw_fields["field"] if f in truth]) >= 30
    assert in_range_or_findings(truth, raw_fields, indicators, resources) == []


def test_the_national_generators_values_lie_in_every_range_without_a_shifted_column(raw_fields, indicators,
                                                                                    resources):
    from urban_resilience.demo import national, truth

    rng = np.random.default_rng(truth.SEED + 10)  # as generate_national draws them
    units = national.national_units()
    base, levels = national.base_table(units, rng)
    rates = pd.read_csv(resources / "exchange_rates.csv").set_index("year")["cny_per_100usd"]
    study = list(tables.read_cities(resources / "cities.csv")["admin_code"])
    panel = truth.finish(national.national_panel(base, levels, study, truth.SEED), rates)
    assert panel["admin_code"].nunique() == len(units)
    assert in_range_or_findings(panel, raw_fields, indicators, resources) == []
    # no shifted column: the true values laid out as the generator's sheets (cities by code, a
    # header row before each province), printed to two decimals
    rows, row, province = {}, 5, None
    for code in sorted(panel["admin_code"].unique()):
        row += 1 + (code[:2] != province)
        rows[code], province = row, code[:2]
    fields = list(raw_fields.loc[raw_fields["source"] == "yearbook", "field"])
    long = panel.melt(id_vars=["admin_code", "year"], value_vars=fields, var_name="field", value_name="value")
    long = long.assign(value=long["value"].round(2), file="book" + (long["year"] + 1).astype(str), sheet="s",
                       cell="C" + long["admin_code"].map(rows).astype(str))
    assert len(long) > 150_000
    assert checks.shift_findings(long) == []
    # the national PM2.5 grids: base level and hot spots times the year level (smooth noise of sd 0.06:
    # ±20 % is more than 3 sd)
    lat, lon = np.arange(18, 54, 0.1), np.arange(73, 135, 0.1)
    field = np.full((len(lat), len(lon)), 18.0)
    for x, y, amplitude in national.HOTSPOTS:
        field += amplitude * np.exp(-((lat[:, None] - y) ** 2) / 18.0) * np.exp(-((lon[None, :] - x) ** 2) / 30.0)
    field -= 12.0 * np.clip((lat[:, None] - 28.0) / 8.0, 0, 1) * np.clip((95.0 - lon[None, :]) / 10.0, 0, 1)
    levels = [national.year_level(y) for y in truth.DATA_YEARS]
    pm = checks.plausible_ranges(raw_fields, "field")["pm25"]
    assert pm.low <= max(3.0, field.min() * min(levels) * 0.8) and field.max() * max(levels) * 1.2 <= pm.high
