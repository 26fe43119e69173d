"""Compiled city-year panels: the demo's four panel forms against the yearbook route, hand-made
snippets of each real quirk, every stopping message in full, and the yearbook/panel precedence rule."""

import math

import numpy as np
import pandas as pd
import pytest

from urban_resilience import demo
from urban_resilience.core import tables
from urban_resilience.demo import panels
from urban_resilience.demo.truth import DEMO_CITIES
from urban_resilience.panel import build
from urban_resilience.readers import compiled_panel as cp
from urban_resilience.readers import yearbook
from urban_resilience.readers.compiled_panel import PanelFileError

YEARS = list(range(2002, 2020))


@pytest.fixture(scope="module")
def refs(resources):
    raw_fields = tables.read_raw_fields(resources / "raw_fields.csv")
    formulas = tables.parse_formulas(tables.read_indicators(resources / "indicators.csv"), raw_fields)
    return {"raw_fields": raw_fields, "formulas": formulas,
            "units": tables.read_units(resources / "units.csv"),
            "cities": tables.read_cities(resources / "cities.csv"),
            "admin_codes": pd.read_csv(resources / "admin_codes.csv", dtype=str, keep_default_na=False),
            "wanted": sorted(raw_fields.loc[raw_fields["source"] == "yearbook", "field"])}


def context(refs, years=YEARS, required=()):
    return cp.Context.build(refs["raw_fields"], refs["units"], refs["cities"], refs["admin_codes"],
                            tables.divisor_fields(refs["formulas"]), years, list(required), codes=list(DEMO_CITIES))


@pytest.fixture(scope="module")
def truth(resources):
    return demo.true_values(resources)


@pytest.fixture(scope="module")
def demo_panels(tmp_path_factory, truth, resources):
    return panels.write_panels(tmp_path_factory.mktemp("panels"), truth, resources)


@pytest.fixture(scope="module")
def yearbook_route(resources, refs):
    """The demo yearbooks extracted as extract_yearbook does (long table of all editions)."""
    names = yearbook.Names.build(refs["cities"], refs["admin_codes"], list(DEMO_CITIES))
    fields = yearbook.FieldMap.build(refs["raw_fields"], tables.divisor_fields(refs["formulas"]))
    units = yearbook.Units(refs["units"])
    frames = [yearbook.extract_workbook(resources / "demo" / "yearbook" / f"中国城市统计年鉴{edition}.xlsx",
                                        edition - 1, names, fields, units, set(refs["wanted"]))[0]
              for edition in demo.EDITIONS]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def manifest_missing(resources):
    manifest = pd.read_csv(resources / "demo" / "MANIFEST.csv", dtype={"admin_code": str}, keep_default_na=False)
    return {(r.admin_code, int(r.data_year), r.field) for r in manifest.itertuples() if r.expected == "missing"}


def side_frames(truth, codes):
    """The non-yearbook raw fields (the same for both routes): patents from the truth, fixed others."""
    frame = truth[truth["admin_code"].isin(codes)][["admin_code", "year", "patents"]].copy()
    return [frame.assign(hsr_stations=1.0, cny_per_100usd=700.0, pm25=40.0)]


