"""City zonal means of annual PM2.5 grids: rasterize the polygons once, then one bincount per year.

Partial cells: the **cell-centre rule** — a grid cell belongs to the city whose polygon contains
its centre (``rasterio.features.rasterize`` with ``all_touched=False``), so every cell counts for at
most one city and the mean is the plain mean of the cells whose centres fall inside. At the real
0.01° resolution a prefecture has thousands of cells and the centre rule differs from
coverage-weighted means by hundredths of a µg/m³ (measured on the 370 cnmaps units, see the README).

Only the window of the grid that covers the cities is ever read. The zone raster (cell → city)
depends on the polygons and the grid, not on the year, so it is computed once by its own rule and
reused for every year; each year's grid must then have exactly the same georeferencing.

Products. GeoTIFF grids (SEDAC/ACAG) are read with rasterio. NetCDF grids (ACAG V4.GL ``PM25``
stored (LON, LAT); ACAG V5.GL/V6.GL ``GWRPM25``; CHAP ChinaHighPM2.5 ``PM2.5``) are read by this
module itself — HDF5-based NetCDF-4 with h5netcdf, classic NetCDF-3 with scipy — because GDAL
neither applies ``scale_factor``/``add_offset`` nor notices a transposed (lon, lat) variable. With
stored value :math:`r`, the concentration is

    x = r · scale_factor + add_offset          (1 and 0 when absent)

and a cell is invalid when :math:`r` equals ``_FillValue``/``missing_value``/the GeoTIFF nodata, or
:math:`x` is NaN, negative or above 1000 µg/m³. The north-up affine transform of a NetCDF grid is
built from its 1-D cell-centre coordinates: with :math:`n` latitudes, step
:math:`Δ = |φ_{n-1} − φ_0| / (n − 1)` and north edge :math:`\\max φ + Δ/2` (the same for either
latitude order; likewise for longitude). NetCDF products carry no CRS: WGS84 is assumed and logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from affine import Affine
from rasterio import features, windows
from rasterio.crs import CRS
from rasterio.errors import RasterioError

LOG = logging.getLogger("urban_resilience.pm25")

MAX_PLAUSIBLE = 1000.0  # µg/m³; larger values are treated as invalid cells
WGS84 = CRS.from_epsg(4326)


class RasterError(ValueError):
    """A grid or polygon set that cannot be sampled; the message names the file, city and year."""


NETCDF_SUFFIXES = (".nc", ".nc4", ".netcdf", ".cdf")
# the PM2.5 variable of each product, in the order they are looked for (any case)
PM25_VARIABLES = {"PM25": "acag", "GWRPM25": "acag", "PM2.5": "chap"}
PRODUCTS = ("auto", "acag", "chap", "geotiff", "netcdf")
LATITUDE_NAMES, LONGITUDE_NAMES = ("lat", "latitude", "y"), ("lon", "longitude", "long", "x")


@dataclass(frozen=True)
class Product:
    """What a grid file is: product family, version (from the file name or attributes; None when
    not stated), file format and the variable read (None for GeoTIFF). Two years may only be
    combined when family and version agree."""

    family: str  # acag | chap | geotiff | netcdf
    version: str | None
    format: str  # GeoTIFF | NetCDF
    variable: str | None = None

    def key(self) -> tuple[str, str | None]:
        return self.family, self.version

    def label(self) -> str:
        name = {"acag": "ACAG/SEDAC", "chap": "CHAP ChinaHighPM2.5", "geotiff": "unnamed GeoTIFF product",
                "netcdf": "unnamed NetCDF product"}[self.family]
        version = self.version or "version not stated"
        variable = f", variable {self.variable}" if self.variable else ""
        return f"{name} {version} ({self.format}{variable})"


def is_netcdf(path: str) -> bool:
    return str(path).lower().endswith(NETCDF_SUFFIXES)


def name_version(path: str) -> tuple[str | None, str | None]:
    """Family and version stated by a file name: ``V5GL04…``/``…v4-gl-03…`` → ("acag", "V5.GL.04");
    ``CHAP_PM2.5_Y1K_2015_V4`` → ("chap", "V4"); otherwise (None, None)."""
    base = os.path.basename(str(path))
    chap = re.search(r"chap.*?_v(\d+)(?:\.|_|$)", base, re.IGNORECASE)
    if chap:
        return "chap", f"V{chap.group(1)}"
    if re.search(r"chap", base, re.IGNORECASE):
        return "chap", None
    acag = re.search(r"v(\d)[-._]?gl[-._]?(\d{2})", base, re.IGNORECASE)
    if acag:
        return "acag", f"V{acag.group(1)}.GL.{acag.group(2)}"
    if re.search(r"acag|sdei|hybridpm25", base, re.IGNORECASE):
        return "acag", None
    return None, None


def detect_product(path: str, names: list[str] | None, configured: str = "auto",
                   variable: str | None = None) -> Product:
    """The product of one file from its variables (NetCDF) and name, checked against the config.

    ``names`` are the file's NetCDF variables (None for a GeoTIFF). ``configured`` is
    ``inputs.pm25.product``; ``variable`` is ``inputs.pm25.variable`` (empty: look for ``PM25``,
    ``GWRPM25``, ``PM2.5`` in any case). A product the file contradicts stops the run."""
    if configured not in PRODUCTS:
        raise RasterError(f"inputs.pm25.product is {configured!r}; expected one of {', '.join(PRODUCTS)}")
    named_family, version = name_version(path)
    if names is None:  # GeoTIFF: one band, only the name can tell the product
        if configured in ("chap", "acag") and named_family not in (None, configured):
            raise RasterError(f"{path}: inputs.pm25.product is {configured} but the file name says {named_family}")
        if configured == "netcdf":
            raise RasterError(f"{path}: inputs.pm25.product is netcdf but the file is not NetCDF (.nc)")
        family = named_family or ("geotiff" if configured in ("auto", "geotiff") else configured)
        if configured == "geotiff":
            family, version = "geotiff", version
        return Product(family, version, "GeoTIFF")
    if configured == "geotiff":
        raise RasterError(f"{path}: inputs.pm25.product is geotiff but the file is NetCDF")
    if variable:
        if variable not in names:
            raise RasterError(f"{path}: no variable {variable!r} (inputs.pm25.variable); "
                              f"found {', '.join(sorted(names))}")
        chosen = variable
    else:
        found = [name for wanted in PM25_VARIABLES for name in names if name.upper() == wanted]
        if not found:
            raise RasterError(f"{path}: no PM2.5 variable; expected one of {', '.join(PM25_VARIABLES)} "
                              f"(or name it in inputs.pm25.variable), found {', '.join(sorted(names))}")
        if len(found) > 1:
            raise RasterError(f"{path}: several PM2.5 variables ({', '.join(found)}); name the one to read "
                              "in inputs.pm25.variable")
        chosen = found[0]
    by_variable = PM25_VARIABLES.get(chosen.upper())
    if configured == "netcdf":
        return Product("netcdf", version, "NetCDF", chosen)
    if named_family and by_variable and named_family != by_variable:
        raise RasterError(f"{path}: the file name says {named_family} but the variable {chosen} is {by_variable}'s; "
                          "set inputs.pm25.product and inputs.pm25.variable to say which it is")
    family = by_variable or named_family or "netcdf"
    if configured != "auto" and family != configured:
        raise RasterError(f"{path}: inputs.pm25.product is {configured} but the file looks like {family} "
                          f"(variable {chosen}); fix inputs.pm25.product or inputs.pm25.variable")
    return Product(family, version, "NetCDF", chosen)


@dataclass
class Grid:
    """An opened grid, north-up: ``read(window)`` gives the stored values of a window, rows from
    north to south (possibly a flipped or transposed view); ``values`` turns stored values into
    µg/m³ and a validity mask."""

    path: str
    product: Product
    transform: Affine
    width: int
    height: int
    crs: CRS
    crs_assumed: bool
    scale: float
    offset: float
    fills: tuple[float, ...]
    reader: Callable[[windows.Window], np.ndarray]

    @property
    def name(self) -> str:
        return self.path

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return rasterio.transform.array_bounds(self.height, self.width, self.transform)

    def window_transform(self, window: windows.Window) -> Affine:
        return windows.transform(window, self.transform)

    def read(self, window: windows.Window) -> np.ndarray:
        return self.reader(window)

    def values(self, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """µg/m³ and validity of stored values: not a fill value, and after unpacking
        ``x = r · scale + offset`` neither NaN, negative nor above 1000. Unpacked values are
        float64; unscaled floating-point values keep their type (every float32 is exact in float64,
        so the comparisons and the sums, which ``numpy.bincount`` makes in float64, are the same)."""
        valid = np.ones(raw.shape, dtype=bool)
        for fill in self.fills:
            if not math.isnan(fill):
                valid &= raw != fill
        if self.scale == 1.0 and self.offset == 0.0 and raw.dtype.kind == "f":
            values = raw
        else:
            values = raw.astype(np.float64)
            if self.scale != 1.0:
                values *= self.scale
            if self.offset != 0.0:
                values += self.offset
        # NaN fails both comparisons
        valid &= (values >= 0) & (values <= MAX_PLAUSIBLE)
        return values, valid


def _attribute(attrs: dict, name: str, default=None):
    value = attrs.get(name, default)
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    return value


def _fill_values(attrs: dict) -> tuple[float, ...]:
    fills = []
    for name in ("_FillValue", "missing_value"):
        value = attrs.get(name)
        if value is not None:
            fills.extend(float(v) for v in np.atleast_1d(value))
    return tuple(fills)


def axis_transform(centres: np.ndarray, path: str, name: str) -> tuple[float, float, bool]:
    """Step, lower edge and ascending flag of a regular axis of cell centres: step
    ``Δ = |c_{n-1} − c_0| / (n − 1)``, lower edge ``min c − Δ/2`` (independent of the order).
    Centres stored as float32 (ACAG V5: −179.995 is −179.99499512) hold about 7 significant digits,
    so step and edge are rounded to 7 significant digits (−180, not −179.99999512)."""
    single = np.asarray(centres).dtype == np.float32
    centres = np.asarray(centres, dtype=np.float64)
    if centres.ndim != 1 or centres.size < 2:
        raise RasterError(f"{path}: coordinate {name} must be 1-D with at least 2 cell centres")
    step = abs(centres[-1] - centres[0]) / (centres.size - 1)
    gaps = np.diff(centres)
    ascending = bool(gaps[0] > 0)
    if step == 0 or np.any(np.abs(np.abs(gaps) - step) > 0.01 * step) or np.any((gaps > 0) != ascending):
        raise RasterError(f"{path}: coordinate {name} is not a regular grid of cell centres "
                          f"(steps from {np.abs(gaps).min():g} to {np.abs(gaps).max():g})")
    edge = min(centres[0], centres[-1]) - step / 2
    if single:
        step, edge = float(f"{step:.7g}"), float(f"{edge:.7g}")
    return step, edge, ascending


def _axis_kind(name: str, attrs: dict) -> str | None:
    units = str(_attribute(attrs, "units", "")).lower()
    standard = str(_attribute(attrs, "standard_name", "")).lower()
    if name.lower() in LATITUDE_NAMES or standard == "latitude" or units.startswith("degree") and "north" in units:
        return "lat"
    if name.lower() in LONGITUDE_NAMES or standard == "longitude" or units.startswith("degree") and "east" in units:
        return "lon"
    return None


@contextlib.contextmanager
def _netcdf_variables(path: str) -> Iterator[tuple[dict, dict]]:
    """Variables (name → (dims, attrs, array-like)) and global attributes of a NetCDF file:
    NetCDF-4 (HDF5) through h5netcdf, classic NetCDF-3 through scipy. Nothing is read eagerly."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:3] == b"CDF":
        from scipy.io import netcdf_file

        try:
            nc = netcdf_file(path, "r", mmap=True, maskandscale=False)
        except (TypeError, ValueError, OSError) as exc:
            raise RasterError(f"{path}: cannot read this NetCDF-3 file: {exc}") from None
        try:
            yield ({name: (tuple(var.dimensions), dict(var._attributes), var.data)
                    for name, var in nc.variables.items()}, dict(nc._attributes))
        finally:
            with warnings.catch_warnings():  # the memory map closes once the last array view is gone
                warnings.simplefilter("ignore", RuntimeWarning)
                nc.close()
    elif magic == b"\x89HDF":
        import h5netcdf

        try:
            nc = h5netcdf.File(path, "r")
        except (OSError, ValueError) as exc:
            raise RasterError(f"{path}: cannot read this NetCDF-4 file: {exc}") from None
        try:
            yield ({name: (tuple(var.dimensions), dict(var.attrs), var) for name, var in nc.variables.items()},
                   dict(nc.attrs))
        finally:
            nc.close()
    else:
        raise RasterError(f"{path}: not a NetCDF file (starts with {magic!r}). It may be truncated or an error "
                          "page saved under the grid's name; download it again")


