"""Read a compiled city-year panel (CSV, .xlsx or Stata .dta; long or wide) into the tidy long table
that :mod:`urban_resilience.readers.yearbook` writes for one edition, so that the same gate checks run.

Notation: a panel file has one header ``h`` per column (for a .dta file, the variable's label if it
has one, else its name; a user ``mapping`` or ``codebook`` gives the text for ASCII names). A row
``r`` is one city ``c`` and data year ``y``; the output row (c, y, field f) holds
``value = v[r, h] × k(u_h → u_f)``, where ``u_h`` is the column's unit and ``k`` the factor of the
units table from it to the field's canonical unit ``u_f``.

- **Layout.** *wide*: one column per field (``地区生产总值(万元)``, ``地区生产总值_当年价格_亿元_全市``,
  ``gdp_wc``); *long*: one row per city, year and indicator, with indicator-name and value columns
  (and optionally a unit column). ``auto`` picks long when both an indicator and a value column exist.
- **Header → field.** The header's scope suffix (``_全市``, ``.市辖区``, ``_wc`` = 全市,
  ``_duc`` = 市辖区) is removed, then its unit: a parenthesised last part, a ``_``-separated part
  that is a unit, or a unit glued to the end after Stata dropped the parentheses
  (``地区生产总值万元``). What is left is matched against the header variants of the raw field
  table (a raw field's own name such as ``gdp`` matches too), with the column's scope or the
  declared ``scope`` for unsuffixed headers. An unmatched column is logged (``ignored_column``).
- **Units.** From the header, else declared (``units``: column or field → unit); converted through
  the units table. No unit stops the run naming the column.
- **Cities.** By admin code (6 digits as int, float or text; 4 digits ``4201`` → ``420100``) or by
  name through the city table's names and aliases (former names such as 襄樊), never by name alone
  across years. An unknown name stops the run listing close matches (difflib).
- **Cells.** Read with :func:`urban_resilience.readers.cells.read_cell`; every repaired or
  missing cell has a log row naming file, row and column; negative amounts and shares above 100
  stop the run, and so does a 市辖区 value above its 全市 value (``pop_district > pop``) unless the
  known-breaks table accepts it.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from urban_resilience.core.names import normalise_name
from urban_resilience.gate.checks import Finding, KnownBreaks, raise_findings
from urban_resilience.readers.cells import LOG_COLUMNS, read_cell
from urban_resilience.readers.yearbook import (
    LONG_COLUMNS,
    ExtractionError,
    FieldMap,
    Names,
    Units,
    check_plausible,
    get_column_letter,
    read_workbook,
)

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xls": "xlsx", ".dta": "dta"}
SCOPE_SUFFIXES = {"全市": "全市", "市辖区": "市辖区", "wc": "全市", "duc": "市辖区"}
SCOPE_SEPARATORS = ("_", ".", "·", " ", "-")
CODE_COLUMNS = ("行政区划代码", "admin_code", "citycode", "city_code", "城市代码", "代码", "code", "areacode", "id")
NAME_COLUMNS = ("城市", "地区", "城市名称", "地级市", "市", "city", "cityname", "city_name", "name", "地区名称")
YEAR_COLUMNS = ("年份", "year", "年度", "sgnyear", "年")
INDICATOR_COLUMNS = ("指标", "指标名称", "indicator", "variable", "变量", "变量名", "item")
VALUE_COLUMNS = ("数值", "值", "value", "val", "指标值")
UNIT_COLUMNS = ("单位", "unit", "units")
SCOPE_COLUMNS = ("口径", "范围", "scope")


class PanelFileError(ValueError):
    """A compiled panel that cannot be read safely; the message names file, row, column and what to do."""


@dataclass(frozen=True)
class PanelSpec:
    """What ``inputs.panel`` of the config says about the file (see the config schema)."""

    path: str
    format: str = "auto"  # auto | csv | xlsx | dta
    layout: str = "auto"  # auto | long | wide
    encoding: str = "auto"  # auto (UTF-8 with or without BOM, else GB18030/GBK) or a codec name
    mapping: dict[str, str] = field(default_factory=dict)  # column -> raw field
    codebook: str = ""  # CSV of (variable, label): header text for ASCII names
    units: dict[str, str] = field(default_factory=dict)  # column or raw field -> unit
    scope: str = ""  # 全市 | 市辖区 | "": scope of headers without a suffix


@dataclass
class RawTable:
    """A panel file as read: text headers, the cells, and how each row and column is named in messages."""

    file: str
    sheet: str
    headers: list[str]  # the text matched against field headers (label, codebook text or name)
    names: list[str]  # the column names as stored in the file
    rows: list[list[object]]
    first_line: int  # file line (or observation number) of the first data row
    row_word: str = "row"
    log: list[dict] = field(default_factory=list)

    def column_label(self, col: int) -> str:
        """``column D 地区生产总值(万元)`` (``variable gdp_wc`` in a .dta file)."""
        if self.row_word == "observation":
            return f"variable {self.names[col]}"
        return f"column {get_column_letter(col + 1)} {self.names[col]}"

    def place(self, line: int, col: int) -> str:
        """Where a cell is, for the cleaning log and messages: ``row 5, column D 地区生产总值(万元)``."""
        return f"{self.row_word} {line}, {self.column_label(col)}"


@dataclass(frozen=True)
class ColumnMatch:
    """A value column mapped to a raw field."""

    col: int
    field: str
    unit: str
    factor: float
    scope: str


def _log(file, sheet, cell, code, year, field_name, written, action, value, note) -> dict:
    return {"file": file, "sheet": sheet, "cell": cell, "admin_code": code, "year": year, "field": field_name,
            "written": written, "action": action, "value": value, "note": note}


# ------------------------------------------------------------------------------------------ files

def file_format(path: str | Path, declared: str = "auto") -> str:
    """``csv``, ``xlsx`` or ``dta``: the declared format, else from the file name's extension."""
    if declared != "auto":
        return declared
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise PanelFileError(f"{Path(path).name}: cannot tell the format from the extension {suffix!r}; "
                             "set inputs.panel.format to csv, xlsx or dta")
    return FORMATS[suffix]


