"""The package's folders follow the stages of the workflow, and imports only run down the stages.

Each subpackage of ``src/urban_resilience/`` may import only the subpackages listed for it in
``ALLOWED`` (and itself). ``core`` imports nothing else of the package; figures, exports and
robustness learn the shared words (dimensions, measures, tiers) from ``core.vocabulary``, never
from the analysis code. The check reads every module's syntax tree, so it also sees imports inside
functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "urban_resilience"

# stage -> the stages it may import (besides itself); the order of the DAG, read downwards
ALLOWED = {
    "core": set(),
    "gate": {"core"},
    "readers": {"core", "gate"},
    "panel": {"core", "gate", "readers"},
    "index": {"core"},
    "analysis": {"core"},
    "robustness": {"core", "panel", "index", "analysis"},
    "exports": {"core", "analysis"},
    "figures": {"core"},
    "demo": {"core", "gate", "readers", "panel"},
    "dynamics": {"core", "index", "analysis"},
}


def package_imports(path: Path) -> set[str]:
    """Dotted ``urban_resilience`` modules (or module.name) that the file at ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("urban_resilience")}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import (the layer check reads absolute imports only)"
            if node.module and node.module.startswith("urban_resilience"):
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def stage_of(dotted: str) -> str:
    """The stage (subpackage) a dotted ``urban_resilience.<stage>…`` name belongs to."""
    parts = dotted.split(".")
    assert len(parts) >= 3, f"{dotted}: import a stage's module, not the package root"
    return parts[1]


def test_every_module_lives_in_a_stage():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")} == set(ALLOWED)


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_imports_only_run_down_the_stages(stage):
    wrong = []
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        for name in sorted(package_imports(path)):
            target = stage_of(name)
            if target != stage and target not in ALLOWED[stage]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_shared_words_come_from_the_vocabulary():
    """Figures, exports and robustness never import analysis code to learn a name."""
    words = {"DIMENSIONS", "MEASURES", "TIERS", "TIER_BOUNDS", "DDOF"}
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in package_imports(path):
            module, _, word = name.rpartition(".")
            if word in words and module != "urban_resilience.core.vocabulary":
                wrong.append(f"{path.relative_to(PACKAGE)} imports {word} from {module}")
    assert wrong == []


def test_the_check_sees_a_wrong_import(tmp_path):
    """The check itself: an upward import and a name learnt from analysis are both found."""
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from urban_resilience.analysis.trends import MEASURES\n", encoding="utf-8")
    imports = package_imports(module)
    assert imports == {"urban_resilience.analysis.trends.MEASURES"}
    assert stage_of(next(iter(imports))) == "analysis" and "analysis" not in ALLOWED["figures"]
