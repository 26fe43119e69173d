"""A readable summary of the cleaning decisions and of how much of the panel was imputed."""

from __future__ import annotations

import pandas as pd


def banner(dataset: dict) -> str:
    if dataset.get("synthetic", False):
        return (f"> **SYNTHETIC DATA** — dataset `{dataset.get('name', '')}` was made by the demo generator; "
                "its numbers are not statistics of any real city.\n")
    return f"Dataset: `{dataset.get('name', '')}`.\n"


def summary_markdown(log: pd.DataFrame, by_indicator: pd.DataFrame, by_city: pd.DataFrame, dataset: dict) -> str:
    """Markdown: counts of each cleaning action and note, the most imputed indicators and cities."""
    lines = ["# Data quality", "", banner(dataset)]
    cells = log[log["action"].isin(["repaired", "missing"])]
    lines += ["## Cells repaired or set missing", "",
              f"{int((cells['action'] == 'repaired').sum())} cells were repaired to a number and "
              f"{int((cells['action'] == 'missing').sum())} set missing (then imputed). Every one is listed with "
              "file, sheet and cell in `cleaning_log.csv`.", "", "| action | reason | cells |", "|---|---|---|"]
    for (action, note), count in cells.groupby(["action", "note"]).size().sort_index().items():
        lines.append(f"| {action} | {note} | {count} |")
    other = log[~log["action"].isin(["repaired", "missing"])]
    lines += ["", "## Other decisions", "", "| action | count | example |", "|---|---|---|"]
    for action, group in other.groupby("action", sort=True):
        example = group.iloc[0]
        text = f"{example['file']} {example['sheet']} {example['cell']}: {example['note']}".strip()
        lines.append(f"| {action} | {len(group)} | {text} |")
    lines += ["", "## Imputed cells by indicator", "", "| indicator | imputed | observed share |", "|---|---|---|"]
    for row in by_indicator.sort_values(["imputed", "indicator"], ascending=[False, True]).itertuples():
        lines.append(f"| {row.indicator} | {row.imputed} | {row.observed_share:.1%} |")
    lines += ["", "## Imputed cells by city", "", "| city | imputed | observed share |", "|---|---|---|"]
    for row in by_city.sort_values(["imputed", "admin_code"], ascending=[False, True]).itertuples():
        lines.append(f"| {row.admin_code} | {row.imputed} | {row.observed_share:.1%} |")
    return "\n".join(lines) + "\n"
