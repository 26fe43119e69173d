"""Centre of gravity and standard deviational ellipse: hand cases, degenerate ellipses, directions,
and the equal-area projection."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from urban_resilience.dynamics import centrography as cg


def test_weighted_centre_and_axes_of_a_hand_case():
    # four corners of a 2 km × 1 km rectangle, the east side weighted 3: centre x = (0·2 + 2000·6)/8
    points = np.array([[0.0, 0.0], [0.0, 1000.0], [2000.0, 0.0], [2000.0, 1000.0]])
    weights = np.array([1.0, 1.0, 3.0, 3.0])
    row = cg.ellipse_row(points, weights)
    assert (row["x"], row["y"]) == pytest.approx((1500.0, 500.0))
    # weighted variances: x: (2·1·1500² + 2·3·500²)/8 = 750 000; y: 500² = 250 000; no covariance;
    # ArcGIS convention σ = √(2 · variance)
    assert row["semi_major_km"] == pytest.approx(np.sqrt(2 * 750_000) / 1000)
    assert row["semi_minor_km"] == pytest.approx(np.sqrt(2 * 250_000) / 1000)
    assert row["azimuth_major"] == pytest.approx(90.0)  # the long axis runs east–west
    assert not row["degenerate"]


def test_points_on_a_line_give_a_degenerate_ellipse_along_the_line():
    t = np.arange(5.0) * 1000
    row = cg.ellipse_row(np.column_stack([t, t]), np.array([1.0, 2.0, 3.0, 2.0, 1.0]))  # a south-west–north-east line
    assert row["degenerate"]
    assert row["semi_minor_km"] == pytest.approx(0.0, abs=1e-9)
    assert row["azimuth_major"] == pytest.approx(45.0)
    assert row["area_km2"] == pytest.approx(0.0, abs=1e-9)


def test_axes_are_twice_the_covariance_eigenvalues():
    rng = np.random.default_rng(6)
    points = rng.normal(size=(30, 2)) @ np.array([[3.0, 1.0], [0.0, 1.0]]) * 1000
    weights = rng.uniform(0.1, 1.0, size=30)
    row = cg.ellipse_row(points, weights)
    centred = points - np.average(points, axis=0, weights=weights)
    values = np.linalg.eigvalsh((centred * weights[:, None]).T @ centred / weights.sum())
    assert row["semi_major_km"] == pytest.approx(np.sqrt(2 * values[1]) / 1000)
    assert row["semi_minor_km"] == pytest.approx(np.sqrt(2 * values[0]) / 1000)


@pytest.mark.parametrize(("dx", "dy", "degrees", "name"), [(0, 1, 0, "N"), (1, 1, 45, "NE"), (1, 0, 90, "E"),
                                                           (0, -1, 180, "S"), (-1, -1, 225, "SW"), (-1, 0, 270, "W")])
def test_shift_directions(dx, dy, degrees, name):
    assert cg.azimuth(dx, dy) == pytest.approx(degrees)
    assert cg.compass(cg.azimuth(dx, dy)) == name


def test_gravity_table_moves_towards_the_growing_city_in_kilometres():
    # two 0.1° squares on the equator-free latitude 30°N, 1° of longitude apart (≈ 96 km there)
    boundaries = gpd.GeoDataFrame({"admin_code": ["000001", "000002"]},
                                  geometry=[box(110.0, 30.0, 110.1, 30.1), box(111.0, 30.0, 111.1, 30.1)],
                                  crs="EPSG:4326")
    centroids = cg.projected_centroids(boundaries)
    distance = np.hypot(*(centroids[["x", "y"]].iloc[1] - centroids[["x", "y"]].iloc[0])) / 1000
    # 1° of longitude at 30.05°N is 96.4 km on the ellipsoid; the equal-area projection keeps it within 1.5 %
    assert distance == pytest.approx(96.4, rel=0.015)
    scores = pd.DataFrame({"admin_code": ["000001", "000002"] * 2, "year": [2000, 2000, 2001, 2001],
                           "total": [1.0, 1.0, 1.0, 3.0]})
    table = cg.gravity_table(scores, centroids, ["total"])
    assert np.isnan(table["shift_km"].iloc[0])
    # from the middle to 3/4 of the way: a quarter of the geodesic 96.4 km (measured on the ellipsoid)
    assert table["shift_km"].iloc[1] == pytest.approx(96.4 / 4, rel=0.002)
    assert table["shift_direction"].iloc[1] == "E"
    assert table["shift_azimuth"].iloc[1] == pytest.approx(90.0, abs=0.5)
    assert table["lon"].iloc[0] == pytest.approx(110.55, abs=0.01)
    assert table["degenerate"].all()  # two points are always on a line


def test_a_city_without_boundary_stops_the_run():
    centroids = pd.DataFrame({"admin_code": ["000001"], "x": [0.0], "y": [0.0]})
    scores = pd.DataFrame({"admin_code": ["000001", "000002"], "year": [2000, 2000], "total": [1.0, 2.0]})
    with pytest.raises(ValueError, match="no boundary for city 000002"):
        cg.gravity_table(scores, centroids, ["total"])


def test_a_geographic_crs_is_refused():
    boundaries = gpd.GeoDataFrame({"admin_code": ["000001"]}, geometry=[box(110.0, 30.0, 110.1, 30.1)],
                                  crs="EPSG:4326")
    with pytest.raises(ValueError, match="not a projected CRS"):
        cg.projected_centroids(boundaries, "EPSG:4326")
