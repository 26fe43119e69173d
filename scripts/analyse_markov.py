"""Rule analyse_markov: classic, spatial and LISA Markov chains of the scores' classes."""

from typing import TYPE_CHECKING

from urban_resilience.analysis import spatial
from urban_resilience.core.io import read_scores, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import markov

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    w, codes = spatial.read_study_weights(inp.weights, params.study_area)
    options = params.markov
    tables = markov.markov_tables(scores, w, codes, list(options["measures"]), options["classes"], options["k"],
                                  options["min_transitions"])
    for name in ("transitions", "classes", "passage", "homogeneity"):
        write_user_table(tables[name], out[name], params.dataset)
    for warning in tables["warnings"]:
        log.warning(warning)
    log.info("%d cities, %d transitions per chain; classes: %s", len(codes),
             int(tables["homogeneity"]["transitions"].iloc[0]), options["classes"])
