"""Yearbook editions as folders of table files (the yearbook database's form): the demo written in
that form against the one-workbook form, and hand-made snippets of each real quirk."""

import pandas as pd
import pytest
from openpyxl import Workbook

from urban_resilience import demo
from urban_resilience.demo import __main__ as demo_cli
from urban_resilience.demo import yearbook as demo_yearbook
from urban_resilience.readers import yearbook
from urban_resilience.readers.yearbook import ExtractionError

# editions covering every variant of the per-table writer: names without 市 and the unit line in
# the last column (2005), .xls with a continuation sheet (2010), .xls and .xlsx mixed (2012),
# English headers and an extra notes file (2016), a continuation file titled 续表 (2017)
EDITIONS = [2005, 2010, 2012, 2016, 2017]
VALUE_COLUMNS = ["admin_code", "year", "field", "value"]


@pytest.fixture(scope="module")
def setup(resources):
    return demo.reader_setup(resources)


@pytest.fixture(scope="module")
def both_forms(resources, setup, tmp_path_factory):
    """{edition: (workbook long, folder long, folder log, manifest moved to the table files, folder)}."""
    out = tmp_path_factory.mktemp("per_table")
    manifest = pd.read_csv(resources / "demo" / "MANIFEST.csv", dtype=str, keep_default_na=False).to_dict("records")
    result = {}
    for edition in EDITIONS:
        workbook = resources / "demo" / "yearbook" / f"中国城市统计年鉴{edition}.xlsx"
        folder = out / f"中国城市统计年鉴{edition}"
        moved = demo_yearbook.write_edition_tables(workbook, folder, edition, manifest)
        one, _ = yearbook.extract_workbook(workbook, edition - 1, **setup)
        many, log = yearbook.extract_folder(folder, edition - 1, **setup)
        result[edition] = (one, many, log, [r for r in moved if r["edition"] == str(edition)], folder)
    return result


@pytest.mark.parametrize("edition", EDITIONS)
def test_per_table_folder_gives_the_workbooks_values(both_forms, edition):
    one, many, _, _, _ = both_forms[edition]
    assert len(one) == 34 * 31
    pd.testing.assert_frame_equal(many[VALUE_COLUMNS], one[VALUE_COLUMNS])  # NaN where NaN, same order
    assert many["file"].str.startswith(f"中国城市统计年鉴{edition}/N{edition}").all()


def test_demo_folders_have_the_real_quirks(both_forms):
    names = {edition: sorted(p.name for p in both_forms[edition][4].iterdir()) for edition in EDITIONS}
    assert {n[-4:] for n in names[2010]} == {".xls"} and {n[-5:] for n in names[2016]} == {".xlsx"}
    assert {n.rsplit(".", 1)[1] for n in names[2012]} == {"xls", "xlsx"}
    assert names[2017][0] == "N2017120089000012.xlsx"
    for edition in EDITIONS:
        _, many, log, _, folder = both_forms[edition]
        sheets = {(f, s) for f, s in zip(many["file"], many["sheet"])}
        continued = [(f, s) for f, s in sheets
                     if "续" in str(yearbook.read_workbook(folder.parent / f)[int(s[-1]) - 1].grid[0][0])]
        assert len(continued) == 2, edition  # 人口 and 城市公用事业 are continued
        assert ("Sheet2" in {s for _, s in continued}) == (edition % 2 == 0)  # a second sheet in even editions
    grid = yearbook.read_workbook(both_forms[2017][4] / "N2017120089000013.xlsx")[0].grid
    assert str(grid[0][0]).startswith("2-2  人口 续表")
    assert grid[2][2].startswith("全市") and grid[3][0] == "宜\u3000昌"  # after the header, no 湖北省 row: mid-province
    employment = yearbook.read_workbook(both_forms[2005][4] / "N2005120089000014.xls")[0].grid
    assert employment[0][0] == "2-2  从业人员" and employment[1][0] is None and employment[1][-1] == "单位：万人"


