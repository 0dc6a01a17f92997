"""A scenario and its file: the validated `Levers` / `Scenario` model, a parsed mapping or a YAML file read
into it with every problem in words, and a scenario written to a file atomically.

This is what a scenario IS, apart from what it does: `forecasting.planning.scenarios` applies one to the
baseline (pipeline, workforce, costs, projection), which pulls in the engine and every effect model, while
reading, checking and saving a file needs none of that; the saved-scenario folders
(`forecasting.planning.scenario_store`) and the bounded YAML reader (`forecasting.planning.scenario_yaml`)
sit beside it. A scenario file:
    schema_version: 1
    name: Early Help step-down
    description: ...
    levers:                      # any lever left out stays neutral; see forecasting.planning.levers.LEVERS
      early_help_diversion_pct: 15
      early_help_start: 2018-09

Rules: `yaml.safe_load` only (tags such as !!python/object are refused); unknown keys, wrong types and values
outside a lever's range are errors naming the file, the key and what was expected. Saving is atomic (temp file
in the same folder, fsync, then a hard link that fails if the name exists, so of two racing saves exactly one
wins) and never overwrites an existing file unless `overwrite=True` (then os.replace).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from forecasting.errors import UserFacingError
from forecasting.planning.levers import LEVERS, MONTH_UNIT, TEAMS
from forecasting.planning.scenario_yaml import load_yaml_text, read_scenario_text

log = logging.getLogger(__name__)
__all__ = [
    "EFFECT_LEVERS",
    "SCHEMA_VERSION",
    "Levers",
    "Scenario",
    "load_scenario",
    "save_scenario",
    "scenario_from_dict",
]

SCHEMA_VERSION = 1


def _lever_field(spec) -> tuple[Any, Any]:
    if spec.unit == MONTH_UNIT:
        return (str | None, Field(default=spec.neutral, description=spec.description))
    if spec.unit == "team":
        return (Literal[TEAMS], Field(default=spec.neutral, description=spec.description))
    return (
        float,
        Field(default=spec.neutral, ge=spec.low, le=spec.high, strict=True, description=spec.description),
    )


class _LeverBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator(
        *[n for n, s in LEVERS.items() if s.unit == MONTH_UNIT], mode="before", check_fields=False
    )
    @classmethod
    def _month(cls, value):
        if value is None:
            return None
        if isinstance(value, (dt.date, dt.datetime)):
            return f"{value:%Y-%m}"
        text = str(value).strip()
        try:
            return f"{pd.Timestamp(dt.datetime.strptime(text, '%Y-%m')):%Y-%m}"
        except ValueError:
            raise ValueError(f"expected a month as YYYY-MM (e.g. 2018-10), got {value!r}") from None


_lever_fields: dict[str, Any] = {n: _lever_field(s) for n, s in LEVERS.items()}
if TYPE_CHECKING:  # the checker sees the base; the lever fields exist only at run time (built from LEVERS)
    Levers = _LeverBase
else:
    Levers = create_model("Levers", __base__=_LeverBase, **_lever_fields)


# the levers that create an effect; the others (start months, ramps, lags, team) only shape its timing
EFFECT_LEVERS = (
    "early_help_diversion_pct",
    "edge_of_care_entry_reduction",
    "edge_of_care_extra_exits",
    "recruits_fte",
    "agency_fte_change",
    "vacancy_fte_change",
    "turnover_pct_change",
    "extra_in_house_carers",
    "demand_shock_pct",
)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    levers: Levers = Field(default_factory=Levers)

    def with_levers(self, **changes) -> Scenario:
        """A copy with some levers changed (validated)."""
        return Scenario.model_validate(
            {
                "schema_version": self.schema_version,
                "name": self.name,
                "description": self.description,
                "levers": self.levers.model_dump() | changes,
            }
        )

    def active_groups(self) -> list[str]:
        """Lever groups with at least one effect lever away from neutral (timing levers alone don't count)."""
        values = self.levers.model_dump()
        return sorted({LEVERS[n].group for n in EFFECT_LEVERS if values[n] != LEVERS[n].neutral})


# ----------------------------------------------------------------------------------------------- file I/O
SHOWN_CHARACTERS = 80  # a value or key quoted back in a message is cut to this many characters
SHOWN_PROBLEMS = 10  # problems listed in one message; the rest are counted


def _cut(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text` cut to `limit` characters with its full length said (a 5,000-character name must not come back
    as a 5,000-character message)."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


class _Shown:
    """A value quoted back in a message: its repr, cut by `_cut`."""

    def __init__(self, value: Any):
        self.text = _cut(repr(value))

    def __repr__(self) -> str:
        return self.text


def _describe_error(err: Any) -> str:
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    key = _cut(key)
    kind, ctx = err["type"], err.get("ctx", {})
    got = _Shown(err.get("input"))
    if kind == "missing":
        return f"key '{key}' is missing"
    if kind in ("greater_than_equal", "less_than_equal"):
        spec = LEVERS.get(str(err["loc"][-1]))
        band = f"between {spec.low:g} and {spec.high:g} ({spec.unit})" if spec else str(ctx)
        return f"key '{key}' must be {band}, got {got!r}"
    spec = LEVERS.get(str(err["loc"][-1]))
    if kind in ("float_type", "float_parsing") and spec is not None:
        return f"key '{key}' must be a number ({spec.unit}, {spec.low:g} to {spec.high:g}), got {got!r}"
    return f"key '{key}': {_cut(str(err['msg']), 2 * SHOWN_CHARACTERS)} (got {got!r})"


def _unknown_keys(errors: list) -> list[str]:
    """One problem per level (top level, levers) for keys that are not known, each listing the known keys
    once; at most SHOWN_PROBLEMS unknown keys are named."""
    problems = []
    for levers in (False, True):
        keys = [
            _cut(".".join(str(p) for p in e["loc"]))
            for e in errors
            if e["type"] == "extra_forbidden" and (e["loc"][:1] == ("levers",)) == levers
        ]
        if not keys:
            continue
        allowed = ", ".join(sorted(LEVERS) if levers else sorted(Scenario.model_fields))
        named = ", ".join(f"'{k}'" for k in keys[:SHOWN_PROBLEMS])
        if len(keys) > SHOWN_PROBLEMS:
            named += f" and {len(keys) - SHOWN_PROBLEMS} more"
        verb = f"key {named} is" if len(keys) == 1 else f"keys {named} are"
        problems.append(f"{verb} not known; expected one of: {allowed}")
    return problems


def scenario_from_dict(data: Any, source: str = "scenario") -> Scenario:
    """Validate a parsed mapping; errors name `source`, the key and what was expected."""
    if data is None:
        raise UserFacingError(
            f"{source}: the file is empty; expected a mapping with schema_version: "
            f"{SCHEMA_VERSION}, name and levers."
        )
    if not isinstance(data, dict):
        raise UserFacingError(
            f"{source}: expected a mapping (key: value lines) at the top level, got {type(data).__name__}."
        )
    if "schema_version" in data and data["schema_version"] != SCHEMA_VERSION:
        raise UserFacingError(
            f"{source}: schema_version {data['schema_version']!r} is not supported; expected "
            f"{SCHEMA_VERSION}."
        )
    if "levers" in data and data["levers"] is None:  # `levers:` with nothing under it = all neutral
        data = {**data, "levers": {}}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        described = _unknown_keys(errors) + [
            _describe_error(e) for e in errors if e["type"] != "extra_forbidden"
        ]
        problems = "; ".join(described[:SHOWN_PROBLEMS])
        if len(described) > SHOWN_PROBLEMS:
            problems += f"; and {len(described) - SHOWN_PROBLEMS} more problem(s)"
        raise UserFacingError(f"{source}: {problems}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario YAML file (safe_load without aliases, bounded; see scenario_yaml)."""
    path = Path(path)
    data = load_yaml_text(read_scenario_text(path), str(path))
    return scenario_from_dict(data, str(path))


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable where the OS allows it (POSIX); harmless elsewhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _already_exists(scenario_name: str, path: Path) -> UserFacingError:
    """The refusal a user reads: the scenario's name, the file's name and the fix; never the server folder."""
    return UserFacingError(
        f"A saved scenario called '{scenario_name}' already exists ({path.name}); choose another name, or "
        "replace the saved one on purpose."
    )


def _publish_new(tmp: str, path: Path, text: str, scenario_name: str = "") -> None:
    """Give the finished temp file the name `path` only if nothing has that name yet, atomically.

    `os.link` fails with FileExistsError when `path` exists, including when a racing save created it a moment
    ago, so of two saves of one new name exactly one wins and readers only ever see complete files. Where a
    file system has no hard links, an O_CREAT|O_EXCL create (still exclusive) is written and fsynced instead.
    """
    refused = _already_exists(scenario_name or path.stem, path)
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise refused from None
    except (AttributeError, NotImplementedError, OSError) as exc:  # no hard links here (e.g. FAT, some SMB)
        import errno

        if isinstance(exc, OSError) and exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EMLINK,
        ):
            raise
        log.info("hard links unavailable in %s (%s); creating %s exclusively", path.parent, exc, path.name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # as mkstemp
    except FileExistsError:
        raise refused from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # ours: created exclusively above
        raise


def save_scenario(scenario: Scenario, path: str | Path, overwrite: bool = False) -> Path:
    """Write atomically (temp file in the same folder + fsync, then published in one step); never overwrite
    an existing file unless overwrite=True, even when two saves of one new name race (see `_publish_new`)."""
    path = Path(path)
    if path.exists() and not overwrite:  # early, cheap refusal; _publish_new is the guarantee under a race
        raise _already_exists(scenario.name, path)
    data = {
        "schema_version": scenario.schema_version,
        "name": scenario.name,
        "description": scenario.description,
        "levers": {k: v for k, v in scenario.levers.model_dump().items() if v != LEVERS[k].neutral},
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _publish_new(tmp, path, text, scenario.name)
        _fsync_directory(path.parent)
    finally:
        Path(tmp).unlink(missing_ok=True)  # after a link the temp name is a second name for the file; drop it
    return path
