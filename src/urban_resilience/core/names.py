"""Printed names reduced to comparable keys: city names and yearbook headers as typed, OCR'd or
exported (full-width characters, ideographic spaces, Excel's ``_x000D_``, a final 市 or not)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000]+")


def normalise_name(text: object) -> str:
    """A city or header text as printed, reduced to a comparable key.

    Removes Excel's ``_x000D_`` artefacts, all white space (including the ideographic space) and
    applies Unicode NFKC (full-width letters and digits become ASCII).
    """
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).replace("_x000D_", "")
    return _SPACES.sub("", value)


def city_key(text: object) -> str:
    """Key for matching city names: normalised, with a final ``市`` removed (`武汉` = `武汉市`)."""
    key = normalise_name(text)
    return key[:-1] if key.endswith("市") and len(key) > 2 else key
