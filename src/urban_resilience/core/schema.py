"""Reference tables checked row by row against their JSON schemas, and the config's keys against
the config schema, with errors a user can act on.

Used when Snakemake starts (``workflow/rules/common.smk``), not by the rule scripts, so that no job
pays for importing jsonschema.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from urban_resilience.core.tables import TableError


def validate_rows(table: pd.DataFrame, schema_path: str | Path, source: str, key: str | None = None) -> None:
    """Check every row of a reference table against its JSON schema.

    The first bad row raises :class:`TableError` naming the file, the 1-based line of the file
    (the header is line 1), the row's key and the column, e.g. ``resources/indicators.csv, row 3
    (x2), column direction: 'up' is not one of ['+', '-']``. Empty cells count as absent, as in
    ``snakemake.utils.validate``.
    """
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for number, record in enumerate(table.to_dict("records"), start=2):
        record = {k: v for k, v in record.items() if not (v is None or (isinstance(v, float) and v != v))}
        error = jsonschema.exceptions.best_match(validator.iter_errors(record))
        if error is None:
            continue
        label = f" ({record.get(key)})" if key and record.get(key) not in (None, "") else ""
        column = f", column {error.path[0]}" if error.path else ""
        raise TableError(f"{source}, row {number}{label}{column}: {error.message}")


class ConfigKeyError(ValueError):
    """A config key the schema does not know; the message names it, the allowed keys and the closest."""


def check_keys(config: dict, schema: dict, where: str = "") -> None:
    """Raise :class:`ConfigKeyError` for the first key of ``config`` that ``schema`` does not allow.

    Walks every mapping whose schema has ``properties`` and ``additionalProperties: false`` (keys
    matching a ``patternProperties`` pattern are allowed too). The message names the key and where
    it is, lists the allowed keys and the closest one by :func:`difflib.get_close_matches` — instead
    of the whole schema that ``snakemake.utils.validate`` prints.
    """
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    for key, value in config.items():
        if key in properties:
            if isinstance(value, dict) and properties[key].get("type") == "object":
                check_keys(value, properties[key], f"{where}{key}.")
            continue
        if schema.get("additionalProperties") is not False or any(re.search(p, str(key)) for p in patterns):
            continue
        allowed = sorted(properties)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"Did you mean {where}{close[0]}?" if close else "No allowed key is close to it."
        place = f"under {where.rstrip('.')}" if where else "at the top level"
        raise ConfigKeyError(f"config: unknown key {where}{key} {place} (in config.yaml or a --configfile). "
                             f"{hint} Allowed keys{' of ' + where.rstrip('.') if where else ''}: "
                             f"{', '.join(allowed)}.")


class ConfigValueError(ValueError):
    """A config value the schema does not allow; the message names the key, the value, what is
    allowed and the key's description."""


VALUE_SHOWN = 80  # characters of a bad value printed (a long list is cut)


def check_values(config: dict, schema: dict) -> None:
    """Raise :class:`ConfigValueError` for the most relevant value of ``config`` that ``schema``
    rejects (:func:`jsonschema.exceptions.best_match`), in a few lines instead of the raw dump of
    ``snakemake.utils.validate``::

        config: spatial.weights is "rook2", which is not allowed (set in config.yaml, a --configfile or
        --config).
          Allowed: one of queen, knn (default: queen).
          spatial.weights: `queen` (polygons sharing a border or corner) or `knn` (…); row-standardised.

    "Allowed" is read from the key's schema (enum, type, minimum/maximum, exclusive bounds,
    pattern, length and item counts, each branch of a oneOf); a missing required key is named with
    its description. Run after :func:`check_keys` (unknown keys) and before ``validate`` (which fills
    the defaults).
    """
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = list(validator.iter_errors(config))
    error = jsonschema.exceptions.best_match(errors)
    if error is None:
        return
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        path.append(missing[0])
        key = _key_text(path)
        node = _node(schema, path)
        lines = [f"config: {key} is missing (set it in config.yaml or a --configfile); it has no default."]
    else:
        key = _key_text(path) or "the config"
        node = _node(schema, path)
        lines = [f"config: {key} is {_value_text(error.instance)}, which is not allowed (set in config.yaml, a "
                 "--configfile or --config)."]
    default = f" (default: {_value_text(node['default'], quote=False)})" if "default" in node else ""
    lines.append(f"  Allowed: {_allowed(node, schema)}{default}.")
    description = _description(schema, path)
    if description:
        lines.append(f"  {key}: {description}")
    if _as_text(error.instance, node, schema):
        lines.append("  A number or true/false written as text: Snakemake's --config passes the values inside a "
                     "mapping (key={sub: value}) as text; set it in a --configfile instead (YAML, unquoted).")
    if len(errors) > 1:
        lines.append(f"  ({len(errors) - 1} more problem(s) in the config; fix this one and run again.)")
    raise ConfigValueError("\n".join(lines))