def decode(data: bytes, encoding: str, file: str) -> tuple[str, str]:
    """(text, how it was decoded). ``auto``: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK)."""
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise PanelFileError(f"{file}: cannot be read as {encoding}: {exc}; check inputs.panel.encoding "
                                 "(auto tries UTF-8, then GBK)") from None
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK (GB18030)"
    except UnicodeDecodeError as exc:
        raise PanelFileError(f"{file}: neither UTF-8 nor GBK text ({exc}); save it as UTF-8 CSV or set "
                             "inputs.panel.encoding") from None


def read_csv_table(path: Path, encoding: str) -> RawTable:
    """A CSV panel: every cell as text (line ends CRLF or LF), header on line 1."""
    text, how = decode(path.read_bytes(), encoding, path.name)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=0, skip_blank_lines=False)
    table = RawTable(path.name, "", [str(c) for c in frame.columns], [str(c) for c in frame.columns],
                     frame.to_numpy(dtype=object).tolist(), 2)
    table.log.append(_log(path.name, "", "", "", "", "", "", "read_encoding", math.nan, f"read as {how}"))
    return table


def read_excel_table(path: Path) -> RawTable:
    """The first sheet with content of an .xlsx/.xls panel; header in its first non-empty row."""
    try:
        sheets = read_workbook(path)
    except ExtractionError as exc:
        raise PanelFileError(str(exc)) from None
    for sheet in sheets:
        rows = [row for row in sheet.grid]
        top = next((i for i, row in enumerate(rows) if any(v is not None for v in row)), None)
        if top is None:
            continue
        names = ["" if v is None else str(v) for v in rows[top]]
        table = RawTable(path.name, sheet.title, list(names), names, rows[top + 1:], top + 2)
        others = [s.title for s in sheets if s is not sheet]
        if others:
            table.log.append(_log(path.name, sheet.title, "", "", "", "", "", "skipped_sheet", math.nan,
                                  f"the panel is read from sheet {sheet.title!r}; other sheets not read: "
                                  f"{', '.join(others)}"))
        return table
    raise PanelFileError(f"{path.name}: every sheet is empty")


def read_stata_table(path: Path) -> RawTable:
    """A Stata .dta panel: variable names, and their labels (Chinese headers) where given."""
    try:
        with pd.io.stata.StataReader(path, convert_categoricals=False) as reader:
            frame = reader.read()
            labels = reader.variable_labels()
    except (ValueError, OSError) as exc:
        raise PanelFileError(f"{path.name}: not a readable Stata .dta file: {exc}") from None
    names = [str(c) for c in frame.columns]
    headers = [labels.get(n) or n for n in names]
    return RawTable(path.name, "", headers, names, frame.astype(object).to_numpy().tolist(), 1, "observation")


def read_codebook(path: str | Path) -> dict[str, str]:
    """A codebook CSV (UTF-8 or GBK) of variable → label: columns ``variable`` and ``label``
    (or 变量名 / 变量标签)."""
    path = Path(path)
    text, _ = decode(path.read_bytes(), "auto", path.name)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    columns = {normalise_name(c).lower(): c for c in frame.columns}
    var = next((columns[c] for c in ("variable", "变量名", "变量", "name") if c in columns), None)
    label = next((columns[c] for c in ("label", "变量标签", "标签", "description") if c in columns), None)
    if var is None or label is None:
        raise PanelFileError(f"{path.name}: a codebook needs a column 'variable' and a column 'label' "
                             f"(found {', '.join(frame.columns)})")
    return {str(v).strip(): str(t).strip() for v, t in zip(frame[var], frame[label]) if str(t).strip()}


