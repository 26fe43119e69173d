"""Rule analyse_inequality: Theil and Dagum Gini decompositions, kernel densities of totals."""

from typing import TYPE_CHECKING

from urban_resilience import disparities
from urban_resilience.io import read_scores, write_table
from urban_resilience.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    scores = read_scores(inp.scores, None, snakemake.params.study_area)
    write_table(disparities.inequality_by_year(scores), out.inequality)
    write_table(disparities.kernel_density(scores, sorted(scores["year"].unique())), out.kde)
    log.info("inequality of %d cities", scores["admin_code"].nunique())
