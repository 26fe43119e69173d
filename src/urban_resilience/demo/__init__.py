"""Deterministic generator of the SYNTHETIC demo dataset, written in the real sources' layouts.

``python -m urban_resilience.demo`` (re)writes ``resources/demo/``: one China City Statistical
Yearbook workbook per edition 2003–2020 (data years 2002–2019), annual PM2.5 GeoTIFFs, a patents
side table and ``MANIFEST.csv`` listing every injected defect with its true value.
``--per-table`` writes each edition as a folder of table files instead, in the yearbook database's
form (opaque names, .xls and .xlsx, continued tables).
``python -m urban_resilience.demo --check`` regenerates into a temporary folder and compares
every cell and every raster cell with the committed files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from urban_resilience.core import tables
from urban_resilience.demo import rasters, truth, yearbook
from urban_resilience.gate.inputs import DEMO_COLUMN

EDITIONS = [year + 1 for year in truth.DATA_YEARS]
YEARBOOK_NAME = "中国城市统计年鉴{edition}.xlsx"
PM25_NAME = "sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-03-{year}.tif"
EXTRA_POINTS = {"420300": (110.80, 32.63), "430500": (111.47, 27.24), "360700": (114.93, 25.83),
                "320100": (118.80, 32.06), "320500": (120.62, 31.30), "330100": (120.16, 30.27),
                "440100": (113.26, 23.13), "440300": (114.06, 22.54), "441900": (113.75, 23.02)}


def load_inputs(resources: Path) -> dict:
    """Reference tables the generator calibrates on (all committed under ``resources/``); the city
    table's rows of the demo's cities only."""
    cities = truth.demo_city_table(resources)
    points = pd.read_csv(resources / "reference" / "cities_28.csv", dtype={"admin_code": str})
    return {
        "cities": cities,
        "raw_fields": tables.read_raw_fields(resources / "raw_fields.csv"),
        "magnitudes": pd.read_csv(resources / "reference" / "ccsy_magnitudes_28cities_2006_2017.csv"),
        "rates": pd.read_csv(resources / "exchange_rates.csv").set_index("year")["cny_per_100usd"],
        "points": {**dict(zip(points.admin_code, zip(points.lon_ma_tang, points.lat_ma_tang))), **EXTRA_POINTS},
    }


def reader_setup(resources: Path) -> dict:
    """The yearbook readers' keyword arguments for the demo's cities (for tests and benchmarks)."""
    from urban_resilience.readers import yearbook

    return yearbook.reader_setup(tables.read_raw_fields(resources / "raw_fields.csv"),
                                 tables.read_cities(resources / "cities.csv"),
                                 pd.read_csv(resources / "admin_codes.csv", dtype=str, keep_default_na=False),
                                 tables.read_units(resources / "units.csv"), list(truth.DEMO_CITIES))


def true_values(resources: Path, seed: int = truth.SEED) -> pd.DataFrame:
    """The true raw panel behind the demo files (canonical units), for tests and checks."""
    inputs = load_inputs(resources)
    return truth.finish(truth.true_panel(inputs["magnitudes"], inputs["cities"], seed), inputs["rates"])


def generate(out: Path, resources: Path, seed: int = truth.SEED, per_table: bool = False) -> pd.DataFrame:
    """Write the whole demo dataset to ``out``; return the manifest of injected defects.

    ``per_table``: write each edition as a folder of table files (``中国城市统计年鉴{edition}/``,
    see :func:`yearbook.write_edition_tables`) instead of one workbook; the values are the same.
    """
    inputs = load_inputs(resources)
    panel = truth.finish(truth.true_panel(inputs["magnitudes"], inputs["cities"], seed), inputs["rates"])
    for sub in ("yearbook", "pm25", "side_tables"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    manifest: list[dict] = []
    for edition in EDITIONS:
        name = YEARBOOK_NAME.format(edition=edition)
        rows = yearbook.write_edition(
            edition, panel, inputs["cities"], inputs["raw_fields"], str(out / "yearbook" / name), name, rng
        )
        if per_table:
            workbook = out / "yearbook" / name
            rows = yearbook.write_edition_tables(workbook, out / "yearbook" / Path(name).stem, edition, rows)
            workbook.unlink()
        manifest += rows
    raster_rng = np.random.default_rng(seed + 2)
    for year in truth.DATA_YEARS:
        field = rasters.pm25_field(year, inputs["points"], raster_rng)
        rasters.write_geotiff(str(out / "pm25" / PM25_NAME.format(year=year)), field)
    manifest += write_patents(out / "side_tables" / "patents.csv", panel, inputs["cities"],
                              np.random.default_rng(seed + 3))
    hsr_stations_table(resources / "hsr_stations.csv").to_csv(out / "side_tables" / "hsr_stations.csv", index=False,
                                                              lineterminator="\n")
    frame = pd.DataFrame(manifest)
    frame.to_csv(out / "MANIFEST.csv", index=False, lineterminator="\n")
    return frame


# Stations of the reference cities (SYNTHETIC openings; the study cities' stations are real)
REFERENCE_STATIONS = {
    "320100": ("南京", [2008, 2010, 2011, 2013, 2015]), "320500": ("苏州", [2008, 2010, 2010, 2011, 2016]),
    "330100": ("杭州", [2010, 2013, 2014, 2015, 2018]), "440100": ("广州", [2009, 2010, 2011, 2014, 2018, 2019]),
    "440300": ("深圳", [2011, 2011, 2015, 2016]), "441900": ("东莞", [2011, 2013, 2016]),
}


def hsr_stations_table(real: Path) -> pd.DataFrame:
    """The real station table of the study cities plus synthetic stations of the reference cities;
    the ``synthetic`` column says which rows are made up (and marks the file as demo data)."""
    table = pd.read_csv(real, dtype=str, keep_default_na=False).assign(**{DEMO_COLUMN: "real"})
    names = {code: name for code, (name, _) in REFERENCE_STATIONS.items()}
    rows = [{"admin_code": code, "city_cn": f"{names[code]}市", "station_cn": f"{names[code]}站{k + 1}",
             "station_en": f"Station {code}-{k + 1}", "line": "synthetic line", "opened": f"{year}-07-01",
             "confidence": "synthetic", "note": "", DEMO_COLUMN: "SYNTHETIC"}
            for code, (_, years) in REFERENCE_STATIONS.items() for k, year in enumerate(years)]
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


def write_patents(path: Path, panel: pd.DataFrame, cities: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    """Patents granted, in the long layout of circulated city panels; a few cells left blank."""
    names = dict(zip(cities.admin_code, cities.name_cn))
    rows, manifest = [], []
    study = panel[panel["admin_code"].isin(names)].sort_values(["year", "admin_code"])
    for line, record in enumerate(study.itertuples(index=False), start=2):
        value = str(int(record.patents))
        if rng.random() < 0.01:
            manifest.append({"edition": "", "file": "patents.csv", "sheet": "", "cell": f"D{line}",
                             "admin_code": record.admin_code, "data_year": record.year, "field": "patents",
                             "scope": "", "defect": "blank", "written": "", "true_value": record.patents,
                             "expected": "missing"})
            value = ""
        rows.append([record.admin_code, names[record.admin_code], record.year, value, "SYNTHETIC"])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["行政区划代码", "地区", "年份", "专利授权量(件)", DEMO_COLUMN])
        writer.writerows(rows)
    return manifest
