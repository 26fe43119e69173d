"""Code-change triggers: which package modules a script depends on, and a digest that ignores
comments, docstrings and layout but not code."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "workflow"))
import code_digest  # noqa: E402


@pytest.fixture
def tree(tmp_path):
    """src/urban_resilience/{__init__, a, b, c, sub/__init__, sub/d}.py and scripts/run.py."""
    package = tmp_path / "src" / "urban_resilience"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": '"""The package."""\n',
        "a.py": '"""Module a."""\nfrom .b import twice\n\n\ndef a(x):\n    return twice(x) + 1\n',
        "b.py": '"""Module b."""\n\n\ndef twice(x):\n    """2x."""\n    return 2 * x  # doubled\n',
        "c.py": "VALUE = 3\n",
        "sub/__init__.py": "",
        "sub/d.py": "from .. import c\nfrom ..b import twice\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "run.py"
    script.write_text("from urban_resilience import a\nimport numpy\n", encoding="utf-8")
    other = tmp_path / "scripts" / "other.py"
    other.write_text("from urban_resilience.sub.d import twice\n", encoding="utf-8")
    return tmp_path / "src", script, other


def names(paths, source):
    return [str(p.relative_to(source)) for p in paths]


def test_dependencies_follow_absolute_and_relative_imports(tree):
    source, script, other = tree
    assert names(code_digest.dependencies(script, source), source) == [
        "urban_resilience/__init__.py", "urban_resilience/a.py", "urban_resilience/b.py"]
    assert names(code_digest.dependencies(other, source), source) == [
        "urban_resilience/__init__.py", "urban_resilience/b.py", "urban_resilience/c.py",
        "urban_resilience/sub/__init__.py", "urban_resilience/sub/d.py"]


def test_comments_docstrings_and_layout_do_not_change_the_digest_but_code_does(tree):
    source, script, _ = tree
    b = source / "urban_resilience" / "b.py"
    original = code_digest.code_digest(script, source)

    def digest_after(text):
        code_digest.normalised.cache_clear()
        b.write_text(text, encoding="utf-8")
        return code_digest.code_digest(script, source)

    assert digest_after('"""Another docstring."""\n\n# a comment\ndef twice(x):\n    """Twice x."""\n\n'
                        '    return 2*x\n') == original
    assert digest_after('def twice(x):\n    return 3 * x\n') != original
    code_digest.normalised.cache_clear()
    (source / "urban_resilience" / "c.py").write_text("VALUE = 4\n", encoding="utf-8")  # not imported by run.py
    assert digest_after('"""Module b."""\n\n\ndef twice(x):\n    """2x."""\n    return 2 * x  # doubled\n') == original


def test_the_workflow_gives_every_rule_a_digest_param():
    rules = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "workflow" / "rules").glob("*.smk"))
    scripts = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))
    assert all(f'code=code_digest("{name}")' in rules for name in scripts)
    assert "package_code" not in rules
