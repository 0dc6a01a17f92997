"""The Streamlit front end imports only the package's public API: `forecasting` or a sub-package
(`forecasting.data`, `.engine`, `.planning`, `.reports`), never a module inside one, so the package can be
reorganised behind it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import forecasting

ROOT = Path(__file__).resolve().parents[2]
FRONT_END = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "forecasting":
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names
                      if alias.name.startswith("forecasting")]
    return found


@pytest.mark.parametrize("path", FRONT_END, ids=lambda p: str(p.relative_to(ROOT)))
def test_front_end_imports_only_the_public_api(path):
    for module, names, line in _imports(path):
        assert module.count(".") <= 1, f"{path.name}:{line} imports {module}; import it from its sub-package"
        package = __import__(module, fromlist=["__all__"])
        public = set(getattr(package, "__all__", ()))
        missing = [name for name in names if name not in public]
        assert not missing, f"{path.name}:{line}: {missing} not in {module}.__all__"


def test_the_front_end_was_found():
    assert len(FRONT_END) > 10 and forecasting.__all__
