"""Rule plot_robustness: rank uncertainty, Sobol' indices, correlation heat map, importance vs weight."""

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
    language, synthetic = params.figures["language"], params.synthetic
    indicators = tables.read_indicators(inp.indicators)
    dimensions = dict(zip(indicators["code"], indicators["dimension"]))
    names = dict(zip(indicators["code"], indicators["name_cn" if language == "zh" else "name_en"]))
    drawn = {
        out.ranks: plots.rank_uncertainty(read_table(inp.intervals), tables.read_cities(inp.cities), params.years,
                                            language, synthetic),
        out.sobol: plots.sobol_bars(read_table(inp.sobol, dtype={"year": str}), language, synthetic),
        out.correlations: plots.correlation_heatmap(read_table(inp.matrix).set_index("indicator"), dimensions,
                                                      names, language, synthetic),
        out.importance: plots.importance_against_weight(read_table(inp.importance), dimensions, language,
                                                          synthetic),
    }
    for path, figure in drawn.items():
        plots.save(figure, plots.output_paths(path, out.extra))
    log.info("%d robustness figures", len(drawn))
