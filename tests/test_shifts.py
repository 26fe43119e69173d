"""A column slipped by one row (each city printed with its neighbour's value) is caught; a swap of
two cells, genuine growth and cities too alike to tell apart are not reported."""

import math

import numpy as np
import pandas as pd
import pytest

from urban_resilience.gate import checks
from urban_resilience.gate.checks import DataCheckError, KnownBreaks

YEARS = list(range(2003, 2020))
# twelve cities in sheet order (rows 7-18), each at its own level, neighbours 1.3x or more apart
LEVELS = {"420100": 5200, "420200": 1800, "420500": 3400, "420600": 900, "420700": 2600, "420800": 7100,
          "420900": 1500, "421000": 4300, "421100": 2100, "421200": 6000, "430100": 1200, "430200": 3000}
FIRST_ROW = 7
BOOK = "中国城市统计年鉴{edition}.xlsx"


def sheet_panel(noise: float = 0.0, seed: int = 3, growth: float = 0.1) -> pd.DataFrame:
    """Long gdp table of the twelve cities, column C of one sheet per edition, rows in LEVELS order."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, (code, level) in enumerate(LEVELS.items()):
        for t, year in enumerate(YEARS):
            value = level * math.exp(growth * t + (rng.normal(0, noise) if noise else 0.0))
            rows.append({"admin_code": code, "year": year, "field": "gdp", "value": round(value, 2),
                         "file": BOOK.format(edition=year + 1), "sheet": "2-3 地区生产总值",
                         "cell": f"C{FIRST_ROW + k}"})
    return pd.DataFrame(rows)


def shift(frame: pd.DataFrame, year: int, rows: list[int], direction: int = 1) -> pd.DataFrame:
    """Cells C<row> of ``year`` take the value of row − direction (1: shifted down, −1: up)."""
    frame = frame.copy()
    edition = frame["year"] == year
    before = frame[edition].set_index("cell")["value"]
    for row in rows:
        frame.loc[edition & (frame["cell"] == f"C{row}"), "value"] = before[f"C{row - direction}"]
    return frame


def value(frame, code, year):
    return frame.loc[(frame["admin_code"] == code) & (frame["year"] == year), "value"].iloc[0]


def test_clean_columns_with_noise_give_no_finding():
    for seed in range(5):
        assert checks.shift_findings(sheet_panel(noise=0.05, seed=seed)) == []


def test_five_cities_shifted_down_by_one_row_message_in_full():
    clean = sheet_panel()
    wrong = shift(clean, 2010, [10, 11, 12, 13, 14])  # 420600 … 421000 get the value of the row above
    found = checks.shift_findings(wrong)
    assert [(f.admin_code, f.field, f.year, f.cities) for f in found] == [
        ("420600", "gdp", 2010, ("420600", "420700", "420800", "420900", "421000"))]
    # printed: the row above's true value; own series: the city's true value (noise-free growth:
    # level × e^(0.1 × 7) in 2010, e.g. 3400 × 2.01375 = 6846.76 for 420500 in row 9)
    assert value(wrong, "420600", 2010) == value(clean, "420500", 2010) == 6846.76
    assert value(clean, "420600", 2010) == 1812.38
    assert found[0].message == (
        "中国城市统计年鉴2011.xlsx, sheet '2-3 地区生产总值', column C, cells C10–C14: field gdp, data year 2010 "
        "(edition 2011): 5 cities in a row (420600, 420700, 420800, 420900, 421000) each hold the value of the city in "
        "the row above — the column looks shifted down by one row: C10 city 420600: 6846.76 (its own series about "
        "1812, the row above about 6847); C11 city 420700: 1812.38 (its own series about 5236, the row above about "
        "1812); C12 city 420800: 5235.76 (its own series about 14300, the row above about 5236); C13 city 420900: "
        "14297.6 (its own series about 3021, the row above about 14300); C14 city 421000: 3020.63 (its own series "
        "about 8659, the row above about 3021). Expected each city's own value; fix the cells, or, if the values are "
        "right, list city 420600, field gdp, first_year 2010 in the known-breaks table")


@pytest.mark.parametrize("noise", [0.0, 0.03, 0.06])
@pytest.mark.parametrize("rows, direction, side", [([9, 10, 11, 12], 1, "down"), ([12, 11, 10, 9, 8, 7], -1, "up"),
                                                   ([14, 15, 16, 17, 18], 1, "down")])
def test_runs_of_four_to_six_cities_are_found_either_way_with_noise(rows, direction, side, noise):
    wrong = shift(sheet_panel(noise=noise), 2012, rows, direction)
    (found,) = checks.shift_findings(wrong)
    cells = sorted(rows)
    assert found.year == 2012 and f"cells C{cells[0]}–C{cells[-1]}:" in found.message
    assert f"looks shifted {side} by one row" in found.message
    assert len(found.cities) == len(rows)


def test_a_swap_of_two_cells_and_a_run_of_two_are_not_reported():
    clean = sheet_panel(noise=0.03)
    swapped = clean.copy()
    a = (swapped["year"] == 2011) & (swapped["cell"] == "C9")
    b = (swapped["year"] == 2011) & (swapped["cell"] == "C10")
    swapped.loc[a, "value"], swapped.loc[b, "value"] = value(clean, "420600", 2011), value(clean, "420500", 2011)
    assert checks.shift_findings(swapped) == []
    assert checks.shift_findings(shift(clean, 2011, [9, 10])) == []  # below MIN_SHIFTED_ROWS
    assert len(checks.shift_findings(shift(clean, 2011, [9, 10, 11]))) == 1


def test_genuine_growth_is_not_a_shift():
    frame = sheet_panel(noise=0.03)
    # three neighbouring cities grow 80 % at once (a boundary change), each from its own level
    grown = frame["admin_code"].isin(["420600", "420700", "420800"]) & (frame["year"] >= 2012)
    frame.loc[grown, "value"] *= 1.8
    assert checks.shift_findings(frame) == []
    # one city's value jumps to its upper neighbour's level for one year: a single cell, not a run
    jump = (frame["admin_code"] == "420200") & (frame["year"] == 2015)
    frame.loc[jump, "value"] = value(frame, "420100", 2015)
    assert checks.shift_findings(frame) == []


def test_cities_too_alike_to_tell_are_neither_evidence_nor_a_break_of_the_run():
    frame = sheet_panel()
    # 420800 (row 12) at nearly the level of 420700 (row 11): a shift there cannot be seen
    alike = frame["admin_code"] == "420800"
    frame.loc[alike, "value"] = frame.loc[frame["admin_code"] == "420700", "value"].to_numpy() * 1.05
    (found,) = checks.shift_findings(shift(frame, 2010, [9, 10, 11, 12, 13]))
    assert found.cities == ("420500", "420600", "420700", "420800", "420900")
    # with only that unclear cell and two shifted ones there is no finding
    assert checks.shift_findings(shift(frame, 2010, [11, 12, 13])) == []


def test_rows_that_are_not_adjacent_break_a_run():
    frame = sheet_panel()
    gap = frame["cell"].str[1:].astype(int) >= 12
    frame.loc[gap, "cell"] = "C" + (frame.loc[gap, "cell"].str[1:].astype(int) + 1).astype(str)  # a province row
    # rows 10, 11 | 13, 14 (after the gap): two shifted cells on each side, no run of three
    wrong = shift(frame, 2010, [10, 11])
    edition = wrong["year"] == 2010
    wrong.loc[edition & (wrong["cell"] == "C14"), "value"] = value(frame, "420800", 2010)
    wrong.loc[edition & (wrong["cell"] == "C15"), "value"] = value(frame, "420900", 2010)
    assert checks.shift_findings(wrong) == []


def test_side_table_rows_are_checked_and_named():
    wrong = shift(sheet_panel(), 2014, [8, 9, 10, 11]).assign(file="patents.csv", sheet="", field="patents")
    wrong["cell"] = "row " + wrong["cell"].str[1:]
    (found,) = checks.shift_findings(wrong, describe=lambda year: "patents.csv")
    assert found.message.startswith("patents.csv, cells row 8–row 11: field patents, data year 2014 (patents.csv): "
                                    "4 cities in a row (420200, 420500, 420600, 420700)")
    assert checks.shift_findings(wrong.assign(cell="")) == []  # without places nothing is checked


def test_check_raw_stops_on_a_shift_and_does_not_also_report_its_cells_as_slips():
    clean = sheet_panel(noise=0.02)
    # row 12 holds 420800 (7100) below 420700 (2600): a shift puts 5x-apart values in cells C12…C14
    wrong = shift(clean, 2009, [11, 12, 13, 14])
    assert {f.admin_code for f in checks.magnitude_findings(wrong, 2.5)} >= {"420800", "420900"}
    with pytest.raises(DataCheckError) as error:
        checks.check_raw([(wrong, "yearbook")], {"gdp": "amount"}, 2.5, KnownBreaks())
    text = str(error.value)
    assert text.startswith("1 implausible value(s) in the raw inputs:\n  中国城市统计年鉴2010.xlsx, sheet "
                           "'2-3 地区生产总值', column C, cells C11–C14: field gdp, data year 2009 (edition 2010): "
                           "4 cities in a row (420700, 420800, 420900, 421000)")
    accepted = KnownBreaks(pd.DataFrame([{"admin_code": "420700", "field": "gdp", "first_year": "2009",
                                          "reason": "checked against the printed yearbook"}]))
    log = checks.check_raw([(wrong, "yearbook")], {"gdp": "amount"}, 2.5, accepted)
    assert [(r["admin_code"], r["year"], r["action"]) for r in log] == [("420700", 2009, "accepted_finding")]


def test_expected_logs_leave_the_year_itself_out():
    logs = np.log10(np.array([[1.0, 2.0, 4.0, 8.0, 16.0], [3.0, 6.0, np.nan, 24.0, 48.0]]))
    expected = checks.expected_logs(logs, np.zeros(5))
    # city 0, year 2: median of the four others (1, 2, 8, 16) in logs = log10(√(2·8)) = log10 4
    assert expected[0, 2] == pytest.approx(math.log10(4))
    assert expected[0, 0] == pytest.approx(math.log10(4))  # 2, 4, 8 on the right
    assert expected[1, 2] == pytest.approx(math.log10(12))  # not observed: 3, 6 | 24, 48 → √(6·24)
    assert expected[1, 3] == pytest.approx(math.log10(6))  # 3, 6 on the left, 48 on the right


def test_a_junk_cell_inside_a_run_neither_counts_nor_breaks_it():
    wrong = shift(sheet_panel(noise=0.02), 2010, [9, 10, 11, 12, 13])
    junk = (wrong["year"] == 2010) & (wrong["cell"] == "C11")  # the moved value was unreadable: missing
    wrong.loc[junk, "value"] = np.nan
    (found,) = checks.shift_findings(wrong)
    assert found.cities == ("420500", "420600", "420700", "420800", "420900")
    assert "; C11 city 420700: no value (its own series about " in found.message
    # the same run with the junk cell's row absent from the table (a city outside the study) is cut in two
    assert checks.shift_findings(wrong[~junk]) == []
