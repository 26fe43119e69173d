"""Inputs named by the config: existence before any job, the demo mark, reference-table rows."""

import shutil

import pytest
from openpyxl import Workbook

from urban_resilience.core import schema, tables
from urban_resilience.gate import inputs
from urban_resilience.gate.inputs import Input, InputError

DEMO_BOOK = "demo/yearbook/中国城市统计年鉴2011.xlsx"
DEMO_GRID = "demo/pm25/sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-03-2010.tif"


def test_missing_inputs_are_listed_with_key_year_and_path(tmp_path, resources):
    needed = [Input("inputs.pm25.filename", 2010, str(resources / DEMO_GRID)),
              Input("inputs.pm25.filename", 2011, str(tmp_path / "pm_2011.tif")),
              Input("inputs.yearbook (directory + filename)", 2003,
                    str(tmp_path / "yearbok" / "中国城市统计年鉴2004.xlsx")),
              Input("inputs.patents", None, str(tmp_path))]
    with pytest.raises(InputError) as error:
        inputs.check_exist(needed)
    lines = str(error.value).splitlines()
    assert lines[1:] == [
        f"  inputs.pm25.filename, data year 2011: {tmp_path}/pm_2011.tif — no such file",
        f"  inputs.yearbook (directory + filename), data year 2003: {tmp_path}/yearbok/中国城市统计年鉴2004.xlsx"
        f" — no such file: the folder {tmp_path}/yearbok does not exist",
        f"  inputs.patents: {tmp_path} — not a file"]
    inputs.check_exist(needed[:1])


def test_demo_files_carry_the_mark_wherever_they_are_copied(tmp_path, resources):
    for name in (DEMO_BOOK, DEMO_GRID, "demo/side_tables/patents.csv"):
        copy = tmp_path / ("renamed" + (resources / name).suffix)
        shutil.copy(resources / name, copy)
        assert inputs.has_demo_mark(str(resources / name)) and inputs.has_demo_mark(str(copy)), name
    for real in ("hsr_stations.csv", "exchange_rates.csv"):
        assert not inputs.has_demo_mark(str(resources / real))
    plain = tmp_path / "real.xlsx"
    Workbook().save(plain)
    assert not inputs.has_demo_mark(str(plain))
    needed = [Input("inputs.patents", None, str(resources / "demo/side_tables/patents.csv")),
              Input("inputs.hsr_stations", None, str(resources / "hsr_stations.csv"))]
    with pytest.raises(InputError, match=r"dataset.synthetic is false, but these inputs are the SYNTHETIC demo data"
                                         r"[^\n]*\n  inputs.patents: .*patents.csv\nPoint inputs"):
        inputs.check_not_demo(needed)
    inputs.check_not_demo(needed[1:])


def test_an_edition_may_be_xls_or_xlsx(tmp_path):
    pattern = "中国城市统计年鉴{edition}.xlsx"
    assert inputs.yearbook_path(str(tmp_path), pattern, 2011) == str(tmp_path / "中国城市统计年鉴2011.xlsx")
    (tmp_path / "中国城市统计年鉴2011.xls").write_bytes(b"")
    assert inputs.yearbook_path(str(tmp_path), pattern, 2011) == str(tmp_path / "中国城市统计年鉴2011.xls")
    (tmp_path / "中国城市统计年鉴2011.xlsx").write_bytes(b"")
    assert inputs.yearbook_path(str(tmp_path), pattern, 2011) == str(tmp_path / "中国城市统计年鉴2011.xlsx")


def test_reference_table_errors_name_file_row_key_and_column(tmp_path, root, resources):
    table = tables.read_indicators(resources / "indicators.csv")
    indicators_schema = root / "workflow" / "schemas" / "indicators.schema.yaml"
    schema.validate_rows(table, indicators_schema, "resources/indicators.csv", "code")
    table.loc[1, "direction"] = "up"
    with pytest.raises(tables.TableError, match=r"^resources/indicators.csv, row 3 \(x2\), column direction: 'up' "
                                                r"is not one of \['\+', '-'\]$"):
        schema.validate_rows(table, indicators_schema, "resources/indicators.csv", "code")
    breaks = tables.read_known_breaks(resources / "known_breaks.csv")
    breaks.loc[0] = ["4201", "gdp", "2010", "reform"]
    with pytest.raises(tables.TableError, match=r"known_breaks.csv, row 2 \(gdp\), column admin_code: '4201' does not"):
        schema.validate_rows(breaks, root / "workflow" / "schemas" / "known_breaks.schema.yaml",
                             "known_breaks.csv", "field")
