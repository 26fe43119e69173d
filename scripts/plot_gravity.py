"""Rule plot_gravity: migration of the centre of gravity over the study-area map."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import figures
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = boundaries[boundaries["admin_code"].isin(params.study_area)].to_crs(params.crs)
    gravity = read_table(inp.gravity)
    fig = figures.gravity_migration(boundaries, gravity[gravity["measure"] == params.measure], params.measure,
                                    params.language)
    plots.mark_synthetic(fig, params.synthetic, params.language)
    plots.save(fig, plots.output_paths(out.figure, out.extra))
    log.info("centre of gravity of the %s", params.measure)
