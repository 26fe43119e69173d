"""Command line: ``python -m urban_resilience.demo [--out DIR] [--resources DIR] [--check] [--per-table]``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from urban_resilience.demo import generate
from urban_resilience.demo.compare import compare_trees


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m urban_resilience.demo", description=__doc__)
    parser.add_argument("--resources", type=Path, default=Path("resources"), help="folder with the reference tables")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: RESOURCES/demo)")
    parser.add_argument("--check", action="store_true", help="regenerate in a temporary folder and compare with --out")
    parser.add_argument("--national", type=Path, default=None, metavar="DIR",
                        help="write the national-scale dataset and its config.yaml to DIR (outside the repository)")
    parser.add_argument("--per-table", action="store_true",
                        help="write each yearbook edition as a folder of table files (one .xls/.xlsx per table, as "
                             "the yearbook database delivers them) instead of one workbook; use with --out DIR")
    args = parser.parse_args(argv)
    if args.national:
        from urban_resilience.demo.national import generate_national

        manifest = generate_national(args.national, args.resources)
        print(f"wrote the national synthetic dataset to {args.national} ({len(manifest)} injected defects); "
              "run: snakemake --workflow-profile workflow/profiles/default --cores 2 "
              f"--configfile {args.national / 'config.yaml'}")
        return 0
    out = args.out or args.resources / "demo"
    if args.per_table:
        if args.check or args.out is None:
            parser.error("--per-table needs --out DIR (the committed demo keeps one workbook per edition) "
                         "and cannot be used with --check")
        manifest = generate(out, args.resources, per_table=True)
        print(f"wrote the synthetic demo dataset with per-table yearbook folders to {out} ({len(manifest)} injected "
              "defects in MANIFEST.csv); point inputs.yearbook to it with: "
              f"directory: {out / 'yearbook'}, filename: 中国城市统计年鉴{{edition}}, layout: per_table")
        return 0
    if not args.check:
        manifest = generate(out, args.resources)
        print(f"wrote the synthetic demo dataset to {out} ({len(manifest)} injected defects in MANIFEST.csv)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.resources)
        differences = compare_trees(out, Path(tmp))
    for line in differences[:50]:
        print(line)
    print("identical content" if not differences else f"{len(differences)} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
