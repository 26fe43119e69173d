"""The dynamics sheets for the results workbook: titles, no dataset column, absent tables skipped."""

from __future__ import annotations

import pandas as pd

from urban_resilience.dynamics import sheets


def test_sheets_drop_the_dataset_column_and_skip_absent_tables(tmp_path):
    path = tmp_path / "coupling.csv"
    pd.DataFrame({"admin_code": ["420100"], "year": [2019], "D": [0.5], "dataset": ["demo"]}).to_csv(path, index=False)
    result = sheets.workbook_sheets({"coupling": str(path)})
    assert list(result) == ["Coupling 耦合协调"]
    frame, formats = result["Coupling 耦合协调"]
    assert list(frame.columns) == ["admin_code", "year", "D"]
    assert formats["D"] == "0.0000"
    assert set(sheets.FILES) >= {"transitions", "beta", "hotspots", "gravity", "coupling"}
