"""Rule plot_maps: choropleths, tier map and LISA cluster map."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.core.io import read_scores, read_table
from urban_resilience.core.labels import label
from urban_resilience.core.logs import logged
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    language, synthetic, years = params.figures["language"], params.synthetic, params.figures["years"]
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = plots.for_drawing(boundaries[boundaries["admin_code"].isin(params.study_area)])
    scores = read_scores(inp.scores, None, params.study_area)
    plots.save(plots.choropleths(boundaries, scores, years, params.figures["classes"],
                                     params.figures["breaks"], language, synthetic,
                                     per_year=params.figures["classification"] == "per_year",
                                     city_labels=params.figures["city_labels"], region=params.figures["region"]),
                 plots.output_paths(out.maps, out.extra), trim=False)
    tiers = read_table(inp.tiers)
    last = int(tiers["year"].max())
    reference = (label(f"reference_{params.reference}", language) if isinstance(params.reference, str)
                 else f"{params.reference:g}")
    plots.save(plots.category_map(boundaries, tiers[tiers["year"] == last], "tier", plots.TIER_COLOURS,
                                      label("fig_tiers", language, year=last, reference=reference), language,
                                      synthetic), plots.output_paths(out.tiers, out.extra))
    plots.save(plots.lisa_map(boundaries, read_table(inp.lisa), years, language, synthetic),
               plots.output_paths(out.lisa, out.extra))
    log.info("maps for %s in %s", years, language)
