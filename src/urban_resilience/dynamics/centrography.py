"""Centre of gravity and standard deviational ellipse of the scores (pointpats ``centrography``).

Notation: city i at the centroid :math:`(x_i, y_i)` of its polygon in an equal-area projection
(Albers conic for China, metres; never degrees, whose east–west length shrinks with latitude),
weighted by its score :math:`w_i` (the total or a dimension) in year t.

- Centre of gravity :math:`\\bar x_w = \\sum w_i x_i / \\sum w_i`, :math:`\\bar y_w` likewise
  (``weighted_mean_center``).
- Standard deviational ellipse (Lefever 1926; Yuill 1971) with ArcGIS's convention, one standard
  deviation: with :math:`\\tilde x_i = x_i - \\bar x_w`, the axes are
  :math:`\\sigma = \\sqrt{2 \\sum w_i (\\tilde x_i \\cos\\theta - \\tilde y_i \\sin\\theta)^2 / \\sum w_i}` along the
  two principal directions (``ellipse(method="yuill", crimestatCorr=True, degfreedCorr=False)``:
  the √2 factor, no n/(n − 2)). The orientation is reported as the azimuth of the major axis,
  degrees clockwise from north in [0, 180), from the leading eigenvector of the weighted
  covariance of the coordinates. Points on a line give a degenerate ellipse (minor axis 0).
- Shift between consecutive years: the geodesic distance (km, WGS 84 ellipsoid) and forward
  azimuth (clockwise from north) between the two centres, converted back to longitude/latitude:
  an equal-area projection keeps areas, not distances (about 1 % off along China's parallels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pointpats import centrography

# Albers equal-area conic for China (the parameters of ESRI:102025, "Asia North Albers", on WGS 84)
CHINA_ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def projected_centroids(boundaries, crs: str = CHINA_ALBERS) -> pd.DataFrame:
    """admin_code, x, y (metres) of each polygon's centroid in the equal-area ``crs`` (a geographic
    CRS is refused: centroids and ellipses in degrees distort east–west distances)."""
    from pyproj import CRS

    target = CRS.from_user_input(crs)
    if not target.is_projected:
        raise ValueError(f"dynamics.gravity.crs {crs!r} is not a projected CRS; use an equal-area projection in metres")
    projected = boundaries.to_crs(target)
    centroids = projected.geometry.centroid
    return pd.DataFrame({"admin_code": projected["admin_code"].to_numpy(), "x": centroids.x.to_numpy(),
                         "y": centroids.y.to_numpy()})


def azimuth(dx: float | np.ndarray, dy: float | np.ndarray) -> float | np.ndarray:
    """Direction of (dx east, dy north), degrees clockwise from north in [0, 360)."""
    return np.mod(np.degrees(np.arctan2(dx, dy)), 360.0)


def compass(degrees: float) -> str:
    """The 8-point compass direction of an azimuth (N = 337.5°–22.5°)."""
    return COMPASS[int(np.mod(degrees + 22.5, 360.0) // 45)]


def major_axis_azimuth(points: np.ndarray, weights: np.ndarray) -> float:
    """Azimuth of the major axis, degrees clockwise from north in [0, 180): the leading
    eigenvector of the weighted covariance Σ w (p − p̄)(p − p̄)ᵀ / Σ w."""
    centred = points - np.average(points, axis=0, weights=weights)
    covariance = (centred * weights[:, None]).T @ centred / weights.sum()
    values, vectors = np.linalg.eigh(covariance)
    east, north = vectors[:, np.argmax(values)]
    return float(np.mod(np.degrees(np.arctan2(east, north)), 180.0))


def ellipse_row(points: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    """Centre (m), semi-axes (km), area (km²), major-axis azimuth and flattening of one weighted point set."""
    centre_x, centre_y = centrography.weighted_mean_center(points, weights)
    major, minor, _ = centrography.ellipse(points, weights, method="yuill", crimestatCorr=True, degfreedCorr=False)
    major, minor = max(major, minor), min(major, minor)
    degenerate = minor <= 1e-9 * max(major, 1.0)
    return {"x": float(centre_x), "y": float(centre_y), "semi_major_km": major / 1000.0,
            "semi_minor_km": minor / 1000.0, "area_km2": np.pi * major * minor / 1e6,
            "azimuth_major": major_axis_azimuth(points, weights),
            "flattening": 1.0 - minor / major if major else np.nan,
            "degenerate": bool(degenerate)}


def gravity_table(scores: pd.DataFrame, centroids: pd.DataFrame, measures: list[str], crs: str = CHINA_ALBERS
                  ) -> pd.DataFrame:
    """Centre of gravity and ellipse of every measure and year, with the shift from the previous
    year (km, azimuth, compass) and the centre in longitude/latitude for mapping elsewhere."""
    from pyproj import Geod, Transformer

    frame = scores.merge(centroids, on="admin_code", how="left", validate="many_to_one")
    missing = sorted(frame.loc[frame["x"].isna(), "admin_code"].unique())
    if missing:
        raise ValueError(f"centre of gravity: no boundary for city {', '.join(missing)}")
    to_degrees = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    geod = Geod(ellps="WGS84")
    rows = []
    for measure in measures:
        previous = None
        for year, block in frame.groupby("year", sort=True):
            weights = block[measure].to_numpy(dtype=float)
            if (weights < 0).any() or weights.sum() <= 0:
                raise ValueError(f"centre of gravity: {measure} in {year} has negative or all-zero weights")
            row = {"measure": measure, "year": int(year),
                   **ellipse_row(block[["x", "y"]].to_numpy(dtype=float), weights)}
            row["lon"], row["lat"] = to_degrees.transform(row["x"], row["y"])
            if previous is None:
                row.update(shift_km=np.nan, shift_azimuth=np.nan, shift_direction="")
            elif row["x"] == previous["x"] and row["y"] == previous["y"]:
                row.update(shift_km=0.0, shift_azimuth=np.nan, shift_direction="none")
            else:
                forward, _, metres = geod.inv(previous["lon"], previous["lat"], row["lon"], row["lat"])
                bearing = float(np.mod(forward, 360.0))
                row.update(shift_km=metres / 1000.0, shift_azimuth=bearing, shift_direction=compass(bearing))
            rows.append(row)
            previous = row
    return pd.DataFrame(rows)