def test_every_defect_is_logged_at_its_table_file_cell(both_forms):
    checked = 0
    for edition in EDITIONS:
        one, many, log, moved, _ = both_forms[edition]
        logged = {(r.file, r.sheet, r.cell): r.action for r in log.itertuples()}
        for row in moved:
            if row["expected"] in ("repair", "missing") and row["field"] in set(many["field"]) \
                    and row["admin_code"] in set(many["admin_code"]):
                assert row["file"].startswith(f"中国城市统计年鉴{edition}/N")
                assert logged[(row["file"], row["sheet"], row["cell"])] == (
                    "repaired" if row["expected"] == "repair" else "missing"), row
                checked += 1
    assert checked >= 30
    values = {(r.admin_code, r.field): (r.file, r.sheet, r.cell) for r in both_forms[2010][1].itertuples()}
    assert values[("420500", "pop_district")] == ("中国城市统计年鉴2010/N2010120089000013.xls", "Sheet1", "D4")


def test_per_table_flag_needs_an_output_folder(capsys):
    with pytest.raises(SystemExit):
        demo_cli.main(["--per-table"])
    assert "--per-table needs --out DIR" in capsys.readouterr().err


# ---------------------------------------------------------------- hand-made table files

HEADER = [["城市", None, "地区生产总值(万元)", None, "年末总人口(万人)", None],
          [None, None, "全市", "市辖区", "全市", "市辖区"]]


def xlsx(path, *sheets):
    """One .xlsx table file; ``sheets``: lists of rows (sheet names Sheet1, Sheet2 …)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(f"Sheet{number}")
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def xls(path, rows, merges=()):
    """One legacy .xls (BIFF8) table file written by xlwt: every number is stored as a double."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    covered = {(r, c) for top, bottom, left, right in merges for r in range(top, bottom + 1)
               for c in range(left, right + 1)}
    for top, bottom, left, right in merges:
        sheet.write_merge(top, bottom, left, right, rows[top][left])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in covered:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def run(folder, setup, wanted, year=2010):
    return yearbook.extract_folder(folder, year, setup["names"], setup["fields"], setup["units"], set(wanted))


def test_table_number_title_unit_line_in_last_column_padded_names_without_shi(tmp_path, setup):
    folder = tmp_path / "中国城市统计年鉴2011"
    folder.mkdir()
    xlsx(folder / "N2011120089000012.xlsx", [
        ["2-9 地区生产总值", None, None, None, None, "单位：亿元"],
        ["城市", None, "地区生产总值", None, None, None], [None, None, "全市", "市辖区", None, None],
        ["湖北省", None, None, None], ["武　汉", "Wuhan", 5515.76, 4000.5], ["黄　石", "Huangshi", 690.12, 300.0],
        ["十　堰", "Shiyan", 851.3, 300.1],  # a city outside the city table: recognised, left out
        ["东部地区", None, 9.0, 9.0], ["286个城市", None, 9.0, 9.0], ["Ⅱ型大城市", None, 9.0, 9.0],  # aggregates
        ["注：本表为合成数据。"]])
    long, log = run(folder, setup, {"gdp"})
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("420100", "gdp")] == pytest.approx(55157600.0) and values[("420200", "gdp")] == 6901200.0
    assert set(long["admin_code"]) == {"420100", "420200"}
    converted = log[log["action"] == "converted_unit"]
    assert converted[["file", "cell"]].values.tolist() == [["中国城市统计年鉴2011/N2011120089000012.xlsx", "C2"]]
    assert long.loc[long["admin_code"] == "420200", ["file", "sheet", "cell"]].values.tolist() == [
        ["中国城市统计年鉴2011/N2011120089000012.xlsx", "Sheet1", "C6"]]


