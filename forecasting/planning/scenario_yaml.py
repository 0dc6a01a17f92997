"""Reading a scenario file's YAML with bounded work; every problem a UserFacingError saying where.

A scenario file is a short mapping (a name, a description, a dozen levers), so the reader refuses what such a
file never needs and what lets a few hundred bytes take gigabytes or crash the parser:
- aliases (`*name`): an alias bomb nests references that expand exponentially when the data is built;
- nesting deeper than MAX_DEPTH levels (a 10,000-deep list otherwise overflows the Python stack);
- files over MAX_BYTES (a scenario file is about 1 kB);
- integers written with more than MAX_INT_DIGITS digits (Python refuses to convert 4,301 digits and more,
  and no lever is larger than a few thousand), non-finite numbers (`.inf`, `1e309`, `.nan`), impossible dates
  (`2018-02-30`), and any tag (`!!python/object`, `!!binary`, ...): values are plain text, numbers, dates.
It is PyYAML's SafeLoader with these checks added where each node is composed or built, so nothing is
expanded before it is checked.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from forecasting.errors import UserFacingError

MAX_BYTES = 64_000
MAX_DEPTH = 20
MAX_INT_DIGITS = 30

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_INT_DIGITS", "load_yaml_text", "read_scenario_text"]


class _Refused(yaml.MarkedYAMLError):
    """A value the scenario reader does not accept, with where it is."""


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "an unknown place"


class _ScenarioLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, deep nesting, huge integers, non-finite numbers and bad dates."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(
                problem=f"an alias (*{event.anchor}) at {_where(event.start_mark)}: aliases and "
                "anchors are not allowed in scenario files; write each value out",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(
                    problem=f"nesting deeper than {MAX_DEPTH} levels at {_where(mark)}: a scenario "
                    "is a mapping of levers, one or two levels deep",
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _Refused(
                problem=f"a number with {digits:,} digits at {_where(node.start_mark)}: numbers in "
                f"a scenario have at most {MAX_INT_DIGITS} digits",
                problem_mark=node.start_mark,
            )
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Refused(
                problem=f"'{str(node.value)[:40]}' at {_where(node.start_mark)} is not a finite "
                "number; write an ordinary number such as 15 or 0.5",
                problem_mark=node.start_mark,
            )
        return value

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise _Refused(
                problem=f"'{str(node.value)[:40]}' at {_where(node.start_mark)} is not a real date; "
                "write months as YYYY-MM, e.g. 2018-10",
                problem_mark=node.start_mark,
            ) from None


for _tag, _method in (
    ("tag:yaml.org,2002:int", _ScenarioLoader.construct_yaml_int),
    ("tag:yaml.org,2002:float", _ScenarioLoader.construct_yaml_float),
    ("tag:yaml.org,2002:timestamp", _ScenarioLoader.construct_yaml_timestamp),
):
    _ScenarioLoader.add_constructor(_tag, _method)


def load_yaml_text(text: str, source: str) -> Any:
    """The parsed YAML of a scenario file's text; UserFacingError (naming `source` and where) if refused."""
    if len(text) > MAX_BYTES:
        raise UserFacingError(
            f"{source}: the file has {len(text):,} characters; a scenario file has at most "
            f"{MAX_BYTES:,} (they are about 1,000). Check it is the right file."
        )
    loader = None
    try:
        loader = _ScenarioLoader(text)  # checks the characters first (a control character is refused here)
        return loader.get_single_data()
    except _Refused as exc:
        raise UserFacingError(f"{source}: {exc.problem}.") from None
    except yaml.constructor.ConstructorError as exc:
        tag = exc.problem.split()[-1] if exc.problem and "tag" in exc.problem else None
        where = _where(exc.problem_mark)
        if tag:
            raise UserFacingError(
                f"{source}: YAML tags such as {tag} (at {where}) are not allowed in scenario "
                "files; use plain values (numbers, text, YYYY-MM)."
            ) from None
        raise UserFacingError(
            f"{source}: not a plain scenario value at {where} ({exc.problem}); use plain "
            "values (numbers, text, YYYY-MM)."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at {_where(mark)}" if mark else ""
        raise UserFacingError(
            f"{source}: not valid YAML{where} ({getattr(exc, 'problem', None) or exc})."
        ) from None
    except RecursionError:  # depth is capped above; a guard should the parser itself recurse
        raise UserFacingError(
            f"{source}: nested too deeply to read; a scenario is a mapping of levers."
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_scenario_text(path: Path) -> str:
    """The text of a scenario file, refusing a missing, oversized or non-UTF-8 file in words. Messages name
    the file only, never the folder it is in (a server's paths are not shown to users; issue 18)."""
    path = Path(path)
    if not path.is_file():
        raise UserFacingError(f"{path.name}: no such scenario file.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UserFacingError(
            f"{path.name}: the file is {size:,} bytes; a scenario file has at most {MAX_BYTES:,} "
            "(they are about 1 kB). Check it is the right file."
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserFacingError(f"{path.name}: not a text (UTF-8) file; expected a YAML scenario.") from None
