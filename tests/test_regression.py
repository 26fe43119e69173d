"""The demo run's key outputs against the reviewed values in tests/reviewed/demo_outputs.csv."""

import math

import pandas as pd

from reviewed_outputs import key_outputs


def test_key_demo_outputs_equal_the_reviewed_values(demo_run, root):
    reviewed = pd.read_csv(root / "tests" / "reviewed" / "demo_outputs.csv", dtype=str)
    fresh = key_outputs(demo_run / "results")
    assert fresh[["table", "key"]].values.tolist() == reviewed[["table", "key"]].values.tolist()
    changed = []
    for (table, key, old), new in zip(reviewed.values, fresh["value"]):
        try:
            same = math.isclose(float(old), float(new), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:  # tiers are words
            same = old == new
        if not same:
            changed.append(f"{table} {key}: reviewed {old}, now {new}")
    assert not changed, "published numbers changed (update tests/reviewed/ on purpose):\n" + "\n".join(changed)
