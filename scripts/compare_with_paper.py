"""Rule compare_with_paper: this run's weights, means, growth, dispersion, primacy and tiers beside
the paper's published values, each row marked comparable or not (with the reason)."""

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
    published_tiers = read_table(inp.published_tiers)
    run = reproduction.SetUp(frozenset(params.codes), frozenset(params.study_area), params.first, params.last)
    paper = reproduction.paper_setup(list(published_tiers["admin_code"]))
    city_table = tables.read_cities(inp.cities)
    provinces = dict(zip(city_table["admin_code"], city_table["province_en"]))
    comparison = reproduction.compare(published, scores, read_table(inp.weights), run, paper, provinces)
    label = tables.dataset_label(params.dataset)
    write_table(comparison.assign(dataset=label), out.comparison)
    reason = "; ".join(reproduction.study_area_reasons(run, paper))
    confusion = reproduction.tier_confusion(published_tiers, read_table(inp.tiers), reason)
    write_table(confusion.assign(dataset=label), out.tiers)
    rho = reproduction.weight_rank_correlation(comparison)
    log.info("paper: %s (%d study cities, %d-%d)", reproduction.PAPER_REFERENCE, len(paper.study_area), paper.first,
             paper.last)
    log.info("%d of %d published values comparable with this run%s", int(comparison["comparable"].sum()),
             len(comparison), "" if comparison["comparable"].all() else
             " (the others: " + "; ".join(dict.fromkeys(comparison.loc[~comparison["comparable"], "reason"])) + ")")
    log.info("Spearman correlation of the comparable weights with the paper's: %.3f; %d of %d cities in the "
             "paper's tier%s", rho,
             int(confusion.loc[confusion["paper_tier"] == confusion["this_run_tier"], "cities"].sum()),
             int(confusion["cities"].sum()), f" (tiers not comparable: {reason})" if reason else "")
