"""Rule plot_robustness: rank uncertainty, Sobol' indices, correlation heat map, importance vs weight."""

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
    language, synthetic = params.figures["language"], params.synthetic
    indicators = tables.read_indicators(inp.indicators)
    dimensions = dict(zip(indicators["code"], indicators["dimension"]))
    names = dict(zip(indicators["code"], indicators["name_cn" if language == "zh" else "name_en"]))
    drawn = {
        out.ranks: figures.rank_uncertainty(read_table(inp.intervals), tables.read_cities(inp.cities), params.years,
                                            language, synthetic),
        out.sobol: figures.sobol_bars(read_table(inp.sobol, dtype={"year": str}), language, synthetic),
        out.correlations: figures.correlation_heatmap(read_table(inp.matrix).set_index("indicator"), dimensions,
                                                      names, language, synthetic),
        out.importance: figures.importance_against_weight(read_table(inp.importance), dimensions, language,
                                                          synthetic),
    }
    for path, figure in drawn.items():
        figures.save(figure, figures.output_paths(path, out.extra))
    log.info("%d robustness figures", len(drawn))
