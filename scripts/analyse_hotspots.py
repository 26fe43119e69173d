"""Rule analyse_hotspots: Getis-Ord Gi* hot and cold spots in the figure years."""

from typing import TYPE_CHECKING

from urban_resilience.analysis import spatial
from urban_resilience.core.io import read_scores, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import hotspots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    w, codes = spatial.read_study_weights(inp.weights, params.study_area)
    options = params.hotspots
    table = hotspots.hotspots_by_year(scores, w, codes, list(params.years), list(options["measures"]),
                                      params.permutations, params.seed, params.alpha, options["min_cities"])
    write_user_table(table, out.hotspots, params.dataset)
    counts = table.groupby(["measure", "year"])["hotspot"].value_counts().to_dict()
    log.info("%d cities; classes per measure and year: %s", len(codes), counts)
