"""PM2.5 products by name: CHAP packed integers, ACAG V4 transposed storage, ACAG V5 ascending
latitude, fill values, mixing products, configured product and variable, missing CRS.

Every file is a tiny NetCDF-4 written here with h5netcdf (the layout the products use): 4 x 6 cells
of 0.1°, 110–110.6° E, 31.6–32° N. Expected means are computed by hand from the stored integers."""

import logging

import geopandas as gpd
import h5netcdf
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from urban_resilience.readers import pm25
from urban_resilience.readers.pm25 import RasterError

WEST, NORTH, CELL, ROWS, COLS = 110.0, 32.0, 0.1, 4, 6
LAT = NORTH - (np.arange(ROWS) + 0.5) * CELL  # north to south
LON = WEST + (np.arange(COLS) + 0.5) * CELL

# stored integers, north-up; a CHAP-like scale of 0.1 µg/m³ per unit
RAW = np.array([
    [700, 702, 650, 651, 400, 401],
    [704, 706, 658, 660, 402, 403],
    [300, 301, 655, 65535, 404, 405],
    [302, 303, 304, 305, 406, 407],
], dtype="u2")

# A: cells (0..1, 0..1); B: cells (1..2, 2..3), one of them the fill value
CITIES = gpd.GeoDataFrame({"admin_code": ["420100", "420200"]},
                          geometry=[box(110.0, 31.8, 110.2, 32.0), box(110.2, 31.7, 110.4, 31.9)], crs="EPSG:4326")


def write(path, raw=RAW, variable="PM2.5", dims=("lat", "lon"), ascending=False, fill=65535, scale=0.1,
          offset=0.0, attrs=None):
    """A NetCDF-4 grid without CRS: ``raw`` is north-up; ``ascending`` stores latitude south to
    north; ``dims`` ("LON", "LAT") stores the variable transposed."""
    lat, data = (LAT[::-1], raw[::-1]) if ascending else (LAT, raw)
    lat_name, lon_name = sorted(dims, key=lambda d: d.lower() != "lat")
    if dims[0].lower() == "lon":
        data = data.T
    with h5netcdf.File(path, "w") as nc:
        nc.dimensions = {dims[0]: data.shape[0], dims[1]: data.shape[1]}
        y = nc.create_variable(lat_name, (lat_name,), "f8")
        y[:], y.attrs["units"] = lat, "degrees_north"
        x = nc.create_variable(lon_name, (lon_name,), "f8")
        x[:], x.attrs["units"] = LON, "degrees_east"
        kwargs = {} if fill is None else {"fillvalue": np.array(fill, dtype=raw.dtype)}
        v = nc.create_variable(variable, dims, raw.dtype, compression="gzip", compression_opts=1,
                               chunks=(2, 3) if dims[0].lower() == "lat" else (3, 2), **kwargs)
        v[:] = data
        if scale is not None:
            v.attrs["scale_factor"] = np.float32(scale)
            v.attrs["add_offset"] = np.float32(offset)
        for key, value in (attrs or {}).items():
            nc.attrs[key] = value
    return str(path)


def means(path, year=2015, **options):
    ids, meta = pm25.zones(CITIES, path, **options)
    return pm25.zonal_means(path, ids, meta, year, **options).set_index("admin_code"), meta


def test_chap_packed_integers_give_the_unpacked_values(tmp_path):
    path = write(tmp_path / "CHAP_PM2.5_Y1K_2015_V4.nc")
    frame, meta = means(path)
    scale = float(np.float32(0.1))  # the attribute is float32, as in the product
    # A (rows 0-1, columns 0-1): 700, 702, 704, 706; B (rows 1-2, columns 2-3): 658, 660, 655, fill
    assert frame.at["420100", "pm25"] == pytest.approx(703.0 * scale, abs=1e-9)  # 70.3, not 703
    assert frame.at["420200", "pm25"] == pytest.approx((658 + 660 + 655) / 3 * scale, abs=1e-9)  # 65.77
    assert frame.at["420200", "valid_cells"] == 3 and frame.at["420200", "valid_share"] == 0.75
    assert meta["product"] == {"family": "chap", "version": "V4", "format": "NetCDF", "variable": "PM2.5"}


