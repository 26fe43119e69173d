"""Chinese place names to admin codes, through the city table and the GB/T 2260 code history.

A study area is named the way people write it (成都, 重庆市, 襄樊 …); the workflow joins on 6-digit
admin codes. :func:`resolve` turns one name into one code or refuses with the reason and the
candidates:

- a name (with or without 市), a former name (襄樊 → 420600, from the code history and the city
  table's aliases) or a 6-digit code of a prefecture-level unit in the city table → its code;
- a province-administered county-level unit (仙桃, 潜江, 天门: 二级行政区 直辖 in the code history)
  → refused: the yearbook's prefecture tables do not list them;
- a province name → refused (name its cities, or use :func:`province_cities`);
- a name shared by several units (a former name reused; 吉林 for the city and the province) →
  refused, with every candidate (吉林市 with 市, or the code, names the city);
- anything else → refused, with the closest known names.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.names import city_key


class PlaceError(ValueError):
    """A name that does not resolve to exactly one prefecture-level city; the message says why."""


def read_history(path: str | Path) -> pd.DataFrame:
    """The code history table (``resources/admin_code_history.csv``), all text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@dataclass(frozen=True)
class Gazetteer:
    """Every name a prefecture-level unit of the city table was known by, and the names to refuse."""

    codes_by_key: dict[str, set[str]]  # city_key -> codes of the city table
    names: dict[str, str]  # code -> current name
    county_direct: dict[str, list[tuple[str, str]]]  # city_key -> [(code, province)]
    provinces: dict[str, str]  # city_key (also without 省/自治区 suffixes) -> province name

    @classmethod
    def build(cls, cities: pd.DataFrame, history: pd.DataFrame) -> "Gazetteer":
        codes_by_key: dict[str, set[str]] = {}
        known = set(cities["admin_code"])
        for row in cities.itertuples(index=False):
            for name in [row.name_cn, *[a for a in row.aliases.split("|") if a.strip()]]:
                codes_by_key.setdefault(city_key(name), set()).add(row.admin_code)
        for row in history[history["level"] == "prefecture"].itertuples(index=False):
            if row.admin_code in known:
                codes_by_key.setdefault(city_key(row.name_cn), set()).add(row.admin_code)
        county_direct: dict[str, list[tuple[str, str]]] = {}
        for row in history[history["level"] == "county_direct"].drop_duplicates("admin_code", keep="last").itertuples():
            county_direct.setdefault(city_key(row.name_cn), []).append((row.admin_code, row.province_cn))
        provinces = {}
        for name in history.loc[history["level"] == "province", "name_cn"].unique():
            provinces[city_key(name)] = name
            short = name.removesuffix("省").removesuffix("自治区")
            for ethnic in ("壮族", "回族", "维吾尔"):
                short = short.removesuffix(ethnic)
            provinces.setdefault(short, name)
        return cls(codes_by_key, dict(zip(cities["admin_code"], cities["name_cn"])), county_direct, provinces)

    def resolve(self, name: str) -> str:
        """The admin code of ``name`` (see the module docstring), or :class:`PlaceError`."""
        text = str(name).strip()
        if text.isdigit() and len(text) == 6:
            if text in self.names:
                return text
            raise PlaceError(f"{text}: no prefecture-level city with this code in the city table")
        key = city_key(text)
        codes = self.codes_by_key.get(key, set())
        province = self.provinces.get(key, "")
        if len(codes) == 1 and province and not province.endswith("市") and not text.endswith("市"):
            code = next(iter(codes))
            raise PlaceError(f"{text}: the name is ambiguous, it names the city {code} {self.names[code]} and the "
                             f"province {province}; write {self.names[code]} (with 市) or the code for the city")
        if len(codes) == 1:
            return next(iter(codes))
        if len(codes) > 1:
            listed = ", ".join(f"{c} {self.names[c]}" for c in sorted(codes))
            raise PlaceError(f"{text}: the name is ambiguous, it names {listed}; give the admin code instead")
        if key in self.county_direct:
            units = ", ".join(f"{code} ({province})" for code, province in self.county_direct[key])
            raise PlaceError(f"{text}: a county-level unit administered directly by its province ({units}), not a "
                             "prefecture-level city; the yearbook's city tables do not list it")
        if key in self.provinces:
            raise PlaceError(f"{text}: a province ({self.provinces[key]}), not a city; name its cities or use "
                             "--province")
        close = difflib.get_close_matches(key, list(self.codes_by_key), n=5, cutoff=0.5)
        hints = ", ".join(f"{k} ({'/'.join(sorted(self.codes_by_key[k]))})" for k in close) or "none"
        raise PlaceError(f"{text}: no prefecture-level city of this name, now or formerly (close matches: {hints})")

    def resolve_all(self, names: list[str]) -> list[str]:
        """Codes of ``names`` in order, each once; every name that fails is listed in one error."""
        codes, errors = [], []
        for name in names:
            try:
                code = self.resolve(name)
            except PlaceError as exc:
                errors.append(str(exc))
                continue
            if code not in codes:
                codes.append(code)
        if errors:
            raise PlaceError("\n".join(errors))
        return codes


