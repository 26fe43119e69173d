# Exports: this run beside the paper's published numbers, the workbook, the GIS layer, the report pages.


rule compare_with_paper:
    """Published weights, means, growth rates, dispersion, primacy and tiers against this run."""
    input:
        published=config["tables"]["published"],
        published_tiers=config["tables"]["published_tiers"],
        scores="results/index/scores.csv",
        weights="results/index/weights.csv",
        tiers="results/analysis/tiers.csv",
        cities=config["tables"]["cities"],
    output:
        comparison="results/reproduction/comparison.csv",  # in the report as results/report/ page
        tiers=report(
            "results/reproduction/tier_confusion.csv",
            category="Reproduction",
            caption="../report/reproduction_tiers.rst",
        ),
    log:
        log_path("compare_with_paper"),
    benchmark:
        benchmark_path("compare_with_paper")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        codes=CITIES,
        study_area=STUDY_AREA,
        first=FIRST_YEAR,
        last=LAST_YEAR,
        dataset=config["dataset"],
        code=code_digest("compare_with_paper.py"),
    script:
        "../../scripts/compare_with_paper.py"


rule plot_reproduction:
    """The paper's indicator weights against this run's, and the tier confusion table."""
    input:
        comparison="results/reproduction/comparison.csv",
        tiers="results/reproduction/tier_confusion.csv",
        indicators=config["tables"]["indicators"],
    output:
        figure=report(
            "results/figures/reproduction.png",
            category="Reproduction",
            caption="../report/fig_reproduction.rst",
        ),
        extra=extra_formats("reproduction"),
    log:
        log_path("plot_reproduction"),
    benchmark:
        benchmark_path("plot_reproduction")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figures=config["figures"],
        synthetic=config["dataset"]["synthetic"],
        year=2019,
        code=code_digest("plot_reproduction.py"),
    script:
        "../../scripts/plot_reproduction.py"


rule export_workbook:
    """The results in one Excel workbook: bilingual headers, ranks, Table 2 layout, top obstacles."""
    input:
        scores="results/index/scores.csv",
        weights="results/index/weights.csv",
        tiers="results/analysis/tiers.csv",
        growth="results/analysis/growth_rates.csv",
        primacy="results/analysis/primacy.csv",
        dispersion="results/analysis/dispersion_by_year.csv",
        ranks="results/obstacles/obstacle_ranks.csv",
        causes="results/panel/imputation_causes.csv",
        comparison="results/reproduction/comparison.csv",
        intervals="results/uncertainty/rank_intervals.csv",
        sobol="results/uncertainty/sobol_indices.csv",
        indicators=config["tables"]["indicators"],
        # the dynamics stage's tables (keys of dynamics.sheets.FILES)
        transitions="results/dynamics/markov_transitions.csv",
        homogeneity="results/dynamics/markov_homogeneity.csv",
        beta="results/dynamics/beta_convergence.csv",
        sigma="results/dynamics/sigma_convergence.csv",
        hotspots="results/dynamics/hotspots.csv",
        gravity="results/dynamics/gravity_centres.csv",
        coupling="results/dynamics/coupling.csv",
        geodetector_factor="results/dynamics/geodetector_factor.csv",
        geodetector_interaction="results/dynamics/geodetector_interaction.csv",
    output:
        workbook=report(
            "results/tables/urban_resilience.xlsx",
            category="Tables",
            caption="../report/workbook.rst",
        ),
        settings=RECORDED_SETTINGS,
    log:
        log_path("export_workbook"),
    benchmark:
        benchmark_path("export_workbook")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        settings=RUN_SETTINGS,
        code=code_digest("export_workbook.py"),
    script:
        "../../scripts/export_workbook.py"


rule export_gis:
    """The study-area cities with scores, ranks, tiers and top obstacles as a GeoPackage (WGS84)."""
    input:
        boundaries="results/boundaries/cities.gpkg",
        scores="results/index/scores.csv",
        tiers="results/analysis/tiers.csv",
        ranks="results/obstacles/obstacle_ranks.csv",
        indicators=config["tables"]["indicators"],
    output:
        gpkg="results/gis/urban_resilience.gpkg",
    log:
        log_path("export_gis"),
    benchmark:
        benchmark_path("export_gis")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        years=config["figures"]["years"],
        code=code_digest("export_gis.py"),
    script:
        "../../scripts/export_gis.py"


rule render_report_pages:
    """Key tables and the data-quality summary as HTML pages, readable inside the report."""
    input:
        weights="results/index/weights.csv",
        means="results/analysis/means_by_year.csv",
        growth="results/analysis/growth_rates.csv",
        dispersion="results/analysis/dispersion_by_year.csv",
        primacy="results/analysis/primacy.csv",
        tiers="results/analysis/tiers.csv",
        comparison="results/reproduction/comparison.csv",
        quality="results/panel/data_quality.md",
        by_indicator="results/panel/coverage_by_indicator.csv",
        by_city="results/panel/coverage_by_city.csv",
        intervals="results/uncertainty/rank_intervals.csv",
        shifts="results/uncertainty/rank_shift.csv",
        sobol="results/uncertainty/sobol_indices.csv",
        consistency="results/audit/consistency.csv",
        correlations="results/audit/correlations.csv",
        distributions="results/audit/distributions.csv",
        importance="results/audit/importance.csv",
    output:
        weights=report(
            "results/report/weights.html",
            category="Index",
            caption="../report/weights.rst",
        ),
        means=report(
            "results/report/means_by_year.html",
            category="Index",
            caption="../report/means.rst",
        ),
        growth=report(
            "results/report/growth_rates.html",
            category="Index",
            caption="../report/growth.rst",
        ),
        dispersion=report(
            "results/report/dispersion_by_year.html",
            category="Disparity",
            caption="../report/dispersion.rst",
        ),
        primacy=report(
            "results/report/primacy.html",
            category="Disparity",
            caption="../report/primacy.rst",
        ),
        tiers=report(
            "results/report/tiers.html",
            category="Disparity",
            caption="../report/tiers.rst",
        ),
        comparison=report(
            "results/report/comparison.html",
            category="Reproduction",
            caption="../report/reproduction_table.rst",
        ),
        quality=report(
            "results/report/data_quality.html",
            category="Data quality",
            caption="../report/data_quality.rst",
        ),
        by_indicator=report(
            "results/report/coverage_by_indicator.html",
            category="Data quality",
            caption="../report/coverage.rst",
        ),
        by_city=report(
            "results/report/coverage_by_city.html",
            category="Data quality",
            caption="../report/coverage.rst",
        ),
        intervals=report(
            "results/report/rank_intervals.html",
            category="Robustness",
            caption="../report/rank_intervals.rst",
        ),
        shifts=report(
            "results/report/rank_shift.html",
            category="Robustness",
            caption="../report/rank_shift.rst",
        ),
        sobol=report(
            "results/report/sobol_indices.html",
            category="Robustness",
            caption="../report/sobol.rst",
        ),
        consistency=report(
            "results/report/consistency.html",
            category="Robustness",
            caption="../report/consistency.rst",
        ),
        correlations=report(
            "results/report/correlations.html",
            category="Robustness",
            caption="../report/correlations.rst",
        ),
        distributions=report(
            "results/report/distributions.html",
            category="Robustness",
            caption="../report/distributions.rst",
        ),
        importance=report(
            "results/report/importance.html",
            category="Robustness",
            caption="../report/importance.rst",
        ),
    log:
        log_path("render_report_pages"),
    benchmark:
        benchmark_path("render_report_pages")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        code=code_digest("render_report_pages.py"),
    script:
        "../../scripts/render_report_pages.py"
