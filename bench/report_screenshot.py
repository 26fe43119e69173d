"""Look at the report as a reader does: open it in headless Chromium, click a category and one of
its entries, and save a screenshot (on demand; needs Debian's `chromium`).

    python bench/report_screenshot.py results/report.html "Data quality" results/report/data_quality.html shot.png

The report is a single-page app without addressable entries, so a wrapper page loads it in a frame
and clicks through (Chromium's --allow-file-access-from-files lets the wrapper reach the frame).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WRAPPER = """<html><body style="margin:0">
<iframe id="f" src="report.html" style="width:1400px;height:900px;border:0"></iframe>
<script>
const category = CATEGORY, entry = ENTRY;
setTimeout(() => {
  const d = document.getElementById('f').contentDocument;
  const nav = Array.from(d.querySelectorAll('a, button, li, span, div, td, p')).reverse()
    .find(e => e.textContent.trim() === category);
  if (!nav) return;
  nav.click();
  if (!entry) return;
  setTimeout(() => {
    const label = Array.from(d.querySelectorAll('*')).filter(e => e.textContent.trim() === entry).pop();
    if (!label) return;
    let row = label.parentElement;
    while (row && row.querySelectorAll('svg').length === 0) row = row.parentElement;
    const eye = row.querySelectorAll('svg')[0];  // the first icon of the entry's row opens it
    let target = eye;
    while (target && !['A', 'BUTTON'].includes(target.tagName) && target.parentElement !== row) {
      target = target.parentElement;
    }
    (target || eye).dispatchEvent(new MouseEvent('click', {bubbles: true}));
  }, 1500);
}, 4000);
</script></body></html>
"""


def main(report: str, category: str, entry: str, png: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(report, Path(tmp) / "report.html")
        page = WRAPPER.replace("CATEGORY", json.dumps(category)).replace("ENTRY", json.dumps(entry))
        (Path(tmp) / "wrapper.html").write_text(page, encoding="utf-8")
        result = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                 "--allow-file-access-from-files", "--window-size=1400,900",
                                 "--virtual-time-budget=25000", f"--screenshot={Path(png).resolve()}",
                                 str(Path(tmp) / "wrapper.html")], capture_output=True, text=True, timeout=180)
    print(f"wrote {png}" if Path(png).exists() else result.stderr[-2000:])
    return 0 if Path(png).exists() else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
