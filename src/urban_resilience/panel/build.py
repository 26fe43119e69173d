"""From extracted raw fields and side tables to the interpolated indicator panel.

- :func:`assemble` joins the yearbook extracts, the side tables (HSR stations → stations open at
  year end; patents; exchange rates) and the PM2.5 zonal means into one city × year table of raw
  fields, and checks coverage, conflicts and magnitudes.
- :func:`derive` evaluates every indicator formula (lags reach into years before the panel).
- :func:`interpolate` fills gaps by the configured rule and flags every filled cell.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from urban_resilience.core import formula, tables
from urban_resilience.gate import inputs
from urban_resilience.readers.cells import LOG_COLUMNS, read_cell


class PanelError(ValueError):
    """Data that cannot be assembled or filled safely; the message names city, year and field."""


def hsr_counts(stations: pd.DataFrame, codes: list[str], years: list[int], year_end: str,
               source: str = "HSR station table") -> pd.DataFrame:
    """Stations open on ``year_end`` (MM-DD) of each year, per city.

    A row with ``station_cn`` and ``opened`` both empty says its city has no station (count 0); a
    configured city with no row at all is not covered by the table and raises :class:`PanelError`
    (the run checks this at start, see ``gate.inputs.check_station_coverage``).
    """
    none = (stations["station_cn"].astype(str).str.strip() == "") & (stations["opened"].astype(str).str.strip() == "")
    uncovered = sorted(set(codes) - set(stations["admin_code"].astype(str)))
    if uncovered:
        raise PanelError(f"{source}: no row for city(ies) {', '.join(uncovered)}; a city without stations needs a "
                         "row with station_cn and opened empty")
    stations = stations[~none]
    opened = pd.to_datetime(stations["opened"], format="%Y-%m-%d", errors="coerce")
    bad = stations.loc[opened.isna(), ["admin_code", "station_cn", "opened"]]
    if not bad.empty:
        row = bad.index[0]
        raise PanelError(f"{source}, row {row + 2} (city {bad.iloc[0]['admin_code']}, station "
                         f"{bad.iloc[0]['station_cn']}): opening date {bad.iloc[0]['opened']!r} is not a date "
                         "YYYY-MM-DD")
    table = pd.DataFrame({"admin_code": stations["admin_code"].astype(str), "opened": opened})
    rows = []
    for year in years:
        cutoff = pd.Timestamp(f"{year}-{year_end}")
        counts = table[table["opened"] <= cutoff].groupby("admin_code").size()
        rows += [{"admin_code": code, "year": year, "hsr_stations": float(counts.get(code, 0))} for code in codes]
    return pd.DataFrame(rows)


def read_city_year_table(table: pd.DataFrame, variants: list[str], field: str,
                         source: str) -> tuple[pd.DataFrame, list]:
    """A long city-year side table (codes, years and a value column named by one of ``variants``).

    Returns (admin_code, year, field) rows and cleaning-log rows for repaired or missing cells.
    """
    code_col = inputs.side_table_column(table.columns, inputs.CODE_COLUMNS)
    year_col = inputs.side_table_column(table.columns, inputs.YEAR_COLUMNS)
    value_col = inputs.side_table_column(table.columns, variants)
    for what, col, names in (("admin code", code_col, inputs.CODE_COLUMNS), ("year", year_col, inputs.YEAR_COLUMNS),
                             (field, value_col, variants)):
        if col is None:
            raise PanelError(f"{source}: no {what} column (expected one of {', '.join(names)}; "
                             f"found {', '.join(map(str, table.columns))})")
    try:
        codes = tables.normalise_codes(table[code_col], source)
    except tables.TableError as exc:
        raise PanelError(str(exc)) from None
    rows, log = [], []
    for line, (code, year, raw) in enumerate(zip(codes, table[year_col], table[value_col]), start=2):
        cell = read_cell(None if (isinstance(raw, float) and math.isnan(raw)) else raw, text_file=True)
        if cell.action != "ok":
            log.append({"file": source, "sheet": "", "cell": f"row {line}", "admin_code": code, "year": int(year),
                        "field": field, "written": "" if raw is None else str(raw), "action": cell.action,
                        "value": cell.value, "note": cell.note})
        rows.append({"admin_code": code, "year": int(year), field: cell.value})
    frame = pd.DataFrame(rows)
    duplicated = frame[frame.duplicated(["admin_code", "year"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise PanelError(f"{source}: city {first['admin_code']} year {first['year']} appears more than once")
    return frame, log


def read_exchange_rates(table: pd.DataFrame, years: list[int], source: str) -> pd.Series:
    """CNY per 100 USD by year from the exchange-rate table; every needed year exactly once, as a
    number. Anything else stops the run naming the file, row and year: one rate serves every city,
    so a guessed rate would move every city's FDI share."""
    for column in ("year", "cny_per_100usd"):
        if column not in table.columns:
            raise PanelError(f"{source}: no column {column!r} (found {', '.join(map(str, table.columns))})")
    rates: dict[int, float] = {}
    for line, (year_text, raw) in enumerate(zip(table["year"], table["cny_per_100usd"]), start=2):
        try:
            year = int(str(year_text).strip())
        except ValueError:
            raise PanelError(f"{source}, row {line}: year {year_text!r} is not a year") from None
        if year in rates:
            raise PanelError(f"{source}, row {line}: year {year} appears more than once")
        cell = read_cell(raw, text_file=True)
        if cell.action != "ok" or not cell.value > 0:
            raise PanelError(f"{source}, row {line} (year {year}): cny_per_100usd {raw!r} is not a positive number; "
                             "expected the annual average CNY per 100 USD, e.g. 827.70")
        rates[year] = cell.value
    missing = sorted(set(years) - set(rates))
    if missing:
        raise PanelError(f"{source}: no exchange rate for year(s) {missing}")
    return pd.Series(rates, name="cny_per_100usd").rename_axis("year")


