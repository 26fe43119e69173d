"""Rule plot_obstacles: heat map of obstacle degrees in the last year."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    degrees = read_table(inp.degrees)
    degrees = degrees[degrees["admin_code"].isin(params.study_area)]
    indicators = tables.read_indicators(inp.indicators)
    language = params.figures["language"]
    names = dict(zip(indicators["code"], indicators["name_cn" if language == "zh" else "name_en"]))
    figure = plots.obstacle_heatmap(degrees, tables.read_cities(inp.cities), params.year, language,
                                      params.synthetic, names)
    plots.save(figure, plots.output_paths(out.heatmap, out.extra))
    log.info("obstacle heat map for %d", params.year)
