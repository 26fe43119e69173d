"""Reference tables: schemas, cross-checks, name keys."""

import pandas as pd
import pytest
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from urban_resilience.core import names, tables
from urban_resilience.core.tables import TableError

SCHEMAS = {
    "indicators.csv": ("indicators.schema.yaml", tables.read_indicators),
    "raw_fields.csv": ("raw_fields.schema.yaml", tables.read_raw_fields),
    "cities.csv": ("cities.schema.yaml", tables.read_cities),
    "units.csv": ("units.schema.yaml", tables.read_units),
}


@pytest.fixture(scope="module")
def loaded(resources):
    return {name: reader(resources / name) for name, (_, reader) in SCHEMAS.items()}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_tables_match_their_schema(name, loaded, root):
    validate(loaded[name], str(root / "workflow" / "schemas" / SCHEMAS[name][0]))


def test_schema_rejects_a_bad_direction(loaded, root):
    bad = loaded["indicators.csv"].copy()
    bad.loc[3, "direction"] = "positive"
    with pytest.raises(WorkflowError, match="direction|positive"):
        validate(bad, str(root / "workflow" / "schemas" / "indicators.schema.yaml"))


def test_indicator_table_is_the_papers_31(loaded):
    indicators = loaded["indicators.csv"]
    assert list(indicators["code"]) == [f"x{i}" for i in range(1, 32)]
    weights = indicators.groupby("dimension")["paper_weight"].sum()
    # dimension weights printed in the paper's Table 1; the paper summed unrounded weights, so the
    # sums of its printed 4-decimal weights differ from them by up to 0.0001
    printed = {"economic": 0.1512, "ecological": 0.0378, "social": 0.2777,
               "infrastructure": 0.3947, "institutional": 0.1386}
    assert weights.to_dict() == pytest.approx(printed, abs=1.5e-4)
    costs = set(indicators.loc[indicators["direction"] == "-", "code"])
    assert costs == {"x7", "x8", "x9"}


def test_every_formula_parses_against_the_raw_field_table(loaded):
    trees = tables.check_tables(loaded["indicators.csv"], loaded["raw_fields.csv"], loaded["cities.csv"],
                                loaded["units.csv"])
    assert len(trees) == 31
    assert tables.raw_fields_needed(trees) == sorted(
        set(loaded["raw_fields.csv"]["field"])
    ), "every raw field in the table is used by some formula"
    assert tables.years_needed(2003, 2019, trees) == list(range(2002, 2020))


def test_a_bad_formula_names_row_and_indicator(loaded):
    indicators = loaded["indicators.csv"].copy()
    indicators.loc[4, "formula"] = "fai / popp"
    with pytest.raises(TableError, match=r"row 6 \(indicator x5\), column formula: .*popp"):
        tables.parse_formulas(indicators, loaded["raw_fields.csv"])


def test_duplicate_codes_and_alias_conflicts_are_errors(loaded):
    cities = loaded["cities.csv"]
    wuhan = cities[cities["admin_code"] == "420100"]
    with pytest.raises(TableError, match="admin_code '420100' appears more than once"):
        tables.check_unique(pd.concat([cities, wuhan], ignore_index=True), "admin_code", "city table")
    clash = cities.copy()
    clash.loc[clash["admin_code"] == "420200", "aliases"] = "武汉"
    with pytest.raises(TableError, match="武汉.*420100 and 420200"):
        tables.build_alias_map(clash)


def test_unknown_unit_in_raw_fields(loaded):
    raw = loaded["raw_fields.csv"].copy()
    raw.loc[0, "unit"] = "万头"
    with pytest.raises(TableError, match="万头"):
        tables.check_tables(loaded["indicators.csv"], raw, loaded["cities.csv"], loaded["units.csv"])


@pytest.mark.parametrize("printed, key", [
    ("    武汉市", "武汉"), ("武汉", "武汉"), ("襄樊市_x000D_\n", "襄樊"), ("景德镇\u3000市", "景德镇"),
    ("ＡＢ市", "AB"), ("沙市", "沙市"),
])
def test_city_key(printed, key):
    assert names.city_key(printed) == key


def test_aliases_resolve(loaded):
    mapping = tables.build_alias_map(loaded["cities.csv"])
    assert mapping[names.city_key("襄樊市")] == "420600"
    assert mapping[names.city_key("  鹰谭市")] == "360600"
    assert mapping[names.city_key("景徳镇")] == "360200"
    assert mapping[names.city_key("淮阴市")] == "320800"  # a former name from the code history
    assert len(set(mapping.values())) == 373  # every prefecture-level unit valid from 2000 on
