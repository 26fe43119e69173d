"""Rule derive_indicators: evaluate the indicator table's formulas on the raw panel."""

from urban_resilience import panel, tables
from urban_resilience.io import read_panel, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp = snakemake.input  # noqa: F821
    trees = tables.parse_formulas(tables.read_indicators(inp.indicators), tables.read_raw_fields(inp.raw_fields))
    frame = panel.derive(read_panel(inp.panel), trees, list(snakemake.params.years))  # noqa: F821
    write_table(frame.reset_index(), snakemake.output[0])  # noqa: F821
    log.info("%d indicators, %d missing cells before interpolation", frame.shape[1], int(frame.isna().sum().sum()))
