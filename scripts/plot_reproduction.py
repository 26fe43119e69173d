"""Rule plot_reproduction: the paper's weights against this run's, and the tier confusion table (a
panel whose rows are not comparable with the paper says so instead)."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables
from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.exports import reproduction
from urban_resilience.figures import plots

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    plots.setup_fonts()
    comparison = read_table(inp.comparison, dtype={"group": str, "reason": str}, keep_default_na=False,
                            na_values={c: [""] for c in ("published", "this_run", "difference", "relative_difference")})
    confusion = read_table(inp.tiers, dtype={"reason": str}, keep_default_na=False)
    confusion.attrs["year"] = params.year
    language = params.figures["language"]  # the reasons in the figure's language, as its other text
    comparison["reason"] = comparison["reason"].map(lambda reason: reproduction.reason_text(reason, language))
    confusion["reason"] = confusion["reason"].map(lambda reason: reproduction.reason_text(reason, language))
    indicators = tables.read_indicators(inp.indicators)
    rho = reproduction.weight_rank_correlation(comparison)
    figure = plots.reproduction(comparison, dict(zip(indicators["code"], indicators["dimension"])), confusion, rho,
                                  language, params.synthetic)
    plots.save(figure, plots.output_paths(out.figure, out.extra))
    log.info("weights scatter (rho %.3f) and tier confusion; comparable: weights %s, tiers %s", rho,
             bool(comparison.loc[comparison["quantity"] == "indicator_weight", "comparable"].all()),
             bool(confusion["comparable"].all()))