@contextlib.contextmanager
def open_grid(path: str, product: str = "auto", variable: str | None = None) -> Iterator[Grid]:
    """Open one year's grid (GeoTIFF or NetCDF) as a north-up :class:`Grid`."""
    path = str(path)
    if not is_netcdf(path):
        with rasterio.open(path) as src:
            kind = detect_product(path, None, product, variable)
            yield Grid(path, kind, src.transform, src.width, src.height, src.crs or WGS84, src.crs is None,
                       float(src.scales[0]), float(src.offsets[0]),
                       () if src.nodata is None else (float(src.nodata),),
                       lambda window: src.read(1, window=window, masked=False))
        return
    with _netcdf_variables(path) as (variables, _):
        kind = detect_product(path, list(variables), product, variable)
        dims, attrs, data = variables[kind.variable]
        axes = {}
        for position, dim in enumerate(dims):
            coord = variables.get(dim)
            what = _axis_kind(dim, coord[1] if coord else {})
            if what in axes:
                raise RasterError(f"{path}: variable {kind.variable} has two {what} dimensions {dims}")
            if what:
                axes[what] = position
            elif data.shape[position] != 1:
                raise RasterError(f"{path}: variable {kind.variable} has dimension {dim} of length "
                                  f"{data.shape[position]} besides latitude and longitude; expected a single year")
        if set(axes) != {"lat", "lon"} or any(dims[p] not in variables for p in axes.values()):
            raise RasterError(f"{path}: variable {kind.variable} {dims} needs latitude and longitude dimensions "
                              "with coordinate variables of cell centres")
        lat_step, south, lat_up = axis_transform(variables[dims[axes["lat"]]][2][:], path, dims[axes["lat"]])
        lon_step, west, lon_up = axis_transform(variables[dims[axes["lon"]]][2][:], path, dims[axes["lon"]])
        height, width = data.shape[axes["lat"]], data.shape[axes["lon"]]
        transform = Affine(lon_step, 0.0, west, 0.0, -lat_step, south + height * lat_step)
        scale = float(_attribute(attrs, "scale_factor", 1.0))
        offset = float(_attribute(attrs, "add_offset", 0.0))
        fills = _fill_values(attrs)
        # NetCDF-3 has no unsigned types: unsigned data are signed integers flagged _Unsigned = "true"
        unsigned = str(_attribute(attrs, "_Unsigned", "")).lower() == "true" and data.dtype.kind == "i"
        if unsigned:
            as_unsigned = data.dtype.str.replace("i", "u")
            fills = tuple(float(np.array(fill, dtype=data.dtype).view(as_unsigned)) for fill in fills)
        transposed = axes["lon"] < axes["lat"]

        def read(window: windows.Window) -> np.ndarray:
            (row0, row1), (col0, col1) = window.toranges()
            rows = slice(row0, row1) if not lat_up else slice(height - row1, height - row0)
            cols = slice(col0, col1) if lon_up else slice(width - col1, width - col0)
            index = [0] * len(dims)
            index[axes["lat"]], index[axes["lon"]] = rows, cols
            block = data[tuple(index)]
            # a NetCDF-3 slice is a view of the memory-mapped file: copied, so the file can close
            block = np.array(block) if isinstance(data, np.ndarray) else np.asarray(block)
            if unsigned:
                block = block.view(as_unsigned)
            # views, not copies: the caller takes the city cells out with one boolean index
            if transposed:
                block = block.T
            if lat_up:
                block = block[::-1]
            if not lon_up:
                block = block[:, ::-1]
            return block

        yield Grid(path, kind, transform, width, height, WGS84, True, scale, offset, fills, read)