@pytest.mark.parametrize("title", ["2-9 地区生产总值（续）", "续表 2-9 地区生产总值", "表2-9  地区生产总值 续表"])
def test_continuation_without_header_starting_mid_province_continues_the_table_of_its_title(tmp_path, setup, title):
    folder = tmp_path / "edition"
    folder.mkdir()
    # the continuation's file name sorts first: tables are matched by title, never by file order
    xlsx(folder / "A.xlsx", [[title], ["荆　门", "Jingmen", 1.5, 1.0, 300.0, 70.0],
                             ["湖南省"], ["长沙市", "Changsha", 2.5, 2.0, 700.0, 300.0]])
    xlsx(folder / "B.xlsx", [["2-10 年末总人口"], ["城市", None, "年末总人口(万人)"], [None, None, "全市"],
                             ["武汉", None, 800.0]],  # another table first: 2-10 is not 2-9
         )
    xlsx(folder / "C.xlsx", [["2-9 地区生产总值"]] + HEADER + [["湖北省"], ["武汉市", "Wuhan", 5.0, 4.0, 8.0, 5.0]])
    long, log = run(folder, setup, {"gdp", "pop_district"})
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("430100", "gdp")] == 2.5 and values[("420800", "pop_district")] == 70.0
    assert values[("420100", "gdp")] == 5.0
    continued = log[log["action"] == "continued_sheet"]
    assert continued["file"].tolist() == ["edition/A.xlsx"]
    assert continued["note"].tolist() == ["no header of its own: continues the columns of edition/C.xlsx, sheet "
                                          "'Sheet1'"]
    assert long.loc[(long["admin_code"] == "430100") & (long["field"] == "gdp"), "cell"].tolist() == ["C4"]


def test_continuation_of_an_unknown_or_ambiguous_title_stops(tmp_path, setup):
    folder = tmp_path / "edition"
    folder.mkdir()
    xlsx(folder / "A.xlsx", [["2-9 地区生产总值 续表"], ["荆门", "Jingmen", 1.5, 1.0, 300.0, 70.0]])
    xlsx(folder / "C.xlsx", [["2-8 财政收支"]] + HEADER + [["武汉市", "Wuhan", 5.0, 4.0, 8.0, 5.0]])
    with pytest.raises(ExtractionError, match=r"edition/A.xlsx, sheet 'Sheet1': city rows start at row 2 but there "
                       r"is no header row above them .* the table it continues, with the same title"):
        run(folder, setup, {"gdp"})
    xlsx(folder / "D.xlsx", [["3-9 地区生产总值"]] + HEADER + [["长沙市", "Changsha", 5.0, 4.0, 8.0, 5.0]])
    xlsx(folder / "C.xlsx", [["2-9 地区生产总值"]] + HEADER + [["武汉市", "Wuhan", 5.0, 4.0, 8.0, 5.0]])
    with pytest.raises(ExtractionError, match=r"two tables of that title \(edition/C.xlsx, sheet 'Sheet1' and "
                       r"edition/D.xlsx, sheet 'Sheet1'\): cannot tell which it continues"):
        run(folder, setup, {"gdp"})


def test_legacy_xls_with_merged_bilingual_header_and_two_sheets_in_one_file(tmp_path, setup):
    folder = tmp_path / "edition"
    folder.mkdir()
    rows = [["2-1  人口_x000D_\nPopulation"],
            ["城市_x000D_\nCity", None, "年末总人口(万人)_x000D_\nPopulation at Year-end", None],
            [None, None, "全市_x000D_\nTotal City", "市辖区_x000D_\nDistricts_x000D_\nunder City"],
            ["湖北省", "Hubei", None, None], ["武　汉", "Wuhan", 836, 512.5], ["黄　石", "Huangshi", "246．1", 66]]
    xls(folder / "N2005120089000012.xls", rows, merges=[(1, 1, 2, 3), (1, 2, 0, 0)])
    long, log = run(folder, setup, {"pop", "pop_district"}, year=2004)
    values = long.set_index(["admin_code", "field"])["value"]
    assert values[("420100", "pop")] == 836.0 and values[("420100", "pop_district")] == 512.5
    assert values[("420200", "pop")] == 246.1 and values[("420200", "pop_district")] == 66.0
    repaired = log[log["action"] == "repaired"]
    assert repaired[["file", "sheet", "cell", "written"]].values.tolist() == [
        ["edition/N2005120089000012.xls", "Sheet1", "C6", "246．1"]]


