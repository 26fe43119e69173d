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