def grid_window(src, bounds: tuple[float, float, float, float]) -> windows.Window:
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
    """Turn GDAL's and HDF5's errors on a damaged or non-raster file (truncated download, HTML error
    page) into the project's own error naming the file and year."""
    when = f" (year {year})" if year is not None else ""
    try:
        yield
    except RasterError as exc:
        if year is None or f"(year {year})" in str(exc):
            raise
        raise RasterError(str(exc).replace(f"{path}:", f"{path}{when}:", 1)) from None
    except (RasterioError, OSError) as exc:
        raise RasterError(f"{path}{when}: cannot read the PM2.5 grid: {exc}. The file may be truncated or not a "
                          "raster; download it again") from None


def _log_reading(grid: Grid, year: int | None) -> None:
    when = f" (year {year})" if year is not None else ""
    LOG.info("%s%s: %s", grid.path, when, grid.product.label())
    if grid.crs_assumed:
        LOG.warning("%s%s: the grid carries no CRS; assumed WGS84 (EPSG:4326), the CRS of the ACAG, SEDAC and "
                    "CHAP products", grid.path, when)
    if grid.scale != 1.0 or grid.offset != 0.0:
        LOG.info("%s%s: stored values unpacked as value * %r + %r (scale_factor, add_offset)",
                 grid.path, when, grid.scale, grid.offset)