def test_several_sheets_of_one_table_in_one_file(tmp_path, setup):
    folder = tmp_path / "edition"
    folder.mkdir()
    xlsx(folder / "x.xlsx", [["2-1 地区生产总值"]] + HEADER + [["武汉", "Wuhan", 5.0, 4.0, 8.0, 5.0]],
         [["2-1 地区生产总值（续）"]] + HEADER + [["长沙", "Changsha", 6.0, 3.0, 7.0, 4.0]])
    long, _ = run(folder, setup, {"gdp", "pop"})
    assert long[["admin_code", "field", "value", "sheet"]].values.tolist() == [
        ["420100", "gdp", 5.0, "Sheet1"], ["420100", "pop", 8.0, "Sheet1"],
        ["430100", "gdp", 6.0, "Sheet2"], ["430100", "pop", 7.0, "Sheet2"]]


def test_a_field_in_two_files_with_different_values_stops_naming_both_cells(tmp_path, setup):
    folder = tmp_path / "edition"
    folder.mkdir()
    xlsx(folder / "a.xlsx", [["2-9 地区生产总值"]] + HEADER + [["武汉", "Wuhan", 5.0, 4.0, 8.0, 5.0]])
    xlsx(folder / "b.xlsx", [["3-1 主要指标"], ["城市", None, "地区生产总值(万元)"], [None, None, "全市"],
                             ["黄石", None, 2.0], ["武汉", None, 5.0]])
    long, log = run(folder, setup, {"gdp"})
    assert long.loc[long["admin_code"] == "420100", "value"].tolist() == [5.0]
    duplicate = log[log["action"] == "duplicate"]
    assert duplicate[["file", "cell", "note"]].values.tolist() == [
        ["edition/b.xlsx", "C5", "same value as edition/a.xlsx, sheet 'Sheet1', cell C4: kept once"]]
    xlsx(folder / "b.xlsx", [["3-1 主要指标"], ["城市", None, "地区生产总值(万元)"], [None, None, "全市"],
                             ["武汉", None, 5.5]])
    with pytest.raises(ExtractionError) as error:
        run(folder, setup, {"gdp"})
    assert str(error.value) == (
        "edition: field gdp of city 420100 (year 2010) is printed twice with conflicting values 5 (edition/a.xlsx, "
        "sheet 'Sheet1', cell C4) and 5.5 (edition/b.xlsx, sheet 'Sheet1', cell C4); remove the wrong copy or "
        "correct the cell")


def test_unrelated_tables_and_other_files_are_logged_and_named_when_a_field_is_missing(tmp_path, setup):
    folder = tmp_path / "edition"
    (folder / "二、地级以上城市统计资料").mkdir(parents=True)
    xlsx(folder / "二、地级以上城市统计资料" / "N1.xlsx",
         [["2-3 土地面积"], ["城市", None, "行政区域土地面积(平方公里)"], [None, None, "全市"], ["武汉", None, 8569.0]])
    xlsx(folder / "N2.xlsx", [["2-9 地区生产总值"]] + HEADER + [["武汉", "Wuhan", 5.0, 4.0, 8.0, 5.0]])
    (folder / "readme.txt").write_text("downloaded tables")
    (folder / "~$N2.xlsx").write_bytes(b"lock")
    long, log = run(folder, setup, {"gdp"})
    assert long[["admin_code", "field", "value"]].values.tolist() == [["420100", "gdp", 5.0]]
    skipped = log[log["action"] == "skipped_table"]
    assert skipped[["file", "written"]].values.tolist() == [["edition/二、地级以上城市统计资料/N1.xlsx", "土地面积"]]
    assert sorted(log.loc[log["action"] == "ignored_file", "file"]) == ["edition/readme.txt", "edition/~$N2.xlsx"]
    with pytest.raises(ExtractionError) as error:
        run(folder, setup, {"gdp", "hospital_beds"})
    assert str(error.value) == (
        "edition (data year 2010): no table file has a column for field(s) hospital_beds; expected a header such "
        "as '医院、卫生院床位数', '医院床位数', '医院和卫生院床位数'; tables read but matching no field: "
        "edition/二、地级以上城市统计资料/N1.xlsx (土地面积)")


