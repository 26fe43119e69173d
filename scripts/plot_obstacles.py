"""Rule plot_obstacles: heat map of obstacle degrees in the last year."""

from typing import TYPE_CHECKING

from urban_resilience import figures, tables
from urban_resilience.io import read_table
from urban_resilience.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    figures.setup_fonts()
    degrees = read_table(inp.degrees)
    degrees = degrees[degrees["admin_code"].isin(params.study_area)]
    indicators = tables.read_indicators(inp.indicators)
    language = params.figures["language"]
    names = dict(zip(indicators["code"], indicators["name_cn" if language == "zh" else "name_en"]))
    figure = figures.obstacle_heatmap(degrees, tables.read_cities(inp.cities), params.year, language,
                                      params.synthetic, names)
    figures.save(figure, figures.output_paths(out.heatmap, out.extra))
    log.info("obstacle heat map for %d", params.year)
