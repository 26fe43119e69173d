"""Rule compute_obstacles: obstacle degrees, ranks and top-factor frequencies."""

from urban_resilience import index, tables
from urban_resilience.io import read_panel, read_table, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    table = tables.read_indicators(inp.table)
    degrees = index.obstacle_degrees(read_panel(inp.standardised), read_table(inp.by_year))
    ranks = index.obstacle_ranks(degrees)
    write_table(degrees.reset_index(), out.degrees)
    write_table(index.dimension_obstacles(degrees, dict(zip(table["code"], table["dimension"]))).reset_index(),
                out.dimensions)
    write_table(ranks, out.ranks)
    write_table(index.top_factor_frequency(ranks, 5), out.top5)
    write_table(index.top_factor_frequency(ranks, 1), out.top1)
    log.info("obstacle degrees for %d city-years", len(degrees))