def read_table(spec: PanelSpec) -> RawTable:
    """The panel file named by ``spec`` as a :class:`RawTable`; the codebook's labels applied."""
    path = Path(spec.path)
    kind = file_format(path, spec.format)
    if kind == "csv":
        table = read_csv_table(path, spec.encoding)
    elif kind == "xlsx":
        table = read_excel_table(path)
    else:
        table = read_stata_table(path)
    if spec.codebook:
        book = read_codebook(spec.codebook)
        table.headers = [book.get(n, h) for n, h in zip(table.names, table.headers)]
    return table


# ----------------------------------------------------------------------------------- headers

def _key(text: str) -> str:
    return normalise_name(text).lower()


def find_column(table: RawTable, candidates: tuple[str, ...]) -> int | None:
    """Index of the first column whose name or header (without a parenthesised part) is a candidate."""
    wanted = [c.lower() for c in candidates]
    for candidate in wanted:
        for col, (name, header) in enumerate(zip(table.names, table.headers)):
            for text in (name, header):
                if re.sub(r"[(（].*$", "", _key(text)) == candidate:
                    return col
    return None


def split_scope(text: str) -> tuple[str, str]:
    """(header without its scope suffix, 全市/市辖区 or "")."""
    for word, scope in SCOPE_SUFFIXES.items():
        for sep in SCOPE_SEPARATORS:
            if text.lower().endswith(sep + word):
                return text[: -len(word) - 1], scope
    for word in ("全市", "市辖区"):  # 地区生产总值(万元)(全市)
        if text.endswith(f"({word})"):
            return text[: -len(word) - 2], word
    return text, ""


def header_parts(text: str, units: Units) -> list[tuple[str, str, str]]:
    """Readings (name, unit or "", scope or "") of one header, to be tried in order.

    ``地区生产总值(万元)`` → (地区生产总值, 万元, ""); ``地区生产总值_当年价格_亿元_全市`` →
    (地区生产总值当年价格, 亿元, 全市), (地区生产总值(当年价格), 亿元, 全市); ``地区生产总值_市辖区万元``
    (parentheses dropped by Stata) → (地区生产总值_市辖区万元, "", ""), (地区生产总值, 万元, 市辖区) …
    A part of the header is never dropped: a qualifier must be a header variant of the field.
    """
    text = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    text, scope = split_scope(text)
    unit = ""
    match = re.match(r"^(.*)\(([^()]*)\)$", text)
    if match and units.known(match.group(2)):
        text, unit = match.group(1), match.group(2)
        if not scope:  # 地区生产总值_市辖区(万元)
            text, scope = split_scope(text)
    readings = []
    parts = [p for p in text.split("_") if p]
    unit_parts = [p for p in parts if units.known(p)]
    if len(parts) > 1 and unit_parts and not unit:  # 地区生产总值_当年价格_亿元
        rest = [p for p in parts if not units.known(p)]
        if rest:
            readings += [("".join(rest), unit_parts[-1], scope),
                         (rest[0] + "".join(f"({p})" for p in rest[1:]), unit_parts[-1], scope)]
    else:
        readings.append((text, unit, scope))
        if len(parts) > 1:
            readings.append((parts[0] + "".join(f"({p})" for p in parts[1:]), unit, scope))
    if not unit:  # a unit glued to the end: 地区生产总值万元, 年末总人口万人_全市
        for glued in sorted((u for u in units.table if text.endswith(u) and len(text) > len(u)), key=len,
                            reverse=True):
            name, inner_scope = split_scope(text[: -len(glued)])
            if inner_scope and scope:
                continue
            readings.append((name, glued, scope or inner_scope))
    return list(dict.fromkeys(r for r in readings if r[0]))


def yearbook_fields(fields: FieldMap) -> frozenset[str]:
    """The raw fields a panel can give: those the yearbooks print (not side tables or rasters)."""
    return frozenset(name for entries in fields.by_header.values() for name, _ in entries)