def check_one_product(paths: dict[int, str], product: str = "auto", variable: str | None = None) -> Product:
    """The one product of all years' grids; years that mix products or versions stop the run with
    every file named, grouped by what it is."""
    found: dict[tuple, list[tuple[int, str]]] = {}
    kinds: dict[tuple, Product] = {}
    for year, path in sorted(paths.items()):
        with unreadable_grid(path, year), open_grid(path, product, variable) as grid:
            kinds.setdefault(grid.product.key(), grid.product)
            found.setdefault(grid.product.key(), []).append((year, path))
    if len(found) > 1:
        groups = "; ".join(f"{kinds[key].label()}: " + ", ".join(f"{year} {path}" for year, path in files)
                           for key, files in found.items())
        raise RasterError(f"the PM2.5 grids mix products or versions ({groups}). Products and versions differ in "
                          "method and level; use one product and version for all years "
                          "(inputs.pm25.filename)")
    return next(iter(kinds.values()))


def zones(boundaries: gpd.GeoDataFrame, grid_path: str, product: str = "auto", variable: str | None = None,
          all_grids: dict[int, str] | None = None) -> tuple[np.ndarray, dict]:
    """Zone raster over the cities' window of the grid (0 = no city, i = i-th code) and its metadata.

    ``all_grids`` (year → path), when given, are checked to be one product and version first."""
    if all_grids:
        check_one_product(all_grids, product, variable)
    with unreadable_grid(grid_path), open_grid(grid_path, product, variable) as src:
        _log_reading(src, None)
        crs = src.crs
        polygons = boundaries
        if boundaries.crs is None:
            raise RasterError("city polygons have no CRS")
        if not boundaries.crs.equals(crs.to_wkt()):  # polygons in another CRS are reprojected to the grid's
            polygons = boundaries.to_crs(crs.to_wkt())
        window = grid_window(src, tuple(polygons.total_bounds))
        transform = src.window_transform(window)
        shape = (int(window.height), int(window.width))
        kind = src.product
        crs_assumed = src.crs_assumed
    codes = sorted(polygons["admin_code"])
    number = {code: i + 1 for i, code in enumerate(codes)}
    ids = features.rasterize(
        ((geom, number[code]) for code, geom in zip(polygons["admin_code"], polygons.geometry)),
        out_shape=shape, transform=transform, fill=0, dtype="int32", all_touched=False,
    )
    meta = {"codes": codes, "window": [int(window.col_off), int(window.row_off), shape[1], shape[0]],
            "city_cells": np.bincount(ids.ravel(), minlength=len(codes) + 1)[1:].tolist(),
            "transform": list(transform)[:6], "crs": crs.to_string(), "rule": "cell centre in polygon",
            "product": asdict(kind), "grid": str(grid_path)}
    if crs_assumed:
        meta["crs_assumed"] = True
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


