# The index (issue 5): pooled standardisation, weights, scores, obstacle degrees.


rule standardise_indicators:
    """Range standardisation pooled over all cities and years, direction from the indicator table."""
    input:
        panel="results/panel/indicators.csv",
        indicators=config["tables"]["indicators"],
    output:
        standardised="results/index/standardised.csv",
        ranges="results/index/standardisation.csv",
    log:
        log_path("standardise_indicators"),
    benchmark:
        benchmark_path("standardise_indicators")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        code=code_digest("standardise_indicators.py"),
    script:
        "../../scripts/standardise_indicators.py"


rule compute_weights:
    """Indicator and dimension weights by the configured method (default: pooled entropy)."""
    input:
        standardised="results/index/standardised.csv",
        indicators=config["tables"]["indicators"],
    output:
        weights="results/index/weights.csv",  # in the report as results/report/ page
        by_year="results/index/weights_by_year.csv",
    log:
        log_path("compute_weights"),
    benchmark:
        benchmark_path("compute_weights")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        method=config["weighting"]["method"],
        shift=config["standardisation"]["shift"],
        dataset=config["dataset"],
        code=code_digest("compute_weights.py"),
    script:
        "../../scripts/compute_weights.py"


rule compute_scores:
    """Dimension scores and total resilience for every city and year."""
    input:
        standardised="results/index/standardised.csv",
        by_year="results/index/weights_by_year.csv",
        indicators=config["tables"]["indicators"],
        cities=config["tables"]["cities"],
    output:
        report(
            "results/index/scores.csv",
            category="Index",
            caption="../report/scores.rst",
        ),
    log:
        log_path("compute_scores"),
    benchmark:
        benchmark_path("compute_scores")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        code=code_digest("compute_scores.py"),
    script:
        "../../scripts/compute_scores.py"


rule compute_obstacles:
    """Obstacle degree of every indicator and dimension, ranks, top-5 / top-1 frequencies."""
    input:
        standardised="results/index/standardised.csv",
        by_year="results/index/weights_by_year.csv",
        indicators=config["tables"]["indicators"],
    output:
        degrees="results/obstacles/obstacle_degrees.csv",
        dimensions="results/obstacles/obstacle_dimensions.csv",
        ranks="results/obstacles/obstacle_ranks.csv",
        top5=report(
            "results/obstacles/top5_frequency.csv",
            category="Obstacles",
            caption="../report/top_frequency.rst",
        ),
        top1="results/obstacles/top1_frequency.csv",
    log:
        log_path("compute_obstacles"),
    benchmark:
        benchmark_path("compute_obstacles")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        code=code_digest("compute_obstacles.py"),
    script:
        "../../scripts/compute_obstacles.py"
