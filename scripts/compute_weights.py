"""Rule compute_weights: indicator and dimension weights by the configured method."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, write_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.index import composite

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    table = tables.read_indicators(inp.indicators)
    summary, by_year = composite.weight_vectors(read_panel(inp.standardised), params.method, params.shift)
    weights = composite.weights_table(table, summary, params.method, params.shift, tables.dataset_label(params.dataset))
    write_table(weights, out.weights)
    write_user_table(by_year, out.by_year, params.dataset)
    log.info("%s weights; largest %s", params.method, ", ".join(weights.nlargest(3, "weight")["code"]))
