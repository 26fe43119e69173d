# The robustness stage (issue 13): uncertainty and sensitivity analysis of the ranks, and a
# statistical audit of the index.

UNCERTAINTY = config["uncertainty"]
CHUNKS = range(UNCERTAINTY["chunks"])


rule impute_alternatives:
    """The observed panel filled by every imputation alternative of the uncertainty analysis."""
    input:
        observed="results/panel/indicators_observed.csv",
        indicators=config["tables"]["indicators"],
    output:
        panels="results/uncertainty/panels.csv",
    log:
        log_path("impute_alternatives"),
    benchmark:
        benchmark_path("impute_alternatives")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        imputations=UNCERTAINTY["inputs"]["imputation"],
        short_max_gap=UNCERTAINTY["inputs"]["short_max_gap"],
        ends=config["interpolation"]["ends"],
        max_gap=config["interpolation"]["max_gap"],
        code=code_digest("impute_alternatives.py"),
    script:
        "../../scripts/impute_alternatives.py"


rule sample_design:
    """Quasi-random design (SALib: Sobol' sequence, Saltelli cross-sampling) decoded to choices."""
    input:
        indicators=config["tables"]["indicators"],
    output:
        design="results/uncertainty/design.csv",
    log:
        log_path("sample_design"),
    benchmark:
        benchmark_path("sample_design")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        inputs=UNCERTAINTY["inputs"],
        base_samples=UNCERTAINTY["base_samples"],
        seed=UNCERTAINTY["seed"],
        code=code_digest("sample_design.py"),
    script:
        "../../scripts/sample_design.py"


rule evaluate_samples:
    """The index of one chunk of samples at once; ranks and tiers of the study-area cities."""
    input:
        panels="results/uncertainty/panels.csv",
        design="results/uncertainty/design.csv",
        scores="results/index/scores.csv",
        indicators=config["tables"]["indicators"],
    output:
        ranks="results/uncertainty/chunks/ranks_{chunk}.npy",
    log:
        log_path("evaluate_samples", "_{chunk}"),
    benchmark:
        benchmark_path("evaluate_samples", "_{chunk}")
    wildcard_constraints:
        chunk=r"\d+",
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        chunks=UNCERTAINTY["chunks"],
        weight_noise=UNCERTAINTY["inputs"]["weight_noise"],
        seed=UNCERTAINTY["seed"],
        study_area=STUDY_AREA,
        reference=config["classification"]["reference"],
        code=code_digest("evaluate_samples.py"),
    script:
        "../../scripts/evaluate_samples.py"


rule analyse_uncertainty:
    """Gather the chunks: rank intervals and tier shares, rank shifts, Sobol' indices."""
    input:
        design="results/uncertainty/design.csv",
        chunks=expand("results/uncertainty/chunks/ranks_{chunk}.npy", chunk=CHUNKS),
        scores="results/index/scores.csv",
        indicators=config["tables"]["indicators"],
        cities=config["tables"]["cities"],
    output:
        intervals="results/uncertainty/rank_intervals.csv",  # in the report as results/report/ page
        shifts="results/uncertainty/rank_shift.csv",  # in the report as results/report/ page
        sobol="results/uncertainty/sobol_indices.csv",  # in the report as results/report/ page
    log:
        log_path("analyse_uncertainty"),
    benchmark:
        benchmark_path("analyse_uncertainty")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        inputs=UNCERTAINTY["inputs"],
        resamples=UNCERTAINTY["resamples"],
        confidence=UNCERTAINTY["confidence"],
        seed=UNCERTAINTY["seed"],
        study_area=STUDY_AREA,
        dataset=config["dataset"],
        code=code_digest("analyse_uncertainty.py"),
    script:
        "../../scripts/analyse_uncertainty.py"


rule audit_index:
    """Correlations, Cronbach's alpha, first principal component, skewness/kurtosis, importance."""
    input:
        standardised="results/index/standardised.csv",
        panel="results/panel/indicators.csv",
        scores="results/index/scores.csv",
        weights="results/index/weights.csv",
        indicators=config["tables"]["indicators"],
    output:
        correlations="results/audit/correlations.csv",  # in the report as results/report/ page
        matrix="results/audit/indicator_correlations.csv",
        consistency="results/audit/consistency.csv",  # in the report as results/report/ page
        distributions="results/audit/distributions.csv",  # in the report as results/report/ page
        importance="results/audit/importance.csv",  # in the report as results/report/ page
    log:
        log_path("audit_index"),
    benchmark:
        benchmark_path("audit_index")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        audit=config["audit"],
        dataset=config["dataset"],
        code=code_digest("audit_index.py"),
    script:
        "../../scripts/audit_index.py"


rule plot_robustness:
    """Rank uncertainty, Sobol' indices, correlation heat map, importance against weight."""
    input:
        intervals="results/uncertainty/rank_intervals.csv",
        sobol="results/uncertainty/sobol_indices.csv",
        matrix="results/audit/indicator_correlations.csv",
        importance="results/audit/importance.csv",
        cities=config["tables"]["cities"],
        indicators=config["tables"]["indicators"],
    output:
        ranks=report(
            "results/figures/rank_uncertainty.png",
            category="Robustness",
            caption="../report/fig_rank_uncertainty.rst",
        ),
        sobol=report(
            "results/figures/sobol_indices.png",
            category="Robustness",
            caption="../report/fig_sobol.rst",
        ),
        correlations=report(
            "results/figures/indicator_correlations.png",
            category="Robustness",
            caption="../report/fig_correlations.rst",
        ),
        importance=report(
            "results/figures/importance.png",
            category="Robustness",
            caption="../report/fig_importance.rst",
        ),
        extra=extra_formats(
            "rank_uncertainty", "sobol_indices", "indicator_correlations", "importance"
        ),
    log:
        log_path("plot_robustness"),
    benchmark:
        benchmark_path("plot_robustness")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figures=config["figures"],
        years=sorted({*config["figures"]["years"], LAST_YEAR}),
        synthetic=config["dataset"]["synthetic"],
        code=code_digest("plot_robustness.py"),
    script:
        "../../scripts/plot_robustness.py"
