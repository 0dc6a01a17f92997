"""One projection object: every indicator's forecast distribution by month, baseline or under a scenario.

Every figure a user reads about the future (forecast tables, fan charts, targets, P(met), RAG, headlines,
goal-seek, reports) comes from a `Projection`, on every page and in the CLI alike, so they cannot disagree.

Rules:
- Each indicator-month is a distribution of the engine's (`forecasting.engine.forecast`): on the model scale
  (`log1p` counts and rates, `logit` percentages, `identity`) a normal `loc + sd x Z`, back-transformed with
  `engine.models.from_model_scale`, times `multiplier`, plus `shift`, kept within the indicator's bounds:
      value(Z) = clip(multiplier x back(loc + sd x Z) + shift, lower, upper)
  `lower` is 0 and `upper` 100 for percentages (0 / unbounded for counts and rates; unbounded on the identity
  scale). Monotone in Z, so quantiles map to quantiles and P(value <= v) = P(Z <= z(v)) exactly.
- `forecasts` (indicator, month, model, mean, lo80, hi80, lo95, hi95) is read off that distribution at Z = 0
  and
  the levels' normal points; `mean` is therefore the median. A baseline projection's table equals the
  engine's.
- A scenario (`with_deltas`) moves the whole distribution: a count by its delta (`shift`); a rate per 10,000
  derived from a count by delta x its multiplier (10,000 / children aged 0-17); a percentage derived from two
  counts (100 x numerator / denominator) is scaled by (numerator's scenario/baseline ratio) / (denominator's),
  i.e. `multiplier` x that factor. Derived indicators follow their parts unless they have their own delta. The
  derivation rules are the engine's own (`engine.models.derivations`), not a copy.
- Effect uncertainty (`with_deltas(..., draws=...)`): a scenario simulated over its effects' evidence bands
  (forecasting.planning.effect_draws) gives each changed indicator-month a draw set of shifts and multipliers.
  Its distribution is then the mixture over those draws of the rule above, with the engine's Z for the
  baseline's own uncertainty: `probability_below` is the mean over draws of each draw's exact probability;
  the table and `quantile` solve that same mixture probability for each level exactly
  (forecasting.planning.mixture), so intervals and P(met) agree; `draws` (annual totals) pair effect draw i
  with simulated year i. Indicator-months
  whose draws are all equal to the point move keep the exact closed form, so a zero-width evidence band
  reproduces the point scenario exactly.
- `from_table` builds a projection from a table without the engine's distribution (e.g. a many-authority run):
  each month normal on the identity scale, centre `mean`, sd = (hi95 - lo95) / (2 x 1.96). Stated, not hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.engine.models import derivations, from_model_scale, population, to_model_scale
from forecasting.planning.mixture import mixture_quantiles

log = logging.getLogger(__name__)
__all__ = ["DISTRIBUTION_COLUMNS", "Projection"]

DISTRIBUTION_COLUMNS = [
    "indicator",
    "month",
    "model",
    "scale",
    "loc",
    "sd",
    "multiplier",
    "shift",
    "lower",
    "upper",
]
Z95 = float(norm.ppf(0.975))


def _bounds(scale: str, unit: str | None) -> tuple[float, float]:
    """(lower, upper) an indicator can take: percentages 0-100, counts and rates >= 0."""
    if scale == "logit" or unit == "percent":
        return 0.0, 100.0
    if scale == "log1p" or unit in ("count", "rate_per_10k"):
        return 0.0, np.inf
    return -np.inf, np.inf


@dataclass(frozen=True)
class Projection:
    """The distribution of every forecast indicator-month (rules in the module docstring); read-only.

    `dataset` supplies the observed months, catalogue and targets; `label` names the scenario ("baseline");
    `levels` are the interval levels of `forecasts`; `deltas` the count changes a scenario made (by indicator,
    aligned with `months`), kept for reports.
    """

    dataset: Any  # a forecasting.data.Dataset (or anything with its observations, series, catalogue, targets)
    distribution: pd.DataFrame
    levels: tuple[int, ...] = (80, 95)
    label: str = "baseline"
    deltas: dict[str, np.ndarray] = field(default_factory=dict)
    draw_rows: np.ndarray | None = None  # distribution rows with effect draws (see module docstring)
    draw_shift: np.ndarray | None = None  # (draws, len(draw_rows)) shift per effect draw
    draw_multiplier: np.ndarray | None = None  # (draws, len(draw_rows)) multiplier per effect draw
    seed: int = 0  # the scenario's effect-draw seed (kept with it; the table itself is exact, not sampled)
    # lookups worked out once in __post_init__ (read-only afterwards)
    _months: pd.DatetimeIndex = field(init=False, repr=False, compare=False)
    _month_index: np.ndarray = field(init=False, repr=False, compare=False)
    _grid: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)
    _columns: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)
    _draw_column: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        frame = self.distribution.reset_index(drop=True)
        if not pd.api.types.is_datetime64_any_dtype(frame["month"]):
            frame["month"] = pd.to_datetime(frame["month"])
        object.__setattr__(self, "distribution", frame)
        months = np.sort(frame["month"].unique())
        month_index = np.searchsorted(months, frame["month"].to_numpy())
        codes, names = pd.factorize(frame["indicator"])
        grid = np.full((len(names), len(months)), -1)
        grid[codes, month_index] = np.arange(len(frame))
        object.__setattr__(self, "_months", pd.DatetimeIndex(months))
        object.__setattr__(self, "_month_index", month_index)
        object.__setattr__(self, "_grid", {str(name): grid[i] for i, name in enumerate(names)})
        columns = {name: frame[name].to_numpy() for name in DISTRIBUTION_COLUMNS[3:]}
        object.__setattr__(self, "_columns", columns)
        column = {} if self.draw_rows is None else {int(r): j for j, r in enumerate(self.draw_rows)}
        object.__setattr__(self, "_draw_column", column)

    @property
    def forecasts(self) -> pd.DataFrame:
        """The table (indicator, month, model, mean, lo.., hi..), worked out on first reading and kept: with
        effect draws its levels are solved on the exact mixture, which code reading only probabilities
        (P(met), goal-seek) never needs."""
        if "_forecasts" not in self.__dict__:
            object.__setattr__(self, "_forecasts", self._table())
        return self.__dict__["_forecasts"]

    @property
    def has_effect_draws(self) -> bool:
        return bool(self._draw_column)

    def _effect_draws(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(draw_rows, draw_shift, draw_multiplier); only asked for when the projection has effect draws."""
        if self.draw_rows is None or self.draw_shift is None or self.draw_multiplier is None:
            raise ValueError(f"{self.label}: this projection has no effect draws")
        return self.draw_rows, self.draw_shift, self.draw_multiplier

    # ------------------------------------------------------------------------------------------ building
    @classmethod
    def from_forecast(cls, dataset, result) -> Projection:
        """The engine's baseline (`ForecastResult`): its distribution, bounds from the catalogue."""
        dist = result.distribution.copy()
        units = _units(dataset)
        bounds = [_bounds(s, units.get(c)) for c, s in zip(dist["indicator"], dist["scale"], strict=True)]
        dist["shift"] = 0.0
        dist["lower"] = [b[0] for b in bounds]
        dist["upper"] = [b[1] for b in bounds]
        return cls(dataset, dist[DISTRIBUTION_COLUMNS], tuple(result.settings.levels))

    @classmethod
    def from_table(cls, dataset, forecasts: pd.DataFrame, label: str = "baseline") -> Projection:
        """A projection from `indicator, month, mean, lo95, hi95` rows: normal, sd from the 95% interval."""
        units = _units(dataset)
        dist = pd.DataFrame(
            {
                "indicator": forecasts["indicator"].astype(str).to_numpy(),
                "month": pd.to_datetime(forecasts["month"]).to_numpy(),
                "model": forecasts["model"].to_numpy() if "model" in forecasts else "table",
                "scale": "identity",
                "loc": forecasts["mean"].to_numpy(dtype=float),
                "sd": np.maximum(forecasts["hi95"].to_numpy(float) - forecasts["lo95"].to_numpy(float), 0.0)
                / (2 * Z95),
                "multiplier": 1.0,
                "shift": 0.0,
            }
        )
        bounds = [_bounds("identity", units.get(c)) for c in dist["indicator"]]
        dist["lower"] = [b[0] for b in bounds]
        dist["upper"] = [b[1] for b in bounds]
        return cls(dataset, dist[DISTRIBUTION_COLUMNS], label=label)

    def with_deltas(
        self,
        deltas: dict[str, np.ndarray],
        label: str,
        draws: dict[str, np.ndarray] | None = None,
        seed: int = 0,
    ) -> Projection:
        """This projection moved by a scenario's count changes `deltas` (arrays over `months`), derived
        indicators following their parts (rules in the module docstring). `draws`: the same changes per effect
        draw ((draws, months) arrays), for the effect uncertainty; `seed` pairs them with baseline Z's."""
        clean = {code: np.asarray(delta, dtype=float) for code, delta in deltas.items() if np.any(delta)}
        shift, multiplier = self._moves(clean)
        dist = self.distribution.copy()
        dist["shift"], dist["multiplier"] = shift, multiplier
        rows = draw_shift = draw_multiplier = None
        drawn = {code: np.asarray(d, dtype=float) for code, d in (draws or {}).items() if np.any(d)}
        if drawn:
            all_shift, all_multiplier = self._moves(drawn)
            varies = ((all_shift != shift).any(axis=0)) | ((all_multiplier != multiplier).any(axis=0))
            if varies.any():
                rows = np.flatnonzero(varies)
                draw_shift, draw_multiplier = all_shift[:, rows], all_multiplier[:, rows]
        return Projection(
            self.dataset,
            dist,
            self.levels,
            label,
            {**self.deltas, **clean},
            rows,
            draw_shift,
            draw_multiplier,
            seed,
        )

    def _moves(self, deltas: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(shift, multiplier) per distribution row for count changes `deltas` (months on the last axis; any
        leading axes, e.g. draws, are kept)."""
        index = self._month_index
        lead = np.broadcast_shapes(*[np.shape(d)[:-1] for d in deltas.values()]) if deltas else ()
        shift = np.array(np.broadcast_to(self.distribution["shift"].to_numpy(float), lead + (len(index),)))
        multiplier = np.array(
            np.broadcast_to(self.distribution["multiplier"].to_numpy(float), lead + (len(index),))
        )
        codes = self.distribution["indicator"].to_numpy()
        for code, delta in deltas.items():
            rows = codes == code
            shift[..., rows] += delta[..., index[rows]]
        for code, rule in self._derivations().items():
            rows = codes == code
            if code in deltas or not rows.any():
                continue
            if rule[0] == "rate" and rule[1] in deltas:
                shift[..., rows] += deltas[rule[1]][..., index[rows]] * rule[2]
            elif rule[0] == "percent" and (rule[1] in deltas or rule[2] in deltas):
                # a denominator that falls to nothing leaves the percentage as it was (0 / 0 is no figure)
                den = self._ratio(rule[2], deltas)
                num = self._ratio(rule[1], deltas)
                shape = np.broadcast_shapes(num.shape, den.shape)
                factor = np.divide(num, den, out=np.ones(shape), where=den > 0)
                multiplier[..., rows] *= factor[..., index[rows]]
        return shift, multiplier

    def _derivations(self) -> dict[str, tuple]:
        """The engine's derivation rules for this data set (worked out once per projection; read-only)."""
        if "_rules" not in self.__dict__:
            catalogue = getattr(self.dataset, "indicators", pd.DataFrame())
            present = {code: True for code in self.indicators}
            object.__setattr__(self, "_rules", derivations(catalogue, present, population(self.dataset)))
        return self.__dict__["_rules"]

    def _ratio(self, code: str, deltas: dict[str, np.ndarray]) -> np.ndarray:
        """Scenario / baseline median of a count over the months (1 where it has no delta or no base)."""
        if code not in deltas:
            return np.ones(len(self.months))
        base = self.means(code)
        moved = np.maximum(base + deltas[code], 0.0)
        return np.divide(moved, base, out=np.ones_like(moved), where=base > 0)

    # ------------------------------------------------------------------------------------------ reading
    @property
    def months(self) -> pd.DatetimeIndex:
        return self._months

    @property
    def indicators(self) -> list[str]:
        return list(self._grid)

    def rows(self, indicator: str, months=None) -> pd.DataFrame:
        """Distribution rows of one indicator (in `months` order); KeyError naming what is missing."""
        rows = self.distribution[self.distribution["indicator"] == indicator].set_index("month")
        if months is None:
            return rows.sort_index()
        wanted = pd.DatetimeIndex(pd.to_datetime(list(months)))
        missing = wanted.difference(pd.DatetimeIndex(rows.index))
        if len(missing) or rows.empty:
            raise KeyError(
                f"No forecast for {indicator} in {', '.join(f'{m:%Y-%m}' for m in missing) or 'any month'}"
            )
        return rows.loc[wanted]

    def _where(self, indicator: str, months=None) -> np.ndarray:
        """Row positions of `indicator` in `months` order (all its months, sorted, when None)."""
        grid = self._grid.get(indicator)
        if months is None:
            if grid is None or not (grid >= 0).any():
                raise KeyError(f"No forecast for {indicator} in any month")
            return grid[grid >= 0]
        wanted = (
            months if isinstance(months, pd.DatetimeIndex) else pd.DatetimeIndex(pd.to_datetime(list(months)))
        )
        at = np.searchsorted(self._months, wanted)
        inside = (at < len(self._months)) & (self._months[np.minimum(at, len(self._months) - 1)] == wanted)
        found = (
            np.where(inside, grid[np.minimum(at, len(self._months) - 1)], -1)
            if grid is not None
            else np.full(len(wanted), -1)
        )
        if grid is None or not len(wanted) or (found < 0).any():
            missing = [m for m, r in zip(wanted, found, strict=True) if r < 0]
            where = ", ".join(f"{m:%Y-%m}" for m in missing) or "any month"
            raise KeyError(f"No forecast for {indicator} in {where}")
        return found

    def _pick(self, positions: np.ndarray) -> dict[str, np.ndarray]:
        return {name: values[positions] for name, values in self._columns.items()}

    def _effect_moves(self, positions: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(shift, multiplier) of shape (n, len(positions)): effect draw i % draws for row i; None without."""
        columns = [self._draw_column.get(int(p)) for p in positions]
        if not any(c is not None for c in columns):
            return None
        picked = self._pick(positions)
        shift = np.tile(picked["shift"].astype(float), (n, 1))
        multiplier = np.tile(picked["multiplier"].astype(float), (n, 1))
        _, draw_shift, draw_multiplier = self._effect_draws()
        which = np.arange(n) % draw_shift.shape[0]
        for j, c in enumerate(columns):
            if c is not None:
                shift[:, j], multiplier[:, j] = draw_shift[which, c], draw_multiplier[which, c]
        return shift, multiplier

    def values_at(self, indicator: str, months, z) -> np.ndarray:
        """value(Z) for each month (columns) and each row of `z` (shape (n, months) or (months,)); the point
        scenario (no effect draws)."""
        return _value(self._pick(self._where(indicator, months)), np.asarray(z, dtype=float))

    def means(self, indicator: str, months=None) -> np.ndarray:
        positions = self._where(indicator, months)
        return _value(self._pick(positions), np.zeros(len(positions)))

    def quantile(self, indicator: str, month, q: float) -> float:
        """The q-quantile (0 < q < 1) of `indicator` in `month` (with effect draws: of the exact mixture, the
        same numbers as the table)."""
        position = int(self._where(indicator, [month])[0])
        column = self._draw_column.get(position)
        if column is not None:
            _, draw_shift, draw_multiplier = self._effect_draws()
            row = self._pick(np.array([position]))
            moves = draw_shift[:, column : column + 1], draw_multiplier[:, column : column + 1]
            return float(mixture_quantiles(row, *moves, [q])[0, 0])
        return float(self.values_at(indicator, [month], [norm.ppf(q)])[0])

    def probability_below(self, indicator: str, month, value: float) -> float:
        """P(outcome <= value) for `indicator` in `month`: exact under the distribution; with effect draws the
        mean over draws of each draw's exact probability (see module docstring)."""
        position = int(self._where(indicator, [month])[0])
        row = self._pick(np.array([position]))
        column = self._draw_column.get(position)
        if column is None:
            return float(_cdf(row, value, row["shift"], row["multiplier"])[0])
        _, draw_shift, draw_multiplier = self._effect_draws()
        return float(np.mean(_cdf(row, value, draw_shift[:, column], draw_multiplier[:, column])))

    def draws(self, indicator: str, months, n_draws: int, correlation: float, seed: int) -> np.ndarray:
        """(n_draws, months) joint draws: each month from its own distribution, months joined by a Gaussian
        copula with equal pairwise `correlation` (one shared shock with weight sqrt(rho) plus each month's
        own); with effect draws, simulated year i takes effect draw i (cycling) in every month."""
        rng = np.random.default_rng(seed)
        shared = rng.standard_normal((n_draws, 1))
        own = rng.standard_normal((n_draws, len(months)))
        z = np.sqrt(correlation) * shared + np.sqrt(1.0 - correlation) * own
        positions = self._where(indicator, months)
        moves = self._effect_moves(positions, n_draws)
        if moves is None:
            return self.values_at(indicator, months, z)
        return _value(self._pick(positions), z, shift=moves[0], multiplier=moves[1])

    def observed(self, indicator: str) -> pd.Series:
        """Observed monthly values (NaN where unreadable), empty when the data set lacks the indicator."""
        if indicator not in set(self.dataset.observations["unique_id"]):
            return pd.Series(dtype=float)
        return self.dataset.series(indicator)

    def _table(self) -> pd.DataFrame:
        dist = self.distribution
        columns = {
            "indicator": dist["indicator"].to_numpy(),
            "month": dist["month"].to_numpy(),
            "model": dist["model"].to_numpy(),
            "mean": _value(dist, np.zeros(len(dist))),
        }
        for level in self.levels:
            z = norm.ppf(0.5 + level / 200.0)
            columns[f"lo{level}"] = _value(dist, np.full(len(dist), -z))
            columns[f"hi{level}"] = _value(dist, np.full(len(dist), z))
        if self._draw_column:
            draw_rows, draw_shift, draw_multiplier = self._effect_draws()
            names = ["mean"] + [f"{side}{level}" for level in self.levels for side in ("lo", "hi")]
            qs = [0.5] + [0.5 + sign * level / 200.0 for level in self.levels for sign in (-1, 1)]
            solved = mixture_quantiles(self._pick(draw_rows), draw_shift, draw_multiplier, qs)
            for name, values in zip(names, solved, strict=True):
                columns[name][draw_rows] = values
        frame = pd.DataFrame(columns)
        if not pd.api.types.is_datetime64_any_dtype(frame["month"]):
            frame["month"] = pd.to_datetime(frame["month"])
        return frame


def _cdf(row: dict[str, np.ndarray], value: float, shift: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """P(value(Z) <= `value`) for one distribution row `row` (arrays of length 1), per (shift, multiplier)."""
    shift, multiplier = np.asarray(shift, dtype=float), np.asarray(multiplier, dtype=float)
    scale, loc, sd = row["scale"][0], float(row["loc"][0]), float(row["sd"][0])
    if value >= float(row["upper"][0]):
        return np.ones(shift.shape)
    if value < float(row["lower"][0]):
        return np.zeros(shift.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(multiplier > 0, (value - shift) / np.where(multiplier > 0, multiplier, 1.0), np.inf)
    out = np.full(shift.shape, np.nan)
    below = (inner < 0) if scale in ("log1p", "logit") else np.zeros(shift.shape, dtype=bool)
    above = (inner >= 100) if scale == "logit" else np.zeros(shift.shape, dtype=bool)
    above |= ~np.isfinite(inner) & (inner > 0)
    out[below], out[above] = 0.0, 1.0
    rest = ~below & ~above
    if rest.any():
        z = to_model_scale(inner[rest], scale)
        out[rest] = (z >= loc).astype(float) if sd <= 0 else norm.cdf((z - loc) / sd)
    return out


def _value(
    rows, z: np.ndarray, shift: np.ndarray | None = None, multiplier: np.ndarray | None = None
) -> np.ndarray:
    """clip(multiplier x back(loc + sd x z) + shift, lower, upper), row by row (broadcast over leading axes);
    `rows` a frame or a mapping of column arrays; `shift` / `multiplier` override the rows' own (per draw)."""
    loc, sd = np.asarray(rows["loc"], dtype=float), np.asarray(rows["sd"], dtype=float)
    multiplier = np.asarray(rows["multiplier"] if multiplier is None else multiplier, dtype=float)
    shift = np.asarray(rows["shift"] if shift is None else shift, dtype=float)
    lower, upper = np.asarray(rows["lower"], dtype=float), np.asarray(rows["upper"], dtype=float)
    out = np.empty(np.broadcast_shapes(z.shape, loc.shape, shift.shape), dtype=float)
    multiplier, shift = np.broadcast_to(multiplier, out.shape), np.broadcast_to(shift, out.shape)
    z = np.broadcast_to(z, out.shape)
    scales = np.asarray(rows["scale"])
    for scale in dict.fromkeys(scales.tolist()):
        cols = scales == scale
        back = from_model_scale(loc[cols] + sd[cols] * z[..., cols], scale)
        out[..., cols] = np.clip(multiplier[..., cols] * back + shift[..., cols], lower[cols], upper[cols])
    return out


def _units(dataset) -> dict[str, str]:
    catalogue = getattr(dataset, "indicators", None)
    if catalogue is None or "unit" not in getattr(catalogue, "columns", ()):
        return {}
    return {str(code): str(unit) for code, unit in catalogue["unit"].items()}
