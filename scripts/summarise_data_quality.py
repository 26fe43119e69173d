"""Rule summarise_data_quality: all cleaning logs in one CSV, the cause of every imputed cell, a summary."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.io import read_panel, read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.gate import quality

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    logs = [*inp.cleaning, inp.side, inp.formulas]
    cleaning = pd.concat([read_table(p, keep_default_na=False) for p in logs], ignore_index=True)
    trees = tables.parse_formulas(tables.read_indicators(inp.indicators), tables.read_raw_fields(inp.raw_fields))
    imputed = read_panel(inp.imputed).astype(bool)
    causes = quality.imputation_causes(imputed, read_panel(inp.raw), trees,
                                       cleaning.assign(year=pd.to_numeric(cleaning["year"], errors="coerce")))
    cities = tables.read_cities(inp.cities)
    # 上饶市 (361100 Shangrao): readable without Chinese, and the code the tables use
    names = {code: f"{cn} ({code} {en})" for code, cn, en in zip(cities["admin_code"], cities["name_cn"],
                                                                   cities["name_en"])}
    by_indicator = read_table(inp.by_indicator)
    write_user_table(cleaning, out.log, params.dataset)
    write_user_table(causes, out.causes, params.dataset)
    with open(out.summary, "w", encoding="utf-8") as handle:
        handle.write(quality.summary_markdown(cleaning, by_indicator, read_table(inp.by_city), dict(params.dataset),
                                              causes, names))
    text = quality.summary_text(causes, int(by_indicator["imputed"].sum()), names)
    with open(out.text, "w", encoding="utf-8") as handle:
        handle.write(text)
    log.info("%d cleaning entries summarised\n%s", len(cleaning), text)
