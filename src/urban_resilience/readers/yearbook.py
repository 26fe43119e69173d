"""Extract the raw fields from one China City Statistical Yearbook edition: one workbook (.xlsx or
.xls) with every table as a sheet, or a folder of table files as the yearbook database delivers
them (one .xls/.xlsx per table, any file names, long tables continued in further files).

In a folder, tables are recognised by their title and headers, never by file name; every file
(also in sub-folders) is read in name order and every sheet of it as below. A table continued in
another file (title ending 续表/（续）) either repeats the header, and is read as any table, or has
no header, and continues the columns of the table with the same title. A file whose sheets hold
city rows but no known header is logged (``skipped_table``) and named if a field is missing.

For every sheet: find the header block above the first data row, join multi-row bilingual
headers (merged cells spread over their columns), read each column's unit from its header's last
parenthesised part or from the sheet's ``单位：`` line, map header + scope (全市/市辖区) to a raw
field through the raw field table's header variants, drop the total, province and footnote rows,
resolve printed city names to admin codes (city table aliases first, then the national code
list), read every cell with :mod:`urban_resilience.readers.cells`, convert to the field's canonical unit
and check plausibility (no negative counts, no percentage above 100).

The result is a tidy long table (admin code, data year, field, value, unit, source file, sheet,
cell) plus a cleaning log of every repaired, missing, converted or skipped item. Anything that
cannot be decided safely raises :class:`ExtractionError` naming file, sheet, cell, city, year and
field, and what was expected.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from urban_resilience.core import tables
from urban_resilience.core.names import city_key, normalise_name
from urban_resilience.gate.checks import Finding, KnownBreaks, raise_findings
from urban_resilience.readers.cells import LOG_COLUMNS, read_cell

TOTAL_ROWS = {"城市合计", "合计", "总计", "全国", "全国合计", "全国总计", "地级以上城市合计", "全部城市合计", "Total",
              # aggregate rows: regions and city-size classes
              "东部", "中部", "西部", "东北", "东部地区", "中部地区", "西部地区", "东北地区",
              "超大城市", "特大城市", "大城市", "I型大城市", "II型大城市", "中等城市", "小城市"}
_COUNT_ROW = re.compile(r"^\d+个(地级以上)?城市(合计)?$")  # "286个城市": an aggregate row
EXCEL_SUFFIXES = (".xls", ".xlsx")
_TABLE_NUMBER = re.compile(r"^表?[0-9]+[-－—.][0-9]+[a-zA-Z]?")
_CONTINUED = re.compile(r"[(（]?续表?[)）]?$")
FOOTNOTE_PREFIXES = ("注", "资料来源", "说明", "附注", "Note", "Source")
SCOPE_WORDS = {"全市": "全市", "市辖区": "市辖区", "totalcity": "全市", "districtsundercity": "市辖区"}
LONG_COLUMNS = ["admin_code", "year", "field", "value", "unit", "file", "sheet", "cell"]


class ExtractionError(ValueError):
    """Input that cannot be read safely; the message says where and what was expected."""


class UnknownTable(ExtractionError):
    """A sheet with city rows whose headers name no known field."""


@dataclass(frozen=True)
class Names:
    """Everything needed to turn a printed name into an admin code."""

    aliases: dict[str, str]  # city_key -> code, from the city table
    national: dict[str, str]  # city_key -> code, prefecture level, from the national list
    provinces: set[str]  # city_key of province names
    official: dict[str, str]  # code -> city_key of the official name in the city table

    @classmethod
    def build(cls, cities: pd.DataFrame, admin_codes: pd.DataFrame, codes: list[str] | None = None) -> "Names":
        """Names of the city table's cities (only ``codes``, the configured cities, if given: the
        table's other cities, with their aliases, are then recognised as other cities and skipped)."""
        prefectures = admin_codes[admin_codes["level"] == "prefecture"]
        national = {city_key(n): c for n, c in zip(prefectures["name_cn"], prefectures["admin_code"])}
        chosen = cities if codes is None else cities[cities["admin_code"].isin(codes)]
        national |= {k: c for k, c in tables.build_alias_map(cities).items() if c not in set(chosen["admin_code"])}
        provinces = {city_key(n) for n in admin_codes.loc[admin_codes["level"] == "province", "name_cn"]}
        provinces |= {city_key(n) for n in ("湖北市", "湖南市", "江西市")}  # province names leaked as cities
        official = {c: city_key(n) for c, n in zip(chosen["admin_code"], chosen["name_cn"])}
        return cls(tables.build_alias_map(chosen), national, provinces, official)

    def resolve(self, printed: str) -> tuple[str | None, str]:
        """(admin code or None, how): how is ``city``, ``other_city``, ``province`` or ``unknown``."""
        key = city_key(printed)
        if key in self.aliases:
            return self.aliases[key], "city"
        if key in self.provinces or re.search(r"(省|自治区)$", key):
            return None, "province"
        if key in self.national:
            return self.national[key], "other_city"
        return None, "unknown"

    def close_matches(self, printed: str) -> list[str]:
        """Up to five known names close to ``printed``, each once, with its admin code."""
        known = {**self.national, **self.aliases}  # the city table wins for a name in both
        keys = difflib.get_close_matches(city_key(printed), list(known), n=5, cutoff=0.4)
        return [f"{key} ({known[key]})" for key in keys]


