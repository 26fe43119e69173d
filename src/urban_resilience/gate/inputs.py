"""The raw input files a configuration names: which they are, whether they exist, and whether they
are the synthetic demo's.

Checked when Snakemake starts, before any job: a missing or unreadable input stops the run naming
the config key, the year and the path, even when results from an earlier run exist (so results are
never reused from an input that is gone). The demo generator writes :data:`DEMO_MARK` into every
file it makes — the workbook's document properties, a GeoTIFF tag, a ``synthetic`` column of a side
table — so a demo file is recognised wherever it is copied to, whatever its name.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from urban_resilience.core import tables

DEMO_MARK = "SYNTHETIC demo data written by urban_resilience.demo"
DEMO_TAG = "URBAN_RESILIENCE_DEMO"  # GeoTIFF tag holding DEMO_MARK
DEMO_COLUMN = "synthetic"  # side-table column holding DEMO_MARK
EXCEL_EXTENSIONS = (".xlsx", ".xls")
# Column names of the admin code and the year in a long city-year side table (before any unit suffix)
CODE_COLUMNS = ("行政区划代码", "admin_code", "citycode", "城市代码", "代码", "code")
YEAR_COLUMNS = ("年份", "year", "年度", "sgnyear")


class InputError(ValueError):
    """A configured input that is missing, unreadable or mislabelled; the message says which."""


@dataclass(frozen=True)
class Input:
    """One raw file the configuration needs: its config key, data year (or None) and path."""

    key: str
    year: int | None
    path: str

    def describe(self) -> str:
        year = f", data year {self.year}" if self.year is not None else ""
        return f"{self.key}{year}: {self.path}"


def yearbook_path(directory: str, pattern: str, edition: int) -> str:
    """Path of one edition's workbook. Editions circulate as .xlsx or legacy .xls: when the file
    the pattern names does not exist but one with the other Excel extension does, that one is used."""
    path = Path(directory) / pattern.format(edition=edition)
    if not path.exists() and path.suffix.lower() in EXCEL_EXTENSIONS:
        for extension in EXCEL_EXTENSIONS:
            other = path.with_suffix(extension)
            if other.exists():
                return str(other)
    return str(path)


def problem(path: str) -> str:
    """Why ``path`` cannot be used as an input file ("" if it can)."""
    file = Path(path)
    if file.is_file():
        return "" if os.access(file, os.R_OK) else "not readable"
    if file.exists():
        return "not a file"
    if not file.parent.exists():
        return f"no such file: the folder {file.parent} does not exist"
    return "no such file"


def check_exist(needed: list[Input]) -> None:
    """Raise :class:`InputError` listing every needed input that is missing or unreadable."""
    bad = [f"  {item.describe()} — {problem(item.path)}" for item in needed if problem(item.path)]
    if bad:
        more = f"\n  … and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise InputError("missing or unreadable input file(s) named by the config (no job was run; results "
                         "of earlier runs are not reused for inputs that are gone):\n" + "\n".join(bad[:20]) + more)


def has_demo_mark(path: str) -> bool:
    """True if the file carries the demo generator's mark (see the module docstring)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                return DEMO_MARK in archive.read("docProps/core.xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    if suffix == ".csv":
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:  # a GBK panel too
            header = next(csv.reader(handle), [])
        return DEMO_COLUMN in header
    if suffix in (".tif", ".tiff", ".nc"):
        import rasterio  # only when a real-data run is checked: keeps every other start fast

        try:
            with rasterio.open(path) as src:
                return src.tags().get(DEMO_TAG) == DEMO_MARK
        except rasterio.errors.RasterioIOError:
            return False
    return False


def check_not_demo(needed: list[Input]) -> None:
    """For ``dataset.synthetic: false``: raise if any input is a demo file (one line per config key)."""
    marked: dict[str, list[Input]] = {}
    for item in needed:
        if has_demo_mark(item.path):
            marked.setdefault(item.key, []).append(item)
    if not marked:
        return
    lines = []
    for key, items in marked.items():
        years = sorted(i.year for i in items if i.year is not None)
        span = f", data years {years[0]}-{years[-1]} ({len(items)} files)" if len(years) > 1 else (
            f", data year {years[0]}" if years else "")
        lines.append(f"  {key}{span}: {items[0].path}" + (" …" if len(items) > 1 else ""))
    raise InputError("dataset.synthetic is false, but these inputs are the SYNTHETIC demo data (they carry "
                     "the demo generator's mark):\n" + "\n".join(lines)
                     + "\nPoint inputs.* at your real files, or set dataset.synthetic: true.")


