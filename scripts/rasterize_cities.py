"""Rule rasterize_cities: city polygons -> zone raster on the PM2.5 grid (computed once); checks that every
year's grid is the same product and version."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core.logs import logged
from urban_resilience.readers import pm25

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp = snakemake.input
    params = snakemake.params
    ids, meta = pm25.zones(gpd.read_file(inp.boundaries), inp.grid, params.product, params.variable or None,
                           all_grids=dict(zip(params.years, inp.grids)))
    pm25.write_zones(snakemake.output.ids, snakemake.output.meta, ids, meta)
    log.info("zones of %d cities on a %s window (%s); %d years of %s", len(meta["codes"]), meta["window"][2:],
             meta["rule"], len(params.years), pm25.Product(**meta["product"]).label())
