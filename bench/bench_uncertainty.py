"""Benchmark: the robustness stage beside a clean run of the rest of the workflow, in one run.

    python bench/bench_uncertainty.py                        # the demo data (28 of 34 cities)
    python bench/bench_uncertainty.py --configfile /tmp/national/config.yaml   # 337 units
        (make it first: python -m urban_resilience.demo --national /tmp/national)

In a temporary copy of the repository, with the README's command (local profile) on 2 cores:
1. a clean full run; from Snakemake's benchmark files, the job time (sum of the jobs' seconds)
   and peak memory of the robustness rules (uncertainty and audit) and of all other rules;
2. the robustness stage alone, again (``--forcerun`` of its first rules): its wall time.
Targets (issue 13): the default design on the demo in <= 30 s of job time; nationally <= 3 min
with peak memory <= 2 GB.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_workflow import IGNORE, ROOT, snakemake  # noqa: E402

ROBUSTNESS = ("impute_alternatives", "sample_design", "evaluate_samples", "analyse_uncertainty", "audit_index",
              "plot_robustness")


def job_table(results: Path) -> pd.DataFrame:
    """Seconds and peak memory of every job from results/benchmarks/, with its rule's name."""
    rows = []
    for path in sorted((results / "benchmarks").glob("*.tsv")):
        frame = pd.read_csv(path, sep="\t")
        rule = re.sub(r"_\d+$", "", path.stem)  # per-year and per-chunk jobs
        rows.append({"rule": rule, "seconds": float(frame["s"].iloc[0]), "max_rss_mb": float(frame["max_rss"].iloc[0])})
    table = pd.DataFrame(rows)
    table["stage"] = table["rule"].map(lambda rule: "robustness" if rule in ROBUSTNESS else "rest")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configfile", default=None)
    args = parser.parse_args()
    extra = ["--configfile", args.configfile] if args.configfile else []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(ROOT, work, ignore=IGNORE)
        clean = snakemake(work, *extra)
        jobs = job_table(work / "results")
        stage = snakemake(work, *extra, "--forcerun", "impute_alternatives", "sample_design", "audit_index")
    summary = jobs.groupby("stage").agg(jobs=("seconds", "size"), job_seconds=("seconds", "sum"),
                                        peak_mb=("max_rss_mb", "max"))
    print(f"clean full run: {clean:.1f} s wall")
    print(summary.to_string(float_format=lambda v: f"{v:.1f}"))
    robust, rest = summary.loc["robustness"], summary.loc["rest"]
    print(f"robustness stage alone, rerun: {stage:.1f} s wall")
    print(f"job time robustness / rest: {robust['job_seconds'] / rest['job_seconds']:.2f}")
    print("robustness jobs:")
    print(jobs[jobs["stage"] == "robustness"].groupby("rule").agg(
        jobs=("seconds", "size"), seconds=("seconds", "sum"), peak_mb=("max_rss_mb", "max")).to_string())


if __name__ == "__main__":
    main()
