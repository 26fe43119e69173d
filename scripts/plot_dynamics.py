"""Rule plot_dynamics: the five figures of the dynamics stage."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core.io import read_scores, read_table
from urban_resilience.core.labels import label
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import figures
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    language, synthetic, years = params.language, params.synthetic, list(params.years)
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(params.study_area)]
    drawn = plots.for_drawing(boundaries)
    scores = read_scores(inp.scores, None, params.study_area)

    transitions = read_table(inp.transitions, keep_default_na=True)
    measure = "total" if "total" in set(transitions["measure"]) else str(transitions["measure"].iloc[0])
    fig = figures.transition_heatmaps(transitions, measure, language)
    plots.mark_synthetic(fig, synthetic, language)
    plots.save(fig, plots.output_paths(out.markov, out.extra))
    log.info("transition heat maps of the %s", measure)

    fig = figures.convergence(read_table(inp.sigma), read_table(inp.beta), scores, language)
    plots.mark_synthetic(fig, synthetic, language)
    plots.save(fig, plots.output_paths(out.convergence, out.extra))
    log.info("convergence figure")

    table, colours = figures.hotspot_classes(read_table(inp.hotspots), params.hotspot_measure, language)
    panels = [(str(year), table[table["year"] == year]) for year in years]
    title = figures.title("hotspots", language, measure=label(params.hotspot_measure, language))
    plots.save(plots.category_map(drawn, table, "hotspot", colours, title, language, synthetic, panels),
               plots.output_paths(out.hotspots, out.extra))
    log.info("hot-spot map of the %s for %s", params.hotspot_measure, years)

    gravity = read_table(inp.gravity)
    gravity = gravity[gravity["measure"] == params.gravity_measure]
    fig = figures.gravity_migration(boundaries.to_crs(params.crs), gravity, params.gravity_measure, language)
    plots.mark_synthetic(fig, synthetic, language)
    plots.save(fig, plots.output_paths(out.gravity, out.extra))
    log.info("centre of gravity of the %s", params.gravity_measure)

    table = read_table(inp.coupling)
    column, colours = figures.coupling_classes(table, years, language)
    panels = [(str(year), table[table["year"] == year]) for year in years]
    plots.save(plots.category_map(drawn, table, column, colours, figures.title("coupling", language), language,
                                  synthetic, panels),
               plots.output_paths(out.coupling, out.extra))
    log.info("coordination classes for %s", years)
