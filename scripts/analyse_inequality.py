"""Rule analyse_inequality: Theil and Dagum Gini decompositions, kernel densities of totals."""

from typing import TYPE_CHECKING

from urban_resilience.analysis import disparities
from urban_resilience.core.io import read_scores, write_user_table
from urban_resilience.core.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, snakemake.params.study_area)
    write_user_table(disparities.inequality_by_year(scores), out.inequality, params.dataset)
    write_user_table(disparities.kernel_density(scores, sorted(scores["year"].unique())), out.kde, params.dataset)
    log.info("inequality of %d cities", scores["admin_code"].nunique())
