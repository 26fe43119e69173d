"""PM2.5 sampling: analytic fields in GeoTIFF and NetCDF (both latitude orders), masking, CRS,
windowed reading, and clear errors."""

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from scipy.io import netcdf_file
from shapely.geometry import Polygon, box

from urban_resilience.readers import pm25
from urban_resilience.readers.pm25 import RasterError

WEST, NORTH, CELL = 110.0, 32.0, 0.01
ROWS, COLS = 400, 600  # 110–116° E, 28–32° N


def gradient(lon, lat):
    """A linear field: its mean over any polygon is its value at the polygon's centroid."""
    return 20.0 + 3.0 * (lon - WEST) + 5.0 * (lat - 28.0)


def grid_values():
    lat = NORTH - (np.arange(ROWS) + 0.5) * CELL
    lon = WEST + (np.arange(COLS) + 0.5) * CELL
    lon2, lat2 = np.meshgrid(lon, lat)
    return lon, lat, gradient(lon2, lat2).astype("float64")


def write_tif(path, values, nodata=-999.0):
    with rasterio.open(path, "w", driver="GTiff", width=COLS, height=ROWS, count=1, dtype="float64",
                       crs="EPSG:4326", transform=Affine(CELL, 0, WEST, 0, -CELL, NORTH), nodata=nodata) as dst:
        dst.write(values, 1)
    return str(path)


def write_nc(path, values, variable="PM25", descending=True, names=("lat", "lon")):
    """A CF-style NetCDF written with scipy (no GDAL), without any CRS variable."""
    lon, lat, _ = grid_values()
    data = values if descending else values[::-1]
    lats = lat if descending else lat[::-1]
    with netcdf_file(path, "w") as nc:
        nc.createDimension(names[0], ROWS)
        nc.createDimension(names[1], COLS)
        y = nc.createVariable(names[0], "f8", (names[0],))
        y[:], y.units, y.standard_name = lats, "degrees_north", "latitude"
        x = nc.createVariable(names[1], "f8", (names[1],))
        x[:], x.units, x.standard_name = lon, "degrees_east", "longitude"
        other = nc.createVariable("count", "f4", names)  # a second variable: the PM2.5 one must be picked
        other[:] = 1.0
        v = nc.createVariable(variable, "f4", names)
        v[:] = data.astype("float32")
        v.units = "micrograms/m^3"
    return str(path)


POLYGONS = {
    "420100": box(111.0, 29.0, 112.3, 30.1),
    "430100": Polygon([(113.0, 28.5), (115.5, 28.8), (114.0, 31.2)]),
    "360100": box(115.2, 31.0, 115.6, 31.5),
}


@pytest.fixture()
def cities():
    return gpd.GeoDataFrame({"admin_code": list(POLYGONS)}, geometry=list(POLYGONS.values()), crs="EPSG:4326")


def sample(path, cities, year=2010):
    ids, meta = pm25.zones(cities, path)
    return pm25.zonal_means(path, ids, meta, year).set_index("admin_code"), ids, meta


def expected_means(cities):
    return {code: gradient(geom.centroid.x, geom.centroid.y) for code, geom in zip(cities.admin_code, cities.geometry)}


def test_geotiff_gradient_mean_equals_value_at_centroid(tmp_path, cities):
    _, _, values = grid_values()
    frame, _, _ = sample(write_tif(tmp_path / "g.tif", values), cities)
    for code, expected in expected_means(cities).items():
        assert frame.at[code, "pm25"] == pytest.approx(expected, abs=0.02)  # centre rule: ±cell-size error
    assert (frame["valid_share"] == 1.0).all()


