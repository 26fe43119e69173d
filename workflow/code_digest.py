"""Code-change triggers of the rules: a digest of the package code each rule script imports.

Snakemake reruns a job when the rule's own script changes, but not when a module of the package
that the script imports changes. Every rule therefore has ``params: code=code_digest(script)``:
the SHA-256 of the normalised syntax trees of every ``urban_resilience`` module the script imports,
followed transitively through absolute and relative imports. The tree holds no comments, no layout
and (removed here) no docstrings, so

- a real change of such a module changes the digest, and Snakemake's params trigger reruns exactly
  the jobs whose scripts use the module, directly or not;
- an edit of a comment, a docstring or the formatting changes nothing and reruns nothing.

This is workflow machinery: it lives beside the rules, not in the package it watches.
"""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = "urban_resilience"


def module_name(path: Path, source: Path) -> str | None:
    """Dotted name of the package module at ``path`` under ``source`` (None outside the package)."""
    try:
        parts = list(path.resolve().relative_to(source.resolve()).with_suffix("").parts)
    except ValueError:
        return None
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and parts[0] == PACKAGE else None


def imported_modules(path: Path, source: Path) -> set[str]:
    """Dotted names of package modules (and candidate submodules) imported by the file at ``path``:
    ``import urban_resilience.x``, ``from urban_resilience import x``, ``from .x import y``,
    ``from .. import x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = module_name(path, source)
    package = own.split(".") if own else []
    if own and path.name != "__init__.py":
        package = package[:-1]  # a module's relative imports start from its package
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != PACKAGE:
                continue
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    # importing a.b.c runs the __init__ of a and of a.b first
    return found | {".".join(name.split(".")[:k]) for name in found for k in range(1, name.count(".") + 1)}


def module_file(name: str, source: Path) -> Path | None:
    """The source file of dotted module ``name`` under ``source`` (the ``src`` folder), if any."""
    base = source.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def dependencies(script: Path, source: Path) -> list[Path]:
    """Sorted package files the script needs, following imports between package modules."""
    pending, files = [script], set()
    while pending:
        for name in imported_modules(pending.pop(), source):
            path = module_file(name, source)
            if path is not None and path not in files:
                files.add(path)
                pending.append(path)
    return sorted(files)


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                node.body = node.body[1:] or [ast.Pass()]
    return tree


@lru_cache(maxsize=None)
def normalised(path: Path) -> str:
    """The module's syntax tree without docstrings, positions, comments or layout, as text."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return ast.dump(_without_docstrings(tree), include_attributes=False)


def code_digest(script: Path, source: Path) -> str:
    """SHA-256 over (module path, normalised tree) of every package module ``script`` imports."""
    digest = hashlib.sha256()
    for path in dependencies(script, source):
        digest.update(str(path.relative_to(source)).encode())
        digest.update(b"\0")
        digest.update(normalised(path).encode())
        digest.update(b"\0")
    return digest.hexdigest()
