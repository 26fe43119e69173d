"""Shared fixtures: paths of the repository and its committed resources."""

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def resources() -> Path:
    return ROOT / "resources"


COPY_IGNORE = shutil.ignore_patterns(".git", ".snakemake", "results", ".venv", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".hypothesis")


def copy_repo(destination: Path) -> Path:
    """A working copy of the repository (without results, caches and git) to run snakemake in."""
    shutil.copytree(ROOT, destination, ignore=COPY_IGNORE)
    return destination


def run_snakemake(workdir: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Snakemake in ``workdir`` with ``args`` (targets before options such as --configfile)."""
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir, capture_output=True, text=True,
                          timeout=timeout)


def job_counts(output: str) -> dict[str, int]:
    """The 'Job stats' table of a dry run as {rule: count}; empty when nothing is to be done."""
    if "Job stats:" not in output:
        return {}
    table = output.split("Job stats:")[1].split("total")[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", table, re.MULTILINE)}


# Tests that use these fixtures run the workflow: they are marked `workflow`, so that
# `pytest -m "not workflow"` is the fast suite.
WORKFLOW_FIXTURES = {"demo_run", "small_reference", "small_run", "clean_digests"}


def pytest_collection_modifyitems(items):
    for item in items:
        if WORKFLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.workflow)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The demo workflow run once, to its final targets, in a temporary copy of the repository."""
    workdir = copy_repo(tmp_path_factory.mktemp("run") / "repo")
    result = run_snakemake(workdir, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


SMALL_CONFIG = ["--configfile", "tests/small_config.yaml"]
NOT_COMPARED = ("logs", "benchmarks")


def output_digests(results: Path) -> dict[str, str]:
    """sha256 of every output, except logs, benchmarks and the report (they carry times)."""
    return {str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(results.rglob("*")) if p.is_file()
            and p.relative_to(results).parts[0] not in NOT_COMPARED and p.name != "report.html"}


@pytest.fixture(scope="session")
def small_reference(tmp_path_factory) -> tuple[Path, dict[str, str], dict[Path, bytes]]:
    """The small configuration run once locally: (work folder, output digests right after the run,
    raw input bytes from before the run). Tests may change the folder afterwards."""
    workdir = copy_repo(tmp_path_factory.mktemp("small") / "repo")
    raw = {p: p.read_bytes() for p in (workdir / "resources").rglob("*") if p.is_file()}
    result = run_snakemake(workdir, "--cores", "2", *SMALL_CONFIG)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir, output_digests(workdir / "results"), raw