@pytest.mark.parametrize("form", list(panels.FORMS))
def test_each_panel_form_gives_the_yearbook_routes_values_and_indicators(form, demo_panels, refs, truth,
                                                                          yearbook_route, manifest_missing):
    long, log = cp.read_panel(cp.PanelSpec(str(demo_panels[form])), context(refs, required=refs["wanted"]))
    key = ["admin_code", "year", "field"]
    assert len(long) == len(yearbook_route) == 34 * 18 * 31
    merged = yearbook_route.merge(long, on=key, how="outer", suffixes=("_yb", "_panel"), validate="1:1")
    assert merged["value_panel"].notna().all()
    printed = merged["value_yb"].notna()
    # the demo yearbooks print the truth rounded: equal to rounding error wherever they print a number
    assert np.allclose(merged.loc[printed, "value_yb"], merged.loc[printed, "value_panel"], rtol=1e-12, atol=0)
    # the yearbook route has a gap exactly where the manifest injected a missing-value defect
    gaps = set(merged.loc[~printed, key].itertuples(index=False, name=None))
    assert gaps and gaps <= manifest_missing
    # indicators: assembled and derived the same way from both routes
    codes = sorted(DEMO_CITIES)
    years = list(range(2003, 2020))
    derived = {}
    for name, frame in (("yearbook", yearbook_route), ("panel", long)):
        raw = build.assemble(frame, side_frames(truth, codes), codes, YEARS, sorted(refs["raw_fields"]["field"]))
        derived[name] = build.derive(raw, refs["formulas"], years)
    both = derived["yearbook"].notna()
    assert both.to_numpy().sum() > 0.95 * both.size
    assert np.allclose(derived["yearbook"][both], derived["panel"][both], rtol=1e-9, equal_nan=True)
    assert (derived["panel"].notna() | derived["yearbook"].isna()).all().all()
    skipped = log.loc[log["action"] == "skipped_city", "written"]
    if form == "wide_csv":  # keyed by names; the others by codes (floats, 4 digits)
        assert set(skipped) == {"赣州市", "十堰市", "邵阳市"}
    else:
        assert set(skipped.str[:4]) == {"3607", "4203", "4305"}


def test_demo_panel_quirks_are_in_the_files(demo_panels):
    data = demo_panels["long_csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    wide = pd.read_csv(demo_panels["wide_csv"], dtype=str)
    assert {"黄石", "襄樊市", "襄阳市"} <= set(wide["城市"])
    assert "年末总人口(万人)_市辖区" in wide.columns
    with pd.io.stata.StataReader(demo_panels["dta"]) as reader:
        reader.read()
        labels = reader.variable_labels()
    assert labels["gdp_wc"] == "地区生产总值(万元)" and labels["pop_duc"] == "年末总人口(万人)_市辖区"
    assert max(len(name) for name in labels) <= 32 and all(name.isascii() for name in labels)


# ---------------------------------------------------------------- hand-made snippets of each quirk

def write(path, text, encoding="utf-8", newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return str(path)


def read(path, refs, years=(2010, 2011), **spec):
    long, log = cp.read_panel(cp.PanelSpec(str(path), **spec), context(refs, list(years)))
    return long, log


def values(long):
    return {(r.admin_code, r.year, r.field): r.value for r in long.itertuples()}


def test_bom_and_crlf(tmp_path, refs):
    path = write(tmp_path / "p.csv", "\ufeff年份,行政区划代码,地区生产总值(万元)\n2010,420100,5565.93\n",
                 newline="\r\n")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "gdp"): 5565.93}
    assert log.loc[log["action"] == "read_encoding", "note"].tolist() == ["read as UTF-8 with BOM"]
    assert long["cell"].tolist() == ["row 2, column C 地区生产总值(万元)"]


def test_gbk(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,城市,地区生产总值(亿元)\n2011,武汉市,6762.2\n", encoding="gbk")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2011, "gdp"): pytest.approx(67622000.0, rel=1e-12)}
    assert log.loc[log["action"] == "read_encoding", "note"].tolist() == ["read as GBK (GB18030)"]
    assert log.loc[log["action"] == "converted_unit", "note"].tolist() == [
        "values in 亿元 multiplied by 10000 to 万元"]


def test_a_gbk_panel_is_checked_for_the_demo_mark_without_failing(tmp_path, demo_panels):
    """dataset.synthetic false checks every input for the demo mark before the run; a GBK panel
    must not break that check (it read every CSV as UTF-8), and the demo panels are recognised."""
    from urban_resilience.gate import inputs

    path = write(tmp_path / "p.csv", "年份,城市,地区生产总值(亿元)\n2011,武汉市,6762.2\n", encoding="gbk")
    assert not inputs.has_demo_mark(path)
    assert inputs.has_demo_mark(str(demo_panels["long_csv"])) and inputs.has_demo_mark(str(demo_panels["wide_xlsx"]))


def test_declared_encoding_that_does_not_fit(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,城市,地区生产总值(亿元)\n2011,武汉市,6762.2\n", encoding="gbk")
    with pytest.raises(PanelFileError) as error:
        read(path, refs, encoding="utf-8")
    assert str(error.value) == (
        "p.csv: cannot be read as utf-8: 'utf-8' codec can't decode byte 0xc4 in position 0: invalid continuation "
        "byte; check inputs.panel.encoding (auto tries UTF-8, then GBK)")


def test_four_digit_codes_as_floats_names_without_shi_and_former_names(tmp_path, refs):
    path = write(tmp_path / "p.csv", "citycode,year,年末户籍人口_万人_全市\n4201.0,2010,836.73\n4206.0,2010,590.1\n")
    assert values(read(path, refs)[0]) == {("420100", 2010, "pop"): 836.73, ("420600", 2010, "pop"): 590.1}
    path = write(tmp_path / "q.csv", "年份,城市,年末户籍人口_万人_全市\n2010,武汉,836.73\n2010,襄樊市,590.1\n"
                 "2011,襄阳,591.0\n2010,湖北省,\n")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "pop"): 836.73, ("420600", 2010, "pop"): 590.1,
                            ("420600", 2011, "pop"): 591.0}
    assert log.loc[log["action"] == "skipped_city", "note"].tolist() == [
        "a province: its rows are not read (first at row 5)"]


