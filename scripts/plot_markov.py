"""Rule plot_markov: transition heat maps of the total, classic beside neighbour-conditioned."""

from typing import TYPE_CHECKING

from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import figures
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    transitions = read_table(inp.transitions, keep_default_na=True)
    measure = "total" if "total" in set(transitions["measure"]) else str(transitions["measure"].iloc[0])
    fig = figures.transition_heatmaps(transitions, measure, params.language)
    plots.mark_synthetic(fig, params.synthetic, params.language)
    plots.save(fig, plots.output_paths(out.heatmaps, out.extra))
    log.info("transition heat maps of the %s", measure)
