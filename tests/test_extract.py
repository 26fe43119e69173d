"""Yearbook extraction: demo workbooks against the generator's truth, bad input, other layouts."""

import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from urban_resilience import demo
from urban_resilience.core import tables
from urban_resilience.demo.truth import DEMO_CITIES
from urban_resilience.gate import checks
from urban_resilience.readers import yearbook
from urban_resilience.readers.yearbook import ExtractionError


@pytest.fixture(scope="module")
def setup(resources):
    return demo.reader_setup(resources)


@pytest.fixture(scope="module")
def extracted(resources, setup):
    frames, logs = [], []
    for edition in demo.EDITIONS:
        long, log = yearbook.extract_workbook(resources / "demo" / "yearbook" / f"中国城市统计年鉴{edition}.xlsx",
                                             edition - 1, **setup)
        frames.append(long)
        logs.append(log)
    return pd.concat(frames, ignore_index=True), pd.concat(logs, ignore_index=True)


def test_every_value_equals_the_truth_or_is_missing_as_the_manifest_says(extracted, resources):
    long, _ = extracted
    truth = demo.true_values(resources).set_index(["admin_code", "year"])
    manifest = pd.read_csv(resources / "demo" / "MANIFEST.csv", dtype={"admin_code": str}, keep_default_na=False)
    expected_missing = {(r.admin_code, int(r.data_year), r.field) for r in manifest.itertuples()
                        if r.expected == "missing"}
    repaired = {(r.admin_code, int(r.data_year), r.field) for r in manifest.itertuples() if r.expected == "repair"}
    assert set(long["admin_code"]) == set(DEMO_CITIES)  # 十堰, 邵阳, 赣州 are recognised and left out
    assert len(long) == 34 * 18 * 31  # 28 study cities and 6 national reference cities
    checked_repairs = 0
    for row in long.itertuples():
        key = (row.admin_code, row.year, row.field)
        if key in expected_missing:
            assert math.isnan(row.value), key
        else:
            assert row.value == pytest.approx(truth.at[(row.admin_code, row.year), row.field], rel=1e-9), key
            checked_repairs += key in repaired
    manifest_missing_in_scope = {k for k in expected_missing if k[2] in set(long["field"]) and k[0] in DEMO_CITIES}
    assert manifest_missing_in_scope <= {(r.admin_code, r.year, r.field) for r in long.itertuples()
                                         if math.isnan(r.value)}
    assert checked_repairs >= 30


def test_cleaning_log_lists_every_repaired_and_missing_cell(extracted, resources):
    long, log = extracted
    manifest = pd.read_csv(resources / "demo" / "MANIFEST.csv", dtype={"admin_code": str}, keep_default_na=False)
    fields = set(long["field"])
    cities = set(long["admin_code"])
    cells = manifest[manifest["expected"].isin(["repair", "missing"]) & manifest["field"].isin(fields)
                     & manifest["admin_code"].isin(cities) & (manifest["file"] != "patents.csv")]
    assert len(cells) > 50
    logged = {(r.file, r.sheet, r.cell): r.action for r in log.itertuples()}
    for row in cells.itertuples():
        action = logged[(row.file, row.sheet, row.cell)]
        assert action == ("repaired" if row.expected == "repair" else "missing"), (row.file, row.cell)
    converted = log[log["action"] == "converted_unit"]
    assert sorted(converted["file"]) == ["中国城市统计年鉴2009.xlsx", "中国城市统计年鉴2012.xlsx"]
    assert set(log.loc[log["action"] == "skipped_sheet", "sheet"]) == {"说明"}


def test_renamed_and_typo_names_resolve(extracted, resources):
    _, log = extracted
    resolved = log[log["action"] == "resolved_name"]
    assert {"襄樊市", "鹰谭市", "黄岗市", "株州市", "景徳镇市"} <= set(resolved["written"])
    assert set(resolved.loc[resolved["written"] == "襄樊市", "admin_code"]) == {"420600"}


# ---------------------------------------------------------------- small hand-made workbooks

