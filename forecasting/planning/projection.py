"""One projection object: every indicator's forecast distribution by month, baseline or under a scenario.

Every figure a user reads about the future (forecast tables, fan charts, targets, P(met), RAG, headlines,
goal-seek, reports) comes from a `Projection`, on every page and in the CLI alike, so they cannot disagree.

Rules:
- Each indicator-month is a distribution of the engine's (`forecasting.engine.forecast`), the rule of
  forecasting.planning.distribution_rule: value(Z) = clip(multiplier x back(loc + sd x Z) + shift, lower,
  upper), monotone in Z, so quantiles map to quantiles and P(value <= v) = P(Z <= z(v)) exactly.
- `forecasts` (indicator, month, model, mean, lo80, hi80, lo95, hi95) is read off that distribution at Z = 0
  and the levels' normal points (`mean` is the median); a baseline projection's table equals the engine's.
  `table(indicators, months)` gives some of its rows, solving only theirs.
- A scenario (`with_deltas`) moves the whole distribution: a count by its delta (`shift`); a rate per 10,000
  derived from a count by delta x its multiplier (10,000 / children aged 0-17); a percentage derived from two
  counts from the scenario's own counts (children taken out scale it, children added add percentage points,
  a changed denominator scales it). Derived indicators follow their parts unless they have their own delta.
  The rules, with the engine's own derivations, are in forecasting.planning.scenario_moves.
- Effect uncertainty (`with_deltas(..., draws=...)`): a scenario simulated over its effects' evidence bands
  (forecasting.planning.effect_draws) gives each changed indicator-month a draw set of shifts and multipliers.
  Its distribution is then the mixture over those draws of the rule above, with the engine's Z for the
  baseline's own uncertainty: `probability_below` is the mean over draws of each draw's exact probability;
  the table and `quantile` solve that same mixture probability for each level exactly
  (forecasting.planning.mixture; each row once, kept), so intervals and P(met) agree; `draws` (annual
  totals) pair effect draw i with simulated year i. Indicator-months whose draws all equal the point move
  keep the exact closed form, so a zero-width evidence band reproduces the point scenario exactly.
- Rows are found by indicator and month with `forecasting.planning.projection_rows.RowIndex` (built once per
  projection; a month without a forecast is a KeyError naming it).
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

from forecasting.engine.models import derivations, population
from forecasting.planning.distribution_rule import bounds, catalogue_units, row_probability, row_values
from forecasting.planning.mixture import SolvedLevels, mixture_quantiles
from forecasting.planning.projection_rows import RowIndex
from forecasting.planning.scenario_moves import scenario_moves

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
    _index: RowIndex = field(init=False, repr=False, compare=False)  # rows by indicator and month
    _columns: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)
    _draw_column: dict[int, int] = field(init=False, repr=False, compare=False)
    _observed: dict[str, pd.Series] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        frame = self.distribution.reset_index(drop=True)
        if not pd.api.types.is_datetime64_any_dtype(frame["month"]):
            frame["month"] = pd.to_datetime(frame["month"])
        object.__setattr__(self, "distribution", frame)
        object.__setattr__(self, "_index", RowIndex.of(frame))
        columns = {name: frame[name].to_numpy() for name in DISTRIBUTION_COLUMNS[3:]}
        object.__setattr__(self, "_columns", columns)
        column = {} if self.draw_rows is None else {int(r): j for j, r in enumerate(self.draw_rows)}
        object.__setattr__(self, "_draw_column", column)
        object.__setattr__(self, "_observed", {})  # indicator -> observed series, shared with scenarios of it

    @property
    def forecasts(self) -> pd.DataFrame:
        """The table (indicator, month, model, mean, lo.., hi..), worked out on first reading and kept: with
        effect draws its levels are solved on the exact mixture, which code reading only probabilities
        (P(met), goal-seek) never needs."""
        if "_forecasts" not in self.__dict__:
            object.__setattr__(self, "_forecasts", self._table(np.arange(len(self.distribution))))
        return self.__dict__["_forecasts"]

    def table(self, indicators=None, months=None) -> pd.DataFrame:
        """The rows of `forecasts` for `indicators` (all when None) in `months` (all when None; months without
        a forecast are left out), solving only their own effect-draw rows (each solved once and kept, as
        `quantile` does): the same numbers as `forecasts`, without solving every indicator-month's mixture."""
        if indicators is None and months is None:
            return self.forecasts
        positions = self._index.positions(indicators, months)
        if "_forecasts" in self.__dict__:
            return self.__dict__["_forecasts"].iloc[positions].reset_index(drop=True)
        return self._table(positions)

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
        units = catalogue_units(dataset)
        limits = [bounds(s, units.get(c)) for c, s in zip(dist["indicator"], dist["scale"], strict=True)]
        dist["shift"] = 0.0
        dist["lower"] = [b[0] for b in limits]
        dist["upper"] = [b[1] for b in limits]
        return cls(dataset, dist[DISTRIBUTION_COLUMNS], tuple(result.settings.levels))

    @classmethod
    def from_table(cls, dataset, forecasts: pd.DataFrame, label: str = "baseline") -> Projection:
        """A projection from `indicator, month, mean, lo95, hi95` rows: normal, sd from the 95% interval."""
        units = catalogue_units(dataset)
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
        limits = [bounds("identity", units.get(c)) for c in dist["indicator"]]
        dist["lower"] = [b[0] for b in limits]
        dist["upper"] = [b[1] for b in limits]
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
        moved = Projection(
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
        object.__setattr__(moved, "_observed", self._observed)  # the same data set: its series read once
        return moved

    def _moves(self, deltas: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(shift, multiplier) per distribution row for count changes `deltas` (months on the last axis; any
        leading axes, e.g. draws, are kept): forecasting.planning.scenario_moves."""
        return scenario_moves(self._columns["shift"].astype(float), self._columns["multiplier"].astype(float),
                              self._index.rows_and_months, self._derivations(), self.means, deltas)

    def _derivations(self) -> dict[str, tuple]:
        """The engine's derivation rules for this data set (worked out once per projection; read-only)."""
        if "_rules" not in self.__dict__:
            catalogue = getattr(self.dataset, "indicators", pd.DataFrame())
            present = {code: True for code in self.indicators}
            object.__setattr__(self, "_rules", derivations(catalogue, present, population(self.dataset)))
        return self.__dict__["_rules"]

    # ------------------------------------------------------------------------------------------ reading
    @property
    def months(self) -> pd.DatetimeIndex:
        return self._index.months

    @property
    def indicators(self) -> list[str]:
        return self._index.indicators

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

    def forecast_months(self, indicator: str) -> pd.DatetimeIndex:
        """Months with a forecast row for `indicator`, sorted (empty when it has none)."""
        return self._index.forecast_months(indicator)

    def _where(self, indicator: str, months=None) -> np.ndarray:
        """Row positions of `indicator` in `months` order (all its months, sorted, when None); KeyError naming
        the months without a forecast (forecasting.planning.projection_rows)."""
        return self._index.where(indicator, months)

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
        return row_values(self._pick(self._where(indicator, months)), np.asarray(z, dtype=float))

    def means(self, indicator: str, months=None) -> np.ndarray:
        positions = self._where(indicator, months)
        return row_values(self._pick(positions), np.zeros(len(positions)))

    def quantile(self, indicator: str, month, q: float) -> float:
        """The q-quantile (0 < q < 1) of `indicator` in `month` (with effect draws: of the exact mixture, the
        same numbers as the table; the table's levels are solved once per indicator-month and kept)."""
        position = int(self._where(indicator, [month])[0])
        column = self._draw_column.get(position)
        if column is None:
            return float(self.values_at(indicator, [month], [norm.ppf(q)])[0])
        names, qs = self._levels()
        level = np.flatnonzero(np.isclose(qs, q, rtol=0.0, atol=1e-12))
        if len(level):
            return float(self._solved(np.array([column]))[level[0], 0])
        _, draw_shift, draw_multiplier = self._effect_draws()
        row = self._pick(np.array([position]))
        moves = draw_shift[:, column : column + 1], draw_multiplier[:, column : column + 1]
        return float(mixture_quantiles(row, *moves, [q])[0, 0])

    def _levels(self) -> tuple[list[str], np.ndarray]:
        """The table's columns (mean, lo80, hi80, ...) and their probabilities (0.5, 0.1, 0.9, ...)."""
        names = ["mean"] + [f"{side}{level}" for level in self.levels for side in ("lo", "hi")]
        qs = [0.5] + [0.5 + sign * level / 200.0 for level in self.levels for sign in (-1, 1)]
        return names, np.array(qs)

    def _solved(self, columns: np.ndarray) -> np.ndarray:
        """(levels, len(columns)): the table's levels of effect-draw columns `columns` on the exact mixture,
        each solved once and kept (forecasting.planning.mixture.SolvedLevels)."""
        if "_solved_levels" not in self.__dict__:
            draw_rows, draw_shift, draw_multiplier = self._effect_draws()
            solved = SolvedLevels(self._pick(draw_rows), draw_shift, draw_multiplier, list(self._levels()[1]))
            object.__setattr__(self, "_solved_levels", solved)
        return self.__dict__["_solved_levels"].get(columns)

    def probability_below(self, indicator: str, month, value: float) -> float:
        """P(outcome <= value) for `indicator` in `month`: exact under the distribution; with effect draws the
        mean over draws of each draw's exact probability (see module docstring)."""
        position = int(self._where(indicator, [month])[0])
        row = self._pick(np.array([position]))
        column = self._draw_column.get(position)
        if column is None:
            return float(row_probability(row, value, row["shift"], row["multiplier"])[0])
        _, draw_shift, draw_multiplier = self._effect_draws()
        return float(np.mean(row_probability(row, value, draw_shift[:, column], draw_multiplier[:, column])))

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
        return row_values(self._pick(positions), z, shift=moves[0], multiplier=moves[1])

    def observed(self, indicator: str) -> pd.Series:
        """Observed monthly values (NaN where unreadable), empty when the data set lacks the indicator (read
        once from the data set per indicator; a copy each time)."""
        store = self._observed
        if indicator not in store:
            held = bool(self.dataset.observations["unique_id"].eq(indicator).any())
            store[indicator] = self.dataset.series(indicator) if held else pd.Series(dtype=float)
        return store[indicator].copy()

    def _table(self, positions: np.ndarray) -> pd.DataFrame:
        """The table's rows at distribution `positions` (see `forecasts`)."""
        rows = self._pick(positions)
        zero = np.zeros(len(positions))
        columns = {
            "indicator": self.distribution["indicator"].to_numpy()[positions],
            "month": self.distribution["month"].to_numpy()[positions],
            "model": self.distribution["model"].to_numpy()[positions],
            "mean": row_values(rows, zero),
        }
        for level in self.levels:
            z = norm.ppf(0.5 + level / 200.0)
            columns[f"lo{level}"] = row_values(rows, zero - z)
            columns[f"hi{level}"] = row_values(rows, zero + z)
        column = self._draw_column
        drawn = [(i, column[int(p)]) for i, p in enumerate(positions) if int(p) in column]
        if drawn:
            at, draw_columns = (np.array(part) for part in zip(*drawn, strict=True))
            solved = self._solved(draw_columns)
            for name, values in zip(self._levels()[0], solved, strict=True):
                columns[name][at] = values
        frame = pd.DataFrame(columns)
        if not pd.api.types.is_datetime64_any_dtype(frame["month"]):
            frame["month"] = pd.to_datetime(frame["month"])
        return frame