@dataclass(frozen=True)
class FieldMap:
    """Header variant + scope -> raw field, for the yearbook fields of the raw field table."""

    by_header: dict[str, list[tuple[str, str]]]  # normalised header -> [(field, scope)]
    canonical_unit: dict[str, str]
    kind: dict[str, str]
    zero_means_missing: dict[str, bool]
    never_zero: frozenset[str] = frozenset()  # a printed 0 is impossible: set missing with a log row

    @classmethod
    def build(cls, raw_fields: pd.DataFrame, divisors: set[str] = frozenset()) -> "FieldMap":
        """From the raw field table; ``divisors`` (fields some formula divides by) can never be 0."""
        by_header: dict[str, list[tuple[str, str]]] = {}
        yearbook = raw_fields[raw_fields["source"] == "yearbook"]
        for row in yearbook.itertuples(index=False):
            for variant in row.header_variants.split("|"):
                if variant.strip():
                    by_header.setdefault(header_key(variant), []).append((row.field, row.scope))
        impossible = set(raw_fields.loc[~raw_fields["zero_possible"], "field"]) | set(divisors)
        return cls(by_header, dict(zip(raw_fields["field"], raw_fields["unit"])),
                   dict(zip(raw_fields["field"], raw_fields["kind"])),
                   dict(zip(raw_fields["field"], raw_fields["zero_means_missing"])), frozenset(impossible))

    def match(self, name: str, scope: str) -> tuple[str | None, str]:
        """(field or None, note). A column without a scope label takes the field's only scope."""
        candidates = self.by_header.get(header_key(name), [])
        if not candidates:
            return None, ""
        if scope:
            for field, field_scope in candidates:
                if field_scope == scope:
                    return field, ""
            return None, f"scope {scope} not used"
        if len(candidates) == 1:
            return candidates[0][0], f"no 全市/市辖区 label; taken as {candidates[0][1]}, the field's scope"
        return None, "no 全市/市辖区 label and the header names fields of both scopes"


class Units:
    """Conversion between units of the units table (including aliases such as ％)."""

    def __init__(self, units: pd.DataFrame):
        self.table: dict[str, tuple[str, float]] = {}
        for row in units.itertuples(index=False):
            for name in [row.unit] + [a for a in str(row.aliases or "").split("|") if a]:
                self.table[unit_key(name)] = (row.dimension, float(row.factor))
        self.canonical_names = {unit_key(u): u for u in units["unit"]}

    def known(self, unit: str) -> bool:
        return unit_key(unit) in self.table

    def factor(self, unit: str, canonical: str) -> float:
        """Multiply a value in ``unit`` by this to get ``canonical``; raise if not convertible."""
        source, target = self.table.get(unit_key(unit)), self.table[unit_key(canonical)]
        if source is None:
            raise KeyError(unit)
        if source[0] != target[0]:
            raise ValueError(f"{unit} ({source[0]}) cannot be converted to {canonical} ({target[0]})")
        return source[1] / target[1]


