"""Rule rasterize_cities: city polygons -> zone raster on the PM2.5 grid (computed once)."""

import geopandas as gpd

from urban_resilience import pm25
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    inp = snakemake.input  # noqa: F821
    ids, meta = pm25.zones(gpd.read_file(inp.boundaries), inp.grid)
    pm25.write_zones(snakemake.output.ids, snakemake.output.meta, ids, meta)  # noqa: F821
    log.info("zones of %d cities on a %s window (%s)", len(meta["codes"]), meta["window"][2:], meta["rule"])
