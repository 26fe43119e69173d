# Figures (issue 6): PNG for the report, plus the configured publication formats.


rule plot_trends:
    """Dimension means over time, per-city totals, inequality decompositions, kernel densities."""
    input:
        means="results/analysis/means_by_year.csv",
        scores="results/index/scores.csv",
        inequality="results/analysis/inequality.csv",
        kde="results/analysis/kernel_density.csv",
        cities=config["tables"]["cities"],
    output:
        means=report(
            "results/figures/dimension_means.png",
            category="Index",
            caption="../report/fig_means.rst",
        ),
        cities=report(
            "results/figures/city_totals.png",
            category="Index",
            caption="../report/fig_cities.rst",
        ),
        inequality=report(
            "results/figures/inequality.png",
            category="Disparity",
            caption="../report/fig_inequality.rst",
        ),
        kde=report(
            "results/figures/kernel_density.png",
            category="Disparity",
            caption="../report/fig_kde.rst",
        ),
        extra=extra_formats(
            "dimension_means", "city_totals", "inequality", "kernel_density"
        ),
    log:
        log_path("plot_trends"),
    benchmark:
        benchmark_path("plot_trends")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figures=config["figures"],
        study_area=STUDY_AREA,
        synthetic=config["dataset"]["synthetic"],
        code=code_digest("plot_trends.py"),
    script:
        "../../scripts/plot_trends.py"


rule plot_maps:
    """Choropleths of every dimension and the total, tier map, LISA cluster map."""
    input:
        scores="results/index/scores.csv",
        boundaries="results/boundaries/cities.gpkg",
        tiers="results/analysis/tiers.csv",
        lisa="results/analysis/lisa.csv",
    output:
        maps=report(
            "results/figures/maps.png",
            category="Index",
            caption="../report/fig_maps.rst",
        ),
        tiers=report(
            "results/figures/tiers.png",
            category="Disparity",
            caption="../report/fig_tiers.rst",
        ),
        lisa=report(
            "results/figures/lisa.png",
            category="Spatial",
            caption="../report/fig_lisa.rst",
        ),
        extra=extra_formats("maps", "tiers", "lisa"),
    log:
        log_path("plot_maps"),
    benchmark:
        benchmark_path("plot_maps")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figures=config["figures"],
        study_area=STUDY_AREA,
        synthetic=config["dataset"]["synthetic"],
        reference=config["classification"]["reference"],
        code=code_digest("plot_maps.py"),
    script:
        "../../scripts/plot_maps.py"


rule plot_obstacles:
    """Heat map of obstacle degrees, cities x indicators, in the last year."""
    input:
        degrees="results/obstacles/obstacle_degrees.csv",
        cities=config["tables"]["cities"],
        indicators=config["tables"]["indicators"],
    output:
        heatmap=report(
            "results/figures/obstacles.png",
            category="Obstacles",
            caption="../report/fig_obstacles.rst",
        ),
        extra=extra_formats("obstacles"),
    log:
        log_path("plot_obstacles"),
    benchmark:
        benchmark_path("plot_obstacles")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figures=config["figures"],
        study_area=STUDY_AREA,
        synthetic=config["dataset"]["synthetic"],
        year=LAST_YEAR,
        code=code_digest("plot_obstacles.py"),
    script:
        "../../scripts/plot_obstacles.py"


rule render_explorer:
    """One offline HTML page: the maps over the years, city profiles, the rank uncertainty."""
    input:
        scores="results/index/scores.csv",
        tiers="results/analysis/tiers.csv",
        intervals="results/uncertainty/rank_intervals.csv",
        obstacles="results/obstacles/obstacle_ranks.csv",
        causes="results/panel/imputation_causes.csv",
        boundaries="results/boundaries/cities.gpkg",
        indicators=config["tables"]["indicators"],
        # the page's script and style (code_digest follows Python imports only)
        page=package_files("figures/explorer.js", "figures/explorer.css"),
    output:
        report(
            "results/explorer.html",
            category="Explorer",
            caption="../report/explorer.rst",
        ),
    log:
        log_path("render_explorer"),
    benchmark:
        benchmark_path("render_explorer")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        study_area=STUDY_AREA,
        classes=config["figures"]["classes"],
        breaks=config["figures"]["breaks"],
        dataset=config["dataset"],
        settings=RUN_SETTINGS,
        code=code_digest("render_explorer.py"),
    script:
        "../../scripts/render_explorer.py"
