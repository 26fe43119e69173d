"""Rule plot_convergence: σ convergence lines beside the β scatter of the total."""

from typing import TYPE_CHECKING

from urban_resilience.core.io import read_scores, read_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import figures
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    scores = read_scores(inp.scores, None, params.study_area)
    fig = figures.convergence(read_table(inp.sigma), read_table(inp.beta), scores, params.language)
    plots.mark_synthetic(fig, params.synthetic, params.language)
    plots.save(fig, plots.output_paths(out.figure, out.extra))
    log.info("convergence figure")
