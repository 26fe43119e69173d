"""Rule plot_trends: dimension means, per-city totals, inequality and kernel density figures."""

from pathlib import Path

from urban_resilience import figures, tables
from urban_resilience.io import read_scores, read_table
from urban_resilience.logs import logged


def paths(png, extra):
    stem = Path(png).stem
    return [png] + [p for p in extra if Path(p).stem == stem]


with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    figures.setup_fonts()
    language, synthetic = params.figures["language"], params.synthetic
    means = read_table(inp.means)
    figures.save(figures.dimension_means(means[means["group"] == "study area"], language, synthetic),
                 paths(out.means, out.extra))
    scores = read_scores(inp.scores, None, params.study_area)
    cities = tables.read_cities(inp.cities)
    figures.save(figures.city_small_multiples(scores, cities, language, synthetic), paths(out.cities, out.extra))
    figures.save(figures.inequality_panels(read_table(inp.inequality), language, synthetic),
                 paths(out.inequality, out.extra))
    figures.save(figures.density_curves(read_table(inp.kde), params.figures["years"], language, synthetic),
                 paths(out.kde, out.extra))
    log.info("trend figures in %s", language)
