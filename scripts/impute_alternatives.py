"""Rule impute_alternatives: the observed indicator panel filled by each imputation alternative."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, write_table
from urban_resilience.core.logs import logged
from urban_resilience.panel import build
from urban_resilience.robustness import uncertainty

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, params = snakemake.input, snakemake.params
    table = tables.read_indicators(inp.indicators)
    observed = read_panel(inp.observed)[list(table["code"])]
    units = dict(zip(table["code"], table["unit"]))
    panels = {method: build.impute(observed, units, method, params.ends, params.max_gap, params.short_max_gap)
              for method in params.imputations}
    write_table(uncertainty.panels_table(panels), snakemake.output.panels)
    log.info("panels for imputations %s", ", ".join(panels))
