"""The workflow's DAG: exact job lists from dry runs, and lint cleanliness."""

import subprocess
import sys

import pytest

from conftest import job_counts, run_snakemake

pytestmark = pytest.mark.workflow  # every test here runs Snakemake or a linter over the workflow


def test_dry_run_lists_the_dag(root, tmp_path):
    result = run_snakemake(root, "-n", "--directory", str(root), "--forceall")
    assert result.returncode == 0, result.stderr
    assert job_counts(result.stdout) == {
        "prepare_boundaries": 1, "extract_yearbook": 18, "rasterize_cities": 1, "sample_pm25": 17,
        "assemble_panel": 1, "derive_indicators": 1, "interpolate_panel": 1, "summarise_data_quality": 1,
        "standardise_indicators": 1,
        "compute_weights": 1, "compute_scores": 1, "compute_obstacles": 1, "analyse_scores": 1,
        "compute_spatial_weights": 1, "analyse_spatial": 1, "analyse_inequality": 1, "plot_trends": 1,
        "plot_maps": 1, "plot_obstacles": 1, "compare_with_paper": 1, "plot_reproduction": 1,
        "export_workbook": 1, "export_gis": 1, "render_report_pages": 1,
        "impute_alternatives": 1, "sample_design": 1, "evaluate_samples": 4, "analyse_uncertainty": 1,
        "audit_index": 1, "plot_robustness": 1,
        "analyse_dynamics": 1, "plot_dynamics": 1,
        "render_explorer": 1,
        "all": 1,
    }


def test_lint_is_clean(root):
    result = run_snakemake(root, "--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_snakefmt_is_clean(root):
    result = subprocess.run([sys.executable, "-m", "snakefmt", "--check", "."], cwd=root, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_ruff_is_clean(root):
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_report_has_every_category_and_the_synthetic_banner(demo_run):
    result = run_snakemake(demo_run, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (demo_run / "results" / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in html
    for category in ("Index", "Obstacles", "Disparity", "Spatial", "Data quality", "Reproduction", "Tables",
                     "Robustness", "Dynamics"):
        assert category in html
    for caption_fragment in ("Fisher", "Benjamini", "obstacle degree", "ddof = 1", "Table 2", "frozen",
                             "Cronbach", "Paruolo", "bootstrap"):  # ASCII only
        assert caption_fragment in html