@pytest.mark.parametrize("variable, descending, names", [
    ("PM25", True, ("lat", "lon")), ("PM25", False, ("lat", "lon")), ("GWRPM25", False, ("LAT", "LON")),
])
def test_netcdf_matches_geotiff(tmp_path, cities, variable, descending, names):
    _, _, values = grid_values()
    reference, _, _ = sample(write_tif(tmp_path / "g.tif", values.astype("float32").astype("float64")), cities)
    path = write_nc(tmp_path / "g.nc", values, variable, descending, names)
    with netcdf_file(path) as nc:  # the file really has the intended latitude order
        latitudes = nc.variables[names[0]][:].copy()
    assert (np.diff(latitudes) < 0).all() == descending
    frame, _, _ = sample(path, cities)
    # the NetCDF transform is rebuilt from coordinate arrays (float jitter): a cell centre lying
    # exactly on a polygon edge may flip, so allow sub-cell differences
    assert frame["pm25"].to_numpy() == pytest.approx(reference["pm25"].to_numpy(), abs=0.01)
    assert frame["valid_cells"].to_numpy() == pytest.approx(reference["valid_cells"].to_numpy(), rel=0.01)


def test_netcdf_without_a_pm25_variable(tmp_path, cities):
    _, _, values = grid_values()
    path = write_nc(tmp_path / "g.nc", values, variable="AOD")
    expected = r"no PM2.5 variable; expected one of PM25, GWRPM25, PM2.5 \(or name it in inputs.pm25.variable\)"
    with pytest.raises(RasterError, match=expected + ", found AOD, count"):
        pm25.zones(cities, path)


def test_invalid_cells_are_masked(tmp_path, cities):
    _, _, values = grid_values()
    marked = values.copy()
    # 40 x 10 cells at 111.5–111.6° E, 29.6–30.0° N, inside the 420100 box
    marked[200:210, 150:160] = -999.0  # nodata
    marked[210:220, 150:160] = np.nan
    marked[220:230, 150:160] = -5.0  # negative
    marked[230:240, 150:160] = 5000.0  # absurd
    frame, ids, _ = sample(write_tif(tmp_path / "g.tif", marked), cities)
    clean, _, _ = sample(write_tif(tmp_path / "c.tif", values), cities)
    hit = [c for c in frame.index if frame.at[c, "valid_cells"] < clean.at[c, "valid_cells"]]
    assert hit == ["420100"]
    assert clean.at[hit[0], "valid_cells"] - frame.at[hit[0], "valid_cells"] == 400
    assert frame.at[hit[0], "valid_share"] < 1.0
    # the mean is over the remaining valid cells of a smooth field: close to the clean mean
    assert frame.at[hit[0], "pm25"] == pytest.approx(clean.at[hit[0], "pm25"], abs=0.5)


def test_city_without_valid_cells_is_an_error(tmp_path, cities):
    _, _, values = grid_values()
    dead = values.copy()
    dead[50:100, 520:560] = -999.0  # covers the 360100 box (115.2–115.6 E, 31.0–31.5 N) entirely
    path = write_tif(tmp_path / "g.tif", dead)
    ids, meta = pm25.zones(cities, path)
    with pytest.raises(RasterError, match=r"\(year 2015\): no valid PM2.5 cell in city 360100"):
        pm25.zonal_means(path, ids, meta, 2015)


def test_polygons_in_another_crs_are_reprojected(tmp_path, cities):
    _, _, values = grid_values()
    path = write_tif(tmp_path / "g.tif", values)
    reference, _, _ = sample(path, cities)
    projected, _, _ = sample(path, cities.to_crs("EPSG:3857"))
    assert projected["pm25"].to_numpy() == pytest.approx(reference["pm25"].to_numpy(), abs=0.01)


def test_only_the_cities_window_is_read(tmp_path):
    _, _, values = grid_values()
    path = write_tif(tmp_path / "g.tif", values)
    small = gpd.GeoDataFrame({"admin_code": ["420100"]}, geometry=[box(111.0, 29.0, 111.5, 29.4)], crs="EPSG:4326")
    ids, meta = pm25.zones(small, path)
    assert ids.shape == (40, 50)  # 0.4° x 0.5° at 0.01°, not the 400 x 600 grid
    assert meta["window"] == [100, 260, 50, 40]
    reads = []
    original = rasterio.io.DatasetReader.read

    def spy(self, *args, **kwargs):
        reads.append(kwargs.get("window"))
        return original(self, *args, **kwargs)

    rasterio.io.DatasetReader.read = spy
    try:
        pm25.zonal_means(path, ids, meta, 2010)
    finally:
        rasterio.io.DatasetReader.read = original
    assert len(reads) == 1 and (reads[0].width, reads[0].height) == (50, 40)


