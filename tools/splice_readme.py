"""Put a generated markdown file between a pair of README markers (used by `make readme` and `make accuracy`).

    python tools/splice_readme.py SUMMARY.md README.md [MARKER]

MARKER (default `backtest-summary`) names the `<!-- MARKER:start -->` / `<!-- MARKER:end -->` pair. For the
back-test summary the per-indicator table is folded into a <details> block; other markers get the file as is.
"""
import sys
from pathlib import Path


def main(summary_path: str, readme_path: str = "README.md", marker: str = "backtest-summary") -> None:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    readme = Path(readme_path).read_text()
    summary = Path(summary_path).read_text().strip()
    if start not in readme or end not in readme:
        raise SystemExit(f"{readme_path} has no {start} ... {end} pair; add both markers where the text goes")
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    if marker == "backtest-summary":
        intro, _, table = summary.partition("\n| indicator |")  # tables before it (by horizon) stay shown
        body = intro.strip() + ("\n\n<details><summary>Per-indicator table</summary>\n\n| indicator |" + table
                                + "\n\n</details>" if table else "")
    else:
        body = summary
    Path(readme_path).write_text(f"{head}{start}\n{body}\n{end}{tail}")


if __name__ == "__main__":
    main(*sys.argv[1:])
