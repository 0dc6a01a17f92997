"""Every module of `forecasting` imports on its own, first, in a clean process: no import cycle, no module
that only works because another one happened to be imported before it, and none that pulls in streamlit.

One fresh interpreter (a subprocess) imports the heavy third-party libraries once, then forks one child per
module; a child starts with no `forecasting` module loaded and imports just its module. Forking keeps the
check to about 25 s instead of one interpreter start (about 4 s) per module.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "forecasting"

CHECKER = r'''
import importlib, json, os, sys, traceback

modules, libraries, parallel = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
# Third-party libraries only, loaded once so each child's time is the package's own.
for library in libraries:
    importlib.import_module(library)
assert not any(name.split(".")[0] in {m.split(".")[0] for m in modules} for name in sys.modules)


def start(module):
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: import this one module first and alone, report any problem, exit
        os.close(read_end)
        problem = ""
        try:
            importlib.import_module(module)
            if "streamlit" in sys.modules:
                problem = "imports streamlit (forecasting/ must never import it)"
        except BaseException:
            problem = traceback.format_exc()
        os.write(write_end, problem.encode())
        os._exit(0)
    os.close(write_end)
    return pid, read_end


def finish(module, pid, read_end):
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    problem = b"".join(chunks).decode()
    return problem or (f"child exited with {code}" if code else "")


results, running, queue = {}, [], list(modules)
while queue or running:
    while queue and len(running) < parallel:
        module = queue.pop(0)
        running.append((module, *start(module)))
    module, pid, read_end = running.pop(0)
    results[module] = finish(module, pid, read_end)
print(json.dumps(results))
'''
HEAVY_LIBRARIES = [
    "numpy",
    "pandas",
    "scipy.stats",
    "statsforecast",
    "plotly.graph_objects",
    "pydantic",
    "yaml",
    "openpyxl",
    "pandera",
]
PARALLEL = min(2, os.cpu_count() or 1)


def package_modules(package: Path = PACKAGE) -> list[str]:
    """Dotted names of every module and sub-package under forecasting/, found on disk (nothing imported)."""
    modules = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


def test_module_list_covers_the_package():
    modules = package_modules()
    assert "forecasting" in modules and "forecasting.errors" in modules and "forecasting.__main__" in modules
    for package in ("data", "engine", "planning", "reports", "cli"):
        assert f"forecasting.{package}" in modules
        assert any(m.startswith(f"forecasting.{package}.") for m in modules)


def _run_checker(
    modules: list[str], root: Path = ROOT, libraries: list[str] = HEAVY_LIBRARIES
) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", CHECKER, json.dumps(modules), json.dumps(libraries), str(PARALLEL)],
        capture_output=True, text=True, cwd=root, timeout=300, env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_every_module_imports_alone_in_a_fresh_interpreter():
    modules = package_modules()
    results = _run_checker(modules)
    assert sorted(results) == sorted(modules)
    failures = {module: problem for module, problem in results.items() if problem}
    assert not failures, "\n\n".join(f"{module}:\n{problem}" for module, problem in failures.items())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_the_checker_reports_a_cycle_and_a_streamlit_import(tmp_path):
    """The check can fail: a two-module import cycle and a module importing streamlit are both reported."""
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from cyclepkg.second import VALUE\nNAME = 'first'\n")
    (package / "second.py").write_text("from cyclepkg.first import NAME\nVALUE = 1\n")
    (package / "drawing.py").write_text("import streamlit\n")
    (package / "fine.py").write_text("VALUE = 2\n")
    results = _run_checker(package_modules(package), root=tmp_path, libraries=[])
    assert "ImportError" in results["cyclepkg.first"] and "circular import" in results["cyclepkg.first"]
    assert "imports streamlit" in results["cyclepkg.drawing"]
    assert results["cyclepkg.fine"] == ""
