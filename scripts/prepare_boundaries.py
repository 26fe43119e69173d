"""Rule prepare_boundaries: write the configured cities' polygons to a GeoPackage."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.logs import logged
from urban_resilience.readers import boundaries

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    params = snakemake.params
    cities = tables.read_cities(snakemake.input.cities)
    frame = boundaries.city_boundaries(
        params.source, list(params.codes), cities, params.path, params.code_column, params.layer
    )
    boundaries.write_geopackage(frame, snakemake.output[0])
    log.info("wrote %d city polygons (%s) to %s", len(frame), params.source, snakemake.output[0])
