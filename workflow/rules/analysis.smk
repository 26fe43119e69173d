# Analyses of the scores (issue 6): the paper's statistics, spatial autocorrelation, inequality.


rule analyse_scores:
    """Means, growth rates, dispersion, primacy, tiers and obstacle summaries (the paper's statistics)."""
    input:
        scores="results/index/scores.csv",
        cities=config["tables"]["cities"],
        indicators=config["tables"]["indicators"],
        top5="results/obstacles/top5_frequency.csv",
        top1="results/obstacles/top1_frequency.csv",
        dimensions="results/obstacles/obstacle_dimensions.csv",
    output:
        means="results/analysis/means_by_year.csv",  # in the report as results/report/ page
        growth="results/analysis/growth_rates.csv",  # in the report as results/report/ page
        dispersion="results/analysis/dispersion_by_year.csv",  # in the report as results/report/ page
        dispersion_province="results/analysis/dispersion_by_province.csv",
        primacy="results/analysis/primacy.csv",  # in the report as results/report/ page
        tiers="results/analysis/tiers.csv",  # in the report as results/report/ page
        obstacle_frequency=report(
            "results/analysis/obstacle_frequency_first_last.csv",
            category="Obstacles",
            caption="../report/obstacle_frequency.rst",
        ),
        obstacle_shares=report(
            "results/analysis/dimension_obstacle_shares.csv",
            category="Obstacles",
            caption="../report/obstacle_shares.rst",
        ),
    log:
        log_path("analyse_scores"),
    benchmark:
        benchmark_path("analyse_scores")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        cities=CITIES,
        reference=config["classification"]["reference"],
        code=code_digest("analyse_scores.py"),
    script:
        "../../scripts/analyse_scores.py"


rule compute_spatial_weights:
    """Neighbours of the study-area cities; depends on the boundaries only, so a data fix keeps it."""
    input:
        boundaries="results/boundaries/cities.gpkg",
    output:
        weights="results/analysis/spatial_weights.csv",
    log:
        log_path("compute_spatial_weights"),
    benchmark:
        benchmark_path("compute_spatial_weights")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        weights=config["spatial"]["weights"],
        k=config["spatial"]["k"],
        code=code_digest("compute_spatial_weights.py"),
    script:
        "../../scripts/compute_spatial_weights.py"


rule analyse_spatial:
    """Global Moran's I and local Moran (LISA) clusters of every measure, per year."""
    input:
        scores="results/index/scores.csv",
        weights="results/analysis/spatial_weights.csv",
    output:
        moran=report(
            "results/analysis/moran_global.csv",
            category="Spatial",
            caption="../report/moran.rst",
        ),
        lisa="results/analysis/lisa.csv",
    log:
        log_path("analyse_spatial"),
    benchmark:
        benchmark_path("analyse_spatial")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        permutations=config["spatial"]["permutations"],
        alpha=config["spatial"]["alpha"],
        min_cities=config["spatial"]["min_cities"],
        seed=config["seed"],
        code=code_digest("analyse_spatial.py"),
    script:
        "../../scripts/analyse_spatial.py"


rule analyse_inequality:
    """Theil (between/within provinces) and Dagum Gini decompositions; kernel densities."""
    input:
        scores="results/index/scores.csv",
    output:
        inequality=report(
            "results/analysis/inequality.csv",
            category="Disparity",
            caption="../report/inequality.rst",
        ),
        kde="results/analysis/kernel_density.csv",
    log:
        log_path("analyse_inequality"),
    benchmark:
        benchmark_path("analyse_inequality")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        code=code_digest("analyse_inequality.py"),
    script:
        "../../scripts/analyse_inequality.py"