def test_signed_packing_with_offset_and_fill_minus_999(tmp_path):
    raw = np.where(RAW == 65535, -999, RAW.astype("i4") - 500).astype("i2")  # x = r * 0.1 + 50
    frame, _ = means(write(tmp_path / "CHAP_PM2.5_Y1K_2010_V3.nc", raw, fill=-999, offset=50.0))
    assert frame.at["420100", "pm25"] == pytest.approx((203.0 * float(np.float32(0.1))) + 50.0, abs=1e-9)
    assert frame.at["420200", "valid_cells"] == 3


def test_latitude_order_does_not_change_the_result(tmp_path):
    north_first, _ = means(write(tmp_path / "a.nc", ascending=False))
    south_first, _ = means(write(tmp_path / "b.nc", ascending=True))
    pd.testing.assert_frame_equal(north_first, south_first)


def test_transposed_acag_v4_storage(tmp_path):
    floats = (RAW.astype("f4") / 10).astype("f4")
    floats[RAW == 65535] = np.nan
    plain, _ = means(write(tmp_path / "V5GL04.HybridPM25.Global.201501-201512.nc", floats, "GWRPM25",
                           ascending=True, fill=None, scale=None))
    transposed, meta = means(write(tmp_path / "ACAG_PM25_GWR_V4GL03_201501_201512_0p01.nc", floats, "PM25",
                                   dims=("LON", "LAT"), ascending=True, fill=None, scale=None))
    pd.testing.assert_frame_equal(plain, transposed)
    stored = [float(np.float32(value)) for value in (70.0, 70.2, 70.4, 70.6)]
    assert transposed.at["420100", "pm25"] == pytest.approx(sum(stored) / 4, abs=1e-12)
    assert meta["product"]["version"] == "V4.GL.03" and meta["product"]["variable"] == "PM25"


def test_only_the_window_is_read_from_a_netcdf(tmp_path, monkeypatch):
    path = write(tmp_path / "g.nc")
    small = CITIES.iloc[[0]]
    ids, meta = pm25.zones(small, path)
    assert meta["window"] == [0, 0, 2, 2] and ids.shape == (2, 2)
    keys = []
    original = h5netcdf.Variable.__getitem__

    def spy(self, key):
        if self.name.lstrip("/") == "PM2.5":
            keys.append(key)
        return original(self, key)

    monkeypatch.setattr(h5netcdf.Variable, "__getitem__", spy)
    pm25.zonal_means(path, ids, meta, 2015)
    assert keys == [(slice(0, 2), slice(0, 2))]  # north-up rows 0-1 of the 4 stored north to south
    keys.clear()
    ascending = write(tmp_path / "b.nc", ascending=True)
    pm25.zonal_means(ascending, *pm25.zones(small, ascending), 2015)
    assert keys == [(slice(2, 4), slice(0, 2))]  # the same cells, stored south to north


def test_no_crs_is_taken_as_wgs84_with_a_log_row(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="urban_resilience"):
        _, meta = means(write(tmp_path / "g.nc"))
    assert meta["crs"] == "EPSG:4326" and meta["crs_assumed"] is True
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and "no CRS" in r.getMessage()]
    assert len(warned) == 2 and "assumed WGS84 (EPSG:4326)" in warned[0].getMessage()  # zones and the year
    assert any("value * 0.1" in r.getMessage() for r in caplog.records)  # the unpacking is said too


