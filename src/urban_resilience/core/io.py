"""Reading and writing the workflow's CSV tables the same way everywhere (same inputs, same bytes)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

FLOAT_FORMAT = "%.12g"


def read_table(path: str | Path, dtype: dict | None = None, **kwargs) -> pd.DataFrame:
    """A CSV written by :func:`write_table` (admin codes, and any ``dtype`` columns, as given)."""
    return pd.read_csv(path, dtype={"admin_code": str, **(dtype or {})}, encoding="utf-8", **kwargs)


def write_table(frame: pd.DataFrame, path: str | Path, index: bool = False) -> None:
    """CSV in UTF-8 with '\\n' line ends and 12 significant digits, so reruns give the same bytes."""
    frame.to_csv(path, index=index, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")


def as_stored(values: np.ndarray) -> np.ndarray:
    """``values`` (2-D) as :func:`write_table` stores them and :func:`read_table` reads them back
    (12 significant digits, pandas' parser): what the next rule of the main run computes with."""
    buffer = StringIO()
    write_table(pd.DataFrame(values), buffer)
    buffer.seek(0)
    return pd.read_csv(buffer).to_numpy(dtype=float)


def write_user_table(frame: pd.DataFrame, path: str | Path, dataset: dict) -> None:
    """A table users read: :func:`write_table` with a last column ``dataset`` naming the data it
    was computed from (``demo-synthetic (SYNTHETIC)`` on the demo)."""
    from urban_resilience.core.tables import dataset_label

    write_table(frame.assign(dataset=dataset_label(dataset)), path)


def read_panel(path: str | Path) -> pd.DataFrame:
    """A city x year table written with its (admin_code, year) index as columns."""
    return read_table(path).set_index(["admin_code", "year"]).sort_index()


def read_scores(path: str | Path, cities_path: str | Path, study_area: list[str]) -> pd.DataFrame:
    """Scores of the study-area cities, with the city table's capital flag."""
    from urban_resilience.core.tables import read_cities

    scores = read_table(path)
    capital = read_cities(cities_path)[["admin_code", "capital"]] if cities_path else None
    if capital is not None:
        scores = scores.merge(capital, on="admin_code", how="left", validate="many_to_one")
    return scores[scores["admin_code"].isin(list(study_area))].reset_index(drop=True)