@dataclass
class HeaderMatcher:
    """Header text → (field, unit, scope) with the raw field table, the units table and the config."""

    fields: FieldMap
    units: Units
    default_scope: str = ""
    field_names: frozenset[str] = frozenset()

    def same_header(self, field_name: str, scope: str) -> str | None:
        """The field of ``scope`` that shares a header with ``field_name`` (itself if its scope)."""
        for entries in self.fields.by_header.values():
            if any(name == field_name for name, _ in entries):
                for name, entry_scope in entries:
                    if entry_scope == scope:
                        return name
        return None

    def match(self, text: str, declared_field: str = "") -> tuple[str | None, str, str, str]:
        """(field or None, unit, scope, note) of one header."""
        readings = header_parts(text, self.units)
        if declared_field:
            unit, scope = (readings[0][1], readings[0][2]) if readings else ("", "")
            return declared_field, unit, scope, "mapped by inputs.panel.mapping"
        if _key(text) in self.field_names:  # pop_district: a raw field's own name
            return _key(text), readings[0][1] if readings else "", "", "named by its raw field"
        note = ""
        for name, unit, scope in readings:
            own = _key(name)
            if own in self.field_names:  # gdp(万元), pop_duc: a raw field's name, a unit, a scope suffix
                found = self.same_header(own, scope) if scope else own
                if found:
                    return found, unit, scope, f"named by its raw field {own}" + (f" and the suffix {scope}"
                                                                                  if scope else "")
                note = f"raw field {own} has no {scope} scope"
                continue
            found, why = self.fields.match(name, scope or self.default_scope)
            if found:
                if not scope and self.default_scope:
                    why = f"no scope suffix; taken as {self.default_scope} (inputs.panel.scope)"
                return found, unit, scope or self.default_scope, why
            note = note or why
        last = readings[0] if readings else ("", "", "")
        return None, last[1], last[2] or self.default_scope, note or "header matches no raw field"


# -------------------------------------------------------------------------------------- cities

@dataclass
class CityResolver:
    """Admin codes or printed names → admin codes of the city table (None: a city outside it)."""

    names: Names
    national_codes: frozenset[str]
    cache: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def code(self, raw: object, where: str) -> tuple[str | None, str]:
        """(code or None, how) from an admin-code cell: ``city`` or ``other_city``."""
        text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()
        text = re.sub(r"\.0+$", "", text)
        if len(text) == 4 and text.isdigit():
            text += "00"
        if not re.fullmatch(r"[1-8]\d{5}", text):
            raise PanelFileError(f"{where}: admin code {raw!r} is not an admin code; expected 6 digits such as "
                                 "420100 (or 4 digits such as 4201)")
        if text in self.names.official:
            return text, "city"
        return None, "other_city" if text in self.national_codes else "unknown_code"

    def name(self, raw: object, where: str) -> tuple[str | None, str]:
        """(code or None, how) from a printed city name: ``city``, ``other_city`` or ``province``."""
        text = "" if raw is None else str(raw).strip()
        if text not in self.cache:
            code, how = self.names.resolve(text)
            if how == "unknown":
                close = self.names.close_matches(text)
                raise PanelFileError(f"{where}: city name {text!r} matches no name or alias of the city table or "
                                     f"the national code list (close matches: {', '.join(close) or 'none'}); "
                                     "add it to the aliases in the city table, or give an admin-code column")
            self.cache[text] = (code if how == "city" else None, how)
        return self.cache[text]


def parse_year(raw: object, where: str) -> int:
    """A data year from ``2019``, ``2019.0`` or ``2019年``."""
    text = re.sub(r"(\.0+|年)$", "", normalise_name(raw))
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise PanelFileError(f"{where}: year {raw!r} is not a year such as 2019")
    return int(text)


# -------------------------------------------------------------------------------------- values

def read_value(raw: object, match: ColumnMatch, fields: FieldMap, text_file: bool, where: str,
               place: tuple[str, str, str], code: str, year: int) -> tuple[float, dict | None]:
    """(value in the field's canonical unit, log row or None) of one panel cell."""
    cell = read_cell(raw, fields.zero_means_missing[match.field], text_file=text_file)
    value = cell.value * match.factor
    written = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
    if cell.action == "ok" and value == 0 and match.field in fields.never_zero:
        return math.nan, _log(*place, code, year, match.field, written, "impossible_zero", math.nan,
                              f"0 is impossible for {match.field} (a size or a formula's divisor): set missing")
    if not math.isnan(value):
        try:
            check_plausible(value, fields.kind[match.field], f"{where}, city {code}, year {year}, field "
                            f"{match.field}", fields.canonical_unit[match.field])
        except ExtractionError as exc:
            raise PanelFileError(str(exc)) from None
    if cell.action != "ok":
        return value, _log(*place, code, year, match.field, written, cell.action, value, cell.note)
    return value, None


def unit_factor(units: Units, unit: str, canonical: str, where: str, field_name: str) -> float:
    """Factor from a column's unit to the field's canonical unit; stop naming the column if none."""
    if not unit:
        raise PanelFileError(f"{where}: no unit for field {field_name} in the header and none declared; write the "
                             f"unit in the header, e.g. '…({canonical})', or declare it in inputs.panel.units "
                             f"(column or field: unit)")
    try:
        return units.factor(unit, canonical)
    except KeyError:
        raise PanelFileError(f"{where}: unknown unit {unit!r} for field {field_name}; expected a unit convertible "
                             f"to {canonical} — add it to the units table") from None
    except ValueError as exc:
        raise PanelFileError(f"{where}: {exc} (field {field_name})") from None


