"""Logging for rule scripts: everything (including warnings and tracebacks) goes to the rule's log."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def logged(path: str) -> Iterator[logging.Logger]:
    """Log to ``path`` for the duration of a rule script; an exception is logged, then re-raised."""
    logger = logging.getLogger("urban_resilience")
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").addHandler(handler)
    warnings.simplefilter("default")
    try:
        yield logger
    except Exception:
        logger.exception("rule failed")
        raise
    finally:
        logger.removeHandler(handler)
        logging.getLogger("py.warnings").removeHandler(handler)
        handler.close()
