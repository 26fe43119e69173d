"""Extract the raw fields from one China City Statistical Yearbook edition (an .xlsx workbook).

For every sheet: find the header block above the first data row, join multi-row bilingual
headers (merged cells spread over their columns), read each column's unit from its header's last
parenthesised part or from the sheet's ``单位：`` line, map header + scope (全市/市辖区) to a raw
field through the raw field table's header variants, drop the total, province and footnote rows,
resolve printed city names to admin codes (city table aliases first, then the national code
list), read every cell with :mod:`urban_resilience.cells`, convert to the field's canonical unit
and check plausibility (no negative counts, no percentage above 100).

The result is a tidy long table (admin code, data year, field, value, unit, source file, sheet,
cell) plus a cleaning log of every repaired, missing, converted or skipped item. Anything that
cannot be decided safely raises :class:`ExtractionError` naming file, sheet, cell, city, year and
field, and what was expected.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from urban_resilience import tables
from urban_resilience.cells import read_cell

TOTAL_ROWS = {"城市合计", "合计", "总计", "全国", "全国合计", "全国总计", "地级以上城市合计", "全部城市合计", "Total"}
FOOTNOTE_PREFIXES = ("注", "资料来源", "说明", "附注", "Note", "Source")
SCOPE_WORDS = {"全市": "全市", "市辖区": "市辖区", "totalcity": "全市", "districtsundercity": "市辖区"}
LONG_COLUMNS = ["admin_code", "year", "field", "value", "unit", "file", "sheet", "cell"]
LOG_COLUMNS = ["file", "sheet", "cell", "admin_code", "year", "field", "written", "action", "value", "note"]


class ExtractionError(ValueError):
    """Input that cannot be read safely; the message says where and what was expected."""


@dataclass(frozen=True)
class Names:
    """Everything needed to turn a printed name into an admin code."""

    aliases: dict[str, str]  # city_key -> code, from the city table
    national: dict[str, str]  # city_key -> code, prefecture level, from the national list
    provinces: set[str]  # city_key of province names
    official: dict[str, str]  # code -> city_key of the official name in the city table

    @classmethod
    def build(cls, cities: pd.DataFrame, admin_codes: pd.DataFrame) -> "Names":
        prefectures = admin_codes[admin_codes["level"] == "prefecture"]
        national = {tables.city_key(n): c for n, c in zip(prefectures["name_cn"], prefectures["admin_code"])}
        provinces = {tables.city_key(n) for n in admin_codes.loc[admin_codes["level"] == "province", "name_cn"]}
        provinces |= {tables.city_key(n) for n in ("湖北市", "湖南市", "江西市")}  # province names leaked as cities
        official = {c: tables.city_key(n) for c, n in zip(cities["admin_code"], cities["name_cn"])}
        return cls(tables.build_alias_map(cities), national, provinces, official)

    def resolve(self, printed: str) -> tuple[str | None, str]:
        """(admin code or None, how): how is ``city``, ``other_city``, ``province`` or ``unknown``."""
        key = tables.city_key(printed)
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
        keys = difflib.get_close_matches(tables.city_key(printed), list(known), n=5, cutoff=0.4)
        return [f"{key} ({known[key]})" for key in keys]


@dataclass(frozen=True)
class FieldMap:
    """Header variant + scope -> raw field, for the yearbook fields of the raw field table."""

    by_header: dict[str, list[tuple[str, str]]]  # normalised header -> [(field, scope)]
    canonical_unit: dict[str, str]
    kind: dict[str, str]
    zero_means_missing: dict[str, bool]

    @classmethod
    def build(cls, raw_fields: pd.DataFrame) -> "FieldMap":
        by_header: dict[str, list[tuple[str, str]]] = {}
        yearbook = raw_fields[raw_fields["source"] == "yearbook"]
        for row in yearbook.itertuples(index=False):
            for variant in row.header_variants.split("|"):
                if variant.strip():
                    by_header.setdefault(header_key(variant), []).append((row.field, row.scope))
        return cls(by_header, dict(zip(raw_fields["field"], raw_fields["unit"])),
                   dict(zip(raw_fields["field"], raw_fields["kind"])),
                   dict(zip(raw_fields["field"], raw_fields["zero_means_missing"])))

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


def unit_key(unit: str) -> str:
    return unicodedata.normalize("NFKC", str(unit)).replace(" ", "").replace("％", "%")


def header_key(text: str) -> str:
    """Comparable header: NFKC, no white space, no numbering such as (1)/(14) or 第三产业 prefix."""
    key = tables.normalise_name(text)
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
class SheetResult:
    rows: list[dict]
    log: list[dict]


def sheet_grid(sheet) -> list[list[object]]:
    """All cell values; a merged range's value fills every cell of the range."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[r - 1][c - 1] = value
    return grid


