"""Rule prepare_boundaries: write the configured cities' polygons to a GeoPackage."""

from urban_resilience import boundaries, tables
from urban_resilience.logs import logged

with logged(snakemake.log[0]) as log:  # noqa: F821 (snakemake is injected)
    params = snakemake.params  # noqa: F821
    cities = tables.read_cities(snakemake.input.cities)  # noqa: F821
    frame = boundaries.city_boundaries(
        params.source, list(params.codes), cities, params.path, params.code_column, params.layer
    )
    boundaries.write_geopackage(frame, snakemake.output[0])  # noqa: F821
    log.info("wrote %d city polygons (%s) to %s", len(frame), params.source, snakemake.output[0])  # noqa: F821
