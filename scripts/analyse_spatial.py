"""Rule analyse_spatial: global Moran's I and LISA clusters per year and measure."""

from typing import TYPE_CHECKING

from urban_resilience.analysis import spatial
from urban_resilience.core.io import read_scores, write_user_table
from urban_resilience.core.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    w, codes = spatial.read_study_weights(inp.weights, params.study_area)
    moran, lisa = spatial.moran_by_year(scores, w, codes, params.permutations, params.seed, params.alpha,
                                        min_cities=params.min_cities)
    write_user_table(moran, out.moran, params.dataset)
    write_user_table(lisa, out.lisa, params.dataset)
    log.info("%d units, %.1f neighbours on average (few units: pseudo p-values are coarse)",
             len(codes), w.mean_neighbors)
    for name, table in (("global Moran's I", moran), ("LISA", lisa)):
        for reason, rows in table[~table["computed"]].groupby("reason", sort=True):
            log.warning("%s not computed in %d of %d rows: %s", name, len(rows), len(table), reason)
