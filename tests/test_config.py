"""Configuration: the schema documents and checks every key, and bad values stop the run early."""

import copy
import shlex
import subprocess
import sys

import pandas as pd
import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from urban_resilience.core import schema

from conftest import copy_repo, run_snakemake


@pytest.fixture(scope="module")
def config(root):
    return yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema_path(root):
    return str(root / "workflow" / "schemas" / "config.schema.yaml")


def walk(schema, path=""):
    """Yield (dotted key, property schema) for every property in the schema."""
    for key, sub in schema.get("properties", {}).items():
        yield f"{path}{key}", sub
        yield from walk(sub, f"{path}{key}.")


def test_every_key_has_a_description_and_a_default(root):
    schema = yaml.safe_load((root / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    for key, sub in walk(schema):
        assert sub.get("description"), f"{key} has no description"
        assert "default" in sub or key == "cities", f"{key} has no default"
        if sub.get("type") == "object":
            assert sub.get("additionalProperties") is False, f"{key} accepts unknown keys"


def test_committed_config_is_valid(config, schema_path):
    validate(copy.deepcopy(config), schema_path)


def test_defaults_fill_a_minimal_config(schema_path):
    minimal = {"cities": [420100, 430100]}
    validate(minimal, schema_path)
    assert minimal["standardisation"]["shift"] == 0.0001
    assert minimal["interpolation"] == {"method": "linear", "ends": "nearest_trend", "max_gap": 3}
    assert minimal["years"] == {"first": 2003, "last": 2019}
    assert minimal["figures"]["language"] == "zh"


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda c: c.update(colour="blue"), "colour"),
        (lambda c: c["standardisation"].update(shfit=0.1), "shfit"),
        (lambda c: c["standardisation"].update(shift=-1), "-1"),
        (lambda c: c["figures"].update(language="fr"), "fr"),
        (lambda c: c["weighting"].update(method="pca"), "pca"),
        (lambda c: c.update(cities=["4201"]), "4201"),
        (lambda c: c["interpolation"].update(max_gap="three"), "three"),
        (lambda c: c["inputs"]["pm25"].update(filename="pm25.tif"), "year"),
        (lambda c: c["classification"].update(reference="national"), "national"),
    ],
)
def test_bad_values_are_rejected_naming_the_key(config, schema_path, change, fragment):
    bad = copy.deepcopy(config)
    change(bad)
    with pytest.raises(WorkflowError, match=fragment):
        validate(bad, schema_path)


@pytest.mark.workflow
@pytest.mark.parametrize(
    "extra, fragment",
    [
        ("standardisation:\n  shfit: 0.1\n", "shfit"),
        ("years:\n  first: 2010\n  last: 2005\n", "years.last (2005) must be after years.first (2010)"),
        ("study_area: [430500]\n", "study_area codes ['430500'] are not in cities"),
        ("figures:\n  years: [1999]\n", "figures.years [1999]"),
        ("classification:\n  reference: {2003: 0.05, 2019: 0.12}\n",
         "classification.reference gives no value for year(s) [2004, 2005,"),
        ("uncertainty:\n  base_samples: 500\n", "uncertainty.base_samples is 500; it must be a power of two"),
    ],
)
def test_snakemake_stops_before_any_job(root, tmp_path, config, extra, fragment):
    override = tmp_path / "override.yaml"
    override.write_text(extra, encoding="utf-8")
    result = run_snakemake(root, "-n", "--cores", "1", "--configfile", str(override), timeout=120)
    assert result.returncode != 0
    assert fragment in result.stdout + result.stderr
    assert "Job stats" not in result.stdout


