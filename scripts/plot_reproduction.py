"""Rule plot_reproduction: the paper's weights against this run's, and the tier confusion table."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.exports import reproduction
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    comparison = read_table(inp.comparison, dtype={"group": str})
    confusion = read_table(inp.tiers)
    confusion.attrs["year"] = params.year
    indicators = tables.read_indicators(inp.indicators)
    rho = reproduction.weight_rank_correlation(comparison)
    figure = plots.reproduction(comparison, dict(zip(indicators["code"], indicators["dimension"])), confusion, rho,
                                  params.figures["language"], params.synthetic)
    plots.save(figure, plots.output_paths(out.figure, out.extra))
    log.info("weights scatter (rho %.3f) and tier confusion", rho)
