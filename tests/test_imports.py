"""Every module of `forecasting` imports on its own, first, in a clean process: no import cycle, no module
that only works because another one happened to be imported before it, and none that pulls in streamlit.

One fresh interpreter (a subprocess) loads, once, the third-party modules the package uses (found by a scout
child that imports the whole package), then forks one child per module; a child starts with no `forecasting`
module (and no streamlit) loaded and imports just its module. Forking keeps the check to seconds instead of
one interpreter start (about 4 s) per module. The price: a module that uses a third-party submodule it never
imported (`scipy.stats` after only `import scipy`) would pass here.
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

modules, preload, parallel = json.loads(sys.argv[1]), sys.argv[2] == "preload", int(sys.argv[3])
ours = {m.split(".")[0] for m in modules}
# a child must load these itself for the checks to mean anything
NEVER_PRELOADED = ours | {"streamlit", "__main__"}


def fork_with_pipe(child):
    # Run child() in a forked process; return (pid, read end of a pipe holding what child() returned).
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        data = child().encode()
        while data:
            data = data[os.write(write_end, data):]
        os._exit(0)
    os.close(write_end)
    return pid, read_end


def collect(pid, read_end):
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    text = b"".join(chunks).decode()
    return text or (f"child exited with {code}" if code else "")


def scout():
    # Import the whole package; report which third-party modules that pulled in.
    for module in modules:
        try:
            importlib.import_module(module)
        except BaseException:
            pass
    return json.dumps(sorted(n for n in sys.modules if n.split(".")[0] not in NEVER_PRELOADED))


if preload:  # third-party modules loaded once here, so each child's time is the package's own
    for library in json.loads(collect(*fork_with_pipe(scout))):
        try:
            importlib.import_module(library)
        except BaseException:
            pass
loaded_too_much = [name for name in sys.modules if name.split(".")[0] in NEVER_PRELOADED - {"__main__"}]
assert not loaded_too_much, loaded_too_much


def import_alone(module):
    def child():
        try:
            importlib.import_module(module)
        except BaseException:
            return traceback.format_exc()
        if "streamlit" in sys.modules:
            return "imports streamlit (forecasting/ must never import it)"
        return ""
    return child


results, running, queue = {}, [], list(modules)
while queue or running:
    while queue and len(running) < parallel:
        module = queue.pop(0)
        running.append((module, *fork_with_pipe(import_alone(module))))
    module, pid, read_end = running.pop(0)
    results[module] = collect(pid, read_end)
print(json.dumps(results))
'''
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


def _run_checker(modules: list[str], root: Path = ROOT, preload: bool = True) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", CHECKER, json.dumps(modules), "preload" if preload else "none", str(PARALLEL)],
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
    results = _run_checker(package_modules(package), root=tmp_path, preload=False)
    assert "ImportError" in results["cyclepkg.first"] and "circular import" in results["cyclepkg.first"]
    assert "imports streamlit" in results["cyclepkg.drawing"]
    assert results["cyclepkg.fine"] == ""
