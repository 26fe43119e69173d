"""PM2.5 zonal means pinned exactly on a 4 × 4 grid: which cells are valid (0, 1000, nodata inside
the plausible range, no nodata), every error message in full, the zone metadata. Written against
the mutation survivors of pm25.py."""

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from urban_resilience.readers import pm25
from urban_resilience.readers.pm25 import RasterError

TRANSFORM = Affine(1.0, 0.0, 110.0, 0.0, -1.0, 34.0)  # 4 × 4 cells of 1°, 110–114° E, 30–34° N


def write(path, values, nodata=-999.0, crs="EPSG:4326", transform=TRANSFORM) -> str:
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=1, dtype="float64", crs=crs,
                       transform=transform, nodata=nodata) as dst:
        dst.write(np.asarray(values, dtype="float64"), 1)
    return str(path)


def cities() -> gpd.GeoDataFrame:
    """West: the left two columns (8 cells), east: the right two columns (8 cells)."""
    return gpd.GeoDataFrame({"admin_code": ["420200", "420100"]},
                            geometry=[box(112.0, 30.0, 114.0, 34.0), box(110.0, 30.0, 112.0, 34.0)], crs="EPSG:4326")


VALUES = [[0.0, 10.0, 500.0, 20.0],
          [1000.0, 20.0, -5.0, 40.0],
          [30.0, np.nan, 1000.5, 60.0],
          [40.0, 50.0, 30.0, 500.0]]


def test_valid_cells_with_a_nodata_value_inside_the_plausible_range(tmp_path):
    path = write(tmp_path / "g.tif", VALUES, nodata=500.0)
    ids, meta = pm25.zones(cities(), path)
    assert meta["codes"] == ["420100", "420200"] and meta["city_cells"] == [8, 8]
    assert meta["window"] == [0, 0, 4, 4] and meta["rule"] == "cell centre in polygon"
    assert meta["crs"] == "EPSG:4326" and meta["transform"] == [1.0, 0.0, 110.0, 0.0, -1.0, 34.0]
    assert ids.dtype == np.int32 and ids.tolist() == [[1, 1, 2, 2]] * 4
    frame = pm25.zonal_means(path, ids, meta, 2015)
    assert frame.columns.tolist() == ["admin_code", "year", "pm25", "valid_cells", "city_cells", "valid_share"]
    assert frame["year"].tolist() == [2015, 2015]
    west = frame.iloc[0]  # 0, 10, 1000, 20, 30, (NaN), 40, 50: 0 and 1000 are valid, NaN is not
    assert west["admin_code"] == "420100" and west["valid_cells"] == 7 and west["city_cells"] == 8
    assert west["pm25"] == pytest.approx(1150.0 / 7) and west["valid_share"] == pytest.approx(7 / 8)
    east = frame.iloc[1]  # 500 (nodata), 20, −5, 40, 1000.5, 60, 30, 500 (nodata): 20, 40, 60, 30 remain
    assert east["valid_cells"] == 4 and east["pm25"] == pytest.approx(37.5) and east["valid_share"] == 0.5


def test_without_a_nodata_value_every_plausible_value_counts(tmp_path):
    path = write(tmp_path / "g.tif", VALUES, nodata=None)
    ids, meta = pm25.zones(cities(), path)
    east = pm25.zonal_means(path, ids, meta, 2015).iloc[1]
    assert east["valid_cells"] == 6 and east["pm25"] == pytest.approx(1150.0 / 6)  # both 500s count


def test_a_city_with_no_valid_cell_is_named(tmp_path):
    values = np.full((4, 4), 25.0)
    values[:, :2] = -999.0
    path = write(tmp_path / "g.tif", values)
    ids, meta = pm25.zones(cities(), path)
    with pytest.raises(RasterError) as error:
        pm25.zonal_means(path, ids, meta, 2016)
    assert str(error.value) == (f"{path} (year 2016): no valid PM2.5 cell in city 420100 "
                                "(all nodata, NaN, negative or above 1000)")


def test_a_grid_in_another_crs_or_shifted_is_refused(tmp_path):
    path = write(tmp_path / "g.tif", VALUES)
    ids, meta = pm25.zones(cities(), path)
    other = write(tmp_path / "m.tif", VALUES, crs="EPSG:4490")
    with pytest.raises(RasterError) as error:
        pm25.zonal_means(other, ids, meta, 2017)
    assert str(error.value) == (f"{other} (year 2017): grid CRS EPSG:4490 differs from EPSG:4326, the CRS of "
                                "the grid the zones were computed on")
    shifted = write(tmp_path / "s.tif", VALUES, transform=Affine(1.0, 0.0, 110.000001, 0.0, -1.0, 34.0))
    with pytest.raises(RasterError) as error:
        pm25.zonal_means(shifted, ids, meta, 2018)
    assert str(error.value) == (f"{shifted} (year 2018): the grid's georeferencing differs from the grid the "
                                "zones were computed on; all years must share one grid")
    same = write(tmp_path / "t.tif", VALUES, transform=Affine(1.0, 0.0, 110.0 + 1e-10, 0.0, -1.0, 34.0))
    assert len(pm25.zonal_means(same, ids, meta, 2018)) == 2  # within 1e-9°: the same grid


def test_an_unreadable_grid_names_file_and_year(tmp_path):
    path = write(tmp_path / "g.tif", VALUES)
    ids, meta = pm25.zones(cities(), path)
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"<html>Not Found</html>")
    with pytest.raises(RasterError) as error:
        pm25.zonal_means(str(broken), ids, meta, 2019)
    assert str(error.value).startswith(f"{broken} (year 2019): cannot read the PM2.5 grid: ")
    assert str(error.value).endswith(". The file may be truncated or not a raster; download it again")
    with pytest.raises(RasterError) as error:
        pm25.zones(cities(), str(broken))
    assert str(error.value).startswith(f"{broken}: cannot read the PM2.5 grid: ")


def test_a_city_smaller_than_a_cell_is_named(tmp_path):
    path = write(tmp_path / "g.tif", VALUES)
    tiny = gpd.GeoDataFrame({"admin_code": ["420100", "420700"]},
                            geometry=[box(110.0, 30.0, 112.0, 34.0), box(113.1, 30.1, 113.3, 30.3)], crs="EPSG:4326")
    with pytest.raises(RasterError) as error:
        pm25.zones(tiny, path)
    assert str(error.value) == (f"{path}: no grid cell centre falls inside city 420700; the grid is too coarse "
                                "for these polygons")
    no_crs = gpd.GeoDataFrame({"admin_code": ["420100"]}, geometry=[box(110.0, 30.0, 112.0, 34.0)])
    with pytest.raises(RasterError) as error:
        pm25.zones(no_crs, path)
    assert str(error.value) == "city polygons have no CRS"
