# Raw tables -> raw panel -> indicators -> interpolated panel, and the data-quality summary.


rule assemble_panel:
    """Yearbook extracts + side tables + PM2.5 means -> one city x year table of raw fields."""
    input:
        yearbook=expand("results/extracted/yearbook_{year}.csv", year=YEARBOOK_YEARS),
        panel=PANEL_VALUES,
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
        panel=bool(PANEL_FILE),
        precedence=config["inputs"]["panel"]["precedence"],
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
        cleaning=expand("results/extracted/cleaning_{year}.csv", year=YEARBOOK_YEARS)
        + PANEL_CLEANING,
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
