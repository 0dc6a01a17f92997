"""Named, sourced modelling assumptions: unit costs, caseload norms, staffing, timeliness settings, RAG
thresholds.

`load_parameters(path=None)` reads `data/assumptions.yaml` (yaml.safe_load only) into `{name: Parameter}`.
Each `Parameter` carries its value, unit, default (the value shipped in the file), plausible range, source and
year, so every figure the tool uses can be shown to a user and changed.
`with_overrides(params, {name: value})` returns a new registry with values changed after a range check; a bad
name or value raises `ParameterError` (a `UserFacingError`) that says what is allowed.

The scenario levers (`forecasting.planning.levers.LEVERS`, owned by the scenario engine) are added to the
registry as parameters too, with their neutral value as default, so one table lists every assumption. The
lever module stays the single source of their ranges and sources.
"""
from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from forecasting.errors import UserFacingError
from forecasting.planning.levers import LEVERS

log = logging.getLogger(__name__)
__all__ = ["DEFAULT_ASSUMPTIONS", "Parameter", "ParameterError", "load_parameters", "parameter_table",
           "value", "with_overrides"]

DEFAULT_ASSUMPTIONS = Path(__file__).resolve().parents[2] / "data" / "assumptions.yaml"
_FIELDS = ("label", "value", "unit", "low", "high", "source", "year")


class ParameterError(UserFacingError):
    """A parameter file or override the user can fix."""


@dataclass(frozen=True)
class Parameter:
    """One named assumption. `value` is in force; `default` is what the shipped file says."""

    name: str
    label: str
    value: float
    unit: str
    default: float
    low: float
    high: float
    source: str
    year: str
    note: str = ""

    def __post_init__(self):
        if not self.low <= self.high:
            raise ParameterError(f"parameter {self.name}: low {self.low} is above high {self.high}")

    def in_range(self, candidate: float) -> bool:
        return math.isfinite(candidate) and self.low <= candidate <= self.high

    @property
    def is_assumption(self) -> bool:
        return "assumption" in self.source.lower()


def _number(name: str, key: str, raw, where: str) -> float:
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ParameterError(f"{where}: parameter {name}: {key} must be a number, got {raw!r}") from None
    if not math.isfinite(number):
        raise ParameterError(f"{where}: parameter {name}: {key} must be a finite number, got {raw!r}")
    return number


def _parse(name: str, entry, where: str) -> Parameter:
    if not isinstance(entry, dict):
        raise ParameterError(f"{where}: parameter {name} must be a mapping with keys {', '.join(_FIELDS)}")
    missing = [key for key in _FIELDS if key not in entry]
    if missing:
        raise ParameterError(f"{where}: parameter {name} is missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(_FIELDS) - {"note"})
    if unknown:
        raise ParameterError(f"{where}: parameter {name} has unknown key(s) {', '.join(unknown)}; "
                             f"allowed: {', '.join(_FIELDS)}, note")
    number = _number(name, "value", entry["value"], where)
    low, high = (_number(name, key, entry[key], where) for key in ("low", "high"))
    parameter = Parameter(name=name, label=str(entry["label"]), value=number, unit=str(entry["unit"]),
                          default=number, low=low, high=high, source=str(entry["source"]),
                          year=str(entry["year"]), note=str(entry.get("note", "")))
    if not parameter.in_range(number):
        raise ParameterError(f"{where}: parameter {name} = {number} is outside its range {low}..{high}")
    return parameter


def _lever_parameters() -> dict[str, Parameter]:
    """Numeric scenario levers as parameters (neutral value as default)."""
    out = {}
    for spec in LEVERS.values():
        if not isinstance(spec.neutral, (int, float)) or spec.low is None or spec.high is None:
            continue
        out[spec.name] = Parameter(
            name=spec.name, label=spec.description, value=float(spec.neutral), unit=spec.unit,
            default=float(spec.neutral), low=float(spec.low), high=float(spec.high), source=spec.source,
            year="", note=f"scenario lever ({spec.group}); shipped scenarios use {spec.default}")
    return out


def load_parameters(path: str | Path | None = None, *, include_levers: bool = True) -> dict[str, Parameter]:
    """Read the assumptions file (default `data/assumptions.yaml`) into {name: Parameter}.

    The file is read every call; its parse is kept by its exact text (YAML parsing is about 0.3 s, and the
    app and planning functions ask for the parameters many times a page), so an edited file is parsed
    again. Each call returns a new dict of the (frozen) parameters: a caller may change its own dict."""
    path = Path(path) if path is not None else DEFAULT_ASSUMPTIONS
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read the assumptions file ({exc.strerror or exc})") from None
    return dict(_parsed_parameters(text, str(path), include_levers))


@functools.lru_cache(maxsize=8)
def _parsed_parameters(text: str, path: str, include_levers: bool) -> dict[str, Parameter]:
    """The registry read from one file's text (cached: never hand this dict out, copy it)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc}). Only plain YAML is accepted.") from None
    if not isinstance(document, dict) or not isinstance(document.get("parameters"), dict):
        raise ParameterError(f"{path}: expected a top-level 'parameters:' mapping of name -> fields")
    params = {
        str(name): _parse(str(name), entry, str(path)) for name, entry in document["parameters"].items()
    }
    if include_levers:
        for name, parameter in _lever_parameters().items():
            params.setdefault(name, parameter)
    log.debug("loaded %d parameters from %s", len(params), path)
    return params


def with_overrides(params: dict[str, Parameter], overrides: dict[str, float] | None) -> dict[str, Parameter]:
    """A copy of `params` with some values changed; unknown names and out-of-range values raise
    ParameterError."""
    out = dict(params)
    for name, raw in (overrides or {}).items():
        if name not in params:
            close = [known for known in params if name.split("_")[0] in known][:5]
            hint = f" Did you mean one of: {', '.join(close)}?" if close else ""
            raise ParameterError(f"unknown parameter {name!r}.{hint}")
        parameter = params[name]
        number = _number(name, "value", raw, "override")
        if not parameter.in_range(number):
            raise ParameterError(
                f"parameter {name} = {number:g} {parameter.unit} is outside its plausible range "
                f"{parameter.low:g}..{parameter.high:g} ({parameter.label}). Choose a value in range "
                "or edit the range in data/assumptions.yaml with your evidence."
            )
        out[name] = replace(parameter, value=number)
    return out


def value(params: dict[str, Parameter], name: str) -> float:
    """The value in force of one parameter, with a clear error if the registry lacks it."""
    try:
        return params[name].value
    except KeyError:
        raise ParameterError(f"parameter {name!r} is missing from the assumptions; add it to "
                             "data/assumptions.yaml") from None


def parameter_table(params: dict[str, Parameter]) -> pd.DataFrame:
    """Every parameter as a row (for display and export)."""
    columns = ("name", "label", "value", "unit", "default", "low", "high", "source", "year", "note")
    return pd.DataFrame([{column: getattr(p, column) for column in columns} for p in params.values()],
                        columns=list(columns))
