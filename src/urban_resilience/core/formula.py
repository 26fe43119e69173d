"""Safe parsing and evaluation of indicator formulas.

A formula is arithmetic over named raw fields, e.g. ``fdi_usd * (cny_per_100usd / 100) / gdp * 100``
or ``(pop - lag(pop)) / lag(pop) * 100``. It is parsed with :mod:`ast` and only a fixed grammar is
accepted: field names, numbers, ``+ - * /``, unary minus, parentheses and the functions in
:data:`FUNCTIONS`. Nothing is ever passed to ``eval``; anything else (attributes, subscripts,
strings, keywords, other calls, ``**``) is rejected with a message naming the offending part.

Evaluation works on a panel: a :class:`pandas.DataFrame` indexed by ``(admin_code, year)`` with one
column per raw field. ``lag(expr, k)`` is the value of ``expr`` for the same city in year − k,
looked up by year (not by row position), so gaps in the years give a missing value, never the
wrong year's value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

MAX_FORMULA_LENGTH = 400
MAX_DEPTH = 30


class FormulaError(ValueError):
    """A formula that is not in the accepted grammar or names an unknown field."""


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * /
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple["Node", ...]


Node = Field | Number | BinOp | Neg | Call

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _lag(series: pd.Series, k: float = 1) -> pd.Series:
    """Value of the same city in year − k (looked up by year; missing if that year is absent)."""
    index = series.index
    shifted = pd.MultiIndex.from_arrays(
        [index.get_level_values(0), index.get_level_values(1) + int(k)], names=index.names
    )
    return pd.Series(series.to_numpy(), index=shifted).reindex(index)


def _log(series: pd.Series) -> pd.Series:
    """Natural logarithm; non-positive values give a missing value."""
    return np.log(series.where(series > 0))


def _abs(series: pd.Series) -> pd.Series:
    return series.abs()


# name -> (implementation, min args, max args, which args must be literal numbers)
FUNCTIONS: dict[str, tuple[Callable[..., pd.Series], int, int, tuple[int, ...]]] = {
    "lag": (_lag, 1, 2, (1,)),
    "log": (_log, 1, 1, ()),
    "abs": (_abs, 1, 1, ()),
}


def parse(text: str, known_fields: set[str] | None = None) -> Node:
    """Parse ``text`` into a formula tree; raise :class:`FormulaError` if it is not allowed.

    If ``known_fields`` is given, every field name must be one of them.
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formula is empty")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"formula is longer than {MAX_FORMULA_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {text!r} is not valid arithmetic: {exc.msg}") from None
    node = _convert(tree.body, text, 0)
    if known_fields is not None:
        unknown = sorted(fields_of(node) - set(known_fields))
        if unknown:
            raise FormulaError(
                f"formula {text!r} uses unknown raw field(s) {', '.join(unknown)}; "
                "add them to the raw field table or fix the spelling"
            )
    return node


def _convert(node: ast.AST, text: str, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise FormulaError(f"formula {text!r} is nested too deeply")
    if isinstance(node, ast.Name):
        return Field(node.id)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {text!r}: only numbers are allowed as constants, not {node.value!r}")
        return Number(float(node.value))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return BinOp(
            _BINOPS[type(node.op)], _convert(node.left, text, depth + 1), _convert(node.right, text, depth + 1)
        )
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _convert(node.operand, text, depth + 1)
        return Neg(operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        return _convert_call(node, text, depth)
    raise FormulaError(
        f"formula {text!r}: {ast.unparse(node)!r} is not allowed "
        "(only field names, numbers, + - * /, parentheses and the functions "
        f"{', '.join(sorted(FUNCTIONS))})"
    )


def _convert_call(node: ast.Call, text: str, depth: int) -> Call:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise FormulaError(
            f"formula {text!r}: call {ast.unparse(node.func)!r} is not allowed; "
            f"allowed functions: {', '.join(sorted(FUNCTIONS))}"
        )
    name = node.func.id
    _, min_args, max_args, literal_args = FUNCTIONS[name]
    if node.keywords or not (min_args <= len(node.args) <= max_args):
        raise FormulaError(f"formula {text!r}: {name}() takes {min_args} to {max_args} positional arguments")
    args = tuple(_convert(arg, text, depth + 1) for arg in node.args)
    for position in literal_args:
        if position < len(args):
            arg = args[position]
            if not isinstance(arg, Number) or arg.value != int(arg.value) or not 1 <= arg.value <= 10:
                raise FormulaError(f"formula {text!r}: argument {position + 1} of {name}() must be a whole number 1-10")
    return Call(name, args)


def fields_of(node: Node) -> set[str]:
    """The raw field names a formula reads."""
    if isinstance(node, Field):
        return {node.name}
    if isinstance(node, BinOp):
        return fields_of(node.left) | fields_of(node.right)
    if isinstance(node, Neg):
        return fields_of(node.operand)
    if isinstance(node, Call):
        return set().union(*(fields_of(a) for a in node.args))
    return set()


def max_lag(node: Node) -> int:
    """How many years before the first panel year the formula needs (0 without ``lag``)."""
    if isinstance(node, BinOp):
        return max(max_lag(node.left), max_lag(node.right))
    if isinstance(node, Neg):
        return max_lag(node.operand)
    if isinstance(node, Call):
        inner = max(max_lag(a) for a in node.args)
        if node.func == "lag":
            k = int(node.args[1].value) if len(node.args) > 1 else 1  # type: ignore[union-attr]
            return k + inner
        return inner
    return 0


def evaluate(node: Node, panel: pd.DataFrame) -> pd.Series:
    """Evaluate a parsed formula on ``panel`` (index ``(admin_code, year)``, a column per field).

    Division by zero and infinite results give missing values (NaN), never ``inf``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        result = _evaluate(node, panel)
    if isinstance(result, float):
        result = pd.Series(result, index=panel.index, dtype=float)
    return result.astype(float).replace([np.inf, -np.inf], np.nan)


def _finite(value: pd.Series | float) -> pd.Series | float:
    """Infinite intermediate results (a division by zero) become missing at once, so that
    ``1 / (1 / 0)`` is missing rather than 0."""
    if isinstance(value, pd.Series):
        return value.replace([np.inf, -np.inf], np.nan)
    return value if np.isfinite(value) else np.nan


def _evaluate(node: Node, panel: pd.DataFrame) -> pd.Series | float:
    if isinstance(node, Field):
        if node.name not in panel.columns:
            raise FormulaError(f"raw field {node.name!r} is not in the panel")
        return panel[node.name].astype(float)
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Neg):
        return -_evaluate(node.operand, panel)
    if isinstance(node, BinOp):
        left, right = _evaluate(node.left, panel), _evaluate(node.right, panel)
        if node.op == "+":
            result = left + right
        elif node.op == "-":
            result = left - right
        elif node.op == "*":
            result = left * right
        else:
            result = left / right if not (isinstance(right, float) and right == 0.0) else left * np.nan
        return _finite(result)
    func = FUNCTIONS[node.func][0]
    first = _evaluate(node.args[0], panel)
    if isinstance(first, float):
        first = pd.Series(first, index=panel.index, dtype=float)
    rest = [a.value for a in node.args[1:]]  # type: ignore[union-attr]
    return func(first, *rest)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def denominator_fields(node: Node) -> set[str]:
    """Raw fields that appear in the divisor of some ``/`` of the formula (they must never be 0)."""
    found = fields_of(node.right) if isinstance(node, BinOp) and node.op == "/" else set()
    return found.union(*(denominator_fields(child) for child in _children(node)))


def field_lags(node: Node, shift: int = 0) -> set[tuple[str, int]]:
    """Every (raw field, years back) the formula reads: ``(pop - lag(pop)) / lag(pop)`` reads
    ``{("pop", 0), ("pop", 1)}``."""
    if isinstance(node, Field):
        return {(node.name, shift)}
    if isinstance(node, Call) and node.func == "lag":
        k = int(node.args[1].value) if len(node.args) > 1 else 1  # type: ignore[union-attr]
        return field_lags(node.args[0], shift + k)
    return set().union(*(field_lags(child, shift) for child in _children(node)))


def zero_divisions(node: Node, panel: pd.DataFrame) -> pd.Series:
    """True where some ``/`` of the formula divides by an observed 0 (the result is then missing for
    that cause, not because an input is missing)."""
    hit = pd.Series(False, index=panel.index)
    if isinstance(node, BinOp) and node.op == "/":
        divisor = evaluate(node.right, panel)
        hit |= divisor.eq(0.0)
    for child in _children(node):
        hit |= zero_divisions(child, panel)
    return hit
