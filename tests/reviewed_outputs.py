"""Key demo outputs pinned to reviewed values: a change of a published number must be a decision.

``tests/reviewed/demo_outputs.csv`` holds, for a demo run, every indicator weight, the mean total and
dimension scores of the study area in the first, middle and last year, the three capitals' totals
in those years, every city's 2019 tier and the 2019 primacy of each province. ``test_regression.py``
compares a fresh demo run with it. After a deliberate change (a method fix, a new demo dataset),
rewrite it from a finished demo run and commit the diff with the reason:

    python tests/reviewed_outputs.py <repository with results/>
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

YEARS = (2003, 2011, 2019)
CAPITALS = ("420100", "430100", "360100")
MEASURES = ("economic", "ecological", "social", "infrastructure", "institutional", "total")


def key_outputs(results: Path) -> pd.DataFrame:
    """(table, key, value) rows of the pinned outputs of the run in ``results``."""
    read = lambda *parts: pd.read_csv(results.joinpath(*parts), dtype={"admin_code": str})  # noqa: E731
    rows = [("weights", code, weight) for code, weight in read("index", "weights.csv")[["code", "weight"]].values]
    means = read("analysis", "means_by_year.csv")
    means = means[means["group"] == "study area"].set_index("year")
    rows += [("mean", f"{measure} {year}", means.at[year, measure]) for year in YEARS for measure in MEASURES]
    scores = read("index", "scores.csv").set_index(["admin_code", "year"])
    rows += [("total", f"{code} {year}", scores.at[(code, year), "total"]) for code in CAPITALS for year in YEARS]
    tiers = read("analysis", "tiers.csv")
    rows += [("tier 2019", code, tier) for code, tier in tiers[tiers["year"] == 2019][["admin_code", "tier"]].values]
    primacy = read("analysis", "primacy.csv")
    rows += [("primacy 2019", province, value)
             for province, value in primacy[primacy["year"] == 2019][["province_en", "primacy"]].values]
    return pd.DataFrame(rows, columns=["table", "key", "value"]).astype({"value": str})


if __name__ == "__main__":
    target = Path(__file__).parent / "reviewed" / "demo_outputs.csv"
    key_outputs(Path(sys.argv[1]) / "results").to_csv(target, index=False, lineterminator="\n")
    print(f"wrote {target}; review the diff before committing it")