def side_table_column(columns: list, names: tuple[str, ...] | list[str]) -> str | None:
    """The column of ``columns`` whose name, without a unit suffix such as ``(件)`` or ``（万人）``
    and ignoring case, is one of ``names`` (the first of ``names`` that matches); None if none does."""
    stripped = {re.sub(r"[\s(（].*$", "", str(c)).lower(): c for c in columns}
    return next((stripped[n.lower()] for n in names if n.lower() in stripped), None)


def _city(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}" if names.get(code) else code


def station_rows(path: str) -> pd.DataFrame:
    """The HSR station table as text, with ``line`` (file line, header = 1) and ``admin_code``
    normalised to 6 digits; raises :class:`InputError` if a needed column is missing."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ("admin_code", "station_cn", "opened") if c not in table.columns]
    if missing:
        raise InputError(f"inputs.hsr_stations: {path} has no column(s) {', '.join(missing)} "
                         f"(found {', '.join(map(str, table.columns))})")
    try:
        codes = tables.normalise_codes(table["admin_code"], f"inputs.hsr_stations: {path}")
    except tables.TableError as exc:
        raise InputError(str(exc)) from None
    return table.assign(admin_code=codes, line=range(2, len(table) + 2))


def check_station_coverage(path: str, codes: list[str], names: dict[str, str]) -> None:
    """Every configured city in ``codes`` has a row of the HSR station table at ``path``: its
    stations, or one row with station_cn and opened empty saying it has none. Raises
    :class:`InputError` naming the table and the uncovered cities (code and ``names``), or a row that
    is half a station (one of station_cn / opened empty), or a city with both a "none" row and stations."""
    table = station_rows(path)
    station, opened = table["station_cn"].str.strip() != "", table["opened"].str.strip() != ""
    half = table[station != opened]
    if not half.empty:
        row = half.iloc[0]
        raise InputError(f"inputs.hsr_stations: {path}, row {row['line']} (city {_city(row['admin_code'], names)}): "
                         f"station_cn {row['station_cn']!r} and opened {row['opened']!r}; a station needs both, and "
                         "a row saying the city has no station leaves both empty")
    none_rows = table[~station]
    both = none_rows[none_rows["admin_code"].isin(set(table.loc[station, "admin_code"]))]
    if not both.empty:
        row = both.iloc[0]
        raise InputError(f"inputs.hsr_stations: {path}, row {row['line']}: says city {_city(row['admin_code'], names)} "
                         "has no station (station_cn and opened empty), but the table lists stations of it; "
                         "delete one or the other")
    uncovered = [code for code in codes if code not in set(table["admin_code"])]
    if uncovered:
        raise InputError(
            f"inputs.hsr_stations: {path} has no row for city(ies) "
            + ", ".join(_city(code, names) for code in uncovered)
            + " of the config; their station counts would be 0 in every year without a word. Add each city's "
            "stations, or, if it had none in the years of the run, one row with its admin_code and city_cn and "
            "station_cn and opened left empty.")


def check_patents_coverage(path: str, codes: list[str], names: dict[str, str], first: int, last: int,
                           variants: list[str]) -> None:
    """Every configured city in ``codes`` has at least one row of the patents table at ``path`` with
    a value (a non-empty cell of the column named by one of ``variants``) for a year in
    ``first``..``last``: single missing years are filled later, with a log row; a city without any
    cannot be. Raises :class:`InputError` naming the table and the cities."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    columns = {what: (side_table_column(table.columns, expected), expected) for what, expected in
               (("admin code", CODE_COLUMNS), ("year", YEAR_COLUMNS), ("patents", tuple(variants)))}
    for what, (column, expected) in columns.items():
        if column is None:
            raise InputError(f"inputs.patents: {path} has no {what} column (expected one of {', '.join(expected)}; "
                             f"found {', '.join(map(str, table.columns))})")
    code_column, year_column, value_column = (column for column, _ in columns.values())
    try:
        found = tables.normalise_codes(table[code_column], f"inputs.patents: {path}")
    except tables.TableError as exc:
        raise InputError(str(exc)) from None
    years = pd.to_numeric(table[year_column], errors="coerce")
    covered = set(found[years.between(first, last) & (table[value_column].str.strip() != "")])
    uncovered = [code for code in codes if code not in covered]
    if uncovered:
        raise InputError(
            f"inputs.patents: {path} has no row with a value for city(ies) "
            + ", ".join(_city(code, names) for code in uncovered)
            + f" in the years {first}–{last} of the config; without any the patents indicator x21 cannot be "
            "computed for them. Add their rows (admin code, year, patents granted), or remove the cities from "
            "`cities` in your config.")
