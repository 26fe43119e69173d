"""Workflow operations on a small configuration: exact partial rebuilds, byte-identical reruns,
resuming after SIGKILL, raw inputs left untouched."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import rasterio
from openpyxl import load_workbook

from conftest import SMALL_CONFIG, copy_repo, job_counts, output_digests, run_snakemake

pytestmark = pytest.mark.workflow

SMALL = SMALL_CONFIG  # an override goes into the same --configfile list
DOWNSTREAM_OF_PANEL = {
    **dict.fromkeys(("derive_indicators", "interpolate_panel", "summarise_data_quality", "standardise_indicators",
                     "compute_weights", "compute_scores", "compute_obstacles", "analyse_scores", "analyse_spatial",
                     "analyse_inequality", "plot_trends", "plot_maps", "plot_obstacles", "compare_with_paper",
                     "plot_reproduction", "export_workbook", "export_gis", "render_report_pages",
                     "impute_alternatives", "analyse_uncertainty", "audit_index", "plot_robustness",
                     "analyse_dynamics", "plot_dynamics", "render_explorer", "all"), 1),
    "evaluate_samples": 4,  # one job per chunk
}
FIGURES = {"plot_trends", "plot_maps", "plot_obstacles", "plot_reproduction", "plot_robustness", "plot_dynamics",
           "all"}
# the explorer imports the plotting module too (its classes and colours), but shows both languages
IMPORTERS_OF_PLOTS = FIGURES | {"render_explorer"}
PM25_NAME = "resources/demo/pm25/sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-03-{year}.tif"


def planned(workdir: Path, *overrides: str) -> dict[str, int]:
    """{rule: count} of the jobs a dry run schedules (empty when nothing is to do); ``overrides``
    are extra config files applied after the small configuration."""
    result = run_snakemake(workdir, "-n", "--cores", "2", *SMALL, *overrides)
    assert result.returncode == 0, result.stderr[-3000:]
    return job_counts(result.stdout)


def run(workdir: Path, *extra: str) -> None:
    result = run_snakemake(workdir, "--cores", "2", *SMALL, *extra)
    assert result.returncode == 0, result.stderr[-3000:]


digests = output_digests


@pytest.fixture(scope="module")
def small_run(small_reference) -> Path:
    return small_reference[0]


@pytest.fixture(scope="module")
def clean_digests(small_reference) -> dict[str, str]:
    return small_reference[1]


def test_nothing_to_do_after_a_run_and_raw_inputs_untouched(small_reference):
    workdir, clean, raw = small_reference
    assert planned(workdir) == {}
    assert len(clean) > 40
    # raw inputs are only read: the run changed none of them (they are no rule's output)
    assert all(path.read_bytes() == content for path, content in raw.items())


def test_two_clean_runs_give_the_same_bytes(tmp_path, clean_digests):
    workdir = copy_repo(tmp_path / "repo")
    run(workdir)
    assert digests(workdir / "results") == clean_digests


def test_changing_a_figure_option_reruns_only_figures(small_run, tmp_path):
    override = tmp_path / "english.yaml"
    override.write_text("figures:\n  language: en\n", encoding="utf-8")
    assert planned(small_run, str(override)) == {rule: 1 for rule in FIGURES}


def test_changing_the_shift_reruns_from_the_weights_on(small_run, tmp_path):
    override = tmp_path / "shift.yaml"
    override.write_text("standardisation:\n  shift: 0.001\n", encoding="utf-8")
    # only the entropy weights use the shift: standardisation is kept
    kept = {"derive_indicators", "interpolate_panel", "summarise_data_quality", "standardise_indicators",
            "impute_alternatives"}
    assert planned(small_run, str(override)) == {r: n for r, n in DOWNSTREAM_OF_PANEL.items() if r not in kept}


def test_a_comment_edit_reruns_nothing_and_a_code_edit_the_importing_rules(small_run):
    module = small_run / "src" / "urban_resilience" / "figures" / "plots.py"
    before = module.read_bytes()
    try:
        module.write_bytes(before.replace(b'"""', b'"""Edited docstring. ', 1) + b"\n# a comment\n")
        assert planned(small_run) == {}  # comments and docstrings are not code
        module.write_bytes(before + b"\nEDITED = True\n")
        assert planned(small_run) == {rule: 1 for rule in IMPORTERS_OF_PLOTS}
        # imported by extraction and side tables, through other modules by most rules
        cells = small_run / "src" / "urban_resilience" / "readers" / "cells.py"
        original = cells.read_bytes()
        module.write_bytes(before)
        cells.write_bytes(original + b"\nEDITED = True\n")
        expected = {"extract_yearbook": 4, "assemble_panel": 1, **DOWNSTREAM_OF_PANEL}
        assert planned(small_run) == expected
        cells.write_bytes(original)
    finally:
        module.write_bytes(before)
    assert planned(small_run) == {}


def test_one_chunk_or_four_give_the_same_bytes(small_run, tmp_path):
    names = [f"uncertainty/{name}.csv" for name in ("rank_intervals", "rank_shift", "sobol_indices")]
    four = {name: digests(small_run / "results")[name] for name in names}
    override = tmp_path / "one_chunk.yaml"
    override.write_text("uncertainty:\n  chunks: 1\n", encoding="utf-8")
    assert planned(small_run, str(override)) == {"evaluate_samples": 1, "analyse_uncertainty": 1,
                                                 "plot_robustness": 1, "render_report_pages": 1,
                                                 "export_workbook": 1, "render_explorer": 1, "all": 1}
    run(small_run, str(override))
    assert {name: digests(small_run / "results")[name] for name in names} == four
    run(small_run)  # back to four chunks: chunk 0 is computed again, 1-3 are kept
    assert {name: digests(small_run / "results")[name] for name in names} == four
    assert planned(small_run) == {}


def test_fixing_one_workbook_reruns_its_extraction_and_the_pooled_stages(small_run, clean_digests):
    book = small_run / "resources" / "demo" / "yearbook" / "中国城市统计年鉴2018.xlsx"
    workbook = load_workbook(book)
    sheet = workbook["2-10 邮电通信"]
    cell = next(row[2] for row in sheet.iter_rows() if str(row[0].value).strip() == "武汉市")
    cell.value = float(cell.value) * 1.01  # a corrected value
    workbook.save(book)
    expected = {"extract_yearbook": 1, "assemble_panel": 1, **DOWNSTREAM_OF_PANEL}
    assert planned(small_run) == expected  # weights are pooled over years: everything after the panel
    run(small_run)
    after = digests(small_run / "results")
    changed = {name for name in after if after[name] != clean_digests.get(name)}
    assert "extracted/yearbook_2017.csv" in changed and "extracted/yearbook_2016.csv" not in changed
    assert not any(name.startswith("pm25/") for name in changed)


def test_accepting_a_break_reruns_extraction_and_the_checks(small_run):
    table = small_run / "resources" / "known_breaks.csv"
    before, stat = table.read_bytes(), table.stat()
    table.write_text(before.decode() + "430300,pop,2010,boundary change (test)\n", encoding="utf-8")
    try:
        expected = {"extract_yearbook": 4, "assemble_panel": 1, **DOWNSTREAM_OF_PANEL}
        assert planned(small_run) == expected
    finally:
        table.write_bytes(before)
        os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert planned(small_run) == {}


def test_yearbooks_from_another_folder_are_extracted_again_even_when_older(small_run, tmp_path):
    copied = tmp_path / "yearbooks"
    shutil.copytree(small_run / "resources" / "demo" / "yearbook", copied)  # copy2 keeps the old file times
    override = tmp_path / "folder.yaml"
    override.write_text(f"inputs:\n  yearbook:\n    directory: {copied}\n", encoding="utf-8")
    expected = {"extract_yearbook": 4, "assemble_panel": 1, **DOWNSTREAM_OF_PANEL}
    assert planned(small_run, str(override)) == expected  # the set of input files changed


def test_replacing_one_years_raster_reruns_that_year_only(small_run):
    for year in (2018, 2017):  # 2017 is also the grid the zones were built on
        path = small_run / PM25_NAME.format(year=year)
        with rasterio.open(path, "r+") as dst:
            band = dst.read(1)
            band[band > 0] += 0.5
            dst.write(band, 1)
        expected = {"sample_pm25": 1, "assemble_panel": 1, **DOWNSTREAM_OF_PANEL}
        assert planned(small_run) == expected
        run(small_run)


def test_killed_run_resumes_to_the_same_bytes(tmp_path, clean_digests):
    workdir = copy_repo(tmp_path / "repo")
    process = subprocess.Popen([sys.executable, "-m", "snakemake", "--cores", "1", *SMALL], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    marker = workdir / "results" / "pm25" / "zones.json"
    while not marker.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)  # let the next job start, so the kill lands in the middle of one
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert run_snakemake(workdir, "--unlock", *SMALL).returncode == 0
    # the README's local profile: its rerun-incomplete redoes the killed job; its greedy scheduler
    # gives the same bytes as the default one
    run(workdir, "--workflow-profile", "workflow/profiles/default")
    assert digests(workdir / "results") == clean_digests


def test_a_second_configuration_in_its_own_folder_leaves_the_first_intact(small_reference, tmp_path):
    """`--directory runs/<name>` puts a configuration's results (and Snakemake's state) in their own
    folder; the config's relative paths still name the repository's files."""
    workdir = small_reference[0]
    digests = output_digests(workdir / "results")  # as other tests left them
    other = tmp_path / "other.yaml"
    other.write_text("years: {first: 2018, last: 2019}\nfigures: {years: [2018, 2019]}\n"
                     "dataset: {name: hubei-two-years, synthetic: true}\n", encoding="utf-8")
    folder = workdir / "runs" / "hubei-two-years"
    result = run_snakemake(workdir, "--cores", "2", *SMALL_CONFIG, str(other), "--directory", str(folder))
    assert result.returncode == 0, result.stderr[-3000:]
    assert output_digests(workdir / "results") == digests  # the first run's results, byte for byte
    scores = pd.read_csv(folder / "results" / "index" / "scores.csv")
    assert set(scores["year"]) == {2018, 2019} and set(scores["dataset"]) == {"hubei-two-years (SYNTHETIC)"}
    assert not (folder / "resources").exists() and (folder / ".snakemake").is_dir()
