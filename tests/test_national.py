"""The national-scale generator's pieces (the full generation takes minutes: run it on demand)."""

import numpy as np
import pytest
import yaml
from snakemake.utils import validate

from urban_resilience.core import tables
from urban_resilience.demo import national, truth


@pytest.fixture(scope="module")
def units():
    return national.national_units()


def test_units_are_prefecture_level(units):
    assert 330 <= len(units) <= 340
    assert units["admin_code"].str.endswith("00").all()
    assert set(units.loc[units["admin_code"].str.endswith("0000"), "admin_code"]) == {"500000"}  # Chongqing
    assert {"110100", "310100", "420100", "420600"} <= set(units["admin_code"])
    assert not {"710000", "810000", "820000"} & set(units["admin_code"])
    assert "429004" not in set(units["admin_code"])  # Xiantao: province-administered county-level


def test_city_table_keeps_the_study_cities_names_and_aliases(units, resources, root):
    study = truth.demo_city_table(resources)
    table = national.city_table(units, study)
    validate(table, str(root / "workflow" / "schemas" / "cities.schema.yaml"))
    xiangyang = table.set_index("admin_code").loc["420600"]
    assert xiangyang["name_en"] == "Xiangyang" and "襄樊市" in xiangyang["aliases"]
    assert table.set_index("admin_code").loc["430100", "capital"]
    tables.build_alias_map(table)  # no name points to two units


def test_generated_config_is_valid_and_reports_the_study_area(tmp_path, units, resources, root):
    study = list(truth.demo_city_table(resources)["admin_code"])
    national.write_config(tmp_path, resources, list(units["admin_code"]), study)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text(encoding="utf-8"))
    validate(config, str(root / "workflow" / "schemas" / "config.schema.yaml"))
    assert len(config["cities"]) == len(units) and config["study_area"] == study
    assert config["classification"]["reference"] == "cities_mean"
    assert config["spatial"]["weights"] == "knn"  # islands (Hainan) have no queen neighbours


def test_synthetic_stations_and_base(units, resources):
    rng = np.random.default_rng(0)
    base, levels = national.base_table(units, rng)
    assert len(base) == len(units) * 18 and set(levels) == set(units["admin_code"])
    stations = national.hsr_table(units, truth.demo_city_table(resources).assign(
        station_cn="x", city_cn="x", station_en="x", line="x", opened="2010-01-01", confidence="x", note=""), rng)
    none = stations["station_cn"] == ""
    assert stations.loc[~none, "opened"].str.match(r"\d{4}-\d{2}-\d{2}").all()
    assert (stations.loc[none, "opened"] == "").all() and 0 < none.sum() < len(units)
    # every city is covered: its stations or one "no station" row, never both
    assert set(stations["admin_code"]) >= set(units["admin_code"])
    assert not set(stations.loc[none, "admin_code"]) & set(stations.loc[~none, "admin_code"])
