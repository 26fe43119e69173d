"""Benchmark: reading the demo's yearbook workbooks with each candidate reader, in one run, and
extracting each edition from one workbook against from a folder of table files.

    pip install -e '.[bench]' && python bench/bench_readers.py [--forms-only]

The 18 demo editions are read as .xlsx with python-calamine (what the workflow uses) and openpyxl
(what it used before), and, after writing each one again as a legacy .xls with xlwt, as .xls with
python-calamine and xlrd 2.x. Every reader returns every cell value of every sheet; the fastest of
``--repeat`` rounds is reported with its ratio to python-calamine on the same format.

Then every edition is written again in the per-table form (``python -m urban_resilience.demo
--per-table``: 12-14 table files, .xls up to the 2011 edition, continued tables) and extracted
both ways (``extract_workbook`` and ``extract_folder``: everything the extract_yearbook rule does
but writing its CSVs). The values must be equal (NaN where NaN). Printed: the fastest of
``--repeat`` rounds per edition, the added time summed over the editions, and that sum as a share
of a clean demo run (``--run-seconds``, measured with ``bench/bench_workflow.py``; the target is
at most 10 %).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOKS = sorted((ROOT / "resources" / "demo" / "yearbook").glob("*.xlsx"))


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in workbook.sheet_names)


def read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True)
    return sum(len(list(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets)


def read_xlrd(path: Path) -> int:
    import xlrd

    workbook = xlrd.open_workbook(str(path), formatting_info=True)  # merged cells need formatting_info
    return sum(len([sheet.row_values(r) for r in range(sheet.nrows)]) for sheet in workbook.sheets())


def to_xls(source: Path, target: Path) -> None:
    """The same sheets, cells and merged ranges written as BIFF8 by xlwt."""
    import xlwt
    from openpyxl import load_workbook

    book = xlwt.Workbook(encoding="utf-8")
    for sheet in load_workbook(source).worksheets:
        out = book.add_sheet(sheet.title[:31])
        merged = {(m.min_row - 1, m.min_col - 1): m for m in sheet.merged_cells.ranges}
        covered = {(r - 1, c - 1) for m in sheet.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                   for c in range(m.min_col, m.max_col + 1)}
        for row in sheet.iter_rows():
            for cell in row:
                key = (cell.row - 1, cell.column - 1)
                if key in merged:
                    m = merged[key]
                    out.write_merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1, cell.value)
                elif cell.value is not None and key not in covered:
                    out.write(*key, cell.value)
    book.save(str(target))


def fastest(reader, paths: list[Path], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            reader(path)
        times.append(time.perf_counter() - start)
    return min(times)


def extraction_setup() -> dict:
    from urban_resilience import demo

    return demo.reader_setup(ROOT / "resources")


def best(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def compare_forms(repeat: int, run_seconds: float) -> None:
    """Per edition: extraction from the workbook and from the per-table folder (same values)."""
    from urban_resilience.demo.yearbook import write_edition_tables
    from urban_resilience.readers import yearbook

    setup = extraction_setup()
    print(f"\nextraction per edition, workbook vs per-table folder; fastest of {repeat} rounds")
    print(f"{'edition':8s} {'files':>5s} {'workbook':>9s} {'folder':>9s} {'ratio':>6s}")
    total_book = total_folder = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for book in BOOKS:
            edition = int(book.stem[-4:])
            folder = Path(tmp) / book.stem
            write_edition_tables(book, folder, edition, [])
            one = best(lambda: yearbook.extract_workbook(book, edition - 1, **setup), repeat)
            many = best(lambda: yearbook.extract_folder(folder, edition - 1, **setup), repeat)
            columns = ["admin_code", "year", "field", "value"]
            same = yearbook.extract_workbook(book, edition - 1, **setup)[0][columns].equals(
                yearbook.extract_folder(folder, edition - 1, **setup)[0][columns])
            if not same:
                raise SystemExit(f"edition {edition}: the per-table folder gives other values than the workbook")
            total_book, total_folder = total_book + one, total_folder + many
            files = len(list(folder.iterdir()))
            print(f"{edition:<8d} {files:5d} {one:8.3f}s {many:8.3f}s {many / one:6.2f}")
    added = total_folder - total_book
    print(f"{'all':8s} {'':5s} {total_book:8.3f}s {total_folder:8.3f}s {total_folder / total_book:6.2f}")
    print(f"added by per-table folders: {added:+.3f} s = {100 * added / run_seconds:+.1f} % of a clean demo run of "
          f"{run_seconds:g} s (target: at most +10 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--forms-only", action="store_true", help="only compare workbook and per-table extraction")
    parser.add_argument("--run-seconds", type=float, default=45.0,
                        help="duration of a clean demo run on this machine (bench/bench_workflow.py)")
    args = parser.parse_args()
    if args.forms_only:
        compare_forms(args.repeat, args.run_seconds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        xls = [Path(tmp) / (book.stem + ".xls") for book in BOOKS]
        for source, target in zip(BOOKS, xls):
            to_xls(source, target)
        rows = {
            ".xlsx python-calamine": fastest(read_calamine, BOOKS, args.repeat),
            ".xlsx openpyxl": fastest(read_openpyxl, BOOKS, args.repeat),
            ".xls  python-calamine": fastest(read_calamine, xls, args.repeat),
            ".xls  xlrd": fastest(read_xlrd, xls, args.repeat),
        }
    print(f"{len(BOOKS)} demo editions, every cell of every sheet; fastest of {args.repeat} rounds")
    for name, seconds in rows.items():
        base = rows[".xlsx python-calamine" if name.startswith(".xlsx") else ".xls  python-calamine"]
        print(f"{name:24s} {seconds:7.3f} s   {seconds / base:5.1f} x python-calamine")
    compare_forms(args.repeat, args.run_seconds)


if __name__ == "__main__":
    main()
