"""City zonal means of annual PM2.5 grids: rasterize the polygons once, then one bincount per year.

Partial cells: the **cell-centre rule** — a grid cell belongs to the city whose polygon contains
its centre (``rasterio.features.rasterize`` with ``all_touched=False``), so every cell counts for at
most one city and the mean is the plain mean of the cells whose centres fall inside. At the real
0.01° resolution a prefecture has thousands of cells and the centre rule differs from
coverage-weighted means by hundredths of a µg/m³ (measured in ``../shared/reference``).

Only the window of the grid that covers the cities is ever read. The zone raster (cell → city)
depends on the polygons and the grid, not on the year, so it is computed once by its own rule and
reused for every year; each year's grid must then have exactly the same georeferencing.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio import features, windows
from rasterio.crs import CRS

MAX_PLAUSIBLE = 1000.0  # µg/m³; larger values are treated as invalid cells


class RasterError(ValueError):
    """A grid or polygon set that cannot be sampled; the message names the file, city and year."""


def grid_window(src: rasterio.io.DatasetReader, bounds: tuple[float, float, float, float]) -> windows.Window:
    """The window of ``src`` covering ``bounds`` (whole cells, clipped to the grid)."""
    window = windows.from_bounds(*bounds, transform=src.transform)
    window = window.round_offsets(op="floor").round_lengths(op="ceil")
    full = windows.Window(0, 0, src.width, src.height)
    try:
        return window.intersection(full)
    except rasterio.errors.WindowError:
        raise RasterError(f"{src.name}: the cities ({bounds}) lie outside the grid ({src.bounds})") from None


def zones(boundaries: gpd.GeoDataFrame, grid_path: str) -> tuple[np.ndarray, dict]:
    """Zone raster over the cities' window of the grid (0 = no city, i = i-th code) and its metadata."""
    with rasterio.open(grid_path) as src:
        crs = src.crs or CRS.from_epsg(4326)  # NetCDF grids often carry no CRS; the products are WGS84
        polygons = boundaries
        if boundaries.crs is None:
            raise RasterError("city polygons have no CRS")
        if not boundaries.crs.equals(crs):
            polygons = boundaries.to_crs(crs)
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
            "transform": list(transform)[:6], "crs": crs.to_string(), "rule": "cell centre in polygon"}
    empty = [code for code in codes if not (ids == number[code]).any()]
    if empty:
        raise RasterError(f"{grid_path}: no grid cell centre falls inside city {', '.join(empty)}; "
                          "the grid is too coarse for these polygons")
    return ids, meta


def write_zones(path: str, ids: np.ndarray, meta: dict) -> None:
    """Save the zone raster and its metadata in one .npz file (arrays and JSON text only)."""
    with open(path, "wb") as handle:
        np.savez_compressed(handle, ids=ids, meta=np.array(json.dumps(meta, sort_keys=True)))


def read_zones(path: str) -> tuple[np.ndarray, dict]:
    with np.load(path, allow_pickle=False) as data:
        return data["ids"], json.loads(str(data["meta"]))


def zonal_means(grid_path: str, ids: np.ndarray, meta: dict, year: int) -> pd.DataFrame:
    """Per-city mean of valid cells, count of valid cells and share of the city's cells that are valid.

    Invalid cells: the grid's nodata value, NaN, negative values and values above 1000 µg/m³.
    A city without any valid cell is an error naming city and year.
    """
    col_off, row_off, width, height = meta["window"]
    with rasterio.open(grid_path) as src:
        transform = src.window_transform(windows.Window(col_off, row_off, width, height))
        if not np.allclose(list(transform)[:6], meta["transform"], atol=1e-9):
            raise RasterError(f"{grid_path} (year {year}): the grid's georeferencing differs from the grid the zones "
                              "were computed on; all years must share one grid")
        values = src.read(1, window=windows.Window(col_off, row_off, width, height), masked=False).astype("float64")
        nodata = src.nodata
    valid = np.isfinite(values) & (values >= 0) & (values <= MAX_PLAUSIBLE)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        valid &= values != nodata
    n = len(meta["codes"]) + 1
    inside = ids > 0
    cells = np.bincount(ids[inside], minlength=n)
    use = inside & valid
    count = np.bincount(ids[use], minlength=n)
    total = np.bincount(ids[use], weights=values[use], minlength=n)
    frame = pd.DataFrame({
        "admin_code": meta["codes"], "year": year,
        "pm25": np.divide(total[1:], count[1:], out=np.full(n - 1, np.nan), where=count[1:] > 0),
        "valid_cells": count[1:], "city_cells": cells[1:],
    })
    frame["valid_share"] = frame["valid_cells"] / frame["city_cells"]
    empty = frame.loc[frame["valid_cells"] == 0, "admin_code"].tolist()
    if empty:
        raise RasterError(f"{grid_path} (year {year}): no valid PM2.5 cell in city {', '.join(empty)} "
                          "(all nodata, NaN, negative or above 1000)")
    return frame
