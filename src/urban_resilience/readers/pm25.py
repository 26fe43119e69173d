"""City zonal means of annual PM2.5 grids: rasterize the polygons once, then one bincount per year.

Partial cells: the **cell-centre rule** — a grid cell belongs to the city whose polygon contains
its centre (``rasterio.features.rasterize`` with ``all_touched=False``), so every cell counts for at
most one city and the mean is the plain mean of the cells whose centres fall inside. At the real
0.01° resolution a prefecture has thousands of cells and the centre rule differs from
coverage-weighted means by hundredths of a µg/m³ (measured on the 370 cnmaps units, see the README).

Only the window of the grid that covers the cities is ever read. The zone raster (cell → city)
depends on the polygons and the grid, not on the year, so it is computed once by its own rule and
reused for every year; each year's grid must then have exactly the same georeferencing.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio import features, windows
from rasterio.crs import CRS
from rasterio.errors import RasterioError

MAX_PLAUSIBLE = 1000.0  # µg/m³; larger values are treated as invalid cells


class RasterError(ValueError):
    """A grid or polygon set that cannot be sampled; the message names the file, city and year."""


NETCDF_SUFFIXES = (".nc", ".nc4", ".netcdf", ".cdf")
PM25_VARIABLES = ("PM25", "GWRPM25")  # ACAG/SEDAC V4 and V5 names


def grid_source(path: str) -> str:
    """What rasterio should open: the file itself (GeoTIFF …) or, for NetCDF, the PM2.5 variable.

    A NetCDF file with several variables is opened as ``netcdf:<file>:<variable>`` with the first
    of ``PM25``, ``GWRPM25`` (any case) present; GDAL presents either latitude order north-up.
    """
    if not str(path).lower().endswith(NETCDF_SUFFIXES):
        return str(path)
    with rasterio.open(path) as src:
        subdatasets = list(src.subdatasets)
    if not subdatasets:
        return str(path)
    names = {sub.rsplit(":", 1)[-1]: sub for sub in subdatasets}
    for wanted in PM25_VARIABLES:
        for name, sub in names.items():
            if name.upper() == wanted:
                return sub
    raise RasterError(f"{path}: no PM2.5 variable; expected one of {', '.join(PM25_VARIABLES)}, "
                      f"found {', '.join(sorted(names))}")


def grid_crs(src) -> CRS:
    """The grid's CRS; NetCDF products often carry none, and the PM2.5 products are all WGS84."""
    return src.crs or CRS.from_epsg(4326)


def grid_window(src: rasterio.io.DatasetReader, bounds: tuple[float, float, float, float]) -> windows.Window:
    """The window of ``src`` covering ``bounds`` (west, south, east, north) in whole cells, clipped
    to the grid: the bounds' corners in fractional cell coordinates, first row and column rounded
    down, last ones rounded up, so a cell that the bounds touch is never cut off. (rasterio 1.4's
    ``Window.round_lengths`` ignores ``op="ceil"`` and rounds to the nearest cell.)"""
    west, south, east, north = bounds
    inverse = ~src.transform
    cols, rows = zip(*(inverse * corner for corner in ((west, north), (east, south), (west, south), (east, north))))
    col_off, row_off = math.floor(min(cols)), math.floor(min(rows))
    width, height = math.ceil(max(cols)) - col_off, math.ceil(max(rows)) - row_off
    window = windows.Window(col_off, row_off, max(width, 1), max(height, 1))
    full = windows.Window(0, 0, src.width, src.height)
    try:
        return window.intersection(full)
    except rasterio.errors.WindowError:
        raise RasterError(f"{src.name}: the cities ({bounds}) lie outside the grid ({src.bounds})") from None


@contextlib.contextmanager
def unreadable_grid(path: str, year: int | None = None) -> Iterator[None]:
    """Turn GDAL's errors on a damaged or non-raster file (truncated download, HTML error page) into
    the project's own error naming the file and year."""
    try:
        yield
    except RasterioError as exc:
        when = f" (year {year})" if year is not None else ""
        raise RasterError(f"{path}{when}: cannot read the PM2.5 grid: {exc}. The file may be truncated or not a "
                          "raster; download it again") from None


