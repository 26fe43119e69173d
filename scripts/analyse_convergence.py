"""Rule analyse_convergence: σ and β convergence of the scores."""

from typing import TYPE_CHECKING

from urban_resilience.analysis import spatial
from urban_resilience.core.io import read_scores, read_table, write_user_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import convergence

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    scores = read_scores(inp.scores, None, params.study_area)
    w, codes = spatial.read_study_weights(inp.weights, params.study_area)
    provinces = dict(zip(scores["admin_code"], scores["province_en"]))
    sigma, beta = convergence.convergence_tables(scores, read_table(inp.dispersion), w, codes, list(params.measures),
                                                 provinces, params.min_cities)
    write_user_table(sigma, out.sigma, params.dataset)
    write_user_table(beta, out.beta, params.dataset)
    log.info("%d cities; %d β models of %d measures", len(codes), len(beta), len(params.measures))
