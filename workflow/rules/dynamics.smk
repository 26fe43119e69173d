# Spatio-temporal dynamics of the scores (issue 24): how cities move between classes, whether
# the gaps close, where hot spots form. Methods in docs/method.md ("Dynamics").


rule analyse_dynamics:
    """The stage's tables in one job: Markov chains (classic, spatial, LISA), σ and β convergence,
    Gi* hot spots, centre of gravity and ellipse, coupling coordination, geographical detector. Each
    is a fraction of a second of arithmetic on the demo; as six jobs they spent most of their time
    importing the PySAL stack six times."""
    input:
        scores="results/index/scores.csv",
        neighbours="results/analysis/spatial_weights.csv",
        dispersion="results/analysis/dispersion_by_year.csv",
        boundaries="results/boundaries/cities.gpkg",
        weights="results/index/weights.csv",
        weights_by_year="results/index/weights_by_year.csv",
        standardised="results/index/standardised.csv",
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
        hotspots=report(
            "results/dynamics/hotspots.csv",
            category="Dynamics",
            caption="../report/hotspots.rst",
        ),
        gravity=report(
            "results/dynamics/gravity_centres.csv",
            category="Dynamics",
            caption="../report/gravity_centres.rst",
        ),
        coupling=report(
            "results/dynamics/coupling.csv",
            category="Dynamics",
            caption="../report/coupling.rst",
        ),
        factor=report(
            "results/dynamics/geodetector_factor.csv",
            category="Dynamics",
            caption="../report/geodetector.rst",
        ),
        interaction="results/dynamics/geodetector_interaction.csv",
        risk="results/dynamics/geodetector_risk.csv",
        ecological="results/dynamics/geodetector_ecological.csv",
    log:
        log_path("analyse_dynamics"),
    benchmark:
        benchmark_path("analyse_dynamics")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        dataset=config["dataset"],
        study_area=STUDY_AREA,
        years=config["figures"]["years"],
        markov=config["dynamics"]["markov"],
        convergence=config["dynamics"]["convergence"],
        hotspots=config["dynamics"]["hotspots"],
        gravity=config["dynamics"]["gravity"],
        coupling=config["dynamics"]["coupling"],
        geodetector=config["dynamics"]["geodetector"],
        permutations=config["spatial"]["permutations"],
        alpha=config["spatial"]["alpha"],
        seed=config["seed"],
        code=code_digest("analyse_dynamics.py"),
    script:
        "../../scripts/analyse_dynamics.py"


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
