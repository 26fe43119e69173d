"""Indicator formulas: the accepted grammar, rejected input, and evaluation on a small panel."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urban_resilience.core import formula
from urban_resilience.core.formula import FormulaError


def panel(rows):
    """rows: list of (code, year, gdp, pop)."""
    frame = pd.DataFrame(rows, columns=["admin_code", "year", "gdp", "pop"])
    return frame.set_index(["admin_code", "year"])


def test_arithmetic_by_hand():
    data = panel([("420100", 2003, 200.0, 4.0), ("420100", 2004, 300.0, 5.0)])
    result = formula.evaluate(formula.parse("gdp / pop * 100 - 1"), data)
    assert result.tolist() == [4999.0, 5999.0]


def test_lag_looks_up_the_previous_year_not_the_previous_row():
    # 2005 is missing for city A, so lag(pop) in 2006 is missing, not the 2004 value.
    data = panel([
        ("A", 2004, 1.0, 100.0), ("A", 2006, 1.0, 121.0),
        ("B", 2003, 1.0, 50.0), ("B", 2004, 1.0, 55.0),
    ])
    growth = formula.evaluate(formula.parse("(pop - lag(pop)) / lag(pop) * 100"), data)
    assert math.isnan(growth[("A", 2004)])
    assert math.isnan(growth[("A", 2006)])
    assert math.isnan(growth[("B", 2003)])
    assert growth[("B", 2004)] == pytest.approx(10.0)
    two_back = formula.evaluate(formula.parse("pop - lag(pop, 2)"), data)
    assert two_back[("A", 2006)] == pytest.approx(21.0)


def test_division_by_zero_inside_an_expression_makes_it_missing():
    # found by the property test below: 1 / (1 + 1 / 0) must be missing, not 1 / inf = 0
    data = panel([("A", 2003, 1.0, 0.0)])
    assert math.isnan(formula.evaluate(formula.parse("gdp / (gdp + gdp / pop)"), data).iloc[0])


def test_division_by_zero_is_missing_not_infinite():
    data = panel([("A", 2003, 10.0, 0.0), ("A", 2004, 0.0, 0.0)])
    result = formula.evaluate(formula.parse("gdp / pop"), data)
    assert result.isna().all()
    assert formula.evaluate(formula.parse("gdp / 0"), data).isna().all()


def test_functions_and_unary_minus():
    data = panel([("A", 2003, -math.e, 1.0)])
    assert formula.evaluate(formula.parse("log(abs(gdp))"), data).iloc[0] == pytest.approx(1.0)
    assert formula.evaluate(formula.parse("-gdp + +pop"), data).iloc[0] == pytest.approx(math.e + 1)
    assert math.isnan(formula.evaluate(formula.parse("log(gdp)"), data).iloc[0])


def test_fields_and_max_lag():
    tree = formula.parse("fdi_usd * (cny_per_100usd / 100) / gdp * 100")
    assert formula.fields_of(tree) == {"fdi_usd", "cny_per_100usd", "gdp"}
    assert formula.max_lag(tree) == 0
    assert formula.max_lag(formula.parse("(pop - lag(pop)) / lag(lag(pop), 2)")) == 3


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("__import__('os').system('rm -rf /')", "not allowed"),
        ("gdp.__class__.__bases__", "not allowed"),
        ("open('/etc/passwd').read()", "not allowed"),
        ("eval('1+1')", "not allowed"),
        ("gdp ** 99999", "not allowed"),
        ("'text'", "only numbers"),
        ("True", "only numbers"),
        ("gdp if pop else 1", "not allowed"),
        ("[gdp for gdp in pop]", "not allowed"),
        ("(lambda: 1)()", "not allowed"),
        ("gdp[0]", "not allowed"),
        ("lag(pop, k)", "whole number"),
        ("lag(pop, 0)", "whole number"),
        ("lag(pop, 1.5)", "whole number"),
        ("lag(pop, n=1)", "positional"),
        ("log()", "positional"),
        ("gdp; pop", "not valid arithmetic"),
        ("gdp +", "not valid arithmetic"),
        ("", "empty"),
        ("gdp + " * 100 + "1", "longer than"),
    ],
)
def test_rejected_formulas(text, fragment):
    with pytest.raises(FormulaError, match=fragment):
        formula.parse(text)


def test_unknown_field_is_named():
    with pytest.raises(FormulaError, match="unknown raw field.*gpd"):
        formula.parse("gpd / pop", known_fields={"gdp", "pop"})


# An independent implementation: Python's own arithmetic on plain floats.
_numbers = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def expressions(draw, depth=0):
    if depth > 3 or draw(st.booleans()):
        return draw(st.one_of(st.sampled_from(["gdp", "pop"]), _numbers.map(repr)))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({draw(expressions(depth + 1))} {op} {draw(expressions(depth + 1))})"


@settings(max_examples=200, deadline=None)
@given(expressions(), _numbers, _numbers)
def test_matches_python_arithmetic(text, gdp, pop):
    data = panel([("A", 2003, gdp, pop)])
    result = formula.evaluate(formula.parse(text), data).iloc[0]
    try:
        with np.errstate(all="ignore"):
            expected = float(eval(text, {"__builtins__": {}}, {"gdp": gdp, "pop": pop}))  # test oracle only
    except ZeroDivisionError:
        expected = math.nan
    if math.isnan(expected) or math.isinf(expected):
        assert math.isnan(result)
    else:
        assert result == pytest.approx(expected, rel=1e-9, abs=1e-9)
