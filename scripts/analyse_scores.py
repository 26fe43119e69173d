"""Rule analyse_scores: the statistics the paper reports."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.analysis import trends
from urban_resilience.core import tables, vocabulary
from urban_resilience.core.io import read_scores, read_table, write_user_table
from urban_resilience.core.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, inp.cities, params.study_area)
    means = pd.concat([trends.yearly_means(scores).assign(group="study area"),
                       trends.yearly_means(scores, "province_en").rename(columns={"province_en": "group"})])
    write_user_table(means[["group", "year", *vocabulary.MEASURES]], out.means, params.dataset)
    write_user_table(trends.growth_table(scores), out.growth, params.dataset)
    by_year, by_province = trends.dispersion(scores)
    write_user_table(by_year, out.dispersion, params.dataset)
    write_user_table(by_province, out.dispersion_province, params.dataset)
    write_user_table(trends.primacy(scores), out.primacy, params.dataset)
    everyone = read_scores(inp.scores, inp.cities, params.cities)
    write_user_table(trends.classify(scores, params.reference, everyone), out.tiers, params.dataset)
    first, last = int(scores["year"].min()), int(scores["year"].max())
    frequency = trends.obstacle_frequency_first_last(tables.read_indicators(inp.indicators), read_table(inp.top5),
                                                       read_table(inp.top1), first, last)
    write_user_table(frequency, out.obstacle_frequency, params.dataset)
    dimensions = read_table(inp.dimensions)
    shares = trends.dimension_obstacle_shares(dimensions[dimensions["admin_code"].isin(params.study_area)])
    write_user_table(shares, out.obstacle_shares, params.dataset)
    log.info("analysed %d cities, %d-%d", scores["admin_code"].nunique(), first, last)
