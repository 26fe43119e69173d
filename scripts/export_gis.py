"""Rule export_gis: the study-area cities with scores, ranks, tiers and top obstacles as a GeoPackage."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core import tables
from urban_resilience.core.io import read_scores, read_table
from urban_resilience.core.logs import logged
from urban_resilience.exports import outputs
from urban_resilience.readers import boundaries

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    wide, long = outputs.gis_layers(gpd.read_file(inp.boundaries), scores, read_table(inp.tiers), read_table(inp.ranks),
                                   tables.read_indicators(inp.indicators), list(params.years), dict(params.dataset))
    overlap = outputs.coverage_overlap(wide)
    log.info("polygons simplified as one coverage at %g degrees; overlap %.2g of their area", outputs.GIS_TOLERANCE,
             overlap)
    if overlap > 1e-6:
        log.warning("the exported polygons overlap (%.2g of their area): the boundaries given do not form a clean "
                    "coverage; the scores are unaffected, only the GeoPackage's outlines", overlap)
    boundaries.write_geopackage(wide, out.gpkg, layer="cities_wide")
    boundaries.write_geopackage(long, out.gpkg, layer="cities_by_year")
    log.info("%s: %d cities (wide, years %s) and %d city-years", out.gpkg, len(wide), list(params.years), len(long))
