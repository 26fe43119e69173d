"""Measurement: false alarms and detection of the shifted-column check on the demo's editions.

Run on demand after a demo run (it reads results/extracted/yearbook_*.csv):
    python bench/bench_shift_check.py [--trials 200] [--swaps 1]

Prints (1) the findings on the clean extracts of every edition (false alarms; expected 0), (2) the
share of injected runs of 4-6 cities shifted by one row (random field, edition, place and direction)
that are found, and (3) the findings after swapping two adjacent cells (expected 0), with timings.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from urban_resilience.gate import checks


def load(results: Path) -> pd.DataFrame:
    paths = sorted(results.glob("extracted/yearbook_*.csv"))
    if not paths:
        raise SystemExit(f"no extracts under {results}/extracted: run the demo workflow first")
    frame = pd.concat([pd.read_csv(p, dtype={"admin_code": str}) for p in paths], ignore_index=True)
    frame = frame.dropna(subset=["value"])  # junk cells set missing: a run is placed where all cells have values
    return frame.assign(row=frame["cell"].str.extract(r"^[A-Z]+(\d+)$")[0].astype(int))


def moved(frame: pd.DataFrame, year: int, rows: list[int], direction: int) -> pd.DataFrame:
    """Cells of ``rows`` in ``year`` take the value of the row ``direction`` above (−1: below)."""
    frame = frame.copy()
    edition = frame["year"] == year
    before = frame[edition].set_index("row")["value"]
    for row in rows:
        frame.loc[edition & (frame["row"] == row), "value"] = before[row - direction]
    return frame


def main(trials: int, swaps: int, results: Path) -> None:
    frame = load(results)
    fields = sorted(frame["field"].unique())
    editions = sorted(frame["year"].unique())
    start = time.perf_counter()
    clean = checks.shift_findings(frame)
    elapsed = time.perf_counter() - start
    print(f"clean demo: {len(editions)} editions x {len(fields)} fields, {len(frame)} cells: "
          f"{len(clean)} finding(s) in {elapsed:.2f} s")
    rng = np.random.default_rng(0)
    found = tried = 0
    by_kind: dict[str, list[int]] = {}
    for trial in range(trials):
        field = fields[trial % len(fields)]
        year = int(rng.choice(editions))
        one = frame[frame["field"] == field]
        rows = set(one.loc[one["year"] == year, "row"])
        length, direction = int(rng.integers(4, 7)), int(rng.choice([1, -1]))
        starts = sorted(r for r in rows if all(r + k in rows for k in range(-1, length + 1)))
        if not starts:
            continue
        first = int(rng.choice(starts))
        hits = [f for f in checks.shift_findings(moved(one, year, list(range(first, first + length)), direction))
                if f.year == year]
        tried += 1
        found += bool(hits)
        by_kind.setdefault(field, []).append(bool(hits))
    print(f"injected runs of 4-6 cities: {found} of {tried} found ({found / max(tried, 1):.2f})")
    missed = {f: f"{sum(v)}/{len(v)}" for f, v in by_kind.items() if not all(v)}
    print(f"fields with misses (found/tried): {missed or 'none'}")
    fired = checked = 0
    for field in fields:
        one = frame[frame["field"] == field]
        for year in editions[::max(1, len(editions) // swaps)]:
            rows = sorted(one.loc[one["year"] == year, "row"])
            for row in rows:
                if row + 1 not in rows:
                    continue
                swapped = one.copy()
                upper = (one["year"] == year) & (one["row"] == row)
                lower = (one["year"] == year) & (one["row"] == row + 1)
                swapped.loc[upper, "value"] = one.loc[lower, "value"].to_numpy()
                swapped.loc[lower, "value"] = one.loc[upper, "value"].to_numpy()
                checked += 1
                fired += bool(checks.shift_findings(swapped))
    print(f"swaps of two adjacent cells: {fired} of {checked} reported")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--swaps", type=int, default=1, help="editions per field whose adjacent pairs are swapped")
    parser.add_argument("--results", type=Path, default=Path("results"))
    args = parser.parse_args()
    main(args.trials, args.swaps, args.results)
