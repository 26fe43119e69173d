"""Yearbook extraction: demo workbooks against the generator's truth, bad input, other layouts."""

import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from urban_resilience import demo, extract, tables
from urban_resilience.extract import ExtractionError


@pytest.fixture(scope="module")
def setup(resources):
    raw_fields = tables.read_raw_fields(resources / "raw_fields.csv")
    names = extract.Names.build(tables.read_cities(resources / "cities.csv"),
                                pd.read_csv(resources / "admin_codes.csv", dtype=str, keep_default_na=False))
    return {"names": names, "fields": extract.FieldMap.build(raw_fields),
            "units": extract.Units(tables.read_units(resources / "units.csv")),
            "wanted": set(raw_fields.loc[raw_fields["source"] == "yearbook", "field"])}


@pytest.fixture(scope="module")
def extracted(resources, setup):
    frames, logs = [], []
    for edition in demo.EDITIONS:
        long, log = extract.extract_workbook(resources / "demo" / "yearbook" / f"中国城市统计年鉴{edition}.xlsx",
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
    cities = set(tables.read_cities(resources / "cities.csv")["admin_code"])
    assert set(long["admin_code"]) == cities  # 十堰, 邵阳, 赣州 are recognised and left out
    assert len(long) == 28 * 18 * 31
    checked_repairs = 0
    for row in long.itertuples():
        key = (row.admin_code, row.year, row.field)
        if key in expected_missing:
            assert math.isnan(row.value), key
        else:
            assert row.value == pytest.approx(truth.at[(row.admin_code, row.year), row.field], rel=1e-9), key
            checked_repairs += key in repaired
    manifest_missing_in_scope = {k for k in expected_missing if k[2] in set(long["field"]) and k[0] in cities}
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
    return extract.extract_workbook(path, year, setup["names"], setup["fields"], setup["units"], set(wanted))


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
    with pytest.raises(ExtractionError, match=r"sheet '2-9 GDP': the sheet has city rows \(from row 2\) but no header matches a known field. Tried the header cells C1 'GDP总量'"):
        run(path, setup, {"gdp"})


def test_required_field_missing_from_an_edition(tmp_path, setup):
    path = book(tmp_path / "x.xlsx", {"2-1": HEADER + [["武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]})
    with pytest.raises(ExtractionError, match=r"data year 2010\): no sheet has a column for field\(s\) retail"):
        run(path, setup, {"gdp", "pop", "retail"})


def test_unknown_city_lists_close_matches(tmp_path, setup):
    path = book(tmp_path / "x.xlsx", {"2-1": HEADER + [["武汗市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]})
    with pytest.raises(ExtractionError, match=r"cell A3: city name '武汗市' matches no name.*close matches: 武汉 \(420100\)"):
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
        extract.check_year("in/中国城市统计年鉴2022.xlsx", 2021, list(range(2002, 2020)))


def test_conflicting_duplicate_field_in_one_edition(tmp_path, setup):
    one = [["城市", None, "年末实有城市道路面积(万平方米)"], [None, None, "市辖区"], ["武汉市", "Wuhan", 100.0]]
    two = [["城市", None, "年末实有铺装道路面积(万平方米)"], [None, None, "市辖区"], ["武汉市", "Wuhan", 120.0]]
    path = book(tmp_path / "x.xlsx", {"a": one, "b": two})
    with pytest.raises(ExtractionError, match="road_area of city 420100 .* conflicting values 100 and 120"):
        run(path, setup, {"road_area"})


def test_the_raw_file_is_not_modified(tmp_path, setup, resources):
    path = resources / "demo" / "yearbook" / "中国城市统计年鉴2010.xlsx"
    before = path.read_bytes()
    run(path, setup, setup["wanted"], year=2009)
    assert path.read_bytes() == before


def test_province_rows_totals_and_footnotes_are_dropped(tmp_path, setup):
    rows = HEADER + [["城市合计", "Total", 9.0, 9.0, 9.0, 9.0], ["湖北省", "Hubei"], ["  武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0],
                     ["注：本表不含县级市。"]]
    long, _ = run(book(tmp_path / "x.xlsx", {"2-1": rows}), setup, {"gdp", "pop"})
    assert set(long["admin_code"]) == {"420100"} and np.allclose(long["value"], [1.0, 2.0])


def test_a_heading_named_like_a_city_is_not_a_duplicate(tmp_path, setup):
    # a group heading without values that carries a city's name, then the city's own row
    rows = HEADER + [["武汉市", "Wuhan"], ["  武汉市", "Wuhan", 1.0, 1.0, 2.0, 1.0]]
    long, log = run(book(tmp_path / "x.xlsx", {"2-1": rows}), setup, {"gdp", "pop"})
    assert long["value"].tolist() == [1.0, 2.0]
    assert log.loc[log["action"] == "empty_row", "cell"].tolist() == ["A3"]
