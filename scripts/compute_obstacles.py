"""Rule compute_obstacles: obstacle degrees, ranks and top-factor frequencies."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.index import composite

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    table = tables.read_indicators(inp.indicators)
    degrees = composite.obstacle_degrees(read_panel(inp.standardised), read_table(inp.by_year))
    ranks = composite.obstacle_ranks(degrees)
    write_user_table(degrees.reset_index(), out.degrees, params.dataset)
    dimensions = composite.dimension_obstacles(degrees, dict(zip(table["code"], table["dimension"])))
    write_user_table(dimensions.reset_index(), out.dimensions, params.dataset)
    write_user_table(ranks, out.ranks, params.dataset)
    write_user_table(composite.top_factor_frequency(ranks, 5, params.study_area), out.top5, params.dataset)
    write_user_table(composite.top_factor_frequency(ranks, 1, params.study_area), out.top1, params.dataset)
    log.info("obstacle degrees for %d city-years", len(degrees))