def rates_panel(rates: pd.Series, codes: list[str], years: list[int]) -> pd.DataFrame:
    """The yearly rate repeated for every city (admin_code, year, cny_per_100usd)."""
    return pd.DataFrame([(code, year, rates[year]) for code in codes for year in years],
                        columns=["admin_code", "year", "cny_per_100usd"])


def check_city_codes(codes: pd.Series, known: set[str], source: str, label: pd.Series | None = None) -> None:
    """Every admin code of a side table must be a city's: a prefecture-level code of the GB/T 2260
    list or a unit of the city table (municipalities such as 110100 are units there). ``codes`` in
    file order (row 2 is the first data row); ``label`` names a row's item (e.g. the station)."""
    try:
        codes = tables.normalise_codes(codes, source)
    except tables.TableError as exc:
        raise PanelError(str(exc)) from None
    unknown = [(line, code) for line, code in enumerate(codes, start=2) if code not in known]
    if unknown:
        line, code = unknown[0]
        item = f" ({label.iloc[line - 2]})" if label is not None else ""
        raise PanelError(f"{source}, row {line}{item}: admin code {code} is not the code of a prefecture-level city "
                         f"or of the city table; its rows would be dropped ({len(unknown)} row(s) like this)")


def missing_side_rows(frame: pd.DataFrame, field: str, codes: list[str], years: list[int], source: str) -> list[dict]:
    """Log rows for configured city-years that a long side table has no row for."""
    present = set(zip(frame["admin_code"], frame["year"]))
    return [{"file": source, "sheet": "", "cell": "", "admin_code": code, "year": year, "field": field,
             "written": "", "action": "side_row_missing", "value": math.nan,
             "note": f"no row for city {code}, year {year} in {source}"}
            for code in codes for year in years if (code, year) not in present]


def assemble(yearbook: pd.DataFrame, extra: list[pd.DataFrame], codes: list[str], years: list[int],
             fields: list[str]) -> pd.DataFrame:
    """One row per configured city and raw year, one column per raw field (NaN where missing).

    ``yearbook`` is the long extract of all editions; ``extra`` are wide frames (admin_code, year,
    field columns) from side tables and rasters. A field given by two sources with different values
    is an error; so is a configured city or year absent from every source.
    """
    wide = yearbook.pivot_table(index=["admin_code", "year"], columns="field", values="value", aggfunc="first",
                                dropna=False)
    frames = [wide.reset_index()] + [frame for frame in extra]
    index = pd.MultiIndex.from_product([sorted(codes), years], names=["admin_code", "year"])
    panel = pd.DataFrame(index=index)
    sources: dict[str, int] = {}
    for number, frame in enumerate(frames):
        frame = frame[frame["admin_code"].isin(codes) & frame["year"].isin(years)].set_index(["admin_code", "year"])
        for column in frame.columns:
            values = frame[column].astype(float).reindex(index)
            if column in panel:
                both = panel[column].notna() & values.notna()
                differ = both & ~np.isclose(panel[column], values, rtol=1e-9)
                if differ.any():
                    code, year = differ[differ].index[0]
                    raise PanelError(f"field {column} for city {code}, year {year} comes from two sources with "
                                     f"conflicting values {panel.at[(code, year), column]:g} and "
                                     f"{values[(code, year)]:g}")
                panel[column] = panel[column].fillna(values)
            else:
                panel[column] = values
                sources[column] = number
    missing_fields = sorted(set(fields) - set(panel.columns))
    if missing_fields:
        raise PanelError(f"raw field(s) {', '.join(missing_fields)} come from no input")
    panel = panel[sorted(fields)]
    for code in codes:
        if panel.loc[code].isna().all().all():
            raise PanelError(f"city {code} is in the config but absent from every source")
    for year in years:
        if panel.xs(year, level="year").isna().all().all():
            raise PanelError(f"year {year} is needed but absent from every source")
    return panel


