"""Rule assemble_panel: yearbook extracts + side tables + PM2.5 means -> raw panel."""

import pandas as pd

from urban_resilience import panel, tables
from urban_resilience.io import read_table, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    raw_fields = tables.read_raw_fields(inp.raw_fields)
    codes, years = list(params.codes), list(params.years)
    yearbook = pd.concat([read_table(path) for path in inp.yearbook], ignore_index=True)
    checked = raw_fields.loc[raw_fields["kind"].isin(["amount", "count"]) & (raw_fields["source"] == "yearbook"), "field"]
    panel.check_magnitudes(yearbook[yearbook["field"].isin(checked)], params.magnitude_factor)
    stations = pd.read_csv(inp.hsr_stations, dtype={"admin_code": str}, keep_default_na=False)
    hsr = panel.hsr_counts(stations, codes, years, params.year_end, inp.hsr_stations)
    variants = raw_fields.set_index("field").at["patents", "header_variants"].split("|")
    patents, side_log = panel.read_city_year_table(pd.read_csv(inp.patents, dtype=str, keep_default_na=False),
                                                   variants, "patents", inp.patents)
    patents_long = patents.rename(columns={"patents": "value"}).assign(
        field="patents", file=inp.patents, sheet="", cell=""
    )
    panel.check_magnitudes(patents_long, params.magnitude_factor)
    rates = pd.read_csv(inp.exchange_rates)[["year", "cny_per_100usd"]]
    missing_rates = sorted(set(years) - set(rates["year"]))
    if missing_rates:
        raise panel.PanelError(f"{inp.exchange_rates}: no exchange rate for year(s) {missing_rates}")
    rates = pd.DataFrame([(c, y, r) for c in codes for y, r in zip(rates["year"], rates["cny_per_100usd"])],
                         columns=["admin_code", "year", "cny_per_100usd"])
    pm = pd.concat([read_table(path)[["admin_code", "year", "pm25"]] for path in inp.pm25], ignore_index=True)
    fields = sorted(raw_fields["field"])
    raw = panel.assemble(yearbook, [hsr, patents, rates, pm], codes, years, fields)
    write_table(raw.reset_index(), out.panel)
    write_table(pd.DataFrame(side_log, columns=["file", "sheet", "cell", "admin_code", "year", "field", "written",
                                                "action", "value", "note"]), out.cleaning)
    log.info("raw panel: %d cities x %d years x %d fields, %d missing cells", len(codes), len(years), len(fields),
             int(raw.isna().sum().sum()))
