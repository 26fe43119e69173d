"""Rule analyse_scores: the statistics the paper reports."""

import pandas as pd

from urban_resilience import analysis, tables
from urban_resilience.io import read_scores, read_table, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
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
    table = tables.read_indicators(inp.table)
    first, last = int(scores["year"].min()), int(scores["year"].max())
    frequency = table[["code", "dimension", "name_cn", "name_en"]].rename(columns={"code": "indicator"})
    for top, path in (("top5", inp.top5), ("top1", inp.top1)):
        counts = read_table(path)
        for year in (first, last):
            column = counts[counts["year"] == year].set_index("indicator")["cities"]
            frequency[f"{top}_{year}"] = frequency["indicator"].map(column).fillna(0).astype(int)
    write_table(frequency, out.obstacle_frequency)
    dimensions = read_table(inp.dimensions)
    write_table(analysis.dimension_obstacle_shares(dimensions[dimensions["admin_code"].isin(params.study_area)]),
                out.obstacle_shares)
    log.info("analysed %d cities, %d-%d", scores["admin_code"].nunique(), first, last)
