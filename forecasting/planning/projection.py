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
- `forecasts` (indicator, month, model, mean, lo80, hi80, lo95, hi95) is read off that distribution at Z = 0 and
  the levels' normal points; `mean` is therefore the median. A baseline projection's table equals the engine's.
- A scenario (`with_deltas`) moves the whole distribution: a count by its delta (`shift`); a rate per 10,000
  derived from a count by delta x its multiplier (10,000 / children aged 0-17); a percentage derived from two
  counts (100 x numerator / denominator) is scaled by (numerator's scenario/baseline ratio) / (denominator's),
  i.e. `multiplier` x that factor. Derived indicators follow their parts unless they have their own delta. The
  derivation rules are the engine's own (`engine.models.derivations`), not a copy.
- `from_table` builds a projection from a table without the engine's distribution (e.g. a many-authority run):
  each month normal on the identity scale, centre `mean`, sd = (hi95 - lo95) / (2 x 1.96). Stated, not hidden.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.engine.models import derivations, from_model_scale, population, to_model_scale

log = logging.getLogger(__name__)
__all__ = ["DISTRIBUTION_COLUMNS", "Projection"]

DISTRIBUTION_COLUMNS = ["indicator", "month", "model", "scale", "loc", "sd", "multiplier", "shift", "lower", "upper"]
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

    dataset: object
    distribution: pd.DataFrame
    levels: tuple[int, ...] = (80, 95)
    label: str = "baseline"
    deltas: dict[str, np.ndarray] = field(default_factory=dict)
    forecasts: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self):
        frame = self.distribution.reset_index(drop=True)
        frame["month"] = pd.to_datetime(frame["month"])
        object.__setattr__(self, "distribution", frame)
        object.__setattr__(self, "forecasts", self._table())

    # ------------------------------------------------------------------------------------------ building
    @classmethod
    def from_forecast(cls, dataset, result) -> Projection:
        """The engine's baseline (`ForecastResult`): its distribution, bounds from the catalogue."""
        dist = result.distribution.copy()
        units = _units(dataset)
        bounds = [_bounds(s, units.get(c)) for c, s in zip(dist["indicator"], dist["scale"])]
        dist["shift"] = 0.0
        dist["lower"] = [b[0] for b in bounds]
        dist["upper"] = [b[1] for b in bounds]
        return cls(dataset, dist[DISTRIBUTION_COLUMNS], tuple(result.settings.levels))

    @classmethod
    def from_table(cls, dataset, forecasts: pd.DataFrame, label: str = "baseline") -> Projection:
        """A projection from `indicator, month, mean, lo95, hi95` rows: normal, sd from the 95% interval."""
        units = _units(dataset)
        dist = pd.DataFrame({
            "indicator": forecasts["indicator"].astype(str).to_numpy(),
            "month": pd.to_datetime(forecasts["month"]).to_numpy(),
            "model": forecasts["model"].to_numpy() if "model" in forecasts else "table",
            "scale": "identity", "loc": forecasts["mean"].to_numpy(dtype=float),
            "sd": np.maximum(forecasts["hi95"].to_numpy(float) - forecasts["lo95"].to_numpy(float), 0.0) / (2 * Z95),
            "multiplier": 1.0, "shift": 0.0})
        bounds = [_bounds("identity", units.get(c)) for c in dist["indicator"]]
        dist["lower"] = [b[0] for b in bounds]
        dist["upper"] = [b[1] for b in bounds]
        return cls(dataset, dist[DISTRIBUTION_COLUMNS], label=label)

    def with_deltas(self, deltas: dict[str, np.ndarray], label: str) -> Projection:
        """This projection moved by a scenario's count changes `deltas` (arrays over `months`), derived
        indicators following their parts (rules in the module docstring)."""
        months = self.months
        dist = self.distribution.copy()
        position = {m: i for i, m in enumerate(months)}
        index = dist["month"].map(position).to_numpy()
        shift, multiplier = dist["shift"].to_numpy(float).copy(), dist["multiplier"].to_numpy(float).copy()
        codes = dist["indicator"].to_numpy()
        clean = {code: np.asarray(delta, dtype=float) for code, delta in deltas.items() if np.any(delta)}
        for code, delta in clean.items():
            rows = codes == code
            shift[rows] += delta[index[rows]]
        for code, rule in self._derivations().items():
            rows = codes == code
            if code in clean or not rows.any():
                continue
            if rule[0] == "rate" and rule[1] in clean:
                shift[rows] += clean[rule[1]][index[rows]] * rule[2]
            elif rule[0] == "percent" and (rule[1] in clean or rule[2] in clean):
                factor = self._ratio(rule[1], clean) / self._ratio(rule[2], clean)
                multiplier[rows] *= factor[index[rows]]
        dist["shift"], dist["multiplier"] = shift, multiplier
        return Projection(self.dataset, dist, self.levels, label, {**self.deltas, **clean})

    def _derivations(self) -> dict[str, tuple]:
        catalogue = getattr(self.dataset, "indicators", pd.DataFrame())
        present = {code: True for code in self.indicators}
        return derivations(catalogue, present, population(self.dataset))

    def _ratio(self, code: str, deltas: dict[str, np.ndarray]) -> np.ndarray:
        """Scenario / baseline median of a count over the months (1 where it has no delta or no base)."""
        if code not in deltas:
            return np.ones(len(self.months))
        base = self.means(code)
        moved = np.maximum(base + deltas[code], 0.0)
        return np.divide(moved, base, out=np.ones_like(base), where=base > 0)

    # ------------------------------------------------------------------------------------------ reading
    @property
    def months(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(sorted(self.distribution["month"].unique()))

    @property
    def indicators(self) -> list[str]:
        return list(dict.fromkeys(self.distribution["indicator"]))

    def rows(self, indicator: str, months=None) -> pd.DataFrame:
        """Distribution rows of one indicator (in `months` order); KeyError naming what is missing."""
        rows = self.distribution[self.distribution["indicator"] == indicator].set_index("month")
        if months is None:
            return rows.sort_index()
        wanted = pd.DatetimeIndex(pd.to_datetime(list(months)))
        missing = wanted.difference(rows.index)
        if len(missing) or rows.empty:
            raise KeyError(f"No forecast for {indicator} in {', '.join(f'{m:%Y-%m}' for m in missing) or 'any month'}")
        return rows.loc[wanted]

    def values_at(self, indicator: str, months, z) -> np.ndarray:
        """value(Z) for each month (columns) and each row of `z` (shape (n, months) or (months,))."""
        rows = self.rows(indicator, months)
        return _value(rows, np.asarray(z, dtype=float))

    def means(self, indicator: str, months=None) -> np.ndarray:
        rows = self.rows(indicator, months if months is not None else self.months)
        return _value(rows, np.zeros(len(rows)))

    def quantile(self, indicator: str, month, q: float) -> float:
        """The q-quantile (0 < q < 1) of `indicator` in `month`."""
        return float(self.values_at(indicator, [month], [norm.ppf(q)])[0])

    def probability_below(self, indicator: str, month, value: float) -> float:
        """P(outcome <= value) for `indicator` in `month` (exact under the distribution; see module docstring)."""
        row = self.rows(indicator, [month]).iloc[0]
        if value >= row["upper"]:
            return 1.0
        if value < row["lower"]:
            return 0.0
        inner = (value - row["shift"]) / row["multiplier"] if row["multiplier"] > 0 else np.inf
        if row["scale"] in ("log1p", "logit") and inner < 0:
            return 0.0
        if row["scale"] == "logit" and inner >= 100:
            return 1.0
        z = float(to_model_scale(np.array([inner]), row["scale"])[0])
        if row["sd"] <= 0:
            return float(z >= row["loc"])
        return float(norm.cdf((z - row["loc"]) / row["sd"]))

    def draws(self, indicator: str, months, n_draws: int, correlation: float, seed: int) -> np.ndarray:
        """(n_draws, months) joint draws: each month from its own distribution, months joined by a Gaussian
        copula with equal pairwise `correlation` (one shared shock with weight sqrt(rho) plus each month's own)."""
        rng = np.random.default_rng(seed)
        shared = rng.standard_normal((n_draws, 1))
        own = rng.standard_normal((n_draws, len(months)))
        z = np.sqrt(correlation) * shared + np.sqrt(1.0 - correlation) * own
        return self.values_at(indicator, months, z)

    def observed(self, indicator: str) -> pd.Series:
        """Observed monthly values (NaN where unreadable), empty when the data set lacks the indicator."""
        if indicator not in set(self.dataset.observations["unique_id"]):
            return pd.Series(dtype=float)
        return self.dataset.series(indicator)

    def _table(self) -> pd.DataFrame:
        dist = self.distribution
        columns = {"indicator": dist["indicator"].to_numpy(), "month": dist["month"].to_numpy(),
                   "model": dist["model"].to_numpy(), "mean": _value(dist, np.zeros(len(dist)))}
        for level in self.levels:
            z = norm.ppf(0.5 + level / 200.0)
            columns[f"lo{level}"] = _value(dist, np.full(len(dist), -z))
            columns[f"hi{level}"] = _value(dist, np.full(len(dist), z))
        frame = pd.DataFrame(columns)
        frame["month"] = pd.to_datetime(frame["month"])
        return frame


def _value(rows: pd.DataFrame, z: np.ndarray) -> np.ndarray:
    """clip(multiplier x back(loc + sd x z) + shift, lower, upper), row by row (broadcast over leading axes)."""
    loc, sd = rows["loc"].to_numpy(float), rows["sd"].to_numpy(float)
    multiplier, shift = rows["multiplier"].to_numpy(float), rows["shift"].to_numpy(float)
    lower, upper = rows["lower"].to_numpy(float), rows["upper"].to_numpy(float)
    out = np.empty(np.broadcast_shapes(z.shape, loc.shape), dtype=float)
    scales = rows["scale"].to_numpy()
    for scale in pd.unique(scales):
        cols = scales == scale
        back = from_model_scale(loc[cols] + sd[cols] * z[..., cols], scale)
        out[..., cols] = np.clip(multiplier[cols] * back + shift[cols], lower[cols], upper[cols])
    return out


def _units(dataset) -> dict[str, str]:
    catalogue = getattr(dataset, "indicators", None)
    if catalogue is None or "unit" not in getattr(catalogue, "columns", ()):
        return {}
    return {str(code): str(unit) for code, unit in catalogue["unit"].items()}