def test_mixing_products_or_versions_stops_naming_the_files(tmp_path):
    chap = write(tmp_path / "CHAP_PM2.5_Y1K_2015_V4.nc")
    floats = (RAW / 10).astype("f4")
    v5 = write(tmp_path / "V5GL04.HybridPM25.Global.201601-201612.nc", floats, "GWRPM25", fill=None, scale=None)
    v5_older = write(tmp_path / "V5GL03.HybridPM25.Global.201701-201712.nc", floats, "GWRPM25", fill=None, scale=None)
    with pytest.raises(RasterError, match="mix products or versions") as error:
        pm25.zones(CITIES, chap, all_grids={2015: chap, 2016: v5})
    assert f"2015 {chap}" in str(error.value) and f"2016 {v5}" in str(error.value)
    assert "CHAP ChinaHighPM2.5 V4 (NetCDF, variable PM2.5)" in str(error.value)
    with pytest.raises(RasterError, match=r"ACAG/SEDAC V5.GL.04 .*ACAG/SEDAC V5.GL.03"):
        pm25.check_one_product({2016: v5, 2017: v5_older})
    # sampling a year of another product than the zones' stops too, naming both files
    ids, meta = pm25.zones(CITIES, v5)
    with pytest.raises(RasterError, match=f"{v5_older} \\(year 2017\\) is ACAG/SEDAC V5.GL.03 .* but {v5}"):
        pm25.zonal_means(v5_older, ids, meta, 2017)
    assert pm25.check_one_product({2016: v5, 2018: v5}).version == "V5.GL.04"


def test_configured_product_and_variable(tmp_path):
    path = write(tmp_path / "pm25_2015.nc", variable="PM2.5")
    with pytest.raises(RasterError, match="inputs.pm25.product is acag but the file looks like chap"):
        pm25.zones(CITIES, path, product="acag")
    with pytest.raises(RasterError, match="no variable 'GWRPM25' \\(inputs.pm25.variable\\); found PM2.5, lat, lon"):
        pm25.zones(CITIES, path, variable="GWRPM25")
    other = write(tmp_path / "other_2015.nc", variable="pm25_mean")
    with pytest.raises(RasterError, match="no PM2.5 variable"):
        pm25.zones(CITIES, other)
    frame, meta = means(other, product="netcdf", variable="pm25_mean")
    assert meta["product"]["family"] == "netcdf"
    assert frame.at["420100", "pm25"] == pytest.approx(703.0 * float(np.float32(0.1)), abs=1e-9)
    with pytest.raises(RasterError, match="file name says chap but the variable GWRPM25 is acag's"):
        pm25.zones(CITIES, write(tmp_path / "CHAP_PM2.5_Y1K_2016_V4.nc", variable="GWRPM25"))


def test_gdal_alone_would_misread_the_packed_grid(tmp_path):
    """Why the NetCDF reader is the project's own: GDAL leaves the scale factor to the caller."""
    import rasterio

    path = write(tmp_path / "CHAP_PM2.5_Y1K_2015_V4.nc")
    with rasterio.open(f"netcdf:{path}:PM2.5") as src:
        assert src.read(1)[0, 0] == 700 and src.scales[0] == pytest.approx(0.1)
    frame, _ = means(path)
    assert frame.at["420100", "pm25"] == pytest.approx(70.3, abs=1e-5)


