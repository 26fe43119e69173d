"""Plausibility checks between extraction and the panel: values that cannot be right stop the run.

Notation: for one raw field, ``L[c, y] = log10(value)`` of city c in data year y (positive values
only). Cities grow together, so each year's common level is removed first:

- the common change between two years is the median over cities of ``L[c, a] − L[c, b]``
  (only cities observed in both years), ``D[a, b]``;
- the year effect ``T[a]`` is the mean over b of ``D[a, b]`` (the least-squares solution of
  ``T[a] − T[b] ≈ D[a, b]``); with fewer than :data:`MIN_CITIES_FOR_TREND` cities ``T = 0``;
- the detrended series is ``Z[c, y] = L[c, y] − T[y]``.

With ``f = checks.magnitude_factor`` (default 5) and ``h = log10(f)``:

- **single-year slip** (a 千/万 or 亿/万 mix-up in one cell): ``|Z[c, y] − median(Z[c, y'])| ≥ h``
  over up to three observed years y' on each side;
- **lasting level break** (a wrong unit from one edition on): for a first changed year s,
  ``|median(Z[c, s…s+2]) − median(Z[c, s−3…s−1])| ≥ h`` — the largest such step is reported with
  the first changed edition and both levels; a series with a break is not also reported year by year;
- **edition-wide slip or break** (every city's value ×10 in one edition or from one on, e.g. a
  PM2.5 grid in other units): the same two tests on ``T`` itself, less its median year-to-year change;
- **percent printed as a fraction**: a percent value in (0, 1] where the same city's neighbouring
  years (or, lacking them, the other cities that year) have a median of 10 or more.

Two more checks (sections below; docs/data-checks.md):

- **absolute range**: ``min_plausible ≤ value ≤ max_plausible`` of the raw field or indicator
  table; catches a scale error shared by every city and year (a grid ×10, a rate per 1 USD), which
  the tests above, being relative, and pooled min-max standardisation cannot see;
- **shifted column**: three or more adjacent cells of one column, in sheet order, each holding what
  the series of the city in the row above (or below) expects rather than its own.

Every finding names file, sheet, cell, city, year, field, the printed value and what was expected.
A finding listed in the known-breaks table (city or ``*``, field, first year) is accepted and
logged instead: real breaks (a boundary change, a statistical reform) never need a check switched
off.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_CITIES_FOR_TREND = 5
NEIGHBOURS = 3  # observed years on each side used as the reference


class DataCheckError(ValueError):
    """Input values that cannot be right; the message lists every finding with its place."""


@dataclass(frozen=True)
class Finding:
    """One implausible value or level break."""

    admin_code: str  # "*" for every city (an edition-wide finding)
    field: str
    year: int  # the year of the value, or the first changed year of a break
    message: str
    cities: tuple[str, ...] = ()  # every city of a finding about several cells (a shifted column)


class KnownBreaks:
    """The allow-list ``resources/known_breaks.csv``: admin_code (or ``*``), field, first_year, reason."""

    COLUMNS = ["admin_code", "field", "first_year", "reason"]

    def __init__(self, table: pd.DataFrame | None = None, source: str = "known breaks table"):
        table = pd.DataFrame(columns=self.COLUMNS) if table is None else table
        missing = [c for c in self.COLUMNS if c not in table.columns]
        if missing:
            raise DataCheckError(f"{source}: missing column(s) {', '.join(missing)}; "
                                 f"expected {', '.join(self.COLUMNS)}")
        self.reasons: dict[tuple[str, str, int], str] = {}
        for line, row in enumerate(table.itertuples(index=False), start=2):
            try:
                year = int(str(row.first_year).strip())
            except ValueError:
                raise DataCheckError(f"{source}, row {line}: first_year {row.first_year!r} is not a year") from None
            if not str(row.reason).strip():
                raise DataCheckError(f"{source}, row {line}: give the reason the break is real")
            key = (str(row.admin_code).strip(), str(row.field).strip(), year)
            if key in self.reasons:
                raise DataCheckError(f"{source}, row {line}: {key} is listed twice")
            self.reasons[key] = str(row.reason).strip()

    @classmethod
    def read(cls, path: str) -> "KnownBreaks":
        return cls(pd.read_csv(path, dtype=str, keep_default_na=False, comment="#"), path)

    def reason(self, admin_code: str, field: str, year: int) -> str | None:
        """The reason if the finding (city, field, year) is accepted, else None."""
        return self.reasons.get((admin_code, field, year)) or self.reasons.get(("*", field, year))

    def split(self, findings: list[Finding]) -> tuple[list[Finding], list[tuple[Finding, str]]]:
        """(findings that stop the run, accepted findings with their reasons)."""
        errors, accepted = [], []
        for finding in findings:
            reason = self.reason(finding.admin_code, finding.field, finding.year)
            if reason is None:
                errors.append(finding)
            else:
                accepted.append((finding, reason))
        return errors, accepted


def finding_lines(findings: list[Finding], limit: int) -> str:
    """The messages of the first ``limit`` findings, one an indented line, and how many more."""
    lines = [f"  {f.message}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … and {len(findings) - limit} more")
    return "\n".join(lines)


def raise_findings(findings: list[Finding], what: str, limit: int = 20) -> None:
    """Stop the run listing the findings (at most ``limit``) and how to accept a real break."""
    if not findings:
        return
    raise DataCheckError(f"{len(findings)} implausible value(s) in {what}:\n" + finding_lines(findings, limit)
                         + "\nFix the input (a copy of the file), or, if a break is real (a boundary change, a "
                         "statistical reform), list it in the known-breaks table (admin_code, field, first_year, "
                         "reason).")


def year_effects(logs: np.ndarray, min_cities: int = MIN_CITIES_FOR_TREND) -> np.ndarray:
    """``T`` of the module docstring for one field: ``logs`` is cities × years (NaN = missing)."""
    years = logs.shape[1]
    if logs.shape[0] < min_cities:
        return np.zeros(years)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # year pairs without common cities
        pairwise = np.nanmedian(logs[:, :, None] - logs[:, None, :], axis=0)  # D[a, b]
        counts = (~np.isnan(logs[:, :, None] - logs[:, None, :])).sum(axis=0)
        pairwise[counts < min_cities] = np.nan
        effects = np.nanmean(pairwise, axis=1)
    return np.nan_to_num(effects, nan=0.0)


def _neighbour_median(series: np.ndarray, position: int, before: int, after: int) -> float:
    """Median of up to ``before`` observed values left of ``position`` and ``after`` right of it."""
    left = series[:position][~np.isnan(series[:position])][-before:] if before else np.array([])
    right = series[position + 1:][~np.isnan(series[position + 1:])][:after] if after else np.array([])
    both = np.concatenate([left, right])
    return float(np.median(both)) if len(both) else math.nan


def level_break(series: np.ndarray, threshold: float) -> tuple[int, float, float] | None:
    """The largest lasting step of a detrended log series: (first changed position, median level
    before, median level after), or None.

    A step at observed position k needs at least two observed years on each side, ``|median(after) −
    median(before)| ≥ threshold`` over up to three years each side, and the two years at the step to
    sit on their own sides (the value at k is ``threshold`` away from the level before, the value
    before k is ``threshold`` away from the level after), so that the first changed year is named,
    not a year next to it.
    """
    observed = np.flatnonzero(~np.isnan(series))
    best = None
    for k in range(2, len(observed) - 1):
        before = float(np.median(series[observed[max(0, k - NEIGHBOURS):k]]))
        after_values = series[observed[k:k + NEIGHBOURS]]
        if len(after_values) < 2:
            continue
        after = float(np.median(after_values))
        step = after - before
        at_step = (abs(series[observed[k]] - before) >= threshold
                   and abs(series[observed[k - 1]] - after) >= threshold)
        if abs(step) >= threshold and at_step and (best is None or abs(step) > abs(best[2] - best[1])):
            best = (int(observed[k]), before, after)
    return best


def slips(series: np.ndarray, threshold: float) -> list[tuple[int, float]]:
    """Single observed years whose detrended log value is ``threshold`` or more from the median of
    up to three observed neighbours on each side: [(position, that median)]."""
    found = []
    if (~np.isnan(series)).sum() < 3:
        return found
    for position in np.flatnonzero(~np.isnan(series)):
        reference = _neighbour_median(series, position, NEIGHBOURS, NEIGHBOURS)
        if not math.isnan(reference) and abs(series[position] - reference) >= threshold:
            found.append((int(position), reference))
    return found


def _pack(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's observed values moved to the front, in year order (NaN after them), and the
    positions (year columns) they came from: neighbours are observed years, not calendar years."""
    order = np.argsort(np.isnan(values), axis=1, kind="stable")
    return np.take_along_axis(values, order, axis=1), order


