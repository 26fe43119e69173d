"""Rule compute_obstacles: obstacle degrees, ranks and top-factor frequencies."""

from typing import TYPE_CHECKING

from urban_resilience import index, tables
from urban_resilience.io import read_panel, read_table, write_table
from urban_resilience.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    table = tables.read_indicators(inp.indicators)
    degrees = index.obstacle_degrees(read_panel(inp.standardised), read_table(inp.by_year))
    ranks = index.obstacle_ranks(degrees)
    write_table(degrees.reset_index(), out.degrees)
    write_table(index.dimension_obstacles(degrees, dict(zip(table["code"], table["dimension"]))).reset_index(),
                out.dimensions)
    write_table(ranks, out.ranks)
    write_table(index.top_factor_frequency(ranks, 5, params.study_area), out.top5)
    write_table(index.top_factor_frequency(ranks, 1, params.study_area), out.top1)
    log.info("obstacle degrees for %d city-years", len(degrees))
