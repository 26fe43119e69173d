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


rule analyse_convergence:
    """σ convergence (CV, SD of logs) and β convergence: cross-section, panel, spatial."""
    input:
        scores="results/index/scores.csv",
        dispersion="results/analysis/dispersion_by_year.csv",
        weights="results/analysis/spatial_weights.csv",
    output:
        sigma=report(
            "results/dynamics/sigma_convergence.csv",
            category="Dynamics",
            caption="../report/sigma_convergence.rst",
        ),
        beta=report(
            "results/dynamics/beta_convergence.csv",
            category="Dynamics",
            caption="../report/beta_convergence.rst",
        ),
    log:
        log_path("analyse_convergence"),
    benchmark:
        benchmark_path("analyse_convergence")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        measures=config["dynamics"]["convergence"]["measures"],
        min_cities=config["dynamics"]["convergence"]["min_cities"],
        code=code_digest("analyse_convergence.py"),
    script:
        "../../scripts/analyse_convergence.py"


rule analyse_hotspots:
    """Getis-Ord Gi* hot and cold spots in the figure years, FDR-controlled like the LISA."""
    input:
        scores="results/index/scores.csv",
        weights="results/analysis/spatial_weights.csv",
    output:
        hotspots=report(
            "results/dynamics/hotspots.csv",
            category="Dynamics",
            caption="../report/hotspots.rst",
        ),
    log:
        log_path("analyse_hotspots"),
    benchmark:
        benchmark_path("analyse_hotspots")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        years=config["figures"]["years"],
        hotspots=config["dynamics"]["hotspots"],
        permutations=config["spatial"]["permutations"],
        alpha=config["spatial"]["alpha"],
        seed=config["seed"],
        code=code_digest("analyse_hotspots.py"),
    script:
        "../../scripts/analyse_hotspots.py"


rule analyse_gravity:
    """Centre of gravity and standard deviational ellipse of each measure per year, with centre shifts."""
    input:
        scores="results/index/scores.csv",
        boundaries="results/boundaries/cities.gpkg",
    output:
        gravity=report(
            "results/dynamics/gravity_centres.csv",
            category="Dynamics",
            caption="../report/gravity_centres.rst",
        ),
    log:
        log_path("analyse_gravity"),
    benchmark:
        benchmark_path("analyse_gravity")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        gravity=config["dynamics"]["gravity"],
        code=code_digest("analyse_gravity.py"),
    script:
        "../../scripts/analyse_gravity.py"


rule analyse_coupling:
    """Coupling (C), development (T) and coordination (D) of the five dimensions per city-year."""
    input:
        scores="results/index/scores.csv",
        weights="results/index/weights.csv",
        weights_by_year="results/index/weights_by_year.csv",
    output:
        coupling=report(
            "results/dynamics/coupling.csv",
            category="Dynamics",
            caption="../report/coupling.rst",
        ),
    log:
        log_path("analyse_coupling"),
    benchmark:
        benchmark_path("analyse_coupling")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        alpha=config["dynamics"]["coupling"]["alpha"],
        code=code_digest("analyse_coupling.py"),
    script:
        "../../scripts/analyse_coupling.py"


rule analyse_geodetector:
    """Geographical detector (factor, interaction, risk, ecological) of the total in the figure years."""
    input:
        scores="results/index/scores.csv",
        standardised="results/index/standardised.csv",
    output:
        factor=report(
            "results/dynamics/geodetector_factor.csv",
            category="Dynamics",
            caption="../report/geodetector.rst",
        ),
        interaction="results/dynamics/geodetector_interaction.csv",
        risk="results/dynamics/geodetector_risk.csv",
        ecological="results/dynamics/geodetector_ecological.csv",
    log:
        log_path("analyse_geodetector"),
    benchmark:
        benchmark_path("analyse_geodetector")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        years=config["figures"]["years"],
        classes=config["dynamics"]["geodetector"]["classes"],
        code=code_digest("analyse_geodetector.py"),
    script:
        "../../scripts/analyse_geodetector.py"


rule plot_dynamics:
    """The stage's five figures in one job (each alone would spend most of its time importing
    matplotlib and geopandas): Markov heat maps, convergence, hot-spot map, centre of gravity,
    coordination map."""
    input:
        transitions="results/dynamics/markov_transitions.csv",
        sigma="results/dynamics/sigma_convergence.csv",
        beta="results/dynamics/beta_convergence.csv",
        hotspots="results/dynamics/hotspots.csv",
        gravity="results/dynamics/gravity_centres.csv",
        coupling="results/dynamics/coupling.csv",
        scores="results/index/scores.csv",
        boundaries="results/boundaries/cities.gpkg",
    output:
        markov=report(
            "results/dynamics/markov.png",
            category="Dynamics",
            caption="../report/fig_markov.rst",
        ),
        convergence=report(
            "results/dynamics/convergence.png",
            category="Dynamics",
            caption="../report/fig_convergence.rst",
        ),
        hotspots=report(
            "results/dynamics/hotspots.png",
            category="Dynamics",
            caption="../report/fig_hotspots.rst",
        ),
        gravity=report(
            "results/dynamics/gravity.png",
            category="Dynamics",
            caption="../report/fig_gravity.rst",
        ),
        coupling=report(
            "results/dynamics/coupling.png",
            category="Dynamics",
            caption="../report/fig_coupling.rst",
        ),
        extra=[
            f"results/dynamics/{name}.{ext}"
            for name in ("markov", "convergence", "hotspots", "gravity", "coupling")
            for ext in EXTRA_FORMATS
        ],
    log:
        log_path("plot_dynamics"),
    benchmark:
        benchmark_path("plot_dynamics")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=5,
    params:
        study_area=STUDY_AREA,
        years=config["figures"]["years"],
        hotspot_measure=config["dynamics"]["hotspots"]["measures"][0],
        gravity_measure=config["dynamics"]["gravity"]["measures"][0],
        crs=config["dynamics"]["gravity"]["crs"],
        language=config["figures"]["language"],
        synthetic=config["dataset"]["synthetic"],
        code=code_digest("plot_dynamics.py"),
    script:
        "../../scripts/plot_dynamics.py"
