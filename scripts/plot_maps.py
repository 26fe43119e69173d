"""Rule plot_maps: choropleths, tier map and LISA cluster map."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience import figures
from urban_resilience.io import read_scores, read_table
from urban_resilience.labels import label
from urban_resilience.logs import logged

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    figures.setup_fonts()
    language, synthetic, years = params.figures["language"], params.synthetic, params.figures["years"]
    boundaries = gpd.read_file(inp.boundaries)
    boundaries = figures.for_drawing(boundaries[boundaries["admin_code"].isin(params.study_area)])
    scores = read_scores(inp.scores, None, params.study_area)
    figures.save(figures.choropleths(boundaries, scores, years, params.figures["classes"],
                                     params.figures["breaks"], language, synthetic,
                                     per_year=params.figures["classification"] == "per_year",
                                     city_labels=params.figures["city_labels"], region=params.figures["region"]),
                 figures.output_paths(out.maps, out.extra), trim=False)
    tiers = read_table(inp.tiers)
    last = int(tiers["year"].max())
    reference = (label(f"reference_{params.reference}", language) if isinstance(params.reference, str)
                 else f"{params.reference:g}")
    figures.save(figures.category_map(boundaries, tiers[tiers["year"] == last], "tier", figures.TIER_COLOURS,
                                      label("fig_tiers", language, year=last, reference=reference), language,
                                      synthetic), figures.output_paths(out.tiers, out.extra))
    lisa = read_table(inp.lisa)
    lisa = lisa[lisa["measure"] == "total"]
    panels = [(str(year), lisa[lisa["year"] == year]) for year in years]
    figures.save(figures.category_map(boundaries, lisa, "cluster", figures.LISA_COLOURS, label("fig_lisa", language),
                                      language, synthetic, panels), figures.output_paths(out.lisa, out.extra))
    log.info("maps for %s in %s", years, language)
