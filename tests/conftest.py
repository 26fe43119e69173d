"""Shared fixtures: paths of the repository and its committed resources."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def resources() -> Path:
    return ROOT / "resources"


import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

COPY_IGNORE = shutil.ignore_patterns(".git", ".snakemake", "results", ".venv", "__pycache__", "*.egg-info",
                                     ".pytest_cache", ".hypothesis")


def copy_repo(destination: Path) -> Path:
    """A working copy of the repository (without results, caches and git) to run snakemake in."""
    shutil.copytree(ROOT, destination, ignore=COPY_IGNORE)
    return destination


def run_snakemake(workdir: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The demo workflow run once, to its final targets, in a temporary copy of the repository."""
    workdir = copy_repo(tmp_path_factory.mktemp("run") / "repo")
    result = run_snakemake(workdir, "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir
