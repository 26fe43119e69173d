"""Command line: ``python -m urban_resilience.demo [--out DIR] [--resources DIR] [--check]``."""

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
    args = parser.parse_args(argv)
    out = args.out or args.resources / "demo"
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
