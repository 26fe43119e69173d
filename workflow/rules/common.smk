# Shared set-up: validate the config and the reference tables before any job runs, and derive
# the lists (cities, years) the rules fan out over.
from pathlib import Path

from snakemake.utils import validate

from urban_resilience import modules, tables

validate(config, "../schemas/config.schema.yaml")


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

INDICATORS = tables.read_indicators(config["tables"]["indicators"])
RAW_FIELDS = tables.read_raw_fields(config["tables"]["raw_fields"])
CITY_TABLE = tables.read_cities(config["tables"]["cities"])
UNITS = tables.read_units(config["tables"]["units"])
validate(INDICATORS, "../schemas/indicators.schema.yaml")
validate(RAW_FIELDS, "../schemas/raw_fields.schema.yaml")
validate(CITY_TABLE, "../schemas/cities.schema.yaml")
validate(UNITS, "../schemas/units.schema.yaml")
FORMULAS = tables.check_tables(INDICATORS, RAW_FIELDS, CITY_TABLE, UNITS)

_unknown = sorted(set(CITIES) - set(CITY_TABLE["admin_code"]))
if _unknown:
    raise ValueError(
        f"config: cities {_unknown} are not in the city table {config['tables']['cities']}"
    )
_outside = sorted(set(STUDY_AREA) - set(CITIES))
if _outside:
    raise ValueError(f"config: study_area codes {_outside} are not in cities")
_bad_years = [y for y in config["figures"]["years"] if not FIRST_YEAR <= y <= LAST_YEAR]
if _bad_years:
    raise ValueError(
        f"config: figures.years {_bad_years} are outside years.first..years.last"
    )

# Data years the raw inputs must cover (lags such as population growth reach back before FIRST_YEAR).
RAW_YEARS = tables.years_needed(FIRST_YEAR, LAST_YEAR, FORMULAS)
PM25_YEARS = list(
    range(tables.first_year_needed(FORMULAS, "pm25", FIRST_YEAR), LAST_YEAR + 1)
)


def package_code(script):
    """Package source files imported (transitively) by a rule's script. They are declared as
    inputs, so editing a module reruns exactly the jobs whose scripts use it."""
    return modules.dependencies(Path("scripts") / script, Path("src"))


def yearbook_file(wildcards):
    edition = int(wildcards.year) + config["inputs"]["yearbook"]["edition_offset"]
    name = config["inputs"]["yearbook"]["filename"].format(edition=edition)
    return f"{config['inputs']['yearbook']['directory']}/{name}"


EXTRA_FORMATS = sorted(set(config["figures"]["formats"]) - {"png"})


def extra_formats(*names):
    """Publication copies of figures (SVG/PDF) besides the PNG shown in the report."""
    return [f"results/figures/{name}.{ext}" for name in names for ext in EXTRA_FORMATS]


CONDA_ENV = "../envs/urban_resilience.yaml"


def log_path(rule_name, suffix=""):
    return f"results/logs/{rule_name}{suffix}.log"


def benchmark_path(rule_name, suffix=""):
    return f"results/benchmarks/{rule_name}{suffix}.tsv"
