"""Rule plot_coupling: map of the coordination classes (D) in the figure years."""

from typing import TYPE_CHECKING

import geopandas as gpd
from matplotlib import colormaps

from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import coupling
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

TITLE = {"zh": "五维韧性耦合协调等级（修正耦合度模型）",
         "en": "Coupling coordination of the five dimensions (modified model)"}

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    language = params.language
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = plots.for_drawing(boundaries[boundaries["admin_code"].isin(params.study_area)])
    table = read_table(inp.coupling)
    column = "class_cn" if language == "zh" else "class"
    names = coupling.CLASSES_CN if language == "zh" else coupling.CLASSES
    palette = colormaps["RdYlGn"].resampled(len(names))
    colours = {name: "#%02x%02x%02x" % tuple(int(255 * v) for v in palette(i)[:3]) for i, name in enumerate(names)}
    present = set(table.loc[table["year"].isin(params.years), column])
    colours = {name: colour for name, colour in colours.items() if name in present}  # legend: classes on the map
    panels = [(str(year), table[table["year"] == year]) for year in params.years]
    title = TITLE["zh" if language == "zh" else "en"]
    plots.save(plots.category_map(boundaries, table, column, colours, title, language, params.synthetic, panels),
               plots.output_paths(out.figure, out.extra))
    log.info("coordination classes for %s", list(params.years))
