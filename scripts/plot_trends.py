"""Rule plot_trends: dimension means, per-city totals, inequality and kernel density figures."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_scores, read_table
from urban_resilience.core.logs import logged
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    language, synthetic, region = params.figures["language"], params.synthetic, params.figures["region"]
    means = read_table(inp.means)
    plots.save(plots.dimension_means(means[means["group"] == "study area"], language, synthetic, region),
                 plots.output_paths(out.means, out.extra))
    scores = read_scores(inp.scores, None, params.study_area)
    cities = tables.read_cities(inp.cities)
    plots.save(plots.city_small_multiples(scores, cities, language, synthetic),
                 plots.output_paths(out.cities, out.extra), trim=False)
    plots.save(plots.inequality_panels(read_table(inp.inequality), language, synthetic, region),
                 plots.output_paths(out.inequality, out.extra))
    plots.save(plots.density_curves(read_table(inp.kde), params.figures["years"], language, synthetic),
                 plots.output_paths(out.kde, out.extra))
    log.info("trend figures in %s", language)
