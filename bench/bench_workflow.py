"""Benchmark: the whole workflow, measured in one run on this machine, with ratios.

    python bench/bench_workflow.py                        # the demo data (28 cities)
    python bench/bench_workflow.py --configfile /tmp/national/config.yaml   # national scale
        (make it first: python -m urban_resilience.demo --national /tmp/national)

Every run uses the README's command (the local profile, workflow/profiles/default) on 2 cores.
It copies the repository to a temporary folder and measures there, ``--repeat`` times (default 3)
interleaved, reporting the fastest of each (this shared 2-core machine's speed drifts by 30–60 %
between minutes):
1. a clean full run (wall time; peak memory of the largest job from Snakemake's benchmark files);
2. a dry run and a no-op rerun of the finished workflow (target: no-op <= 2 x dry run);
3. a partial rebuild after editing one edition workbook (target: <= 0.5 x clean run);
4. each stage's wall time and peak memory (from results/benchmarks/), of the clean run and of the
   rebuild's own jobs (where the rebuild's time goes);
5. the floor: the same DAG with every rule script replaced by one that only imports what the
   real script imports and creates its outputs — Snakemake's own per-job cost plus imports
   (target for the demo: clean run <= 1.3 x floor) — and the floor's own rebuild after the same
   one-cell edit (the least a rebuild can cost with this DAG);
6. with ``--baseline REV`` (e.g. the commit before a change): a clean run of the repository at REV,
   interleaved with the others and with its own package on PYTHONPATH — what the change costs
   (the data checks of issue 12 against the commit before them: target clean / baseline <= 1.05).
"""

from __future__ import annotations

import argparse
import ast
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
STUB = '''"""Import-only stand-in for a rule script (benchmark floor)."""
{imports}
from pathlib import Path

for path in snakemake.output:  # noqa: F821
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    # a JSON output holds an empty object: the Snakefile reads results/tables/run_settings.json at
    # start, and an empty file made every run after the floor's first one stop with a JSONDecodeError
    Path(path).write_text("{{}}" if path.endswith(".json") else "", encoding="utf-8")
for path in snakemake.log:  # noqa: F821
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).touch()
'''


