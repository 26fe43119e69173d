"""Rule plot_reproduction: the paper's weights against this run's, and the tier confusion table."""

from typing import TYPE_CHECKING

from urban_resilience import figures, reproduction, tables
from urban_resilience.io import read_table
from urban_resilience.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    figures.setup_fonts()
    comparison = read_table(inp.comparison, dtype={"group": str})
    confusion = read_table(inp.tiers)
    confusion.attrs["year"] = params.year
    indicators = tables.read_indicators(inp.indicators)
    rho = reproduction.weight_rank_correlation(comparison)
    figure = figures.reproduction(comparison, dict(zip(indicators["code"], indicators["dimension"])), confusion, rho,
                                  params.figures["language"], params.synthetic)
    figures.save(figure, figures.output_paths(out.figure, out.extra))
    log.info("weights scatter (rho %.3f) and tier confusion", rho)
