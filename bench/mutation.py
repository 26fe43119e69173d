"""Mutation testing of the scientific core with mutmut, on demand.

    pip install mutmut==3.8.1 && python bench/mutation.py [--only index/composite.py gate/checks.py]

Runs mutmut (configured in pyproject.toml: the modules under [tool.mutmut] only_mutate, tested with
the fast suite) in a temporary copy of the repository, so that no ``mutants/`` folder is left in
the work tree, then prints per module: mutants, killed, survived, without tests, and the killed
share of the mutants that have tests. Surviving mutants are listed; each is either killed by a new
test that pins a value, or documented as equivalent in the README's development section.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".snakemake", "results", ".venv", "__pycache__", "*.egg-info",
                                ".pytest_cache", ".hypothesis", "mutants")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None,
                        help="module files under src/urban_resilience/ to mutate, e.g. index/composite.py "
                             "(default: the config's)")
    args = parser.parse_args()
    mutmut = [sys.executable, "-m", "mutmut"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "repo"
        shutil.copytree(ROOT, work, ignore=IGNORE)
        if args.only:
            config = (work / "pyproject.toml").read_text(encoding="utf-8")
            listed = ", ".join(f'"src/urban_resilience/{name}"' for name in args.only)
            config = re.sub(r"only_mutate = \[[^\]]*\]", f"only_mutate = [{listed}]", config)
            (work / "pyproject.toml").write_text(config, encoding="utf-8")
        subprocess.run([*mutmut, "run"], cwd=work, stdout=subprocess.DEVNULL, check=False)
        results = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, capture_output=True,
                                 text=True).stdout
    counts: dict[str, Counter] = {}
    survivors = []
    for line in results.splitlines():
        match = re.match(r"\s*urban_resilience\.(\S+)\.([^.\s]+__mutmut_\d+): (.+)$", line)
        if not match:
            continue
        module, mutant, status = match.groups()
        counts.setdefault(module, Counter())[status] += 1
        if status == "survived":
            survivors.append(f"{module}.{mutant}")
    print(f"{'module':24s} {'mutants':>8s} {'killed':>7s} {'survived':>9s} {'no tests':>9s} {'killed %':>9s}")
    total = Counter()
    for module, count in sorted(counts.items()):
        total += count
        tested = sum(count.values()) - count["no tests"]
        print(f"{module:24s} {sum(count.values()):8d} {count['killed']:7d} {count['survived']:9d} "
              f"{count['no tests']:9d} {100 * count['killed'] / max(tested, 1):8.1f}%")
    tested = sum(total.values()) - total["no tests"]
    print(f"{'all':14s} {sum(total.values()):8d} {total['killed']:7d} {total['survived']:9d} "
          f"{total['no tests']:9d} {100 * total['killed'] / max(tested, 1):8.1f}%")
    print("survivors:", *survivors, sep="\n  ")


if __name__ == "__main__":
    main()