def first_data_row(grid: list[list[object]], names: Names) -> int | None:
    """Index of the first data row: its first cell is a total row, a province or a known city, or
    it names something in column A and holds a number in a value column (header rows hold none)."""
    for index, row in enumerate(grid):
        if not row or row[0] is None or spans_row(row):
            continue
        key = tables.normalise_name(row[0])
        if key in TOTAL_ROWS or names.resolve(str(row[0]))[1] in ("city", "other_city", "province"):
            return index
        if key and not key.startswith(("单位:", "单位：")) and any(
            read_cell(value).action in ("ok", "repaired") for value in row[2:]
        ):
            return index
    return None


def fill_unmerged_labels(grid: list[list[object]], header_rows: list[int]) -> None:
    """A label printed once over a 全市/市辖区 pair whose merge was lost (CSV exports, copies):
    carry it right into the columns that have a scope label below but no label of their own."""
    for upper in header_rows[:-1]:
        row = grid[upper]
        for col in range(3, len(row)):
            has_scope = any(scope_of(grid[i][col]) for i in header_rows if i > upper and col < len(grid[i]))
            if row[col] is None and has_scope and row[col - 1] is not None and not scope_of(row[col - 1]):
                row[col] = row[col - 1]


def extract_sheet(sheet, file: str, year: int, names: Names, fields: FieldMap, units: Units,
                  wanted: set[str]) -> SheetResult:
    """Long rows and log rows of one sheet (see the module docstring)."""
    grid = sheet_grid(sheet)
    log: list[dict] = []
    where = f"{file}, sheet {sheet.title!r}"
    start = first_data_row(grid, names)
    if start is None:
        log.append(_log(file, sheet.title, "", "", year, "", "", "skipped_sheet", math.nan,
                        "no city rows: not a data table"))
        return SheetResult([], log)
    header_rows = [i for i in range(start) if any(v is not None for v in grid[i][2:]) and not spans_row(grid[i])]
    if not header_rows:
        raise ExtractionError(f"{where}: city rows start at row {start + 1} but there is no header row above them")
    fill_unmerged_labels(grid, header_rows)
    sheet_unit = ""
    for i in range(start):
        text = tables.normalise_name(grid[i][0]) if grid[i] and grid[i][0] else ""
        if text.startswith(("单位:", "单位：")):
            sheet_unit = text.split(":", 1)[-1].split("：", 1)[-1]
    columns = {}  # column index -> (field, unit)
    matched_any = False
    width = max(len(r) for r in grid)
    for col in range(2, width):
        texts = [grid[i][col] if col < len(grid[i]) else None for i in header_rows]
        labels = [t for t in texts if t is not None and not scope_of(t)]
        if not labels:
            continue
        name_cell = labels[-1]  # the lowest label is the leaf of a multi-level header
        scope = next((scope_of(t) for t in texts if scope_of(t)), "")
        name, unit, suffix_scope = split_header(name_cell, units)
        unit = unit or next((u for _, u, _ in (split_header(t, units) for t in reversed(labels[:-1])) if u), "")
        scope = scope or suffix_scope
        address = f"{get_column_letter(col + 1)}{header_rows[0] + 1}"
        field, note = fields.match(name, scope)
        if field is None and not unit:  # "地区生产总值(千美元)": a known header with a unit we do not know
            bare = _UNIT_AT_END.match(name)
            if bare and fields.match(bare.group(1), scope)[0]:
                name, unit = bare.group(1), bare.group(2)
                field, note = fields.match(name, scope)
        if field is None:
            log.append(_log(file, sheet.title, address, "", year, "", str(name_cell), "ignored_column", math.nan,
                            note or "header matches no raw field"))
            continue
        matched_any = True
        if note:
            log.append(_log(file, sheet.title, address, "", year, field, str(name_cell), "assumed_scope", math.nan, note))
        if field not in wanted:
            continue
        unit = unit or sheet_unit
        canonical = fields.canonical_unit[field]
        if not unit:
            raise ExtractionError(f"{where}, cell {address}: no unit for {name!r} (field {field}) in the header or a "
                                  f"单位： line; expected a unit convertible to {canonical}")
        try:
            factor = units.factor(unit, canonical)
        except KeyError:
            raise ExtractionError(f"{where}, cell {address}: unknown unit {unit!r} for {name!r} (field {field}); "
                                  f"expected a unit convertible to {canonical} — add it to the units table") from None
        except ValueError as exc:
            raise ExtractionError(f"{where}, cell {address}: {exc} (field {field})") from None
        if factor != 1.0:
            log.append(_log(file, sheet.title, address, "", year, field, str(name_cell), "converted_unit", factor,
                            f"values in {unit} multiplied by {factor:g} to {canonical}"))
        if field in {c[0] for c in columns.values()}:
            raise ExtractionError(f"{where}, cell {address}: field {field} ({scope or 'no scope'}) appears in two "
                                  "columns of the same sheet")
        columns[col] = (field, factor)
    if not matched_any:
        raise ExtractionError(f"{where}: the sheet has city rows but no header matches a known field (headers: "
                              f"{_header_list(grid, header_rows)}); add the header to header_variants in the raw "
                              "field table, or remove the sheet from the workbook copy you point to")
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for index in range(start, len(grid)):
        row = grid[index]
        first = row[0] if row else None
        if first is None or str(first).strip() == "":
            if any(v is not None for v in row[2:]):
                raise ExtractionError(f"{where}, row {index + 1}: values but no city name in column A")
            continue
        text = tables.normalise_name(first)
        if text in TOTAL_ROWS or text.startswith(FOOTNOTE_PREFIXES):
            continue
        code, how = names.resolve(str(first))
        if how == "province":
            continue
        if all(value is None or str(value).strip() == "" for value in row[2:]):
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
        if tables.city_key(first) != names.official[code]:
            log.append(_log(file, sheet.title, f"A{index + 1}", code, year, "", str(first).strip(), "resolved_name",
                            math.nan, f"printed name resolved to {code}"))
        for col, (field, factor) in columns.items():
            raw = row[col] if col < len(row) else None
            address = f"{get_column_letter(col + 1)}{index + 1}"
            cell = read_cell(raw, fields.zero_means_missing[field])
            value = cell.value * factor
            if cell.action != "ok":
                log.append(_log(file, sheet.title, address, code, year, field, "" if raw is None else str(raw),
                                cell.action, value, cell.note))
            if not math.isnan(value):
                check_plausible(value, fields.kind[field], f"{where}, cell {address}, city {code}, year {year}, "
                                f"field {field}", fields.canonical_unit[field])
            rows.append({"admin_code": code, "year": year, "field": field, "value": value,
                         "unit": fields.canonical_unit[field], "file": file, "sheet": sheet.title, "cell": address})
    return SheetResult(rows, log)


