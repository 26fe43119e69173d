"""Rule analyse_spatial: global Moran's I and LISA clusters per year and measure."""

import geopandas as gpd

from urban_resilience import spatial
from urban_resilience.io import read_scores, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    scores = read_scores(inp.scores, None, params.study_area)
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(params.study_area)]
    w, codes = spatial.spatial_weights(boundaries, params.weights, params.k)
    moran, lisa = spatial.moran_by_year(scores, w, codes, params.permutations, params.seed, params.alpha)
    write_table(moran, out.moran)
    write_table(lisa, out.lisa)
    log.info("%s weights, mean neighbours %.1f; %d units (few units: pseudo p-values are coarse)",
             params.weights, w.mean_neighbors, len(codes))