def test_an_unknown_key_is_named_with_the_closest_and_the_allowed_keys(config, root):
    schema_yaml = yaml.safe_load((root / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    schema.check_keys(copy.deepcopy(config), schema_yaml)  # the committed config has no unknown key
    typo = {**copy.deepcopy(config), "standardisaton": {"shift": 0.01}}
    with pytest.raises(schema.ConfigKeyError) as error:
        schema.check_keys(typo, schema_yaml)
    assert str(error.value) == (
        "config: unknown key standardisaton at the top level (in config.yaml or a --configfile). Did you mean "
        "standardisation? Allowed keys: audit, checks, cities, classification, dataset, dynamics, figures, hsr, "
        "inputs, interpolation, seed, spatial, standardisation, study_area, tables, uncertainty, weighting, years.")
    nested = copy.deepcopy(config)
    nested["inputs"]["pm25"]["filenme"] = "x_{year}.tif"
    with pytest.raises(schema.ConfigKeyError) as error:
        schema.check_keys(nested, schema_yaml)
    assert str(error.value) == (
        "config: unknown key inputs.pm25.filenme under inputs.pm25 (in config.yaml or a --configfile). Did you mean "
        "inputs.pm25.filename? Allowed keys of inputs.pm25: filename, product, variable.")
    with pytest.raises(schema.ConfigKeyError, match=r"^config: unknown key colour at the top level \(in config.yaml "
                                                    r"or a --configfile\)\. No allowed key is close to it\. Allowed"):
        schema.check_keys({**config, "colour": "blue"}, schema_yaml)
    # free-form mappings (a reference mean per year, class breaks per measure) are not checked here
    free = copy.deepcopy(config)
    free["classification"]["reference"] = {2003: 0.05}
    free["figures"]["breaks"] = {"total": [0.1, 0.2]}
    schema.check_keys(free, schema_yaml)


SOURCE = "which is not allowed (set in config.yaml, a --configfile or --config)."
CODE = ("6-digit administrative division code (GB/T 2260), as a number or text, e.g. 420100.")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c["spatial"].update(weights="rook"),  # enum
         f'config: spatial.weights is "rook", {SOURCE}\n'
         "  Allowed: one of queen, knn (default: queen).\n"
         "  spatial.weights: `queen` (polygons sharing a border or corner) or `knn` (k nearest polygon centroids); "
         "row-standardised."),
        (lambda c: c["interpolation"].update(max_gap="three"),  # type
         f'config: interpolation.max_gap is "three", {SOURCE}\n'
         "  Allowed: an integer from 0 to 20 (default: 3).\n"
         "  interpolation.max_gap: Longest run of missing years that may be filled; a longer run stops the run "
         "naming city, indicator and years."),
        (lambda c: c["spatial"].update(k=0),  # minimum
         f"config: spatial.k is 0, {SOURCE}\n"
         "  Allowed: an integer ≥ 1 (default: 4).\n"
         "  spatial.k: Number of neighbours with `knn` weights."),
        (lambda c: c["standardisation"].update(shift=0.5),  # maximum
         f"config: standardisation.shift is 0.5, {SOURCE}\n"
         "  Allowed: a number from 0 to 0.1 (default: 0.0001).\n"
         "  standardisation.shift: Added to every standardised value so that logarithms are defined (x' + shift); "
         "recorded in the outputs."),
        (lambda c: c["inputs"]["pm25"].update(filename="pm25.tif"),  # pattern
         f'config: inputs.pm25.filename is "pm25.tif", {SOURCE}\n'
         "  Allowed: text matching the pattern \\{year\\} (default: "
         "resources/demo/pm25/sdei-global-annual-gwr-pm2-5-modis-misr-seawifs-aod-v4-gl-0…).\n"
         "  inputs.pm25.filename: Path of one year's grid, with {year} for the data year."),
        (lambda c: c["cities"].__setitem__(3, "4201"),  # a list item under oneOf, counted from 1
         f'config: cities item 4 is "4201", {SOURCE}\n'
         "  Allowed: an integer from 110000 to 829999; or text matching the pattern ^[1-8][0-9]{5}$.\n"
         f"  cities item 4: {CODE}"),
        (lambda c: c["dataset"].update(name=""),  # minLength
         f'config: dataset.name is "", {SOURCE}\n'
         "  Allowed: non-empty text (default: demo-synthetic).\n"
         "  dataset.name: Short name of the dataset, printed on tables, figures and the report."),
        (lambda c: c.pop("cities"),  # required, no default
         "config: cities is missing (set it in config.yaml or a --configfile); it has no default.\n"
         "  Allowed: a list of at least 2 items, no item twice, each (an integer from 110000 to 829999; or text "
         "matching the pattern ^[1-8][0-9]{5}$).\n"
         "  cities: Admin codes of the cities the index is computed over; min, max and entropy weights are pooled "
         "over exactly these cities and years. Each must be in the city table."),
        (lambda c: c["standardisation"].update(shift="0.01"),  # what --config key={sub: value} passes
         f'config: standardisation.shift is "0.01", {SOURCE}\n'
         "  Allowed: a number from 0 to 0.1 (default: 0.0001).\n"
         "  standardisation.shift: Added to every standardised value so that logarithms are defined (x' + shift); "
         "recorded in the outputs.\n"
         "  A number or true/false written as text: Snakemake's --config passes the values inside a mapping "
         "(key={sub: value}) as text; set it in a --configfile instead (YAML, unquoted)."),
        (lambda c: c["classification"].update(reference=0),  # oneOf
         f"config: classification.reference is 0, {SOURCE}\n"
         "  Allowed: one of study_area_mean, cities_mean; or a number > 0; or a mapping of at least 1 key, each "
         "value a number > 0 (default: study_area_mean).\n"
         "  classification.reference: `study_area_mean` (mean total of the study area in each year), `cities_mean` "
         "(mean of all configured `cities` in each year: the paper's national mean when `cities` are all prefecture "
         "cities), a mapping of every panel year to its reference mean (e.g. national means you computed elsewhere: "
         "`{2003: 0.045, …, 2019: 0.1214}`), or one number applied to every year (the paper's 0.1214 is a 2019 "
         "value: as a single number it would grade 2003 against 2019's mean)."),
        (lambda c: (c["spatial"].update(k=0), c["figures"].update(language="fr")),  # two at once: the first
         f"config: spatial.k is 0, {SOURCE}\n"
         "  Allowed: an integer ≥ 1 (default: 4).\n"
         "  spatial.k: Number of neighbours with `knn` weights.\n"
         "  (1 more problem(s) in the config; fix this one and run again.)"),
    ],
)
def test_a_bad_value_is_named_with_what_is_allowed_and_the_description(config, root, change, message):
    schema_yaml = yaml.safe_load((root / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    schema.check_values(copy.deepcopy(config), schema_yaml)  # the committed config passes
    bad = copy.deepcopy(config)
    change(bad)
    with pytest.raises(schema.ConfigValueError) as error:
        schema.check_values(bad, schema_yaml)
    assert str(error.value) == message


def test_every_value_validate_rejects_is_rejected_in_short(config, root, schema_path):
    """The values of test_bad_values_are_rejected_naming_the_key (except the unknown keys, which
    check_keys names first) stop check_values, in at most five lines."""
    schema_yaml = yaml.safe_load((root / "workflow" / "schemas" / "config.schema.yaml").read_text(encoding="utf-8"))
    changes = [lambda c: c["standardisation"].update(shift=-1), lambda c: c["figures"].update(language="fr"),
               lambda c: c["weighting"].update(method="pca"), lambda c: c.update(cities=["4201"]),
               lambda c: c["hsr"].update(year_end="12-32"), lambda c: c["dataset"].update(synthetic="yes")]
    for change in changes:
        bad = copy.deepcopy(config)
        change(bad)
        with pytest.raises(WorkflowError):
            validate(copy.deepcopy(bad), schema_path)
        with pytest.raises(schema.ConfigValueError) as error:
            schema.check_values(bad, schema_yaml)
        assert len(str(error.value).splitlines()) <= 5 and "Failed validating" not in str(error.value)


@pytest.mark.workflow
def test_a_bad_value_on_the_command_line_stops_in_a_few_lines(root):
    result = run_snakemake(root, "-n", "--cores", "1", "--config", "spatial={weights: rook}", timeout=300)
    said = result.stdout + result.stderr
    assert result.returncode != 0 and len(said.splitlines()) < 10, said
    assert (f'config: spatial.weights is "rook", {SOURCE}\n'
            "  Allowed: one of queen, knn (default: queen).\n"
            "  spatial.weights: `queen` (polygons sharing a border or corner) or `knn` (k nearest polygon "
            "centroids); row-standardised.\n" in said)
    assert "Failed validating" not in said and "Job stats" not in said


@pytest.mark.workflow
def test_messages_of_an_override_file_at_start(root, tmp_path):
    """A typo prints a few lines naming the key (not the 1,743-line schema); a file that sets only
    `cities` is told that the study area it stops on comes from config.yaml."""
    typo = tmp_path / "typo.yaml"
    typo.write_text("standardisaton:\n  shift: 0.01\n", encoding="utf-8")
    result = run_snakemake(root, "-n", "--cores", "1", "--configfile", str(typo), timeout=300)
    said = result.stdout + result.stderr
    assert result.returncode != 0 and len(said.splitlines()) < 12, said
    assert ("config: unknown key standardisaton at the top level (in config.yaml or a --configfile). Did you mean "
            "standardisation? Allowed keys: audit, checks, cities, classification, dataset, dynamics, figures, hsr, "
            "inputs, interpolation, seed, spatial, standardisation, study_area, tables, uncertainty, weighting, "
            "years.\n"
            in said)
    only_cities = tmp_path / "only_cities.yaml"
    only_cities.write_text("cities: [420100, 420200, 420500, 420600, 420700, 420800, 420900, 421000, 421100, "
                           "421200, 430100, 430200, 430300, 430400, 430600, 430700, 430900, 431300, 360100, "
                           "360200, 360300, 360400, 360500, 360600, 360800, 360900, 361000]\n", encoding="utf-8")
    result = run_snakemake(root, "-n", "--cores", "1", "--configfile", str(only_cities), timeout=300)
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert (f"config: study_area codes ['361100'] are not in cities. These study_area codes come from "
            f"{root / 'config.yaml'}, not from your --configfile: Snakemake merges a --configfile onto config.yaml "
            "key by key (mappings are merged, a list such as cities or study_area replaces the whole list), so a file "
            "that sets only cities keeps config.yaml's study_area. Set study_area in your file too (study_area: [] "
            "means all of cities).\n" in said)
    # the README's example override runs the start checks cleanly
    example = readme_block(root, "yaml")
    (tmp_path / "my_hubei.yaml").write_text(example, encoding="utf-8")
    result = run_snakemake(root, "-n", "--cores", "1", "--configfile", str(tmp_path / "my_hubei.yaml"),
                           "--directory", str(tmp_path / "runs" / "hubei"), timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def readme_block(root, language: str) -> str:
    """The first ```language block of the README's section "Several configurations side by side"."""
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Several configurations side by side")[1].split("\n## ")[0]
    return section.split(f"```{language}\n")[1].split("```")[0]


@pytest.mark.workflow
def test_the_side_by_side_commands_run_as_the_readme_shows_them(tmp_path):
    """The README's two commands, word for word (with this Python's Snakemake for .venv/bin/snakemake
    and a small my_hubei.yaml: 5 cities, 3 years): results and report land in runs/hubei."""
    workdir = copy_repo(tmp_path / "repo")
    (workdir / "my_hubei.yaml").write_text((workdir / "tests" / "small_config.yaml").read_text(encoding="utf-8")
                                           + "dataset: {name: hubei-small, synthetic: true}\n", encoding="utf-8")
    commands = readme_block(workdir, "bash").replace("\\\n", " ")
    lines = [line.split("#")[0].strip() for line in commands.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith(".venv/bin/snakemake ") for line in lines)
    for line in lines:
        args = shlex.split(line)[1:]
        result = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir, capture_output=True,
                                text=True, timeout=1800)
        assert result.returncode == 0, f"{line}\n{result.stderr[-3000:]}"
    report = workdir / "runs" / "hubei" / "results" / "report.html"
    assert report.is_file() and report.stat().st_size > 100_000
    html = report.read_text(encoding="utf-8")  # the reproduction captions say the set-up is not the paper's
    assert "set-up differs from the paper" in html
    assert "the index pools 5 cities without 23 of the paper" in html
    assert "hubei-small" in (workdir / "runs" / "hubei" / "results" / "tables" / "run_settings.json").read_text(
        encoding="utf-8")
    assert not (workdir / "results").exists()  # the demo's results/ untouched (here: never made)
    comparison = pd.read_csv(workdir / "runs" / "hubei" / "results" / "reproduction" / "comparison.csv",
                             keep_default_na=False)
    assert not comparison["comparable"].any()  # 2017–2019 and 5 cities: nothing compares with the paper
    assert set(comparison["reason"].str.split("; ").str[0]) == {"years 2017–2019, the paper's 2003–2019"}
