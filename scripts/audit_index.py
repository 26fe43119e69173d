"""Rule audit_index: correlations, Cronbach's alpha, principal components, skewness and kurtosis,
importance against weight."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, read_table, write_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.robustness import audit

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    table = tables.read_indicators(inp.indicators)
    codes, dimensions = list(table["code"]), dict(zip(table["code"], table["dimension"]))
    standardised = read_panel(inp.standardised)[codes]
    scores = read_panel(inp.scores).loc[standardised.index]
    weights = read_table(inp.weights).set_index("code")["weight"]
    write_user_table(audit.indicator_correlations(standardised, scores, dimensions), out.correlations, params.dataset)
    write_table(standardised.corr().rename_axis("indicator").reset_index(), out.matrix)
    write_user_table(audit.dimension_consistency(standardised, dimensions), out.consistency, params.dataset)
    write_user_table(audit.distribution_flags(read_panel(inp.panel)[codes], params.audit["skew"],
                                              params.audit["kurtosis"]), out.distributions, params.dataset)
    write_user_table(audit.importance(standardised, scores["total"], weights, params.audit["bins"]),
                     out.importance, params.dataset)
    log.info("audit of %d indicators over %d city-years", len(codes), len(standardised))
