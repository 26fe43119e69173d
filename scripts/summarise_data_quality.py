"""Rule summarise_data_quality: all cleaning logs in one CSV and a Markdown summary."""

import pandas as pd

from urban_resilience import quality
from urban_resilience.io import read_table, write_table
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp, out = snakemake.input, snakemake.output  # noqa: F821
    cleaning = pd.concat([read_table(p, keep_default_na=False) for p in [*inp.cleaning, inp.side]], ignore_index=True)
    write_table(cleaning, out.log)
    text = quality.summary_markdown(cleaning, read_table(inp.by_indicator), read_table(inp.by_city),
                                    dict(snakemake.params.dataset))  # noqa: F821
    with open(out.summary, "w", encoding="utf-8") as handle:
        handle.write(text)
    log.info("%d cleaning entries summarised", len(cleaning))
