"""Rule analyse_dynamics: Markov chains, convergence, hot spots, centre of gravity, coupling
coordination and the geographical detector of the scores."""

from typing import TYPE_CHECKING

import geopandas as gpd

from urban_resilience.analysis import spatial
from urban_resilience.core.io import read_scores, read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.core.vocabulary import DIMENSIONS
from urban_resilience.dynamics import centrography, convergence, coupling, geodetector, hotspots, markov

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    w, codes = spatial.read_study_weights(inp.neighbours, params.study_area)

    options = params.markov
    tables = markov.markov_tables(scores, w, codes, list(options["measures"]), options["classes"], options["k"],
                                  options["min_transitions"])
    for name in ("transitions", "classes", "passage", "homogeneity"):
        write_user_table(tables[name], out[name], params.dataset)
    for warning in tables["warnings"]:
        log.warning(warning)
    log.info("Markov: %d cities, %d transitions per chain; classes: %s", len(codes),
             int(tables["homogeneity"]["transitions"].iloc[0]), options["classes"])

    options = params.convergence
    provinces = dict(zip(scores["admin_code"], scores["province_en"]))
    sigma, beta = convergence.convergence_tables(scores, read_table(inp.dispersion), w, codes,
                                                 list(options["measures"]), provinces, options["min_cities"])
    write_user_table(sigma, out.sigma, params.dataset)
    write_user_table(beta, out.beta, params.dataset)
    log.info("convergence: %d β models of %d measures", len(beta), len(options["measures"]))

    options = params.hotspots
    table = hotspots.hotspots_by_year(scores, w, codes, list(params.years), list(options["measures"]),
                                      params.permutations, params.seed, params.alpha, options["min_cities"])
    write_user_table(table, out.hotspots, params.dataset)
    counts = table.groupby(["measure", "year"])["hotspot"].value_counts().to_dict()
    log.info("hot spots: classes per measure and year: %s", counts)

    options = params.gravity
    boundaries = gpd.read_file(inp.boundaries)
    centroids = centrography.projected_centroids(boundaries[boundaries["admin_code"].isin(params.study_area)],
                                                 options["crs"])
    table = centrography.gravity_table(scores, centroids, list(options["measures"]), options["crs"])
    write_user_table(table, out.gravity, params.dataset)
    log.info("centre of gravity: summed shifts (km): %s",
             table.groupby("measure")["shift_km"].sum().round(1).to_dict())

    maxima = coupling.dimension_maxima(read_table(inp.weights_by_year), read_table(inp.weights)[["code", "dimension"]])
    table = coupling.coupling_table(scores, maxima, params.coupling["alpha"])
    write_user_table(table, out.coupling, params.dataset)
    last = table[table["year"] == table["year"].max()]
    log.info("coupling: %d city-years; last year's classes: %s", len(table), last["class"].value_counts().to_dict())

    standardised = read_table(inp.standardised, dtype={"admin_code": str})
    standardised = standardised[standardised["admin_code"].isin(params.study_area)]
    tables = geodetector.geodetector_tables(scores, standardised, list(params.years), list(DIMENSIONS),
                                            list(params.geodetector["classes"]))
    for name in ("factor", "interaction", "risk", "ecological"):
        write_user_table(tables[name], out[name], params.dataset)
    top = tables["factor"].sort_values("q", ascending=False).groupby("year").head(3)
    log.info("geographical detector: largest q per year: %s",
             list(zip(top["year"], top["factor"], top["q"].round(3))))
