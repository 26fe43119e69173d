"""Formula grammar and evaluation pinned exactly: every error message in full, tree shapes, lags,
divisors and missing values (written against the mutation survivors of formula.py)."""

import numpy as np
import pandas as pd
import pytest

from urban_resilience.core import formula
from urban_resilience.core.formula import BinOp, Call, Field, FormulaError, Neg, Number


def message(text: str, known: set[str] | None = None) -> str:
    with pytest.raises(FormulaError) as error:
        formula.parse(text, known)
    return str(error.value)


def test_every_error_message_in_full():
    assert message("") == "formula is empty"
    assert message("   ") == "formula is empty"
    assert message("a" * 401) == "formula is longer than 400 characters"
    assert formula.parse("a" * 400) == Field("a" * 400)
    assert message("a +") == "formula 'a +' is not valid arithmetic: invalid syntax"
    assert message("a + 'x'") == "formula \"a + 'x'\": only numbers are allowed as constants, not 'x'"
    assert message("a * True") == "formula 'a * True': only numbers are allowed as constants, not True"
    assert message("a ** 2") == ("formula 'a ** 2': 'a ** 2' is not allowed (only field names, numbers, + - * /, "
                                 "parentheses and the functions abs, lag, log)")
    assert message("a.b") == ("formula 'a.b': 'a.b' is not allowed (only field names, numbers, + - * /, "
                              "parentheses and the functions abs, lag, log)")
    assert message("exp(a)") == "formula 'exp(a)': call 'exp' is not allowed; allowed functions: abs, lag, log"
    assert message("a.lag(b)") == "formula 'a.lag(b)': call 'a.lag' is not allowed; allowed functions: abs, lag, log"
    assert message("lag(a, 1, 2)") == "formula 'lag(a, 1, 2)': lag() takes 1 to 2 positional arguments"
    assert message("lag()") == "formula 'lag()': lag() takes 1 to 2 positional arguments"
    assert message("log(a, 2)") == "formula 'log(a, 2)': log() takes 1 to 1 positional arguments"
    assert message("lag(a, k=1)") == "formula 'lag(a, k=1)': lag() takes 1 to 2 positional arguments"
    for k in ("0", "11", "1.5", "b"):
        assert message(f"lag(a, {k})") == f"formula 'lag(a, {k})': argument 2 of lag() must be a whole number 1-10"
    assert formula.parse("lag(a, 10)") == Call("lag", (Field("a"), Number(10.0)))
    assert message("a / b", {"a"}) == ("formula 'a / b' uses unknown raw field(s) b; "
                                       "add them to the raw field table or fix the spelling")
    assert message("c + b + a", {"a"}) == ("formula 'c + b + a' uses unknown raw field(s) b, c; "
                                           "add them to the raw field table or fix the spelling")
    deep = "(" * 32 + "a" + ")" * 32
    assert formula.parse(deep) == Field("a")  # parentheses are not nodes
    nested = "-" * 31 + "a"
    assert message(nested) == f"formula {nested!r} is nested too deeply"
    assert formula.fields_of(formula.parse("-" * 30 + "a")) == {"a"}  # 30 levels are allowed


def test_tree_shapes():
    assert formula.parse(" a - b / 2 ") == BinOp("-", Field("a"), BinOp("/", Field("b"), Number(2.0)))
    assert formula.parse("+a") == Field("a") and formula.parse("-a") == Neg(Field("a"))
    assert formula.parse("abs(a) * log(b)") == BinOp("*", Call("abs", (Field("a"),)), Call("log", (Field("b"),)))
    assert formula.parse("3") == Number(3.0)


def test_lags_fields_and_divisors_of_nested_formulas():
    tree = formula.parse("(lag(lag(a), 2) - b) / (c * lag(d, 3)) + e / -f")
    assert formula.fields_of(tree) == {"a", "b", "c", "d", "e", "f"}
    assert formula.max_lag(tree) == 3
    assert formula.max_lag(formula.parse("lag(lag(a), 2)")) == 3
    assert formula.max_lag(formula.parse("-lag(a)")) == 1 and formula.max_lag(formula.parse("log(a)")) == 0
    assert formula.field_lags(tree) == {("a", 3), ("b", 0), ("c", 0), ("d", 3), ("e", 0), ("f", 0)}
    assert formula.denominator_fields(tree) == {"c", "d", "f"}
    assert formula.denominator_fields(formula.parse("log(a / b)")) == {"b"}
    assert formula.fields_of(formula.parse("2 * 3")) == set()


def panel() -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples([("A", 2001), ("A", 2002), ("A", 2004), ("B", 2002)],
                                      names=["admin_code", "year"])
    return pd.DataFrame({"a": [1.0, 2.0, 4.0, -3.0], "b": [0.0, 2.0, 1.0, 5.0]}, index=index)


def values(text: str) -> list:
    result = formula.evaluate(formula.parse(text), panel())
    return [None if np.isnan(v) else v for v in result]


def test_evaluation_by_year_and_missing_values():
    assert values("lag(a)") == [None, 1.0, None, None]  # 2003 absent: A 2004 has no lag; B has no 2001
    assert values("lag(a, 2)") == [None, None, 2.0, None]
    assert values("a / b") == [None, 1.0, 4.0, -0.6]  # a division by an observed 0 is missing
    assert values("1 / (1 / b)") == [None, 2.0, 1.0, 5.0]
    assert values("a / 0") == [None, None, None, None]
    assert values("log(a)") == [0.0, pytest.approx(np.log(2)), pytest.approx(np.log(4)), None]
    assert values("abs(a) - -a") == [2.0, 4.0, 8.0, 0.0]
    assert values("2 * 3 + 1") == [7.0, 7.0, 7.0, 7.0]
    assert values("lag(2)") == [None, 2.0, None, None]
    with pytest.raises(FormulaError) as error:
        formula.evaluate(formula.parse("c"), panel())
    assert str(error.value) == "raw field 'c' is not in the panel"


def test_zero_divisions_mark_only_observed_zero_divisors():
    assert formula.zero_divisions(formula.parse("a / b"), panel()).tolist() == [True, False, False, False]
    assert formula.zero_divisions(formula.parse("log(a / (b - 2))"), panel()).tolist() == [False, True, False,
                                                                                           False]
    assert formula.zero_divisions(formula.parse("a * b"), panel()).tolist() == [False] * 4
    assert formula.zero_divisions(formula.parse("a / lag(b)"), panel()).tolist() == [False, True, False, False]