def get_column_letter(number: int) -> str:
    """Excel's column name of 1-based column ``number``: 1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def unit_key(unit: str) -> str:
    return unicodedata.normalize("NFKC", str(unit)).replace(" ", "").replace("％", "%")


def header_key(text: str) -> str:
    """Comparable header: NFKC, no white space, no numbering such as (1)/(14) or 第三产业 prefix."""
    key = normalise_name(text)
    key = re.sub(r"\(\d+\)", "", key)
    key = re.sub(r"^第[一二三]产业", "", key)
    return key


_UNIT_AT_END = re.compile(r"^(.*)\(([^()]*)\)$")


def split_header(text: str, units: Units) -> tuple[str, str, str]:
    """Header cell -> (Chinese name, unit or "", scope word or "").

    Only the Chinese part before the first ``_x000D_``/line break is used. The unit is the last
    parenthesised part if it is a known unit (``执业(助理)医师数(人)`` -> name 执业(助理)医师数, unit 人).
    """
    first = re.split(r"_x000D_|\n", str(text))[0]
    name = unicodedata.normalize("NFKC", first).strip()
    scope = ""
    for suffix in ("全市", "市辖区"):
        for sep in ("_", ".", "·", " "):
            if name.endswith(sep + suffix):
                name, scope = name[: -len(suffix) - 1], suffix
    match = _UNIT_AT_END.match(name.replace(" ", ""))
    if match and units.known(match.group(2)):
        return match.group(1), match.group(2), scope
    return name.replace(" ", ""), "", scope


def scope_of(text: object) -> str:
    key = re.sub(r"[\s_]|x000D", "", unicodedata.normalize("NFKC", str(text or ""))).lower()
    for word, scope in SCOPE_WORDS.items():
        if key.startswith(word) or key == word:
            return scope
    return ""


@dataclass
class Sheet:
    """One worksheet: its name and every cell value (None where empty), merged ranges filled."""

    title: str
    grid: list[list[object]]


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (BIFF in an OLE2 container)
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx


def read_workbook(path: str | Path) -> list[Sheet]:
    """Every sheet of an .xlsx or legacy .xls workbook, read with python-calamine.

    Values as Excel stores them: numbers (integral ones as int), text without Excel's
    ``_x000D_``/carriage-return artefacts, None for an empty cell; a merged range's value fills
    every cell of the range. A file whose content does not match its extension is refused with a
    message saying what it is.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ExtractionError(f"{path.name}: cannot be read: {exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and head.startswith(OLE2_MAGIC):
        raise ExtractionError(f"{path.name}: this is a legacy .xls (BIFF) workbook named .xlsx; rename it to "
                              f"{path.stem}.xls (the workflow reads .xls editions as they are)")
    if suffix == ".xls" and head.startswith(ZIP_MAGIC):
        raise ExtractionError(f"{path.name}: this is an .xlsx workbook named .xls; rename it to {path.stem}.xlsx")
    if not (head.startswith(OLE2_MAGIC) or head.startswith(ZIP_MAGIC)):
        raise ExtractionError(f"{path.name}: not a readable Excel workbook (.xlsx or .xls): the file starts with "
                              f"{head!r}, neither a ZIP (.xlsx) nor an OLE2 (.xls) header")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [_sheet(workbook.get_sheet_by_name(name)) for name in workbook.sheet_names]
    except CalamineError as exc:
        raise ExtractionError(f"{path.name}: not a readable Excel workbook (.xlsx or .xls): {exc}") from None


def _value(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("_x000D_", "").replace("\r", "")
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sheet(sheet) -> Sheet:
    grid = [[_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    width = max((len(row) for row in grid), default=0)
    grid = [row + [None] * (width - len(row)) for row in grid]
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top >= len(grid) or left >= width:
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            for c in range(left, min(right, width - 1) + 1):
                grid[r][c] = value
    return Sheet(sheet.name, grid)


@dataclass(frozen=True)
class Layout:
    """Where things are in a sheet (0-based row and column indices)."""

    start: int  # first data row
    header_rows: tuple[int, ...]  # header rows above it (column-number rows excluded)
    value_col: int  # first value column: 2 after Chinese and English names, 1 without English
    number_rows: frozenset[int]  # rows of column numbers (1, 2, 3 … / 甲, 乙 …) to skip
    title_scope: str  # 全市 or 市辖区 named only in the sheet or table title, else ""
    unit: str = ""  # the unit of a ``单位：`` line above the table (in any column), else ""


@dataclass
class Columns:
    """The value columns of a sheet that map to wanted raw fields, and the 全市/市辖区 pairs to check."""

    fields: dict[int, tuple[str, float]]  # column -> (field, unit factor)
    pairs: list[tuple[str, int, int, float]]  # (field, whole column, district column, unit factor)


@dataclass
class SheetResult:
    rows: list[dict]
    log: list[dict]
    columns: Columns | None = None
    value_col: int = 2


NUMBER_ROW_LABELS = {"甲", "乙", "丙", "丁", "栏次", "序号", "编号", "栏目", "A", "B"}
_COLUMN_NUMBER = re.compile(r"^[(（]?(\d{1,3})[)）]?$")


def is_number_row(row: list[object]) -> bool:
    """A row of column numbers printed under a header: 1, 2, 3 … (or (1), (2) …) in the value
    columns, consecutive, and nothing or 甲/乙/栏次 … in the name columns."""
    numbers = []
    for index, value in enumerate(row):
        if value is None:
            continue
        text = normalise_name(value)
        match = _COLUMN_NUMBER.match(text)
        if match:
            numbers.append(int(match.group(1)))
        elif index > 1 or text not in NUMBER_ROW_LABELS:
            return False
    return len(numbers) >= 2 and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def first_data_row(grid: list[list[object]], names: Names) -> int | None:
    """Index of the first data row: its first cell is a total row, a province or a known city, or
    it names something in column A and holds a number in a later column (header rows hold none)."""
    for index, row in enumerate(grid):
        if not row or row[0] is None or spans_row(row) or is_number_row(row):
            continue
        key = normalise_name(row[0])
        if key in TOTAL_ROWS or names.resolve(str(row[0]))[1] in ("city", "other_city", "province"):
            return index
        if key and not key.startswith("单位:") and any(  # normalised: 单位： is 单位: here
            read_cell(value).action in ("ok", "repaired") for value in row[1:]
        ):
            return index
    return None


def value_column(grid: list[list[object]], start: int) -> int:
    """2 when column B holds names (an English-name column), 1 when it holds the first values."""
    numbers = texts = 0
    for row in grid[start:start + 40]:
        if len(row) < 2 or row[1] is None or row[0] is None:
            continue
        if read_cell(row[1]).action in ("ok", "repaired"):
            numbers += 1
        else:
            texts += 1
    return 1 if numbers > texts else 2


def title_scope(title: str, grid: list[list[object]], start: int) -> str:
    """全市 or 市辖区 when the sheet name or a title line above the table names exactly one of them."""
    texts = [title] + [str(row[0]) for row in grid[:start]
                       if row and row[0] is not None and (spans_row(row) or all(v is None for v in row[1:]))]
    text = normalise_name(" ".join(texts))
    whole, district = "全市" in text, "市辖区" in text
    return "市辖区" if district and not whole else "全市" if whole and not district else ""


def sheet_layout(sheet: Sheet, names: Names) -> Layout | None:
    """The layout of a data sheet, or None if the sheet has no city rows."""
    grid = sheet.grid
    start = first_data_row(grid, names)
    if start is None:
        return None
    value_col = value_column(grid, start)
    unit = take_unit_lines(grid, start)
    number_rows = frozenset(i for i, row in enumerate(grid) if is_number_row(row))
    header_rows = tuple(i for i in range(start) if i not in number_rows and not spans_row(grid[i])
                        and any(v is not None for v in grid[i][value_col:]))
    return Layout(start, header_rows, value_col, number_rows, title_scope(sheet.title, grid, start), unit)


def fill_unmerged_labels(grid: list[list[object]], header_rows: tuple[int, ...], value_col: int) -> None:
    """A label printed once over a 全市/市辖区 pair whose merge was lost (CSV exports, copies):
    carry it right into the columns that have a scope label below but no label of their own."""
    for upper in header_rows[:-1]:
        row = grid[upper]
        for col in range(value_col + 1, len(row)):
            has_scope = any(scope_of(grid[i][col]) for i in header_rows if i > upper and col < len(grid[i]))
            if row[col] is None and has_scope and row[col - 1] is not None and not scope_of(row[col - 1]):
                row[col] = row[col - 1]


def take_unit_lines(grid: list[list[object]], start: int) -> str:
    """The unit of the last ``单位：`` line above the table, in the first or in any later column
    (the yearbook database prints it in the last), or "". The unit cells are cleared so that they
    are not read as headers; an English part (``单位：万元 Unit: 10 000 yuan``) is dropped."""
    unit = ""
    for row in grid[:start]:
        for c, value in enumerate(row):
            text = normalise_name(value) if value is not None else ""  # normalised: 单位： reads 单位:
            if text.startswith("单位:"):
                unit = re.split(r"[A-Za-z]", text.split(":", 1)[1])[0]
                row[c] = None
    return unit


def unit_factor(where: str, address: str, name: str, field: str, unit: str, units: Units, canonical: str) -> float:
    """Factor from a column's unit to the field's canonical unit; raise naming the cell if none."""
    if not unit:
        raise ExtractionError(f"{where}, cell {address}: no unit for {name!r} (field {field}) in the header or a "
                              f"单位： line; expected a unit convertible to {canonical}")
    try:
        return units.factor(unit, canonical)
    except KeyError:
        raise ExtractionError(f"{where}, cell {address}: unknown unit {unit!r} for {name!r} (field {field}); "
                              f"expected a unit convertible to {canonical} — add it to the units table") from None
    except ValueError as exc:
        raise ExtractionError(f"{where}, cell {address}: {exc} (field {field})") from None


def map_columns(sheet: Sheet, layout: Layout, file: str, year: int, fields: FieldMap, units: Units,
                wanted: set[str]) -> tuple[Columns, list[dict]]:
    """Value columns -> (field, unit factor) from the header rows; log rows of every decision.

    Scope: the column's 全市/市辖区 label, else a suffix of the header, else the title's scope.
    Raises if the sheet has city rows but no header matches a known field, listing what was tried.
    """
    grid, where, log = sheet.grid, f"{file}, sheet {sheet.title!r}", []
    fill_unmerged_labels(grid, layout.header_rows, layout.value_col)
    unit_line = layout.unit
    columns: dict[int, tuple[str, float]] = {}
    by_header: dict[str, dict[str, tuple[int, str, float | None]]] = {}  # header -> scope -> (col, field, factor)
    tried: list[str] = []
    if layout.title_scope:
        log.append(_log(file, sheet.title, "", "", year, "", sheet.title, "assumed_scope", math.nan,
                        f"columns without a 全市/市辖区 label taken as {layout.title_scope}, named in the title"))
    for col in range(layout.value_col, max(len(r) for r in grid)):
        texts = [grid[i][col] for i in layout.header_rows]
        labels = [t for t in texts if t is not None and not scope_of(t)]
        if not labels:
            continue
        name_cell = labels[-1]  # the lowest label is the leaf of a multi-level header
        name, unit, suffix_scope = split_header(name_cell, units)
        unit = unit or next((u for _, u, _ in (split_header(t, units) for t in reversed(labels[:-1])) if u), "")
        scope = next((scope_of(t) for t in texts if scope_of(t)), "") or suffix_scope or layout.title_scope
        address = f"{get_column_letter(col + 1)}{layout.header_rows[0] + 1}"
        field, note = fields.match(name, scope)
        if field is None and not unit:  # "地区生产总值(千美元)": a known header with a unit we do not know
            bare = _UNIT_AT_END.match(name)
            if bare and fields.match(bare.group(1), scope)[0]:
                name, unit = bare.group(1), bare.group(2)
                field, note = fields.match(name, scope)
        tried.append(f"{address} {name!r}" + (f" ({scope})" if scope else ""))
        pair_field = field or next((f for f, _ in fields.by_header.get(header_key(name), [])), None)
        if pair_field and fields.kind[pair_field] in ("amount", "count") and scope:
            factor = None
            with contextlib.suppress(ExtractionError):
                factor = unit_factor(where, address, name, pair_field, unit or unit_line, units,
                                     fields.canonical_unit[pair_field])
            by_header.setdefault(header_key(name), {})[scope] = (col, pair_field, factor)
        if field is None:
            log.append(_log(file, sheet.title, address, "", year, "", str(name_cell), "ignored_column", math.nan,
                            note or "header matches no raw field"))
            continue
        if note:
            log.append(_log(file, sheet.title, address, "", year, field, str(name_cell), "assumed_scope", math.nan,
                            note))
        if field not in wanted:
            columns.setdefault(-col - 1, (field, math.nan))  # matched, but not needed: remembered as matched
            continue
        factor = unit_factor(where, address, name, field, unit or unit_line, units, fields.canonical_unit[field])
        if factor != 1.0:
            log.append(_log(file, sheet.title, address, "", year, field, str(name_cell), "converted_unit", factor,
                            f"values in {unit or unit_line} multiplied by {factor:g} to "
                            f"{fields.canonical_unit[field]}"))
        if field in {c[0] for c in columns.values()}:
            raise ExtractionError(f"{where}, cell {address}: field {field} ({scope or 'no scope'}) appears in two "
                                  "columns of the same sheet")
        columns[col] = (field, factor)
    if not columns:
        raise UnknownTable(
            f"{where}: the sheet has city rows (from row {layout.start + 1}) but no header matches a known field. "
            f"Tried the header cells {', '.join(tried[:12]) or '(none)'} (headers read from rows "
            f"{', '.join(str(i + 1) for i in layout.header_rows) or '(none)'}, values from column "
            f"{get_column_letter(layout.value_col + 1)}). If a header is a new spelling, add it to header_variants in "
            "the raw field table; otherwise remove the sheet from the workbook copy you point to")
    pairs = [(pair["全市"][1], pair["全市"][0], pair["市辖区"][0], pair["全市"][2])
             for pair in by_header.values() if set(pair) == {"全市", "市辖区"}
             and pair["全市"][2] is not None and pair["全市"][2] == pair["市辖区"][2]]
    return Columns({c: v for c, v in columns.items() if c >= 0}, pairs), log


def table_title(sheet: Sheet) -> str:
    """The table's title from the first row (``2-9 地区生产总值（续）`` -> ``地区生产总值``): no table
    number (numbers drift between editions), no 续表/（续）, no English, normalised; "" if none."""
    first = sheet.grid[0][0] if sheet.grid and sheet.grid[0] else None
    text = normalise_name(re.split(r"_x000D_|\n", str(first or ""))[0])
    text = _TABLE_NUMBER.sub("", re.sub(r"^续表", "", text))
    return _CONTINUED.sub("", text)


def is_continuation(sheet: Sheet) -> bool:
    """A sheet continuing a table: 续 in its name or in its title (``续表 2-9 …``, ``… （续）``)."""
    first = sheet.grid[0][0] if sheet.grid and sheet.grid[0] else None
    title = normalise_name(re.split(r"_x000D_|\n", str(first or ""))[0])
    return "续" in normalise_name(sheet.title) + title


def continued_columns(sheet: Sheet, layout: Layout, previous: SheetResult | None, file: str,
                      year: int, by_title: dict[str, tuple[str, SheetResult]] | None = None
                      ) -> tuple[SheetResult, list[dict]] | None:
    """A continuation sheet (``2-1续``, or a file titled ``… 续表``) with city rows but no header
    continues the columns of the table with the same title (``by_title``: title -> (where, result)),
    else of the sheet before it. None if the sheet is not one."""
    if layout.header_rows or not is_continuation(sheet):
        return None
    title = table_title(sheet)
    if by_title and title in by_title:
        where, source = by_title[title]
        if source.columns is None:
            raise ExtractionError(f"{file}, sheet {sheet.title!r}: a continuation without a header of its own, "
                                  f"titled {title!r}, and two tables of that title ({where}): cannot tell which it "
                                  "continues; copy the header of its table above its first city row")
    elif previous is not None and previous.columns is not None:
        where, source = "the previous sheet", previous
    else:
        return None
    return source, [_log(file, sheet.title, "", "", year, "", sheet.title, "continued_sheet", math.nan,
                         f"no header of its own: continues the columns of {where}")]


def extract_sheet(sheet: Sheet, file: str, year: int, names: Names, fields: FieldMap, units: Units,
                  wanted: set[str], previous: SheetResult | None = None,
                  known_breaks: KnownBreaks | None = None,
                  by_title: dict[str, tuple[str, SheetResult]] | None = None,
                  skip_unknown: bool = False) -> SheetResult:
    """Long rows and log rows of one sheet (see the module docstring).

    ``skip_unknown``: a table with city rows whose headers match no known field is logged as
    ``skipped_table`` instead of stopping the run (a folder holds every table of the yearbook).
    """
    try:
        layout = sheet_layout(sheet, names)
    except ExtractionError as exc:
        raise ExtractionError(f"{file}, sheet {sheet.title!r}: {exc}") from None
    if layout is None:
        return SheetResult([], [_log(file, sheet.title, "", "", year, "", "", "skipped_sheet", math.nan,
                                     "no city rows: not a data table")])
    continued = continued_columns(sheet, layout, previous, file, year, by_title)
    if continued is not None:
        source, log = continued
        columns = source.columns
        layout = Layout(layout.start, layout.header_rows, source.value_col, layout.number_rows, "")
    elif not layout.header_rows:
        raise ExtractionError(f"{file}, sheet {sheet.title!r}: city rows start at row {layout.start + 1} but there is "
                              "no header row above them (a continuation without a header of its own must have 续 in "
                              "its sheet name or title, e.g. 续表 or （续）, and the table it continues, with the same "
                              "title, must be in the same edition)")
    else:
        try:
            columns, log = map_columns(sheet, layout, file, year, fields, units, wanted)
        except UnknownTable as exc:
            if not skip_unknown:
                raise
            return SheetResult([], [_log(file, sheet.title, "", "", year, "", table_title(sheet), "skipped_table",
                                         math.nan, str(exc))])
    rows, row_log = read_rows(sheet, layout, columns, file, year, names, fields, known_breaks or KnownBreaks())
    return SheetResult(rows, log + row_log, columns, layout.value_col)


def read_rows(sheet: Sheet, layout: Layout, columns: Columns, file: str, year: int, names: Names,
              fields: FieldMap, known_breaks: KnownBreaks) -> tuple[list[dict], list[dict]]:
    """The values of the city rows of the study's cities, read cell by cell, with their log rows."""
    grid, where = sheet.grid, f"{file}, sheet {sheet.title!r}"
    rows: list[dict] = []
    log: list[dict] = []
    seen: dict[str, int] = {}
    swapped: list[Finding] = []
    for index in range(layout.start, len(grid)):
        row = grid[index]
        first = row[0] if row else None
        if index in layout.number_rows:
            continue
        if first is None or str(first).strip() == "":
            if any(v is not None for v in row[layout.value_col:]):
                raise ExtractionError(f"{where}, row {index + 1}: values but no city name in column A")
            continue
        text = normalise_name(first)
        if text in TOTAL_ROWS or _COUNT_ROW.match(text) or text.startswith(FOOTNOTE_PREFIXES):
            continue
        code, how = names.resolve(str(first))
        if how == "province":
            continue
        if all(value is None or str(value).strip() == "" for value in row[layout.value_col:]):
            # a heading (e.g. a province or group name that is also a city's name) or a city with
            # nothing printed: no values to take; logged so that it is not silent
            log.append(_log(file, sheet.title, f"A{index + 1}", code or "", year, "", str(first).strip(),
                            "empty_row", math.nan, "row has a name but no values"))
            continue
        if how == "unknown":
            close = names.close_matches(str(first))
            raise ExtractionError(f"{where}, cell A{index + 1}: city name {str(first).strip()!r} matches no name or "
                                  f"alias (close matches: {', '.join(close) or 'none'}); add it to the aliases in the "
                                  "city table")
        if code in seen:
            raise ExtractionError(f"{where}: city {code} ({str(first).strip()}) appears twice, rows {seen[code] + 1} "
                                  f"and {index + 1}")
        seen[code] = index
        if how == "other_city":
            continue
        if city_key(first) != names.official[code]:
            log.append(_log(file, sheet.title, f"A{index + 1}", code, year, "", str(first).strip(), "resolved_name",
                            math.nan, f"printed name resolved to {code}"))
        swapped += scope_pair_findings(row, index, columns.pairs, where, code, year)
        for col, (field, factor) in columns.fields.items():
            value, entry = read_value(row[col] if col < len(row) else None, factor, field, fields,
                                      f"{get_column_letter(col + 1)}{index + 1}", where, code, year)
            if entry:
                log.append(_log(file, sheet.title, *entry))
            rows.append({"admin_code": code, "year": year, "field": field, "value": value,
                         "unit": fields.canonical_unit[field], "file": file, "sheet": sheet.title,
                         "cell": f"{get_column_letter(col + 1)}{index + 1}"})
    errors, accepted = known_breaks.split(swapped)
    raise_findings(errors, f"{where} (全市/市辖区 pairs)")
    log += [_log(file, sheet.title, "", f.admin_code, year, f.field, "", "accepted_finding", math.nan,
                 f"{f.message} — accepted: {reason}") for f, reason in accepted]
    return rows, log


def read_value(raw: object, factor: float, field: str, fields: FieldMap, address: str, where: str, code: str,
               year: int) -> tuple[float, tuple | None]:
    """(value in the canonical unit, log entry or None) of one cell; impossible values raise."""
    cell = read_cell(raw, fields.zero_means_missing[field])
    value = cell.value * factor
    written = "" if raw is None else str(raw)
    if cell.action == "ok" and value == 0 and field in fields.never_zero:
        return math.nan, (address, code, year, field, written, "impossible_zero", math.nan,
                          f"0 is impossible for {field} (a size or a formula's divisor): set missing")
    if not math.isnan(value):
        check_plausible(value, fields.kind[field], f"{where}, cell {address}, city {code}, year {year}, "
                        f"field {field}", fields.canonical_unit[field])
    if cell.action != "ok":
        return value, (address, code, year, field, written, cell.action, value, cell.note)
    return value, None


def scope_pair_findings(row: list[object], index: int, pairs: list[tuple[str, int, int, float]], where: str,
                        code: str, year: int) -> list[Finding]:
    """The districts under a city are part of it: a 市辖区 value above its 全市 value is wrong."""
    findings = []
    for field, whole_col, district_col, factor in pairs:
        whole = read_cell(row[whole_col] if whole_col < len(row) else None).value * factor
        district = read_cell(row[district_col] if district_col < len(row) else None).value * factor
        if whole > 0 and district > whole * (1 + 1e-9):
            w, d = (f"{get_column_letter(c + 1)}{index + 1}" for c in (whole_col, district_col))
            findings.append(Finding(code, field, year, (
                f"{where}, row {index + 1}: city {code}, year {year}, field {field}: the 市辖区 value {district:g} "
                f"(cell {d}) is larger than the 全市 value {whole:g} (cell {w}); the districts are part of the whole "
                f"city — are the 全市 and 市辖区 columns {get_column_letter(whole_col + 1)} and "
                f"{get_column_letter(district_col + 1)} swapped?")))
    return findings


def spans_row(row: list[object]) -> bool:
    """A title or unit line merged across the whole width: every filled cell holds the same text."""
    filled = [v for v in row if v is not None]
    return len(filled) > 1 and row[0] is not None and all(v == row[0] for v in filled)


def check_plausible(value: float, kind: str, where: str, unit: str) -> None:
    if kind in ("amount", "count", "percent") and value < 0:
        raise ExtractionError(f"{where}: negative value {value:g}; a {kind} cannot be negative")
    if kind == "percent" and value > 100:
        raise ExtractionError(f"{where}: {value:g} {unit} is above 100, impossible for this share")


def _log(file, sheet, cell, code, year, field, written, action, value, note) -> dict:
    return {"file": file, "sheet": sheet, "cell": cell, "admin_code": code, "year": year, "field": field,
            "written": written, "action": action, "value": value, "note": note}


def check_year(path: str | Path, year: int, years: list[int]) -> None:
    """An edition whose data year is outside the years the configuration needs is an error."""
    if year not in years:
        raise ExtractionError(f"{Path(path).name}: data year {year} is outside the configured years "
                              f"{years[0]}-{years[-1]}; check inputs.yearbook.edition_offset and years")


def reader_setup(raw_fields: pd.DataFrame, cities: pd.DataFrame, admin_codes: pd.DataFrame, units: pd.DataFrame,
                 codes: list[str] | None, divisors: set[str] = frozenset()) -> dict:
    """The readers' keyword arguments (``names``, ``fields``, ``units``, ``wanted``) from the
    reference tables: names of the configured ``codes``, the yearbook fields and their units."""
    return {"names": Names.build(cities, admin_codes, codes), "fields": FieldMap.build(raw_fields, divisors),
            "units": Units(units), "wanted": set(raw_fields.loc[raw_fields["source"] == "yearbook", "field"])}


def extract_workbook(path: str | Path, year: int, names: Names, fields: FieldMap, units: Units,
                     wanted: set[str], known_breaks: KnownBreaks | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long table, cleaning log) of one edition workbook (.xlsx or .xls) holding data ``year``.

    ``wanted`` are the raw fields to extract; it is an error if one of them is in no sheet. A city
    of the city table without a row for a field gets a ``row_missing`` log row naming the sheet.
    """
    path = Path(path)
    return _extract(path.name, [(path.name, read_workbook(path))], year, names, fields, units, wanted,
                    known_breaks, folder=False)


def table_files(folder: str | Path) -> tuple[list[Path], list[Path]]:
    """(Excel files, other files) of a per-table edition folder, sub-folders included, in name
    order. Excel's lock files (``~$…``) and hidden files are among the others."""
    folder = Path(folder)
    excel, other = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hidden = any(part.startswith((".", "~$")) for part in path.relative_to(folder).parts)
        (excel if path.suffix.lower() in EXCEL_SUFFIXES and not hidden else other).append(path)
    return excel, other


def folder_problem(folder: str | Path) -> str:
    """Why ``folder`` cannot be read as one edition's table files ("" if it can)."""
    path = Path(folder)
    if not path.exists():
        return "no such folder" + ("" if path.parent.exists() else f" (nor {path.parent})")
    if not path.is_dir():
        return ("not a folder: layout per_table names one folder of table files per edition "
                "(set inputs.yearbook.layout: workbook for one workbook per edition)")
    if not table_files(path)[0]:
        return "no .xls or .xlsx table file in the folder"
    return ""


def extract_folder(folder: str | Path, year: int, names: Names, fields: FieldMap, units: Units,
                   wanted: set[str], known_breaks: KnownBreaks | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long table, cleaning log) of one edition delivered as a folder of table files.

    Each value's ``file`` is ``<folder name>/<path in the folder>``. Tables are recognised by
    title and headers; a table whose headers match no known field is logged as ``skipped_table``;
    a field printed in two files with different values stops the run naming both cells.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ExtractionError(f"{folder}: not a folder; inputs.yearbook.filename with layout per_table names one "
                              "folder of table files per edition")
    excel, other = table_files(folder)
    if not excel:
        raise ExtractionError(f"{folder}: no .xls or .xlsx table files in this edition folder (found "
                              f"{len(other)} other file(s)); put the downloaded tables of the edition here")
    label = folder.name
    books = []
    for path in excel:
        where = f"{label}/{path.relative_to(folder).as_posix()}"
        try:
            books.append((where, read_workbook(path)))
        except ExtractionError as exc:
            raise ExtractionError(f"{where.removesuffix(path.name)}{exc}") from None
    long, log = _extract(label, books, year, names, fields, units, wanted, known_breaks, folder=True)
    ignored = pd.DataFrame([_log(f"{label}/{path.relative_to(folder).as_posix()}", "", "", "", year, "", "",
                                 "ignored_file", math.nan, "not an .xls/.xlsx table file") for path in other],
                           columns=LOG_COLUMNS)
    return long, pd.concat([ignored, log], ignore_index=True) if len(ignored) else log


def _extract(label: str, books: list[tuple[str, list[Sheet]]], year: int, names: Names, fields: FieldMap,
             units: Units, wanted: set[str], known_breaks: KnownBreaks | None,
             folder: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sheets of one edition (``books``: (file, sheets) in reading order) -> (long, log)."""
    rows, log = [], []
    previous: SheetResult | None = None
    by_title: dict[str, tuple[str, SheetResult]] = {}
    sheets_of: dict[str, list[tuple[str, str]]] = {}
    entries = [(file, sheet) for file, sheets in books for sheet in sheets]
    if folder:  # file order means nothing: continuations after the tables they may continue
        entries.sort(key=lambda entry: is_continuation(entry[1]))
    for file, sheet in entries:
        result = extract_sheet(sheet, file, year, names, fields, units, wanted, None if folder else previous,
                               known_breaks, by_title if folder else None, skip_unknown=folder)
        rows += result.rows
        log += result.log
        if result.columns is not None:
            previous = result
            title = table_title(sheet)
            if title and not is_continuation(sheet):
                # two tables of one title (one per scope, say): a continuation without a header
                # could belong to either, so it has none (and stops the run, naming both)
                where = f"{file}, sheet {sheet.title!r}"
                by_title[title] = (where, result) if title not in by_title else (
                    f"{by_title[title][0]} and {where}", SheetResult([], [], None))
            for field, _ in result.columns.fields.values():
                sheets_of.setdefault(field, []).append((file, sheet.title))
    long = pd.DataFrame(rows, columns=LONG_COLUMNS)
    long, duplicate_log = drop_agreeing_duplicates(long, label, year)
    log += duplicate_log
    missing = sorted(wanted - set(sheets_of))
    if missing:
        skipped = [f"{r['file']} ({r['written'] or 'no title'})" for r in log if r["action"] == "skipped_table"]
        tables_note = (f"; tables read but matching no field: {', '.join(skipped[:10])}"
                       + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else "")) if skipped else ""
        raise ExtractionError(f"{label} (data year {year}): no {'table file' if folder else 'sheet'} has a column for "
                              f"field(s) {', '.join(missing)}; expected a header such as "
                              f"{', '.join(repr(k) for k, v in fields.by_header.items() if v[0][0] == missing[0])}"
                              + tables_note)
    present = set(zip(long["admin_code"], long["field"]))
    for field in sorted(sheets_of):
        first_file, first_sheet = sheets_of[field][0]
        where = " / ".join(f"{s!r}" if not folder else f"{f} {s!r}" for f, s in sheets_of[field])
        note = f"city {{}} has no row in sheet {where} of {label}" if not folder else f"city {{}} has no row in {where}"
        log += [_log(first_file, first_sheet, "", code, year, field, "", "row_missing", math.nan, note.format(code))
                for code in sorted(names.official) if (code, field) not in present]
    long = long.sort_values(["admin_code", "field"], kind="stable").reset_index(drop=True)
    log = pd.DataFrame(log, columns=LOG_COLUMNS)
    return long, log


def drop_agreeing_duplicates(long: pd.DataFrame, label: str, year: int) -> tuple[pd.DataFrame, list[dict]]:
    """A city's field printed more than once (two sheets or files): equal values are kept once,
    with a ``duplicate`` log row naming the other cell; different values stop the run naming both
    cells (both missing counts as equal)."""
    duplicated = long[long.duplicated(["admin_code", "field"], keep=False)]
    log: list[dict] = []
    for (code, field), group in duplicated.groupby(["admin_code", "field"], sort=True):
        first = group.iloc[0]
        for other in group.iloc[1:].itertuples():
            a, b = first["value"], other.value
            if not ((math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9)):
                raise ExtractionError(
                    f"{label}: field {field} of city {code} (year {year}) is printed twice with conflicting values "
                    f"{a:g} ({first['file']}, sheet {first['sheet']!r}, cell {first['cell']}) and {b:g} ({other.file}, "
                    f"sheet {other.sheet!r}, cell {other.cell}); remove the wrong copy or correct the cell")
            log.append(_log(other.file, other.sheet, other.cell, code, year, field, "", "duplicate", b,
                            f"same value as {first['file']}, sheet {first['sheet']!r}, cell {first['cell']}: "
                            "kept once"))
    return long.drop_duplicates(["admin_code", "field"]), log