def derive(raw: pd.DataFrame, trees: dict, years: list[int], periods: dict | None = None) -> pd.DataFrame:
    """Evaluate every indicator formula on the raw panel; keep the panel ``years``.

    An indicator with a :class:`~urban_resilience.core.tables.FormulaPeriod` takes ``formula`` up to
    its ``until`` year and the substitute ``after`` formula for the later years (the start checks
    have stopped a run that needs later years of an indicator without a substitute)."""
    values = {code: formula.evaluate(tree, raw) for code, tree in trees.items()}
    year = raw.index.get_level_values("year")
    for code, period in (periods or {}).items():
        later = year > period.until
        if period.after is not None and later.any():
            values[code] = values[code].where(~later, formula.evaluate(period.after, raw))
    frame = pd.DataFrame(values, index=raw.index)
    return frame[frame.index.get_level_values("year").isin(years)]


def substitution_log(periods: dict, texts: dict[str, str], years: list[int]) -> pd.DataFrame:
    """Cleaning-log rows (action ``substitute_formula``), one per indicator and panel year computed
    with its substitute formula, so that the change of source is seen in the data-quality summary."""
    rows = [{"file": "", "sheet": "", "cell": "", "admin_code": "*", "year": year, "field": code, "written": "",
             "action": "substitute_formula", "value": math.nan,
             "note": f"{code} for {year} = {texts[code]} (its source ends after {period.until}: {period.reason})"}
            for code, period in periods.items() if period.after is not None
            for year in years if year > period.until]
    return pd.DataFrame(rows, columns=LOG_COLUMNS)


def division_log(raw: pd.DataFrame, trees: dict, texts: dict[str, str], years: list[int]) -> pd.DataFrame:
    """Cleaning-log rows (action ``division_by_zero``) for every panel cell of an indicator whose
    formula divides by an observed 0: such a cell is missing for that cause, not for a missing input."""
    rows = []
    for code, tree in trees.items():
        hit = formula.zero_divisions(tree, raw)
        hit = hit[hit & hit.index.get_level_values("year").isin(years)]
        rows += [{"file": "", "sheet": "", "cell": "", "admin_code": city, "year": int(year), "field": code,
                  "written": "", "action": "division_by_zero", "value": math.nan,
                  "note": f"{code} = {texts[code]} divides by 0 for city {city}, year {int(year)}"}
                 for city, year in hit.index]
    return pd.DataFrame(rows, columns=LOG_COLUMNS)


