"""What the cleaning did and why cells were imputed, for the user to read.

Every imputed indicator cell is traced to a cause: the raw cells its formula reads (``lag`` years
included) that are missing, each with its cleaning-log row — a junk or blank cell, a printed 0
meaning "not reported", a 0 that is impossible, a city row missing from a sheet, a row missing from
a side table — or, when every input is present, a division by 0 in the formula.
"""

from __future__ import annotations

import pandas as pd

from urban_resilience.core import formula

# cleaning-log action -> (cause code, how a reader is told)
CAUSES = {
    "missing": ("junk_cell", "a junk or blank cell"),
    "not_reported": ("zero_not_reported", "a printed 0 that means 'not reported'"),
    "impossible_zero": ("impossible_zero", "a printed 0 where 0 is impossible"),
    "row_missing": ("row_missing", "its row is missing from the sheet"),
    "side_row_missing": ("side_row_missing", "its row is missing from a side table"),
    "division_by_zero": ("division_by_zero", "the formula divides by 0"),
}
CAUSE_COLUMNS = ["admin_code", "year", "indicator", "cause", "field", "field_year", "file", "sheet", "cell", "note"]


def banner(dataset: dict) -> str:
    if dataset.get("synthetic", False):
        return (f"> **SYNTHETIC DATA** — dataset `{dataset.get('name', '')}` was made by the demo generator; "
                "its numbers are not statistics of any real city.\n")
    return f"Dataset: `{dataset.get('name', '')}`.\n"


def cause_of(action: str, note: str) -> str:
    """Cause code of a cleaning-log row that left a cell missing ("" if the row is no such row)."""
    if action == "missing" and str(note).startswith("0 stands for"):
        action = "not_reported"
    return CAUSES.get(action, ("", ""))[0]


def imputation_causes(imputed: pd.DataFrame, raw: pd.DataFrame, trees: dict, log: pd.DataFrame) -> pd.DataFrame:
    """One row per imputed indicator cell and cause (columns :data:`CAUSE_COLUMNS`).

    ``imputed``: boolean flags indexed (admin_code, year), a column per indicator; ``raw``: the raw
    panel, same index, a column per raw field; ``log``: every cleaning-log row. A cell whose missing
    inputs have no log row, or whose inputs are all present without a division by 0, gets the cause
    ``unexplained`` (a bug to report: nothing may be imputed without a reason).
    """
    log = log.assign(cause=[cause_of(a, n) for a, n in zip(log["action"], log["note"])])
    log = log[log["cause"] != ""].astype({"admin_code": str})
    by_key = {key: group.iloc[0] for key, group in log.groupby(["admin_code", "year", "field"], sort=False)}
    reads = {code: sorted(formula.field_lags(tree)) for code, tree in trees.items()}
    rows = []
    stacked = imputed.stack()
    for (city, year, indicator), flag in stacked[stacked].items():
        found = []
        for field, lag in reads[indicator]:
            key = (city, int(year) - lag)
            value = raw[field].get(key) if key in raw.index else None
            if value is None or pd.isna(value):
                entry = by_key.get((city, int(year) - lag, field))
                found.append(_cause_row(city, year, indicator, entry, field, int(year) - lag))
        if not found:
            found.append(_cause_row(city, year, indicator, by_key.get((city, int(year), indicator)), "", int(year)))
        rows += found
    return pd.DataFrame(rows, columns=CAUSE_COLUMNS).sort_values(["admin_code", "year", "indicator", "field"],
                                                                 kind="stable").reset_index(drop=True)


def _cause_row(city, year, indicator, entry, field, field_year) -> dict:
    if entry is None:
        return {"admin_code": city, "year": int(year), "indicator": indicator, "cause": "unexplained", "field": field,
                "field_year": field_year, "file": "", "sheet": "", "cell": "",
                "note": "missing without a cleaning-log row" if field else "no input missing and no division by 0"}
    return {"admin_code": city, "year": int(year), "indicator": indicator, "cause": entry["cause"], "field": field,
            "field_year": field_year, "file": entry["file"], "sheet": entry["sheet"], "cell": entry["cell"],
            "note": entry["note"]}


def cause_sentences(causes: pd.DataFrame, names: dict[str, str], limit: int = 10) -> list[str]:
    """Readable lines, most cells first, e.g. ``13 cells of 九江市 2010 filled: its row is missing from
    the sheet ('2-1 人口' of 中国城市统计年鉴2011.xlsx)``."""
    if causes.empty:
        return []
    groups = causes.groupby(["admin_code", "year", "cause", "file", "sheet"], sort=True, dropna=False)
    counted = groups["indicator"].nunique().sort_values(ascending=False, kind="stable")
    lines = []
    for (city, year, cause, file, sheet), count in counted.head(limit).items():
        where = f" ({sheet!r} of {file})" if sheet else f" ({file})" if file else ""
        text = dict(CAUSES.values()).get(cause, "no recorded cause — please report this")
        lines.append(f"{count} cell{'s' if count > 1 else ''} of {names.get(city, city)} {year} filled: {text}{where}")
    if len(counted) > limit:
        lines.append(f"… and {len(counted) - limit} more groups (results/panel/imputation_causes.csv)")
    return lines


def cause_counts(causes: pd.DataFrame) -> pd.Series:
    """Imputed indicator cells per cause (a cell with two causes counts for each)."""
    return causes.drop_duplicates(["admin_code", "year", "indicator", "cause"]).groupby("cause").size()


def summary_text(causes: pd.DataFrame, imputed_cells: int, names: dict[str, str]) -> str:
    """The few lines printed at the end of a run."""
    if imputed_cells == 0:
        return "Data quality: no indicator cell was imputed.\n"
    counts = ", ".join(f"{dict(CAUSES.values()).get(c, c)}: {n}" for c, n in cause_counts(causes).items())
    lines = [f"Data quality: {imputed_cells} indicator cells were imputed (by cause: {counts}).",
             *[f"  {line}" for line in cause_sentences(causes, names)],
             "  Details: results/panel/data_quality.md, cleaning_log.csv, imputation_causes.csv"]
    return "\n".join(lines) + "\n"


def summary_markdown(log: pd.DataFrame, by_indicator: pd.DataFrame, by_city: pd.DataFrame, dataset: dict,
                     causes: pd.DataFrame | None = None, names: dict[str, str] | None = None) -> str:
    """Markdown: why cells were imputed, counts of each cleaning action and note, the most imputed
    indicators and cities."""
    lines = ["# Data quality", "", banner(dataset)]
    if causes is not None:
        imputed = int(by_indicator["imputed"].sum())
        lines += ["## Why cells were imputed", "",
                  f"{imputed} indicator cells were filled by interpolation. Each is traced to the raw cells its "
                  "formula reads (`imputation_causes.csv`):", "", "| cause | indicator cells |", "|---|---|"]
        for cause, count in cause_counts(causes).items():
            lines.append(f"| {dict(CAUSES.values()).get(cause, cause)} | {count} |")
        lines += ["", *[f"- {line}" for line in cause_sentences(causes, names or {}, limit=25)], ""]
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
