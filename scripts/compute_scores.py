"""Rule compute_scores: dimension and total resilience for every city and year."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, read_table, write_table
from urban_resilience.core.logs import logged
from urban_resilience.index import composite

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp = snakemake.input
    table = tables.read_indicators(inp.indicators)
    frame = composite.scores(read_panel(inp.standardised), read_table(inp.by_year),
                         dict(zip(table["code"], table["dimension"])))
    cities = tables.read_cities(inp.cities)[["admin_code", "name_cn", "name_en", "province_cn", "province_en"]]
    frame = cities.merge(frame.reset_index(), on="admin_code", how="right", validate="one_to_many")
    frame["dataset"] = tables.dataset_label(snakemake.params.dataset)
    write_table(frame.sort_values(["admin_code", "year"]), snakemake.output[0])
    log.info("scores for %d city-years", len(frame))
