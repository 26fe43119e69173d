"""Years past the end of a source: an explicit substitute formula, or a stop naming the indicators."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from urban_resilience.core import tables
from urban_resilience.panel import build

ROOT = Path(__file__).resolve().parents[1]
RAW_FIELDS = pd.DataFrame({"field": ["gdp", "pop", "pop_resident"]})


def indicator_table(until: str, after: str) -> pd.DataFrame:
    return pd.DataFrame({"code": ["x1", "x2"], "name_cn": ["人均地区生产总值", "地区生产总值"],
                         "formula": ["gdp / pop", "gdp"], "formula_until": [until, ""],
                         "formula_after": [after, ""], "until_reason": ["户籍 population ends", ""]})


def raw_panel() -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["420100"], [2018, 2019, 2020, 2021]], names=["admin_code", "year"])
    return pd.DataFrame({"gdp": [100.0, 120.0, 150.0, 160.0], "pop": [10.0, 12.0, np.nan, np.nan],
                         "pop_resident": [11.0, 13.0, 15.0, 20.0]}, index=index)


def test_the_substitute_formula_takes_over_after_the_last_year():
    indicators = indicator_table("2019", "gdp / pop_resident")
    trees = tables.parse_formulas(indicators, RAW_FIELDS)
    periods = tables.parse_formula_periods(indicators, RAW_FIELDS)
    assert list(periods) == ["x1"] and periods["x1"].until == 2019
    frame = build.derive(raw_panel(), trees, [2018, 2019, 2020, 2021], periods)
    assert frame["x1"].tolist() == [10.0, 10.0, 10.0, 8.0]  # 100/10, 120/12, then 150/15, 160/20
    assert frame["x2"].tolist() == [100.0, 120.0, 150.0, 160.0]
    log = build.substitution_log(periods, {"x1": "gdp / pop_resident"}, [2018, 2019, 2020, 2021])
    assert log[["admin_code", "year", "field", "action"]].values.tolist() == [
        ["*", 2020, "x1", "substitute_formula"], ["*", 2021, "x1", "substitute_formula"]]
    assert log["note"].iloc[0] == "x1 for 2020 = gdp / pop_resident (its source ends after 2019: 户籍 population ends)"
    assert log.columns.tolist() == build.LOG_COLUMNS and math.isnan(log["value"].iloc[0])


def test_without_a_period_nothing_changes():
    indicators = indicator_table("", "")
    periods = tables.parse_formula_periods(indicators, RAW_FIELDS)
    assert periods == {}
    frame = build.derive(raw_panel(), tables.parse_formulas(indicators, RAW_FIELDS), [2018, 2019], periods)
    assert frame["x1"].tolist() == [10.0, 10.0]


def test_a_run_past_the_end_without_a_substitute_stops_naming_indicator_years_and_reason():
    indicators = indicator_table("2019", "")
    periods = tables.parse_formula_periods(indicators, RAW_FIELDS)
    tables.check_formula_periods(periods, indicators, 2019, "indicators.csv")  # up to the end: fine
    with pytest.raises(tables.TableError) as error:
        tables.check_formula_periods(periods, indicators, 2020, "indicators.csv")
    assert str(error.value) == (
        "indicators.csv: years.last is 2020, but 1 indicator(s) have no formula for the later years:\n"
        "  x1 (人均地区生产总值): no source after 2019 (户籍 population ends); missing years 2020\n"
        "Set years.last to 2019, or give each a substitute formula in the column formula_after (for example "
        "the same ratio over a resident-population field added to the raw field table); see docs/your-data.md.")
    with_substitute = tables.parse_formula_periods(indicator_table("2019", "gdp / pop_resident"), RAW_FIELDS)
    tables.check_formula_periods(with_substitute, indicators, 2030, "indicators.csv")


def test_a_substitute_naming_an_unknown_field_is_refused():
    with pytest.raises(tables.TableError, match=r"row 2 \(indicator x1\), column formula_after"):
        tables.parse_formula_periods(indicator_table("2019", "gdp / resident"), RAW_FIELDS)


def test_substitutes_count_for_the_years_the_raw_inputs_must_cover():
    indicators = indicator_table("2019", "gdp / lag(pop_resident, 3)")
    trees = tables.parse_formulas(indicators, RAW_FIELDS)
    every = tables.every_formula(trees, tables.parse_formula_periods(indicators, RAW_FIELDS))
    assert tables.years_needed(2003, 2021, every)[0] == 2000 and tables.years_needed(2003, 2021, trees)[0] == 2003


def test_the_shipped_table_ends_registered_population_and_patents_with_2019():
    indicators = tables.read_indicators(ROOT / "resources" / "indicators.csv")
    periods = tables.parse_formula_periods(indicators, tables.read_raw_fields(ROOT / "resources" / "raw_fields.csv"))
    assert sorted(periods, key=lambda c: int(c[1:])) == ["x1", "x5", "x14", "x16", "x17", "x18", "x21", "x22",
                                                         "x23", "x24", "x25", "x27"]
    assert {p.until for p in periods.values()} == {2019} and all(p.after is None for p in periods.values())


def test_the_workflow_stops_at_start_for_years_past_2019(tmp_path):
    override = tmp_path / "later.yaml"
    override.write_text("years: {first: 2003, last: 2021}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--configfile", str(override)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "years.last is 2021, but 12 indicator(s) have no formula for the later years" in run.stderr + run.stdout
    assert "x21 (每万人专利授权量): no source after 2019" in run.stderr + run.stdout
