"""Reading one printed cell: every form a yearbook prints, with the action and note it is logged with."""

import math

import pytest

from urban_resilience.readers.cells import MISSING_MARKERS, read_cell

CASES = [  # printed, value (None = missing), action, note
    (None, None, "missing", "blank cell"),
    (float("nan"), None, "missing", "blank cell"),
    (True, None, "missing", "boolean True is not a number"),
    (12, 12.0, "ok", ""),
    (12.5, 12.5, "ok", ""),
    ("", None, "missing", "blank cell"),
    ("=A1+B2", None, "missing", "formula left as text '=A1+B2'"),
    ("1363", 1363.0, "repaired", "number stored as text"),
    (" 12 ", 12.0, "repaired", "number stored as text"),
    ("1e3", 1000.0, "repaired", "number stored as text"),
    ("-5", -5.0, "repaired", "number stored as text"),
    ("+3.5", 3.5, "repaired", "number stored as text"),
    ("237．52", 237.52, "repaired", "full-width characters"),
    ("１２．５", 12.5, "repaired", "full-width characters"),
    ("1 164.60", 1164.6, "repaired", "space as thousands separator"),
    ("14,70", 14.7, "repaired", "comma as decimal point"),
    ("1,5", 1.5, "repaired", "comma as decimal point"),
    ("1,234,567", 1234567.0, "repaired", "comma as thousands separator"),
    ("12,345.6", 12345.6, "repaired", "comma as thousands separator"),
    ("1．O8", 1.08, "repaired", "full-width characters, letter O for zero"),
    ("O.5", 0.5, "repaired", "letter O for zero"),
    ("10O", 100.0, "repaired", "letter O for zero"),
    ("0:68", 0.68, "repaired", "colon for decimal point"),
    ("10.13.", 10.13, "repaired", "stray punctuation"),
    ("0.0.20", None, "missing", "cannot read '0.0.20' as one number"),
    ("12 34", None, "missing", "cannot read '12 34' as one number"),
    ("12\n13", None, "missing", "cannot read '12\\n13' as one number"),
    ("abc", None, "missing", "cannot read 'abc' as one number"),
]


@pytest.mark.parametrize("printed, value, action, note", CASES)
def test_every_printed_form(printed, value, action, note):
    cell = read_cell(printed)
    assert (cell.action, cell.note) == (action, note)
    assert math.isnan(cell.value) if value is None else cell.value == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("marker", sorted(MISSING_MARKERS - {""}))
def test_missing_markers(marker):
    cell = read_cell(marker)
    assert math.isnan(cell.value) and cell.action == "missing" and cell.note == f"missing-data marker {marker!r}"
    assert read_cell(f"  {marker} ").note == f"missing-data marker {marker!r}"


@pytest.mark.parametrize("printed", [0, 0.0, "0", "0.00"])
def test_a_zero_that_means_not_reported(printed):
    cell = read_cell(printed, zero_means_missing=True)
    assert math.isnan(cell.value) and cell.action == "missing"
    assert cell.note == "0 stands for 'not reported' in this field"
    kept = read_cell(printed)
    assert kept.value == 0.0 and kept.action in ("ok", "repaired")


def test_a_text_file_number_is_ok_not_repaired():
    assert read_cell("1363", text_file=True) == read_cell(1363.0)
    assert read_cell("-5", text_file=True).action == "ok"
    repaired = read_cell("1 164.60", text_file=True)
    assert (repaired.action, repaired.note) == ("repaired", "space as thousands separator")
    assert read_cell("x", text_file=True).action == "missing"


def test_excel_artefacts_are_stripped():
    assert read_cell("12.5_x000D_").value == 12.5
    assert read_cell("\u300012\u3000") == read_cell("12")  # ideographic spaces around: plain text number
    inner = read_cell("1\u3000164.60")  # an ideographic space as thousands separator
    assert (inner.value, inner.note) == (1164.6, "full-width characters, space as thousands separator")