def zones(boundaries: gpd.GeoDataFrame, grid_path: str) -> tuple[np.ndarray, dict]:
    """Zone raster over the cities' window of the grid (0 = no city, i = i-th code) and its metadata."""
    with unreadable_grid(grid_path), rasterio.open(grid_source(grid_path)) as src:
        crs = grid_crs(src)
        polygons = boundaries
        if boundaries.crs is None:
            raise RasterError("city polygons have no CRS")
        if not boundaries.crs.equals(crs.to_wkt()):  # polygons in another CRS are reprojected to the grid's
            polygons = boundaries.to_crs(crs.to_wkt())
        window = grid_window(src, tuple(polygons.total_bounds))
        transform = src.window_transform(window)
        shape = (int(window.height), int(window.width))
    codes = sorted(polygons["admin_code"])
    number = {code: i + 1 for i, code in enumerate(codes)}
    ids = features.rasterize(
        ((geom, number[code]) for code, geom in zip(polygons["admin_code"], polygons.geometry)),
        out_shape=shape, transform=transform, fill=0, dtype="int32", all_touched=False,
    )
    meta = {"codes": codes, "window": [int(window.col_off), int(window.row_off), shape[1], shape[0]],
            "city_cells": np.bincount(ids.ravel(), minlength=len(codes) + 1)[1:].tolist(),
            "transform": list(transform)[:6], "crs": crs.to_string(), "rule": "cell centre in polygon"}
    empty = [code for code, cells in zip(codes, meta["city_cells"]) if cells == 0]
    if empty:
        raise RasterError(f"{grid_path}: no grid cell centre falls inside city {', '.join(empty)}; "
                          "the grid is too coarse for these polygons")
    return ids, meta


def write_zones(ids_path: str, meta_path: str, ids: np.ndarray, meta: dict) -> None:
    """Save the zone raster (.npy) and its metadata (.json); both formats give the same bytes
    for the same content (a zip-based .npz would carry the time it was written)."""
    np.save(ids_path, ids, allow_pickle=False)
    with open(meta_path, "w", encoding="utf-8") as handle:
        json.dump(meta, handle, sort_keys=True, indent=1)


def read_zones(ids_path: str, meta_path: str) -> tuple[np.ndarray, dict]:
    with open(meta_path, encoding="utf-8") as handle:
        return np.load(ids_path, allow_pickle=False), json.load(handle)


def zonal_means(grid_path: str, ids: np.ndarray, meta: dict, year: int) -> pd.DataFrame:
    """Per-city mean of valid cells, count of valid cells and share of the city's cells that are valid.

    Invalid cells: the grid's nodata value, NaN, negative values and values above 1000 µg/m³.
    A city without any valid cell is an error naming city and year.
    """
    col_off, row_off, width, height = meta["window"]
    with unreadable_grid(grid_path, year), rasterio.open(grid_source(grid_path)) as src:
        if grid_crs(src) != CRS.from_string(meta["crs"]):
            raise RasterError(f"{grid_path} (year {year}): grid CRS {grid_crs(src)} differs from {meta['crs']}, "
                              "the CRS of the grid the zones were computed on")
        transform = src.window_transform(windows.Window(col_off, row_off, width, height))
        # absolute tolerance only: a relative one (NumPy's default 1e-5) would let a grid shifted by
        # 0.001° (a tenth of a 0.01° cell, at 110° E) pass as the same grid
        if not np.allclose(list(transform)[:6], meta["transform"], rtol=0.0, atol=1e-9):
            raise RasterError(f"{grid_path} (year {year}): the grid's georeferencing differs from the grid the zones "
                              "were computed on; all years must share one grid")
        values = src.read(1, window=windows.Window(col_off, row_off, width, height), masked=False)
        nodata = src.nodata
    inside = ids.ravel() > 0  # the same every year; cheap next to reading the grid
    zone = ids.ravel()[inside].astype(np.intp)  # bincount's own index type: converted once
    cell_values = values.ravel()[inside]
    # NaN fails both comparisons; a negative nodata value (the usual −999) fails the first
    valid = (cell_values >= 0) & (cell_values <= MAX_PLAUSIBLE)
    if nodata is not None and not math.isnan(nodata) and 0 <= nodata <= MAX_PLAUSIBLE:
        valid &= cell_values != nodata
    n = len(meta["codes"]) + 1
    zone, cell_values = zone[valid], cell_values[valid].astype(np.float64)
    count = np.bincount(zone, minlength=n)
    total = np.bincount(zone, weights=cell_values, minlength=n)
    frame = pd.DataFrame({
        "admin_code": meta["codes"], "year": year,
        "pm25": np.divide(total[1:], count[1:], out=np.full(n - 1, np.nan), where=count[1:] > 0),
        "valid_cells": count[1:], "city_cells": meta["city_cells"],
    })
    frame["valid_share"] = frame["valid_cells"] / frame["city_cells"]
    empty = frame.loc[frame["valid_cells"] == 0, "admin_code"].tolist()
    if empty:
        raise RasterError(f"{grid_path} (year {year}): no valid PM2.5 cell in city {', '.join(empty)} "
                          "(all nodata, NaN, negative or above 1000)")
    return frame
