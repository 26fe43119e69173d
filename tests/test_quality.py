"""Every imputed cell has a cause: hand-made panel, log and formulas."""

import pandas as pd

from urban_resilience.core import formula
from urban_resilience.gate import quality


def test_every_imputed_cell_is_traced_to_its_cause():
    index = pd.MultiIndex.from_product([["360400", "420100"], [2009, 2010]], names=["admin_code", "year"])
    raw = pd.DataFrame({"gdp": [5.0, None, 8.0, 9.0], "pop": [2.0, None, 0.0, 3.0]}, index=index)
    trees = {"x1": formula.parse("gdp / pop"), "x14": formula.parse("(pop - lag(pop)) / lag(pop) * 100")}
    imputed = pd.DataFrame({"x1": [False, True, True, False], "x14": [False, True, False, True]}, index=index)
    log = pd.DataFrame([
        ["中国城市统计年鉴2011.xlsx", "2-1 人口", "", "360400", 2010, "gdp", "", "row_missing", None, "no row"],
        ["中国城市统计年鉴2011.xlsx", "2-1 人口", "", "360400", 2010, "pop", "", "row_missing", None, "no row"],
        ["", "", "", "420100", 2009, "x1", "", "division_by_zero", None, "x1 = gdp / pop divides by 0"],
        ["中国城市统计年鉴2010.xlsx", "2-1 人口", "C5", "420100", 2009, "pop", "0", "repaired", 0.0, "not a cause"],
    ], columns=["file", "sheet", "cell", "admin_code", "year", "field", "written", "action", "value", "note"])
    causes = quality.imputation_causes(imputed, raw, trees, log)
    assert causes[["admin_code", "year", "indicator", "cause", "field", "field_year"]].values.tolist() == [
        ["360400", 2010, "x1", "row_missing", "gdp", 2010],
        ["360400", 2010, "x1", "row_missing", "pop", 2010],
        ["360400", 2010, "x14", "row_missing", "pop", 2010],
        ["420100", 2009, "x1", "division_by_zero", "", 2009],
        # x14 of 420100 in 2010 reads pop of 2009 (0, present) and 2010: nothing missing, no log row
        ["420100", 2010, "x14", "unexplained", "", 2010],
    ]
    names = {"360400": "九江市", "420100": "武汉市"}
    assert quality.cause_sentences(causes, names) == [
        "2 cells of 九江市 2010 filled: its row is missing from the sheet ('2-1 人口' of 中国城市统计年鉴2011.xlsx)",
        "1 cell of 武汉市 2009 filled: the formula divides by 0",
        "1 cell of 武汉市 2010 filled: no recorded cause — please report this",
    ]
    assert quality.cause_counts(causes).to_dict() == {"division_by_zero": 1, "row_missing": 2, "unexplained": 1}
    text = quality.summary_text(causes, 4, names)
    assert text.startswith("Data quality: 4 indicator cells were imputed (by cause: the formula divides by 0: 1, its "
                           "row is missing from the sheet: 2, unexplained: 1).\n  2 cells of 九江市 2010 filled")


def test_a_zero_that_means_not_reported_is_its_own_cause():
    assert quality.cause_of("missing", "0 stands for 'not reported' in this field") == "zero_not_reported"
    assert quality.cause_of("missing", "missing-data marker '-'") == "junk_cell"
    assert quality.cause_of("resolved_name", "") == ""


def test_cause_rows_sentences_and_summary_in_full():
    index = pd.MultiIndex.from_product([["A", "B"], [2010]], names=["admin_code", "year"])
    raw = pd.DataFrame({"patents": [None, None], "pop": [5.0, None]}, index=index)
    trees = {"x21": formula.parse("patents / pop")}
    imputed = pd.DataFrame({"x21": [True, True]}, index=index)
    log = pd.DataFrame([["patents.csv", "", "D7", "A", 2010, "patents", "", "side_row_missing", None, "no row"]],
                       columns=["file", "sheet", "cell", "admin_code", "year", "field", "written", "action", "value",
                                "note"])
    causes = quality.imputation_causes(imputed, raw, trees, log)
    assert causes.columns.tolist() == quality.CAUSE_COLUMNS
    assert causes.values.tolist() == [
        ["A", 2010, "x21", "side_row_missing", "patents", 2010, "patents.csv", "", "D7", "no row"],
        ["B", 2010, "x21", "unexplained", "patents", 2010, "", "", "", "missing without a cleaning-log row"],
        ["B", 2010, "x21", "unexplained", "pop", 2010, "", "", "", "missing without a cleaning-log row"],
    ]
    lines = quality.cause_sentences(causes, {"A": "甲市"})
    assert lines == ["1 cell of 甲市 2010 filled: its row is missing from a side table (patents.csv)",
                     "1 cell of B 2010 filled: no recorded cause — please report this"]
    assert quality.cause_sentences(causes.iloc[:0], {}) == []
    many = pd.concat([causes.iloc[[0]].assign(year=y) for y in range(2000, 2013)], ignore_index=True)
    lines = quality.cause_sentences(many, {}, limit=10)
    assert len(lines) == 11 and lines[-1] == "… and 3 more groups (results/panel/imputation_causes.csv)"
    assert quality.summary_text(causes.iloc[:0], 0, {}) == "Data quality: no indicator cell was imputed.\n"
    text = quality.summary_text(causes, 2, {"A": "甲市"})
    assert text == ("Data quality: 2 indicator cells were imputed (by cause: its row is missing from a side table: 1, "
                    "unexplained: 1).\n"
                    "  1 cell of 甲市 2010 filled: its row is missing from a side table (patents.csv)\n"
                    "  1 cell of B 2010 filled: no recorded cause — please report this\n"
                    "  Details: results/panel/data_quality.md, cleaning_log.csv, imputation_causes.csv\n")


def test_cause_codes_and_banners():
    assert {action: quality.cause_of(action, "") for action in quality.CAUSES if action != "not_reported"} == {
        "missing": "junk_cell", "impossible_zero": "impossible_zero", "row_missing": "row_missing",
        "side_row_missing": "side_row_missing", "division_by_zero": "division_by_zero"}
    assert quality.cause_of("repaired", "0 stands for") == ""
    assert quality.banner({"name": "demo", "synthetic": True}) == (
        "> **SYNTHETIC DATA** — dataset `demo` was made by the demo generator; its numbers are not statistics of "
        "any real city.\n")
    assert quality.banner({"name": "hubei", "synthetic": False}) == "Dataset: `hubei`.\n"
    assert quality.banner({"name": "x"}) == "Dataset: `x`.\n"
