"""Rule standardise_indicators: pooled range standardisation of the interpolated panel."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, write_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.index import composite

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    table = tables.read_indicators(inp.indicators)
    panel = read_panel(inp.panel)[list(table["code"])]
    standardised, ranges = composite.standardise_pooled(panel, dict(zip(table["code"], table["direction"])))
    write_table(standardised.reset_index(), out.standardised)
    write_user_table(ranges, out.ranges, params.dataset)
    log.info("standardised %d indicators over %d city-years", panel.shape[1], panel.shape[0])
