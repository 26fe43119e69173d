"""Reference tables checked row by row against their JSON schemas, with errors a user can act on.

Used when Snakemake starts (``workflow/rules/common.smk``), not by the rule scripts, so that no job
pays for importing jsonschema.
"""

from __future__ import annotations

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