def _shift(packed: np.ndarray, offset: int) -> np.ndarray:
    """``packed`` moved so that column k holds column k + offset (NaN where that is outside)."""
    out = np.full_like(packed, np.nan)
    if offset > 0:
        out[:, :-offset] = packed[:, offset:]
    elif offset < 0:
        out[:, -offset:] = packed[:, :offset]
    else:
        out[:] = packed
    return out


def _nanmedian(stack: list[np.ndarray]) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: no reference
        return np.nanmedian(np.stack(stack), axis=0)


def series_findings(detrended: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`level_break` and :func:`slips` for every row of ``detrended`` (cities × years) at once.

    Returns (break position per row or −1, break levels before/after per row (rows × 2), boolean
    slip flags and their references as a (rows × years × 2) array of [flag, reference]).
    """
    packed, order = _pack(detrended)
    rows, width = packed.shape
    length = (~np.isnan(packed)).sum(axis=1)
    position = np.arange(width)[None, :]
    # single-year slips: up to NEIGHBOURS observed values on each side
    reference = _nanmedian([_shift(packed, o) for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o])
    slip = (length[:, None] >= 3) & (position < length[:, None]) & (np.abs(packed - reference) >= threshold)
    # lasting breaks at packed position k: levels of up to three years before and from k on
    before = _nanmedian([_shift(packed, -o) for o in range(1, NEIGHBOURS + 1)])
    after = _nanmedian([_shift(packed, o) for o in range(NEIGHBOURS)])
    step = after - before
    valid = (position >= 2) & (position + 1 < length[:, None])
    at_step = (np.abs(packed - before) >= threshold) & (np.abs(_shift(packed, -1) - after) >= threshold)
    candidate = valid & at_step & (np.abs(step) >= threshold)
    size = np.where(candidate, np.abs(step), -1.0)
    best = size.argmax(axis=1)
    has_break = size[np.arange(rows), best] >= 0
    break_at = np.where(has_break, order[np.arange(rows), best], -1)
    levels = np.stack([before[np.arange(rows), best], after[np.arange(rows), best]], axis=1)
    flags = np.zeros(detrended.shape + (2,))
    rows_idx, cols = np.nonzero(slip)
    flags[rows_idx, order[rows_idx, cols], 0] = 1.0
    flags[rows_idx, order[rows_idx, cols], 1] = reference[rows_idx, cols]
    return break_at, levels, flags


def magnitude_findings(long: pd.DataFrame, factor: float, edition_offset: int = 1,
                       describe=None) -> list[Finding]:
    """Single-year slips and lasting level breaks, per city and edition-wide (module docstring).

    ``long``: admin_code, year, field, value and the place columns file, sheet, cell. ``describe``
    names a year's source (default: the edition ``year + edition_offset``).
    """
    describe = describe or (lambda year: f"edition {year + edition_offset}")
    threshold = math.log10(factor)
    observed = long[long["value"] > 0]
    findings: list[Finding] = []
    for field, rows in observed.groupby("field", sort=True):
        table = rows.pivot_table(index="admin_code", columns="year", values="value", aggfunc="first")
        years = [int(y) for y in table.columns]
        logs = np.log10(table.to_numpy(dtype=float))
        effects = year_effects(logs)
        findings += _edition_findings(field, effects, years, factor, threshold, rows, describe)
        break_at, levels, flags = series_findings(logs - effects[None, :], threshold)
        if not ((break_at >= 0).any() or flags[..., 0].any()):
            continue
        places = rows.set_index(["admin_code", "year"])
        for i, code in enumerate(table.index):
            if break_at[i] >= 0:
                position = int(break_at[i])
                before, after = levels[i]
                year = years[position]
                findings.append(Finding(code, field, year, (
                    f"city {code}, field {field}: a lasting level break from data year {year} ({describe(year)}"
                    f"{_place(places, code, year)}) on: values are {10 ** (after - before):.3g} times the earlier "
                    f"level (about {10 ** (after + effects[position]):.4g} where "
                    f"{10 ** (before + effects[position]):.4g} was expected); typical cause a wrong unit from this "
                    "edition on")))
                continue
            for position in np.flatnonzero(flags[i, :, 0]):
                year = years[position]
                expected = 10 ** (flags[i, position, 1] + effects[position])
                value = 10 ** logs[i, position]
                findings.append(Finding(code, field, year, (
                    f"{_place(places, code, year).lstrip(', ') or describe(year)}: city {code}, year {year}, field "
                    f"{field}: {value:.6g} is {value / expected:.3g} times what the city's neighbouring years "
                    f"and the other cities' trend give (about {expected:.4g}); expected within a factor of "
                    f"{factor:g} — a unit slip such as 千/万 or 亿/万?")))
    return findings


def _edition_findings(field, effects, years, factor, threshold, rows, describe) -> list[Finding]:
    """Slips and breaks of the year effect T: every city's value changed together. T carries the
    common growth, so it is judged after removing its median year-to-year change (else a break's
    factor would include the growth between the windows before and after it)."""
    if not effects.any():
        return []
    slope = float(np.median(np.diff(effects))) if len(effects) > 1 else 0.0
    effects = effects - slope * np.arange(len(effects))
    step = level_break(effects, threshold)
    if step is not None:
        position, before, after = step
        year = years[position]
        return [Finding("*", field, year, (
            f"field {field}: every city's value changes by a factor of {10 ** (after - before):.3g} from data year "
            f"{year} ({describe(year)}{_first_place(rows, year)}) on; typical cause a wrong unit in that edition's "
            "header"))]
    return [Finding("*", field, years[position], (
        f"field {field}, data year {years[position]} ({describe(years[position])}"
        f"{_first_place(rows, years[position])}): every city's value is {10 ** (effects[position] - reference):.3g} "
        f"times what the neighbouring years give; expected within a factor of {factor:g} — a unit slip in the "
        "whole table?")) for position, reference in slips(effects, threshold)]


def _where(row: pd.Series, with_cell: bool = True) -> str:
    """``, file, sheet 'x', cell C5`` of one long-table row (sheet and cell only where known)."""
    sheet = f", sheet {row['sheet']!r}" if str(row.get("sheet", "") or "") else ""
    cell = f", cell {row['cell']}" if with_cell and str(row.get("cell", "") or "") else ""
    return f", {row['file']}{sheet}{cell}"


def _place(places: pd.DataFrame, code: str, year: int) -> str:
    """Where the value of city ``code`` in ``year`` was printed ("" if nowhere)."""
    try:
        row = places.loc[(code, year)]
    except KeyError:
        return ""
    return _where(row.iloc[0] if isinstance(row, pd.DataFrame) else row)


def _first_place(rows: pd.DataFrame, year: int) -> str:
    """The file and sheet of the first value printed for ``year`` (an edition-wide finding)."""
    same = rows[rows["year"] == year]
    return "" if same.empty else _where(same.iloc[0], with_cell=False)


def fraction_findings(long: pd.DataFrame) -> list[Finding]:
    """Percent values printed as fractions (0.3871 for 38.71): a value in (0, 1] whose reference —
    the median of up to three observed years on each side of the same city, or the other cities'
    median that year when the city has fewer than two such years — is 10 or more."""
    findings: list[Finding] = []
    for field, rows in long.dropna(subset=["value"]).groupby("field", sort=True):
        table = rows.pivot_table(index="admin_code", columns="year", values="value", aggfunc="first")
        values = table.to_numpy(dtype=float)
        years = [int(y) for y in table.columns]
        places = rows.set_index(["admin_code", "year"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            year_median = np.nanmedian(values, axis=0)
        for i, j in zip(*np.nonzero((values > 0) & (values <= 1))):
            series = values[i]
            own = np.concatenate([series[:j][~np.isnan(series[:j])][-NEIGHBOURS:],
                                  series[j + 1:][~np.isnan(series[j + 1:])][:NEIGHBOURS]])
            reference = float(np.median(own)) if len(own) >= 2 else float(year_median[j])
            if reference >= 10:
                code, year = table.index[i], years[j]
                findings.append(Finding(code, field, year, (
                    f"{_place(places, code, year).lstrip(', ')}: city {code}, year {year}, field {field}: "
                    f"{values[i, j]:g} "
                    f"looks like a fraction printed for a percentage (expected about {reference:.4g} %, e.g. "
                    f"{values[i, j] * 100:.4g})")))
    return findings


def accepted_log(accepted: list[tuple[Finding, str]], source: str = "") -> list[dict]:
    """Cleaning-log rows for findings the known-breaks table accepts."""
    return [{"file": source, "sheet": "", "cell": "", "admin_code": f.admin_code, "year": f.year, "field": f.field,
             "written": "", "action": "accepted_finding", "value": math.nan,
             "note": f"{f.message} — accepted: {reason}"} for f, reason in accepted]


def check_raw(sources: list[tuple[pd.DataFrame, str]], kinds: dict[str, str], factor: float,
              known_breaks: KnownBreaks, edition_offset: int = 1) -> list[dict]:
    """Run the shifted-column, magnitude and percent checks over every long source and stop on any
    finding that the known-breaks table does not accept; return the log rows of the accepted ones.
    A magnitude finding of a cell that a shifted column explains is left out.

    ``sources``: (long table, what it is) — ``"yearbook"`` (places are editions) or a file name
    (a side table or PM2.5 grids, whose long table names each value's file).
    """
    findings: list[Finding] = []
    for long, what in sources:
        describe = None if what == "yearbook" else (lambda year, what=what: what)
        sized = long[long["field"].map(kinds).isin(["amount", "count", "rate"])]
        shifted = shift_findings(long[long["field"].map(kinds).isin(["amount", "count", "rate", "percent"])],
                                 edition_offset, describe)
        explained = {(code, f.field, f.year) for f in shifted for code in f.cities}  # named once, as a shift
        findings += shifted + [f for f in magnitude_findings(sized, factor, edition_offset, describe)
                               if (f.admin_code, f.field, f.year) not in explained]
        findings += fraction_findings(long[long["field"].map(kinds).eq("percent")])
    errors, accepted = known_breaks.split(findings)
    raise_findings(errors, "the raw inputs")
    return accepted_log(accepted)


# --- absolute plausible ranges ------------------------------------------------------------------


@dataclass(frozen=True)
class PlausibleRange:
    """``low ≤ value ≤ high`` (either bound may be absent: ±inf) in ``unit``, and where it comes from."""

    low: float
    high: float
    unit: str
    source: str

    def text(self) -> str:
        """``2–200 µg/m³`` (a missing bound printed as "no lower/upper bound")."""
        low = "no lower bound" if math.isinf(self.low) else f"{self.low:g}"
        high = "no upper bound" if math.isinf(self.high) else f"{self.high:g}"
        return f"{low}–{high} {self.unit}".rstrip()


RANGE_LIST_LIMIT = 5  # values listed one by one; more of one field are summarised


def plausible_ranges(table: pd.DataFrame, key: str, source: str = "reference table") -> dict[str, PlausibleRange]:
    """``{field or indicator code: PlausibleRange}`` from the columns min_plausible, max_plausible,
    unit and range_source of the raw field or indicator table; rows with neither bound have no range.
    A minimum above the maximum stops the run naming the row."""
    if "min_plausible" not in table and "max_plausible" not in table:
        return {}
    ranges = {}
    for line, row in enumerate(table.to_dict("records"), start=2):
        low, high = (_bound(row.get(column), default) for column, default in
                     (("min_plausible", -math.inf), ("max_plausible", math.inf)))
        if math.isinf(low) and math.isinf(high):
            continue
        if low > high:
            raise DataCheckError(f"{source}, row {line} ({row[key]}): min_plausible {low:g} is above "
                                 f"max_plausible {high:g}")
        ranges[str(row[key])] = PlausibleRange(low, high, str(row.get("unit", "") or ""),
                                               str(row.get("range_source", "") or "").strip())
    return ranges


def _bound(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def range_findings(long: pd.DataFrame, ranges: dict[str, PlausibleRange], name: str = "field") -> list[Finding]:
    """Values outside their field's plausible range: ``value < low`` or ``value > high``.

    ``long``: admin_code, year, field, value and where known file, sheet, cell (``name`` is how the
    message calls the field: field or indicator). Up to :data:`RANGE_LIST_LIMIT` values of a field
    are listed one by one, unless they look like a scale error (below); more are one finding: how
    many of the values (of the cities, for one grid) of the files they lie in, their extremes, the
    worst three places and the likely cause — a scale error in a whole source (a wrong unit, a grid
    read ×10, a rate per 1 USD instead of per 100 USD).

    Scale factor of the files ``F`` holding the values outside: with ``v_F[c]`` the median of city
    c's values in ``F`` and ``v_O[c]`` its median in the field's other files,
    ``r = median_c(v_F[c] / v_O[c])`` over cities with positive values in both; ``r`` within a
    factor :data:`SCALE_TOLERANCE` of a power of ten ``10^k`` (k ≠ 0) is reported as "about 10^k
    times the same cities' values in the other files", and makes even one value outside a scale
    finding.
    """
    findings: list[Finding] = []
    known = long[long["field"].isin(list(ranges)) & long["value"].notna()]
    if "file" not in known:
        known = known.assign(file="")
    for field, rows in known.groupby("field", sort=True):
        bounds = ranges[field]
        outside = rows[(rows["value"] < bounds.low) | (rows["value"] > bounds.high)]
        if outside.empty:
            continue
        outside = outside.sort_values(["year", "admin_code"], kind="stable")
        unit = f" {bounds.unit}" if bounds.unit else ""
        why = f" ({bounds.source})" if bounds.source else ""

        def one(row) -> str:
            return (f"{_where(row).lstrip(', ') or 'no file'}: city {row['admin_code']}, year {int(row['year'])}, "
                    f"{name} {field}: {row['value']:.6g}{unit}")

        files = sorted(outside["file"].astype(str).unique())
        scale = scale_factor(rows, files)
        if len(outside) <= RANGE_LIST_LIMIT and scale is None:
            findings += [Finding(str(row["admin_code"]), field, int(row["year"]),
                                 f"{one(row)} is outside the plausible range {bounds.text()}{why}")
                         for _, row in outside.iterrows()]
            continue
        within = rows[rows["file"].astype(str).isin(files)]
        above, below = int((outside["value"] > bounds.high).sum()), int((outside["value"] < bounds.low).sum())
        sides = " and ".join(part for part in (f"{above} above the maximum" if above else "",
                                               f"{below} below the minimum" if below else "") if part)
        years = sorted(outside["year"].astype(int).unique())
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
        when = f"{'year' if len(years) == 1 else 'years'} {span}"
        cities = outside["admin_code"].nunique()
        one_grid = len(files) == 1 and len(years) == 1 and not within.duplicated(["admin_code", "year"]).any()
        if one_grid:  # one value per city: "3 of 5 cities in g.tif (year 2015)"
            count = (f"{len(outside)} of {len(within)} {'city' if len(within) == 1 else 'cities'} in {files[0]} "
                     f"({when})")
        else:
            who = (str(outside["admin_code"].iloc[0]) if cities == 1
                   and not str(outside["admin_code"].iloc[0]).isdigit()
                   else f"{cities} {'city' if cities == 1 else 'cities'}")  # "all cities": one value a year
            where, detail = _files_text(files)
            count = f"{len(outside)} of {len(within)} values in {where} ({detail}{who}, {when})"
        worst = "; ".join((f"city {row['admin_code']}: {row['value']:.6g}{unit}" if one_grid else one(row))
                          for _, row in _worst(outside, bounds).head(3).iterrows())  # one grid: named once
        these = "this file" if len(files) == 1 else "these files"
        holds = "holds" if len(files) == 1 else "hold"
        cause = (f"{these} {holds} about {_times(scale)} the same cities' values in the other files: a scale "
                 f"factor or a unit error in {these} (values stored ×10 or in a tenth of the unit, a scale factor "
                 "not applied or applied twice)?" if scale is not None else
                 "a scale error in the whole source (a wrong unit, a grid read ×10, a rate per 1 USD instead of per "
                 "100 USD)?")
        findings.append(Finding("*", field, int(years[0]), (
            f"{name} {field}: {count} {'is' if len(outside) == 1 else 'are'} outside the plausible range "
            f"{bounds.text()}{why}: {sides}, from {outside['value'].min():.4g} to {outside['value'].max():.4g}{unit}; "
            f"the worst: {worst} — {cause}")))
    return findings


SCALE_TOLERANCE = 1.5  # a ratio within ×/÷ 1.5 of a power of ten (k ≠ 0) reads as a scale factor 10^k


def scale_factor(rows: pd.DataFrame, files: list[str]) -> int | None:
    """``k`` when the values of ``files`` are about ``10^k`` (k ≠ 0) times the same cities' values in
    the field's other files (``rows``: one field's long table), else None (no other file, no common
    city with positive values, or a ratio that is not near a power of ten)."""
    inside = rows["file"].astype(str).isin(files)
    positive = rows["value"] > 0
    these = rows[inside & positive].groupby("admin_code")["value"].median()
    others = rows[~inside & positive].groupby("admin_code")["value"].median()
    common = these.index.intersection(others.index)
    if common.empty:
        return None
    exponent = math.log10(float((these[common] / others[common]).median()))
    k = round(exponent)
    return k if k != 0 and abs(exponent - k) <= math.log10(SCALE_TOLERANCE) else None


def _times(k: int) -> str:
    """``10 times`` for k = 1, ``1/100 of`` for k = −2."""
    return f"{10 ** k:g} times" if k > 0 else f"1/{10 ** -k:g} of"


def _files_text(files: list[str]) -> tuple[str, str]:
    """(``a.tif`` or ``a.tif and b.tif``, "") or (``3 files``, ``a.tif … c.tif; ``); "no file" for
    values without one."""
    files = [f or "no file" for f in files]
    if len(files) <= 2:
        return " and ".join(files), ""
    return f"{len(files)} files", f"{files[0]} … {files[-1]}; "


def _worst(outside: pd.DataFrame, bounds: PlausibleRange) -> pd.DataFrame:
    """Values outside the range, the farthest first: by ``value / high`` above the maximum and by
    ``low / value`` below the minimum (absolute distance where a bound is not positive)."""
    value = outside["value"].astype(float)

    def beyond(side: pd.Series, bound: float, above: bool) -> pd.Series:
        if bound > 0 and (side > 0).all():
            return side / bound if above else bound / side
        return side - bound if above else bound - side

    distance = pd.Series(0.0, index=outside.index)
    up, down = value > bounds.high, value < bounds.low
    distance[up] = beyond(value[up], bounds.high, True)
    distance[down] = beyond(value[down], bounds.low, False)
    return outside.assign(_d=distance).sort_values("_d", ascending=False, kind="stable").drop(columns="_d")


def raise_range_findings(findings: list[Finding], what: str, table: str, limit: int = 20) -> None:
    """Stop the run listing values outside their plausible ranges and what to do."""
    if not findings:
        return
    raise DataCheckError(f"{len(findings)} value(s) outside the plausible range in {what}:\n"
                         + finding_lines(findings, limit)
                         + f"\nFix the input (a copy of the file); if a value is real, widen min_plausible or "
                         f"max_plausible of its row in {table} and give the reason in range_source.")


def check_ranges(sources: list[pd.DataFrame], ranges: dict[str, PlausibleRange], what: str, table: str,
                 name: str = "field") -> None:
    """:func:`range_findings` over long tables (admin_code, year, field, value, file, sheet, cell);
    stop on any value outside its range."""
    findings = [f for long in sources for f in range_findings(long, ranges, name)]
    raise_range_findings(findings, what, table)


def as_long(frame: pd.DataFrame, field: str, file: str) -> pd.DataFrame:
    """A side table's values (columns admin_code, year and ``field``) as a long table for the checks:
    field, value, file; no sheet or cell."""
    return frame[["admin_code", "year", field]].rename(columns={field: "value"}).assign(field=field, file=file,
                                                                                        sheet="", cell="")


def indicator_long(frame: pd.DataFrame, formulas: dict[str, str], source: str) -> pd.DataFrame:
    """A derived indicator panel (index admin_code, year; one column per indicator) as a long table
    for :func:`check_ranges`; each value's place is ``source`` and the indicator's formula."""
    long = frame.rename_axis(["admin_code", "year"]).reset_index().melt(
        id_vars=["admin_code", "year"], var_name="field", value_name="value")
    formula = long["field"].map(lambda code: f" ({code} = {formulas[code]})" if code in formulas else "")
    return long.assign(file=source + formula, sheet="", cell="")


# --- a column slipped by one row ----------------------------------------------------------------
#
# For one field, ``E[c, y] = T[y] + median of up to three observed Z[c, y'] on each side of y`` (y
# itself left out) is what city c's own series expects in year y, and ``σ`` is 1.4826 × the median of
# ``|L − E|`` over the field (the field's own noise). In one column of one sheet, in sheet order, a
# cell at row r holding city c is *shifted down* when its value fits the city in row r − 1 and not
# its own: ``|L − E[row r−1]| ≤ m`` and ``|L − E[c]| ≥ |L − E[row r−1]| + m`` with the margin
# ``m = max(3σ, log10 1.2)``; *shifted up* likewise with row r + 1. A run of adjacent rows with at
# least :data:`MIN_SHIFTED_ROWS` shifted cells, and in between only cells that fit the neighbour's
# series too (``|L − E[row r∓1]| ≤ m``, but their own not clearly worse: cities too alike to tell)
# or have no value (a junk or blank cell), is a finding.

MIN_SHIFTED_ROWS = 3
SHIFT_SIGMAS = 3.0
MIN_SHIFT_MARGIN = math.log10(1.2)
_CELL = r"^([A-Z]+)(\d+)$|^row (\d+)$"


def expected_logs(logs: np.ndarray, effects: np.ndarray) -> np.ndarray:
    """``E`` (see above): cities × years, also for the years a city was not observed (then of up
    to three observed years on each side); NaN for a city without observed years."""
    detrended = logs - effects[None, :]
    packed, order = _pack(detrended)
    reference = _nanmedian([_shift(packed, o) for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o])
    expected = np.full(logs.shape, np.nan)
    rows, cols = np.nonzero(~np.isnan(packed))
    expected[rows, order[rows, cols]] = reference[rows, cols]
    for row, col in zip(*np.nonzero(np.isnan(logs))):
        expected[row, col] = _neighbour_median(detrended[row], col, NEIGHBOURS, NEIGHBOURS)
    return expected + effects[None, :]


def shifted_runs(levels: np.ndarray, own: np.ndarray, above: np.ndarray, below: np.ndarray,
                 margin: float) -> list[tuple[int, int, str]]:
    """Runs of shifted cells in one column, in sheet order: (first, last index, "down" or "up").

    ``levels`` are the cells' log values, ``own`` what each cell's city expects, ``above``/``below``
    what the city of the adjacent row above/below expects (NaN where there is no adjacent row)."""
    runs = []
    with np.errstate(invalid="ignore"):
        d_own = np.abs(levels - own)
        for direction, neighbour in (("down", above), ("up", below)):
            d_next = np.abs(levels - neighbour)
            shifted = (d_next <= margin) & (d_own >= d_next + margin)
            # fits the neighbour, but its own series not clearly worse; or no value (a junk cell)
            unclear = (d_next <= margin) | np.isnan(levels)
            start, count = None, 0
            for i in range(len(levels) + 1):
                if i < len(levels) and shifted[i]:
                    start = i if start is None else start
                    count, last = count + 1, i
                elif i < len(levels) and unclear[i] and start is not None:
                    continue
                else:
                    if start is not None and count >= MIN_SHIFTED_ROWS:
                        runs.append((start, last, direction))
                    start, count = None, 0
    return runs


def shift_findings(long: pd.DataFrame, edition_offset: int = 1, describe=None) -> list[Finding]:
    """Runs of cells in one column of one sheet that hold the values of the adjacent row's city
    (module section above). ``long``: admin_code, year, field, value, file, sheet, cell (``C12`` or
    ``row 12``); values without a cell are not checked. One finding per run, keyed on its first
    city, naming file, sheet, column, cells, cities, printed and expected values. ``describe`` names
    a year's source (default: the edition ``year + edition_offset``)."""
    describe = describe or (lambda year: f"edition {year + edition_offset}")
    findings: list[Finding] = []
    texts = long["cell"].astype(str)
    unique = pd.Series(texts.unique())
    parsed = unique.str.extract(_CELL).set_axis(unique)  # cell texts repeat over fields and years
    placed = long.assign(column=texts.map(parsed[0]).fillna("").to_numpy(),
                         row=pd.to_numeric(texts.map(parsed[1].fillna(parsed[2]))).to_numpy())
    placed = placed[placed["row"].notna().to_numpy()]  # cells without a value keep their rows' cities
    for field, rows in placed.groupby("field", sort=True):
        positive = rows[(rows["value"] > 0).to_numpy()]
        table = positive.pivot_table(index="admin_code", columns="year", values="value", aggfunc="first")
        if table.shape[1] < 3:
            continue
        logs = np.log10(table.to_numpy(dtype=float))
        effects = year_effects(logs)
        expected = pd.DataFrame(expected_logs(logs, effects), index=table.index, columns=table.columns)
        residual = np.abs(logs - expected.to_numpy())
        sigma = 1.4826 * float(np.nanmedian(residual)) if np.isfinite(residual).any() else 0.0
        margin = max(SHIFT_SIGMAS * sigma, MIN_SHIFT_MARGIN)
        key = ["file", "sheet", "column", "year"]
        values = rows["value"].to_numpy(dtype=float)
        cells = rows.assign(level=np.log10(np.where(values > 0, values, np.nan)))
        cells = cells.drop_duplicates(key + ["row"]).sort_values(key + ["row"], kind="stable")
        stacked = expected.stack()
        cells["own"] = stacked.reindex(pd.MultiIndex.from_arrays([cells["admin_code"], cells["year"]])).to_numpy()
        # cells are in sheet order within each column: the adjacent row is the previous/next cell
        # when it has the same place and its row number differs by one
        column = cells.groupby(key, sort=False).ngroup().to_numpy()
        rows_ = cells["row"].to_numpy()
        own_ = cells["own"].to_numpy()
        for side, step in (("above", 1), ("below", -1)):
            neighbour = np.roll(np.arange(len(cells)), step)
            adjacent = (column[neighbour] == column) & (rows_[neighbour] == rows_ - step)
            cells[side] = np.where(adjacent, own_[neighbour], np.nan)
        with np.errstate(invalid="ignore"):
            d_own = np.abs(cells["level"] - cells["own"])
            shifted = ((np.abs(cells["level"] - cells["above"]) + margin <= d_own)
                       | (np.abs(cells["level"] - cells["below"]) + margin <= d_own))
        candidates = cells[shifted].groupby(key).size()
        for place_key in candidates[candidates >= MIN_SHIFTED_ROWS].index:
            group = cells.set_index(key).loc[place_key].reset_index()
            year = int(place_key[3])
            own, above, below = (group[c].to_numpy() for c in ("own", "above", "below"))
            for first, last, direction in shifted_runs(group["level"].to_numpy(), own, above, below, margin):
                findings.append(_shift_finding(field, year, group.iloc[first:last + 1], own[first:last + 1],
                                               (above if direction == "down" else below)[first:last + 1],
                                               direction, describe))
    return findings


def _about(x: float) -> str:
    """Four significant digits, without an exponent below 10^15 (14297.6 -> 14300)."""
    if not math.isfinite(x) or abs(x) < 9999.5 or abs(x) >= 1e15:
        return f"{x:.4g}"
    return f"{round(x, 3 - math.floor(math.log10(abs(x)))):.0f}"


def _shift_finding(field, year, run, own, neighbour, direction, describe) -> Finding:
    first = run.iloc[0]
    codes = list(run["admin_code"])
    label = first["cell"] if str(first["cell"]).startswith("row") else f"{first['column']}{first['row']}"
    end = run.iloc[-1]
    last = end["cell"] if str(end["cell"]).startswith("row") else f"{end['column']}{end['row']}"
    side = "above" if direction == "down" else "below"
    sheet = f", sheet {first['sheet']!r}" if str(first.get("sheet", "") or "") else ""
    column = f", column {first['column']}" if first["column"] else ""
    printed = [("no value" if not v > 0 else f"{v:.0f}" if 1e6 <= v < 1e15 and v == round(v) else f"{v:.6g}")
               for v in run["value"]]
    details = "; ".join(
        f"{cell['cell']} city {cell['admin_code']}: {text} (its own series about {_about(10 ** o)}, "
        f"the row {side} about {_about(10 ** n)})"
        for (_, cell), text, o, n in zip(run.iterrows(), printed, own, neighbour))
    return Finding(codes[0], field, year, (
        f"{first['file']}{sheet}{column}, cells {label}–{last}: field {field}, data year {year} "
        f"({describe(year)}): {len(run)} cities in a row ({', '.join(codes)}) each hold the value of the city "
        f"in the row {side} — the column looks shifted {direction} by one row: {details}. Expected each city's own "
        f"value; fix the cells, or, if the values are right, list city {codes[0]}, field {field}, first_year {year} "
        "in the known-breaks table"), tuple(codes))
