"""Rule sample_design: the quasi-random design of the uncertain inputs, decoded to choices."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import write_table
from urban_resilience.core.logs import logged
from urban_resilience.robustness import uncertainty

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    params = snakemake.params
    codes = list(tables.read_indicators(snakemake.input.indicators)["code"])
    varying = uncertainty.varying_inputs(params.inputs, codes)
    design = uncertainty.sobol_design(varying, params.base_samples, params.seed)
    samples = uncertainty.decode(varying, design, uncertainty.fixed_choices(params.inputs))
    write_table(samples, snakemake.output.design)
    log.info("%d samples over %d varying inputs: %s", len(samples), len(varying),
             ", ".join(item.name for item in varying))
