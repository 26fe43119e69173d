"""Inputs named by the config: existence before any job, the demo mark, side tables covering every
configured city, reference-table rows."""

import shutil

import pytest
import yaml
from openpyxl import Workbook

from urban_resilience.core import schema, tables
from urban_resilience.gate import inputs
from urban_resilience.gate.inputs import Input, InputError

from conftest import run_snakemake

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


CONFIG_CITIES = ["420100", "420500", "420800", "430900"]
NAMES = {"420100": "武汉市", "420500": "宜昌市", "420800": "荆门市", "430900": "益阳市"}


def test_station_table_covers_every_city_and_tells_none_from_uncovered(tmp_path, resources):
    table = resources / "hsr_stations.csv"
    config = yaml.safe_load((resources.parent / "config.yaml").read_text(encoding="utf-8"))
    names = dict(zip(*(tables.read_cities(resources / "cities.csv")[c] for c in ("admin_code", "name_cn"))))
    study = [str(code) for code in config["study_area"]]
    inputs.check_station_coverage(str(table), study, names)  # the real table covers the 28 cities
    rows = inputs.station_rows(str(table))
    none = rows[rows["station_cn"] == ""]
    assert sorted(none["admin_code"]) == ["420800", "430900"]  # Jingmen, Yiyang: no station by 2019
    assert (none["opened"] == "").all()
    # Yichang's rows removed: its stations would silently count 0; the start check names it
    lines = table.read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "stations.csv"
    cut.write_text("\n".join(line for line in lines if not line.startswith("420500,")) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        inputs.check_station_coverage(str(cut), study, names)
    assert str(error.value) == (
        f"inputs.hsr_stations: {cut} has no row for city(ies) 420500 宜昌市 of the config; their station counts "
        "would be 0 in every year without a word. Add each city's stations, or, if it had none in the years of the "
        "run, one row with its admin_code and city_cn and station_cn and opened left empty.")
    # Jingmen's "none" row removed too: both named, in the config's order, without a name when unknown
    cut.write_text("\n".join(line for line in lines if not line.startswith(("420500,", "420800,"))) + "\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match=r" has no row for city\(ies\) 420500 宜昌市, 420800 of the config;"):
        inputs.check_station_coverage(str(cut), study, {"420500": "宜昌市"})


def test_station_rows_that_are_half_a_station_or_contradict_a_none_row(tmp_path):
    header = "admin_code,city_cn,station_cn,station_en,line,opened,confidence,note\n"
    table = tmp_path / "stations.csv"
    table.write_text(header + "420100,武汉市,汉口,Hankou,L,2009-04-01,high,\n420800,荆门市,,,,2019-01-01,high,\n",
                     encoding="utf-8")
    with pytest.raises(InputError) as error:
        inputs.check_station_coverage(str(table), ["420100", "420800"], NAMES)
    assert str(error.value) == (
        f"inputs.hsr_stations: {table}, row 3 (city 420800 荆门市): station_cn '' and opened '2019-01-01'; a station "
        "needs both, and a row saying the city has no station leaves both empty")
    table.write_text(header + "420100,武汉市,汉口,Hankou,L,2009-04-01,high,\n420100,武汉市,,,,,high,\n",
                     encoding="utf-8")
    with pytest.raises(InputError) as error:
        inputs.check_station_coverage(str(table), ["420100"], NAMES)
    assert str(error.value) == (
        f"inputs.hsr_stations: {table}, row 3: says city 420100 武汉市 has no station (station_cn and opened empty), "
        "but the table lists stations of it; delete one or the other")
    table.write_text("admin_code,station,opened\n420100,汉口,2009-04-01\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        inputs.check_station_coverage(str(table), ["420100"], NAMES)
    assert str(error.value) == (f"inputs.hsr_stations: {table} has no column(s) station_cn "
                                "(found admin_code, station, opened)")


def test_patents_table_has_rows_for_every_city(tmp_path, resources):
    demo = resources / "demo" / "side_tables" / "patents.csv"
    config = yaml.safe_load((resources.parent / "config.yaml").read_text(encoding="utf-8"))
    variants = ["专利授权量", "专利授权数"]
    inputs.check_patents_coverage(str(demo), [str(c) for c in config["cities"]], NAMES, 2003, 2019, variants)
    table = tmp_path / "patents.csv"
    table.write_text("行政区划代码,地区,年份,专利授权数（件）\n420100,武汉市,2010,100\n420100.0,武汉市,2011,120\n"
                     "4205,宜昌市,2002,30\n430900,益阳市,2019, \n430900,益阳市,2018,7\n420800,荆门市,2018,\n",
                     encoding="utf-8")
    inputs.check_patents_coverage(str(table), ["420100", "430900"], NAMES, 2003, 2019, variants)
    with pytest.raises(InputError) as error:
        inputs.check_patents_coverage(str(table), CONFIG_CITIES, NAMES, 2003, 2019, variants)
    # Yichang's only row is of 2002, before the run's years; Jingmen's only row has no value
    assert str(error.value) == (
        f"inputs.patents: {table} has no row with a value for city(ies) 420500 宜昌市, 420800 荆门市 in the years "
        "2003–2019 of the config; without any the patents indicator x21 cannot be computed for them. Add their rows "
        "(admin code, year, patents granted), or remove the cities from `cities` in your config.")
    table.write_text("city,年份,专利授权量\n420100,2010,100\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        inputs.check_patents_coverage(str(table), ["420100"], NAMES, 2003, 2019, variants)
    assert str(error.value) == (
        f"inputs.patents: {table} has no admin code column (expected one of 行政区划代码, admin_code, citycode, "
        "城市代码, 代码, code; found city, 年份, 专利授权量)")
    table.write_text("admin_code,year,patents\n420100,2010,100\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        inputs.check_patents_coverage(str(table), ["420100"], NAMES, 2003, 2019, variants)
    assert str(error.value) == (f"inputs.patents: {table} has no patents column (expected one of 专利授权量, "
                                "专利授权数; found admin_code, year, patents)")


@pytest.mark.workflow
def test_an_uncovered_city_stops_the_run_at_start(root, tmp_path):
    """The demo with Yichang's stations removed, or with Jingmen's patents removed, stops before any
    job (today's 26 s into the run, or never for the stations), naming the city and the table."""
    stations = root / "resources" / "demo" / "side_tables" / "hsr_stations.csv"
    cut = tmp_path / "hsr_stations.csv"
    cut.write_text("".join(line for line in stations.read_text(encoding="utf-8").splitlines(keepends=True)
                           if not line.startswith("420500,")), encoding="utf-8")
    patents = root / "resources" / "demo" / "side_tables" / "patents.csv"
    no_jingmen = tmp_path / "patents.csv"
    no_jingmen.write_text("".join(line for line in patents.read_text(encoding="utf-8").splitlines(keepends=True)
                                  if not line.startswith("420800,")), encoding="utf-8")
    for key, path, message in [
        ("hsr_stations", cut, f"inputs.hsr_stations: {cut} has no row for city(ies) 420500 宜昌市 of the config"),
        ("patents", no_jingmen, f"inputs.patents: {no_jingmen} has no row with a value for city(ies) 420800 荆门市 "
                                "in the years 2003–2019 of the config")]:
        override = tmp_path / f"{key}.yaml"
        override.write_text(f"inputs:\n  {key}: {path}\n", encoding="utf-8")
        result = run_snakemake(root, "-n", "--cores", "1", "--configfile", str(override), timeout=300)
        said = result.stdout + result.stderr
        assert result.returncode != 0 and message in said and "Job stats" not in said, said[-2000:]