def test_missing_or_empty_edition_folder(tmp_path, setup):
    with pytest.raises(ExtractionError, match="not a folder; inputs.yearbook.filename with layout per_table"):
        run(tmp_path / "nowhere", setup, {"gdp"})
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.docx").write_bytes(b"x")
    with pytest.raises(ExtractionError, match=r"empty: no .xls or .xlsx table files in this edition folder \(found "
                       r"1 other file\(s\)\)"):
        run(tmp_path / "empty", setup, {"gdp"})


def test_table_title_drops_number_continuation_mark_and_english():
    def title(text):
        return yearbook.table_title(yearbook.Sheet("Sheet1", [[text]]))
    assert title("2-9 地区生产总值") == title("表 2-9 地区生产总值（续）") == "地区生产总值"
    assert title("续表2-9  地区生产总值") == title("2-7 地区生产总值 续表\nGross Regional Product") == "地区生产总值"
    assert title(None) == ""
    assert yearbook.is_continuation(yearbook.Sheet("Sheet1", [["2-9 地区生产总值(续)"]]))
    assert yearbook.is_continuation(yearbook.Sheet("2-1续", [["2-1 人口"]]))
    assert not yearbook.is_continuation(yearbook.Sheet("Sheet1", [["2-9 地区生产总值"]]))


def test_padded_names_and_names_without_shi_resolve_through_the_city_table(setup):
    names = setup["names"]
    assert names.resolve("黄　石") == ("420200", "city") and names.resolve("黄石") == ("420200", "city")
    assert names.resolve("  襄　樊") == ("420600", "city")  # a former name, through the aliases
    assert names.resolve("湖北省")[1] == "province"
    assert demo_yearbook.padded_name("    黄石市") == "黄\u3000石" and demo_yearbook.padded_name("景德镇市") == "景德镇"


def test_folder_problem_says_what_is_wrong(tmp_path):
    assert yearbook.folder_problem(tmp_path / "a" / "b") == f"no such folder (nor {tmp_path / 'a'})"
    (tmp_path / "book.xlsx").write_bytes(b"")
    assert yearbook.folder_problem(tmp_path / "book.xlsx").startswith("not a folder: layout per_table names one")
    (tmp_path / "e").mkdir()
    assert yearbook.folder_problem(tmp_path / "e") == "no .xls or .xlsx table file in the folder"
    (tmp_path / "e" / "N1.XLS").write_bytes(b"")
    assert yearbook.folder_problem(tmp_path / "e") == ""
    assert yearbook.table_files(tmp_path / "e") == ([tmp_path / "e" / "N1.XLS"], [])


