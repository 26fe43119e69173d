"""The range check inside the workflow: an exchange-rate table per 1 USD stops `assemble_panel` with
the file, the field and the range (the scale error that min-max standardisation would hide)."""

import pandas as pd
import pytest

from conftest import SMALL_CONFIG, copy_repo, run_snakemake

pytestmark = pytest.mark.workflow


def test_a_rate_table_per_1_usd_stops_the_run_naming_the_file_and_the_range(tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    rates = pd.read_csv(workdir / "resources" / "exchange_rates.csv", dtype=str)
    rates["cny_per_100usd"] = (rates["cny_per_100usd"].astype(float) / 100).map(lambda v: f"{v:.4f}")
    rates.to_csv(workdir / "my_rates.csv", index=False)
    (workdir / "per_usd.yaml").write_text("inputs:\n  exchange_rates: my_rates.csv\n", encoding="utf-8")
    result = run_snakemake(workdir, "results/panel/raw_panel.csv", "--cores", "2", *SMALL_CONFIG, "per_usd.yaml")
    assert result.returncode != 0
    log = (workdir / "results" / "logs" / "assemble_panel.log").read_text(encoding="utf-8")
    assert ("DataCheckError: 1 value(s) outside the plausible range in the raw inputs:\n"
            "  field cny_per_100usd: ") in log
    assert "values in my_rates.csv (all cities, years " in log
    assert "are outside the plausible range 600–900 元/百美元" in log
    assert "the worst: my_rates.csv: city all cities, year " in log
    assert "widen min_plausible or max_plausible of its row in resources/raw_fields.csv" in log
    assert not (workdir / "results" / "panel" / "raw_panel.csv").exists()
