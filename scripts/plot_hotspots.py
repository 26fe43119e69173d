"""Rule plot_hotspots: map of the Gi* hot and cold spots, one panel per figure year."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core.io import read_table
from urban_resilience.core.labels import label
from urban_resilience.core.logs import logged
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

COLOURS = {"hot spot": "#d7191c", "cold spot": "#2c7bb6", "not significant": "#eeeeee", "not computed": "#ffffff"}
NAMES_ZH = {"hot spot": "热点", "cold spot": "冷点", "not significant": "不显著", "not computed": "未计算"}
TITLE = {"zh": "{measure}冷热点（Getis-Ord Gi*，FDR）",
         "en": "Hot and cold spots of the {measure} (Getis-Ord Gi*, FDR)"}

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    language = params.language
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = plots.for_drawing(boundaries[boundaries["admin_code"].isin(params.study_area)])
    table = read_table(inp.hotspots)
    table = table[table["measure"] == params.measure]
    table = table.assign(hotspot=table["hotspot"].where(~table["hotspot"].str.startswith("not computed"),
                                                        "not computed"))
    colours = COLOURS
    if language == "zh":  # the legend shows the class names as they are: name them in Chinese
        table = table.assign(hotspot=table["hotspot"].map(NAMES_ZH))
        colours = {NAMES_ZH[name]: colour for name, colour in COLOURS.items()}
    panels = [(str(year), table[table["year"] == year]) for year in params.years]
    title = TITLE["zh" if language == "zh" else "en"].format(measure=label(params.measure, language))
    plots.save(plots.category_map(boundaries, table, "hotspot", colours, title, language, params.synthetic, panels),
               plots.output_paths(out.figure, out.extra))
    log.info("hot-spot map of the %s for %s", params.measure, list(params.years))
