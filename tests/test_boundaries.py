"""City polygons: the GCJ-02 -> WGS84 conversion and both polygon sources."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from urban_resilience.core import tables
from urban_resilience.readers import boundaries
from urban_resilience.readers.boundaries import BoundaryError

GEOD = Geod(ellps="WGS84")


def metres(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def test_known_point_moves_a_few_hundred_metres():
    # Wuhan's city-government point as Amap publishes it (GCJ-02), from the reference city table
    gcj = np.array([[114.298572, 30.584355]])
    wgs = boundaries.gcj02_to_wgs84(gcj)
    shift = metres(gcj[0], wgs[0])
    assert 450 < shift < 700
    # WGS84 lies to the west (smaller longitude) and north of GCJ-02 here
    assert wgs[0, 0] < gcj[0, 0] and wgs[0, 1] > gcj[0, 1]
    # the forward transform brings it back to within a centimetre
    assert metres(boundaries.wgs84_to_gcj02(wgs)[0], gcj[0]) < 0.01


def test_published_offset_near_beijing():
    # Widely used test vector of the GCJ-02 formulas: WGS84 (116.3975, 39.9087) -> GCJ-02 offsets
    # of about +0.0062 in longitude and +0.0014 in latitude
    gcj = boundaries.wgs84_to_gcj02(np.array([[116.3975, 39.9087]]))[0]
    assert gcj[0] - 116.3975 == pytest.approx(0.00624, abs=2e-4)
    assert gcj[1] - 39.9087 == pytest.approx(0.00140, abs=2e-4)


@pytest.fixture(scope="module")
def cities(resources):
    return tables.read_cities(resources / "cities.csv")


def test_cnmaps_polygons_are_converted_and_sized_right(cities):
    codes = ["420100", "420500", "360100"]
    frame = boundaries.city_boundaries("cnmaps", codes, cities)
    assert list(frame["admin_code"]) == sorted(codes)
    assert frame.crs.to_epsg() == 4326
    assert frame.is_valid.all()
    area = dict(zip(frame["admin_code"], frame.to_crs("EPSG:4547").area / 1e6))
    # official land areas (km²): Wuhan 8569, Yichang 21227, Nanchang 7195
    assert area["420100"] == pytest.approx(8569, rel=0.02)
    assert area["420500"] == pytest.approx(21227, rel=0.02)
    assert area["360100"] == pytest.approx(7195, rel=0.02)
    # the conversion moved every polygon by a few hundred metres
    # compare with the GCJ-02 polygon rebuilt by the forward transform
    for geometry in frame.geometry:
        back = shapely.transform(geometry, boundaries.wgs84_to_gcj02)
        centre_wgs, centre_gcj = geometry.centroid, back.centroid
        assert 300 < metres((centre_wgs.x, centre_wgs.y), (centre_gcj.x, centre_gcj.y)) < 800


def test_unknown_code_is_an_error_naming_it(cities):
    with pytest.raises(BoundaryError, match="999900"):
        boundaries.cnmaps_polygons(["420100", "999900"])


def test_user_file_is_reprojected_and_checked(tmp_path, cities):
    source = boundaries.city_boundaries("cnmaps", ["420100", "420200"], cities)
    user = source[["admin_code", "geometry"]].rename(columns={"admin_code": "CODE"})
    user["CODE"] = user["CODE"].astype(float)  # codes as floats, as circulated panels have them
    path = tmp_path / "mine.gpkg"
    user.to_crs("EPSG:3857").to_file(path, layer="prefectures")
    frame = boundaries.city_boundaries("file", ["420100"], cities, str(path), "CODE", "prefectures")
    assert list(frame["admin_code"]) == ["420100"] and frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].symmetric_difference(source.geometry.iloc[0]).area < 1e-6
    with pytest.raises(BoundaryError, match="no polygon for admin code.*430100"):
        boundaries.city_boundaries("file", ["430100"], cities, str(path), "CODE", "prefectures")
    with pytest.raises(BoundaryError, match="no column 'code'"):
        boundaries.city_boundaries("file", ["420100"], cities, str(path), "code", "prefectures")
    no_crs = tmp_path / "nocrs.gpkg"
    gpd.GeoDataFrame({"CODE": user["CODE"]}, geometry=list(user.geometry)).to_file(no_crs)
    with pytest.raises(BoundaryError, match="no CRS"):
        boundaries.city_boundaries("file", ["420100"], cities, str(no_crs), "CODE")
