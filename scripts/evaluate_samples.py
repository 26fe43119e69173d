"""Rule evaluate_samples: the index of one chunk of the design's samples, all at once; ranks and
tiers of the study-area cities."""

from typing import TYPE_CHECKING

import numpy as np

from urban_resilience.core import tables
from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.robustness import uncertainty

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, params = snakemake.input, snakemake.params
    inputs = uncertainty.index_inputs(read_table(inp.panels), tables.read_indicators(inp.indicators))
    design = uncertainty.read_design(inp.design)
    rows = uncertainty.chunk_rows(len(design), params.chunks, int(snakemake.wildcards.chunk))
    ratios = uncertainty.reference_ratios(read_table(inp.scores), params.reference, params.study_area)
    result = uncertainty.evaluate_ranks(inputs, design.iloc[rows], params.weight_noise, params.seed,
                                        params.study_area, params.reference, ratios)
    np.save(snakemake.output.ranks, result)
    log.info("samples %d to %d of %d evaluated", rows[0], rows[-1], len(design))
