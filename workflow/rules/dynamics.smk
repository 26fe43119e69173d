# Spatio-temporal dynamics of the scores (issue 24): how cities move between classes, whether
# the gaps close, where hot spots form. Methods in docs/method.md ("Dynamics").


rule analyse_markov:
    """Classic, neighbour-conditioned (spatial) and LISA Markov chains of tiers or quantile classes."""
    input:
        scores="results/index/scores.csv",
        weights="results/analysis/spatial_weights.csv",
    output:
        transitions=report(
            "results/dynamics/markov_transitions.csv",
            category="Dynamics",
            caption="../report/markov_transitions.rst",
        ),
        classes="results/dynamics/markov_classes.csv",
        passage="results/dynamics/markov_passage_times.csv",
        homogeneity=report(
            "results/dynamics/markov_homogeneity.csv",
            category="Dynamics",
            caption="../report/markov_homogeneity.rst",
        ),
    log:
        log_path("analyse_markov"),
    benchmark:
        benchmark_path("analyse_markov")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        markov=config["dynamics"]["markov"],
        code=code_digest("analyse_markov.py"),
    script:
        "../../scripts/analyse_markov.py"


def dynamics_extra(*names):
    """Publication copies (SVG/PDF) of the dynamics figures besides the PNG in the report."""
    return [f"results/dynamics/{name}.{ext}" for name in names for ext in EXTRA_FORMATS]


rule plot_markov:
    """Transition heat maps of the total: classic beside neighbour-conditioned."""
    input:
        transitions="results/dynamics/markov_transitions.csv",
    output:
        heatmaps=report(
            "results/dynamics/markov.png",
            category="Dynamics",
            caption="../report/fig_markov.rst",
        ),
        extra=dynamics_extra("markov"),
    log:
        log_path("plot_markov"),
    benchmark:
        benchmark_path("plot_markov")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        language=config["figures"]["language"],
        synthetic=config["dataset"]["synthetic"],
        code=code_digest("plot_markov.py"),
    script:
        "../../scripts/plot_markov.py"
