"""The small configuration on a real one-node SLURM cluster (started by .ci/run with .ci/slurm.sh).

Outside CI, without a cluster, the test is skipped with the reason; in CI (CI=true or
URBAN_RESILIENCE_SLURM=1) a cluster that is not there is a failure, never a skip.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SMALL_CONFIG, copy_repo, output_digests

REQUIRED = os.environ.get("CI") == "true" or os.environ.get("URBAN_RESILIENCE_SLURM") == "1"
CLUSTER_RULES = {"prepare_boundaries", "rasterize_cities", "analyse_scores", "compute_spatial_weights",
                 "analyse_spatial", "analyse_inequality", "plot_trends", "plot_maps", "plot_obstacles",
                 "assemble_panel", "plot_reproduction", "impute_alternatives", "evaluate_samples",
                 "analyse_uncertainty", "plot_robustness"}


def cluster_problem() -> str:
    """'' if a SLURM controller answers with an idle node, else why not."""
    if shutil.which("sinfo") is None:
        return "sinfo is not installed (start the cluster with: bash .ci/slurm.sh up)"
    state = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=30)
    if state.returncode != 0 or not state.stdout.strip():
        log = os.environ.get("URBAN_RESILIENCE_SLURM_LOG", "")
        detail = Path(log).read_text(errors="replace")[-2000:] if log and Path(log).exists() else ""
        return f"sinfo failed: {state.stderr.strip()} {detail}"
    if not any(s in state.stdout for s in ("idle", "mixed", "allocated")):
        return f"no usable node: sinfo says {state.stdout.strip()!r}"
    return ""


def test_small_workflow_on_slurm_gives_the_local_bytes(tmp_path, small_reference):
    problem = cluster_problem()
    if problem:
        if REQUIRED:
            pytest.fail(f"SLURM cluster not available in CI: {problem}")
        pytest.skip(f"no SLURM cluster here: {problem}")
    workdir = copy_repo(tmp_path / "repo")
    command = ["timeout", "-k", "30", "900", sys.executable, "-m", "snakemake",
               "--workflow-profile", "workflow/profiles/slurm", "--jobs", "4",
               # no accounting storage on the test cluster: ask squeue, and check soon
               "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "1",
               "--slurm-keep-successful-logs",  # the job logs show which rules went through sbatch
               *SMALL_CONFIG]
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    logs = workdir / ".snakemake" / "slurm_logs"
    folders = [p.name for p in logs.iterdir()] if logs.exists() else []
    submitted = {name.removeprefix("rule_") for name in folders if name.startswith("rule_")}
    # grouped per-year jobs: one folder per group job, e.g. group_yearbooks_extract_yearbook
    submitted |= {rule for rule in ("extract_yearbook", "sample_pm25")
                  if any(name.startswith("group_") and name.endswith(rule) for name in folders)}
    assert {"extract_yearbook", "sample_pm25"} <= submitted, f"per-year jobs were not grouped: {folders}"
    assert CLUSTER_RULES <= submitted, f"not submitted through SLURM: {CLUSTER_RULES - submitted}"
    assert output_digests(workdir / "results") == small_reference[1]
