"""Put a generated markdown file between the README's backtest-summary markers (used by `make readme`)."""
import sys
from pathlib import Path

START, END = "<!-- backtest-summary:start -->", "<!-- backtest-summary:end -->"


def main(summary_path: str, readme_path: str = "README.md") -> None:
    readme = Path(readme_path).read_text()
    summary = Path(summary_path).read_text().strip()
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    intro, _, table = summary.partition("\n| ")
    body = intro.strip() + ("\n\n<details><summary>Per-indicator table</summary>\n\n| " + table.strip()
                            + "\n\n</details>" if table else "")
    Path(readme_path).write_text(f"{head}{START}\n{body}\n{END}{tail}")


if __name__ == "__main__":
    main(*sys.argv[1:])
