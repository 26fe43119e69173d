"""Rule derive_indicators: evaluate the indicator table's formulas on the raw panel; log divisions by 0."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, write_table
from urban_resilience.core.logs import logged
from urban_resilience.gate import checks
from urban_resilience.panel import build

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    indicators = tables.read_indicators(inp.indicators)
    raw_fields = tables.read_raw_fields(inp.raw_fields)
    trees = tables.parse_formulas(indicators, raw_fields)
    periods = tables.parse_formula_periods(indicators, raw_fields)
    raw = read_panel(inp.panel)
    years = list(params.years)
    frame = build.derive(raw, trees, years, periods)
    checks.check_ranges([checks.indicator_long(frame, dict(zip(indicators["code"], indicators["formula"])), inp.panel)],
                        checks.plausible_ranges(indicators, "code", inp.indicators), "the derived indicators",
                        inp.indicators, name="indicator")
    divisions = build.division_log(raw, trees, dict(zip(indicators["code"], indicators["formula"])), years)
    substitutes = build.substitution_log(periods, dict(zip(indicators["code"], indicators["formula_after"])), years)
    write_table(frame.reset_index(), out.indicators)
    write_table(pd.concat([divisions, substitutes]) if len(substitutes) else divisions, out.cleaning)
    log.info("%d indicators, %d missing cells before interpolation, %d divisions by 0", frame.shape[1],
             int(frame.isna().sum().sum()), len(divisions))
