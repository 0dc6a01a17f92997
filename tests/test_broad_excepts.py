"""Every broad exception handler in the product code says why it is broad, or hands the exception on.

ruff's BLE001 does not flag a broad handler that logs with exc_info, so this scan covers those too: an `except
Exception`, `except BaseException` or bare `except` must end in a bare `raise` (clean-up, then re-raise) or
carry `# noqa: BLE001 <reason>` on its line. """
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_CODE = [ROOT / "forecasting", ROOT / "app.py", ROOT / "views", ROOT / "ui"]
BROAD = {"Exception", "BaseException"}
REASONED = re.compile(r"#\s*noqa:\s*BLE001\b[\s(]*\w+(\W+\w+){2,}")  # a reason of at least three words


def _files(paths=PRODUCT_CODE) -> list[Path]:
    return sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py")))


def unexplained_broad_handlers(source: str) -> list[int]:
    """Line numbers of broad handlers that neither re-raise nor give a reason."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler):
            continue
        caught = node.type
        names = [caught] if not isinstance(caught, ast.Tuple) else caught.elts
        broad = caught is None or any(isinstance(n, ast.Name) and n.id in BROAD for n in names)
        reraises = isinstance(node.body[-1], ast.Raise) and node.body[-1].exc is None
        if broad and not reraises and not REASONED.search(lines[node.lineno - 1]):
            found.append(node.lineno)
    return found


def test_scan_sees_the_product_code():
    files = _files()
    assert ROOT / "forecasting" / "cli" / "main.py" in files and ROOT / "app.py" in files


def test_every_broad_handler_is_explained_or_reraises():
    problems = {str(f.relative_to(ROOT)): lines for f in _files()
                if (lines := unexplained_broad_handlers(f.read_text(encoding="utf-8")))}
    assert not problems, f"broad except without '# noqa: BLE001  <reason>': {problems}"


def test_the_scan_flags_silent_and_unreasoned_handlers():
    source = (
        "try:\n    x = 1\nexcept Exception:\n    pass\n"                        # line 3: silent
        "try:\n    x = 1\nexcept:  # noqa: BLE001\n    pass\n"                    # line 7: no reason
        "try:\n    x = 1\nexcept (ValueError, BaseException):\n    x = 2\n"       # line 11: in a tuple
        "try:\n    x = 1\nexcept Exception:  # noqa: BLE001  plugins fail in many ways\n    x = 2\n"
        "try:\n    x = 1\nexcept BaseException:\n    x = 2\n    raise\n"
        "try:\n    x = 1\nexcept ValueError:\n    pass\n"
    )
    assert unexplained_broad_handlers(source) == [3, 7, 11]
