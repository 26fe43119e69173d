# Raw inputs -> raw panel -> indicators -> interpolated panel (issue 3), and PM2.5 sampling.


rule extract_yearbook:
    """One edition's workbook -> tidy long table of raw fields and a cleaning log."""
    input:
        workbook=yearbook_file,
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
        code=code_digest("extract_yearbook.py"),
    script:
        "../../scripts/extract_yearbook.py"


rule rasterize_cities:
    """Cell -> city zone raster on the PM2.5 grid, computed once and reused for every year."""
    input:
        boundaries="results/boundaries/cities.gpkg",
        # only the grid's geometry is used: a new raster of that year must not redo every year's
        # sampling (sample_pm25 stops if a grid's georeferencing differs from these zones')
        grid=ancient(pm25_path(FIRST_YEAR)),
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
        code=code_digest("sample_pm25.py"),
    script:
        "../../scripts/sample_pm25.py"


rule assemble_panel:
    """Yearbook extracts + side tables + PM2.5 means -> one city x year table of raw fields."""
    input:
        yearbook=expand("results/extracted/yearbook_{year}.csv", year=RAW_YEARS),
        pm25=expand("results/pm25/pm25_{year}.csv", year=PM25_YEARS),
        hsr_stations=config["inputs"]["hsr_stations"],
        patents=config["inputs"]["patents"],
        exchange_rates=config["inputs"]["exchange_rates"],
        raw_fields=config["tables"]["raw_fields"],
        cities=config["tables"]["cities"],
        admin_codes=config["tables"]["admin_codes"],
        known_breaks=config["tables"]["known_breaks"],
    output:
        panel="results/panel/raw_panel.csv",
        cleaning="results/panel/cleaning_side_tables.csv",
    log:
        log_path("assemble_panel"),
    benchmark:
        benchmark_path("assemble_panel")
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        codes=CITIES,
        years=RAW_YEARS,
        year_end=config["hsr"]["year_end"],
        magnitude_factor=config["checks"]["magnitude_factor"],
        edition_offset=config["inputs"]["yearbook"]["edition_offset"],
        pm25_grids=[pm25_path(year) for year in PM25_YEARS],
        code=code_digest("assemble_panel.py"),
    script:
        "../../scripts/assemble_panel.py"


rule derive_indicators:
    """Evaluate every indicator formula of the indicator table on the raw panel."""
    input:
        panel="results/panel/raw_panel.csv",
        indicators=config["tables"]["indicators"],
        raw_fields=config["tables"]["raw_fields"],
    output:
        indicators="results/panel/indicators_observed.csv",
        cleaning="results/panel/cleaning_formulas.csv",
    log:
        log_path("derive_indicators"),
    benchmark:
        benchmark_path("derive_indicators")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        years=list(range(FIRST_YEAR, LAST_YEAR + 1)),
        code=code_digest("derive_indicators.py"),
    script:
        "../../scripts/derive_indicators.py"


rule interpolate_panel:
    """Fill gaps per city and indicator; flag every filled cell; coverage tables."""
    input:
        observed="results/panel/indicators_observed.csv",
        indicators=config["tables"]["indicators"],
    output:
        panel="results/panel/indicators.csv",
        imputed="results/panel/imputed.csv",
        by_indicator="results/panel/coverage_by_indicator.csv",
        by_city="results/panel/coverage_by_city.csv",
    log:
        log_path("interpolate_panel"),
    benchmark:
        benchmark_path("interpolate_panel")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        ends=config["interpolation"]["ends"],
        max_gap=config["interpolation"]["max_gap"],
        code=code_digest("interpolate_panel.py"),
    script:
        "../../scripts/interpolate_panel.py"


rule summarise_data_quality:
    """Every cleaning decision in one table, the cause of every imputed cell, a readable summary."""
    input:
        cleaning=expand("results/extracted/cleaning_{year}.csv", year=RAW_YEARS),
        side="results/panel/cleaning_side_tables.csv",
        formulas="results/panel/cleaning_formulas.csv",
        raw="results/panel/raw_panel.csv",
        imputed="results/panel/imputed.csv",
        by_indicator="results/panel/coverage_by_indicator.csv",
        by_city="results/panel/coverage_by_city.csv",
        indicators=config["tables"]["indicators"],
        raw_fields=config["tables"]["raw_fields"],
        cities=config["tables"]["cities"],
    output:
        log=report(
            "results/panel/cleaning_log.csv",
            category="Data quality",
            caption="../report/cleaning.rst",
        ),
        causes=report(
            "results/panel/imputation_causes.csv",
            category="Data quality",
            caption="../report/imputation_causes.rst",
        ),
        summary="results/panel/data_quality.md",
        text="results/panel/data_quality_summary.txt",
    log:
        log_path("summarise_data_quality"),
    benchmark:
        benchmark_path("summarise_data_quality")
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        dataset=config["dataset"],
        code=code_digest("summarise_data_quality.py"),
    script:
        "../../scripts/summarise_data_quality.py"
