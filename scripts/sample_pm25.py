"""Rule sample_pm25: one year's PM2.5 grid -> per-city mean, valid cells and valid share."""

from typing import TYPE_CHECKING

from urban_resilience.core.io import write_table
from urban_resilience.core.logs import logged
from urban_resilience.readers import pm25

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp = snakemake.input
    ids, meta = pm25.read_zones(inp.zones, inp.zones_meta)
    params = snakemake.params
    frame = pm25.zonal_means(inp.grid, ids, meta, params.year, params.product, params.variable or None)
    write_table(frame, snakemake.output[0])
    log.info("%s: %d cities, lowest valid share %.3f", inp.grid, len(frame), frame["valid_share"].min())
