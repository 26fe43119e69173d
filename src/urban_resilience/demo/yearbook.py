"""Write synthetic China City Statistical Yearbook workbooks in the real layout, with real defects.

One workbook per edition (edition E holds data year E − 1), one sheet per table. What the real
circulated files have (as documented for the real CCSY editions) is reproduced: a title row, a
``单位：`` line in some editions, two-row bilingual headers (indicator with unit in parentheses
merged over its 全市/市辖区 columns, then the scope row), ``_x000D_`` artefacts and leading
spaces, an all-cities total row, empty province rows, indented city names, ``注：`` footnotes,
header and unit drift across editions, 襄樊市 until the 2012 edition, typo city names, and junk
cells at a low rate. Every injected defect is returned as a manifest row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from urban_resilience.demo.truth import DISTRICT_FIELDS, EXTRA_CITIES, ROUNDING
from urban_resilience.gate.inputs import DEMO_MARK

PROVINCES = [("320000", "江苏省", "Jiangsu"), ("330000", "浙江省", "Zhejiang"), ("360000", "江西省", "Jiangxi"),
             ("420000", "湖北省", "Hubei"), ("430000", "湖南省", "Hunan"), ("440000", "广东省", "Guangdong")]
MUNICIPALITIES = {"11", "12", "31", "50"}  # Beijing, Tianjin, Shanghai, Chongqing


@dataclass(frozen=True)
class Column:
    """One indicator column group of a yearbook table."""

    field: str  # raw field (truth column); "land_area" etc. for columns outside the raw field table
    header: dict[int, str]  # first edition from which a header applies -> Chinese header
    english: str
    unit: str
    unit_en: str
    scopes: tuple[str, ...] = ("全市", "市辖区")
    unit_by_edition: dict[int, tuple[str, float]] = field(default_factory=dict)  # edition -> (unit, divisor)

    def header_for(self, edition: int) -> str:
        return self.header[max(e for e in self.header if e <= edition)]


@dataclass(frozen=True)
class Table:
    title_cn: str
    title_en: str
    columns: tuple[Column, ...]


def _c(field_name, header, english, unit, unit_en, **kw) -> Column:
    return Column(field_name, header if isinstance(header, dict) else {0: header}, english, unit, unit_en, **kw)


TABLES = (
    Table("人口", "Population", (
        _c("pop", {0: "年末总人口", 2018: "年末户籍人口"}, "Population at Year-end", "万人", "10 000 persons"),
        _c("land_area", "行政区域土地面积", "Area of Land", "平方公里", "sq.km"),
    )),
    Table("从业人员", "Employment", (
        _c("emp_units", {0: "年末单位从业人员数", 2012: "单位从业人员期末人数", 2017: "城镇单位从业人员期末人数"},
           "Persons Employed in Units", "万人", "10 000 persons"),
        _c("emp_public_admin", "公共管理和社会组织", "Public Management and Social Organization", "万人",
           "10 000 persons", scopes=("全市",)),
        _c("emp_private", "城镇私营和个体从业人员", "Private and Individual Employment", "万人", "10 000 persons",
           scopes=("全市",)),
    )),
    Table("地区生产总值", "Gross Regional Product", (
        _c("gdp", "地区生产总值", "Gross Regional Product", "万元", "10 000 yuan",
           unit_by_edition={2009: ("亿元", 1e4)}),
        _c("industry_va", "工业增加值", "Value-added of Industry", "万元", "10 000 yuan", scopes=("全市",)),
        _c("tertiary_va", "第三产业增加值", "Value-added of Tertiary Industry", "万元", "10 000 yuan"),
    )),
    Table("财政收支", "Public Finance", (
        _c("fiscal_revenue", {0: "地方财政一般预算内收入", 2015: "地方一般公共预算收入"},
           "Local General Public Budget Revenue", "万元", "10 000 yuan"),
        _c("fiscal_expenditure", {0: "地方财政一般预算内支出", 2015: "地方一般公共预算支出"},
           "Local General Public Budget Expenditure", "万元", "10 000 yuan"),
        _c("science_exp", {0: "科学支出", 2011: "科学技术支出"}, "Expenditure for Science and Technology", "万元",
           "10 000 yuan", scopes=("全市",)),
        _c("education_exp", "教育支出", "Expenditure for Education", "万元", "10 000 yuan", scopes=("全市",)),
    )),
    Table("固定资产投资和利用外资", "Investment and Foreign Capital", (
        _c("fai", "固定资产投资总额", "Total Investment in Fixed Assets", "万元", "10 000 yuan"),
        _c("fdi_usd", "当年实际使用外资金额", "Foreign Capital Actually Used", "万美元", "USD 10 000",
           scopes=("全市",)),
    )),
    Table("工业", "Industry", (
        _c("industrial_enterprises", "工业企业数", "Number of Industrial Enterprises", "个", "unit", scopes=("全市",)),
        _c("hmt_enterprises", "港澳台商投资企业数", "Enterprises with Funds from HK, Macao and Taiwan", "个", "unit",
           scopes=("全市",)),
    )),
    Table("国内贸易", "Domestic Trade", (
        _c("retail", "社会消费品零售总额", "Total Retail Sales of Consumer Goods", "万元", "10 000 yuan"),
    )),
    Table("文化卫生", "Culture and Health", (
        _c("hospital_beds", "医院、卫生院床位数", "Number of Beds of Hospitals and Health Centers", "张", "unit"),
        _c("doctors", {0: "医生数", 2016: "执业(助理)医师数"}, "Number of Doctors", "人", "person"),
        _c("library_books", "公共图书馆图书藏量", "Collection of Public Libraries", "千册", "1 000 copies",
           unit_by_edition={2012: ("万册", 10.0)}),
    )),
    Table("邮电通信", "Post and Telecommunications", (
        _c("internet_users", {0: "国际互联网用户数", 2011: "互联网宽带接入用户数"}, "Number of Internet Users", "万户",
           "10 000 households"),
    )),
    Table("城市公用事业", "Urban Public Utilities", (
        _c("water_supply", "供水总量", "Total Water Supply", "万吨", "10 000 tons"),
        _c("elec_residential", "城乡居民生活用电量", "Household Electricity Consumption", "万千瓦时", "10 000 kwh"),
        _c("elec_industry", "工业用电量", "Industrial Electricity Consumption", "万千瓦时", "10 000 kwh"),
        _c("road_area", {0: "年末实有铺装道路面积", 2013: "年末实有城市道路面积"}, "Area of Paved Roads", "万平方米",
           "10 000 sq.m"),
        _c("buses", "年末实有公共汽(电)车营运车辆数", "Number of Buses in Operation", "辆", "unit"),
    )),
    Table("环境保护", "Environmental Protection", (
        _c("wastewater", "工业废水排放量", "Volume of Industrial Waste Water Discharged", "万吨", "10 000 tons",
           scopes=("全市",)),
        _c("solid_waste_util_rate", "一般工业固体废物综合利用率", "Utilization Ratio of Industrial Solid Wastes",
           "%", "%"),
        _c("sewage_treatment_rate", "污水处理厂集中处理率", "Sewage Treatment Rate", "%", "%"),
        _c("garbage_harmless_rate", "生活垃圾无害化处理率", "Harmless Treatment Rate of Garbage", "%", "%"),
        _c("green_coverage", "建成区绿化覆盖率", "Green Coverage of Built-up Area", "%", "%", scopes=("市辖区",)),
    )),
)

# Names as the yearbooks print them, by edition: (admin code, first edition, last edition, printed name)
NAME_VARIANTS = [
    ("420600", 0, 2012, "襄樊市"),
    ("360600", 2006, 2006, "鹰谭市"),
    ("360600", 2014, 2014, "鹰谭市"),
    ("421100", 2008, 2008, "黄岗市"),
    ("430200", 2011, 2011, "株州市"),
    ("360200", 2016, 2016, "景徳镇市"),
]
NO_SHI_EDITION = 2005  # this edition prints names without 市
ENGLISH_FROM = 2015  # editions from here carry English in the header cells, joined by _x000D_
SHORT_INDENT_EDITION = 2018  # city names indented by 2 spaces instead of 4
SCOPE_EN = {"全市": "全市_x000D_\nTotal City", "市辖区": "市辖区_x000D_\nDistricts_x000D_\nunder City"}
ENGLISH_TYPOS = {("360200", 2010): "Jingdezheng", ("430900", 2013): "Yiyan"}

# Junk cells: (defect, expected handling, probability weight)
REPAIRABLE = ("fullwidth_point", "comma_decimal", "space_thousands", "text_number", "trailing_dot")
MISSING = ("dash", "blank", "ellipsis", "value_error", "zero_for_missing")
DEFECT_RATE = 0.006


def truth_key(field_name: str, scope: str) -> str:
    """Truth column of a printed column (see ``truth.DISTRICT_FIELDS``)."""
    if field_name in DISTRICT_FIELDS:
        return field_name if scope == "市辖区" else f"{field_name}_wholecity"
    if scope != "市辖区" or field_name == "green_coverage":
        return field_name
    return "pop_district" if field_name == "pop" else f"{field_name}_district"


def table_number(index: int, edition: int) -> str:
    """Table numbers drift: a table was inserted before population from the 2016 edition."""
    return f"2-{index + 1 + (1 if edition >= 2016 else 0)}"


def header_text(column: Column, edition: int, unit: str, unit_in_header: bool) -> str:
    name = column.header_for(edition)
    text = f"{name}({unit})" if unit_in_header else name
    if edition >= ENGLISH_FROM:
        text += f"_x000D_\n{column.english}_x000D_\n({column.unit_en})"
    return text


def printed_name(code: str, name_cn: str, edition: int) -> tuple[str, str | None]:
    """City name as printed in ``edition`` and the defect it carries (None if official)."""
    name, defect = name_cn, None
    for variant_code, first, last, variant in NAME_VARIANTS:
        if variant_code == code and first <= edition <= last:
            name, defect = variant, ("former_name" if variant == "襄樊市" else "typo_name")
    if edition == NO_SHI_EDITION:
        name, defect = name.removesuffix("市"), defect or "name_without_shi"
    return name, defect


def format_number(value: float, decimals: int) -> float | int:
    return int(round(value)) if decimals == 0 else round(float(value), decimals)


def corrupt(value: float, decimals: int, defect: str, rng: np.random.Generator):
    """The text a junk cell shows for ``value`` (None for a blank cell)."""
    text = f"{value:.{max(decimals, 2) if defect == 'comma_decimal' else decimals}f}"
    if defect == "fullwidth_point":
        return text.replace(".", "．") if "." in text else text + "．"
    if defect == "comma_decimal":
        return text.replace(".", ",")
    if defect == "space_thousands":
        whole, _, frac = text.partition(".")
        grouped = f"{int(whole):,}".replace(",", " ")
        return grouped + ("." + frac if frac else "")
    if defect == "text_number":
        return text
    if defect == "trailing_dot":
        return text + "."
    return {"dash": "-", "blank": None, "ellipsis": "…", "value_error": "#VALUE!", "zero_for_missing": 0}[defect]


def choose_defect(value: float, decimals: int, zero_means_missing: bool, rng: np.random.Generator) -> str | None:
    if rng.random() >= DEFECT_RATE:
        return None
    options = list(REPAIRABLE) + list(MISSING)
    if abs(value) < 1000:
        options.remove("space_thousands")
    if not zero_means_missing:
        options.remove("zero_for_missing")
    return options[int(rng.integers(len(options)))]


def write_edition(edition: int, truth: pd.DataFrame, cities: pd.DataFrame, raw_fields: pd.DataFrame,
                  path: str, file_label: str, rng: np.random.Generator,
                  provinces: list[tuple[str, str, str]] = PROVINCES) -> list[dict]:
    """Write one edition's workbook to ``path``; return its manifest rows. ``provinces`` are
    (code, Chinese name, English name) in the order the yearbook prints them."""
    year = edition - 1
    data = truth[truth["year"] == year].set_index("admin_code")
    zero_missing = dict(zip(raw_fields["field"], raw_fields["zero_means_missing"]))
    manifest: list[dict] = []
    workbook = Workbook()
    workbook.remove(workbook.active)
    indent = "  " if edition == SHORT_INDENT_EDITION else "    "
    for index, table in enumerate(TABLES):
        number = table_number(index, edition)
        sheet = workbook.create_sheet(f"{number} {table.title_cn}")
        units = {c.unit_by_edition.get(edition, (c.unit, 1.0))[0] for c in table.columns}
        unit_line = len(units) == 1 and edition % 2 == 1
        sheet["A1"] = f"{number}  {table.title_cn}" + (f"_x000D_\n{table.title_en}" if edition >= ENGLISH_FROM else "")
        row = 2
        if unit_line:
            sheet.cell(row=2, column=1, value=f"单位：{units.pop()}")
            row = 3
        head1, head2 = row, row + 1
        sheet.cell(row=head1, column=1, value="城市名称" if edition < ENGLISH_FROM else "城市名称_x000D_\nCity")
        sheet.cell(row=head1, column=2, value="City")
        sheet.merge_cells(start_row=head1, end_row=head2, start_column=1, end_column=1)
        sheet.merge_cells(start_row=head1, end_row=head2, start_column=2, end_column=2)
        col = 3
        layout = []  # (column index, Column, scope, divisor)
        for column in table.columns:
            unit, divisor = column.unit_by_edition.get(edition, (column.unit, 1.0))
            text = header_text(column, edition, unit, not unit_line)
            lead = "  " if (edition + col) % 3 == 0 else ""  # leading spaces used for alignment
            sheet.cell(row=head1, column=col, value=lead + text)
            if len(column.scopes) > 1:
                sheet.merge_cells(start_row=head1, end_row=head1, start_column=col,
                                  end_column=col + len(column.scopes) - 1)
            for offset, scope in enumerate(column.scopes):
                label = SCOPE_EN[scope] if edition >= ENGLISH_FROM else scope
                lead = "  " if offset == 0 and edition % 4 == 0 else ""  # a leading space, as some editions print
                sheet.cell(row=head2, column=col + offset, value=lead + label)
                layout.append((col + offset, column, scope, divisor))
            if divisor != 1.0:
                where = f"{get_column_letter(col)}{head1}"
                manifest.append(_manifest_row(edition, file_label, sheet.title, where, "", year, column.field, "",
                                              "unit_drift", text, "", f"values in {unit}, converted to {column.unit}"))
            if column.header_for(edition) != column.header[0]:
                where = f"{get_column_letter(col)}{head1}"
                manifest.append(_manifest_row(edition, file_label, sheet.title, where, "", year, column.field, "",
                                              "header_drift", text, "", "header variant of " + column.field))
            col += len(column.scopes)
        row = head2 + 1
        # all-cities total row
        sheet.cell(row=row, column=1, value="城市合计")
        sheet.cell(row=row, column=2, value="Total")
        for col_index, column, scope, divisor in layout:
            key = truth_key(column.field, scope)
            if key in data.columns:
                values = data[key]
                total = values.mean() if column.unit == "%" else values.sum()
                value = format_number(total / divisor, ROUNDING.get(column.field, 2))
                sheet.cell(row=row, column=col_index, value=value)
        row += 1
        for province_code, province_cn, province_en in provinces:
            if province_code[:2] not in MUNICIPALITIES:  # a municipality is printed once, as a city
                sheet.cell(row=row, column=1, value=province_cn)
                sheet.cell(row=row, column=2, value=province_en)
                row += 1
            members = sorted(c for c in data.index if c[:2] == province_code[:2])
            for code in members:
                name_cn, name_en = _names(code, cities)
                name, name_defect = printed_name(code, name_cn, edition)
                sheet.cell(row=row, column=1, value=indent + name)
                sheet.cell(row=row, column=2, value=ENGLISH_TYPOS.get((code, edition), name_en))
                if name_defect:
                    manifest.append(_manifest_row(edition, file_label, sheet.title, f"A{row}", code, year, "", "",
                                                  name_defect, name, "", f"resolve to {code}"))
                for col_index, column, scope, divisor in layout:
                    key = truth_key(column.field, scope)
                    if key not in data.columns:
                        continue
                    decimals = ROUNDING.get(column.field, 2) + (4 if divisor == 1e4 else 1 if divisor == 10 else 0)
                    true_value = float(data.at[code, key])
                    printed = format_number(true_value / divisor, decimals)
                    defect = choose_defect(printed, decimals, bool(zero_missing.get(key, False)), rng)
                    cell = sheet.cell(row=row, column=col_index)
                    if defect is None:
                        cell.value = printed
                        continue
                    cell.value = corrupt(printed, decimals, defect, rng)
                    expected = "repair" if defect in REPAIRABLE else "missing"
                    manifest.append(_manifest_row(edition, file_label, sheet.title, cell.coordinate, code, year,
                                                  key, scope, defect, cell.value, true_value, expected))
                row += 1
        sheet.cell(row=row, column=1, value="注：本表城市合计为表中所列城市之和（比率为简单平均）。")
        sheet.cell(row=row + 1, column=1, value="注：SYNTHETIC DEMO DATA — 合成演示数据，非真实统计。")
    if edition in (2007, 2016):  # an unrelated extra sheet, as in some circulated copies
        notes = workbook.create_sheet("说明")
        notes["A1"] = "本书数据来源于各城市统计局（合成演示数据）"
        manifest.append(_manifest_row(edition, file_label, "说明", "A1", "", year, "", "", "extra_sheet", "说明", "",
                                      "skip the sheet"))
    workbook.properties.creator = "urban_resilience.demo"
    workbook.properties.keywords = DEMO_MARK  # how the workflow recognises a demo file, wherever it is copied
    workbook.save(path)
    return manifest


def _names(code: str, cities: pd.DataFrame) -> tuple[str, str]:
    known = cities[cities["admin_code"] == code]
    if known.empty:
        return EXTRA_CITIES[code]["name_cn"], EXTRA_CITIES[code]["name_en"]
    row = known.iloc[0]
    return row["name_cn"], row["name_en"].split(" (")[0]


def _manifest_row(edition, file_label, sheet, cell, code, year, field_name, scope, defect, written, true_value,
                  expected):
    return {"edition": edition, "file": file_label, "sheet": sheet, "cell": cell, "admin_code": code,
            "data_year": year, "field": field_name, "scope": scope, "defect": defect,
            "written": "" if written is None else str(written), "true_value": true_value, "expected": expected}


# ---------------------------------------------------------------- per-table form

# The yearbook database's form: one file per table with an opaque name, legacy .xls up to
# XLS_UNTIL, both in MIXED_EDITION, .xlsx later; names without 市, two-character names padded with
# an ideographic space; the 人口 and 城市公用事业 tables continued in a second file (a second sheet
# of the same file in even editions for 城市公用事业), starting in the middle of a province, with
# the header repeated and the title ending （续） or 续表; the 单位： line in the last column in
# every fourth edition.
XLS_UNTIL = 2011
MIXED_EDITION = 2012
SPLIT_TABLES = {"人口": "file", "城市公用事业": "file_or_sheet"}
UNIT_LINE_LAST_COLUMN = 1  # editions with edition % 4 == this


def table_file_name(edition: int, number: int) -> str:
    """Opaque name of the ``number``-th table file of ``edition`` (like the database's entry codes)."""
    xls = edition <= XLS_UNTIL or (edition == MIXED_EDITION and number % 2 == 1)
    return f"N{edition}120089{number + 12:06d}{'.xls' if xls else '.xlsx'}"


def padded_name(printed: str) -> str:
    """A city name as the database prints it: no 市, a two-character name padded with U+3000."""
    name = printed.strip()
    name = name[:-1] if name.endswith("市") and len(name) > 2 else name
    return f"{name[0]}\u3000{name[1]}" if len(name) == 2 else name


def _continued_title(title: str, edition: int) -> str:
    chinese, sep, rest = title.partition("_x000D_")
    return chinese + ("（续）" if edition % 2 == 0 else " 续表") + sep + rest


def _split_row(rows: list[list], first: int, last: int) -> int:
    """A city row in the middle of the data rows whose row above is also a city row (so the
    continuation starts in the middle of a province)."""
    for index in range((first + last) // 2, last):
        if not str(rows[index - 1][0]).strip().endswith("省") and not str(rows[index][0]).strip().endswith("省"):
            return index
    raise ValueError("no row to split the table at")


def write_edition_tables(workbook_path: str | Path, folder: str | Path, edition: int,
                         manifest: list[dict]) -> list[dict]:
    """Write the tables of one edition workbook (as :func:`write_edition` writes it) as a folder of
    table files in the yearbook database's form (see ``XLS_UNTIL`` … above); the same values in
    the same cells of the data rows. Returns ``manifest`` (rows of this edition's workbook) with
    file, sheet and cell moved to where each defect is in the table files; file is
    ``<folder name>/<file name>``."""
    from openpyxl import load_workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    workbook = load_workbook(workbook_path)
    moved: dict[tuple[str, int], tuple[str, str, int]] = {}  # (sheet, old row) -> (file, sheet, new row)
    number = 0
    for sheet in workbook.worksheets:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        merges = [(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
        notes = next((i for i, r in enumerate(rows) if str(r[0] or "").startswith("注")), len(rows))
        total = next((i for i, r in enumerate(rows) if r[0] == "城市合计"), None)
        if total is None:  # not a table (the 说明 sheet)
            name = table_file_name(edition, number)
            number += 1
            _write_table_file(folder / name, [("Sheet1", rows, merges)])
            moved.update({(sheet.title, r): (name, "Sheet1", r) for r in range(len(rows))})
            continue
        for index in range(total + 1, notes):
            if rows[index][0] is not None and not str(rows[index][0]).strip().endswith("省"):
                rows[index][0] = padded_name(str(rows[index][0]))
        unit_row = 1 if str(rows[1][0] or "").startswith("单位") else None
        if unit_row is not None and edition % 4 == UNIT_LINE_LAST_COLUMN:
            rows[unit_row][-1], rows[unit_row][0] = rows[unit_row][0], None
        header_end = total  # rows 1 .. total - 1: unit line and header, repeated in a continuation
        title = str(rows[0][0]).split("  ", 1)[-1].split("_x000D_")[0]
        how = SPLIT_TABLES.get(title)
        name = table_file_name(edition, number)
        number += 1
        if how is None:
            _write_table_file(folder / name, [("Sheet1", rows, merges)])
            moved.update({(sheet.title, r): (name, "Sheet1", r) for r in range(len(rows))})
            continue
        split = _split_row(rows, total + 1, notes)
        head_merges = [m for m in merges if m[1] < header_end]
        second = [[_continued_title(str(rows[0][0]), edition)] + [None] * (len(rows[0]) - 1)]
        second += [list(r) for r in rows[1:header_end]] + rows[split:]
        moved.update({(sheet.title, r): (name, "Sheet1", r) for r in range(split)})
        if how == "file_or_sheet" and edition % 2 == 0:
            _write_table_file(folder / name, [("Sheet1", rows[:split], merges), ("Sheet2", second, head_merges)])
            moved.update({(sheet.title, r): (name, "Sheet2", r - split + header_end) for r in range(split, len(rows))})
            continue
        other = table_file_name(edition, number)
        number += 1
        _write_table_file(folder / name, [("Sheet1", rows[:split], merges)])
        _write_table_file(folder / other, [("Sheet1", second, head_merges)])
        moved.update({(sheet.title, r): (other, "Sheet1", r - split + header_end) for r in range(split, len(rows))})
    result = []
    for row in manifest:
        row = dict(row)
        if str(row["edition"]) == str(edition) and row["sheet"] in {s.title for s in workbook.worksheets}:
            letters = "".join(ch for ch in row["cell"] if ch.isalpha())
            old = int(row["cell"][len(letters):]) - 1
            file, sheet_name, new = moved[(row["sheet"], old)]
            row.update(file=f"{folder.name}/{file}", sheet=sheet_name, cell=f"{letters}{new + 1}")
        result.append(row)
    return result


def _write_table_file(path: Path, sheets: list[tuple[str, list[list], list[tuple[int, int, int, int]]]]) -> None:
    """One table file: .xlsx with openpyxl (with the demo mark) or legacy .xls (BIFF8) with xlwt."""
    if path.suffix == ".xls":
        try:
            import xlwt
        except ImportError:
            raise SystemExit("writing the per-table demo needs xlwt for its legacy .xls files: "
                             "pip install xlwt==1.3.0 (in the test extra: pip install -e '.[test]')") from None
        book = xlwt.Workbook(encoding="utf-8")
        for title, rows, merges in sheets:
            out = book.add_sheet(title)
            covered = {(r, c) for top, bottom, left, right in merges
                       for r in range(top, bottom + 1) for c in range(left, right + 1)}
            for top, bottom, left, right in merges:
                out.write_merge(top, bottom, left, right, rows[top][left])
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None and (r, c) not in covered:
                        out.write(r, c, value)
        book.save(str(path))
        return
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, merges in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for top, bottom, left, right in merges:
            sheet.merge_cells(start_row=top + 1, end_row=bottom + 1, start_column=left + 1, end_column=right + 1)
    workbook.properties.creator = "urban_resilience.demo"
    workbook.properties.keywords = DEMO_MARK
    workbook.save(path)
