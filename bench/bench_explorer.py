"""Explorer page: file size, load to first paint and to a drawn, clickable map, in headless Chromium.

    python bench/bench_explorer.py [results/explorer.html …] [--repeat 3]

Each page is opened --repeat times in a new browser (a cold start each time); the fastest run is
printed with the spread. Needs Debian's chromium (.ci/run installs it) and the test extras
(websocket-client). Make the national page with the national dataset (README "National scale").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import Browser  # noqa: E402


def measure(page: Path) -> tuple[float, float, float]:
    """(load event, first contentful paint, map drawn and clickable) in seconds from navigation."""
    browser = Browser()
    try:
        start = time.time()
        load = browser.open(page)
        browser.wait_for("window.explorer && window.explorer.state.ready", timeout=120)
        ready = time.time() - start
        # the paint entry is queued once the frame is presented, possibly after the map is ready: wait for it
        paint = browser.wait_for("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime",
                                 timeout=30)
        assert browser.errors == [], browser.errors
        return load, paint / 1000, ready
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=["results/explorer.html"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'page':40s} {'size MB':>8s} {'load s':>7s} {'first paint s':>14s} {'map ready s':>12s}")
    for name in args.pages:
        page = Path(name)
        runs = [measure(page) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r[2])
        spread = f"(ready {min(r[2] for r in runs):.2f}–{max(r[2] for r in runs):.2f})"
        size = page.stat().st_size / 1e6
        print(f"{str(page):40s} {size:8.1f} {best[0]:7.2f} {best[1]:14.2f} {best[2]:12.2f} {spread}")


if __name__ == "__main__":
    main()