# ----------------------------------------------------------------------------------- the reader

@dataclass
class Context:
    """Everything the reader needs besides the file: reference tables and the configured years."""

    fields: FieldMap
    units: Units
    cities: CityResolver
    years: list[int]
    required: list[str] = field(default_factory=list)
    field_names: dict[str, str] = field(default_factory=dict)  # field -> Chinese name (messages)
    known_breaks: KnownBreaks | None = None  # accepted 全市/市辖区 findings

    @classmethod
    def build(cls, raw_fields: pd.DataFrame, units: pd.DataFrame, cities: pd.DataFrame, admin_codes: pd.DataFrame,
              divisors: set[str], years: list[int], required: list[str] = (),
              known_breaks: KnownBreaks | None = None, codes: list[str] | None = None) -> "Context":
        """``codes``: the configured cities (the panel's other cities are recognised and skipped)."""
        prefectures = frozenset(admin_codes.loc[admin_codes["level"] == "prefecture", "admin_code"])
        prefectures |= frozenset(cities["admin_code"])  # the city table's other units are other cities too
        return cls(FieldMap.build(raw_fields, divisors), Units(units),
                   CityResolver(Names.build(cities, admin_codes, codes), prefectures), list(years), list(required),
                   dict(zip(raw_fields["field"], raw_fields["name_cn"])), known_breaks)


def layout_of(table: RawTable, declared: str) -> str:
    """``long`` or ``wide``: declared, else long when indicator and value columns exist."""
    if declared != "auto":
        return declared
    long = find_column(table, INDICATOR_COLUMNS) is not None and find_column(table, VALUE_COLUMNS) is not None
    return "long" if long else "wide"


def key_columns(table: RawTable) -> tuple[int | None, int | None, int]:
    """(code column, name column, year column); no year or no city column stops the run."""
    code, name, year = (find_column(table, c) for c in (CODE_COLUMNS, NAME_COLUMNS, YEAR_COLUMNS))
    found = ", ".join(repr(n) for n in table.names)
    if year is None:
        raise PanelFileError(f"{table.file}: no year column (expected one of {', '.join(YEAR_COLUMNS)}; found {found})")
    if code is None and name is None:
        raise PanelFileError(f"{table.file}: no city column: expected an admin-code column (one of "
                             f"{', '.join(CODE_COLUMNS)}) or a city-name column (one of {', '.join(NAME_COLUMNS)}); "
                             f"found {found}")
    return code, name, year


def map_wide_columns(table: RawTable, spec: PanelSpec, ctx: Context, skip: set[int]) -> tuple[list[ColumnMatch], list]:
    """Value columns → raw fields with units and factors; log rows of every decision."""
    matcher = HeaderMatcher(ctx.fields, ctx.units, spec.scope, yearbook_fields(ctx.fields))
    unknown_mapping = sorted(set(spec.mapping) - set(table.names))
    if unknown_mapping:
        raise PanelFileError(f"{table.file}: inputs.panel.mapping names column(s) {', '.join(unknown_mapping)} that "
                             f"the file does not have (columns: {', '.join(table.names)})")
    matches, log, seen = [], [], {}
    for col, (name, header) in enumerate(zip(table.names, table.headers)):
        if col in skip:
            continue
        declared = spec.mapping.get(name, "")
        if declared and declared not in yearbook_fields(ctx.fields):
            raise PanelFileError(f"{table.file}: inputs.panel.mapping maps column {name!r} to {declared!r}, which is "
                                 "not a yearbook field of the raw field table (side-table and raster fields such as "
                                 "patents and pm25 come from their own inputs)")
        found, unit, scope, note = matcher.match(header, declared)
        where = f"{table.file}, column {get_column_letter(col + 1)} {name!r}" + (
            f" (label {header!r})" if header != name else "")
        place = (table.file, table.sheet, f"column {get_column_letter(col + 1)} {name}")
        if found is None:
            log.append(_log(*place, "", "", "", header, "ignored_column", math.nan, note))
            continue
        if found in seen:
            raise PanelFileError(f"{where}: field {found} ({scope or 'no scope'}) is also in column "
                                 f"{table.names[seen[found]]!r}; keep one of them or map them in inputs.panel.mapping")
        seen[found] = col
        unit = unit or spec.units.get(name, "") or spec.units.get(found, "")
        factor = unit_factor(ctx.units, unit, ctx.fields.canonical_unit[found], where, found)
        log.append(_log(*place, "", "", found, header, "mapped_column", factor,
                        f"{header!r} read as {found} ({ctx.field_names.get(found, '')}) in {unit}"
                        + (f"; {note}" if note else "")))
        if factor != 1.0:
            log.append(_log(*place, "", "", found, header, "converted_unit", factor,
                            f"values in {unit} multiplied by {factor:g} to {ctx.fields.canonical_unit[found]}"))
        matches.append(ColumnMatch(col, found, unit, factor, scope))
    return matches, log


