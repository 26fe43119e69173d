"""Rule analyse_uncertainty: gather the chunks; rank intervals, rank shifts, Sobol' indices."""

from typing import TYPE_CHECKING

import numpy as np

from urban_resilience.core import tables
from urban_resilience.core.io import read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.robustness import uncertainty

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    codes = list(tables.read_indicators(inp.indicators)["code"])
    varying = uncertainty.varying_inputs(params.inputs, codes)
    design = uncertainty.read_design(inp.design)
    results = np.concatenate([np.load(path) for path in inp.chunks])
    if len(results) != len(design):
        raise uncertainty.UncertaintyError(f"the chunks hold {len(results)} samples, the design {len(design)}")
    intervals, shifts, sobol = uncertainty.summarise(results, read_table(inp.scores), params.study_area, varying,
                                                     params.resamples, params.confidence, params.seed)
    names = tables.read_cities(inp.cities)[["admin_code", "name_cn", "name_en", "province_en"]]
    write_user_table(names.merge(intervals, on="admin_code", how="right", validate="one_to_many"),
                     out.intervals, params.dataset)
    write_user_table(shifts, out.shifts, params.dataset)
    write_user_table(sobol, out.sobol, params.dataset)
    log.info("%d samples; mean absolute rank shift %.2f", len(results), shifts["mean"].iloc[0])
