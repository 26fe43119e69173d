"""Rule assemble_panel: yearbook extracts + side tables + PM2.5 means -> plausibility checks -> raw panel."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.io import read_table, write_table
from urban_resilience.core.logs import logged
from urban_resilience.gate import checks
from urban_resilience.panel import build
from urban_resilience.readers.cells import LOG_COLUMNS
from urban_resilience.readers.yearbook import LONG_COLUMNS

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    raw_fields = tables.read_raw_fields(inp.raw_fields)
    codes, years = list(params.codes), list(params.years)
    yearbook = (pd.concat([read_table(path) for path in inp.yearbook], ignore_index=True) if inp.yearbook
                else build.empty_long(LONG_COLUMNS))
    yearbook, panel_log = build.combine_yearbook_and_panel(
        yearbook, read_table(inp.panel, dtype={"sheet": str}) if params.panel else None, params.precedence)

    stations = pd.read_csv(inp.hsr_stations, dtype={"admin_code": str}, keep_default_na=False)
    admin_codes = pd.read_csv(inp.admin_codes, dtype=str, keep_default_na=False)
    known = set(admin_codes.loc[admin_codes["level"] == "prefecture", "admin_code"]) | set(
        tables.read_cities(inp.cities)["admin_code"])
    build.check_city_codes(stations["admin_code"], known, inp.hsr_stations, "station " + stations["station_cn"])
    hsr = build.hsr_counts(stations, codes, years, params.year_end, inp.hsr_stations)

    variants = raw_fields.set_index("field").at["patents", "header_variants"].split("|")
    patents, side_log = build.read_city_year_table(pd.read_csv(inp.patents, dtype=str, keep_default_na=False),
                                                   variants, "patents", inp.patents)
    build.check_city_codes(patents["admin_code"], known, inp.patents)
    side_log += build.missing_side_rows(patents, "patents", codes, years, inp.patents)
    rates = build.read_exchange_rates(pd.read_csv(inp.exchange_rates, dtype=str, keep_default_na=False), years,
                                      inp.exchange_rates)
    pm = pd.concat([read_table(path)[["admin_code", "year", "pm25"]] for path in inp.pm25], ignore_index=True)

    grids = dict(zip(sorted(pm["year"].unique()), params.pm25_grids))
    side_log += panel_log
    sources = [(yearbook, "yearbook"),
               (patents.rename(columns={"patents": "value"}).assign(field="patents", file=inp.patents, sheet="",
                                                                   cell=[f"row {i + 2}" for i in range(len(patents))]),
                inp.patents),
               (pm.rename(columns={"pm25": "value"}).assign(field="pm25", file=pm["year"].map(grids), sheet="",
                                                            cell=""), "PM2.5 grids")]
    checks.check_ranges(  # absolute ranges first: a scale error shared by every value passes the checks below
        [long for long, _ in sources] + [checks.as_long(hsr, "hsr_stations", inp.hsr_stations), checks.as_long(
            rates.reset_index().assign(admin_code="all cities"), "cny_per_100usd", inp.exchange_rates)],
        checks.plausible_ranges(raw_fields, "field", inp.raw_fields), "the raw inputs", inp.raw_fields)
    side_log += checks.check_raw(
        sources, dict(zip(raw_fields["field"], raw_fields["kind"])), params.magnitude_factor,
        checks.KnownBreaks.read(inp.known_breaks), params.edition_offset,
    )
    fields = sorted(raw_fields["field"])
    raw = build.assemble(yearbook, [hsr, patents, build.rates_panel(rates, codes, years), pm], codes, years, fields)
    write_table(raw.reset_index(), out.panel)
    write_table(pd.DataFrame(side_log, columns=LOG_COLUMNS), out.cleaning)
    log.info("raw panel: %d cities x %d years x %d fields, %d missing cells; plausibility checks passed",
             len(codes), len(years), len(fields), int(raw.isna().sum().sum()))
