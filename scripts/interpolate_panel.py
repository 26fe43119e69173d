"""Rule interpolate_panel: fill gaps by the configured rule, flag imputed cells, coverage tables."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, write_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.panel import build

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    table = tables.read_indicators(inp.indicators)
    observed = read_panel(inp.observed)
    filled, imputed = build.interpolate(observed, dict(zip(table["code"], table["unit"])), params.ends, params.max_gap)
    by_indicator, by_city = build.coverage(imputed)
    write_table(filled.reset_index(), out.panel)
    write_table(imputed.reset_index(), out.imputed)
    write_user_table(by_indicator, out.by_indicator, params.dataset)
    write_user_table(by_city, out.by_city, params.dataset)
    log.info("imputed %d of %d cells", int(imputed.sum().sum()), imputed.size)