def snakemake(workdir: Path, *args: str) -> float:
    """Wall time of one Snakemake run in ``workdir``, importing that folder's own package."""
    start = time.perf_counter()
    environment = {**os.environ, "PYTHONPATH": str(workdir / "src")}
    command = [sys.executable, "-m", "snakemake", "--workflow-profile", "workflow/profiles/default", "--cores", "2"]
    subprocess.run([*command, *args], cwd=workdir, check=True, env=environment,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def stub_scripts(workdir: Path) -> None:
    for script in (workdir / "scripts").glob("*.py"):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        imports = [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        script.write_text(STUB.format(imports="\n".join(imports)), encoding="utf-8")


def stage_table(results: Path, since: float = 0.0) -> pd.DataFrame:
    """Per rule: jobs, sum of their wall times and the largest peak memory, from Snakemake's benchmark
    files (those written after ``since``, a time.time(): a rebuild's own jobs)."""
    rows = []
    for path in sorted((results / "benchmarks").glob("*.tsv")):
        if path.stat().st_mtime < since:
            continue
        frame = pd.read_csv(path, sep="\t")
        rule = path.stem.split("_20")[0].split("_19")[0]
        rows.append({"rule": rule, "seconds": frame["s"].iloc[0], "max_rss_mb": frame["max_rss"].iloc[0]})
    table = pd.DataFrame(rows)
    return table.groupby("rule").agg(jobs=("seconds", "size"), seconds=("seconds", "sum"),
                                     max_rss_mb=("max_rss_mb", "max")).sort_values("seconds", ascending=False)


def edit_one_workbook(workdir: Path, configfile: str | None) -> tuple[Path, bytes]:
    """Rewrite one yearbook cell, as a user fixing a typo would (in the copy's or the config's
    folder); return the workbook and its original bytes, to put back afterwards."""
    import yaml
    from openpyxl import load_workbook

    config = yaml.safe_load((workdir / "config.yaml").read_text(encoding="utf-8"))
    if configfile:
        config.update(yaml.safe_load(Path(configfile).read_text(encoding="utf-8")))
    folder = Path(config["inputs"]["yearbook"]["directory"])
    folder = folder if folder.is_absolute() else workdir / folder
    book = sorted(folder.glob("*.xlsx"))[len(list(folder.glob("*.xlsx"))) // 2]
    original = book.read_bytes()
    workbook = load_workbook(book)
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        if isinstance(row[2].value, (int, float)):
            row[2].value = row[2].value * 1.001
            break
    workbook.save(book)
    return book, original


def rebuild_after_edit(workdir: Path, configfile: str | None, extra: list[str]) -> tuple[float, pd.DataFrame]:
    """Time of the rebuild after one corrected cell and its jobs' stage table; the workbook is put
    back afterwards."""
    book, original = edit_one_workbook(workdir, configfile)
    start = time.time()
    try:
        return snakemake(workdir, *extra), stage_table(workdir / "results", since=start)
    finally:
        book.write_bytes(original)


def fresh(workdir: Path) -> None:
    """Forget every output and Snakemake's records, so the next run is a clean one."""
    for name in ("results", ".snakemake"):
        shutil.rmtree(workdir / name, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configfile", default=None, help="extra config file (e.g. the national one)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="measure everything this many times, interleaved; report the fastest (default 3)")
    parser.add_argument("--baseline", default=None, metavar="REV",
                        help="also time clean runs of the repository at this git revision (what a change costs)")
    args = parser.parse_args()
    extra = ["--configfile", args.configfile] if args.configfile else []
    times: dict[str, list[float]] = {"clean": [], "dry": [], "noop": [], "partial": [], "floor": [],
                                     "floor_partial": [], "baseline": []}
    stage_runs: list[pd.DataFrame] = []
    rebuild_stage_runs: list[pd.DataFrame] = []
    floor_stage_runs: list[pd.DataFrame] = []
    baseline_stage_runs: list[pd.DataFrame] = []
    with tempfile.TemporaryDirectory() as tmp:
        work, floor_dir = Path(tmp) / "repo", Path(tmp) / "floor"
        shutil.copytree(ROOT, work, ignore=IGNORE)
        shutil.copytree(ROOT, floor_dir, ignore=IGNORE)
        stub_scripts(floor_dir)
        baseline_dir = Path(tmp) / "baseline"
        if args.baseline:
            baseline_dir.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(baseline_dir)], input=archive, check=True)
        for _ in range(args.repeat):  # interleaved, so a slow spell of this shared machine hits all alike
            fresh(work)
            times["clean"].append(snakemake(work, *extra))
            stage_runs.append(stage_table(work / "results"))
            times["dry"].append(snakemake(work, "-n", *extra))
            times["noop"].append(snakemake(work, *extra))
            seconds, rebuilt = rebuild_after_edit(work, args.configfile, extra)
            times["partial"].append(seconds)
            rebuild_stage_runs.append(rebuilt)
            fresh(floor_dir)
            times["floor"].append(snakemake(floor_dir, *extra))
            floor_stage_runs.append(stage_table(floor_dir / "results"))
            times["floor_partial"].append(rebuild_after_edit(floor_dir, args.configfile, extra)[0])  # the DAG alone
            if args.baseline:
                fresh(baseline_dir)
                times["baseline"].append(snakemake(baseline_dir, *extra))
                baseline_stage_runs.append(stage_table(baseline_dir / "results"))
    best = {key: min(values) for key, values in times.items() if values}
    stages = stage_runs[times["clean"].index(best["clean"])]  # of the fastest clean run
    floor_stages = floor_stage_runs[times["floor"].index(best["floor"])]
    clean, dry, noop, partial, floor = (best[key] for key in ("clean", "dry", "noop", "partial", "floor"))
    print(f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores; "
          f"config: {args.configfile or 'config.yaml (demo)'}; fastest of {args.repeat} interleaved runs "
          f"(all runs in brackets); ratios of the fastest, then of each repeat's own runs")

    def runs(key: str) -> str:
        return "[" + ", ".join(f"{value:.1f}" for value in times[key]) + "]"

    def ratio(top: str, bottom: str, target: str) -> str:
        paired = ", ".join(f"{a / b:.2f}" for a, b in zip(times[top], times[bottom]))
        return f"{best[top] / best[bottom]:.2f}  (target {target}; run by run: {paired})"

    print(f"clean full run     {clean:7.1f} s   {runs('clean')}")
    print(f"dry run (done)     {dry:7.1f} s   {runs('dry')}")
    print(f"no-op rerun        {noop:7.1f} s   {runs('noop')}")
    print(f"partial rebuild    {partial:7.1f} s   {runs('partial')}")
    print(f"import-only floor  {floor:7.1f} s   {runs('floor')}")
    print(f"floor's rebuild    {best['floor_partial']:7.1f} s   {runs('floor_partial')}")
    print(f"no-op / dry run  = {ratio('noop', 'dry', '<= 2')}")
    print(f"partial / clean  = {ratio('partial', 'clean', '<= 0.5')}")
    print(f"clean / floor    = {ratio('clean', 'floor', '<= 1.3 for the demo')}")
    print(f"floor's rebuild / floor = {ratio('floor_partial', 'floor', 'none: the least the DAG allows')}")
    if args.baseline:
        print(f"clean run at {args.baseline}  {best['baseline']:7.1f} s   {runs('baseline')}")
        print(f"clean / clean at {args.baseline} = {ratio('clean', 'baseline', '<= 1.05 for the data checks')}")
    largest = max(run["max_rss_mb"].max() for run in stage_runs)
    print(f"largest job memory {largest:7.0f} MB (target < 2048; of all runs)")
    print("stages of the fastest clean run (sum of job wall times, largest job's peak memory) and of the "
          "fastest floor run:")
    stages["floor_seconds"] = floor_stages["seconds"]
    stages["above_floor"] = stages["seconds"] - stages["floor_seconds"]
    if args.baseline:  # the same stages in the baseline's fastest clean run
        stages[f"at_{args.baseline}"] = baseline_stage_runs[times["baseline"].index(best["baseline"])]["seconds"]
    print(stages.to_string(float_format=lambda v: f"{v:.1f}"))
    rebuilt = rebuild_stage_runs[times["partial"].index(best["partial"])]
    print(f"jobs of the fastest rebuild ({int(rebuilt['jobs'].sum())} jobs, {rebuilt['seconds'].sum():.1f} s of job "
          f"time in {best['partial']:.1f} s of wall time on 2 cores):")
    print(rebuilt.to_string(float_format=lambda v: f"{v:.1f}"))


if __name__ == "__main__":
    main()
