"""Rule compute_spatial_weights: neighbours of the study-area cities (queen or k nearest)."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.analysis import spatial
from urban_resilience.core.io import write_user_table
from urban_resilience.core.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(params.study_area)]
    table = spatial.neighbour_table(boundaries, params.weights, params.k)
    write_user_table(table, out.weights, params.dataset)
    log.info("%s weights for %d cities, %.1f neighbours on average", params.weights,
             table["focal"].nunique(), len(table) / table["focal"].nunique())