def row_city(table: RawTable, row: list[object], line: int, code_col: int | None, name_col: int | None,
             ctx: Context) -> tuple[str | None, str, str]:
    """(code or None, how, printed) of one row; a code and a name for different cities stop the run."""
    if code_col is not None:
        code, how = ctx.cities.code(row[code_col], f"{table.file}, {table.place(line, code_col)}")
        printed = str(row[code_col])
        if name_col is not None and code is not None and row[name_col] not in (None, ""):
            by_name, name_how = ctx.cities.names.resolve(str(row[name_col]))
            if name_how == "city" and by_name != code:
                raise PanelFileError(f"{table.file}, row {line}: admin code {code} and city name "
                                     f"{str(row[name_col]).strip()!r} ({by_name}) name different cities; correct one "
                                     "of them")
        return code, how, printed
    printed = "" if row[name_col] is None else str(row[name_col]).strip()
    code, how = ctx.cities.name(row[name_col], f"{table.file}, {table.place(line, name_col)}")
    return code, how, printed


def read_panel(spec: PanelSpec, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long table with the columns of the yearbook extracts, cleaning log) of one panel file.

    Only cities of the city table and the configured ``years`` are kept (each other city, and the
    number of rows of other years, get one log row). A field of ``ctx.required`` without a column
    stops the run naming it.
    """
    table = read_table(spec)
    layout = layout_of(table, spec.layout)
    code_col, name_col, year_col = key_columns(table)
    text_file = file_format(spec.path, spec.format) == "csv"
    if layout == "long":
        rows, log = long_rows(table, spec, ctx, code_col, name_col, year_col, text_file)
    else:
        rows, log = wide_rows(table, spec, ctx, code_col, name_col, year_col, text_file)
    long = rows[LONG_COLUMNS]
    long = drop_duplicates(long, table.file)
    missing = sorted(set(ctx.required) - set(long["field"]))
    if missing:
        raise PanelFileError(f"{table.file}: no column for the needed raw field(s) "
                             + ", ".join(f"{f} ({ctx.field_names.get(f, '')}, {ctx.fields.canonical_unit[f]})"
                                         for f in missing)
                             + "; name the column with a header of the raw field table (e.g. "
                             f"{_example(ctx, missing[0])!r}) or map it in inputs.panel.mapping")
    long = long.sort_values(["admin_code", "year", "field"], kind="stable").reset_index(drop=True)
    errors, accepted = (ctx.known_breaks or KnownBreaks()).split(scope_pair_findings(long, ctx.fields))
    raise_findings(errors, f"{table.file} (全市/市辖区 pairs)")
    log += [_log(table.file, table.sheet, "", f.admin_code, f.year, f.field, "", "accepted_finding", math.nan,
                 f"{f.message} — accepted: {reason}") for f, reason in accepted]
    return long, pd.DataFrame(table.log + log, columns=LOG_COLUMNS)


def scope_pairs(fields: FieldMap) -> list[tuple[str, str]]:
    """(全市 field, 市辖区 field) pairs that share a header (年末户籍人口: pop, pop_district)."""
    pairs = set()
    for entries in fields.by_header.values():
        scopes = {scope: name for name, scope in entries}
        if {"全市", "市辖区"} <= set(scopes):
            pairs.add((scopes["全市"], scopes["市辖区"]))
    return sorted(pairs)


def scope_pair_findings(long: pd.DataFrame, fields: FieldMap) -> list[Finding]:
    """The districts under a city are part of it: a 市辖区 value above its 全市 value is wrong (the
    same check the yearbook reader makes on a sheet's 全市/市辖区 columns)."""
    findings = []
    keyed = long.set_index(["admin_code", "year", "field"])
    for whole, district in scope_pairs(fields):
        a = keyed.xs(whole, level="field") if whole in keyed.index.get_level_values("field") else None
        b = keyed.xs(district, level="field") if district in keyed.index.get_level_values("field") else None
        if a is None or b is None:
            continue
        both = a.merge(b, left_index=True, right_index=True, suffixes=("_whole", "_district"))
        bad = both[(both["value_whole"] > 0) & (both["value_district"] > both["value_whole"] * (1 + 1e-9))]
        for (code, year), row in bad.iterrows():
            findings.append(Finding(code, district, int(year), (
                f"{row['file_whole']}: city {code}, year {year}: the 市辖区 value {row['value_district']:g} of "
                f"{district} ({row['cell_district']}) is larger than the 全市 value {row['value_whole']:g} of {whole} "
                f"({row['cell_whole']}); the districts are part of the whole city — are the two columns swapped?")))
    return findings


def _example(ctx: Context, field_name: str) -> str:
    header = next((h for h, v in ctx.fields.by_header.items() if v[0][0] == field_name), field_name)
    return f"{header}({ctx.fields.canonical_unit[field_name]})"


def _city_rows(table: RawTable, ctx: Context, code_col, name_col, year_col, log: list):
    """(row, line, code, year) of the rows of city-table cities and configured years; log the rest."""
    others: dict[str, tuple[str, int]] = {}
    outside = 0
    years: dict[object, int] = {}
    cities: dict[tuple, tuple[str | None, str, str]] = {}
    for offset, row in enumerate(table.rows):
        line = table.first_line + offset
        if all(v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))
               for v in row):
            continue
        if row[year_col] not in years:
            years[row[year_col]] = parse_year(row[year_col], f"{table.file}, {table.place(line, year_col)}")
        year = years[row[year_col]]
        key = tuple(row[c] for c in (code_col, name_col) if c is not None)
        if key not in cities:
            cities[key] = row_city(table, row, line, code_col, name_col, ctx)
        code, how, printed = cities[key]
        if code is None:
            others.setdefault(f"{printed} ({how})", (how, line))
            continue
        if year not in ctx.years:
            outside += 1
            continue
        yield row, line, code, year
    for printed, (how, line) in others.items():
        what = {"other_city": "a prefecture-level city outside the city table", "province": "a province",
                "unknown_code": "a code of neither the city table nor the national code list"}[how]
        log.append(_log(table.file, table.sheet, f"{table.row_word} {line}", "", "", "", printed.rsplit(" (", 1)[0],
                        "skipped_city", math.nan, f"{what}: its rows are not read (first at {table.row_word} {line})"))
    if outside:
        log.append(_log(table.file, table.sheet, "", "", "", "", "", "skipped_years", math.nan,
                        f"{outside} row(s) of years outside {ctx.years[0]}-{ctx.years[-1]} not read"))


