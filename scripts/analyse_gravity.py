"""Rule analyse_gravity: centre of gravity and standard deviational ellipse per measure and year."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core.io import read_scores, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import centrography

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(params.study_area)]
    options = params.gravity
    centroids = centrography.projected_centroids(boundaries, options["crs"])
    table = centrography.gravity_table(scores, centroids, list(options["measures"]), options["crs"])
    write_user_table(table, out.gravity, params.dataset)
    total = table.groupby("measure")["shift_km"].sum()
    log.info("%d cities; summed centre shifts (km): %s", len(centroids), total.round(1).to_dict())
