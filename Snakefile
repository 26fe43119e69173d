# Urban resilience of Chinese cities: yearbooks + PM2.5 grids -> weights, scores, obstacles,
# disparities, maps and a report. See README.md (the method is described there).
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


configfile: Path(workflow.basedir) / "config.yaml"  # also when --directory runs elsewhere


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/readers.smk"
include: "workflow/rules/panel.smk"
include: "workflow/rules/index.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/exports.smk"
include: "workflow/rules/robustness.smk"
include: "workflow/rules/dynamics.smk"


# Rules that take a fraction of a second run on the submit host, never as cluster jobs.
localrules:
    all,
    derive_indicators,
    interpolate_panel,
    summarise_data_quality,
    standardise_indicators,
    compute_weights,
    compute_scores,
    compute_obstacles,
    compare_with_paper,
    render_report_pages,
    sample_design,
    audit_index,


rule all:
    default_target: True
    input:
        "results/boundaries/cities.gpkg",
        "results/panel/indicators.csv",
        "results/panel/data_quality.md",
        "results/index/weights.csv",
        "results/index/scores.csv",
        "results/obstacles/top5_frequency.csv",
        "results/analysis/growth_rates.csv",
        "results/analysis/moran_global.csv",
        "results/analysis/inequality.csv",
        "results/figures/dimension_means.png",
        "results/figures/maps.png",
        "results/figures/obstacles.png",
        "results/reproduction/comparison.csv",
        "results/figures/reproduction.png",
        "results/tables/urban_resilience.xlsx",
        "results/gis/urban_resilience.gpkg",
        "results/report/weights.html",
        "results/figures/rank_uncertainty.png",
        "results/explorer.html",
        "results/dynamics/markov_homogeneity.csv",
        "results/dynamics/markov.png",
        "results/dynamics/beta_convergence.csv",
        "results/dynamics/convergence.png",
        "results/dynamics/hotspots.png",
        "results/dynamics/gravity.png",
        "results/dynamics/coupling.png",
        "results/dynamics/geodetector_factor.csv",


onsuccess:
    # what was imputed and why, where the user looks at the end of a run
    summary = Path("results/panel/data_quality_summary.txt")
    if summary.exists():
        print(summary.read_text(encoding="utf-8"), end="")
