"""Benchmark: what reading a compiled panel adds to a clean demo run, measured in one run.

    python bench/bench_panel.py [--repeat 1] [--form wide_csv]

1. The reader alone on each demo panel form (the demo truth written as a long CSV, a wide CSV, a
   wide .xlsx and a .dta: 37 cities x 18 years x 31 fields), fastest of ``--repeat`` rounds, in
   this process.
2. Clean full runs of the demo workflow (README command, local profile, 2 cores) in a temporary
   copy of the repository, interleaved ``--repeat`` times, fastest of each:
   - ``yearbooks``: the committed configuration;
   - ``yearbooks + panel``: the same plus ``inputs.panel`` (every field, every year; the yearbooks
     take precedence) — the ratio to ``yearbooks`` is the target (<= 1.10);
   - ``panel alone``: ``inputs.yearbook.directory: ""``.
   The read_panel_file job's own time is taken from its Snakemake benchmark file, and the CPU
   seconds of all jobs (summed from the benchmark files) are compared besides the wall times:
   on a shared machine they drift much less.
"""

from __future__ import annotations

import argparse
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


def reader_seconds(folder: Path, repeat: int) -> dict[str, float]:
    from urban_resilience import demo
    from urban_resilience.core import tables
    from urban_resilience.demo import panels
    from urban_resilience.readers import compiled_panel

    resources = ROOT / "resources"
    paths = panels.write_panels(folder, demo.true_values(resources), resources)
    raw_fields = tables.read_raw_fields(resources / "raw_fields.csv")
    formulas = tables.parse_formulas(tables.read_indicators(resources / "indicators.csv"), raw_fields)
    context = compiled_panel.Context.build(
        raw_fields, tables.read_units(resources / "units.csv"), tables.read_cities(resources / "cities.csv"),
        pd.read_csv(resources / "admin_codes.csv", dtype=str, keep_default_na=False), tables.divisor_fields(formulas),
        list(range(2002, 2020)), sorted(raw_fields.loc[raw_fields["source"] == "yearbook", "field"]))
    best = {}
    for form, path in paths.items():
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            compiled_panel.read_panel(compiled_panel.PanelSpec(str(path)), context)
            times.append(time.perf_counter() - start)
        best[form] = min(times)
    return best


def clean_run(workdir: Path, configfile: Path | None) -> tuple[float, float, float]:
    """(wall seconds of a clean full run, read_panel_file job seconds or nan, CPU seconds of all
    jobs from their benchmark files — steadier than wall time on a shared machine)."""
    for stale in ("results", ".snakemake"):
        shutil.rmtree(workdir / stale, ignore_errors=True)
    command = [sys.executable, "-m", "snakemake", "--workflow-profile", "workflow/profiles/default", "--cores", "2"]
    if configfile is not None:
        command += ["--configfile", str(configfile)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"run failed ({configfile}):\n{result.stderr[-3000:]}")
    benchmarks = workdir / "results" / "benchmarks"
    job = benchmarks / "read_panel_file.tsv"
    cpu = float(pd.concat([pd.read_csv(path, sep="\t") for path in benchmarks.glob("*.tsv")])["cpu_time"]
                .pipe(pd.to_numeric, errors="coerce").sum())
    return wall, float(pd.read_csv(job, sep="\t")["s"].iloc[0]) if job.exists() else float("nan"), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--form", default="wide_csv", help="panel form used in the workflow runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        best = reader_seconds(tmp / "panels", max(args.repeat, 3))
        print("reader alone (fastest of 3), seconds:")
        for form, seconds in best.items():
            print(f"  {form:10s} {seconds:6.2f}")
        from urban_resilience.demo import panels

        panel = tmp / "panels" / panels.FORMS[args.form]
        configs = {"yearbooks": None}
        for name, text in (("yearbooks + panel", f"inputs:\n  panel:\n    path: {panel}\n"),
                           ("panel alone", f"inputs:\n  yearbook:\n    directory: ''\n  panel:\n    path: {panel}\n")):
            path = tmp / f"{name.replace(' ', '_').replace('+', 'and')}.yaml"
            path.write_text(text, encoding="utf-8")
            configs[name] = path
        workdir = tmp / "repo"
        shutil.copytree(ROOT, workdir, ignore=IGNORE)
        walls: dict[str, list[float]] = {name: [] for name in configs}
        jobs: dict[str, list[float]] = {name: [] for name in configs}
        cpus: dict[str, list[float]] = {name: [] for name in configs}
        for _ in range(args.repeat):
            for name, config in configs.items():
                wall, job, cpu = clean_run(workdir, config)
                walls[name].append(wall)
                jobs[name].append(job)
                cpus[name].append(cpu)
        base, base_cpu = min(walls["yearbooks"]), min(cpus["yearbooks"])
        print(f"clean demo runs on this machine (fastest of {args.repeat}), panel form {args.form}:")
        for name in configs:
            job = min(jobs[name])
            extra = "" if job != job else f"; read_panel_file job {job:.2f} s = {job / base:.1%} of the yearbook run"
            print(f"  {name:18s} wall {min(walls[name]):7.1f} s (ratio {min(walls[name]) / base:.3f}), CPU of all jobs "
                  f"{min(cpus[name]):7.1f} s (ratio {min(cpus[name]) / base_cpu:.3f}){extra}")
        print("target: yearbooks + panel <= 1.10 x yearbooks")


if __name__ == "__main__":
    main()
