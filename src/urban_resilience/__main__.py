"""Command line: ``python -m urban_resilience new-study NAME --cities 成都 重庆 …``.

Resolves Chinese city names (current or former, with or without 市), English (pinyin) names
(Wuhan, Xi'an, Wuhan City, Suzhou (Anhui)) or admin codes to the codes the workflow joins on,
refuses county-level units, provinces and ambiguous names with the candidates, and writes
``NAME.yaml``, a config override for the study (see ``core/places.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from urban_resilience.core import places

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def new_study(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m urban_resilience new-study",
                                     description="Write a config for a study area named by its cities.")
    parser.add_argument("name", help="study name: dataset label, config file name and run folder (runs/NAME)")
    parser.add_argument("--cities", nargs="*", default=[],
                        help="city names (成都, 襄樊, Wuhan, Suzhou (Anhui) …) or 6-digit admin codes")
    parser.add_argument("--province", nargs="*", default=[],
                        help="take every current city of these provinces (湖北, Hubei …)")
    parser.add_argument("--first", type=int, default=2003, help="first data year (default 2003)")
    parser.add_argument("--last", type=int, default=2019, help="last data year (default 2019)")
    parser.add_argument("--city-table", default=str(RESOURCES / "cities.csv"))
    parser.add_argument("--history", default=str(RESOURCES / "admin_code_history.csv"))
    parser.add_argument("--output", default=None, help="config file to write (default NAME.yaml)")
    args = parser.parse_args(argv)
    cities, gazetteer = places.load(args.city_table, args.history)
    try:
        codes = gazetteer.resolve_all(args.cities)
        for province in args.province:
            codes += [c for c in places.province_cities(cities, province, gazetteer) if c not in codes]
    except places.PlaceError as exc:
        print(f"new-study: not written; these names need attention:\n{exc}", file=sys.stderr)
        return 2
    if len(codes) < 2:
        print("new-study: not written; a study needs at least two cities (--cities or --province)", file=sys.stderr)
        return 2
    if args.first > args.last:
        print(f"new-study: not written; --first {args.first} is after --last {args.last}", file=sys.stderr)
        return 2
    for name in args.cities:
        code = gazetteer.resolve(name)
        print(f"{name} -> {code} {gazetteer.names[code]} {gazetteer.names_en[code]}")
    for note in places.study_notes(codes, cities, places.read_history(args.history), args.first, args.last):
        print(f"note: {note}")
    output = Path(args.output or f"{args.name}.yaml")
    text = places.study_config(args.name, codes, cities, args.first, args.last, str(output))
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}: {len(codes)} cities")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "new-study":
        print("usage: python -m urban_resilience new-study NAME --cities 成都 重庆 … (see --help)", file=sys.stderr)
        return 2
    return new_study(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
