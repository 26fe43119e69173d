"""Plausibility checks: hand-made panels with one defect each, and no alarm on clean data."""

import math

import numpy as np
import pandas as pd
import pytest

from urban_resilience.gate import checks
from urban_resilience.gate.checks import DataCheckError, KnownBreaks

YEARS = list(range(2002, 2020))
CITIES = ["420100", "420200", "420500", "420600", "420700", "420800"]


def clean_panel(field="gdp", seed=1, growth=0.12, noise=0.04):
    """Six cities growing ~12 % a year with 4 % noise, each at its own level."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, code in enumerate(CITIES):
        level = 1000.0 * (1 + k)
        for t, year in enumerate(YEARS):
            value = level * math.exp(growth * t + rng.normal(0, noise))
            rows.append({"admin_code": code, "year": year, "field": field, "value": round(value, 2),
                         "file": f"中国城市统计年鉴{year + 1}.xlsx", "sheet": "2-3 地区生产总值", "cell": f"C{5 + k}"})
    return pd.DataFrame(rows)


def scale(frame, code, years, factor):
    frame = frame.copy()
    rows = frame["year"].isin(years) & ((frame["admin_code"] == code) if code != "*" else True)
    frame.loc[rows, "value"] *= factor
    return frame


def messages(frame, factor=5):
    return [f.message for f in checks.magnitude_findings(frame, factor)]


def test_clean_growth_with_noise_and_a_real_jump_passes():
    frame = clean_panel()
    assert messages(frame) == []
    # a real 60 % jump of one city (a boundary change) is below the factor
    assert messages(scale(frame, "420500", range(2010, 2020), 1.6)) == []
    # fast common growth (all cities ×3 over two years) is the trend, not a slip
    assert messages(scale(frame, "*", range(2012, 2020), 3.0)) == []


@pytest.mark.parametrize("factor", [10, 0.1, 1000])
def test_single_year_slip_names_cell_city_year_and_the_expected_value(factor):
    frame = clean_panel()
    wrong = scale(frame, "420200", [2010], factor)
    found = messages(wrong)
    assert len(found) == 1
    printed = wrong.query("admin_code == '420200' and year == 2010")["value"].iloc[0]
    expected = printed / factor
    text = found[0]
    assert text.startswith("中国城市统计年鉴2011.xlsx, sheet '2-3 地区生产总值', cell C6: "
                           "city 420200, year 2010, field gdp")
    ratio = float(text.split(" is ")[1].split(" times")[0])
    assert ratio == pytest.approx(factor, rel=0.15)
    reported = float(text.split("(about ")[1].split(")")[0])
    assert reported == pytest.approx(expected, rel=0.15)


@pytest.mark.parametrize("factor", [30, 100, 0.01])
def test_lasting_break_names_the_first_changed_edition_and_both_levels(factor):
    frame = clean_panel()
    wrong = scale(frame, "420700", range(2013, 2020), factor)
    found = checks.magnitude_findings(wrong, 5)
    assert [(f.admin_code, f.field, f.year) for f in found] == [("420700", "gdp", 2013)]
    text = found[0].message
    assert "a lasting level break from data year 2013 (edition 2014, 中国城市统计年鉴2014.xlsx" in text
    assert float(text.split("values are ")[1].split(" times")[0]) == pytest.approx(factor, rel=0.25)
    before = wrong.query("admin_code == '420700' and year == 2012")["value"].iloc[0]
    after = wrong.query("admin_code == '420700' and year == 2013")["value"].iloc[0]
    level_after, level_before = (float(x) for x in text.split("(about ")[1].split(" was expected")[0].split(" where "))
    assert level_after == pytest.approx(after, rel=0.2) and level_before == pytest.approx(after / factor, rel=0.2)
    assert level_before == pytest.approx(before * math.exp(0.12), rel=0.2)


def test_a_grid_ten_times_too_high_for_every_city_is_an_edition_wide_finding():
    frame = clean_panel("pm25", growth=0.0, noise=0.05)
    frame["file"] = frame["year"].map(lambda y: f"pm25_{y}.tif")
    frame[["sheet", "cell"]] = ""
    found = checks.magnitude_findings(scale(frame, "*", [2015], 10.0), 5, describe=lambda y: "PM2.5 grids")
    assert [(f.admin_code, f.year) for f in found] == [("*", 2015)]
    assert "field pm25, data year 2015 (PM2.5 grids, pm25_2015.tif): every city's value is" in found[0].message
    assert float(found[0].message.split("value is ")[1].split(" times")[0]) == pytest.approx(10, rel=0.15)


def test_too_few_cities_for_a_trend_still_find_a_slip():
    frame = clean_panel()
    few = frame[frame["admin_code"].isin(CITIES[:2])]
    assert messages(few) == []
    assert len(messages(scale(few, "420100", [2008], 10))) == 1


def test_percent_printed_as_a_fraction():
    frame = clean_panel("green_coverage", growth=0.01, noise=0.02)
    frame["value"] = 30 + frame["value"] / 1000
    frame.loc[(frame["admin_code"] == "420800") & (frame["year"] == 2011), "value"] = 0.3871
    found = checks.fraction_findings(frame)
    assert len(found) == 1
    assert "cell C10: city 420800, year 2011, field green_coverage: 0.3871 looks like a fraction" in found[0].message
    assert "e.g. 38.71" in found[0].message
    # a genuinely low rate of a city whose rates are all low is not a fraction
    low = frame.copy()
    low.loc[low["admin_code"] == "420800", "value"] = 0.5
    assert checks.fraction_findings(low) == []


def test_known_breaks_accept_a_listed_break_and_nothing_else():
    wrong = scale(clean_panel(), "420700", range(2013, 2020), 100)
    known = KnownBreaks(pd.DataFrame({"admin_code": ["420700"], "field": ["gdp"], "first_year": ["2013"],
                                      "reason": ["statistical reform (test)"]}))
    kinds = {"gdp": "amount"}
    log = checks.check_raw([(wrong, "yearbook")], kinds, 5, known)
    assert [(r["admin_code"], r["field"], r["year"], r["action"]) for r in log] == [("420700", "gdp", 2013,
                                                                                     "accepted_finding")]
    assert log[0]["note"].endswith("accepted: statistical reform (test)")
    other = scale(wrong, "420100", [2005], 10)
    with pytest.raises(DataCheckError, match=r"1 implausible value\(s\) in the raw inputs:\n.*city 420100, year 2005"):
        checks.check_raw([(other, "yearbook")], kinds, 5, known)
    with pytest.raises(DataCheckError, match="city 420700"):
        checks.check_raw([(wrong, "yearbook")], kinds, 5, KnownBreaks())


def test_known_breaks_table_errors_name_the_row():
    with pytest.raises(DataCheckError, match="row 2: first_year '20x3' is not a year"):
        KnownBreaks(pd.DataFrame({"admin_code": ["*"], "field": ["gdp"], "first_year": ["20x3"], "reason": ["r"]}))
    with pytest.raises(DataCheckError, match="row 2: give the reason"):
        KnownBreaks(pd.DataFrame({"admin_code": ["*"], "field": ["gdp"], "first_year": ["2003"], "reason": [" "]}))


def test_level_break_and_slips_by_hand():
    series = np.array([0.0, 0.1, 0.0, 0.1, 2.0, 2.1, 2.0, 2.1])
    assert checks.level_break(series, 0.7) == (4, 0.1, 2.0)  # medians of 3 years each side
    spike = np.array([0.0, 0.1, 0.0, 1.1, 0.1, 0.0, np.nan, 0.1])
    assert checks.level_break(spike, 0.7) is None
    assert checks.slips(spike, 0.7) == [(3, 0.05)]
    # T of three years for five cities: every city +1 in year 1, +2 in year 2 → T = (−1, 0, 1) + const
    logs = np.array([[c, c + 1, c + 2] for c in range(5)], dtype=float)
    assert np.allclose(checks.year_effects(logs), [-1.0, 0.0, 1.0])
    assert np.allclose(checks.year_effects(logs[:4]), 0.0)  # fewer than 5 cities: no trend


def test_the_vectorised_checks_agree_with_the_one_series_definitions():
    rng = np.random.default_rng(7)
    series = rng.normal(0, 0.15, size=(400, 18))
    series[rng.random(series.shape) < 0.1] = np.nan
    for row in range(0, 400, 3):  # slips and breaks of random size at random places
        at = int(rng.integers(0, 18))
        if row % 2:
            series[row, at] += rng.choice([-3, -1, 1, 2])
        else:
            series[row, at:] += rng.choice([-2, -1.5, 0.8, 1, 2])
    break_at, levels, flags = checks.series_findings(series, 0.7)
    for i in range(len(series)):
        expected = checks.level_break(series[i], 0.7)
        if expected is None:
            assert break_at[i] == -1, i
        else:
            assert (break_at[i], *levels[i]) == pytest.approx(expected), i
        slips = checks.slips(series[i], 0.7)
        assert [int(p) for p in np.flatnonzero(flags[i, :, 0])] == [p for p, _ in slips], i
        assert [flags[i, p, 1] for p, _ in slips] == pytest.approx([r for _, r in slips]), i
    assert (break_at >= 0).sum() > 50 and flags[..., 0].sum() > 50


def test_known_breaks_table_needs_its_columns_and_unique_rows():
    with pytest.raises(DataCheckError, match=r"^t.csv: missing column\(s\) reason; expected admin_code, field, "
                                             r"first_year, reason$"):
        KnownBreaks(pd.DataFrame({"admin_code": [], "field": [], "first_year": []}), "t.csv")
    twice = pd.DataFrame({"admin_code": ["420100", "420100"], "field": ["gdp", "gdp"], "first_year": ["2010", "2010"],
                          "reason": ["a", "b"]})
    with pytest.raises(DataCheckError, match=r"t.csv, row 3: \('420100', 'gdp', 2010\) is listed twice"):
        KnownBreaks(twice, "t.csv")
    every = KnownBreaks(pd.DataFrame({"admin_code": ["*"], "field": ["pm25"], "first_year": ["2015"],
                                      "reason": ["grid v5"]}))
    assert every.reason("430100", "pm25", 2015) == "grid v5" and every.reason("430100", "pm25", 2016) is None
    assert every.reason("430100", "gdp", 2015) is None


def test_many_findings_are_listed_up_to_the_limit():
    findings = [checks.Finding("420100", "gdp", 2000 + k, f"finding {k}") for k in range(25)]
    with pytest.raises(DataCheckError) as error:
        checks.raise_findings(findings, "the raw inputs", limit=20)
    lines = str(error.value).splitlines()
    assert lines[0] == "25 implausible value(s) in the raw inputs:"
    assert lines[1:21] == [f"  finding {k}" for k in range(20)] and lines[21] == "  … and 5 more"
    assert lines[22].startswith("Fix the input (a copy of the file), or, if a break is real")
    checks.raise_findings([], "nothing")  # no finding: no error


def test_accepted_findings_become_log_rows():
    finding = checks.Finding("*", "pm25", 2015, "every city's value changes")
    [row] = checks.accepted_log([(finding, "new grid version")], "PM2.5 grids")
    assert row == {"file": "PM2.5 grids", "sheet": "", "cell": "", "admin_code": "*", "year": 2015, "field": "pm25",
                   "written": "", "action": "accepted_finding", "value": row["value"],
                   "note": "every city's value changes — accepted: new grid version"}
    assert math.isnan(row["value"])


def test_a_fraction_is_judged_by_the_other_cities_when_the_city_has_no_neighbours():
    frame = pd.DataFrame({"admin_code": ["A", "B", "C", "A"], "year": [2010, 2010, 2010, 2011],
                          "field": "green_coverage", "value": [0.35, 36.0, 38.0, float("nan")],
                          "file": "f.xlsx", "sheet": "s", "cell": ["C1", "C2", "C3", "C4"]})
    [finding] = checks.fraction_findings(frame)
    assert (finding.admin_code, finding.year) == ("A", 2010)
    assert "expected about 36 %" in finding.message  # the median of the year: 0.35, 36, 38
    frame.loc[1:2, "value"] = [0.4, 0.5]
    assert checks.fraction_findings(frame) == []  # every city's rate is low: not a fraction


def test_year_pairs_shared_by_too_few_cities_give_no_trend():
    logs = np.array([[0.0, 1.0, 2.0]] * 5 + [[np.nan, 5.0, np.nan]] * 3)
    logs[:5, 2] = np.nan  # 2019 observed only by... nobody among the five
    effects = checks.year_effects(logs)
    assert effects[1] - effects[0] == pytest.approx(1.0)
    assert np.isfinite(effects).all()


def test_an_edition_wide_lasting_break_names_the_first_changed_edition():
    frame = clean_panel()
    found = checks.magnitude_findings(scale(frame, "*", range(2012, 2020), 10.0), 5)
    assert [(f.admin_code, f.field, f.year) for f in found] == [("*", "gdp", 2012)]
    text = found[0].message
    prefix = "field gdp: every city's value changes by a factor of "
    assert text.startswith(prefix)
    assert float(text[len(prefix):].split(" ")[0]) == pytest.approx(10, rel=0.15)
    assert text.endswith(" from data year 2012 (edition 2013, 中国城市统计年鉴2013.xlsx, sheet '2-3 地区生产总值') on; "
                         "typical cause a wrong unit in that edition's header")


def test_edition_wide_slip_message_in_full():
    frame = clean_panel("pm25", growth=0.0, noise=0.05)
    frame["file"] = frame["year"].map(lambda y: f"pm25_{y}.tif")
    frame[["sheet", "cell"]] = ""
    [finding] = checks.magnitude_findings(scale(frame, "*", [2015], 0.1), 5, describe=lambda y: "PM2.5 grids")
    text = finding.message
    head = "field pm25, data year 2015 (PM2.5 grids, pm25_2015.tif): every city's value is "
    assert text.startswith(head)
    assert float(text[len(head):].split(" ")[0]) == pytest.approx(0.1, rel=0.15)
    assert text.endswith(" times what the neighbouring years give; expected within a factor of 5 — a unit slip in "
                         "the whole table?")


def test_side_table_places_and_kinds_in_check_raw():
    rows = []
    for k, code in enumerate(CITIES):
        for t, year in enumerate(YEARS):
            rows.append({"admin_code": code, "year": year, "field": "patents", "value": 100.0 * (k + 1) * 1.1 ** t,
                         "file": "p.csv", "sheet": "", "cell": f"row {2 + len(rows)}"})
    patents = pd.DataFrame(rows)
    wrong = scale(patents, "420200", [2009], 100.0)
    line = wrong.query("admin_code == '420200' and year == 2009")["cell"].iloc[0]
    with pytest.raises(DataCheckError) as error:
        checks.check_raw([(wrong, "p.csv")], {"patents": "count"}, 5, KnownBreaks())
    message = str(error.value).splitlines()[1].strip()
    assert message.startswith(f"p.csv, cell {line}: city 420200, year 2009, field patents: ")
    assert " times what the city's neighbouring years and the other cities' trend give (about " in message
    # a percent field is checked for fractions, not for magnitudes: a ×100 jump of a rate stays silent here
    percent = wrong.assign(field="green_coverage")
    assert checks.check_raw([(percent, "p.csv")], {"green_coverage": "percent"}, 5, KnownBreaks()) == []


def test_place_of_a_value_without_sheet_or_cell():
    places = pd.DataFrame({"admin_code": ["A"], "year": [2010], "file": ["f.csv"], "sheet": [""], "cell": [""]}
                          ).set_index(["admin_code", "year"])
    assert checks._place(places, "A", 2010) == ", f.csv"
    assert checks._place(places, "B", 2010) == ""
    twice = pd.concat([places.reset_index(), places.reset_index().assign(file="g.csv")]).set_index(
        ["admin_code", "year"])
    assert checks._place(twice, "A", 2010) == ", f.csv"  # the first of duplicate rows
    rows = pd.DataFrame({"year": [2010, 2010], "file": ["f.xlsx", "g.xlsx"], "sheet": ["2-1", "2-2"]})
    assert checks._first_place(rows, 2010) == ", f.xlsx, sheet '2-1'"
    assert checks._first_place(rows, 2011) == ""


def test_fraction_finding_message_and_the_stop_message_in_full():
    frame = pd.DataFrame({"admin_code": ["A", "B", "C"], "year": 2010, "field": "green_coverage",
                          "value": [0.35, 36.0, 38.0], "file": "f.xlsx", "sheet": "s", "cell": ["C1", "C2", "C3"]})
    [finding] = checks.fraction_findings(frame)
    assert finding.message == ("f.xlsx, sheet 's', cell C1: city A, year 2010, field green_coverage: 0.35 looks like "
                               "a fraction printed for a percentage (expected about 36 %, e.g. 35)")
    with pytest.raises(DataCheckError) as error:
        checks.check_raw([(frame, "yearbook")], {"green_coverage": "percent"}, 5, KnownBreaks(pd.DataFrame(
            columns=["admin_code", "field", "first_year", "reason"])))
    assert str(error.value) == (
        "1 implausible value(s) in the raw inputs:\n  " + finding.message + "\nFix the input (a copy of the file), "
        "or, if a break is real (a boundary change, a statistical reform), list it in the known-breaks table "
        "(admin_code, field, first_year, reason).")
    # a value of exactly 1 is still a fraction; 0 and values above 1 are not
    ones = frame.assign(value=[1.0, 36.0, 38.0])
    assert [f.admin_code for f in checks.fraction_findings(ones)] == ["A"]
    assert checks.fraction_findings(frame.assign(value=[0.0, 36.0, 38.0])) == []
    assert checks.fraction_findings(frame.assign(value=[1.5, 36.0, 38.0])) == []
    # a reference just below 10 is not enough
    assert checks.fraction_findings(frame.assign(value=[0.5, 9.9, 9.9])) == []
    assert len(checks.fraction_findings(frame.assign(value=[0.5, 10.0, 10.0]))) == 1


def test_at_most_20_findings_are_listed():
    findings = [checks.Finding("A", "gdp", 2000 + k, f"finding {k}") for k in range(23)]
    with pytest.raises(DataCheckError) as error:
        checks.raise_findings(findings, "x")
    lines = str(error.value).split("\n")
    assert lines[0] == "23 implausible value(s) in x:" and lines[1] == "  finding 0" and lines[20] == "  finding 19"
    assert lines[21] == "  … and 3 more"
    checks.raise_findings([], "x")  # nothing found: no stop


def test_a_change_of_exactly_the_factor_is_a_finding():
    """With factor 10 the threshold h = log10(10) = 1 exactly, and powers of ten have exact logs."""
    assert checks.slips(np.array([0.0, 1.0, 0.0]), 1.0) == [(1, 0.0)]  # three observed years suffice
    assert checks.slips(np.array([0.0, 0.99, 0.0]), 1.0) == []
    assert checks.slips(np.array([0.0, 1.0]), 1.0) == []
    steps = np.array([-0.5, -0.5, -0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5])
    assert checks.level_break(steps, 1.0) == (3, -0.5, 0.5)  # two equal steps: the first is named
    assert checks.level_break(steps, 1.0 + 1e-12) is None
    rows = np.array([[0.0, 1.0, 0.0, *[np.nan] * 6], steps])
    break_at, levels, flags = checks.series_findings(rows, 1.0)
    assert break_at.tolist() == [-1, 3] and levels[1].tolist() == [-0.5, 0.5]
    assert flags[0, :, 0].tolist() == [0, 1, 0, 0, 0, 0, 0, 0, 0] and flags[0, 1, 1] == 0.0
    # the years next to a step are a factor from their neighbours too; magnitude_findings reports the break
    assert flags[1, :, 0].tolist() == [0, 0, 1, 0, 0, 0, 1, 0, 0]


def test_magnitude_findings_in_full_over_two_fields():
    years = list(range(2010, 2016))
    series = {("b_field", "x"): [1, 1, 1, 10, 10, 10],      # a lasting break, exactly 10×
              ("b_field", "y"): [0.1, 0.1, 0.1, 0.01, 0.1, 0.1],  # a slip below 1
              ("a_field", "x"): [1, 1, 1, 10, 1, 1],        # a slip from a level of exactly 1 (log 0)
              ("a_field", "y"): [100, 100, 0, 100, 100, 100]}  # a printed 0 is not a value: no finding
    frame = pd.DataFrame([{"admin_code": code, "year": year, "field": field, "value": float(value),
                           "file": "f.xlsx", "sheet": "s", "cell": f"C{year}{code}"}
                          for (field, code), values in series.items() for year, value in zip(years, values)])
    found = checks.magnitude_findings(frame, 10)
    assert [(f.admin_code, f.field, f.year) for f in found] == [("x", "a_field", 2013), ("x", "b_field", 2013),
                                                                ("y", "b_field", 2013)]
    slip = ("{place}: city {code}, year 2013, field {field}: {value} is {ratio} times what the city's neighbouring "
            "years and the other cities' trend give (about {expected}); expected within a factor of 10 — a unit "
            "slip such as 千/万 or 亿/万?")
    assert found[0].message == slip.format(place="f.xlsx, sheet 's', cell C2013x", code="x", field="a_field",
                                           value="10", ratio="10", expected="1")
    assert found[1].message == (
        "city x, field b_field: a lasting level break from data year 2013 (edition 2014, f.xlsx, sheet 's', "
        "cell C2013x) on: values are 10 times the earlier level (about 10 where 1 was expected); typical cause a "
        "wrong unit from this edition on")
    assert found[2].message == slip.format(place="f.xlsx, sheet 's', cell C2013y", code="y", field="b_field",
                                           value="0.01", ratio="0.1", expected="0.1")


def long_rows(series: dict, file: str, cells: bool = True) -> pd.DataFrame:
    """{(field, city): six yearly values from 2010} as a long table printed in ``file``."""
    years = list(range(2010, 2016))
    return pd.DataFrame([{"admin_code": code, "year": year, "field": field, "value": float(value), "file": file,
                          "sheet": "s" if cells else "", "cell": f"C{year}{code}" if cells else ""}
                         for (field, code), values in series.items() for year, value in zip(years, values)])


def test_check_raw_over_a_yearbook_and_a_side_table_message_in_full():
    book = long_rows({("r", "x"): [1, 1, 1, 10, 10, 10], ("pc", "x"): [40, 40, 40, 0.4, 40, 40]}, "book.xlsx")
    side = long_rows({("n", "y"): [1, 1, 1, 10, 10, 10]}, "side.csv", cells=False)
    kinds = {"r": "rate", "pc": "percent", "n": "count"}
    with pytest.raises(checks.DataCheckError) as error:
        checks.check_raw([(book, "yearbook"), (side, "side.csv")], kinds, 10, KnownBreaks())
    assert str(error.value) == (
        "3 implausible value(s) in the raw inputs:\n"
        "  city x, field r: a lasting level break from data year 2013 (edition 2014, book.xlsx, sheet 's', cell "
        "C2013x) on: values are 10 times the earlier level (about 10 where 1 was expected); typical cause a wrong "
        "unit from this edition on\n"
        "  book.xlsx, sheet 's', cell C2013x: city x, year 2013, field pc: 0.4 looks like a fraction printed for a "
        "percentage (expected about 40 %, e.g. 40)\n"
        "  city y, field n: a lasting level break from data year 2013 (side.csv, side.csv) on: values are 10 times "
        "the earlier level (about 10 where 1 was expected); typical cause a wrong unit from this edition on\n"
        "Fix the input (a copy of the file), or, if a break is real (a boundary change, a statistical reform), "
        "list it in the known-breaks table (admin_code, field, first_year, reason).")


def test_the_finding_limit_lists_exactly_that_many():
    findings = [checks.Finding("x", "f", 2010 + k, f"finding {k}") for k in range(3)]
    with pytest.raises(checks.DataCheckError) as error:
        checks.raise_findings(findings, "t", limit=3)
    assert "more" not in str(error.value) and "  finding 2" in str(error.value)
    with pytest.raises(checks.DataCheckError, match=r"  finding 1\n  … and 1 more\n"):
        checks.raise_findings(findings, "t", limit=2)


def test_edition_wide_findings_in_full():
    cities = [f"c{k}" for k in range(6)]  # enough cities for the year effects
    # every city grows tenfold a year (the median step is removed); logs and year effects stay exact
    wide_break = {("w", c): [10.0 ** (year + k % 3 + (year >= 3)) for year in range(6)] for k, c in enumerate(cities)}
    [finding] = checks.magnitude_findings(long_rows(wide_break, "book.xlsx"), 10)
    assert (finding.admin_code, finding.field, finding.year) == ("*", "w", 2013)
    assert finding.message == ("field w: every city's value changes by a factor of 10 from data year 2013 (edition "
                               "2014, book.xlsx, sheet 's') on; typical cause a wrong unit in that edition's header")
    one_year = {("v", c): [10.0 ** (year + k % 3 + 3 * (year == 3)) for year in range(6)] for k, c in enumerate(cities)}
    [finding] = checks.magnitude_findings(long_rows(one_year, "book.xlsx"), 10, describe=lambda year: "grids")
    assert (finding.admin_code, finding.field, finding.year) == ("*", "v", 2013)
    assert finding.message == ("field v, data year 2013 (grids, book.xlsx, sheet 's'): every city's value is 1e+03 "
                               "times what the neighbouring years give; expected within a factor of 10 — a unit "
                               "slip in the whole table?")


def test_fraction_findings_reference_rules():
    years = list(range(2010, 2018))
    series = {("pc", "x"): [50, 50, 50, 50, 50, 2, 2, 0.5],        # the three years before: level 2, not 50
              ("pc", "y"): [np.nan, np.nan, 40, 0.4, 40, np.nan, np.nan, np.nan],  # two neighbours suffice
              ("pc", "z"): [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]}
    frame = pd.DataFrame([{"admin_code": code, "year": year, "field": field, "value": float(value),
                           "file": "Xbook.xlsx", "sheet": "s", "cell": f"C{year}"}
                          for (field, code), values in series.items() for year, value in zip(years, values)])
    [finding] = checks.fraction_findings(frame)
    assert (finding.admin_code, finding.field, finding.year) == ("y", "pc", 2013)
    assert finding.message == ("Xbook.xlsx, sheet 's', cell C2013: city y, year 2013, field pc: 0.4 looks like a "
                               "fraction printed for a percentage (expected about 40 %, e.g. 40)")