def test_a_truncated_netcdf_is_named(tmp_path):
    path = write(tmp_path / "CHAP_PM2.5_Y1K_2015_V4.nc")
    data = open(path, "rb").read()
    broken = tmp_path / "CHAP_PM2.5_Y1K_2016_V4.nc"
    broken.write_bytes(data[: len(data) // 3])
    ids, meta = pm25.zones(CITIES, path)
    with pytest.raises(RasterError, match=f"{broken} \\(year 2016\\)"):
        pm25.zonal_means(str(broken), ids, meta, 2016)
    html = tmp_path / "page.nc"
    html.write_text("<html>error</html>")
    with pytest.raises(RasterError, match="not a NetCDF file"):
        pm25.zones(CITIES, str(html))


def test_netcdf3_unsigned_shorts(tmp_path):
    """NetCDF-3 (scipy) has no uint16: CHAP-like data stored as shorts with _Unsigned = "true", fill
    65535 written as -1; read like the NetCDF-4 file. Stored values above 32767 (x = r * 0.002) would
    be negative if read as signed."""
    from scipy.io import netcdf_file

    raw = np.where(RAW == 65535, 65535, RAW.astype("u4") * 50).astype("u2")  # 700 -> 35000
    path = tmp_path / "CHAP_PM2.5_Y1K_2015_V4.nc"
    with netcdf_file(path, "w") as nc:
        nc.createDimension("lat", ROWS)
        nc.createDimension("lon", COLS)
        y = nc.createVariable("lat", "f8", ("lat",))
        y[:], y.units = LAT, "degrees_north"
        x = nc.createVariable("lon", "f8", ("lon",))
        x[:], x.units = LON, "degrees_east"
        v = nc.createVariable("PM2.5", "h", ("lat", "lon"))
        v[:] = raw.view("i2")
        v._Unsigned, v._FillValue, v.scale_factor, v.add_offset = "true", np.int16(-1), np.float32(0.002), 0.0
    classic, _ = means(str(path))
    (tmp_path / "h5").mkdir()
    netcdf4, _ = means(write(tmp_path / "h5" / "CHAP_PM2.5_Y1K_2015_V4.nc", raw, scale=0.002))
    pd.testing.assert_frame_equal(classic, netcdf4)
    assert classic.at["420100", "pm25"] == pytest.approx(35150 * float(np.float32(0.002)), abs=1e-9)  # 70.3
    assert classic.at["420200", "valid_cells"] == 3


def test_float32_coordinates_give_the_exact_global_grid():
    """ACAG V5 stores cell centres as float32 (-179.995 is -179.99499512): the grid edges are
    rounded to float32's 7 significant digits, so the zones fall on the true 0.01° lines."""
    lon = (-179.995 + 0.01 * np.arange(36000)).astype("f4")
    lat = (67.995 - 0.01 * np.arange(12300)).astype("f4")  # north to south
    assert pm25.axis_transform(lon, "g.nc", "lon") == (0.01, -180.0, True)
    assert pm25.axis_transform(lat, "g.nc", "lat") == (0.01, -55.0, False)
    step, edge, _ = pm25.axis_transform(lon.astype("f8"), "g.nc", "lon")  # float64 centres: as stored
    assert step == pytest.approx(0.01, abs=1e-9) and edge != -180.0


def test_packed_geotiff_is_unpacked_too(tmp_path):
    """A GeoTIFF with scale/offset metadata (GDAL reports it, does not apply it)."""
    import rasterio
    from affine import Affine

    path = tmp_path / "packed_2015.tif"
    with rasterio.open(path, "w", driver="GTiff", width=COLS, height=ROWS, count=1, dtype="uint16",
                       crs="EPSG:4326", transform=Affine(CELL, 0, WEST, 0, -CELL, NORTH), nodata=65535) as dst:
        dst.write(RAW, 1)
        dst.scales, dst.offsets = (0.1,), (0.0,)
    frame, meta = means(str(path))
    assert frame.at["420100", "pm25"] == pytest.approx(70.3, abs=1e-9)
    assert frame.at["420200", "valid_cells"] == 3
    assert meta["product"]["family"] == "geotiff" and "crs_assumed" not in meta


def test_a_single_time_step_dimension_is_accepted(tmp_path):
    path = tmp_path / "CHAP_PM2.5_Y1K_2015_V4.nc"
    with h5netcdf.File(path, "w") as nc:
        nc.dimensions = {"time": 1, "lat": ROWS, "lon": COLS}
        y = nc.create_variable("lat", ("lat",), "f8")
        y[:], y.attrs["units"] = LAT, "degrees_north"
        x = nc.create_variable("lon", ("lon",), "f8")
        x[:], x.attrs["units"] = LON, "degrees_east"
        v = nc.create_variable("PM2.5", ("time", "lat", "lon"), "u2", fillvalue=np.uint16(65535))
        v[:] = RAW[None]
        v.attrs["scale_factor"] = np.float32(0.1)
    frame, _ = means(str(path))
    reference, _ = means(write(tmp_path / "CHAP_PM2.5_Y1K_2016_V4.nc"))
    pd.testing.assert_frame_equal(frame, reference)
