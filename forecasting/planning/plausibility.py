"""Plausibility: a lever set beyond its evidence band is allowed, and said so in words.

Rules:
- Each lever in `levers.EVIDENCE` has a band (low-high). A value above `high` or below `low` (but not the
  neutral value, which is "no effect") gets one sentence: the value, the band, its grade and, on the side that
  claims more effect (`Evidence.optimistic`), what if anything reports more ("treat the result as
  optimistic"); on the other side it says the result is cautious.
- Extra exits from care are also put in proportion to the children who leave care in a typical month here: the
  mean of ceasing-care episodes (LAC4) over the last 12 observed months (or fewer when the data has fewer);
  without LAC4 the sentence leaves the proportion out.
- The scenario result, the CLI, the app, the HTML report and goal-seek's answer all use these sentences.
"""

from __future__ import annotations

from forecasting.planning.levers import EVIDENCE, LEVERS, lever_words

__all__ = ["flag", "lever_flags", "typical_exits"]

TYPICAL_MONTHS = 12  # months of history averaged for "a typical month"


def typical_exits(dataset) -> float | None:
    """Children ceasing care in a typical recent month (mean LAC4 over the last 12 observed months)."""
    if dataset is None or "LAC4" not in getattr(dataset, "indicator_codes", ()):
        return None
    history = dataset.series("LAC4").dropna()
    return float(history.iloc[-TYPICAL_MONTHS:].mean()) if len(history) else None


def flag(lever: str, value, dataset=None) -> str | None:
    """One plain-words sentence when `value` of `lever` is beyond its evidence band, else None."""
    evidence = EVIDENCE.get(lever)
    if evidence is None or value is None or float(value) == LEVERS[lever].neutral:
        return None
    value = float(value)
    if evidence.low <= value <= evidence.high:
        return None
    spec = LEVERS[lever]
    side, edge = ("above", evidence.high) if value > evidence.high else ("below", evidence.low)
    words = lever_words(lever)
    text = (
        f"{words} = {value:g} ({spec.unit}) is {side} its evidence band of "
        f"{evidence.low:g}-{evidence.high:g} "
        f"(central {evidence.central:g}; {evidence.grade})"
    )
    if lever == "edge_of_care_extra_exits":
        typical = typical_exits(dataset)
        if typical:
            text += (
                f": {value:g} extra exits a month is {value / typical:.0%} on top of the {typical:.0f} "
                f"children "
                f"who leave care in a typical month here (LAC4, last {TYPICAL_MONTHS} months)"
            )
    if side == evidence.optimistic.replace("high", "above").replace("low", "below"):
        if evidence.beyond:
            text += f"; {evidence.beyond}"
        else:
            text += (
                f"; no published evaluation or statistic supports {'more' if side == 'above' else 'less'} "
                f"than {edge:g}"
            )
        return text + ". Allowed, but treat the result as optimistic."
    return text + ". Allowed; the result is cautious on this lever."


def lever_flags(levers, dataset=None) -> list[str]:
    """Sentences for every lever of `levers` (a Levers model or a mapping) beyond its evidence band."""
    values = levers.model_dump() if hasattr(levers, "model_dump") else dict(levers)
    return [text for text in (flag(name, values.get(name), dataset) for name in EVIDENCE) if text is not None]
