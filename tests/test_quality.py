"""Every imputed cell has a cause: hand-made panel, log and formulas."""

import pandas as pd

from urban_resilience import formula, quality


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
