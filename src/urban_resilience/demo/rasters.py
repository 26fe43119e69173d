"""Synthetic annual PM2.5 grids in the SEDAC layout (GeoTIFF, WGS84, µg/m³, nodata set).

The field is a north–south gradient plus Gaussian hot spots on the cities (strongest on the
central Hubei plain: Wuhan, Xiangyang, Jingzhou, Jingmen, Xiaogan), times a yearly level that
rises to a 2007–2013 plateau and then falls by about 5 % a year, plus smooth noise. Lakes
(Poyang, Dongting) are nodata, as water cells can be in the real products. SYNTHETIC.
"""

from __future__ import annotations

import numpy as np
import rasterio
from affine import Affine

from urban_resilience.gate.inputs import DEMO_MARK, DEMO_TAG

WEST, EAST, SOUTH, NORTH = 108.0, 121.5, 22.0, 33.5  # the study area and the six reference cities
RESOLUTION = 0.05  # degrees; the real grids are 0.01°, coarser here to keep the demo small
NODATA = -999.0
LAKES = [(115.9, 116.6, 28.8, 29.4), (112.5, 113.1, 28.9, 29.4)]  # lon0, lon1, lat0, lat1
HOTSPOT_AMPLITUDE = {"420100": 24.0, "420600": 22.0, "421000": 20.0, "420800": 20.0, "420900": 18.0,
                     "430100": 14.0, "360100": 12.0, "430200": 10.0, "430300": 10.0, "360300": 10.0}


def year_level(year: int) -> float:
    """Multiplier of the regional level: rise to 2007, plateau to 2013, ~5 % a year decline after."""
    if year <= 2007:
        return 0.82 + 0.036 * (year - 2002)
    if year <= 2013:
        return 1.0 + 0.01 * np.sin(year)
    return 1.0 * 0.95 ** (year - 2013)


def grid_shape() -> tuple[int, int]:
    return int(round((NORTH - SOUTH) / RESOLUTION)), int(round((EAST - WEST) / RESOLUTION))


def smooth_noise(rows: int, cols: int, cell: int, sd: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise on a coarse lattice (every ``cell`` pixels), bilinearly interpolated."""
    coarse = rng.normal(0.0, sd, size=(rows // cell + 2, cols // cell + 2))
    y, x = np.arange(rows) / cell, np.arange(cols) / cell
    along_x = np.array([np.interp(x, np.arange(coarse.shape[1]), line) for line in coarse])
    return np.array([np.interp(y, np.arange(coarse.shape[0]), column) for column in along_x.T]).T


def pm25_field(year: int, city_points: dict[str, tuple[float, float]], rng: np.random.Generator) -> np.ndarray:
    """The year's grid (rows north → south), rounded to 0.1 µg/m³, lakes set to nodata."""
    rows, cols = grid_shape()
    lat = NORTH - (np.arange(rows) + 0.5) * RESOLUTION
    lon = WEST + (np.arange(cols) + 0.5) * RESOLUTION
    lon2, lat2 = np.meshgrid(lon, lat)
    field = 34.0 + 16.0 * (lat2 - 24.0) / (NORTH - 24.0) - 4.0 * np.clip((lon2 - 116.5) / 3.0, 0, 1)
    for code, (x, y) in sorted(city_points.items()):
        amplitude = HOTSPOT_AMPLITUDE.get(code, 7.0)
        field += amplitude * np.exp(-((lon2 - x) ** 2 + (lat2 - y) ** 2) / (2 * 0.35**2))
    noise = smooth_noise(rows, cols, 20, 0.05, rng)
    field = field * year_level(year) * (1.0 + noise)
    field = np.round(field, 1).astype("float32")
    for lon0, lon1, lat0, lat1 in LAKES:
        field[(lon2 >= lon0) & (lon2 <= lon1) & (lat2 >= lat0) & (lat2 <= lat1)] = NODATA
    return field


def write_geotiff(path: str, field: np.ndarray) -> None:
    rows, cols = field.shape
    profile = {
        "driver": "GTiff", "height": rows, "width": cols, "count": 1, "dtype": "float32",
        "crs": "EPSG:4326", "transform": Affine(RESOLUTION, 0.0, WEST, 0.0, -RESOLUTION, NORTH),
        "nodata": NODATA, "compress": "deflate", "predictor": 3, "tiled": True,
        "blockxsize": 128, "blockysize": 128,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(field, 1)
        dst.update_tags(units="micrograms per cubic meter", note="SYNTHETIC demo grid, not SEDAC data",
                        **{DEMO_TAG: DEMO_MARK})
