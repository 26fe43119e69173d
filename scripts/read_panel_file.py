"""Rule read_panel_file: a compiled city-year panel (CSV, .xlsx or .dta) -> long table of raw fields + cleaning log."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.io import write_table
from urban_resilience.core.logs import logged
from urban_resilience.gate import checks
from urban_resilience.readers import compiled_panel

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    raw_fields = tables.read_raw_fields(inp.raw_fields)
    formulas = tables.parse_formulas(tables.read_indicators(inp.indicators), raw_fields, inp.indicators)
    context = compiled_panel.Context.build(
        raw_fields, tables.read_units(inp.units), tables.read_cities(inp.cities),
        pd.read_csv(inp.admin_codes, dtype=str, keep_default_na=False), tables.divisor_fields(formulas),
        list(params.years), list(params.required), checks.KnownBreaks.read(inp.known_breaks), list(params.cities),
    )
    spec = compiled_panel.spec_from_config({**params.panel, "path": inp.panel, "codebook": params.codebook})
    values, cleaning = compiled_panel.read_panel(spec, context)
    write_table(values, out.values)
    write_table(cleaning, out.cleaning)
    log.info("%s: %d values of %d cities, years %s-%s, fields %s; %d cleaning entries", inp.panel, len(values),
             values["admin_code"].nunique(), values["year"].min(), values["year"].max(),
             ", ".join(sorted(values["field"].unique())), len(cleaning))
