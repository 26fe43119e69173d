"""Compare two demo-data folders by content: workbook cells, raster cells, text files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from openpyxl import load_workbook


def workbook_cells(path: Path) -> dict:
    """Every non-empty cell value and merged range, by sheet."""
    workbook = load_workbook(path, read_only=False)
    content = {}
    for sheet in workbook.worksheets:
        cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}
        content[sheet.title] = (cells, sorted(str(r) for r in sheet.merged_cells.ranges))
    return content


def raster_content(path: Path) -> tuple:
    with rasterio.open(path) as src:
        return src.read(1), src.transform, src.crs.to_string(), src.nodata


def compare_trees(committed: Path, fresh: Path) -> list[str]:
    """Human-readable differences between the files of two folders (empty list if identical)."""
    differences = []
    names_a = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and p.name != "README.md"}
    names_b = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    for name in sorted(names_a ^ names_b):
        differences.append(f"{name}: only in {'committed' if name in names_a else 'regenerated'} folder")
    for name in sorted(names_a & names_b):
        a, b = committed / name, fresh / name
        if name.suffix == ".xlsx":
            if workbook_cells(a) != workbook_cells(b):
                differences.append(f"{name}: cell values differ")
        elif name.suffix == ".tif":
            ra, rb = raster_content(a), raster_content(b)
            if not (np.array_equal(ra[0], rb[0]) and ra[1:] == rb[1:]):
                differences.append(f"{name}: raster cells or georeferencing differ")
        elif a.read_bytes() != b.read_bytes():
            differences.append(f"{name}: content differs")
    return differences