def wide_rows(table: RawTable, spec: PanelSpec, ctx: Context, code_col, name_col, year_col,
              text_file: bool) -> tuple[pd.DataFrame, list[dict]]:
    """Long rows of a wide panel (one column per field)."""
    skip = {c for c in (code_col, name_col, year_col) if c is not None}
    matches, log = map_wide_columns(table, spec, ctx, skip)
    selected = list(_city_rows(table, ctx, code_col, name_col, year_col, log))
    frames = []
    for match in matches:
        cells = pd.DataFrame({"raw": pd.Series([row[match.col] for row, *_ in selected], dtype=object),
                              "line": [line for _, line, _, _ in selected],
                              "admin_code": [code for _, _, code, _ in selected],
                              "year": [year for *_, year in selected]})
        frames.append(read_values(cells, match, ctx.fields, text_file, table, log))
    return _concat(frames), log


def long_rows(table: RawTable, spec: PanelSpec, ctx: Context, code_col, name_col, year_col,
              text_file: bool) -> tuple[pd.DataFrame, list[dict]]:
    """Long rows of a long panel (city, year, indicator, value[, unit][, scope])."""
    indicator_col, value_col = find_column(table, INDICATOR_COLUMNS), find_column(table, VALUE_COLUMNS)
    if indicator_col is None or value_col is None:
        raise PanelFileError(f"{table.file}: a long panel needs an indicator column (one of "
                             f"{', '.join(INDICATOR_COLUMNS)}) and a value column (one of {', '.join(VALUE_COLUMNS)}); "
                             f"found {', '.join(repr(n) for n in table.names)}")
    unit_col, scope_col = find_column(table, UNIT_COLUMNS), find_column(table, SCOPE_COLUMNS)
    matcher = HeaderMatcher(ctx.fields, ctx.units, spec.scope, yearbook_fields(ctx.fields))
    known: dict[tuple[str, str, str], ColumnMatch | None] = {}
    groups: dict[ColumnMatch, list[tuple]] = {}
    log: list[dict] = []
    for row, line, code, year in _city_rows(table, ctx, code_col, name_col, year_col, log):
        indicator = str(row[indicator_col] or "").strip()
        unit_text = str(row[unit_col] or "").strip() if unit_col is not None else ""
        scope_text = str(row[scope_col] or "").strip() if scope_col is not None else ""
        key = (indicator, unit_text, scope_text)
        if key not in known:
            known[key] = long_match(table, spec, ctx, matcher, key, line, value_col, log)
        if known[key] is not None:
            groups.setdefault(known[key], []).append((row[value_col], line, code, year))
    frames = []
    for match, cells in groups.items():
        frames.append(read_values(pd.DataFrame(cells, columns=["raw", "line", "admin_code", "year"]).astype(
            {"raw": object}), match, ctx.fields, text_file, table, log))
    return _concat(frames), log


