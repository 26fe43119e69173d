"""Rule analyse_inequality: Theil and Dagum Gini decompositions, kernel densities of totals."""

from urban_resilience import disparities
from urban_resilience.io import read_scores, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    scores = read_scores(inp.scores, None, snakemake.params.study_area)  # noqa: F821
    write_table(disparities.inequality_by_year(scores), out.inequality)
    write_table(disparities.kernel_density(scores, sorted(scores["year"].unique())), out.kde)
    log.info("inequality of %d cities", scores["admin_code"].nunique())
