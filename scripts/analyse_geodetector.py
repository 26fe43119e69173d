"""Rule analyse_geodetector: factor, interaction, risk and ecological detectors of the total."""

from typing import TYPE_CHECKING

from urban_resilience.core.io import read_scores, read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.core.vocabulary import DIMENSIONS
from urban_resilience.dynamics import geodetector

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    standardised = read_table(inp.standardised, dtype={"admin_code": str})
    standardised = standardised[standardised["admin_code"].isin(params.study_area)]
    tables = geodetector.geodetector_tables(scores, standardised, list(params.years), list(DIMENSIONS),
                                            list(params.classes))
    for name in ("factor", "interaction", "risk", "ecological"):
        write_user_table(tables[name], out[name], params.dataset)
    top = tables["factor"].sort_values("q", ascending=False).groupby("year").head(3)
    log.info("largest q per year: %s", list(zip(top["year"], top["factor"], top["q"].round(3))))
