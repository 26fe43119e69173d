"""Benchmark: the dynamics stage (issue 24) beside the rest of a clean demo run.

    python bench/bench_dynamics.py                  # the demo data
    python bench/bench_dynamics.py --configfile /tmp/national/config.yaml --repeat 1

Copies the repository to a temporary folder and, ``--repeat`` times (fastest kept; this shared
machine's speed drifts between minutes):
1. a clean full run with the README's command (wall time);
2. the dynamics stage alone: results/dynamics/ and its logs removed, then the stage's targets
   rebuilt on the finished run (wall time; everything upstream is up to date);
3. Snakemake's own start: the same command once more, with nothing left to do.
Prints the stage's share of a clean run, with and without Snakemake's start (which any single
target pays: parsing, config and table checks, the DAG), and the per-job seconds of the dynamics
rules against all other rules of the clean run from Snakemake's benchmark files (targets: <= 20 % of
a clean demo run, <= 2 min nationally). On a machine where SLURM's commands are installed but its
controller is down, every Snakemake start waits ~9 s for ``scontrol`` (the SLURM executor plugin asks
it at import): start the controller or measure elsewhere.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".snakemake", "results", ".venv", "__pycache__", "*.egg-info",
                                ".pytest_cache", ".hypothesis")
DYNAMICS_RULES = ("analyse_dynamics", "plot_dynamics")
TARGETS = ("results/dynamics/markov.png", "results/dynamics/markov_homogeneity.csv", "results/dynamics/convergence.png",
           "results/dynamics/hotspots.png", "results/dynamics/gravity.png", "results/dynamics/coupling.png",
           "results/dynamics/geodetector_factor.csv")


def snakemake(workdir: Path, *args: str) -> float:
    """Wall time of one Snakemake run in ``workdir`` (the README's profile, 2 cores)."""
    start = time.perf_counter()
    environment = {**os.environ, "PYTHONPATH": str(workdir / "src")}
    command = [sys.executable, "-m", "snakemake", "--workflow-profile", "workflow/profiles/default", "--cores", "2"]
    run = subprocess.run([*command, *args], cwd=workdir, env=environment, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"snakemake {' '.join(args)} failed:\n{run.stderr[-4000:]}")
    return time.perf_counter() - start


def job_seconds(results: Path) -> tuple[float, float]:
    """(seconds of the dynamics jobs, seconds of all other jobs) from results/benchmarks/*.tsv."""
    dynamics = rest = 0.0
    for path in (results / "benchmarks").glob("*.tsv"):
        seconds = float(pd.read_csv(path, sep="\t")["s"].sum())
        if path.stem in DYNAMICS_RULES:
            dynamics += seconds
        else:
            rest += seconds
    return dynamics, rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configfile", help="another config (e.g. the national dataset's)")
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    extra = ["--configfile", options.configfile] if options.configfile else []
    clean, stage, start, jobs = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder) / "repo"
        shutil.copytree(ROOT, workdir, ignore=IGNORE)
        for _ in range(options.repeat):
            shutil.rmtree(workdir / "results", ignore_errors=True)
            shutil.rmtree(workdir / ".snakemake", ignore_errors=True)
            clean.append(snakemake(workdir, *extra))
            jobs.append(job_seconds(workdir / "results"))
            shutil.rmtree(workdir / "results" / "dynamics")
            stage.append(snakemake(workdir, *TARGETS, *extra))  # --configfile takes every word after it
            start.append(snakemake(workdir, *TARGETS, *extra))  # nothing left to do: Snakemake's own start
    best_clean, best_stage = min(clean), min(stage)
    dynamics, rest = min(jobs)
    print(f"clean full run:          {best_clean:7.1f} s  (runs: {', '.join(f'{t:.1f}' for t in clean)})")
    print(f"dynamics stage alone:    {best_stage:7.1f} s  (runs: {', '.join(f'{t:.1f}' for t in stage)})")
    best_start = min(start)
    print(f"Snakemake's start:       {best_start:7.1f} s  (a no-op run of the stage's targets; runs: "
          f"{', '.join(f'{t:.1f}' for t in start)})")
    print(f"stage / clean run:       {best_stage / best_clean:7.1%}  (with Snakemake's start)")
    print(f"stage net / clean run:   {(best_stage - best_start) / best_clean:7.1%}  (without it; target <= 20 % on "
          "the demo)")
    print(f"job seconds, dynamics:   {dynamics:7.1f} s of {dynamics + rest:.1f} s in all jobs "
          f"({dynamics / (dynamics + rest):.1%})")


if __name__ == "__main__":
    sys.exit(main())