def spans_row(row: list[object]) -> bool:
    """A title or unit line merged across the whole width: every filled cell holds the same text."""
    filled = [v for v in row if v is not None]
    return len(filled) > 1 and row[0] is not None and all(v == row[0] for v in filled)


def check_plausible(value: float, kind: str, where: str, unit: str) -> None:
    if kind in ("amount", "count", "percent") and value < 0:
        raise ExtractionError(f"{where}: negative value {value:g}; a {kind} cannot be negative")
    if kind == "percent" and value > 100:
        raise ExtractionError(f"{where}: {value:g} {unit} is above 100, impossible for this share")


def _header_list(grid, header_rows) -> str:
    texts = {str(grid[i][c]).split("_x000D_")[0].strip() for i in header_rows for c in range(2, len(grid[i]))
             if grid[i][c] is not None}
    return ", ".join(sorted(texts)[:8])


def _log(file, sheet, cell, code, year, field, written, action, value, note) -> dict:
    return {"file": file, "sheet": sheet, "cell": cell, "admin_code": code, "year": year, "field": field,
            "written": written, "action": action, "value": value, "note": note}


def check_year(path: str | Path, year: int, years: list[int]) -> None:
    """An edition whose data year is outside the years the configuration needs is an error."""
    if year not in years:
        raise ExtractionError(f"{Path(path).name}: data year {year} is outside the configured years "
                              f"{years[0]}-{years[-1]}; check inputs.yearbook.edition_offset and years")


def extract_workbook(path: str | Path, year: int, names: Names, fields: FieldMap, units: Units,
                     wanted: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long table, cleaning log) of one edition workbook holding data ``year``.

    ``wanted`` are the raw fields to extract; it is an error if one of them is in no sheet.
    """
    path = Path(path)
    try:
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ExtractionError(f"{path.name}: not a readable Excel workbook (.xlsx): {exc}") from None
    rows, log = [], []
    for sheet in workbook.worksheets:
        result = extract_sheet(sheet, path.name, year, names, fields, units, wanted)
        rows += result.rows
        log += result.log
    long = pd.DataFrame(rows, columns=LONG_COLUMNS)
    duplicated = long[long.duplicated(["admin_code", "field"], keep=False)]
    if not duplicated.empty:
        first = duplicated.sort_values(["admin_code", "field"]).head(2)
        places = "; ".join(f"sheet {r.sheet!r} cell {r.cell}" for r in first.itertuples())
        a, b = first["value"].tolist()
        if not (math.isclose(a, b, rel_tol=1e-9) or (math.isnan(a) and math.isnan(b))):
            raise ExtractionError(f"{path.name}: field {first.iloc[0]['field']} of city {first.iloc[0]['admin_code']} "
                                  f"(year {year}) is printed twice with conflicting values {a:g} and {b:g} ({places})")
        long = long.drop_duplicates(["admin_code", "field"])
    missing = sorted(wanted - set(long["field"]))
    if missing:
        raise ExtractionError(f"{path.name} (data year {year}): no sheet has a column for field(s) "
                              f"{', '.join(missing)}; expected a header such as "
                              f"{', '.join(repr(k) for k, v in fields.by_header.items() if v[0][0] == missing[0])}")
    long = long.sort_values(["admin_code", "field"], kind="stable").reset_index(drop=True)
    log = pd.DataFrame(log, columns=LOG_COLUMNS)
    return long, log
