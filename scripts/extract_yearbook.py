"""Rule extract_yearbook: one edition workbook (or folder of table files) -> long table of raw fields + cleaning log."""

from typing import TYPE_CHECKING

import pandas as pd

from urban_resilience.core import tables
from urban_resilience.core.io import write_table
from urban_resilience.core.logs import logged
from urban_resilience.gate import checks
from urban_resilience.readers import yearbook

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    yearbook.check_year(inp.workbook, params.year, list(params.years))
    raw_fields = tables.read_raw_fields(inp.raw_fields)
    formulas = tables.parse_formulas(tables.read_indicators(inp.indicators), raw_fields, inp.indicators)
    setup = yearbook.reader_setup(raw_fields, tables.read_cities(inp.cities),
                                  pd.read_csv(inp.admin_codes, dtype=str, keep_default_na=False),
                                  tables.read_units(inp.units), params.cities, tables.divisor_fields(formulas))
    extract = yearbook.extract_folder if params.layout == "per_table" else yearbook.extract_workbook
    known_breaks = checks.KnownBreaks.read(inp.known_breaks)
    values, cleaning = extract(inp.workbook, params.year, **setup, known_breaks=known_breaks)
    write_table(values, out.values)
    write_table(cleaning, out.cleaning)
    log.info("%s: %d values of %d cities, %d cleaning entries", inp.workbook, len(values),
             values["admin_code"].nunique(), len(cleaning))
