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
import zipfile
from dataclasses import dataclass
from pathlib import Path

DEMO_MARK = "SYNTHETIC demo data written by urban_resilience.demo"
DEMO_TAG = "URBAN_RESILIENCE_DEMO"  # GeoTIFF tag holding DEMO_MARK
DEMO_COLUMN = "synthetic"  # side-table column holding DEMO_MARK
EXCEL_EXTENSIONS = (".xlsx", ".xls")


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
