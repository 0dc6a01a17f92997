"""Mutation testing of the planning modules and the engine's back-test/interval/choice code (`make mutate`).

Why not mutmut: mutmut mutates whole files and can only skip code through `# pragma: no mutate` comments in
the source; here only the choice/interval functions of forecasting/engine/forecast.py are in scope, and the
package is not to be edited for a test tool. This runner is small:

1. For each target module, list mutants with the AST (one small change each):
   - comparison:  <  <-> <=,  >  <-> >=,  == <-> !=,  in <-> not in,  is <-> is not
   - arithmetic:  + <-> -,  * <-> /,  // -> /,  ** -> *  (also in `x += ...`)
   - boolean:     and <-> or;  `not x` -> `x`;  unary minus dropped
   - constants:   integer/float n -> n + 1 (off by one);  True <-> False
   - return:      `return <value>` -> `return None`
   Docstrings, strings, f-strings, annotations, decorators, logging calls and module-level constant tables
   (dict/list/tuple literals such as LEVERS or FLOW_INDICATORS: configuration data, not logic) are never
   mutated.
2. Copy the code under test (the working tree, or `--rev` a commit via `git archive`) to a temporary folder,
   then one copy per worker; the working tree is never touched.
3. Which tests run which lines: one traced run of the unmutated tests per test set (sys.settrace, frames of
   the target modules only) records the lines each test executes (setup, call, teardown; the lines a test's
   fixture setup ran count for the later tests of its file too, which may share a module-scoped fixture's
   result without running its lines again). It must pass, or the run stops. A mutant is then tested with the
   tests that execute one of its lines, fastest first; a mutant on
   a line run at import time (module level, class bodies, default values) gets the module's own test files and
   every test that executes any line of the module (a test affected only through an imported constant or a
   dataclass default is missed there, so this can only undercount kills). A mutant on a line no test executes
   cannot be killed by the suite: it is counted SURVIVED ("not run by any test") without running.
4. Each worker (2 at most) imports the heavy third-party libraries once, then for every mutant writes the
   mutated module into ITS copy, forks, and the child runs the selected tests in the copy
   (`pytest <tests> -x -q -p no:cacheprovider`) with a per-mutant timeout (3 x the tests' traced time + 30 s,
   at least --timeout); the module is restored after.
5. A mutant is KILLED only if pytest reports failing tests (exit code 1), cannot collect them (2), or the
   mutated module cannot even be imported. Exit 0 = SURVIVED. A mutant still running at the timeout is a
   TIMEOUT, any other outcome (crash, pytest internal/usage error) an ERROR; neither counts as killed.
   Kill share = killed / all mutants run (timeouts and errors count against it), with a 95% Wilson interval;
   `--sample N` runs a random N per module (fixed seed) and says so: the share is then an estimate.
   `--retry REPORT.json` runs only the mutants an earlier report did not kill (after new tests were written),
   matched by their change at the nearest line, and prints the earlier sample's share with them retried.
   `--tests FILE ...` runs only those test files (traced the same way): quicker, and a lower bound.
   `--retry SAMPLE.json RETRY1.json ...` applies earlier retries' results to the sample first, so the share
   printed is still over the first sample (its kills so far plus this run's).
   `--lines MODULE:LINE ...` runs only the mutants on those lines (e.g. to check that a new test kills a
   survivor a report names); with `--list`, lists them.
6. Time limits: each mutant gets at least --timeout seconds (default 150); the one traced run of the
   unmutated tests gets 20 x --timeout (50 minutes by default), because tracing the whole planning suite took
   6-25 minutes on the shared 2-core machine and the old default (60 s, so 20 minutes) once stopped a full
   run before any mutant ran.

Usage:  python tools/mutate.py [--modules pipeline levers ...] [--rev HEAD] [--sample N] [--workers 2]
                               [--timeout 150] [--lines MODULE:LINE ...] [--list]
                               [--report models/mutation.md]
Kept out of `make test`: it takes a while (hundreds of mutants x a few seconds, two at a time).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLANNING_TESTS = "tests/planning"
ENGINE_TESTS = [
    "tests/engine/test_backtest.py",
    "tests/engine/test_backtest_rules.py",
    "tests/engine/test_forecast.py",
    "tests/engine/test_forecast_rules.py",
    "tests/engine/test_derived_rules.py",
    "tests/engine/test_backtest_mechanics.py",
    "tests/engine/test_models.py",
    "tests/engine/test_seasonality.py",
    "tests/engine/test_explain.py",
]
# the interval rules' own files first (a mutant run at import time gets the first two), then every other
# tests/engine/test_intervals*.py
INTERVAL_TESTS = list(dict.fromkeys([
    "tests/engine/test_intervals.py",
    "tests/engine/test_intervals_spread_rules.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "engine").glob("test_intervals*.py")),
]))
# Dask (tests/engine/test_distributed.py, ~10 s) and the cache tests are not about choice or intervals.

# name -> (module path, tests to run (own module's first), functions to mutate or None = all of the module).
# Every module of forecasting/planning/ (found when the tool starts, so new modules are included) with the
# planning tests; the engine's back-test, intervals and the choice/interval functions of forecast.py.
FORECAST_FUNCTIONS = ("_interval_columns", "_derived_cv", "_derived_scores", "_tables", "quantile",
                      "probability_below")


def _planning_target(path: Path) -> tuple[str, list[str], None]:
    own = [f"tests/planning/test_{path.stem}_rules.py", f"tests/planning/test_{path.stem}.py"]
    return f"forecasting/planning/{path.name}", [*own, PLANNING_TESTS], None


TARGETS: dict[str, tuple[str, list[str], tuple[str, ...] | None]] = {
    path.stem: _planning_target(path)
    for path in sorted((ROOT / "forecasting" / "planning").glob("*.py")) if path.stem != "__init__"
}
TARGETS |= {
    "backtest": ("forecasting/engine/backtest.py", ["tests/engine/test_backtest_rules.py", *ENGINE_TESTS],
                 None),
    "intervals": ("forecasting/engine/intervals.py", [*INTERVAL_TESTS, *ENGINE_TESTS], None),
    "forecast": ("forecasting/engine/forecast.py", ["tests/engine/test_forecast_rules.py", *ENGINE_TESTS],
                 FORECAST_FUNCTIONS),
}
DEFAULT = tuple(TARGETS)
HEAVY_IMPORTS = (
    "numpy",
    "pandas",
    "scipy.stats",
    "scipy.optimize",
    "scipy.special",
    "sklearn.linear_model",
    "statsforecast",
    "statsforecast.models",
    "yaml",
    "pydantic",
    "joblib",
    "openpyxl",
    "pytest",
    "pandera",
    "pandera.pandas",
    "plotly.graph_objects",
    "plotly.express",
    "pyarrow",
    "numba",
)


# ------------------------------------------------------------------------------------------------ mutants
@dataclass
class Mutant:
    module: str
    index: int
    line: int
    kind: str
    before: str
    after: str
    start: tuple[int, int]
    end: tuple[int, int]
    status: str = ""
    seconds: float = 0.0


_COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BINOP = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Pow: ast.Mult,
}


def _is_logging_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("log", "logging", "logger")
    )


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, f-strings, annotations, logging calls (and all below them)."""
    skip: set[int] = set()

    def mark(node):
        for sub in ast.walk(node):
            skip.add(id(sub))

    for node in ast.walk(tree):
        if isinstance(node, (ast.JoinedStr,)) or _is_logging_call(node):
            mark(node)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                mark(decorator)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns is not None:
                mark(node.returns)
            for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                if arg.annotation is not None:
                    mark(arg.annotation)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                mark(first)
    for statement in getattr(tree, "body", []):  # module-level tables (LEVERS, FLOW_INDICATORS, ...) are data
        value = getattr(statement, "value", None)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(
            value, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.DictComp, ast.ListComp)
        ):
            mark(statement)
    return skip