def book(path, sheets):
    """sheets: {title: list of rows}; merged: optional list of ranges under key (title, 'merge')."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def run(path, setup, wanted, year=2010):
    return yearbook.extract_workbook(path, year, setup["names"], setup["fields"], setup["units"], set(wanted))


HEADER = [["城市", None, "地区生产总值(万元)", None, "年末总人口(万人)", None],
          [None, None, "全市", "市辖区", "全市", "市辖区"]]


def test_other_layout_chinese_only_reordered_columns_extra_sheet(tmp_path, setup):
    # no title, no English, columns in another order, a sheet of notes, different table numbers,
    # names without 市, an unrelated column, a total row at the bottom
    rows = [["城市名称", None, "年末户籍人口(万人)", None, "人口密度(人/平方公里)", "地区生产总值(亿元)"],
            [None, None, "市辖区", "全市", "全市", "全市"],
            ["武汉", "Wuhan", 500.5, 800.25, 1200, "1 234.5678"],
            ["长沙", "Changsha", 300.0, 700.0, 900, 98.7],
            ["合计", None, 800.5, 1500.25, None, None]]
    path = book(tmp_path / "x.xlsx", {"表7 人口与经济": rows, "附录": [["本年鉴由…编辑"]]})
    long, log = run(path, setup, {"pop", "pop_district", "gdp"})
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("420100", "pop")] == 800.25 and values[("420100", "pop_district")] == 500.5
    assert values[("420100", "gdp")] == pytest.approx(12345678.0)
    assert values[("430100", "gdp")] == pytest.approx(987000.0)
    assert "ignored_column" in set(log["action"]) and "skipped_sheet" in set(log["action"])


def test_unit_line_merged_title_and_three_level_header(tmp_path, setup):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["3-14 从业人员", "3-14 从业人员", "3-14 从业人员", "3-14 从业人员"])
    sheet.merge_cells("A1:D1")
    sheet.append(["单位：万人"])
    sheet.append(["城市", "City", "第三产业", None])
    sheet.append([None, None, "(14)公共管理和社会组织", "城镇私营和个体从业人员"])
    sheet.append(["    南昌市", "Nanchang", 5.5, "12,50"])
    path = tmp_path / "y.xlsx"
    workbook.save(path)
    long, log = run(path, setup, {"emp_public_admin", "emp_private"})
    values = long.set_index("field")["value"]
    assert values["emp_public_admin"] == 5.5 and values["emp_private"] == 12.5
    assert (log["action"] == "assumed_scope").sum() == 2  # no 全市/市辖区 label: logged, not silent


def test_not_a_workbook(tmp_path, setup):
    path = tmp_path / "中国城市统计年鉴2011.xlsx"
    path.write_text("this is a CSV, not a workbook", encoding="utf-8")
    with pytest.raises(ExtractionError, match="中国城市统计年鉴2011.xlsx: not a readable Excel workbook"):
        run(path, setup, {"gdp"})


def test_sheet_of_city_rows_with_no_known_header(tmp_path, setup):
    path = book(tmp_path / "x.xlsx", {"2-9 GDP": [["城市", None, "GDP总量(万元)"], ["武汉市", "Wuhan", 1.0]]})
    with pytest.raises(ExtractionError, match=r"sheet '2-9 GDP': the sheet has city rows \(from row 2\) but no header "
                                              r"matches a known field. Tried the header cells C1 'GDP总量'"):
        run(path, setup, {"gdp"})


def test_required_field_missing_from_an_edition(tmp_path, setup):
    path = book(tmp_path / "x.xlsx", {"2-1": HEADER + [["武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]})
    with pytest.raises(ExtractionError, match=r"data year 2010\): no sheet has a column for field\(s\) retail"):
        run(path, setup, {"gdp", "pop", "retail"})


def test_unknown_city_lists_close_matches(tmp_path, setup):
    path = book(tmp_path / "x.xlsx", {"2-1": HEADER + [["武汗市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]})
    with pytest.raises(ExtractionError,
                       match=r"cell A3: city name '武汗市' matches no name.*close matches: 武汉 \(420100\)"):
        run(path, setup, {"gdp", "pop"})


def test_same_city_twice(tmp_path, setup):
    rows = HEADER + [["武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0], ["武汉", "Wuhan", 1.0, 1.0, 2.0, 1.0]]
    path = book(tmp_path / "x.xlsx", {"2-1": rows})
    with pytest.raises(ExtractionError, match="city 420100 .* appears twice, rows 3 and 4"):
        run(path, setup, {"gdp", "pop"})


def test_unknown_unit(tmp_path, setup):
    rows = [["城市", None, "地区生产总值(千美元)"], [None, None, "全市"], ["武汉市", "Wuhan", 5.0]]
    path = book(tmp_path / "x.xlsx", {"2-1": rows})
    with pytest.raises(ExtractionError, match="cell C1: .*(unknown unit|no unit).*field gdp.*万元"):
        run(path, setup, {"gdp"})


def test_unit_of_the_wrong_dimension(tmp_path, setup):
    rows = [["城市", None, "地区生产总值(万人)"], [None, None, "全市"], ["武汉市", "Wuhan", 5.0]]
    path = book(tmp_path / "x.xlsx", {"2-1": rows})
    with pytest.raises(ExtractionError, match="万人 .*cannot be converted to 万元"):
        run(path, setup, {"gdp"})


def test_negative_count(tmp_path, setup):
    rows = [["城市", None, "医院床位数(张)"], [None, None, "全市"], ["荆门市", "Jingmen", -40]]
    path = book(tmp_path / "x.xlsx", {"2-1": rows})
    with pytest.raises(ExtractionError, match="cell C3, city 420800, year 2010, field hospital_beds: negative"):
        run(path, setup, {"hospital_beds"})


def test_percentage_above_100(tmp_path, setup):
    rows = [["城市", None, "生活垃圾无害化处理率(%)"], [None, None, "全市"], ["鹰潭市", "Yingtan", "103.5"]]
    path = book(tmp_path / "x.xlsx", {"2-1": rows})
    with pytest.raises(ExtractionError, match="city 360600, year 2010, field garbage_harmless_rate: 103.5 % is above"):
        run(path, setup, {"garbage_harmless_rate"})


def test_edition_for_a_year_outside_the_config():
    with pytest.raises(ExtractionError, match="中国城市统计年鉴2022.xlsx: data year 2021 is outside the configured"):
        yearbook.check_year("in/中国城市统计年鉴2022.xlsx", 2021, list(range(2002, 2020)))


def test_conflicting_duplicate_field_in_one_edition(tmp_path, setup):
    one = [["城市", None, "年末实有城市道路面积(万平方米)"], [None, None, "市辖区"], ["武汉市", "Wuhan", 100.0]]
    two = [["城市", None, "年末实有铺装道路面积(万平方米)"], [None, None, "市辖区"], ["武汉市", "Wuhan", 120.0]]
    path = book(tmp_path / "x.xlsx", {"a": one, "b": two})
    with pytest.raises(ExtractionError, match=r"road_area of city 420100 .* conflicting values "
                       r"100 \(x.xlsx, sheet 'a', cell C3\) and 120 \(x.xlsx, sheet 'b', cell C3\)"):
        run(path, setup, {"road_area"})


def test_the_raw_file_is_not_modified(tmp_path, setup, resources):
    path = resources / "demo" / "yearbook" / "中国城市统计年鉴2010.xlsx"
    before = path.read_bytes()
    run(path, setup, setup["wanted"], year=2009)
    assert path.read_bytes() == before


def test_province_rows_totals_and_footnotes_are_dropped(tmp_path, setup):
    rows = HEADER + [["城市合计", "Total", 9.0, 9.0, 9.0, 9.0], ["湖北省", "Hubei"],
                     ["  武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0],
                     ["注：本表不含县级市。"]]
    long, _ = run(book(tmp_path / "x.xlsx", {"2-1": rows}), setup, {"gdp", "pop"})
    assert set(long["admin_code"]) == {"420100"} and np.allclose(long["value"], [1.0, 2.0])


def test_a_heading_named_like_a_city_is_not_a_duplicate(tmp_path, setup):
    # a group heading without values that carries a city's name, then the city's own row
    rows = HEADER + [["武汉市", "Wuhan"], ["  武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]
    long, log = run(book(tmp_path / "x.xlsx", {"2-1": rows}), setup, {"gdp", "pop"})
    assert long["value"].tolist() == [1.0, 2.0]
    assert log.loc[log["action"] == "empty_row", "cell"].tolist() == ["A3"]


# ---------------------------------------------------------------- plausibility and real-edition layouts

def test_district_larger_than_the_whole_city_stops_naming_both_cells(tmp_path, setup):
    rows = [*HEADER, ["武汉市", "Wuhan", 5000.0, 9000.0, 800.0, 500.0]]  # GDP 市辖区 > 全市: labels swapped
    path = book(tmp_path / "x.xlsx", {"2-3 地区生产总值": rows})
    with pytest.raises(checks.DataCheckError, match=(
            r"x.xlsx, sheet '2-3 地区生产总值', row 3: city 420100, year 2010, field gdp: the 市辖区 value 9000 "
            r"\(cell D3\) is larger than the 全市 value 5000 \(cell C3\).*columns C and D swapped")):
        run(path, setup, {"gdp", "pop"})
    known = checks.KnownBreaks(pd.DataFrame({"admin_code": ["420100"], "field": ["gdp"], "first_year": ["2010"],
                                             "reason": ["yearbook error confirmed with the city bureau"]}))
    long, log = yearbook.extract_workbook(path, 2010, setup["names"], setup["fields"], setup["units"], {"gdp"}, known)
    accepted = log[log["action"] == "accepted_finding"]
    assert accepted[["admin_code", "field", "year"]].values.tolist() == [["420100", "gdp", 2010]]
    assert long.set_index("field").at["gdp", "value"] == 5000.0
    [row] = accepted.to_dict("records")
    assert (row["file"], row["sheet"], row["cell"], row["written"]) == ("x.xlsx", "2-3 地区生产总值", "", "")
    assert math.isnan(row["value"]) and row["note"] == (
        "x.xlsx, sheet '2-3 地区生产总值', row 3: city 420100, year 2010, field gdp: the 市辖区 value 9000 (cell D3) "
        "is larger than the 全市 value 5000 (cell C3); the districts are part of the whole city — are the 全市 and "
        "市辖区 columns C and D swapped? — accepted: yearbook error confirmed with the city bureau")


def test_zero_where_zero_is_impossible_is_set_missing_with_a_log_row(tmp_path, setup, resources):
    raw_fields = tables.read_raw_fields(resources / "raw_fields.csv")
    indicators = tables.read_indicators(resources / "indicators.csv")
    fields = yearbook.FieldMap.build(raw_fields, tables.divisor_fields(tables.parse_formulas(indicators, raw_fields)))
    assert {"gdp", "pop", "pop_district", "industry_va", "emp_units"} <= fields.never_zero
    assert "patents" not in fields.never_zero and "fdi_usd" not in fields.never_zero
    rows = [*HEADER, ["武汉市", "Wuhan", 0, None, 800.0, 500.0]]
    path = book(tmp_path / "x.xlsx", {"2-3": rows})
    long, log = yearbook.extract_workbook(path, 2010, setup["names"], fields, setup["units"], {"gdp", "pop"})
    assert math.isnan(long.set_index("field").at["gdp", "value"])
    entry = log[log["action"] == "impossible_zero"].iloc[0]
    assert (entry["cell"], entry["admin_code"], entry["field"], entry["written"]) == ("C3", "420100", "gdp", "0")
    assert entry["note"] == "0 is impossible for gdp (a size or a formula's divisor): set missing"


def test_a_city_missing_from_a_sheet_is_logged(tmp_path, setup):
    rows = [*HEADER, ["武汉市", "Wuhan", 5000.0, 4000.0, 800.0, 500.0]]
    path = book(tmp_path / "中国城市统计年鉴2011.xlsx", {"2-1 人口": rows})
    _, log = run(path, setup, {"gdp", "pop"})
    missing = log[(log["action"] == "row_missing") & (log["admin_code"] == "360400")]
    assert missing[["field", "sheet", "year"]].values.tolist() == [["gdp", "2-1 人口", 2010], ["pop", "2-1 人口", 2010]]
    assert missing["note"].iloc[0] == "city 360400 has no row in sheet '2-1 人口' of 中国城市统计年鉴2011.xlsx"
    assert "420100" not in set(log.loc[log["action"] == "row_missing", "admin_code"])


@pytest.mark.parametrize("numbers", [[None, None, 1, 2, 3, 4], ["甲", "乙", 1, 2, 3, 4],
                                     ["栏次", None, "(1)", "(2)", "(3)", "(4)"]])
def test_a_row_of_column_numbers_under_the_header_is_skipped(tmp_path, setup, numbers):
    rows = [*HEADER, numbers, ["武汉市", "Wuhan", 5000.0, 4000.0, 800.0, 500.0]]
    long, _ = run(book(tmp_path / "x.xlsx", {"2-3": rows}), setup, {"gdp", "pop", "pop_district"})
    assert long.set_index("field")["value"].to_dict() == {"gdp": 5000.0, "pop": 800.0, "pop_district": 500.0}


def test_scope_given_only_in_the_title(tmp_path, setup):
    rows = [["2-1 人口（市辖区）"], ["城市", None, "年末总人口(万人)"], ["武汉市", "Wuhan", 500.0]]
    long, log = run(book(tmp_path / "x.xlsx", {"Sheet1": rows}), setup, {"pop_district"})
    assert long.set_index("field").at["pop_district", "value"] == 500.0
    assert "taken as 市辖区, named in the title" in log.loc[log["action"] == "assumed_scope", "note"].iloc[0]
    whole = [["按全市分"], ["城市", None, "年末总人口(万人)"], ["武汉市", "Wuhan", 800.0]]
    long, _ = run(book(tmp_path / "y.xlsx", {"Sheet1": whole}), setup, {"pop"})
    assert long.set_index("field").at["pop", "value"] == 800.0


def test_a_table_without_the_english_name_column(tmp_path, setup):
    rows = [["城市", "地区生产总值(万元)", None, "年末总人口(万人)", None],
            [None, "全市", "市辖区", "全市", "市辖区"],
            ["武汉市", 5000.0, 4000.0, 800.0, 500.0], ["长沙市", 3000.0, 2000.0, 700.0, 300.0]]
    long, _ = run(book(tmp_path / "x.xlsx", {"2-3": rows}), setup, {"gdp", "pop", "pop_district"})
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("420100", "gdp")] == 5000.0 and values[("430100", "pop_district")] == 300.0


def test_a_continuation_sheet_continues_the_previous_columns(tmp_path, setup):
    first = [["2-1 人口"], *HEADER, ["武汉市", "Wuhan", 5000.0, 4000.0, 800.0, 500.0]]
    more = [["2-1 人口（续）"], ["长沙市", "Changsha", 3000.0, 2000.0, 700.0, 300.0]]
    long, log = run(book(tmp_path / "x.xlsx", {"2-1": first, "2-1续": more}), setup, {"gdp", "pop"})
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("430100", "gdp")] == 3000.0 and values[("430100", "pop")] == 700.0
    assert log.loc[log["action"] == "continued_sheet", "sheet"].tolist() == ["2-1续"]
    with pytest.raises(ExtractionError, match="sheet 'Sheet2': city rows start at row 1 but there is no header row"):
        run(book(tmp_path / "y.xlsx", {"2-1": first, "Sheet2": more[1:]}), setup, {"gdp", "pop"})


def write_xls(path, rows, merges=()):
    """A real BIFF8 workbook written by xlwt (the writer legacy editions were made with)."""
    xlwt = pytest.importorskip("xlwt")
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("2-3 地区生产总值")
    merged = {(r0, c0) for r0, _, c0, _ in merges}
    for r0, r1, c0, c1 in merges:
        sheet.write_merge(r0, r1, c0, c1, rows[r0][c0])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in merged:
                sheet.write(r, c, value)
    workbook.save(str(path))
    return path


def test_a_legacy_xls_edition_reads_like_the_xlsx(tmp_path, setup):
    rows = [["2-3 地区生产总值", None, None, None, None, None],
            ["城市", "City", "地区生产总值(万元)", None, "年末总人口(万人)", None],
            [None, None, "全市", "市辖区", "全市", "市辖区"],
            ["武汉市", "Wuhan", "5 000.5", 4000.0, 800.0, "-"],
            ["  长沙市", "Changsha", 3000.0, 2000.0, 700.0, 300.0]]
    xls = write_xls(tmp_path / "中国城市统计年鉴2011.xls", rows, merges=[(1, 1, 2, 3), (1, 1, 4, 5)])
    assert xls.read_bytes()[:8] == yearbook.OLE2_MAGIC
    long_xls, log_xls = run(xls, setup, {"gdp", "pop", "pop_district"})
    sheet = Workbook()
    for row in rows:
        sheet.active.append(row)
    sheet.active.merge_cells("C2:D2")
    sheet.active.merge_cells("E2:F2")
    sheet.active.title = "2-3 地区生产总值"
    sheet.save(tmp_path / "中国城市统计年鉴2011.xlsx")
    long_xlsx, log_xlsx = run(tmp_path / "中国城市统计年鉴2011.xlsx", setup, {"gdp", "pop", "pop_district"})
    pd.testing.assert_frame_equal(long_xls.drop(columns="file"), long_xlsx.drop(columns="file"))
    same_name = log_xlsx.assign(file=log_xls["file"], note=log_xlsx["note"].str.replace(".xlsx", ".xls"))
    pd.testing.assert_frame_equal(log_xls, same_name)
    assert set(log_xls["action"]) == {"ignored_column", "repaired", "missing", "row_missing"}
    assert long_xls.set_index(["admin_code", "field"]).at[("420100", "gdp"), "value"] == 5000.5


def test_an_xls_named_xlsx_is_refused_saying_so(tmp_path, setup):
    xls = write_xls(tmp_path / "a.xls", [["城市", None, "地区生产总值(万元)"], ["武汉市", None, 1.0]])
    renamed = tmp_path / "中国城市统计年鉴2011.xlsx"
    xls.rename(renamed)
    with pytest.raises(ExtractionError, match=r"中国城市统计年鉴2011.xlsx: this is a legacy .xls \(BIFF\) "
                                              r"workbook named .xlsx; rename it to 中国城市统计年鉴2011.xls"):
        run(renamed, setup, {"gdp"})


def test_column_letters_as_excel_names_them():
    from openpyxl.utils import get_column_letter

    for number in (1, 2, 26, 27, 52, 53, 702, 703, 16384):
        assert yearbook.get_column_letter(number) == get_column_letter(number)


def test_workbook_format_messages_in_full(tmp_path):
    def said(name: str, content: bytes | None) -> str:
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(ExtractionError) as error:
            yearbook.read_workbook(path)
        return str(error.value)

    assert said("a.xlsx", yearbook.OLE2_MAGIC + b"rest") == (
        "a.xlsx: this is a legacy .xls (BIFF) workbook named .xlsx; rename it to a.xls (the workflow reads .xls "
        "editions as they are)")
    assert said("b.XLS", yearbook.ZIP_MAGIC + b"rest") == (
        "b.XLS: this is an .xlsx workbook named .xls; rename it to b.xlsx")
    assert said("c.xlsx", b"<html>404</html>") == (
        "c.xlsx: not a readable Excel workbook (.xlsx or .xls): the file starts with b'<html>40', neither a ZIP "
        "(.xlsx) nor an OLE2 (.xls) header")
    assert said("d.xlsx", None).startswith("d.xlsx: cannot be read: ")
    assert said("e.xlsx", yearbook.ZIP_MAGIC + b"not really a zip").startswith(
        "e.xlsx: not a readable Excel workbook (.xlsx or .xls): ")


def test_plausibility_of_a_single_value_in_full():
    for kind in ("amount", "count", "percent"):
        with pytest.raises(ExtractionError) as error:
            yearbook.check_plausible(-2.5, kind, "f.xlsx, cell C4", "%")
        assert str(error.value) == f"f.xlsx, cell C4: negative value -2.5; a {kind} cannot be negative"
    yearbook.check_plausible(-2.5, "rate", "f.xlsx, cell C4", "%")  # a rate (growth) may be negative
    yearbook.check_plausible(0.0, "amount", "w", "万元")
    yearbook.check_plausible(100.0, "percent", "w", "%")
    yearbook.check_plausible(150.0, "amount", "w", "万元")
    with pytest.raises(ExtractionError) as error:
        yearbook.check_plausible(100.5, "percent", "f.xlsx, cell D9", "%")
    assert str(error.value) == "f.xlsx, cell D9: 100.5 % is above 100, impossible for this share"
    assert yearbook.spans_row(["title", None, "title"]) and not yearbook.spans_row(["title", None, None])
    assert not yearbook.spans_row([None, "a", "a"]) and not yearbook.spans_row(["a", "b", "a"])


MESSAGES = {
    "unknown city": ({"2-1": HEADER + [["武汗市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]}, {"gdp", "pop"},
                     "x.xlsx, sheet '2-1', cell A3: city name '武汗市' matches no name or alias (close matches: 武汉 "
                     "(420100), 武威 (620600)); add it to the aliases in the city table"),
    "city twice": ({"2-1": HEADER + [["武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0], ["武汉", "Wuhan", 1.0, 1.0, 2.0, 1.0]]},
                   {"gdp", "pop"}, "x.xlsx, sheet '2-1': city 420100 (武汉) appears twice, rows 3 and 4"),
    "unknown unit": (
        {"2-1": [["城市", None, "地区生产总值(千美元)"], [None, None, "全市"], ["武汉市", "Wuhan", 5.0]]}, {"gdp"},
        "x.xlsx, sheet '2-1', cell C1: unknown unit '千美元' for '地区生产总值' (field gdp); expected a unit "
        "convertible to 万元 — add it to the units table"),
    "unit of another dimension": (
        {"2-1": [["城市", None, "地区生产总值(万人)"], [None, None, "全市"], ["武汉市", "Wuhan", 5.0]]}, {"gdp"},
        "x.xlsx, sheet '2-1', cell C1: 万人 (persons) cannot be converted to 万元 (money_cny) (field gdp)"),
    "negative count": ({"2-1": [["城市", None, "医院床位数(张)"], [None, None, "全市"], ["荆门市", "Jingmen", -40]]},
                       {"hospital_beds"}, "x.xlsx, sheet '2-1', cell C3, city 420800, year 2010, field hospital_beds: "
                       "negative value -40; a count cannot be negative"),
    "share above 100": (
        {"2-1": [["城市", None, "生活垃圾无害化处理率(%)"], [None, None, "全市"], ["鹰潭市", "Yingtan", "103.5"]]},
        {"garbage_harmless_rate"}, "x.xlsx, sheet '2-1', cell C3, city 360600, year 2010, field garbage_harmless_rate: "
        "103.5 % is above 100, impossible for this share"),
    "conflicting duplicate": (
        {"a": [["城市", None, "年末实有城市道路面积(万平方米)"], [None, None, "市辖区"], ["武汉市", "Wuhan", 100.0]],
         "b": [["城市", None, "年末实有铺装道路面积(万平方米)"], [None, None, "市辖区"], ["武汉市", "Wuhan", 120.0]]},
        {"road_area"}, "x.xlsx: field road_area of city 420100 (year 2010) is printed twice with conflicting values "
        "100 (x.xlsx, sheet 'a', cell C3) and 120 (x.xlsx, sheet 'b', cell C3); remove the wrong copy or correct "
        "the cell"),
    "no known header": (
        {"2-9 GDP": [["2-9 GDP"], ["城市", "City", "GDP总量(万元)", "人口总量", None],
                     [None, None, "全市", "市辖区", "市辖区"], ["武汉市", "Wuhan", 1.0, 2.0, 3.0]]}, {"gdp"},
        "x.xlsx, sheet '2-9 GDP': the sheet has city rows (from row 4) but no header matches a known field. "
        "Tried the header cells C2 'GDP总量' (全市), D2 '人口总量' (市辖区), E2 '人口总量' (市辖区) (headers read "
        "from rows 2, 3, values from column C). If a header is a new spelling, add it to header_variants in the raw "
        "field table; otherwise remove the sheet from the workbook copy you point to"),
    "field in two columns": (
        {"2-1": [["城市", "地区生产总值(万元)", "地区生产总值(亿元)"], ["武汉市", 5.0, 6.0]]}, {"gdp"},
        "x.xlsx, sheet '2-1', cell C1: field gdp (no scope) appears in two columns of the same sheet"),
}


@pytest.mark.parametrize("case", list(MESSAGES))
def test_extraction_messages_in_full(tmp_path, setup, case):
    sheets, wanted, expected = MESSAGES[case]
    with pytest.raises(ExtractionError) as error:
        run(book(tmp_path / "x.xlsx", sheets), setup, wanted)
    assert str(error.value) == expected


def test_edition_outside_the_years_message_in_full():
    with pytest.raises(ExtractionError) as error:
        yearbook.check_year("in/中国城市统计年鉴2022.xlsx", 2021, list(range(2002, 2020)))
    assert str(error.value) == ("中国城市统计年鉴2022.xlsx: data year 2021 is outside the configured years 2002-2019; "
                                "check inputs.yearbook.edition_offset and years")


def test_a_whole_edition_long_table_and_cleaning_log_by_hand(tmp_path, setup):
    """Five sheets with most of what an edition holds: scopes in a header row, in the title and
    missing; units in the header, in a parent header and converted; an unknown column and one of an
    unused scope; a renamed city, an empty row, a continuation sheet, a notes sheet."""
    first = [["2-1 人口与经济"],
             ["城市", "City", "年末总人口(万人)", None, "地区生产总值(亿元)", "人均绿地(平方米)"],
             [None, None, "全市", "市辖区", "全市", None],
             ["武汉市", "Wuhan", 800.0, 500.0, 12.5, 3.0],
             ["襄樊市", "Xiangfan", 590.0, 220.0, 1.5, 2.0],
             ["黄石市", "Huangshi", None, None, None, None]]
    more = [["2-1 人口与经济（续）"], ["长沙市", "Changsha", 700.0, 300.0, 9.0, 1.0]]
    water = [["2-2 供水（市辖区）"], ["城市", None, "供水总量(万吨)"], ["武汉市", None, 1000.0]]
    jobs = [["2-3 从业与用电"],
            ["城市", None, "从业人员(人)", "工业用电量(万千瓦时)", "工业用电量(万千瓦时)", "互联网用户数(万户)"],
            [None, None, "城镇私营和个体从业人员", "全市", "市辖区", None],
            ["武汉市", None, 125000, 900.0, 600.0, 300.0]]
    path = book(tmp_path / "中国城市统计年鉴2011.xlsx",
                {"2-1 人口": first, "2-1续": more, "说明": [["本年鉴由…编辑"]], "2-2 供水": water, "2-3": jobs})
    wanted = {"pop", "pop_district", "gdp", "water_supply", "emp_private", "elec_industry", "internet_users"}
    long, log = run(path, setup, wanted)
    assert long[["admin_code", "field", "value", "unit", "sheet", "cell"]].values.tolist() == [
        ["420100", "elec_industry", 900.0, "万千瓦时", "2-3", "D4"],
        ["420100", "emp_private", 12.5, "万人", "2-3", "C4"],  # 125000 人 from the parent header's unit
        ["420100", "gdp", 125000.0, "万元", "2-1 人口", "E4"],  # 12.5 亿元
        ["420100", "internet_users", 300.0, "万户", "2-3", "F4"],
        ["420100", "pop", 800.0, "万人", "2-1 人口", "C4"],
        ["420100", "pop_district", 500.0, "万人", "2-1 人口", "D4"],
        ["420100", "water_supply", 1000.0, "万吨", "2-2 供水", "C3"],
        ["420600", "gdp", 15000.0, "万元", "2-1 人口", "E5"],
        ["420600", "pop", 590.0, "万人", "2-1 人口", "C5"],
        ["420600", "pop_district", 220.0, "万人", "2-1 人口", "D5"],
        ["430100", "gdp", 90000.0, "万元", "2-1续", "E2"],
        ["430100", "pop", 700.0, "万人", "2-1续", "C2"],
        ["430100", "pop_district", 300.0, "万人", "2-1续", "D2"],
    ]
    assert set(long["file"]) == {"中国城市统计年鉴2011.xlsx"} and set(long["year"]) == {2010}
    assert list(log.columns) == yearbook.LOG_COLUMNS
    assert set(log["file"]) == {"中国城市统计年鉴2011.xlsx"} and set(log["year"]) == {2010}
    decisions = log[log["action"] != "row_missing"]
    scope_note = "no 全市/市辖区 label; taken as 全市, the field's scope"
    assert decisions.drop(columns=["file", "year", "value"]).values.tolist() == [
        ["2-1 人口", "E2", "", "gdp", "地区生产总值(亿元)", "converted_unit",
         "values in 亿元 multiplied by 10000 to 万元"],
        ["2-1 人口", "F2", "", "", "人均绿地(平方米)", "ignored_column", "header matches no raw field"],
        ["2-1 人口", "A5", "420600", "", "襄樊市", "resolved_name", "printed name resolved to 420600"],
        ["2-1 人口", "A6", "420200", "", "黄石市", "empty_row", "row has a name but no values"],
        ["2-1续", "", "", "", "2-1续", "continued_sheet",
         "no header of its own: continues the columns of the previous sheet"],
        ["说明", "", "", "", "", "skipped_sheet", "no city rows: not a data table"],
        ["2-2 供水", "", "", "", "2-2 供水", "assumed_scope",
         "columns without a 全市/市辖区 label taken as 市辖区, named in the title"],
        ["2-3", "C2", "", "emp_private", "城镇私营和个体从业人员", "assumed_scope", scope_note],
        ["2-3", "C2", "", "emp_private", "城镇私营和个体从业人员", "converted_unit",
         "values in 人 multiplied by 0.0001 to 万人"],
        ["2-3", "E2", "", "", "工业用电量(万千瓦时)", "ignored_column", "scope 市辖区 not used"],
        ["2-3", "F2", "", "internet_users", "互联网用户数(万户)", "assumed_scope", scope_note],
    ]
    values = decisions["value"].tolist()
    assert values[0] == 10000.0 and values[8] == pytest.approx(1e-4) and all(
        math.isnan(v) for k, v in enumerate(values) if k not in (0, 8))
    missing = log[log["action"] == "row_missing"]
    assert len(missing) == 34 * 7 - 13  # every city of the table and field without a value
    where = {"2-1 人口": "'2-1 人口' / '2-1续'", "2-2 供水": "'2-2 供水'", "2-3": "'2-3'"}
    huangshi = missing[missing["admin_code"] == "420200"]
    assert huangshi[["sheet", "field"]].values.tolist() == [
        ["2-3", "elec_industry"], ["2-3", "emp_private"], ["2-1 人口", "gdp"], ["2-3", "internet_users"],
        ["2-1 人口", "pop"], ["2-1 人口", "pop_district"], ["2-2 供水", "water_supply"]]
    for row in huangshi.itertuples():
        assert row.note == f"city 420200 has no row in sheet {where[row.sheet]} of 中国城市统计年鉴2011.xlsx"
        assert (row.cell, row.written) == ("", "") and math.isnan(row.value)


def test_values_without_a_name_and_fields_printed_twice(tmp_path, setup):
    rows = [*HEADER, ["武汉市", "Wuhan", 5000.0, 4000.0, 800.0, 500.0], [None, None, 1.0, None, None, None]]
    with pytest.raises(ExtractionError) as error:
        run(book(tmp_path / "x.xlsx", {"2-1": rows}), setup, {"gdp"})
    assert str(error.value) == "x.xlsx, sheet '2-1', row 4: values but no city name in column A"
    # the same field in two sheets with the same value: one row, from the first sheet
    again = [*HEADER, ["武汉市", "Wuhan", 5000.0, 4000.0, 801.0, 500.0]]
    long, _ = run(book(tmp_path / "y.xlsx", {"2-1": rows[:-1], "2-9": again}), setup, {"gdp", "pop_district"})
    assert long[["admin_code", "field", "value", "sheet", "cell"]].values.tolist() == [
        ["420100", "gdp", 5000.0, "2-1", "C3"], ["420100", "pop_district", 500.0, "2-1", "F3"]]


@pytest.mark.parametrize("text, expected", [
    ("年末总人口(万人)_x000D_Year-end population", ("年末总人口", "万人", "")),
    ("年末总人口(万人)\nYear-end population", ("年末总人口", "万人", "")),
    ("年末总人口_全市", ("年末总人口", "", "全市")),
    ("年末总人口.市辖区", ("年末总人口", "", "市辖区")),
    ("年末总人口·全市", ("年末总人口", "", "全市")),
    ("年末总人口 市辖区", ("年末总人口", "", "市辖区")),
    ("年末总人口(万人)_市辖区", ("年末总人口", "万人", "市辖区")),
    ("地区 生产 总值 (万元)", ("地区生产总值", "万元", "")),
    ("医院 床位数", ("医院床位数", "", "")),
    ("地区生产总值(千美元)", ("地区生产总值(千美元)", "", "")),  # not a known unit: left in the name
])
def test_split_header_forms(setup, text, expected):
    assert yearbook.split_header(text, setup["units"]) == expected


def test_value_column_counts_numbers_against_names_in_column_b():
    names = [["武汉市", "Wuhan", 1.0], ["长沙市", "Changsha", 2.0]]
    assert yearbook.value_column(names, 0) == 2
    assert yearbook.value_column([["武汉市", 5.0, 1.0], ["长沙市", "1 234", 2.0]], 0) == 1  # repaired counts
    assert yearbook.value_column([["武汉市", 5.0, 1.0], ["长沙市", "Changsha", 2.0]], 0) == 2  # a tie: names
    skipped = [["武汉市"], [None, 5.0], ["长沙市", None, 3.0], ["南昌市", "Nanchang", 1.0]]
    assert yearbook.value_column(skipped, 0) == 2 and yearbook.value_column([["城市", 5.0], *names], 1) == 2
    forty = [["x", "X", 1.0]] * 20 + [["y", 3.0, 1.0]] * 20 + [["z", 4.0, 1.0]]
    assert yearbook.value_column(forty, 0) == 2  # only the first 40 rows are looked at


def test_first_data_row_by_hand(setup):
    names = setup["names"]
    header = ["城市", None, "地区生产总值"]
    assert yearbook.first_data_row([["单位：万元", None, 2019], header, ["某某县", None, 5.0]], names) == 2
    assert yearbook.first_data_row([[2019, 2019, 2019], header, ["某某县", None, 5.0]], names) == 2  # merged title
    assert yearbook.first_data_row([header, ["栏次", 1, 2], ["某某县", 5.0, None]], names) == 2  # numbers; value in B
    assert yearbook.first_data_row([header, ["湖北省", None, None], ["武汉市", None, 1.0]], names) == 1
    assert yearbook.first_data_row([header, ["北京市", None, None], ["武汉市", None, 1.0]], names) == 1  # other city
    assert yearbook.first_data_row([header, ["合计", None, None]], names) == 1
    assert yearbook.first_data_row([header, [None, None, 5.0], ["某某县", "x", None]], names) is None


def test_unit_line_the_last_above_the_table_in_any_column_is_taken_and_cleared():
    def grid():
        return [["单位：万元"], [None, None, "单位: 千 册"], ["城市", None, "藏书"], ["武汉市", None, 1.0],
                ["单位：人"]]
    taken = grid()
    assert yearbook.take_unit_lines(taken, 3) == "千册"
    assert taken[:2] == [[None], [None, None, None]] and taken[4] == ["单位：人"]  # below the header: left alone
    assert yearbook.take_unit_lines(grid(), 1) == "万元" and yearbook.take_unit_lines(grid(), 0) == ""
    assert yearbook.take_unit_lines([["单位：万元 Unit: 10 000 yuan"]], 1) == "万元"


def test_cell_values_as_read():
    assert yearbook._value("武汉市_x000D_") == "武汉市" and yearbook._value("a\rb") == "ab"
    assert yearbook._value("_x000D_") is None and yearbook._value("") is None
    assert yearbook._value(3.0) == 3 and isinstance(yearbook._value(3.0), int) and yearbook._value(3.5) == 3.5


def test_merged_ranges_fill_every_cell_up_to_the_sheet_edge(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "m"
    for row in (["标题", None, None], ["城市", "人口", None], ["武汉市", 1, 2], [None, None, 3]):
        sheet.append(row)
    sheet.merge_cells("A1:C1")   # the whole first row
    sheet.merge_cells("B2:C2")   # to the last column
    sheet.merge_cells("A3:A4")   # to the last row
    workbook.save(tmp_path / "m.xlsx")
    [read] = yearbook.read_workbook(tmp_path / "m.xlsx")
    assert read.title == "m"
    assert read.grid == [["标题", "标题", "标题"], ["城市", "人口", "人口"], ["武汉市", 1, 2], ["武汉市", None, 3]]


def test_units_and_aliases(resources):
    units = yearbook.Units(pd.DataFrame({"unit": ["万元", "亿元", "%"], "dimension": ["money", "money", "share"],
                                        "factor": [1e4, 1e8, 1.0], "aliases": ["万 元|万元人民币", None, "％"]}))
    assert units.known("万元人民币") and units.known("万 元") and units.known("％") and not units.known("千元")
    assert units.factor("亿元", "万元人民币") == 1e4
    assert units.canonical_names == {"万元": "万元", "亿元": "亿元", "%": "%"}
    with pytest.raises(KeyError, match="千元"):
        units.factor("千元", "万元")


def test_province_names_and_leaked_province_cities(setup):
    names = setup["names"]
    for printed in ("湖北省", "湖北", "湖南省", "江西省", "湖北市", "湖南市", "江西市", "广西壮族自治区"):
        assert names.resolve(printed) == (None, "province"), printed
    assert names.resolve("武汉") == ("420100", "city") and names.resolve("石家庄市") == ("130100", "other_city")
    assert names.resolve("湖北大学") == (None, "unknown")
    assert len(names.close_matches("湖州州州")) <= 5


def test_a_continuation_named_only_in_its_title_line(tmp_path, setup):
    first = [["2-1 人口"], *HEADER, ["武汉市", "Wuhan", 5000.0, 4000.0, 800.0, 500.0]]
    more = [["2-1 人口（续）"], ["长沙市", "Changsha", 3000.0, 2000.0, 700.0, 300.0]]
    long, log = run(book(tmp_path / "x.xlsx", {"2-1": first, "Sheet3": more}), setup, {"gdp", "pop"})
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("430100", "gdp")] == 3000.0 and values[("430100", "pop")] == 700.0
    [row] = log[log["action"] == "continued_sheet"].to_dict("records")
    assert (row["sheet"], row["written"], row["cell"]) == ("Sheet3", "Sheet3", "") and math.isnan(row["value"])
