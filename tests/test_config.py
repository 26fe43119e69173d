"""Configuration: the schema documents and checks every key, and bad values stop the run early."""

import copy

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from conftest import run_snakemake


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
