"""The reference tables that drive the workflow: indicators, raw fields, cities, units.

Each table is a CSV under ``resources/`` with a JSON schema in ``workflow/schemas/`` (checked by
``snakemake.utils.validate`` in the Snakefile). This module reads them with fixed dtypes and does
the checks a per-row schema cannot: unique keys, formulas that parse and name known fields,
aliases that point to one city only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from urban_resilience.core import formula
from urban_resilience.core.names import city_key


class TableError(ValueError):
    """A reference table that is inconsistent; the message names the file, row and column."""


def read_indicators(path: str | Path) -> pd.DataFrame:
    """Indicator table: one row per indicator (code, dimension, names, unit, direction, formula …)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if "paper_weight" in table:
        table["paper_weight"] = pd.to_numeric(table["paper_weight"].replace("", None))
    return _plausible_bounds(table)


def read_raw_fields(path: str | Path) -> pd.DataFrame:
    """Raw field table: every field a formula may use, with header variants, unit and scope."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in ("zero_means_missing", "zero_possible"):
        if column in table:
            table[column] = table[column].str.lower().eq("true")
    return _plausible_bounds(table)


def _plausible_bounds(table: pd.DataFrame) -> pd.DataFrame:
    """``min_plausible`` and ``max_plausible`` as numbers (empty = no bound; text that is not a number
    stays text, for the schema check to name its row)."""
    for column in ("min_plausible", "max_plausible"):
        if column in table:
            numbers = pd.to_numeric(table[column].replace("", None), errors="coerce")
            table[column] = numbers.astype(object).where(numbers.notna() | table[column].eq(""), table[column])
    return table


def read_cities(path: str | Path) -> pd.DataFrame:
    """City table; ``admin_code`` (6 digits, as text) is the key everywhere."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    table["capital"] = table["capital"].str.lower().eq("true")
    return table


def read_units(path: str | Path) -> pd.DataFrame:
    """Units table: unit, dimension and factor to the dimension's base unit."""
    table = pd.read_csv(path, dtype={"unit": str, "dimension": str, "aliases": str}, keep_default_na=False)
    table["factor"] = table["factor"].astype(float)
    return table


def read_known_breaks(path: str | Path) -> pd.DataFrame:
    """Known-breaks table: admin_code (or ``*``), field, first_year, reason — all text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def parse_formulas(indicators: pd.DataFrame, raw_fields: pd.DataFrame, source: str = "indicator table") -> dict:
    """Parse every indicator's formula; return ``{code: tree}``.

    Raises :class:`TableError` naming the indicator if a formula is not allowed or uses a field
    that the raw field table does not define.
    """
    known = set(raw_fields["field"])
    trees = {}
    for row_number, row in enumerate(indicators.itertuples(index=False), start=2):
        try:
            trees[row.code] = formula.parse(row.formula, known)
        except formula.FormulaError as exc:
            raise TableError(f"{source}, row {row_number} (indicator {row.code}), column formula: {exc}") from None
    return trees


@dataclass(frozen=True)
class FormulaPeriod:
    """An indicator whose formula holds only up to a data year (its source ends or changes)."""

    until: int  # last data year of the indicator's `formula`
    after: object | None  # parsed `formula_after` for the later years, or None: no substitute
    reason: str


def parse_formula_periods(indicators: pd.DataFrame, raw_fields: pd.DataFrame,
                          source: str = "indicator table") -> dict[str, FormulaPeriod]:
    """``{code: FormulaPeriod}`` of the indicators with a ``formula_until`` year."""
    if "formula_until" not in indicators:
        return {}
    known, periods = set(raw_fields["field"]), {}
    for row_number, row in enumerate(indicators.itertuples(index=False), start=2):
        if not row.formula_until:
            continue
        after = None
        if row.formula_after.strip():
            try:
                after = formula.parse(row.formula_after, known)
            except formula.FormulaError as exc:
                raise TableError(f"{source}, row {row_number} (indicator {row.code}), column formula_after: "
                                 f"{exc}") from None
        periods[row.code] = FormulaPeriod(int(row.formula_until), after, row.until_reason)
    return periods


def every_formula(trees: dict, periods: dict[str, FormulaPeriod]) -> dict:
    """The indicator formulas and their substitutes (keys ``code`` and ``code after YEAR``)."""
    later = {f"{code} after {p.until}": p.after for code, p in periods.items() if p.after is not None}
    return {**trees, **later}


def check_formula_periods(periods: dict[str, FormulaPeriod], indicators: pd.DataFrame, last_year: int,
                          source: str) -> None:
    """Stop when the panel runs past the end of an indicator's source and no substitute is given."""
    ended = {code: p for code, p in periods.items() if p.after is None and p.until < last_year}
    if not ended:
        return
    names = dict(zip(indicators["code"], indicators["name_cn"]))
    lines = []
    for code in [c for c in indicators["code"] if c in ended]:
        first = ended[code].until + 1
        years = str(first) if first == last_year else f"{first}-{last_year}"
        lines.append(f"  {code} ({names[code]}): no source after {ended[code].until} ({ended[code].reason}); "
                     f"missing years {years}")
    earliest = min(p.until for p in ended.values())
    raise TableError(f"{source}: years.last is {last_year}, but {len(ended)} indicator(s) have no formula for the "
                     "later years:\n" + "\n".join(lines) + f"\nSet years.last to {earliest}, "
                     "or give each a substitute formula in the column formula_after (for example the same ratio "
                     "over a resident-population field added to the raw field table); see docs/your-data.md.")