def fill_series(values: np.ndarray, ends: str, max_gap: int, bounds: tuple[float, float],
                interior: str = "linear") -> tuple[np.ndarray, str]:
    """Fill one yearly series. Returns (filled values, "" or a description of why it cannot be filled).

    Interior gaps: straight line between the observed neighbours (``linear``) or the nearest
    observed year's value, the earlier one on a tie (``nearest``). Ends: ``nearest_trend`` continues
    the line through the two nearest observed years (clipped to ``bounds``), ``nearest`` repeats the
    nearest observed value, ``none`` leaves them missing. Runs longer than ``max_gap`` are refused.
    """
    observed = np.flatnonzero(~np.isnan(values))
    if len(observed) == 0:
        return values, "no observed year"
    filled = values.copy()
    positions = np.arange(len(values))
    missing = np.isnan(values)
    runs = _runs(missing)
    for start, stop in runs:
        if stop - start > max_gap:
            return values, f"{stop - start} consecutive missing years (max_gap is {max_gap})"
    inner = (positions > observed[0]) & (positions < observed[-1]) & missing
    if interior == "nearest":
        nearest = np.abs(positions[inner][:, None] - observed[None, :]).argmin(axis=1)
        filled[inner] = values[observed[nearest]]
    else:
        filled[inner] = np.interp(positions[inner], observed, values[observed])
    outer = missing & ~inner
    if outer.any():
        if ends == "none":
            return values, "missing at the start or end and interpolation.ends is none"
        for side, anchor, second in ((positions < observed[0], observed[0], observed[1] if len(observed) > 1 else None),
                                     (positions > observed[-1], observed[-1],
                                      observed[-2] if len(observed) > 1 else None)):
            if not side.any():
                continue
            if ends == "nearest" or second is None:
                filled[side] = values[anchor]
            else:
                slope = (values[anchor] - values[second]) / (anchor - second)
                filled[side] = np.clip(values[anchor] + slope * (positions[side] - anchor), *bounds)
    return filled, ""


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, flag in enumerate(list(mask) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def interpolate(indicators: pd.DataFrame, units: dict[str, str], ends: str,
                max_gap: int, interior: str = "linear") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(filled panel, boolean imputed flags) of the same shape; raise naming city, indicator, years.

    Extrapolated ends are kept within [0, 100] for % indicators and at or above 0 for indicators
    whose observed values are never negative.
    """
    indicators = indicators.sort_index()
    codes = indicators.index.get_level_values("admin_code").unique()
    years = indicators.index.get_level_values("year").unique()
    if len(codes) * len(years) != len(indicators):
        raise PanelError("the indicator panel must have every configured year for every city")
    cube = indicators.to_numpy(dtype=float).reshape(len(codes), len(years), indicators.shape[1])
    result = cube.copy()
    problems = []
    for k, column in enumerate(indicators.columns):
        percent = units.get(column) == "%"
        for i, code in enumerate(codes):
            values = cube[i, :, k]
            if not np.isnan(values).any():
                continue
            observed = values[~np.isnan(values)]
            low = 0.0 if len(observed) and observed.min() >= 0 else -np.inf
            high = 100.0 if percent and len(observed) and observed.max() <= 100 else np.inf
            series, problem = fill_series(values, ends, max_gap, (low, high), interior)
            if problem:
                problems.append(f"city {code}, indicator {column}: {problem} "
                                f"(missing years {list(years[np.isnan(values)])})")
                continue
            result[i, :, k] = series
    filled = pd.DataFrame(result.reshape(len(indicators), -1), index=indicators.index, columns=indicators.columns)
    if problems:
        raise PanelError("cannot fill the indicator panel:\n  " + "\n  ".join(problems[:20])
                         + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""))
    imputed = indicators.isna() & filled.notna()
    return filled, imputed


def median_for_long_gaps(indicators: pd.DataFrame, longer_than: int) -> pd.DataFrame:
    """Cells in runs of more than ``longer_than`` missing years of a city's series get the year's
    median of the indicator over the cities observed that year (cross-sectional median
    substitution); shorter runs stay missing for :func:`interpolate`."""
    indicators = indicators.sort_index()
    medians = indicators.groupby(level="year").median()
    result = indicators.copy()
    for column in indicators.columns:
        for code, series in indicators[column].groupby(level="admin_code", sort=False):
            for start, stop in _runs(series.isna().to_numpy()):
                if stop - start > longer_than:
                    years = series.index.get_level_values("year")[start:stop]
                    result.loc[series.index[start:stop], column] = medians.loc[years, column].to_numpy()
    return result


def impute(indicators: pd.DataFrame, units: dict[str, str], method: str, ends: str, max_gap: int,
           short_max_gap: int) -> pd.DataFrame:
    """The panel filled by one imputation alternative of the robustness stage: ``linear`` (the
    configured rule: linear inside, ``ends`` at the ends), ``nearest`` (the nearest observed year
    inside and at the ends) or ``short_gaps`` (the configured rule for runs of at most
    ``short_max_gap`` years, the year's median over the cities for longer runs)."""
    if method == "nearest":
        return interpolate(indicators, units, "nearest", max_gap, interior="nearest")[0]
    if method == "short_gaps":
        indicators = median_for_long_gaps(indicators, short_max_gap)
    return interpolate(indicators, units, ends, max_gap)[0]


def coverage(imputed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of observed (not imputed) cells per indicator and per city."""
    by_indicator = pd.DataFrame({"cells": len(imputed), "imputed": imputed.sum(axis=0).astype(int)})
    by_indicator["observed_share"] = 1 - by_indicator["imputed"] / by_indicator["cells"]
    per_city = imputed.groupby(level="admin_code").agg(["sum", "count"])
    by_city = pd.DataFrame({
        "cells": per_city.xs("count", axis=1, level=1).sum(axis=1).astype(int),
        "imputed": per_city.xs("sum", axis=1, level=1).sum(axis=1).astype(int),
    })
    by_city["observed_share"] = 1 - by_city["imputed"] / by_city["cells"]
    return by_indicator.rename_axis("indicator").reset_index(), by_city.reset_index()


PRECEDENCE = ("yearbook", "panel")


def combine_yearbook_and_panel(yearbook: pd.DataFrame, panel: pd.DataFrame | None,
                               precedence: str = "yearbook") -> tuple[pd.DataFrame, list[dict]]:
    """One long table (one row per city, year and field) from the yearbook extracts and a compiled panel.

    The precedence rule (``inputs.panel.precedence``): where both sources give a number for the same
    city, year and field, the ``precedence`` source's number is kept; if the two differ
    (relative difference above 1e-9) the other is overridden, with a ``source_override`` log row
    showing both. Where one source has no number (no row, or a missing cell) the other's number is
    taken; if the source without a number had a row for it (a missing cell), a ``source_fill`` log
    row says so. ``panel`` None: the yearbook extracts unchanged.
    """
    if precedence not in PRECEDENCE:
        raise PanelError(f"inputs.panel.precedence is {precedence!r}; expected yearbook or panel")
    if panel is None or panel.empty:
        return yearbook, []
    yearbook, panel = _text_places(yearbook), _text_places(panel)
    if yearbook.empty:
        return panel, []
    first, second = (yearbook, panel) if precedence == "yearbook" else (panel, yearbook)
    key = ["admin_code", "year", "field"]
    both = first.merge(second, on=key, how="outer", suffixes=("", "_other"), indicator=True)
    has_first, has_second = both["value"].notna(), both["value_other"].notna()
    take_second = ~has_first & has_second
    shared = both["_merge"].eq("both")
    differ = shared & has_first & has_second & ~np.isclose(both["value"], both["value_other"], rtol=1e-9, atol=0)
    other = "panel" if precedence == "yearbook" else "yearbook"
    log = []
    for row in both[differ | (shared & take_second)].itertuples(index=False):
        kept, dropped = (row.value_other, row.value) if pd.isna(row.value) else (row.value, row.value_other)
        source = other if pd.isna(row.value) else precedence
        where = f"{row.file} {row.sheet + ' ' if row.sheet else ''}{row.cell}".strip()
        where_other = f"{row.file_other} {row.sheet_other + ' ' if row.sheet_other else ''}{row.cell_other}".strip()
        if pd.isna(row.value):
            log.append({"file": row.file_other, "sheet": row.sheet_other, "cell": row.cell_other,
                        "admin_code": row.admin_code, "year": int(row.year), "field": row.field, "written": "",
                        "action": "source_fill", "value": kept,
                        "note": f"{precedence} has no number ({where}); {other} value {kept:g} ({where_other}) used"})
        else:
            log.append({"file": row.file, "sheet": row.sheet, "cell": row.cell, "admin_code": row.admin_code,
                        "year": int(row.year), "field": row.field, "written": f"{dropped:g}",
                        "action": "source_override", "value": kept,
                        "note": f"{source} value {kept:g} ({where}) kept over {other} value {dropped:g} "
                                f"({where_other}) by inputs.panel.precedence: {precedence}"})
    columns = [c for c in first.columns if c in yearbook.columns]
    chosen = both.copy()
    for column in columns:
        if column not in key and f"{column}_other" in chosen:
            chosen[column] = chosen[column].where(~take_second & chosen["_merge"].ne("right_only"),
                                                  chosen[f"{column}_other"])
    combined = chosen[columns].sort_values(key, kind="stable").reset_index(drop=True)
    return combined, log


def _text_places(long: pd.DataFrame) -> pd.DataFrame:
    """file, sheet and cell as text ("" where empty: read back from CSV, an empty place is NaN)."""
    return long.assign(**{c: long[c].astype(object).where(long[c].notna(), "") for c in ("file", "sheet", "cell")})


def empty_long(columns: list[str]) -> pd.DataFrame:
    """A long table without rows (no yearbook editions configured)."""
    return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "year") else object) for c in columns})
