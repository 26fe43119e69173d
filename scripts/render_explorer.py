"""Rule render_explorer: the offline explorer page (figures/explorer.py draws it with plotly)."""

from typing import TYPE_CHECKING

import geopandas as gpd
from plotly.offline import get_plotlyjs

from urban_resilience.core import tables
from urban_resilience.core.io import read_scores, read_table
from urban_resilience.core.logs import logged
from urban_resilience.figures import explorer

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    study_area = list(params.study_area)
    scores = read_scores(inp.scores, None, study_area)
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(study_area)]
    data = explorer.payload(scores, read_table(inp.tiers), read_table(inp.intervals), read_table(inp.obstacles),
                            tables.read_indicators(inp.indicators), read_table(inp.causes, keep_default_na=False),
                            params.classes, dict(params.breaks or {}), dict(params.dataset), dict(params.settings))
    html = explorer.page(data, explorer.geojson(boundaries), get_plotlyjs())
    with open(out[0], "w", encoding="utf-8", newline="\n") as handle:
        handle.write(html)
    size = len(html.encode("utf-8")) / 1e6
    log.info("explorer: %d cities, %d years, %.1f MB", len(data["cities"]), len(data["years"]), size)