def long_match(table: RawTable, spec: PanelSpec, ctx: Context, matcher: HeaderMatcher, key: tuple[str, str, str],
               line: int, value_col: int, log: list[dict]) -> ColumnMatch | None:
    """The field, unit and factor of one (indicator, unit, scope) of a long panel; logged."""
    indicator, unit_text, scope_text = key
    text = indicator + (f"_{scope_text}" if scope_text else "")
    found, unit, scope, note = matcher.match(text, spec.mapping.get(indicator, ""))
    place = (table.file, table.sheet, f"{table.row_word} {line}")
    if found is None:
        log.append(_log(*place, "", "", "", indicator, "ignored_column", math.nan,
                        f"indicator {indicator!r}{f' ({scope_text})' if scope_text else ''}: {note} "
                        f"(first at {table.row_word} {line})"))
        return None
    unit = unit_text or unit or spec.units.get(indicator, "") or spec.units.get(found, "")
    where = f"{table.file}, {table.row_word} {line}, indicator {indicator!r}"
    factor = unit_factor(ctx.units, unit, ctx.fields.canonical_unit[found], where, found)
    log.append(_log(*place, "", "", found, indicator, "mapped_column", factor,
                    f"indicator {indicator!r} read as {found} in {unit}" + (f"; {note}" if note else "")))
    if factor != 1.0:
        log.append(_log(*place, "", "", found, indicator, "converted_unit", factor,
                        f"values in {unit} multiplied by {factor:g} to {ctx.fields.canonical_unit[found]}"))
    return ColumnMatch(value_col, found, unit, factor, scope)


_PLAIN_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


def read_values(cells: pd.DataFrame, match: ColumnMatch, fields: FieldMap, text_file: bool, table: RawTable,
                log: list[dict]) -> pd.DataFrame:
    """Long rows of one field: ``cells`` has raw, line, admin_code, year. Plain numbers are read at
    once; every other cell (text, blank, a 0) goes through :func:`read_value` and may get a log row."""
    raw = cells["raw"]
    if text_file:
        plain = raw.map(lambda v: isinstance(v, str)) & raw.astype(str).str.fullmatch(_PLAIN_NUMBER)
    else:
        plain = raw.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    numbers = pd.to_numeric(raw.where(plain), errors="coerce").astype(float)
    plain &= numbers.notna() & numbers.ne(0)
    values = (numbers * match.factor).where(plain)
    label = f", {table.column_label(match.col)}"
    places = [f"{table.row_word} {line}{label}" for line in cells["line"].tolist()]
    for i in map(int, (~plain).to_numpy().nonzero()[0]):
        code, year = cells.at[i, "admin_code"], int(cells.at[i, "year"])
        place = (table.file, table.sheet, places[i])
        value, entry = read_value(raw.iat[i], match, fields, text_file, f"{table.file}, {places[i]}", place, code,
                                  year)
        values.iat[i] = value
        if entry:
            log.append(entry)
    kind = fields.kind[match.field]
    bad = (values < 0) if kind in ("amount", "count", "percent") else pd.Series(False, index=values.index)
    bad |= (values > 100) if kind == "percent" else False
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        read_value(raw.iat[i], match, fields, text_file, f"{table.file}, {places[i]}",
                   (table.file, table.sheet, places[i]), cells.at[i, "admin_code"], int(cells.at[i, "year"]))
    return pd.DataFrame({"admin_code": cells["admin_code"], "year": cells["year"].astype(int), "field": match.field,
                         "value": values.to_numpy(), "unit": fields.canonical_unit[match.field], "file": table.file,
                         "sheet": table.sheet, "cell": places})


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LONG_COLUMNS)


def drop_duplicates(long: pd.DataFrame, file: str) -> pd.DataFrame:
    """One row per city, year and field; the same value twice is kept once, two values stop the run."""
    duplicated = long[long.duplicated(["admin_code", "year", "field"], keep=False)]
    for _, group in duplicated.groupby(["admin_code", "year", "field"], sort=True):
        values = group["value"].to_numpy(dtype=float)
        same = all(math.isclose(v, values[0], rel_tol=1e-9) or (math.isnan(v) and math.isnan(values[0]))
                   for v in values)
        if not same:
            first = group.iloc[0]
            raise PanelFileError(f"{file}: field {first['field']} of city {first['admin_code']}, year {first['year']} "
                                 "is given twice with different values "
                                 + " and ".join(f"{v:g} ({c})" for v, c in zip(group["value"], group["cell"])))
    return long.drop_duplicates(["admin_code", "year", "field"])


def spec_from_config(panel: dict) -> PanelSpec:
    """The :class:`PanelSpec` of ``inputs.panel`` (paths already resolved)."""
    return PanelSpec(str(panel["path"]), panel.get("format", "auto"), panel.get("layout", "auto"),
                     panel.get("encoding", "auto"), dict(panel.get("mapping") or {}), str(panel.get("codebook") or ""),
                     dict(panel.get("units") or {}), str(panel.get("scope") or ""))