def test_scope_suffixes(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,代码,年末户籍人口_市辖区(万人),年末户籍人口(万人)_全市,"
                 "年末户籍人口.市辖区(万人),供水总量(万吨),供水总量_全市(万吨)\n2010,420100,500,836.73,,123,200\n")
    with pytest.raises(PanelFileError) as error:
        read(path, refs)
    assert str(error.value) == (
        "p.csv, column E '年末户籍人口.市辖区(万人)': field pop_district (市辖区) is also in column "
        "'年末户籍人口_市辖区(万人)'; keep one of them or map them in inputs.panel.mapping")
    path = write(tmp_path / "q.csv", "年份,代码,年末户籍人口_市辖区(万人),年末户籍人口(万人)_全市,"
                 "供水总量(万吨),供水总量_全市(万吨),年末户籍人口(万人)\n2010,420100,500,836.73,123,200,836.73\n")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "pop_district"): 500.0, ("420100", 2010, "pop"): 836.73,
                            ("420100", 2010, "water_supply"): 123.0}
    ignored = log[log["action"] == "ignored_column"]
    assert ignored[["cell", "note"]].values.tolist() == [
        ["column F 供水总量_全市(万吨)", "scope 全市 not used"],
        ["column G 年末户籍人口(万人)", "no 全市/市辖区 label and the header names fields of both scopes"]]
    # a declared scope decides for unsuffixed headers, and says so
    long, log = read(write(tmp_path / "r.csv", "年份,代码,年末户籍人口(万人)\n2010,420100,836.73\n"), refs,
                     scope="全市")
    assert values(long) == {("420100", 2010, "pop"): 836.73}
    assert log.loc[log["action"] == "mapped_column", "note"].tolist() == [
        "'年末户籍人口(万人)' read as pop (年末户籍人口) in 万人; no scope suffix; taken as 全市 (inputs.panel.scope)"]


def test_raw_field_names_as_headers_with_and_without_scope_suffixes(tmp_path, refs):
    path = write(tmp_path / "p.csv", "year,code,gdp(万元),pop_wc(万人),pop_duc(万人),pop_district(万人),"
                 "green_coverage_wc\n2010,420100,1,2,3,4,5\n")
    with pytest.raises(PanelFileError, match="field pop_district .* is also in column 'pop_duc"):
        read(path, refs)
    path = write(tmp_path / "q.csv", "year,code,gdp(万元),pop_wc(万人),pop_duc(万人),green_coverage_wc\n"
                 "2010,420100,1,20,3,5\n")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "gdp"): 1.0, ("420100", 2010, "pop"): 20.0,
                            ("420100", 2010, "pop_district"): 3.0}
    assert log.loc[log["action"] == "ignored_column", "note"].tolist() == ["raw field green_coverage has no 全市 scope"]


