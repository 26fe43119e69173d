"""Rule standardise_indicators: pooled range standardisation of the interpolated panel."""

from urban_resilience import index, tables
from urban_resilience.io import read_panel, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    table = tables.read_indicators(inp.table)
    panel = read_panel(inp.panel)[list(table["code"])]
    standardised, ranges = index.standardise_pooled(panel, dict(zip(table["code"], table["direction"])))
    ranges["shift"] = snakemake.params.shift  # noqa: F821
    write_table(standardised.reset_index(), out.standardised)
    write_table(ranges, out.ranges)
    log.info("standardised %d indicators over %d city-years", panel.shape[1], panel.shape[0])
