"""Panel assembly, derivation and interpolation: hand-computed cases and bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from urban_resilience.core import formula
from urban_resilience.core.io import read_panel, read_table
from urban_resilience.panel import build
from urban_resilience.panel.build import PanelError

STATIONS = pd.DataFrame({  # the last row says Jingmen (420800) has no station
    "admin_code": ["430700", "430700", "420100", "420100", "420800"],
    "station_cn": ["常德", "桃源", "汉口", "武汉", ""],
    "opened": ["2019-12-26", "2019-12-26", "2009-04-01", "2009-12-26", ""],
})


def test_hsr_counts_stations_open_at_year_end():
    counts = build.hsr_counts(STATIONS, ["420100", "430700", "420800"], [2008, 2009, 2019], "12-31")
    table = counts.set_index(["admin_code", "year"])["hsr_stations"]
    assert table[("420100", 2008)] == 0 and table[("420100", 2009)] == 2 and table[("420100", 2019)] == 2
    assert table[("430700", 2019)] == 2 and table[("420800", 2019)] == 0
    # with a 25 December cut-off the Changde openings of 26 Dec 2019 count from 2020 only
    early = build.hsr_counts(STATIONS, ["430700"], [2019], "12-25")
    assert early["hsr_stations"].tolist() == [0.0]
    # a city the table does not name is not "no station": it stops (the run checks this at start)
    with pytest.raises(PanelError, match=r"^stations.csv: no row for city\(ies\) 420500, 421000; a city without "
                                         r"stations needs a row with station_cn and opened empty$"):
        build.hsr_counts(STATIONS, ["420100", "421000", "420500"], [2019], "12-31", "stations.csv")


def test_hsr_date_that_does_not_parse():
    bad = STATIONS.copy()
    bad.loc[2, "opened"] = "2009年4月"
    with pytest.raises(PanelError,
                       match=r"stations.csv, row 4 \(city 420100, station 汉口\): opening date '2009年4月'"):
        build.hsr_counts(bad, ["420100"], [2009], "12-31", "stations.csv")


def test_city_year_side_table_layouts():
    table = pd.DataFrame({"城市代码": ["4201", "420100.0", "4301"], "地区": ["武汉", "武汉", "长沙"],
                          "年份": ["2003", "2004", "2003"], "专利授权数（件）": ["120", "", "95"]})
    frame, log = build.read_city_year_table(table, ["专利授权量", "专利授权数"], "patents", "p.csv")
    assert frame["admin_code"].tolist() == ["420100", "420100", "430100"]
    assert frame["year"].tolist() == [2003, 2004, 2003]
    assert frame["patents"].fillna(-1).tolist() == [120.0, -1, 95.0]
    assert [(r["cell"], r["action"]) for r in log] == [("row 3", "missing")]
    with pytest.raises(PanelError, match="p.csv: no patents column"):
        build.read_city_year_table(table.drop(columns="专利授权数（件）"), ["专利授权量"], "patents", "p.csv")
    twice = pd.concat([table, table.iloc[[0]]])
    with pytest.raises(PanelError, match="city 420100 year 2003 appears more than once"):
        build.read_city_year_table(twice, ["专利授权数"], "patents", "p.csv")


def test_exchange_rates_stop_on_junk_duplicates_and_gaps():
    table = pd.DataFrame({"year": ["2003", "2004", "2005"], "cny_per_100usd": ["827.70", "827.68", "819.17"]})
    rates = build.read_exchange_rates(table, [2003, 2004, 2005], "rates.csv")
    assert rates.to_dict() == {2003: 827.70, 2004: 827.68, 2005: 819.17}
    junk = table.assign(cny_per_100usd=["827.70", "n/a", "819.17"])
    with pytest.raises(PanelError, match=r"rates.csv, row 3 \(year 2004\): cny_per_100usd 'n/a' is not a positive"):
        build.read_exchange_rates(junk, [2003, 2004, 2005], "rates.csv")
    twice = pd.concat([table, table.iloc[[1]]], ignore_index=True)
    with pytest.raises(PanelError, match="rates.csv, row 5: year 2004 appears more than once"):
        build.read_exchange_rates(twice, [2003, 2004, 2005], "rates.csv")
    with pytest.raises(PanelError, match=r"rates.csv: no exchange rate for year\(s\) \[2006\]"):
        build.read_exchange_rates(table, [2005, 2006], "rates.csv")
    expanded = build.rates_panel(rates, ["420100", "430100"], [2003, 2004])
    assert expanded.values.tolist() == [["420100", 2003, 827.70], ["420100", 2004, 827.68],
                                        ["430100", 2003, 827.70], ["430100", 2004, 827.68]]


def test_a_side_table_row_whose_code_is_not_a_city_stops_the_run():
    stations = pd.DataFrame({"admin_code": ["420100", "420199"], "station_cn": ["汉口", "某站"]})
    build.check_city_codes(stations["admin_code"].iloc[:1], {"420100"}, "hsr.csv")
    with pytest.raises(PanelError, match=r"hsr.csv, row 3 \(station 某站\): admin code 420199 is not the code of a "
                                         r"prefecture-level city or of the city table; its rows would be dropped"):
        build.check_city_codes(stations["admin_code"], {"420100"}, "hsr.csv", "station " + stations["station_cn"])
    with pytest.raises(PanelError, match=r"p.csv, row 2: admin code 820100 is not"):
        build.check_city_codes(pd.Series(["820100"]), {"420100"}, "p.csv")


def test_missing_side_table_rows_are_logged():
    frame = pd.DataFrame({"admin_code": ["420100", "420100"], "year": [2003, 2005], "patents": [1.0, 2.0]})
    log = build.missing_side_rows(frame, "patents", ["420100"], [2003, 2004, 2005], "p.csv")
    assert [(r["admin_code"], r["year"], r["action"], r["note"]) for r in log] == [
        ("420100", 2004, "side_row_missing", "no row for city 420100, year 2004 in p.csv")]


def test_division_by_zero_gets_its_own_log_row():
    index = pd.MultiIndex.from_product([["420100"], [2002, 2003, 2004]], names=["admin_code", "year"])
    raw = pd.DataFrame({"gdp": [5.0, 6.0, 7.0], "pop": [1.0, 0.0, float("nan")]}, index=index)
    trees = {"x1": formula.parse("gdp / pop")}
    log = build.division_log(raw, trees, {"x1": "gdp / pop"}, [2003, 2004])
    assert log[["admin_code", "year", "field", "action"]].values.tolist() == [
        ["420100", 2003, "x1", "division_by_zero"]]
    assert log["note"].iloc[0] == "x1 = gdp / pop divides by 0 for city 420100, year 2003"


def long_series(values, field="gdp", code="420100"):
    return pd.DataFrame({"admin_code": code, "year": range(2003, 2003 + len(values)), "field": field,
                         "value": values, "file": "中国城市统计年鉴.xlsx", "sheet": "2-3",
                         "cell": [f"C{i}" for i in range(len(values))]})


def test_assemble_conflicts_and_absences():
    yearbook = long_series([1.0, 2.0])
    other = pd.DataFrame({"admin_code": ["420100"], "year": [2003], "gdp": [1.5]})
    with pytest.raises(PanelError, match="field gdp for city 420100, year 2003 comes from two sources"):
        build.assemble(yearbook, [other], ["420100"], [2003, 2004], ["gdp"])
    same = other.assign(gdp=1.0)
    result = build.assemble(yearbook, [same], ["420100"], [2003, 2004], ["gdp"])
    assert result["gdp"].tolist() == [1.0, 2.0]
    with pytest.raises(PanelError, match="city 430100 is in the config but absent from every source"):
        build.assemble(yearbook, [], ["420100", "430100"], [2003, 2004], ["gdp"])
    with pytest.raises(PanelError, match="year 2005 is needed but absent from every source"):
        build.assemble(yearbook, [], ["420100"], [2003, 2004, 2005], ["gdp"])
    with pytest.raises(PanelError, match="raw field.*pop come from no input"):
        build.assemble(yearbook, [], ["420100"], [2003, 2004], ["gdp", "pop"])


def test_derive_uses_the_year_before_the_panel():
    index = pd.MultiIndex.from_product([["A"], [2002, 2003, 2004]], names=["admin_code", "year"])
    raw = pd.DataFrame({"pop": [100.0, 110.0, 121.0]}, index=index)
    tree = formula.parse("(pop - lag(pop)) / lag(pop) * 100")
    result = build.derive(raw, {"x14": tree}, [2003, 2004])
    assert result["x14"].tolist() == pytest.approx([10.0, 10.0])


NAN = math.nan


@pytest.mark.parametrize("values, ends, bounds, expected", [
    ([1.0, NAN, NAN, 4.0], "nearest_trend", (0, np.inf), [1.0, 2.0, 3.0, 4.0]),
    ([NAN, 2.0, 4.0, NAN], "nearest_trend", (0, np.inf), [0.0, 2.0, 4.0, 6.0]),
    ([NAN, 2.0, 4.0, NAN], "nearest", (0, np.inf), [2.0, 2.0, 4.0, 4.0]),
    # the trend backwards from (1.0, 0.5) gives 2.0 and 1.5; the bound 1.2 clips them
    ([NAN, NAN, 1.0, 0.5], "nearest_trend", (0, 1.2), [1.2, 1.2, 1.0, 0.5]),
    ([NAN, 3.0, NAN, NAN], "nearest_trend", (0, np.inf), [3.0, 3.0, 3.0, 3.0]),  # one observation: nearest
])
def test_fill_series_by_hand(values, ends, bounds, expected):
    filled, problem = build.fill_series(np.array(values), ends, 3, bounds)
    assert problem == ""
    assert filled.tolist() == pytest.approx(expected)


def test_fill_series_refuses_long_gaps_and_none_ends():
    assert build.fill_series(np.array([1.0, NAN, NAN, NAN, NAN, 2.0]), "nearest_trend", 3, (0, np.inf))[1] == \
        "4 consecutive missing years (max_gap is 3)"
    assert "interpolation.ends is none" in build.fill_series(np.array([NAN, 1.0, 2.0]), "none", 3, (0, np.inf))[1]
    assert build.fill_series(np.array([NAN, NAN]), "nearest", 3, (0, np.inf))[1] == "no observed year"


def test_interpolate_names_city_indicator_and_years():
    index = pd.MultiIndex.from_product([["420100", "430100"], range(2003, 2009)], names=["admin_code", "year"])
    frame = pd.DataFrame({"x1": [1.0, 2, 3, 4, 5, 6, 1, NAN, NAN, NAN, NAN, 6]}, index=index)
    with pytest.raises(PanelError, match=r"city 430100, indicator x1: 4 consecutive missing years .*"
                                         r"\[2004, 2005, 2006, 2007\]"):
        build.interpolate(frame, {"x1": "%"}, "nearest_trend", 3)
    filled, imputed = build.interpolate(frame, {"x1": "%"}, "nearest_trend", 4)
    assert filled.loc["430100", "x1"].tolist() == pytest.approx([1, 2, 3, 4, 5, 6])
    assert imputed["x1"].sum() == 4
    by_indicator, by_city = build.coverage(imputed)
    assert by_indicator.to_dict("records") == [{"indicator": "x1", "cells": 12, "imputed": 4,
                                                "observed_share": pytest.approx(8 / 12)}]
    assert by_city["imputed"].tolist() == [0, 4]


def test_demo_run_imputes_every_cell_the_manifest_marks_missing(demo_run, resources):
    manifest = pd.read_csv(resources / "demo" / "MANIFEST.csv", dtype={"admin_code": str}, keep_default_na=False)
    raw = read_panel(demo_run / "results" / "panel" / "raw_panel.csv")
    imputed = read_panel(demo_run / "results" / "panel" / "imputed.csv")
    filled = read_panel(demo_run / "results" / "panel" / "indicators.csv")
    indicators = pd.read_csv(resources / "indicators.csv")
    trees = {row.code: formula.parse(row.formula) for row in indicators.itertuples()}
    missing = manifest[(manifest["expected"] == "missing") & manifest["field"].isin(raw.columns)
                       & manifest["admin_code"].isin(raw.index.get_level_values(0))]
    assert len(missing) > 20
    for row in missing.itertuples():
        year = int(row.data_year)
        assert math.isnan(raw.at[(row.admin_code, year), row.field])
        for code, tree in trees.items():
            uses = row.field in formula.fields_of(tree)
            if uses and (row.admin_code, year) in imputed.index and formula.max_lag(tree) == 0:
                assert imputed.at[(row.admin_code, year), code], (row.admin_code, year, row.field, code)
    assert not filled.isna().any().any()
    assert imputed.sum().sum() == (read_panel(demo_run / "results" / "panel" / "indicators_observed.csv")
                                   .isna().sum().sum())
    quality = (demo_run / "results" / "panel" / "data_quality.md").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in quality and "| repaired | comma as decimal point |" in quality
    pm25 = read_table(demo_run / "results" / "pm25" / "pm25_2010.csv")
    assert len(pm25) == 34 and pm25["valid_share"].between(0.5, 1).all() and pm25["pm25"].between(20, 100).all()


def test_city_year_side_table_log_rows_and_headers_in_any_case():
    table = pd.DataFrame({"Admin_Code": ["420100", "420100"], "YEAR": ["2003", "2004"],
                          "专利授权量 (件)": ["1 200", "n/a"]})
    frame, log = build.read_city_year_table(table, ["专利授权量"], "patents", "p.csv")
    assert frame[["admin_code", "year"]].values.tolist() == [["420100", 2003], ["420100", 2004]]
    assert frame["patents"].iloc[0] == 1200.0 and math.isnan(frame["patents"].iloc[1])
    assert log == [
        {"file": "p.csv", "sheet": "", "cell": "row 2", "admin_code": "420100", "year": 2003, "field": "patents",
         "written": "1 200", "action": "repaired", "value": 1200.0, "note": "space as thousands separator"},
        {"file": "p.csv", "sheet": "", "cell": "row 3", "admin_code": "420100", "year": 2004, "field": "patents",
         "written": "n/a", "action": "missing", "value": log[1]["value"], "note": "missing-data marker 'n/a'"}]
    with pytest.raises(PanelError, match=r"^p.csv: no year column \(expected one of 年份, year, 年度, sgnyear; "
                                         r"found Admin_Code, 专利授权量 \(件\)\)$"):
        build.read_city_year_table(table.drop(columns="YEAR"), ["专利授权量"], "patents", "p.csv")
    with pytest.raises(PanelError, match=r"^p.csv: 'x1' is not a 6-digit admin code$"):
        build.read_city_year_table(table.assign(Admin_Code="x1"), ["专利授权量"], "patents", "p.csv")
    same_twice = pd.concat([table, table.iloc[[0]].assign(**{"专利授权量 (件)": "5"})], ignore_index=True)
    with pytest.raises(PanelError, match="city 420100 year 2003 appears more than once"):
        build.read_city_year_table(same_twice, ["专利授权量"], "patents", "p.csv")


def test_coverage_by_hand():
    index = pd.MultiIndex.from_tuples([("A", 2003), ("A", 2004), ("B", 2003), ("B", 2004)],
                                      names=["admin_code", "year"])
    imputed = pd.DataFrame({"x1": [True, False, False, False], "x2": [True, True, False, True]}, index=index)
    by_indicator, by_city = build.coverage(imputed)
    assert by_indicator.columns.tolist() == ["indicator", "cells", "imputed", "observed_share"]
    assert by_indicator.values.tolist() == [["x1", 4, 1, 0.75], ["x2", 4, 3, 0.25]]
    assert by_city.columns.tolist() == ["admin_code", "cells", "imputed", "observed_share"]
    assert by_city.values.tolist() == [["A", 4, 3, 0.25], ["B", 4, 1, 0.75]]


def test_empty_logs_and_rate_tables_keep_their_columns():
    from urban_resilience.readers.cells import LOG_COLUMNS

    index = pd.MultiIndex.from_product([["420100"], [2003]], names=["admin_code", "year"])
    raw = pd.DataFrame({"gdp": [5.0], "pop": [2.0]}, index=index)
    empty = build.division_log(raw, {"x1": formula.parse("gdp / pop")}, {"x1": "gdp / pop"}, [2003])
    assert empty.empty and empty.columns.tolist() == LOG_COLUMNS
    rates = build.rates_panel(pd.Series({2003: 827.7}), ["420100"], [2003])
    assert rates.columns.tolist() == ["admin_code", "year", "cny_per_100usd"]
    present = pd.DataFrame({"admin_code": ["420100"], "year": [2003]})
    assert build.missing_side_rows(present, "patents", ["420100"], [2003], "p.csv") == []
    [row] = build.missing_side_rows(present.iloc[:0], "patents", ["420100"], [2003], "p.csv")
    assert list(row) == LOG_COLUMNS and (row["file"], row["cell"], row["written"]) == ("p.csv", "", "")


def test_interpolate_bounds_messages_and_flags_exactly():
    years = [2003, 2004, 2005]
    index = pd.MultiIndex.from_product([["a", "b", "c", "d"], years], names=["admin_code", "year"])
    # a: % falling below 0; b: % rising above 100; c: % with an observed 105 (no upper clip); d: negative values
    frame = pd.DataFrame({"share": [3.0, 1.0, NAN, 90.0, 98.0, NAN, 100.0, 105.0, NAN, -1.0, -3.0, NAN],
                          "level": [3.0, 1.0, NAN, 90.0, 98.0, NAN, 100.0, 105.0, NAN, -1.0, -3.0, NAN]}, index=index)
    filled, imputed = build.interpolate(frame.iloc[::-1], {"share": "%", "level": "t"}, "nearest_trend", 3)
    assert filled.index.equals(index)  # sorted, whatever the input order
    assert filled["share"].xs(2005, level="year").tolist() == [0.0, 100.0, 110.0, -5.0]
    assert filled["level"].xs(2005, level="year").tolist() == [0.0, 106.0, 110.0, -5.0]
    assert imputed.values.sum() == 8 and imputed.xs(2005, level="year").all().all()
    assert not imputed.xs(2003, level="year").any().any()
    with pytest.raises(PanelError) as error:
        build.interpolate(frame.iloc[1:], {}, "nearest_trend", 3)
    assert str(error.value) == "the indicator panel must have every configured year for every city"


def test_interpolate_lists_at_most_20_problems():
    codes = [f"{k:06d}" for k in range(22)]
    index = pd.MultiIndex.from_product([codes, [2003, 2004]], names=["admin_code", "year"])
    frame = pd.DataFrame({"x1": [NAN] * 44}, index=index)
    with pytest.raises(PanelError) as error:
        build.interpolate(frame, {}, "nearest", 3)
    lines = str(error.value).split("\n")
    assert lines[0] == "cannot fill the indicator panel:" and len(lines) == 22
    assert lines[1] == "  city 000000, indicator x1: no observed year (missing years [2003, 2004])"
    assert lines[-1] == "  … and 2 more"


def test_exchange_rate_messages_in_full():
    def said(table, years=(2003,)):
        with pytest.raises(PanelError) as error:
            build.read_exchange_rates(pd.DataFrame(table), list(years), "r.csv")
        return str(error.value)

    assert said({"year": [2003], "rate": [827.7]}) == "r.csv: no column 'cny_per_100usd' (found year, rate)"
    assert said({"Year": [2003], "cny_per_100usd": [827.7]}) == "r.csv: no column 'year' (found Year, cny_per_100usd)"
    assert said({"year": ["2003年"], "cny_per_100usd": [827.7]}) == "r.csv, row 2: year '2003年' is not a year"
    twice = {"year": [2003, 2003], "cny_per_100usd": [1.0, 2.0]}
    assert said(twice) == "r.csv, row 3: year 2003 appears more than once"
    for bad in ("0", "-5", ""):
        assert said({"year": [2003], "cny_per_100usd": [bad]}) == (
            f"r.csv, row 2 (year 2003): cny_per_100usd {bad!r} is not a positive number; expected the annual "
            "average CNY per 100 USD, e.g. 827.70")
    assert said({"year": [2003], "cny_per_100usd": ["827.7"]}, (2003, 2005, 2004)) == (
        "r.csv: no exchange rate for year(s) [2004, 2005]")
    rates = build.read_exchange_rates(pd.DataFrame({"year": [" 2003 "], "cny_per_100usd": ["827.70"]}), [2003], "r")
    assert rates.name == "cny_per_100usd" and rates.index.name == "year" and rates.to_dict() == {2003: 827.7}


def test_division_log_rows_in_full():
    index = pd.MultiIndex.from_product([["420100"], [2002, 2003]], names=["admin_code", "year"])
    raw = pd.DataFrame({"gdp": [5.0, 6.0], "pop": [0.0, 0.0]}, index=index)
    log = build.division_log(raw, {"x1": formula.parse("gdp / pop")}, {"x1": "gdp / pop"}, [2003])
    assert log.columns.tolist() == build.LOG_COLUMNS and len(log) == 1  # 2002 is not a panel year
    row = log.iloc[0]
    assert [row[c] for c in ("file", "sheet", "cell", "admin_code", "field", "written", "action")] == [
        "", "", "", "420100", "x1", "", "division_by_zero"]
    assert row["year"] == 2003 and np.isnan(row["value"])
