"""Centre of gravity and standard deviational ellipse: hand cases, degenerate ellipses, directions,
and the equal-area projection."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod, Transformer
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
    assert row["area_km2"] == pytest.approx(np.pi * np.sqrt(1.5e6) * np.sqrt(5e5) / 1e6, rel=1e-12)
    assert row["flattening"] == pytest.approx(1 - 1 / np.sqrt(3))
    assert list(row) == ["x", "y", "semi_major_km", "semi_minor_km", "area_km2", "azimuth_major", "flattening",
                         "degenerate"]


def test_a_single_place_has_no_flattening():
    row = cg.ellipse_row(np.array([[500.0, 700.0], [500.0, 700.0]]), np.array([1.0, 2.0]))
    assert (row["x"], row["y"], row["semi_major_km"], row["area_km2"]) == (500.0, 700.0, 0.0, 0.0)
    assert np.isnan(row["flattening"]) and row["degenerate"]


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
    scores = pd.DataFrame({"admin_code": ["000001", "000002", "000003"], "year": 2000, "total": [1.0, 2.0, 1.0]})
    with pytest.raises(ValueError, match="^centre of gravity: no boundary for city 000002, 000003$"):
        cg.gravity_table(scores, centroids, ["total"])
    twice = pd.DataFrame({"admin_code": ["000001", "000002", "000003", "000003"], "x": 0.0, "y": [0.0, 1.0, 2.0, 3.0]})
    with pytest.raises(pd.errors.MergeError):  # two centroids for one city: refused, not a doubled weight
        cg.gravity_table(scores, twice, ["total"])


def test_a_geographic_crs_is_refused():
    boundaries = gpd.GeoDataFrame({"admin_code": ["000001"]}, geometry=[box(110.0, 30.0, 110.1, 30.1)],
                                  crs="EPSG:4326")
    with pytest.raises(ValueError, match="not a projected CRS"):
        cg.projected_centroids(boundaries, "EPSG:4326")


@pytest.mark.parametrize(("degrees", "name"), [(22.4, "N"), (22.5, "NE"), (67.5, "E"), (157.5, "S"), (202.4, "S"),
                                               (292.5, "NW"), (337.4, "NW"), (337.5, "N"), (359.9, "N")])
def test_compass_sectors_start_half_way_between_the_points(degrees, name):
    assert cg.compass(degrees) == name


def test_azimuth_of_a_westward_move_is_in_0_360():
    np.testing.assert_allclose(cg.azimuth(np.array([-1.0, -1.0]), np.array([1.0, -1e-12])), [315.0, 270.0])


def test_an_unmoved_centre_has_no_direction_and_bad_weights_stop():
    # three points 1–2 km apart near the standard parallels (y = 4000 km, about 36°N, on the central meridian)
    centroids = pd.DataFrame({"admin_code": ["000001", "000002", "000003"], "x": [0.0, 1000.0, 0.0],
                              "y": [4e6, 4e6, 4e6 + 2000.0]})
    scores = pd.DataFrame({"admin_code": ["000001", "000002", "000003"] * 2, "year": [2001] * 3 + [2000] * 3,
                           "total": [2.0, 2.0, 4.0, 1.0, 1.0, 2.0], "social": [1.0, 1.0, 2.0, 1.0, 3.0, 0.0]})
    # 2002: total weights 0.2, 0.1, 0.1 (summing to less than 1): the centre moves due south only
    scores = pd.concat([scores, pd.DataFrame({"admin_code": ["000001", "000002", "000003"], "year": 2002,
                                              "total": [0.2, 0.1, 0.1], "social": [1.0, 3.0, 0.0]})])
    table = cg.gravity_table(scores, centroids, ["total", "social"])
    assert list(table.columns) == ["measure", "year", "x", "y", "semi_major_km", "semi_minor_km", "area_km2",
                                   "azimuth_major", "flattening", "degenerate", "lon", "lat", "shift_km",
                                   "shift_azimuth", "shift_direction"]
    assert table[["measure", "year"]].values.tolist() == [["total", 2000], ["total", 2001], ["total", 2002],
                                                          ["social", 2000], ["social", 2001], ["social", 2002]]
    assert (table["x"].iloc[2], table["y"].iloc[2]) == pytest.approx((250.0, 4e6 + 500.0))
    assert table["shift_direction"].iloc[2] == "S"
    assert table["shift_km"].iloc[2] == pytest.approx(0.5, rel=0.02)
    assert table["shift_direction"].iloc[5] == "SE"  # social back from (250, +1000) to (750, 0)
    table = table.drop(index=[2, 5]).reset_index(drop=True)
    # total: weights 1:1:2 both years (x̄ = 250 m, ȳ = 1000 m): no shift, no direction
    assert (table["x"].iloc[0], table["y"].iloc[0]) == pytest.approx((250.0, 4e6 + 1000.0))
    assert table["shift_km"].iloc[1] == 0.0 and np.isnan(table["shift_azimuth"].iloc[1])
    assert table["shift_direction"].tolist()[:2] == ["", "none"]
    # social: (750, 0) in 2000 (three quarters of the weight on the east city), (250, 1000) in 2001: north-west
    assert (table["x"].iloc[2], table["y"].iloc[2]) == pytest.approx((750.0, 4e6))
    assert table["shift_direction"].iloc[3] == "NW"
    assert table["shift_km"].iloc[3] == pytest.approx(np.hypot(500.0, 1000.0) / 1000, rel=0.02)
    assert table["shift_azimuth"].iloc[3] == pytest.approx(cg.azimuth(-500.0, 1000.0), abs=1.0)
    # exactly the geodesic between the two centres (the forward azimuth −26.6° reported as 333.4°)
    forward, _, metres = Geod(ellps="WGS84").inv(*table.loc[2, ["lon", "lat"]], *table.loc[3, ["lon", "lat"]])
    assert forward < 0
    assert table["shift_km"].iloc[3] == pytest.approx(metres / 1000, rel=1e-12)
    assert table["shift_azimuth"].iloc[3] == pytest.approx(forward + 360, rel=1e-12)
    reference = Transformer.from_crs(cg.CHINA_ALBERS, "EPSG:4326", always_xy=True).transform(750.0, 4e6)
    assert tuple(table.loc[2, ["lon", "lat"]]) == pytest.approx(reference, abs=1e-9)
    assert reference[0] == pytest.approx(105.0, abs=0.01)  # next to the central meridian
    for bad in ([1.0, -1.0, 2.0], [0.0, 0.0, 0.0]):
        wrong = scores.assign(total=bad * 3)
        with pytest.raises(ValueError, match=r"^centre of gravity: total in 2000 has negative or all-zero weights$"):
            cg.gravity_table(wrong, centroids, ["total"])


def test_centroids_in_another_projected_crs():
    boundaries = gpd.GeoDataFrame({"admin_code": ["000001"]}, geometry=[box(0.0, 0.0, 2.0, 2.0)], crs="EPSG:3857")
    centroids = cg.projected_centroids(boundaries, "EPSG:3857")
    assert centroids.to_dict("list") == {"admin_code": ["000001"], "x": [1.0], "y": [1.0]}


def test_major_axis_azimuth_uses_the_weights():
    # (±1000, 0) weighted 4 and (0, ±1500) weighted 1: Σ w x² = 8e6 > Σ w y² = 4.5e6, east–west
    # (unweighted, or dividing by the weights, the north–south spread would win)
    cross = np.array([[-1000.0, 0.0], [1000.0, 0.0], [0.0, -1500.0], [0.0, 1500.0]])
    assert cg.major_axis_azimuth(cross, np.array([4.0, 4.0, 1.0, 1.0])) == 90.0
    # weights 8, 1, 1: about the weighted centre (0, 200) var x = 2e5 > var y = (8 · 200² + 2 · 800²)/10
    # = 1.6e5, east–west; about the unweighted centre (0, 666.7) var y would be 3.8e5, north–south
    triangle = np.array([[0.0, 0.0], [1000.0, 1000.0], [-1000.0, 1000.0]])
    assert cg.major_axis_azimuth(triangle, np.array([8.0, 1.0, 1.0])) == pytest.approx(90.0)


def test_major_axis_azimuth_of_a_north_south_spread():
    points = np.array([[0.0, -2000.0], [0.0, 2000.0], [-100.0, 0.0], [100.0, 0.0]])
    assert cg.major_axis_azimuth(points, np.ones(4)) == 0.0
    assert cg.major_axis_azimuth(points[:, ::-1], np.ones(4)) == 90.0  # the same spread east–west
    tilted = np.array([[-1000.0, 1000.0], [1000.0, -1000.0], [0.0, 0.0]])  # north-west – south-east line
    assert cg.major_axis_azimuth(tilted, np.array([1.0, 1.0, 5.0])) == pytest.approx(135.0)