def city_cells(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mask of the cells inside a city and their zone numbers as bincount's index type (intp); the
    same every year, so a caller sampling several years can compute it once and pass it on."""
    inside = ids > 0
    return inside, ids[inside].astype(np.intp)


def zonal_means(grid_path: str, ids: np.ndarray, meta: dict, year: int, product: str = "auto",
                variable: str | None = None, cells: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Per-city mean of valid cells, count of valid cells and share of the city's cells that are valid.

    Invalid cells: fill/nodata values, and after unpacking NaN, negative values and values above
    1000 µg/m³. A city without any valid cell is an error naming city and year; so is a grid of
    another product or version than the one the zones were computed on. ``cells``: ``city_cells(ids)``
    when the caller has it already (several years in one process).
    """
    col_off, row_off, width, height = meta["window"]
    window = windows.Window(col_off, row_off, width, height)
    with unreadable_grid(grid_path, year), open_grid(grid_path, product, variable) as src:
        _log_reading(src, year)
        if "product" in meta and src.product.key() != Product(**meta["product"]).key():
            raise RasterError(f"{grid_path} (year {year}) is {src.product.label()} but {meta.get('grid')}, the grid "
                              f"the zones were computed on, is {Product(**meta['product']).label()}; use one product "
                              "and version for all years")
        if src.crs != CRS.from_string(meta["crs"]):
            raise RasterError(f"{grid_path} (year {year}): grid CRS {src.crs} differs from {meta['crs']}, "
                              "the CRS of the grid the zones were computed on")
        transform = src.window_transform(window)
        # absolute tolerance only: a relative one (NumPy's default 1e-5) would let a grid shifted by
        # 0.001° (a tenth of a 0.01° cell, at 110° E) pass as the same grid
        if not np.allclose(list(transform)[:6], meta["transform"], rtol=0.0, atol=1e-9):
            raise RasterError(f"{grid_path} (year {year}): the grid's georeferencing differs from the grid the zones "
                              "were computed on; all years must share one grid")
        raw = src.read(window)  # north-up, possibly a flipped or transposed view
        inside, zone = cells if cells is not None else city_cells(ids)
        cell_values, valid = src.values(raw[inside])
    n = len(meta["codes"]) + 1
    zone, cell_values = zone[valid], cell_values[valid]
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
