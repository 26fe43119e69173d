"""Benchmark: the whole index (standardise, entropy weights, scores, obstacle degrees and ranks)
on a national-size random panel of 370 cities x 17 years x 31 indicators.

Run on demand: python bench/bench_index.py. Prints wall times of each step in the same run and
the ratio of the whole to the one-second budget.
"""

import time

import numpy as np
import pandas as pd

from urban_resilience.core.vocabulary import DIMENSIONS
from urban_resilience.index import composite


def main(cities: int = 370, years: int = 17, indicators: int = 31, repeats: int = 5) -> None:
    rng = np.random.default_rng(0)
    idx = pd.MultiIndex.from_product([[f"{i:06d}" for i in range(cities)], range(2003, 2003 + years)],
                                     names=["admin_code", "year"])
    codes = [f"x{j + 1}" for j in range(indicators)]
    panel = pd.DataFrame(rng.lognormal(size=(len(idx), indicators)), index=idx, columns=codes)
    directions = {c: "-" if j in (6, 7, 8) else "+" for j, c in enumerate(codes)}
    dimensions = {c: DIMENSIONS[j % 5] for j, c in enumerate(codes)}
    timings: dict[str, list[float]] = {}
    for _ in range(repeats):
        start = time.perf_counter()
        standardised, _ = composite.standardise_pooled(panel, directions)
        t1 = time.perf_counter()
        summary, by_year = composite.weight_vectors(standardised, "entropy_pooled", 0.0001)
        t2 = time.perf_counter()
        composite.scores(standardised, by_year, dimensions)
        t3 = time.perf_counter()
        degrees = composite.obstacle_degrees(standardised, by_year)
        t4 = time.perf_counter()
        composite.top_factor_frequency(composite.obstacle_ranks(degrees), 5)
        t5 = time.perf_counter()
        for name, value in (("standardise", t1 - start), ("weights", t2 - t1), ("scores", t3 - t2),
                            ("obstacles", t4 - t3), ("ranks+top5", t5 - t4), ("total", t5 - start)):
            timings.setdefault(name, []).append(value)
    print(f"panel: {cities} cities x {years} years x {indicators} indicators ({len(idx)} rows); best of {repeats}")
    for name, values in timings.items():
        print(f"  {name:12s} {min(values) * 1000:8.1f} ms")
    print(f"total / 1 s budget = {min(timings['total']):.3f}")


if __name__ == "__main__":
    main()
