"""Reading one printed yearbook cell as a number, repairing what can be repaired unambiguously.

Every decision is returned with an action so it can be written to the cleaning log:

- ``ok``: a number as stored;
- ``repaired``: text that is unambiguously a number once typing/OCR artefacts are removed
  (number stored as text ``'1363'``, full-width point ``'237．52'``, space thousands separator
  ``'1 164.60'``, comma decimal ``'14,70'``, letter O for zero ``'1．O8'``, colon for point
  ``'0:68'``, stray leading/trailing punctuation ``'10.13.'``);
- ``missing``: a marker of missing data (blank, ``-``, ``…``, ``#VALUE!`` …), a ``0`` in a field
  where 0 means "not reported", or text that cannot be read as one number (``'0.0.20'``, two values
  in one cell, a formula left as text) — set missing, never guessed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# Columns of the cleaning log that every stage appends to (extraction, side tables, checks, formulas).
LOG_COLUMNS = ["file", "sheet", "cell", "admin_code", "year", "field", "written", "action", "value", "note"]
MISSING_MARKERS = {"", "-", "--", "—", "——", "–", "…", "……", "...", "#VALUE!", "#DIV/0!", "#N/A", "#REF!",
                   "#NUM!", "#NAME?", "NA", "N/A", "n/a", "n.a.", "nan", "NaN", "null", "无", "空"}
PLAIN_TEXT_NUMBER = "number stored as text"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d{1,2}$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d+)?$")
_O_FOR_ZERO = re.compile(r"(?<=[\d.])[Oo]|[Oo](?=[\d.])")


@dataclass(frozen=True)
class Cell:
    value: float  # NaN when missing
    action: str  # ok | repaired | missing
    note: str = ""


def read_cell(raw: object, zero_means_missing: bool = False, text_file: bool = False) -> Cell:
    """Interpret one printed cell (see the module docstring for the rules).

    ``text_file``: the value comes from a CSV, where every value is text, so a plain number
    written as text is ``ok`` rather than a repair.
    """
    if raw is None:
        return Cell(math.nan, "missing", "blank cell")
    if isinstance(raw, bool):
        return Cell(math.nan, "missing", f"boolean {raw!r} is not a number")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return Cell(math.nan, "missing", "blank cell")
        if raw == 0 and zero_means_missing:
            return Cell(math.nan, "missing", "0 stands for 'not reported' in this field")
        return Cell(float(raw), "ok")
    text = str(raw).replace("_x000D_", "").strip()
    if text in MISSING_MARKERS:
        return Cell(math.nan, "missing", f"missing-data marker {text!r}" if text else "blank cell")
    if text.startswith("="):
        return Cell(math.nan, "missing", f"formula left as text {text!r}")
    value, note = _repair(text)
    action = "ok" if text_file and note == PLAIN_TEXT_NUMBER else "repaired"
    if value is None:
        return Cell(math.nan, "missing", f"cannot read {text!r} as one number")
    if value == 0 and zero_means_missing:
        return Cell(math.nan, "missing", "0 stands for 'not reported' in this field")
    return Cell(value, action, "" if action == "ok" else note)


def _repair(text: str) -> tuple[float | None, str]:
    if "\n" in text.strip():
        return None, ""
    notes = []
    cleaned = unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()
    if cleaned != text:
        notes.append("full-width characters")
    if _O_FOR_ZERO.search(cleaned):
        cleaned = _O_FOR_ZERO.sub("0", cleaned)
        notes.append("letter O for zero")
    if re.fullmatch(r"\d+:\d+", cleaned):
        cleaned = cleaned.replace(":", ".")
        notes.append("colon for decimal point")
    if _SPACE_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(" ", "")
        notes.append("space as thousands separator")
    elif _COMMA_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
        notes.append("comma as thousands separator")
    elif _COMMA_DECIMAL.match(cleaned):
        cleaned = cleaned.replace(",", ".")
        notes.append("comma as decimal point")
    stripped = cleaned.strip(".,;:、 ")
    if stripped != cleaned and _NUMBER.match(stripped):
        cleaned = stripped
        notes.append("stray punctuation")
    if not _NUMBER.match(cleaned):
        return None, ""
    return float(cleaned), ", ".join(notes) or PLAIN_TEXT_NUMBER
