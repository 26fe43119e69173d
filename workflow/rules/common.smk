# Shared set-up: validate the config and the reference tables before any job runs, and derive
# the lists (cities, years) the rules fan out over.
import json
import sys
from pathlib import Path

import yaml
from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))
import code_digest as code_tracking  # noqa: E402  (workflow machinery beside the rules)

from urban_resilience.gate import inputs
from urban_resilience.core import schema
from urban_resilience.core import tables
from urban_resilience.readers.yearbook import folder_problem, table_files
from urban_resilience.core import io
from urban_resilience.exports import reproduction

# Unknown keys first, each named with the allowed keys and the closest match (validate would print
# the whole schema); then bad values, each named with what is allowed and the key's description in
# a few lines; then validate fills in the schema's defaults.
CONFIG_SCHEMA = yaml.safe_load(
    (Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml").read_text(
        encoding="utf-8"
    )
)
schema.check_keys(config, CONFIG_SCHEMA)
schema.check_values(config, CONFIG_SCHEMA)
validate(config, "../schemas/config.schema.yaml")

REPOSITORY = Path(workflow.basedir)


def from_repository(path):
    """A relative path of the config names a file of the repository, also when the run's working
    directory is elsewhere (`--directory runs/<name>` keeps a configuration's results apart).
    """
    if (
        not path
        or Path(path).is_absolute()
        or Path.cwd().resolve() == REPOSITORY.resolve()
    ):
        return path
    return str(REPOSITORY / path)


for _name in config["tables"]:
    config["tables"][_name] = from_repository(config["tables"][_name])
for _keys in (("yearbook", "directory"), ("pm25", "filename"), ("boundaries", "path")):
    config["inputs"][_keys[0]][_keys[1]] = from_repository(
        config["inputs"][_keys[0]][_keys[1]]
    )
for _name in ("hsr_stations", "patents", "exchange_rates"):
    config["inputs"][_name] = from_repository(config["inputs"][_name])


def normalised_codes(values):
    """Admin codes from the config (numbers or text) as 6-digit text."""
    return [str(value) for value in values]


CITIES = normalised_codes(config["cities"])
STUDY_AREA = normalised_codes(config["study_area"]) or CITIES
FIRST_YEAR = config["years"]["first"]
LAST_YEAR = config["years"]["last"]
if LAST_YEAR <= FIRST_YEAR:
    raise ValueError(
        f"config: years.last ({LAST_YEAR}) must be after years.first ({FIRST_YEAR})"
    )

SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"


def reference_table(name, reader, key):
    """A reference table read, checked row by row against its schema (errors name file, row and
    column), then validated by Snakemake, which fills the schema's defaults."""
    path = config["tables"][name]
    table = reader(path)
    schema_path = SCHEMAS / f"{name}.schema.yaml"
    schema.validate_rows(table, schema_path, path, key)
    validate(table, str(schema_path))
    return table


INDICATORS = reference_table("indicators", tables.read_indicators, "code")
RAW_FIELDS = reference_table("raw_fields", tables.read_raw_fields, "field")
CITY_TABLE = reference_table("cities", tables.read_cities, "admin_code")
UNITS = reference_table("units", tables.read_units, "unit")
KNOWN_BREAKS = reference_table("known_breaks", tables.read_known_breaks, "field")
_unknown_fields = sorted(set(KNOWN_BREAKS["field"]) - set(RAW_FIELDS["field"]))
if _unknown_fields:
    raise ValueError(
        f"{config['tables']['known_breaks']}: field(s) {_unknown_fields} are not in the raw field table"
    )
FORMULAS = tables.check_tables(INDICATORS, RAW_FIELDS, CITY_TABLE, UNITS)
FORMULA_PERIODS = tables.parse_formula_periods(
    INDICATORS, RAW_FIELDS, config["tables"]["indicators"]
)
tables.check_formula_periods(
    FORMULA_PERIODS, INDICATORS, LAST_YEAR, config["tables"]["indicators"]
)

_unknown = sorted(set(CITIES) - set(CITY_TABLE["admin_code"]))
if _unknown:
    raise ValueError(
        f"config: cities {_unknown} are not in the city table {config['tables']['cities']}"
    )
_outside = sorted(set(STUDY_AREA) - set(CITIES))
if _outside:
    _base = yaml.safe_load((REPOSITORY / "config.yaml").read_text(encoding="utf-8"))
    _inherited = normalised_codes(_base.get("study_area") or []) == normalised_codes(
        config["study_area"]
    )
    raise ValueError(
        f"config: study_area codes {_outside} are not in cities"
        + (
            f". These study_area codes come from {REPOSITORY / 'config.yaml'}, not from your "
            "--configfile: Snakemake merges a --configfile onto config.yaml key by key (mappings "
            "are merged, a list such as cities or study_area replaces the whole list), so a file "
            "that sets only cities keeps config.yaml's study_area. Set study_area in your file "
            "too (study_area: [] means all of cities)."
            if _inherited
            else ""
        )
    )
