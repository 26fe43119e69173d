"""Rule compare_with_paper: this run's weights, means, growth, dispersion, primacy and tiers beside
the paper's published values."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.io import read_scores, read_table, write_table
from urban_resilience.core.logs import logged
from urban_resilience.exports import reproduction

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, inp.cities, params.study_area)
    published = pd.read_csv(inp.published, dtype={"group": str, "year": "Int64"}, keep_default_na=False,
                            na_values={"year": [""]})
    comparison = reproduction.compare(published, scores, read_table(inp.weights))
    label = tables.dataset_label(params.dataset)
    write_table(comparison.assign(dataset=label), out.comparison)
    confusion = reproduction.tier_confusion(read_table(inp.published_tiers), read_table(inp.tiers))
    write_table(confusion.assign(dataset=label), out.tiers)
    rho = reproduction.weight_rank_correlation(comparison)
    log.info("Spearman correlation of the 31 weights with the paper's: %.3f; %d of %d cities in the paper's tier",
             rho, int(confusion.loc[confusion["paper_tier"] == confusion["this_run_tier"], "cities"].sum()),
             int(confusion["cities"].sum()))