def _in_functions(tree: ast.AST, names: tuple[str, ...] | None) -> set[int] | None:
    if names is None:
        return None
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            inside.update(id(sub) for sub in ast.walk(node))
    return inside


def _variants(node: ast.AST) -> list[tuple[str, ast.AST]]:
    """(kind, replacement node) for one node."""
    out = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                new = ast.Compare(left=node.left, ops=list(node.ops), comparators=node.comparators)
                new.ops[i] = _COMPARE[type(op)]()
                out.append(("compare", new))
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP:
        if not (isinstance(node.op, (ast.Mult, ast.Add)) and _is_str_repeat(node)):
            out.append(("arith", ast.BinOp(left=node.left, op=_BINOP[type(node.op)](), right=node.right)))
    elif isinstance(node, ast.BoolOp):
        out.append(
            (
                "bool",
                ast.BoolOp(op=ast.Or() if isinstance(node.op, ast.And) else ast.And(), values=node.values),
            )
        )
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        out.append(("not" if isinstance(node.op, ast.Not) else "negate", node.operand))
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            out.append(("constant", ast.Constant(value=not node.value)))
        elif isinstance(node.value, (int, float)):
            out.append(("constant", ast.Constant(value=node.value + 1)))
    return out


def _is_str_repeat(node: ast.BinOp) -> bool:
    """String repetition or concatenation (mutating it only makes a TypeError or a different message)."""
    return any(
        isinstance(side, ast.JoinedStr) or (isinstance(side, ast.Constant) and isinstance(side.value, str))
        for side in (node.left, node.right)
    )