def _as_text(value, node: dict, root: dict) -> bool:
    """True when ``value`` is text that would pass as the number or boolean ``node`` asks for."""
    if not isinstance(value, str):
        return False
    kinds = set()
    for branch in [node] + [_resolve(b, root) for b in node.get("oneOf", []) + node.get("anyOf", [])]:
        kind = branch.get("type", [])
        kinds |= {kind} if isinstance(kind, str) else set(kind)
    if "string" in kinds:
        return False
    if "boolean" in kinds and value.strip().lower() in ("true", "false"):
        return True
    try:
        float(value)
    except ValueError:
        return False
    return bool(kinds & {"number", "integer"})


def _key_text(path: list) -> str:
    """``spatial.weights``, ``cities item 4`` (list items counted from 1, as a user reads them)."""
    text = ""
    for part in path:
        text += f" item {part + 1}" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _value_text(value, quote: bool = True) -> str:
    """A value as a user wrote it in YAML: text in quotes, true/false, lists in brackets; cut to
    :data:`VALUE_SHOWN` characters."""
    if isinstance(value, str):
        text = f'"{value}"' if quote or not value else value
    else:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6).strip()
        text = text.removesuffix("\n...").removesuffix("...").strip()
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _resolve(node: dict, root: dict) -> dict:
    """``node`` with a local ``$ref`` (``#/definitions/x``) replaced by its target."""
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _child(node: dict, part, root: dict) -> dict:
    """The schema of key or list position ``part`` inside ``node``."""
    node = _resolve(node, root)
    if isinstance(part, int):
        return _resolve(node.get("items", {}), root)
    if part in node.get("properties", {}):
        return _resolve(node["properties"][part], root)
    for pattern, sub in node.get("patternProperties", {}).items():
        if re.search(pattern, str(part)):
            return _resolve(sub, root)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        return _resolve(extra, root)
    for branch in node.get("oneOf", []) + node.get("anyOf", []):  # a mapping allowed by one branch
        if _resolve(branch, root).get("type") in ("object", "array"):
            return _child(branch, part, root)
    return {}


def _node(root: dict, path: list) -> dict:
    node = root
    for part in path:
        node = _child(node, part, root)
    return _resolve(node, root)


def _description(root: dict, path: list) -> str:
    """The description of the key at ``path`` (of the nearest enclosing key for a list item or a
    mapping value without its own), on one line."""
    node, found = root, ""
    for part in path:
        node = _child(node, part, root)
        found = node.get("description") or found
    return " ".join(str(found).split())


TYPE_WORDS = {"integer": "an integer", "number": "a number", "string": "text", "boolean": "true or false",
              "array": "a list", "object": "a mapping", "null": "nothing (null)"}


def _allowed(node: dict, root: dict, nested: bool = False) -> str:
    """What ``node`` accepts, in words: ``one of queen, knn``, ``an integer ≥ 1``, ``a number > 0
    and ≤ 1``, ``text matching the pattern \\{year\\}``, ``a list of at least 2 items, no item
    twice, each …``; branches of a oneOf/anyOf joined by "or" (in parentheses inside a list or
    mapping: ``nested``)."""
    node = _resolve(node, root)
    branches = node.get("oneOf") or node.get("anyOf")
    if branches:
        text = "; or ".join(_allowed(branch, root, nested) for branch in branches)
        return f"({text})" if nested else text
    if "enum" in node:
        return "one of " + ", ".join(_value_text(v, quote=False) if v != "" else '"" (empty)' for v in node["enum"])
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    text = " or ".join(TYPE_WORDS.get(kind, kind) for kind in kinds) or "any value"
    bounds = [f"{sign} {node[word]:g}" for word, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"),
                                                           ("maximum", "≤"), ("exclusiveMaximum", "<"))
              if word in node]
    if "minimum" in node and "maximum" in node and len(bounds) == 2:
        text += f" from {node['minimum']:g} to {node['maximum']:g}"
    elif bounds:
        text += " " + " and ".join(bounds)
    if "multipleOf" in node:
        text += f", a multiple of {node['multipleOf']:g}"
    if node.get("minLength"):
        text = "non-empty text" if node["minLength"] == 1 else f"{text} of at least {node['minLength']} characters"
    if "pattern" in node:
        text += f" matching the pattern {node['pattern']}"
    if "array" in kinds:
        counts = []
        if node.get("minItems"):
            counts.append(f"at least {node['minItems']}")
        if "maxItems" in node:
            counts.append(f"at most {node['maxItems']}")
        if counts:
            text += " of " + " and ".join(counts) + " items"
        if node.get("uniqueItems"):
            text += ", no item twice"
        if node.get("items"):
            text += f", each {_allowed(node['items'], root, True)}"
    if "object" in kinds:
        if node.get("minProperties"):
            text += f" of at least {node['minProperties']} {'key' if node['minProperties'] == 1 else 'keys'}"
        values = node.get("additionalProperties")
        if isinstance(values, dict):
            text += f", each value {_allowed(values, root, True)}"
        for sub in node.get("patternProperties", {}).values():
            text += f", each value {_allowed(sub, root, True)}"
    return text