def check_unique(table: pd.DataFrame, column: str, source: str) -> None:
    """Raise if ``column`` has duplicate values, naming the first duplicate and its rows."""
    duplicated = table[column][table[column].duplicated(keep=False)]
    if not duplicated.empty:
        value = duplicated.iloc[0]
        rows = [i + 2 for i in duplicated.index[duplicated == value]]
        raise TableError(f"{source}: {column} {value!r} appears more than once (rows {rows})")


def check_tables(
    indicators: pd.DataFrame, raw_fields: pd.DataFrame, cities: pd.DataFrame, units: pd.DataFrame
) -> dict:
    """Cross-table checks the per-row schemas cannot do; returns the parsed formulas."""
    check_unique(indicators, "code", "indicator table")
    check_unique(raw_fields, "field", "raw field table")
    check_unique(cities, "admin_code", "city table")
    unknown_units = sorted(set(raw_fields["unit"]) - set(units["unit"]))
    if unknown_units:
        raise TableError(f"raw field table: unit(s) {unknown_units} are not in the units table")
    build_alias_map(cities)
    return parse_formulas(indicators, raw_fields)


def raw_fields_needed(trees: dict) -> list[str]:
    """Sorted raw fields that the indicator formulas read."""
    return sorted(set().union(*(formula.fields_of(t) for t in trees.values())))


def divisor_fields(trees: dict) -> set[str]:
    """Raw fields that some indicator formula divides by (a printed 0 there is impossible)."""
    return set().union(*(formula.denominator_fields(t) for t in trees.values()))


def years_needed(first: int, last: int, trees: dict) -> list[int]:
    """Data years the raw inputs must cover: the panel years plus the years lags reach back to."""
    lag = max((formula.max_lag(t) for t in trees.values()), default=0)
    return list(range(first - lag, last + 1))


def normalise_codes(values: pd.Series, source: str) -> pd.Series:
    """Admin codes given as int, float (420100.0) or text → 6-digit text; 4-digit 4201 → 420100."""
    text = values.astype(str).str.strip().str.replace(r"\.0+$", "", regex=True)
    text = text.where(text.str.len() != 4, text + "00")
    bad = text[~text.str.fullmatch(r"[1-8]\d{5}")]
    if not bad.empty:
        raise TableError(f"{source}: {bad.iloc[0]!r} is not a 6-digit admin code")
    return text


def dataset_label(dataset: dict) -> str:
    """Label written into every user-facing table, e.g. ``demo-synthetic (SYNTHETIC)``."""
    name = str(dataset.get("name", ""))
    return f"{name} (SYNTHETIC)" if dataset.get("synthetic", False) else name


def first_year_needed(trees: dict, field: str, first: int) -> int:
    """Earliest data year of raw ``field`` that the formulas reading it need."""
    lags = [formula.max_lag(t) for t in trees.values() if field in formula.fields_of(t)]
    return first - max(lags, default=0)


def build_alias_map(cities: pd.DataFrame) -> dict[str, str]:
    """Map every official name and alias (as :func:`city_key`) to its admin code.

    Raises :class:`TableError` if one name would point to two cities.
    """
    mapping: dict[str, str] = {}
    for row in cities.itertuples(index=False):
        names = [row.name_cn] + [a for a in row.aliases.split("|") if a.strip()]
        for name in names:
            key = city_key(name)
            if mapping.get(key, row.admin_code) != row.admin_code:
                raise TableError(f"city table: name or alias {name!r} is used for {mapping[key]} and {row.admin_code}")
            mapping[key] = row.admin_code
    return mapping
