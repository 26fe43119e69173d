"""Which package source files a rule script depends on (for Snakemake's rerun triggers).

Snakemake reruns a job when its script changes, but not when a package module the script
imports changes. The workflow declares those module files as inputs of every rule; this module
finds them: the ``urban_resilience`` modules a script imports, followed transitively.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "urban_resilience"


def imported_modules(path: Path) -> set[str]:
    """Dotted names of ``urban_resilience`` modules imported by the file at ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == PACKAGE:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def module_file(name: str, source: Path) -> Path | None:
    """The source file of dotted module ``name`` under ``source`` (the ``src`` folder), if any."""
    base = source.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def dependencies(script: Path, source: Path) -> list[str]:
    """Sorted package files the script needs, following imports between package modules."""
    pending, seen = [script], set()
    files: set[Path] = set()
    while pending:
        for name in imported_modules(pending.pop()):
            path = module_file(name, source)
            if path is not None and path not in seen:
                seen.add(path)
                files.add(path)
                pending.append(path)
    return sorted(str(p) for p in files)