@pytest.mark.workflow
def test_workflow_reads_per_table_folders_and_stops_at_start_without_them(root, tmp_path):
    import yaml

    from conftest import run_snakemake

    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    config["inputs"]["yearbook"].update(directory=str(tmp_path / "yearbook"), filename="中国城市统计年鉴{edition}",
                                        layout="per_table")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    args = ["-n", "--directory", str(tmp_path), "--configfile", str(tmp_path / "config.yaml")]
    (tmp_path / "yearbook" / "中国城市统计年鉴2004").mkdir(parents=True)
    result = run_snakemake(root, "results/extracted/yearbook_2010.csv", *args)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (f"  inputs.yearbook (directory + filename), data year 2002: {tmp_path}/yearbook/中国城市统计年鉴2003 — "
            "no such folder") in output
    assert (f"data year 2003: {tmp_path}/yearbook/中国城市统计年鉴2004 — no .xls or .xlsx table file in the "
            "folder") in output
    for edition in range(2003, 2021):
        folder = tmp_path / "yearbook" / f"中国城市统计年鉴{edition}"
        folder.mkdir(exist_ok=True)
        xlsx(folder / "N1.xlsx", [["2-9 地区生产总值"]])
        xlsx(folder / "N2.xlsx", [["2-1 人口"]])
    result = run_snakemake(root, "results/extracted/yearbook_2010.csv", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    folder = f"{tmp_path}/yearbook/中国城市统计年鉴2011"
    assert f"input: {folder}, {folder}/N1.xlsx, {folder}/N2.xlsx" in result.stdout
    config["inputs"]["yearbook"]["layout"] = "workbook"  # folders read as workbooks: say which layout to set
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run_snakemake(root, "results/extracted/yearbook_2010.csv", *args)
    assert result.returncode != 0
    assert ("these yearbook paths are folders, not workbooks; for one folder of table files per edition set "
            "inputs.yearbook.layout: per_table") in result.stdout + result.stderr


def test_an_unreadable_table_file_is_named_with_its_edition_folder(tmp_path, setup):
    folder = tmp_path / "中国城市统计年鉴2011" / "二、地级以上城市统计资料"
    folder.mkdir(parents=True)
    xls(folder / "N2011120089000012.xlsx", [["2-1 人口"]])  # BIFF named .xlsx
    with pytest.raises(ExtractionError) as error:
        run(folder.parent, setup, {"gdp"})
    assert str(error.value) == (
        "中国城市统计年鉴2011/二、地级以上城市统计资料/N2011120089000012.xlsx: this is a legacy .xls (BIFF) "
        "workbook named .xlsx; rename it to N2011120089000012.xls (the workflow reads .xls editions as they are)")


def test_data_check_messages_name_the_table_file_sheet_and_cell(both_forms):
    from urban_resilience.gate import checks

    long = pd.concat([both_forms[edition][1] for edition in EDITIONS], ignore_index=True)
    wrong = (long["admin_code"] == "420100") & (long["field"] == "gdp") & (long["year"] == 2011)
    place = long.loc[wrong, ["file", "sheet", "cell"]].iloc[0].tolist()
    assert place[0].startswith("中国城市统计年鉴2012/N2012120089")
    long.loc[wrong, "value"] *= 10000  # a 亿元/万元 slip in one edition
    messages = [f.message for f in checks.magnitude_findings(long, 5) if f.admin_code == "420100"]
    assert len(messages) == 1 and f"{place[0]}, sheet '{place[1]}', cell {place[2]}" in messages[0], messages


def test_a_wide_table_continued_with_other_columns_for_the_same_cities(tmp_path, setup):
    folder = tmp_path / "edition"
    folder.mkdir()
    cities = [["湖北省"], ["武　汉", "Wuhan"], ["黄　石", "Huangshi"]]
    xlsx(folder / "N12.xlsx", [["2-9 地区生产总值"], ["城市", None, "地区生产总值(万元)"], [None, None, "全市"]]
         + [row + ([5.0 + i] if len(row) > 1 else []) for i, row in enumerate(cities)])
    xlsx(folder / "N13.xlsx", [["2-9 地区生产总值（续）"], ["城市", None, "第三产业增加值(万元)"], [None, None, "全市"]]
         + [row + ([2.0 + i] if len(row) > 1 else []) for i, row in enumerate(cities)])
    long, log = run(folder, setup, {"gdp", "tertiary_va"})
    assert long[["admin_code", "field", "value", "file", "cell"]].values.tolist() == [
        ["420100", "gdp", 6.0, "edition/N12.xlsx", "C5"], ["420100", "tertiary_va", 3.0, "edition/N13.xlsx", "C5"],
        ["420200", "gdp", 7.0, "edition/N12.xlsx", "C6"], ["420200", "tertiary_va", 4.0, "edition/N13.xlsx", "C6"]]
    assert "duplicate" not in set(log["action"])