def test_parentheses_stripped_by_stata(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,citycode,地区生产总值亿元,年末总人口万人_全市,执业助理医师数人,"
                 "建成区绿化覆盖率%\n2010,420100.0,5565.93,836.73,20000,37.5\n")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "gdp"): pytest.approx(55659300.0, rel=1e-12),
                            ("420100", 2010, "pop"): 836.73, ("420100", 2010, "green_coverage"): 37.5}
    assert log.loc[log["action"] == "ignored_column", "written"].tolist() == ["执业助理医师数人"]


def test_stata_labels_and_codebook(tmp_path, refs):
    frame = pd.DataFrame({"citycode": [420100.0, 420200.0], "year": [2010, 2010], "gdp_wc": [5565.93, 690.12],
                          "dqsczz": [1.0, 2.0], "pop_duc": [500.0, 60.0]})
    path = tmp_path / "p.dta"
    frame.to_stata(path, write_index=False, version=118,
                   variable_labels={"gdp_wc": "地区生产总值(亿元)", "pop_duc": "年末户籍人口_万人_市辖区"})
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "gdp"): pytest.approx(55659300.0), ("420200", 2010, "gdp"):
                            pytest.approx(6901200.0), ("420100", 2010, "pop_district"): 500.0,
                            ("420200", 2010, "pop_district"): 60.0}
    assert long.loc[long["field"] == "gdp", "cell"].tolist() == ["observation 1, variable gdp_wc",
                                                                 "observation 2, variable gdp_wc"]
    assert log.loc[log["action"] == "ignored_column", "cell"].tolist() == ["column D dqsczz"]
    # a codebook labels the unlabelled ASCII variable; a mapping names a field directly
    book = write(tmp_path / "codebook.csv", "variable,label\ndqsczz,第三产业增加值(万元)\n")
    long, _ = read(path, refs, codebook=book)
    assert values(long)[("420200", 2010, "tertiary_va")] == 2.0
    long, log = read(path, refs, mapping={"dqsczz": "tertiary_va"}, units={"dqsczz": "亿元"})
    assert values(long)[("420200", 2010, "tertiary_va")] == 20000.0
    assert log.loc[log["action"] == "mapped_column", "note"].tolist()[1] == (
        "'dqsczz' read as tertiary_va (第三产业增加值) in 亿元; mapped by inputs.panel.mapping")


def test_long_layout_with_unit_and_scope_columns(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,地区,指标,口径,数值,单位\n2010,武汉市,年末户籍人口,市辖区,500,万人\n"
                 "2010,武汉市,年末户籍人口,全市,836.73,万人\n2010,武汉市,地区生产总值,,5565.93,亿元\n"
                 "2010,武汉市,人均GDP,,58961,元\n2010,武汉市,医院床位数,,-,张\n")
    long, log = read(path, refs)
    assert values(long) == pytest.approx({("420100", 2010, "pop_district"): 500.0, ("420100", 2010, "pop"): 836.73,
                                          ("420100", 2010, "gdp"): 55659300.0,
                                          ("420100", 2010, "hospital_beds"): math.nan}, nan_ok=True)
    assert log.loc[log["action"] == "ignored_column", "note"].tolist() == [
        "indicator '人均GDP': header matches no raw field (first at row 5)"]
    assert log.loc[log["action"] == "missing", ["cell", "written", "note"]].values.tolist() == [
        ["row 6, column E 数值", "-", "missing-data marker '-'"]]


