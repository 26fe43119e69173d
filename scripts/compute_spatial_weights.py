"""Rule compute_spatial_weights: neighbours of the study-area cities (queen or k nearest)."""

import geopandas as gpd

from urban_resilience import spatial
from urban_resilience.io import write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(params.study_area)]
    table = spatial.neighbour_table(boundaries, params.weights, params.k)
    write_table(table, out.weights)
    log.info("%s weights for %d cities, %.1f neighbours on average", params.weights,
             table["focal"].nunique(), len(table) / table["focal"].nunique())
