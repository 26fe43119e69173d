"""Every table a user reads names the dataset it was computed from."""

import pandas as pd

# results/ folders whose CSVs are outputs a user reads (the README's Outputs); the rest of
# results/ (extracts, PM2.5 means, the raw and standardised panels) are intermediates
USER_FOLDERS = ("index", "obstacles", "analysis", "reproduction")
USER_PANEL_TABLES = ("cleaning_log.csv", "imputation_causes.csv", "coverage_by_indicator.csv",
                     "coverage_by_city.csv")
INTERMEDIATE = {"index/standardised.csv"}


def test_every_user_facing_table_carries_the_dataset_label(demo_run):
    results = demo_run / "results"
    tables = [p for folder in USER_FOLDERS for p in sorted((results / folder).glob("*.csv"))]
    tables += [results / "panel" / name for name in USER_PANEL_TABLES]
    tables = [p for p in tables if str(p.relative_to(results)) not in INTERMEDIATE]
    assert len(tables) >= 25
    unlabelled = []
    for path in tables:
        frame = pd.read_csv(path, keep_default_na=False)
        if "dataset" not in frame.columns or set(frame["dataset"]) - {"demo-synthetic (SYNTHETIC)"} or frame.empty:
            unlabelled.append(str(path.relative_to(results)))
    assert unlabelled == []