def test_years_outside_the_configuration_and_blank_lines_are_skipped_with_a_log_row(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,代码,地区生产总值(万元)\n2009年,420100,1\n\n2010年,420100,2\n,,\n")
    long, log = read(path, refs)
    assert values(long) == {("420100", 2010, "gdp"): 2.0}
    assert long["cell"].tolist() == ["row 4, column C 地区生产总值(万元)"]  # file lines, blank ones counted
    assert log.loc[log["action"] == "skipped_years", "note"].tolist() == [
        "1 row(s) of years outside 2010-2011 not read"]


# ---------------------------------------------------------------- messages that stop the run

@pytest.mark.parametrize("text, message", [
    ("年份,城市,地区生产总值(万元)\n2010,武汗市,1\n",
     "p.csv, row 2, column B 城市: city name '武汗市' matches no name or alias of the city table or the national code "
     "list (close matches: 武汉 (420100), 武威 (620600)); add it to the aliases in the city table, or give an "
     "admin-code column"),
    ("年份,代码,地区生产总值(万元)\n2010,42010,1\n",
     "p.csv, row 2, column B 代码: admin code '42010' is not an admin code; expected 6 digits such as 420100 (or 4 "
     "digits such as 4201)"),
    ("年份,代码,城市,地区生产总值(万元)\n2010,420100,黄石市,1\n",
     "p.csv, row 2: admin code 420100 and city name '黄石市' (420200) name different cities; correct one of them"),
    ("年份,代码,地区生产总值\n2010,420100,1\n",
     "p.csv, column C '地区生产总值': no unit for field gdp in the header and none declared; write the unit in the "
     "header, e.g. '…(万元)', or declare it in inputs.panel.units (column or field: unit)"),
    ("年份,代码,地区生产总值(万吨)\n2010,420100,1\n",
     "p.csv, column C '地区生产总值(万吨)': 万吨 (mass_t) cannot be converted to 万元 (money_cny) (field gdp)"),
    ("年份,代码,地区生产总值(万元)\n2010,420100,-5\n",
     "p.csv, row 2, column C 地区生产总值(万元), city 420100, year 2010, field gdp: negative value -5; a amount "
     "cannot be negative"),
    ("年份,代码,建成区绿化覆盖率(%)\n2010,420100,37\n2011,420100,137\n",
     "p.csv, row 3, column C 建成区绿化覆盖率(%), city 420100, year 2011, field green_coverage: 137 % is above 100, "
     "impossible for this share"),
    ("年份,代码,地区生产总值(万元)\n2010,420100,1\n2010,420100.0,2\n",
     "p.csv: field gdp of city 420100, year 2010 is given twice with different values 1 (row 2, column C "
     "地区生产总值(万元)) and 2 (row 3, column C 地区生产总值(万元))"),
    ("代码,地区生产总值(万元)\n420100,1\n",
     "p.csv: no year column (expected one of 年份, year, 年度, sgnyear, 年; found '代码', '地区生产总值(万元)')"),
    ("年份,代码,地区生产总值(万元)\n二〇一〇,420100,1\n",
     "p.csv, row 2, column A 年份: year '二〇一〇' is not a year such as 2019"),
])
def test_bad_input_stops_with_a_message_naming_file_row_and_column(tmp_path, refs, text, message):
    path = write(tmp_path / "p.csv", text)
    with pytest.raises(PanelFileError) as error:
        read(path, refs)
    assert str(error.value) == message


def test_districts_above_the_whole_city_stop_unless_a_known_break(tmp_path, refs):
    from urban_resilience.gate import checks

    path = write(tmp_path / "p.csv", "年份,代码,年末户籍人口_全市(万人),年末户籍人口_市辖区(万人)\n"
                 "2010,420100,500,836.73\n2011,420100,840,510\n")
    with pytest.raises(checks.DataCheckError) as error:
        read(path, refs)
    assert str(error.value) == (
        "1 implausible value(s) in p.csv (全市/市辖区 pairs):\n"
        "  p.csv: city 420100, year 2010: the 市辖区 value 836.73 of pop_district "
        "(row 2, column D 年末户籍人口_市辖区(万人)) is larger than the 全市 value 500 of pop "
        "(row 2, column C 年末户籍人口_全市(万人)); the districts are part of the whole city — "
        "are the two columns swapped?\n"
        "Fix the input (a copy of the file), or, if a break is real (a boundary change, a statistical reform), list "
        "it in the known-breaks table (admin_code, field, first_year, reason).")
    known = checks.KnownBreaks(pd.DataFrame([["420100", "pop_district", "2010", "a real oddity"]],
                                            columns=checks.KnownBreaks.COLUMNS))
    ctx = context(refs, [2010, 2011])
    ctx.known_breaks = known
    long, log = cp.read_panel(cp.PanelSpec(path), ctx)
    assert len(long) == 4
    assert log.loc[log["action"] == "accepted_finding", "note"].str.endswith("— accepted: a real oddity").tolist() == [
        True]


def test_a_needed_field_without_a_column_stops_naming_it(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,代码,地区生产总值(万元)\n2010,420100,1\n")
    with pytest.raises(PanelFileError) as error:
        cp.read_panel(cp.PanelSpec(path), context(refs, [2010], ["gdp", "pop", "retail"]))
    assert str(error.value) == (
        "p.csv: no column for the needed raw field(s) pop (年末户籍人口, 万人), retail (社会消费品零售总额, 万元); "
        "name the column with a header of the raw field table (e.g. '年末总人口(万人)') or map it in "
        "inputs.panel.mapping")


def test_mapping_to_an_unknown_field_or_column(tmp_path, refs):
    path = write(tmp_path / "p.csv", "年份,代码,x1\n2010,420100,1\n")
    with pytest.raises(PanelFileError) as error:
        read(path, refs, mapping={"x1": "gdpp"})
    assert str(error.value) == ("p.csv: inputs.panel.mapping maps column 'x1' to 'gdpp', which is not a yearbook field "
                                "of the raw field table (side-table and raster fields such as patents and pm25 come "
                                "from their own inputs)")
    with pytest.raises(PanelFileError, match="maps column 'x1' to 'patents', which is not a yearbook field"):
        read(path, refs, mapping={"x1": "patents"})
    long, log = read(write(tmp_path / "q.csv", "年份,代码,patents(件),专利授权量(件)\n2010,420100,1,1\n"), refs)
    assert long.empty and log.loc[log["action"] == "ignored_column", "written"].tolist() == ["patents(件)",
                                                                                             "专利授权量(件)"]
    with pytest.raises(PanelFileError) as error:
        read(path, refs, mapping={"x2": "gdp"})
    assert str(error.value) == ("p.csv: inputs.panel.mapping names column(s) x2 that the file does not have "
                                "(columns: 年份, 代码, x1)")


# ---------------------------------------------------------------- yearbooks and a panel together

def long_rows(rows, file):
    return pd.DataFrame([{"admin_code": c, "year": y, "field": f, "value": v, "unit": "万元", "file": file,
                          "sheet": "2-3" if file.endswith("xlsx") else "", "cell": cell}
                         for c, y, f, v, cell in rows], columns=yearbook.LONG_COLUMNS)


def test_precedence_overrides_fills_and_adds_with_a_log_row_for_each():
    books = long_rows([("420100", 2010, "gdp", 100.0, "C5"), ("420100", 2010, "retail", math.nan, "D5"),
                       ("420100", 2010, "fai", 7.0, "E5")], "中国城市统计年鉴2011.xlsx")
    panel = long_rows([("420100", 2010, "gdp", 101.0, "row 2"), ("420100", 2010, "retail", 50.0, "row 3"),
                       ("420100", 2010, "fai", 7.0, "row 4"), ("420100", 2019, "gdp", 200.0, "row 5")], "p.csv")
    combined, log = build.combine_yearbook_and_panel(books, panel, "yearbook")
    assert values(combined) == {("420100", 2010, "gdp"): 100.0, ("420100", 2010, "retail"): 50.0,
                                ("420100", 2010, "fai"): 7.0, ("420100", 2019, "gdp"): 200.0}
    assert combined.loc[combined["field"] == "retail", "cell"].tolist() == ["row 3"]
    assert [(r["action"], r["field"], r["note"]) for r in log] == [
        ("source_override", "gdp", "yearbook value 100 (中国城市统计年鉴2011.xlsx 2-3 C5) kept over panel value 101 "
                                   "(p.csv row 2) by inputs.panel.precedence: yearbook"),
        ("source_fill", "retail", "yearbook has no number (中国城市统计年鉴2011.xlsx 2-3 D5); panel value 50 (p.csv "
                                  "row 3) used")]
    combined, log = build.combine_yearbook_and_panel(books, panel, "panel")
    assert values(combined)[("420100", 2010, "gdp")] == 101.0
    assert [(r["action"], r["written"], r["value"]) for r in log] == [("source_override", "100", 101.0)]
    # a panel alone (no edition configured): its rows, places as read back from CSV (NaN -> "")
    alone, log = build.combine_yearbook_and_panel(build.empty_long(yearbook.LONG_COLUMNS),
                                                  panel.assign(sheet=math.nan), "yearbook")
    assert log == [] and values(alone) == values(panel) and set(alone["sheet"]) == {""}
    with pytest.raises(build.PanelError, match="expected yearbook or panel"):
        build.combine_yearbook_and_panel(books, panel, "newest")


def test_panel_for_years_without_yearbooks(refs, truth, demo_panels, yearbook_route):
    """Yearbooks for 2002-2010, the panel for every year: the yearbooks' numbers are kept, their gaps
    filled from the panel (each logged), and the later years come from the panel alone."""
    long, _ = cp.read_panel(cp.PanelSpec(str(demo_panels["wide_xlsx"])), context(refs))
    early = yearbook_route[yearbook_route["year"] <= 2010]
    combined, log = build.combine_yearbook_and_panel(early, long, "yearbook")
    assert len(combined) == len(long)
    truth_values = truth.set_index(["admin_code", "year"])
    assert all(v == pytest.approx(truth_values.at[(c, y), f], rel=1e-12) for (c, y, f), v in values(combined).items())
    assert sorted(set(combined.loc[combined["year"] > 2010, "file"])) == ["panel_wide.xlsx"]
    assert len(log) == early["value"].isna().sum() > 0
    assert {r["action"] for r in log} == {"source_fill"}


# ---------------------------------------------------------------- the workflow on a panel

@pytest.mark.workflow
def test_workflow_on_a_panel_alone_and_beside_the_yearbooks(tmp_path, truth, resources):
    """Small configuration (5 cities, 2017-2019): the panel alone gives the truth's raw panel
    without reading any edition; beside the yearbooks, a panel value that differs is overridden
    by the yearbook's with a log row in the cleaning log."""
    from conftest import SMALL_CONFIG, copy_repo, run_snakemake

    workdir = copy_repo(tmp_path / "repo")
    path = panels.write_panels(tmp_path / "panels", truth, resources, ["wide_xlsx"])["wide_xlsx"]
    alone = tmp_path / "alone.yaml"
    alone.write_text(f"inputs:\n  yearbook:\n    directory: ''\n  panel:\n    path: {path}\n", encoding="utf-8")
    result = run_snakemake(workdir, "results/panel/data_quality.md", "--cores", "2", *SMALL_CONFIG,
                           "--configfile", str(alone))
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list((workdir / "results" / "extracted").glob("yearbook_*.csv"))
    raw = pd.read_csv(workdir / "results" / "panel" / "raw_panel.csv", dtype={"admin_code": str})
    expected = truth.set_index(["admin_code", "year"])
    for field in ("gdp", "pop", "pop_district", "green_coverage", "fdi_usd"):
        for row in raw.itertuples():
            assert getattr(row, field) == pytest.approx(expected.at[(row.admin_code, row.year), field], rel=1e-12)
    log = pd.read_csv(workdir / "results" / "panel" / "cleaning_log.csv", dtype=str, keep_default_na=False)
    assert (log["action"] == "mapped_column").sum() == 31
    # beside the yearbooks: Wuhan's 2018 GDP changed in a copy of the panel
    frame = pd.read_excel(path, dtype={"citycode": int}, engine="calamine")
    row = frame.index[(frame["citycode"] == 4201) & (frame["year"] == 2018)][0]
    frame.loc[row, "地区生产总值万元"] = 1.0
    changed = tmp_path / "changed.xlsx"
    frame.to_excel(changed, index=False)
    beside = tmp_path / "beside.yaml"
    beside.write_text(f"inputs:\n  panel:\n    path: {changed}\n", encoding="utf-8")
    result = run_snakemake(workdir, "results/panel/data_quality.md", "--cores", "2", *SMALL_CONFIG,
                           "--configfile", str(beside))
    assert result.returncode == 0, result.stderr[-3000:]
    raw = pd.read_csv(workdir / "results" / "panel" / "raw_panel.csv", dtype={"admin_code": str})
    gdp = raw.set_index(["admin_code", "year"]).at[("420100", 2018), "gdp"]
    assert gdp == pytest.approx(expected.at[("420100", 2018), "gdp"], rel=1e-12)
    log = pd.read_csv(workdir / "results" / "panel" / "cleaning_log.csv", dtype=str, keep_default_na=False)
    overrides = log[log["action"] == "source_override"]
    assert overrides[["admin_code", "year", "field", "written"]].values.tolist() == [["420100", "2018", "gdp", "1"]]
    letter = yearbook.get_column_letter(list(frame.columns).index("地区生产总值万元") + 1)
    assert overrides["note"].iloc[0].endswith(f"kept over panel value 1 (changed.xlsx Sheet1 row {row + 2}, column "
                                              f"{letter} 地区生产总值万元) by inputs.panel.precedence: yearbook")


@pytest.mark.workflow
@pytest.mark.parametrize("extra, fragment", [
    ("inputs:\n  yearbook:\n    directory: ''\n",
     "config: inputs.yearbook.directory is empty and no inputs.panel.path is given: the workflow needs yearbooks, a "
     "compiled panel, or both"),
    ("inputs:\n  panel:\n    years_without_yearbook: [2019]\n",
     "config: inputs.panel.years_without_yearbook is set but inputs.panel.path is empty"),
    ("inputs:\n  panel:\n    path: /nowhere/panel.csv\n",
     "  inputs.panel.path: /nowhere/panel.csv — no such file: the folder /nowhere does not exist"),
    ("inputs:\n  panel:\n    path: x.csv\n    precedence: newest\n", "newest"),
])
def test_panel_configuration_errors_stop_before_any_job(root, tmp_path, extra, fragment):
    from conftest import run_snakemake

    override = tmp_path / "override.yaml"
    override.write_text(extra, encoding="utf-8")
    result = run_snakemake(root, "-n", "--cores", "1", "--configfile", str(override), timeout=120)
    assert result.returncode != 0
    assert fragment in result.stdout + result.stderr
    assert "Job stats" not in result.stdout


def test_a_unit_break_between_yearbook_years_and_panel_years_stops_the_run(refs, demo_panels, yearbook_route):
    """The gate's magnitude checks see the combined series: panel GDP in 元 labelled 万元 from 2011
    on (every value x10 000) is a lasting level break of every city."""
    from urban_resilience.gate import checks

    long, _ = cp.read_panel(cp.PanelSpec(str(demo_panels["dta"])), context(refs))
    wrong = long.assign(value=long["value"].where(long["field"] != "gdp", long["value"] * 1e4))
    combined, _ = build.combine_yearbook_and_panel(yearbook_route[yearbook_route["year"] <= 2010], wrong, "yearbook")
    kinds = dict(zip(refs["raw_fields"]["field"], refs["raw_fields"]["kind"]))
    with pytest.raises(checks.DataCheckError) as error:
        checks.check_raw([(combined, "yearbook")], kinds, 5, checks.KnownBreaks())
    lines = str(error.value).splitlines()[1:-1]
    assert lines[0].startswith("  field gdp: every city's value changes by a factor of 9.95e+03 from data year 2011 "
                               "(edition 2012, panel.dta) on")
    assert all("field gdp" in line for line in lines)
    checks.check_raw([(combined[combined["field"] != "gdp"], "yearbook")], kinds, 5, checks.KnownBreaks())


def test_cities_of_the_table_that_are_not_configured_are_recognised_and_skipped(tmp_path, refs):
    """A national panel read for a study of two cities: the other cities' rows (by code or by a
    former name) are not read, each city with one log row."""
    path = write(tmp_path / "p.csv", "年份,城市,年末户籍人口_万人_全市\n2010,武汉,836.73\n2010,襄樊市,590.1\n"
                 "2010,成都,1149.07\n2010,黄石,268.0\n")
    ctx = cp.Context.build(refs["raw_fields"], refs["units"], refs["cities"], refs["admin_codes"],
                           tables.divisor_fields(refs["formulas"]), YEARS, [], codes=["420100", "420200"])
    long, log = cp.read_panel(cp.spec_from_config({"path": str(path)}), ctx)
    assert values(long) == {("420100", 2010, "pop"): 836.73, ("420200", 2010, "pop"): 268.0}
    assert len(log[log["action"] == "skipped_city"]) == 2  # 襄樊 (420600) and 成都 (510100)
