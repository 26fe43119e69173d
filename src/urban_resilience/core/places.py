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

English names (the city table's ``name_en``, pinyin) resolve the same way, case-insensitive and
ignoring spaces, apostrophes and hyphens (Xi'an = xian = XI-AN), with or without a final " City" or
"shi" (Wuhan City, Wuhanshi), an autonomous prefecture, prefecture or league also without that word
(Enshi); a name two cities share (Suzhou: 苏州 Jiangsu and 宿州 Anhui; Fuzhou: 福州 and 抚州) is
refused with both and resolves with its province (Suzhou (Anhui), "Suzhou, Anhui"); a province's
English name (Hubei, Hubei Province) is refused as a province, and Jilin (city and province) as
ambiguous unless written Jilin City.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
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
    english: dict[str, set[str]] = field(default_factory=dict)  # english_key -> codes (name, name + province)
    english_loose: dict[str, set[str]] = field(default_factory=dict)  # without Prefecture/League: Enshi
    english_provinces: dict[str, str] = field(default_factory=dict)  # english_key (+ province/sheng) -> 湖北省
    names_en: dict[str, str] = field(default_factory=dict)  # code -> English name
    province_of: dict[str, str] = field(default_factory=dict)  # code -> English province name

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
        english: dict[str, set[str]] = {}
        loose: dict[str, set[str]] = {}
        for row in cities.itertuples(index=False):
            base = _without_qualifier(row.name_en)  # Fuzhou (Jiangxi) -> Fuzhou
            province = english_key(row.province_en)
            for key in (english_key(base), english_key(base) + province, english_key(row.name_en)):
                english.setdefault(key, set()).add(row.admin_code)
            short = re.sub(r"\s+(Autonomous Prefecture|Prefecture|League)$", "", base)
            if short != base:
                for key in (english_key(short), english_key(short) + province):
                    loose.setdefault(key, set()).add(row.admin_code)
        english_provinces = {}
        for name_cn, name_en in cities[["province_cn", "province_en"]].drop_duplicates().itertuples(index=False):
            for suffix in ("", "province", "sheng"):
                english_provinces[english_key(name_en) + suffix] = name_cn
        return cls(codes_by_key, dict(zip(cities["admin_code"], cities["name_cn"])), county_direct, provinces,
                   english, loose, english_provinces, dict(zip(cities["admin_code"], cities["name_en"])),
                   dict(zip(cities["admin_code"], cities["province_en"])))

    def province(self, text: str) -> str | None:
        """The province (Chinese name) that ``text`` names, in Chinese or English, or None."""
        return self.provinces.get(city_key(text)) or self.english_provinces.get(english_key(text))

    def resolve_english(self, text: str) -> str:
        """The admin code of an English (pinyin) name; see the module docstring."""
        key = english_key(text)
        tries = [(key, False)] + [(key[: -len(end)], True) for end in ("city", "shi")
                                  if key.endswith(end) and len(key) > len(end)]  # Wuhan City, Wuhanshi
        codes, said_city = set(), False
        for table in (self.english, self.english_loose):
            for candidate, stripped in tries:
                if table.get(candidate):
                    codes, said_city = table[candidate], stripped
                    break
            if codes:
                break
        province = self.english_provinces.get(key, "")
        listed = ", ".join(f"{c} {self.names[c]} {self.names_en[c]}" for c in sorted(codes))
        if len(codes) == 1 and province and not province.endswith("市") and not said_city:
            code = next(iter(codes))
            raise PlaceError(f"{text}: the name is ambiguous, it names the city {listed} and the province {province}; "
                             f"write {self.names_en[code]} City, {self.names[code]} or the code for the city")
        if len(codes) == 1:
            return next(iter(codes))
        if len(codes) > 1:
            with_province = " or ".join(f"{_without_qualifier(self.names_en[c])} ({self.province_of[c]})"
                                        for c in sorted(codes))
            raise PlaceError(f"{text}: the name is ambiguous, it names {listed}; write {with_province}, the Chinese "
                             "name or the admin code")
        if province:
            raise PlaceError(f"{text}: a province ({province}), not a city; name its cities or use --province")
        close = difflib.get_close_matches(key, list(self.english), n=5, cutoff=0.75)
        hints = ", ".join(dict.fromkeys(f"{self.names_en[c]} ({c})" for k in close for c in sorted(self.english[k])))
        raise PlaceError(f"{text}: no prefecture-level city of this English name (close matches: {hints or 'none'}); "
                         "the Chinese name or the admin code always works")

    def resolve(self, name: str) -> str:
        """The admin code of ``name`` (see the module docstring), or :class:`PlaceError`."""
        text = str(name).strip()
        if text.isdigit() and len(text) == 6:
            if text in self.names:
                return text
            raise PlaceError(f"{text}: no prefecture-level city with this code in the city table")
        latin = unicodedata.normalize("NFKC", text)  # full-width letters as ASCII
        if any(ch.isascii() and ch.isalpha() for ch in latin) and not any("\u3400" <= ch <= "\u9fff" for ch in latin):
            return self.resolve_english(text)
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
    """Codes of the city table's units in ``province`` (Chinese name with or without 省, or English:
    Hubei, Hubei Province), abolished ones left out (their ``alias_notes`` say ``unit abolished``)."""
    name = gazetteer.province(province)
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


def _without_qualifier(name: str) -> str:
    """``Fuzhou (Jiangxi)`` → ``Fuzhou``."""
    return re.sub(r"\s*\(.*?\)", "", name).strip()


def english_key(text: object) -> str:
    """Key for matching English (pinyin) names: NFKC, lower case, ü as v, without spaces, apostrophes,
    hyphens, dots, commas and parentheses (``Xi'an`` = ``xian``; ``Suzhou (Anhui)`` = ``suzhouanhui``)."""
    value = unicodedata.normalize("NFKC", str(text)).lower().replace("ü", "v")
    return re.sub(r"[\s'’`\-.,()]+", "", value)


def load(cities_path: str | Path, history_path: str | Path) -> tuple[pd.DataFrame, Gazetteer]:
    """The city table and its gazetteer."""
    cities = tables.read_cities(cities_path)
    return cities, Gazetteer.build(cities, read_history(history_path))