# How this run's set-up differs from the paper's (years, pooled cities, study area): stated in the
# reproduction captions; the comparison table says it row by row (urban_resilience.exports.reproduction).
_paper = reproduction.paper_setup(
    list(io.read_table(config["tables"]["published_tiers"])["admin_code"])
)
_setup = reproduction.SetUp(
    frozenset(CITIES), frozenset(STUDY_AREA), FIRST_YEAR, LAST_YEAR
)
config["paper_setup_differs"] = reproduction.study_area_reasons(_setup, _paper)
_reference = config["classification"]["reference"]
if isinstance(_reference, dict):
    _missing = sorted(
        set(range(FIRST_YEAR, LAST_YEAR + 1)) - {int(y) for y in _reference}
    )
    if _missing:
        raise ValueError(
            f"config: classification.reference gives no value for year(s) {_missing}"
        )
_base = config["uncertainty"]["base_samples"]
if _base & (_base - 1):
    raise ValueError(
        f"config: uncertainty.base_samples is {_base}; it must be a power of two (e.g. 256, 512)"
    )
_bad_years = [y for y in config["figures"]["years"] if not FIRST_YEAR <= y <= LAST_YEAR]
if _bad_years:
    raise ValueError(
        f"config: figures.years {_bad_years} are outside years.first..years.last"
    )

# Data years the raw inputs must cover (lags such as population growth reach back before FIRST_YEAR).
RAW_YEARS = tables.years_needed(
    FIRST_YEAR, LAST_YEAR, tables.every_formula(FORMULAS, FORMULA_PERIODS)
)
PM25_YEARS = list(
    range(tables.first_year_needed(FORMULAS, "pm25", FIRST_YEAR), LAST_YEAR + 1)
)


# A compiled city-year panel (inputs.panel): read by read_panel_file, combined with the yearbook
# extracts by assemble_panel. Yearbook editions are read for every raw year except the panel's own
# years (inputs.panel.years_without_yearbook), and for none when inputs.yearbook.directory is empty.
PANEL = config["inputs"]["panel"]
PANEL_FILE = from_repository(PANEL["path"]) if PANEL["path"] else ""
PANEL_CODEBOOK = from_repository(PANEL["codebook"]) if PANEL["codebook"] else ""
PANEL_VALUES = "results/extracted/panel/values.csv" if PANEL_FILE else []
PANEL_CLEANING = ["results/extracted/panel/cleaning.csv"] if PANEL_FILE else []
_panel_years = sorted(set(PANEL["years_without_yearbook"]))
if _panel_years and not PANEL_FILE:
    raise ValueError(
        "config: inputs.panel.years_without_yearbook is set but inputs.panel.path is empty"
    )
if not config["inputs"]["yearbook"]["directory"] and not PANEL_FILE:
    raise ValueError(
        "config: inputs.yearbook.directory is empty and no inputs.panel.path is given: "
        "the workflow needs yearbooks, a compiled panel, or both"
    )
YEARBOOK_YEARS = (
    [year for year in RAW_YEARS if year not in _panel_years]
    if config["inputs"]["yearbook"]["directory"]
    else []
)
# Fields a panel must have a column for: every yearbook field when it alone covers some years.
PANEL_REQUIRED = (
    sorted(RAW_FIELDS.loc[RAW_FIELDS["source"] == "yearbook", "field"])
    if PANEL_FILE and len(YEARBOOK_YEARS) < len(RAW_YEARS)
    else []
)


def panel_inputs(wildcards):
    """The panel file and, if one is configured, its codebook (inputs of read_panel_file)."""
    files = {"panel": PANEL_FILE}
    if PANEL_CODEBOOK:
        files["codebook"] = PANEL_CODEBOOK
    return files


def code_digest(script):
    """Digest of the package code a rule's script imports (workflow/code_digest.py), given as a
    param: a real edit of a module reruns exactly the jobs whose scripts use it; an edit of a
    comment or docstring reruns nothing."""
    return code_tracking.code_digest(
        REPOSITORY / "scripts" / script, REPOSITORY / "src"
    )


YEARBOOK_LAYOUT = config["inputs"]["yearbook"]["layout"]


def yearbook_path(year):
    """The workbook of the edition holding data ``year`` (.xlsx or .xls, see inputs.yearbook_path),
    or with layout per_table the folder of its table files."""
    yearbook = config["inputs"]["yearbook"]
    edition = year + yearbook["edition_offset"]
    if YEARBOOK_LAYOUT == "per_table":
        return str(
            Path(yearbook["directory"]) / yearbook["filename"].format(edition=edition)
        )
    return inputs.yearbook_path(yearbook["directory"], yearbook["filename"], edition)


def yearbook_file(wildcards):
    """The edition's workbook, or its folder of table files (layout per_table)."""
    return yearbook_path(int(wildcards.year))


def yearbook_tables(wildcards):
    """Layout per_table: the table files of the edition's folder (a changed, added or removed file
    reruns the extraction); none for a workbook."""
    if YEARBOOK_LAYOUT != "per_table":
        return []
    return [str(path) for path in table_files(yearbook_path(int(wildcards.year)))[0]]