def _offset(lines: list[str], line: int, col: int) -> int:
    """Character offset of (1-based line, 0-based UTF-8 byte column)."""
    text = lines[line - 1]
    return sum(len(x) for x in lines[: line - 1]) + len(text.encode()[:col].decode())


def list_mutants(name: str, root: Path = ROOT) -> list[Mutant]:
    path, _, functions = TARGETS[name]
    source = (root / path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip, inside = _skipped_nodes(tree), _in_functions(tree, functions)
    mutants: list[Mutant] = []
    for node in ast.walk(tree):
        if id(node) in skip or (inside is not None and id(node) not in inside):
            continue
        if (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            target, variants = node.value, [("return", ast.Constant(value=None))]
        elif isinstance(node, ast.AugAssign) and type(node.op) in _BINOP:
            # rewrite the whole statement `x += y` -> `x -= y`
            new = ast.AugAssign(target=node.target, op=_BINOP[type(node.op)](), value=node.value)
            target, variants = node, [("arith", new)]
        elif isinstance(node, ast.expr) and not isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
            target, variants = node, _variants(node)
        else:
            continue
        if getattr(target, "end_lineno", None) is None:
            continue
        before = ast.get_source_segment(source, target) or ""
        for kind, replacement in variants:
            after = ast.unparse(replacement)
            if isinstance(target, ast.expr):
                after = f"({after})"
            mutants.append(
                Mutant(
                    name,
                    0,
                    target.lineno,
                    kind,
                    before,
                    after,
                    (target.lineno, target.col_offset),
                    (target.end_lineno, target.end_col_offset),
                )
            )
    mutants.sort(key=lambda m: (m.start, m.end, m.kind, m.after))
    for index, mutant in enumerate(mutants):
        mutant.index = index
    return mutants


def mutated_source(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    start, end = _offset(lines, *mutant.start), _offset(lines, *mutant.end)
    return source[:start] + mutant.after + source[end:]


# ------------------------------------------------------------------------------------------------ worker
def _copy_repo(destination: Path, source: Path = ROOT) -> None:
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info", "artifacts", "mutants"
    )
    shutil.copytree(source, destination, ignore=ignore, symlinks=True)


def _snapshot(destination: Path, rev: str | None) -> None:
    """The code to test: the working tree as it is now, or a committed revision (`git archive`), plus the
    git-ignored forecast cache (keyed by code version, so a mutated engine never reuses a result)."""
    if rev is None:
        _copy_repo(destination)
        return
    destination.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    if (ROOT / "models" / "cache").is_dir():
        shutil.copytree(ROOT / "models" / "cache", destination / "models" / "cache", dirs_exist_ok=True)


def worker_main(copy: str) -> None:
    """Read mutant jobs (JSON lines) on stdin, answer one JSON line each on stdout."""
    os.environ.update(
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        NUMBA_NUM_THREADS="1",
        PYTHONDONTWRITEBYTECODE="1",
        FORECASTING_MUTATION_RUN="1",
    )
    sys.dont_write_bytecode = True
    os.chdir(copy)
    sys.path.insert(0, copy)
    for name in HEAVY_IMPORTS:
        with contextlib.suppress(Exception):  # optional speed-up only
            __import__(name)
    assert "forecasting" not in sys.modules
    out = os.fdopen(os.dup(1), "w")  # the protocol channel; stray prints go to stderr
    os.dup2(2, 1)
    for line in sys.stdin:
        job = json.loads(line)
        path = Path(copy) / job["path"]
        original = path.read_text(encoding="utf-8")
        if job["source"] is not None:
            path.write_text(job["source"], encoding="utf-8")
        try:
            module = job["path"].removesuffix(".py").replace("/", ".")
            status, seconds = _run_child(copy, job["tests"], job["timeout"], job.get("trace"), module)
        finally:
            path.write_text(original, encoding="utf-8")
        out.write(json.dumps({"status": status, "seconds": seconds}) + "\n")
        out.flush()


def _trace_child(copy: str, tests: list[str], files: list[str], out: str) -> None:
    """In a forked child: run `tests` once with line tracing of `files`; write the map to `out` (JSON):
    {exit, durations: {test: seconds}, lines: {test or "<import>": {file: [lines]}}}."""
    import threading

    import pytest

    targets = {str(Path(copy) / f) for f in files}

    class Recorder:
        current = "<import>"
        in_setup = False
        lines: dict[str, dict[str, set[int]]] = {}
        setup: dict[str, dict[str, set[int]]] = {}  # the lines each test's fixture setup ran
        durations: dict[str, float] = {}

        def record(self, frame):
            self.lines.setdefault(self.current, {}).setdefault(frame.f_code.co_filename, set()).add(
                frame.f_lineno
            )
            if self.in_setup:
                self.setup.setdefault(self.current, {}).setdefault(frame.f_code.co_filename, set()).add(
                    frame.f_lineno
                )

        def local(self, frame, event, arg):
            if event == "line":
                self.record(frame)
            return self.local

        def tracer(self, frame, event, arg):
            if frame.f_code.co_filename in targets:
                self.record(frame)
                return self.local
            return None

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            self.current, started = item.nodeid, time.monotonic()
            yield
            self.durations[item.nodeid] = time.monotonic() - started
            self.current = "<import>"

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_setup(self, item):
            self.in_setup = True
            yield
            self.in_setup = False

    recorder = Recorder()
    sys.settrace(recorder.tracer)
    threading.settrace(recorder.tracer)
    code = pytest.main([*tests, "-q", "-p", "no:cacheprovider"], plugins=[recorder])
    sys.settrace(None)
    _share_fixture_lines(recorder.lines, recorder.setup, list(recorder.durations))
    prefix = str(Path(copy)) + os.sep
    data = {
        "exit": int(code),
        "durations": recorder.durations,
        "lines": {
            test: {f.removeprefix(prefix): sorted(lines) for f, lines in by_file.items()}
            for test, by_file in recorder.lines.items()
        },
    }
    Path(out).write_text(json.dumps(data), encoding="utf-8")


def _share_fixture_lines(
    lines: dict[str, dict[str, set[int]]], setup: dict[str, dict[str, set[int]]], order: list[str]
) -> None:
    """A fixture set up once for a module or class (scope="module") runs its lines in the setup of the first
    test that asks for it; the later tests of that file read its result without running them again. So the
    lines a test's setup ran count for every later test of the same file too: a mutant there is then tested by
    all of them, not only by the first (which may not be the test that checks what the mutant changes)."""
    for k, test in enumerate(order):
        ran = setup.get(test)
        if not ran:
            continue
        file = test.split("::")[0]
        for later in order[k + 1:]:
            if later.split("::")[0] == file:
                by_file = lines.setdefault(later, {})
                for path, numbers in ran.items():
                    by_file.setdefault(path, set()).update(numbers)


def _run_child(
    copy: str,
    tests: list[str],
    timeout: float,
    trace: tuple[list[str], str] | None = None,
    module: str = "forecasting",
) -> tuple[str, float]:
    started = time.monotonic()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: run pytest on the copy, in its own process group
        os.close(read)
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = 4
        try:
            import importlib.util  # where `forecasting` would come from (not imported here,

            origin = importlib.util.find_spec("forecasting").origin  # so the trace sees import-time lines)
            if not str(Path(origin).resolve()).startswith(str(Path(copy).resolve())):
                code = 99  # imported the working tree, not the copy: refuse
            elif trace is not None:
                _trace_child(copy, tests, *trace)
                code = 0
            else:
                import importlib

                import pytest

                try:  # a mutant that breaks the import fails every test using it
                    importlib.import_module(module)
                except Exception:  # noqa: BLE001  (any import-time failure of the mutated module)
                    os.write(write, b"2")
                    os._exit(0)
                code = int(pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider"]))
        except BaseException:  # noqa: BLE001  an import-time failure of the mutant = tests could not run
            code = 2
        os.write(write, str(code).encode())
        os._exit(0)
    os.close(write)
    deadline = started + timeout
    result = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill_group(pid)
            os.close(read)
            return "timeout", time.monotonic() - started
        ready, _, _ = select.select([read], [], [], min(remaining, 1.0))
        if ready:
            chunk = os.read(read, 16)
            if not chunk:
                break
            result += chunk
    os.close(read)
    _kill_group(pid)  # anything the child left running (joblib, dask)
    seconds = time.monotonic() - started
    if not result:
        return "error", seconds  # child crashed before reporting
    code = int(result)
    if code == 0:
        return "survived", seconds
    if code in (1, 2):
        return "killed", seconds
    return f"error (pytest exit {code})", seconds


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


class Worker:
    def __init__(self, copy: Path):
        self.copy = copy
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(copy)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=copy,
        )

    def run(self, path: str, source: str | None, tests: list[str], timeout: float, trace=None) -> dict:
        self.process.stdin.write(
            json.dumps({"path": path, "source": source, "tests": tests, "timeout": timeout, "trace": trace})
            + "\n"
        )
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=5)


# ------------------------------------------------------------------------------------------------ driver
ONLY_TESTS: list[str] | None = None  # --tests: only these test files (a quicker lower bound)
ONLY_LINES: dict[str, set[int]] | None = None  # --lines: only the mutants on these lines, by module
DEFAULT_TIMEOUT = 150.0  # least seconds per mutant; the traced run of the unmutated tests gets 20 x this


def parse_lines(items: list[str]) -> dict[str, set[int]]:
    """{module: lines} from `MODULE:LINE` items (`--lines scenarios:241 workforce:378`); a message in words
    for a module that is not a target or a line that is not a whole number."""
    out: dict[str, set[int]] = {}
    for item in items:
        name, _, line = item.partition(":")
        if name not in TARGETS or not line.isdigit():
            raise SystemExit(
                f"--lines: {item!r} is not MODULE:LINE with MODULE one of the target modules "
                "(e.g. scenarios:241)"
            )
        out.setdefault(name, set()).add(int(line))
    return out


def _tests_for(name: str, copy: Path) -> list[str]:
    tests = [t for t in (ONLY_TESTS or TARGETS[name][1]) if (copy / t).exists()]
    seen, out = set(), []
    for t in tests:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _earlier_report(paths: list[Path]) -> list[dict]:
    """The first report's mutants (a sample), with what later `--retry` reports of it found applied in order:
    each later mutant updates the not-yet-killed mutant of the first with the same change (module, kind,
    before, after) at the nearest line (its status and line), so a chain sample -> retry -> retry keeps the
    first sample's denominator and its kills so far."""
    mutants = json.loads(paths[0].read_text(encoding="utf-8"))
    for later in paths[1:]:
        updated: set[int] = set()
        for new in json.loads(later.read_text(encoding="utf-8")):
            key = (new["module"], new["kind"], new["before"], new["after"])
            same = [k for k, m in enumerate(mutants) if k not in updated and m["status"] != "killed"
                    and (m["module"], m["kind"], m["before"], m["after"]) == key]
            if same:
                best = min(same, key=lambda k: (mutants[k]["start"][1] != new["start"][1],
                                                abs(mutants[k]["line"] - new["line"])))
                updated.add(best)
                mutants[best] = {**mutants[best], "status": new["status"], "line": new["line"],
                                 "start": new["start"], "end": new["end"]}
    return mutants


def _match_earlier(found: list[Mutant], earlier: list[dict], name: str) -> list[Mutant]:
    """The mutants of `found` that an earlier report (`--retry`) left alive in module `name`: the same change
    (kind, before, after) in the same column if there is one, at the nearest line, since the code may have
    moved. A change no longer in the code is left out and said."""
    left = [m for m in earlier if m["module"] == name and m["status"] != "killed"]
    chosen, gone, moved = [], 0, 0
    taken: set[int] = set()
    for old in left:
        same = [m for m in found if m.index not in taken and (m.kind, m.before, m.after)
                == (old["kind"], old["before"], old["after"])]
        if not same:
            gone += 1
            continue
        # the same column first (a line moved up or down keeps its columns; the same change elsewhere on a
        # nearer line, e.g. another `0.0`, is a different mutant), then the nearest line
        best = min(same, key=lambda m: (m.start[1] != old["start"][1], abs(m.line - old["line"])))
        moved += best.start[1] != old["start"][1]
        taken.add(best.index)
        chosen.append(best)
    if left:
        print(f"{name}: retrying {len(chosen)} of the earlier run's {len(left)} mutants not killed"
              + (f" ({gone} no longer in the code)" if gone else "")
              + (f" ({moved} matched in another column: the same change at the nearest line)"
                 if moved else ""),
              flush=True)
    return chosen


def _combined(earlier: list[dict], retried: list[Mutant], names: list[str]) -> str:
    """The earlier run's sample with its survivors retried: killed before + killed now, over the sample less
    the mutants no longer in the code, per module and for planning / the engine."""
    lines = ["", "Earlier sample, its survivors retried (killed before + now / mutants still in the code):"]
    groups: dict[str, list[int]] = {}
    for name in names:
        before = [m for m in earlier if m["module"] == name]
        killed_before = sum(m["status"] == "killed" for m in before)
        now = [m for m in retried if m.module == name]
        left = sum(m["status"] != "killed" for m in before)
        total = len(before) - (left - len(now))
        killed = killed_before + sum(m.status == "killed" for m in now)
        group = "engine" if TARGETS[name][0].startswith("forecasting/engine") else "planning"
        groups.setdefault(group, [0, 0])
        groups[group][0] += killed
        groups[group][1] += total
        if total:
            lines.append(f"- {name}: {killed}/{total} ({100 * killed / total:.0f}%)")
    for group, (k, n) in groups.items():
        if n:
            lines.append(f"- **{group}**: {k}/{n} = {100 * k / n:.1f}% (95% interval {_wilson(k, n)})")
    return "\n".join(lines)


def run(
    names: list[str],
    workers: int,
    timeout: float,
    report: Path | None,
    limit: int | None,
    rev: str | None = None,
    sample: int | None = None,
    retry: list[Path] | None = None,
) -> int:
    import threading
    from queue import Queue

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the copies when stopped
    base = Path(tempfile.mkdtemp(prefix="mutate-"))
    pool = []
    jobs: list[Mutant] = []
    earlier: list[dict] | None = None
    try:
        source_root = base / "source"
        _snapshot(source_root, rev)
        print(
            f"code under test: {'the working tree' if rev is None else 'revision ' + rev} (copied to {base})",
            flush=True,
        )
        names = [n for n in names if (source_root / TARGETS[n][0]).exists()]
        import random

        sampled, per_module = {}, []
        earlier = _earlier_report(retry) if retry else None
        for name in names:
            found = list_mutants(name, source_root)
            if ONLY_LINES is not None:
                found = [m for m in found if m.line in ONLY_LINES.get(name, set())]
            if earlier is not None:
                per_module.append(_match_earlier(found, earlier, name))
                continue
            if sample and len(found) > sample:
                sampled[name] = len(found)
                found = random.Random(f"{name}-{sample}").sample(found, sample)
            per_module.append(found[:limit] if limit else found)
        # round-robin over modules, so a run stopped early (partial report) has every module sampled alike
        for k in range(max((len(found) for found in per_module), default=0)):
            jobs.extend(found[k] for found in per_module if k < len(found))
        for name, total in sampled.items():
            print(f"{name}: a random sample of {sample} of its {total} mutants (an estimate)", flush=True)
        print(
            f"{len(jobs)} mutants in {len(names)} module(s): "
            + ", ".join(f"{n} {sum(m.module == n for m in jobs)}" for n in names),
            flush=True,
        )
        sources = {n: (source_root / TARGETS[n][0]).read_text(encoding="utf-8") for n in names}
        for k in range(max(1, min(workers, 2))):
            copy = base / f"repo{k}"
            _copy_repo(copy, source_root)
            pool.append(Worker(copy))
        # one traced run per test set: the unmutated tests must pass, and it tells which tests run which lines
        coverage_of: dict[str, dict] = {}
        groups: dict[tuple[str, ...], list[str]] = {}
        for name in names:
            tests = _tests_for(name, pool[0].copy)
            key = frozenset(t for t in tests if not any(t.startswith(d + "/") for d in tests))  # same tests
            groups.setdefault(key, [tests, []])[1].append(name)
        for tests, members in groups.values():
            out = str(base / f"trace-{len(coverage_of)}.json")
            answer = pool[0].run(
                TARGETS[members[0]][0],
                None,
                list(tests),
                timeout * 20,
                trace=([TARGETS[n][0] for n in members], out),
            )
            data = json.loads(Path(out).read_text()) if Path(out).exists() else {"exit": -1}
            if answer["status"] != "survived" or data["exit"] != 0:
                print(
                    f"ABORT: the unmutated tests do not pass in the copy ({answer['status']}, pytest exit "
                    f"{data.get('exit')}); fix them first: pytest {' '.join(tests)}",
                    flush=True,
                )
                return 2
            print(
                f"traced {' '.join(sorted(set(tests)))}: {len(data['durations'])} tests pass in "
                f"{answer['seconds']:.0f}s "
                f"(with tracing), for {', '.join(members)}",
                flush=True,
            )
            for name in members:
                coverage_of[name] = {
                    "tests": list(tests),
                    "durations": data["durations"],
                    "lines": data["lines"],
                }

        def selection(mutant: Mutant) -> tuple[list[str] | None, float]:
            """(tests to run, timeout); None when no test runs the mutated lines."""
            info, path = coverage_of[mutant.module], TARGETS[mutant.module][0]
            lines = set(range(mutant.start[0], mutant.end[0] + 1))
            if lines & set(info["lines"].get("<import>", {}).get(path, [])):
                # run at import: the tests that use the module at all, and its own test files
                own = [t for t in TARGETS[mutant.module][1][:2] if (pool[0].copy / t).exists()
                       and (ONLY_TESTS is None or t in ONLY_TESTS)]
                users = sorted(
                    (t for t, by_file in info["lines"].items() if t != "<import>" and path in by_file),
                    key=lambda t: info["durations"].get(t, 0.0))
                chosen = own + [t for t in users if not any(t.startswith(f + "::") for f in own)]
                budget = sum(info["durations"].get(t, 0.0) for t in users) + sum(
                    d for t, d in info["durations"].items() if any(t.startswith(f + "::") for f in own))
                return chosen or info["tests"], max(timeout, 3 * budget + 30)
            chosen = [
                t
                for t, by_file in info["lines"].items()
                if t != "<import>" and lines & set(by_file.get(path, []))
            ]
            if not chosen:
                return None, 0.0
            chosen.sort(key=lambda t: info["durations"].get(t, 0.0))
            return chosen, max(timeout, 3 * sum(info["durations"].get(t, 0.0) for t in chosen) + 30)

        queue: Queue = Queue()
        for mutant in jobs:
            queue.put(mutant)
        done = [0]
        lock = threading.Lock()
        started = time.monotonic()

        def loop(worker: Worker):
            while True:
                try:
                    mutant = queue.get_nowait()
                except Exception:  # noqa: BLE001  (queue empty)
                    return
                source = mutated_source(sources[mutant.module], mutant)
                tests, budget = selection(mutant)
                try:
                    compile(source, TARGETS[mutant.module][0], "exec")
                except SyntaxError:
                    mutant.status = "error (not valid Python)"
                else:
                    if tests is None:
                        mutant.status = "survived (not run by any test)"
                    else:
                        answer = worker.run(TARGETS[mutant.module][0], source, tests, budget)
                        mutant.status, mutant.seconds = answer["status"], answer["seconds"]
                with lock:
                    done[0] += 1
                    if report and done[0] % 10 == 0:      # partial results survive an interrupted run
                        report.with_suffix(".partial.json").write_text(
                            json.dumps([asdict(m) for m in jobs if m.status], indent=1), encoding="utf-8")
                    if done[0] % 25 == 0 or done[0] == len(jobs):
                        print(
                            f"  {done[0]}/{len(jobs)} mutants ({time.monotonic() - started:.0f}s)", flush=True
                        )

        threads = [threading.Thread(target=loop, args=(w,)) for w in pool]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for worker in pool:
            try:
                worker.close()
            except Exception:  # noqa: BLE001
                worker.process.kill()
        shutil.rmtree(base, ignore_errors=True)
    text = summary(jobs, names)
    if ONLY_TESTS:
        text += (f"\nTests run: only {len(ONLY_TESTS)} file(s) given with --tests ({', '.join(ONLY_TESTS)}): "
                 "a lower bound (a mutant other tests would kill counts as surviving here).\n")
    if earlier is not None:
        text += "\n" + _combined(earlier, jobs, names)
    print(text, flush=True)
    if report:
        report.write_text(text, encoding="utf-8")
        (report.with_suffix(".json")).write_text(
            json.dumps([asdict(m) for m in jobs], indent=1), encoding="utf-8"
        )
    return 0


def _wilson(k: int, n: int, z: float = 1.96) -> str:
    """95% Wilson interval of a share k/n (the spread of a sampled kill share; for a full run, of the share as
    an estimate over mutants in general)."""
    p, d = k / n, 1 + z * z / n
    centre, half = (p + z * z / (2 * n)) / d, z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / d
    return f"{100 * (centre - half):.0f}-{100 * (centre + half):.0f}%"


def summary(jobs: list[Mutant], names: list[str]) -> str:
    lines = [
        "| module | mutants | killed | survived | timeout | error | kill share (95% CI) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label, group):
        n = len(group)
        counts = {
            s: sum(m.status.startswith(s) for m in group) for s in ("killed", "survived", "timeout", "error")
        }
        share = f"{100 * counts['killed'] / n:.1f}% ({_wilson(counts['killed'], n)})" if n else "-"
        lines.append(
            f"| {label} | {n} | {counts['killed']} | {counts['survived']} | {counts['timeout']} | "
            f"{counts['error']} | {share} |"
        )

    for name in names:
        row(name, [m for m in jobs if m.module == name])
    planning = [m for m in jobs if TARGETS[m.module][0].startswith("forecasting/planning/")]
    engine = [m for m in jobs if TARGETS[m.module][0].startswith("forecasting/engine/")]
    if planning and engine:
        row("planning (all)", planning)
        row("engine interval/choice (all)", engine)
    row("TOTAL", jobs)
    lines += [
        "",
        "Kill share = killed / all mutants run (timeouts and errors count as not killed).",
        "",
        "Survivors (module:line  kind  before -> after):",
    ]
    for m in jobs:
        if not m.status.startswith("killed"):
            tag = "" if m.status == "survived" else f"  [{m.status.removeprefix('survived ')}]"
            lines.append(f"  {m.module}:{m.line}  {m.kind}  {m.before[:70]!s} -> {m.after[:70]!s}{tag}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--modules", nargs="+", choices=sorted(TARGETS),
                        help="modules to mutate (default: all of them, or those --lines names)")
    parser.add_argument("--workers", type=int, default=2, help="parallel workers (at most 2)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"least seconds per mutant (default {DEFAULT_TIMEOUT:g}; raised to 3x its tests' traced time "
        "+ 30 s); the one traced run of the unmutated tests may take 20x this "
        f"({20 * DEFAULT_TIMEOUT / 60:g} minutes at the default: tracing the whole planning suite takes 6-25 "
        "minutes on a loaded machine)",
    )
    parser.add_argument("--limit", type=int, help="first N mutants per module only (a quick check)")
    parser.add_argument(
        "--sample",
        type=int,
        help="a random N mutants per module (fixed seed): an estimate, reported as sampled",
    )
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    parser.add_argument("--report", type=Path, help="also write the summary (markdown) and mutants (.json)")
    parser.add_argument("--summarize", type=Path, help="print the summary of a (partial) .json report")
    parser.add_argument("--rev", help="test a committed revision (e.g. HEAD) instead of the working tree")
    parser.add_argument(
        "--retry",
        type=Path,
        nargs="+",
        help="run only the mutants an earlier report (.json) did not kill (after new tests): the earlier "
        "sample's share is then (killed before + killed now) / (mutants - those no longer in the code); "
        "several reports: the first a sample, the others earlier retries of it (kills applied in order)",
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        help="only these test files for every module (quicker, e.g. a retry under load): kills are real, the "
        "share a lower bound",
    )
    parser.add_argument(
        "--lines",
        nargs="+",
        metavar="MODULE:LINE",
        help="only the mutants on these lines, e.g. scenarios:241 workforce:378 (to check that a new test "
        "kills a survivor a report names)",
    )
    args = parser.parse_args(argv)
    if args.lines:
        global ONLY_LINES
        ONLY_LINES = parse_lines(args.lines)
    if args.modules is None:
        args.modules = list(ONLY_LINES) if ONLY_LINES else list(DEFAULT)
    if args.tests:
        global ONLY_TESTS
        ONLY_TESTS = list(dict.fromkeys(args.tests))
    if args.worker:
        worker_main(args.worker)
        return 0
    if args.summarize:
        done = [Mutant(**{**m, "start": tuple(m["start"]), "end": tuple(m["end"])})
                for m in json.loads(args.summarize.read_text())]
        print(summary(done, list(dict.fromkeys(m.module for m in done))))
        return 0
    if args.list:
        for name in args.modules:
            if (ROOT / TARGETS[name][0]).exists():
                for m in list_mutants(name):
                    if ONLY_LINES is not None and m.line not in ONLY_LINES.get(name, set()):
                        continue
                    print(f"{name}:{m.line}  {m.kind}  {m.before[:60]} -> {m.after[:60]}")
        return 0
    return run(
        args.modules, args.workers, args.timeout, args.report, args.limit, args.rev, args.sample, args.retry
    )


if __name__ == "__main__":
    sys.exit(main())
