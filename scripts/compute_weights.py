"""Rule compute_weights: indicator and dimension weights by the configured method."""

import pandas as pd

from urban_resilience import index, tables
from urban_resilience.io import read_panel, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
    table = tables.read_indicators(inp.table)
    standardised = read_panel(inp.standardised)
    shift = float(pd.read_csv(inp.ranges)["shift"].iloc[0])
    summary, by_year = index.weight_vectors(standardised, params.method, shift)
    weights = table[["code", "dimension", "name_cn", "name_en", "direction"]].merge(
        summary.rename_axis("code").reset_index(), on="code", how="left", validate="one_to_one")
    weights["dimension_weight"] = weights.groupby("dimension")["weight"].transform("sum")
    weights["paper_weight"] = table["paper_weight"].to_numpy()
    weights["method"], weights["shift"] = params.method, shift
    weights["dataset"] = tables.dataset_label(params.dataset)
    write_table(weights, out.weights)
    write_table(by_year, out.by_year)
    log.info("%s weights; largest %s", params.method,
             ", ".join(weights.nlargest(3, "weight")["code"]))
