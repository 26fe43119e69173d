"""Rule analyse_scores: the statistics the paper reports."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience import analysis, tables
from urban_resilience.io import read_scores, read_table, write_table
from urban_resilience.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, inp.cities, params.study_area)
    means = pd.concat([analysis.yearly_means(scores).assign(group="study area"),
                       analysis.yearly_means(scores, "province_en").rename(columns={"province_en": "group"})])
    write_table(means[["group", "year", *analysis.MEASURES]], out.means)
    write_table(analysis.growth_table(scores), out.growth)
    by_year, by_province = analysis.dispersion(scores)
    write_table(by_year, out.dispersion)
    write_table(by_province, out.dispersion_province)
    write_table(analysis.primacy(scores), out.primacy)
    everyone = read_scores(inp.scores, inp.cities, params.cities)
    write_table(analysis.classify(scores, params.reference, everyone), out.tiers)
    first, last = int(scores["year"].min()), int(scores["year"].max())
    write_table(analysis.obstacle_frequency_first_last(tables.read_indicators(inp.indicators), read_table(inp.top5),
                                                       read_table(inp.top1), first, last), out.obstacle_frequency)
    dimensions = read_table(inp.dimensions)
    write_table(analysis.dimension_obstacle_shares(dimensions[dimensions["admin_code"].isin(params.study_area)]),
                out.obstacle_shares)
    log.info("analysed %d cities, %d-%d", scores["admin_code"].nunique(), first, last)