def test_a_grid_with_other_georeferencing_is_refused(tmp_path, cities):
    _, _, values = grid_values()
    ids, meta = pm25.zones(cities, write_tif(tmp_path / "a.tif", values))
    shifted = tmp_path / "b.tif"
    with rasterio.open(shifted, "w", driver="GTiff", width=COLS, height=ROWS, count=1, dtype="float64",
                       crs="EPSG:4326", transform=Affine(CELL, 0, WEST + 0.005, 0, -CELL, NORTH)) as dst:
        dst.write(values, 1)
    with pytest.raises(RasterError, match="georeferencing differs"):
        pm25.zonal_means(str(shifted), ids, meta, 2011)


def test_polygons_outside_the_grid(tmp_path):
    _, _, values = grid_values()
    far = gpd.GeoDataFrame({"admin_code": ["650100"]}, geometry=[box(87.0, 43.0, 88.0, 44.0)], crs="EPSG:4326")
    with pytest.raises(RasterError, match="lie outside the grid"):
        pm25.zones(far, write_tif(tmp_path / "g.tif", values))


def test_window_keeps_every_cell_the_bounds_touch(tmp_path):
    # rasterio 1.4's round_lengths(op="ceil") rounds to the nearest cell: this box lost a row and a
    # column (20 of its 25 cell centres were counted)
    path = tmp_path / "coarse.tif"
    with rasterio.open(path, "w", driver="GTiff", width=100, height=100, count=1, dtype="float32", crs="EPSG:4326",
                       transform=Affine(0.1, 0, 106.0, 0, -0.1, 34.0)) as dst:
        dst.write(np.ones((100, 100), dtype="float32"), 1)
    with rasterio.open(path) as src:
        window = pm25.grid_window(src, (110.52, 30.52, 111.02, 31.02))
    assert (window.col_off, window.row_off, window.width, window.height) == (45, 29, 6, 6)
    boundaries = gpd.GeoDataFrame({"admin_code": ["420100"]}, geometry=[box(110.52, 30.52, 111.02, 31.02)],
                                  crs="EPSG:4326")
    _, meta = pm25.zones(boundaries, str(path))
    assert meta["city_cells"] == [25]


@pytest.mark.parametrize("shift", [(0.0, 0.0), (0.003, 0.0), (0.0, 0.006), (0.0049, 0.0049), (0.0051, 0.0011)])
def test_every_cell_whose_centre_is_in_a_city_is_counted_on_every_edge(tmp_path, shift):
    """Zones from the window against a rasterization of the whole grid: the same cells for cities on
    the west, east, south and north edges of the cities' bounds."""
    from rasterio import features

    path = write_tif(tmp_path / "grid.tif", grid_values()[2])
    dx, dy = shift
    polygons = {"420100": box(111.003 + dx, 29.0, 111.5, 29.5),       # west edge
                "420200": box(113.0, 28.2, 113.4, 28.517 + dy),       # south edge
                "420500": box(114.6, 29.2, 115.227 + dx, 29.8),       # east edge
                "420600": box(112.0, 31.5, 112.5, 31.893 + dy),       # north edge
                "420700": Polygon([(112.0, 29.0), (112.4, 29.0), (112.2, 29.304 + dy)])}
    boundaries = gpd.GeoDataFrame({"admin_code": list(polygons)}, geometry=list(polygons.values()), crs="EPSG:4326")
    ids, meta = pm25.zones(boundaries, path)
    codes = meta["codes"]
    full = features.rasterize(((geom, codes.index(code) + 1) for code, geom in polygons.items()),
                              out_shape=(ROWS, COLS), transform=Affine(CELL, 0, WEST, 0, -CELL, NORTH), fill=0,
                              dtype="int32", all_touched=False)
    assert meta["city_cells"] == np.bincount(full.ravel(), minlength=len(codes) + 1)[1:].tolist()
    col, row, width, height = meta["window"]
    assert np.array_equal(full[row:row + height, col:col + width], ids)
    assert (full[:row] == 0).all() and (full[row + height:] == 0).all()
    assert (full[:, :col] == 0).all() and (full[:, col + width:] == 0).all()