def yearbook_inputs():
    """The yearbook files the run needs; stops at start if an edition cannot be found."""
    key = "inputs.yearbook (directory + filename)"
    paths = {year: yearbook_path(year) for year in YEARBOOK_YEARS}
    if YEARBOOK_LAYOUT == "workbook":
        folders = [
            f"  {key}, data year {y}: {p}" for y, p in paths.items() if Path(p).is_dir()
        ]
        if folders:
            raise inputs.InputError(
                "these yearbook paths are folders, not workbooks; for one folder of table files "
                "per edition set inputs.yearbook.layout: per_table and name the folder in "
                "inputs.yearbook.filename:\n" + "\n".join(folders)
            )
        return [inputs.Input(key, year, path) for year, path in paths.items()]
    bad = [
        f"  {key}, data year {year}: {path} — {folder_problem(path)}"
        for year, path in paths.items()
        if folder_problem(path)
    ]
    if bad:
        raise inputs.InputError(
            "missing or unusable yearbook edition folder(s) named by the config (layout "
            "per_table; no job was run):\n" + "\n".join(bad)
        )
    return [
        inputs.Input(key, year, str(table))
        for year, path in paths.items()
        for table in table_files(path)[0]
    ]


def pm25_path(year):
    return config["inputs"]["pm25"]["filename"].format(year=year)


# Every raw file the run needs, checked before any job (see urban_resilience.gate.inputs).
NEEDED_INPUTS = [
    *yearbook_inputs(),
    *(
        inputs.Input(f"inputs.panel.{key}", None, path)
        for key, path in (("path", PANEL_FILE), ("codebook", PANEL_CODEBOOK))
        if path
    ),
    *(
        inputs.Input("inputs.pm25.filename", year, pm25_path(year))
        for year in PM25_YEARS
    ),
    *(
        inputs.Input(f"inputs.{key}", None, config["inputs"][key])
        for key in ("hsr_stations", "patents", "exchange_rates")
    ),
]
if config["inputs"]["boundaries"]["source"] == "file":
    NEEDED_INPUTS.append(
        inputs.Input(
            "inputs.boundaries.path", None, config["inputs"]["boundaries"]["path"]
        )
    )
inputs.check_exist(NEEDED_INPUTS)
# The side tables cover every configured city (a city they miss would count 0 stations silently).
_CITY_NAMES = dict(zip(CITY_TABLE["admin_code"], CITY_TABLE["name_cn"]))
inputs.check_station_coverage(config["inputs"]["hsr_stations"], CITIES, _CITY_NAMES)
inputs.check_patents_coverage(
    config["inputs"]["patents"],
    CITIES,
    _CITY_NAMES,
    FIRST_YEAR,
    LAST_YEAR,
    RAW_FIELDS.set_index("field").at["patents", "header_variants"].split("|"),
)
if not config["dataset"]["synthetic"]:
    inputs.check_not_demo(NEEDED_INPUTS)


EXTRA_FORMATS = sorted(set(config["figures"]["formats"]) - {"png"})


def package_files(*names):
    """Non-Python files of the package a rule reads (a change of them reruns the rule)."""
    return [
        str(Path(workflow.basedir) / "src" / "urban_resilience" / name)
        for name in names
    ]


def extra_formats(*names):
    """Publication copies of figures (SVG/PDF) besides the PNG shown in the report."""
    return [f"results/figures/{name}.{ext}" for name in names for ext in EXTRA_FORMATS]


CONDA_ENV = "../envs/urban_resilience.yaml"


def log_path(rule_name, suffix=""):
    return f"results/logs/{rule_name}{suffix}.log"


def benchmark_path(rule_name, suffix=""):
    return f"results/benchmarks/{rule_name}{suffix}.tsv"


# The settings a reader of the exported workbook needs to know, in its About sheet.
RUN_SETTINGS = {
    "Years 年份": f"{FIRST_YEAR}–{LAST_YEAR}",
    "Cities in the index 计算城市数": len(CITIES),
    "Study area 研究区城市数": len(STUDY_AREA),
    "Weighting 赋权": config["weighting"]["method"],
    "Shift 平移量": config["standardisation"]["shift"],
    "Tier reference 等级参照": str(config["classification"]["reference"]),
    "Interpolation 插值": "{method}, ends {ends}, longest gap {max_gap}".format(
        **config["interpolation"]
    ),
}

# The settings of the run whose results are in results/ (written with the workbook): a report
# built with another config says so at the top (captions describe the config it is built with).
RECORDED_SETTINGS = "results/tables/run_settings.json"
if Path(RECORDED_SETTINGS).exists():
    from urban_resilience.exports import outputs

    _differences = outputs.settings_differences(
        json.loads(Path(RECORDED_SETTINGS).read_text(encoding="utf-8")),
        outputs.settings_record(config["dataset"], RUN_SETTINGS),
    )
    if _differences:
        config["settings_differ_from_run"] = _differences
