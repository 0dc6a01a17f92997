"""Copy the README's screenshots from the persona browser tests' artifacts (never taken by hand).

    .venv/bin/python -m pytest -m browser tests/app/test_personas_browser.py tests/app/test_browser.py
    .venv/bin/python tools/readme_screenshots.py

Each README image comes from one screenshot in tests/artifacts/ (see SHOTS); a missing artifact is named and
the copy stops with exit code 1, so an old image is never kept silently. Images are saved as optimised PNGs.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
TARGET = ROOT / "docs" / "screenshots"
# README image -> artifact written by a browser test
SHOTS = {
    "overview.png": "persona-leader-overview-1400.png",
    "overview-1024.png": "persona-leader-overview-1024.png",
    "scenarios.png": "persona-leader-scenario-1400.png",
    "workforce.png": "persona-planner-workforce-1400.png",
    "finance.png": "persona-finance-cost-1400.png",
    "forecasts.png": "forecasts.png",
}
MAX_HEIGHT = 1400  # full-page shots are cut to the top of the page (what a reader sees first)


def main() -> int:
    from PIL import Image

    missing = [artifact for artifact in SHOTS.values() if not (ARTIFACTS / artifact).exists()]
    if missing:
        print("missing artifacts (run the browser tests first): " + ", ".join(missing))
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, artifact in SHOTS.items():
        with Image.open(ARTIFACTS / artifact) as image:
            shot = image.crop((0, 0, image.width, min(image.height, MAX_HEIGHT))).convert("RGB")
            shot.save(TARGET / name, optimize=True)
        print(f"{TARGET.relative_to(ROOT) / name} <- tests/artifacts/{artifact}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