def province_cities(cities: pd.DataFrame, province: str, gazetteer: Gazetteer) -> list[str]:
    """Codes of the city table's units in ``province`` (name with or without 省), abolished ones left
    out (their ``alias_notes`` say ``unit abolished``)."""
    key = city_key(province)
    name = gazetteer.provinces.get(key)
    if name is None:
        raise PlaceError(f"{province}: not a province name")
    current = ~cities["alias_notes"].str.contains("unit abolished", regex=False)
    return sorted(cities.loc[(cities["province_cn"] == name) & current, "admin_code"])


def study_notes(codes: list[str], cities: pd.DataFrame, history: pd.DataFrame, first: int, last: int) -> list[str]:
    """Warnings for units a study may find no yearbook rows for: a code whose validity in the code
    history (earliest ``valid_from`` to latest ``valid_to`` of its prefecture rows; empty = in use)
    does not cover ``first``–``last``, and a unit that is not a city (自治州, 地区, 盟: the yearbook's
    city tables cover prefecture-level cities)."""
    names = dict(zip(cities["admin_code"], cities["name_cn"]))
    prefecture = history[history["level"] == "prefecture"]
    notes = []
    for code in codes:
        rows = prefecture[prefecture["admin_code"] == code]
        name = names.get(code, code)
        if len(rows):
            start = int(pd.to_numeric(rows["valid_from"]).min())
            ends = pd.to_numeric(rows["valid_to"], errors="coerce")
            end = None if ends.isna().any() else int(ends.max())
            if start > first or (end is not None and end <= last):
                span = f"{start}–{end}" if end is not None else f"since {start}"
                notes.append(f"{code} {name}: the code history has this unit {span}, the study {first}–{last}; expect "
                             "no yearbook rows in the years it did not exist (shorten the years or leave it out)")
        kinds = (("自治州", "an autonomous prefecture"), ("地区", "a prefecture (地区)"), ("盟", "a league"))
        for suffix, kind in kinds:
            if name.endswith(suffix):
                notes.append(f"{code} {name}: {kind}, not a prefecture-level city; the yearbook's city tables "
                             "(地级以上城市) do not list it")
    return notes


def study_config(name: str, codes: list[str], cities: pd.DataFrame, first: int, last: int,
                 path: str | None = None) -> str:
    """A config override (YAML text) for a study: dataset, years, cities with their names as comments;
    ``path`` is where it is written (default ``NAME.yaml``), quoted in the command it suggests."""
    by_code = cities.set_index("admin_code")
    lines = [f"# Study {name}: written by `python -m urban_resilience new-study`. Use it with",
             f"#   snakemake --workflow-profile workflow/profiles/default --configfile {path or name + '.yaml'} "
             f"--directory runs/{name}",
             "# Keys not set here come from config.yaml (Snakemake merges this file onto it).",
             "dataset:", f"  name: {name}", "  synthetic: false",
             "years:", f"  first: {first}", f"  last: {last}",
             "cities:"]
    lines += [f"  - {code}  # {by_code.at[code, 'name_cn']} {by_code.at[code, 'name_en']}" for code in codes]
    lines += ["study_area: []  # empty: every city above",
              "# Point these at your files (see docs/your-data.md); the side tables (HSR stations,",
              "# patents) must have rows for every city above:",
              "# inputs:",
              "#   yearbook: {directory: data/yearbook, filename: \"中国城市统计年鉴{edition}.xlsx\"}",
              "#   pm25: {filename: \"data/pm25/{year}.tif\"}",
              "#   hsr_stations: data/hsr_stations.csv",
              "#   patents: data/patents.csv"]
    return "\n".join(lines) + "\n"


def load(cities_path: str | Path, history_path: str | Path) -> tuple[pd.DataFrame, Gazetteer]:
    """The city table and its gazetteer."""
    cities = tables.read_cities(cities_path)
    return cities, Gazetteer.build(cities, read_history(history_path))
