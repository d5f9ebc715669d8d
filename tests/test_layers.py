"""The house rules on dependencies between packages (DESIGN.md, section 3), read from the source.

Every `import` and `from ... import` of every module, at any depth (lazy imports inside
functions count too), is checked against the packages it must never reach.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "metacompress"

#: package -> packages it must not import.
FORBIDDEN = {
    "rundir": ("pipeline", "report", "models", "distill", "attacks", "workflows", "cli"),
    "report": ("pipeline", "distill", "workflows", "cli"),
    "pipeline": ("distill", "workflows", "cli"),
    "code": ("pipeline", "rundir", "report", "models", "attacks", "distill", "cli"),
    "stats": ("pipeline", "rundir", "report", "models", "attacks", "distill", "cli", "code"),
    "relations": ("pipeline", "rundir", "report", "distill", "cli"),
}


def imported_modules(path: Path) -> set[str]:
    """Every metacompress module `path` imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("metacompress.")}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_the_layers_above_it(package):
    offending = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for name in imported_modules(path):
            layer = name.split(".")[1]
            if layer in FORBIDDEN[package]:
                offending.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offending, "\n".join(offending)


def test_the_checker_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from metacompress.pipeline.runner import run\n")
    assert "metacompress.pipeline.runner" in imported_modules(module)
