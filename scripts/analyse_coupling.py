"""Rule analyse_coupling: coupling coordination of the five dimensions per city-year."""

from typing import TYPE_CHECKING

from urban_resilience.core.io import read_scores, read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import coupling

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    maxima = coupling.dimension_maxima(read_table(inp.weights_by_year), read_table(inp.weights)[["code", "dimension"]])
    table = coupling.coupling_table(scores, maxima, params.alpha)
    write_user_table(table, out.coupling, params.dataset)
    last = table[table["year"] == table["year"].max()]
    log.info("%d city-years; last year's classes: %s", len(table), last["class"].value_counts().to_dict())
