"""The data-quality gate end to end on the small configuration: what stops a run, and with which
message (the config key, the file, the year)."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio

from conftest import SMALL_CONFIG, copy_repo, run_snakemake

pytestmark = pytest.mark.workflow

GRID = "resources/demo/pm25/sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-03-{year}.tif"
BOOK = "resources/demo/yearbook/中国城市统计年鉴{edition}.xlsx"


def dry_run(workdir: Path, *overrides: str) -> tuple[int, str]:
    """(exit code, everything Snakemake printed) of a dry run of the small configuration, with extra
    config files applied after it; a dry run prints errors to stdout."""
    result = run_snakemake(workdir, "-n", "--cores", "2", *SMALL_CONFIG, *overrides)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("path, key, year", [
    (BOOK.format(edition=2019), "inputs.yearbook (directory + filename)", 2018),
    (GRID.format(year=2017), "inputs.pm25.filename", 2017)])
def test_an_input_deleted_after_a_complete_run_stops_the_next_run(small_reference, path, key, year):
    workdir = small_reference[0]
    moved = workdir / (path + ".away")
    (workdir / path).rename(moved)
    try:
        code, said = dry_run(workdir)
    finally:
        moved.rename(workdir / path)
    assert code != 0
    assert f"{key}, data year {year}: {path} — no such file" in said
    assert "no job was run" in said


def test_a_typo_in_the_yearbook_folder_stops_the_run_after_a_complete_run(small_reference, tmp_path):
    override = tmp_path / "typo.yaml"
    override.write_text("inputs:\n  yearbook:\n    directory: resources/demo/yearbok\n", encoding="utf-8")
    code, said = dry_run(small_reference[0], str(override))
    assert code != 0
    assert ("inputs.yearbook (directory + filename), data year 2016: "
            "resources/demo/yearbok/中国城市统计年鉴2017.xlsx — "
            "no such file: the folder resources/demo/yearbok does not exist") in said
    assert "data year 2019: resources/demo/yearbok/中国城市统计年鉴2020.xlsx" in said
    assert "data year 2015" not in said  # the small configuration needs 2016-2019 only


def test_real_data_label_on_demo_inputs_stops_the_run(small_reference, tmp_path):
    workdir = small_reference[0]
    copied = tmp_path / "my_yearbooks"
    shutil.copytree(workdir / "resources/demo/yearbook", copied)  # copied and renamed: still recognised
    override = tmp_path / "real.yaml"
    override.write_text(f"dataset:\n  name: hubei-2024\n  synthetic: false\ninputs:\n  yearbook:\n"
                        f"    directory: {copied}\n", encoding="utf-8")
    code, said = dry_run(workdir, str(override))
    assert code != 0
    assert "dataset.synthetic is false, but these inputs are the SYNTHETIC demo data" in said
    assert ("inputs.yearbook (directory + filename), data years 2016-2019 (4 files): "
            f"{copied}/中国城市统计年鉴2017.xlsx …" in said)
    assert f"inputs.pm25.filename, data years 2017-2019 (3 files): {GRID.format(year=2017)} …" in said
    assert "inputs.patents: resources/demo/side_tables/patents.csv" in said
    # the demo's station table (real rows of the study cities, synthetic ones of the reference cities)
    assert "inputs.hsr_stations: resources/demo/side_tables/hsr_stations.csv" in said
    assert "inputs.exchange_rates" not in said  # a real table carries no mark


def test_a_bad_row_of_a_reference_table_names_file_row_and_column(small_reference, tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    table = workdir / "resources" / "indicators.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",+,yearbook,", ",up,yearbook,")
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, said = dry_run(workdir)
    assert code != 0
    assert "resources/indicators.csv, row 3 (x2), column direction: 'up' is not one of ['+', '-']" in said


def test_one_grid_ten_times_too_high_stops_the_run_naming_the_grid(tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    path = workdir / GRID.format(year=2018)
    with rasterio.open(path) as src:
        profile, values, tags = src.profile, src.read(1), src.tags()
    values = np.where(values > 0, values * 10, values)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
        dst.update_tags(**tags)
    result = run_snakemake(workdir, "results/panel/raw_panel.csv", "--cores", "2", *SMALL_CONFIG)
    assert result.returncode != 0
    log = (workdir / "results" / "logs" / "assemble_panel.log").read_text(encoding="utf-8")
    # the absolute range stops it first (a shared scale error would pass the relative checks)
    # with how many of the grid's cities, the worst ones and the factor against the other years' grids
    assert ("DataCheckError: 1 value(s) outside the plausible range in the raw inputs:\n"
            f"  field pm25: 5 of 5 cities in {GRID.format(year=2018)} (year 2018) are outside the plausible range "
            "2–200 μg/m³ (Annual city-mean PM2.5 in µg/m³: about 5 (Tibetan plateau) to about 160 (Hebei cities 2013, "
            "the worst year); a grid read ×10 gives 300–700): 5 above the maximum, from 384.7 to 514.7 μg/m³; the "
            "worst: city 420100: 514.723 μg/m³; city 420700: 491.119 μg/m³; city 420200: 412.106 μg/m³ — this file "
            "holds about 10 times the same cities' values in the other files: a scale factor or a unit error in this "
            "file (values stored ×10 or in a tenth of the unit, a scale factor not applied or applied twice)?\n"
            "Fix the input (a copy of the file); if a value is real, widen min_plausible or max_plausible of its row "
            "in resources/raw_fields.csv and give the reason in range_source.") in log


def test_a_truncated_grid_gets_the_projects_own_error(tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    path = workdir / GRID.format(year=2019)
    path.write_bytes(path.read_bytes()[:30000])
    result = run_snakemake(workdir, "results/pm25/pm25_2019.csv", "--cores", "2", *SMALL_CONFIG)
    assert result.returncode != 0
    # every year's grid is opened when the zones are made (one product and version for all years)
    log = (workdir / "results" / "logs" / "rasterize_cities.log").read_text(encoding="utf-8")
    assert f"RasterError: {GRID.format(year=2019)} (year 2019): cannot read the PM2.5 grid" in log
    assert "The file may be truncated or not a raster; download it again" in log


def test_a_cell_printed_ten_times_too_large_stops_the_run_naming_the_cell(tmp_path):
    from openpyxl import load_workbook

    workdir = copy_repo(tmp_path / "repo")
    book = workdir / BOOK.format(edition=2018)
    workbook = load_workbook(book)
    sheet = next(s for s in workbook.worksheets if s.title.endswith("地区生产总值"))
    cell = next(row[2] for row in sheet.iter_rows() if str(row[0].value).strip() == "黄石市")
    printed = float(cell.value)
    cell.value = printed * 10  # a 千/万 slip in one year
    workbook.save(book)
    result = run_snakemake(workdir, "results/panel/raw_panel.csv", "--cores", "2", *SMALL_CONFIG)
    assert result.returncode != 0
    log = (workdir / "results" / "logs" / "assemble_panel.log").read_text(encoding="utf-8")
    assert (f"中国城市统计年鉴2018.xlsx, sheet '{sheet.title}', cell {cell.coordinate}: city 420200, year 2017, field "
            f"gdp: {printed * 10:.6g} is ") in log
    ratio = float(log.split(f"{printed * 10:.6g} is ")[1].split(" times")[0])
    assert 7 < ratio < 14  # ten times what the city's other years and the other cities' trend give
