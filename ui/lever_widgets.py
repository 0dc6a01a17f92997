"""Scenario levers as Streamlit inputs, built from forecasting.planning.levers.LEVERS (unit, range,
source), labelled in words (`forecasting.planning.LEVER_LABELS`, the package's one table), with a reset and
an undo per tab and the levers kept in the page's address (st.query_params) so a refresh or a shared link
restores them."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    GROUP_LABELS,
    LEVER_LABELS,  # noqa: F401  the package's one table of lever words, named here for the page's tests
    LEVERS,
    MONTH_UNIT,
    TEAMS,
    lever_words,
    scenario_from_dict,
)

GROUP_TITLES = GROUP_LABELS
TEAM_LABELS = {"mash": "MASH (the front door)", "assessment": "Assessment", "cin_cp": "Children in need and "
               "child protection", "lac": "Children in care"}
PREFIX = "lever__"
HISTORY_KEY, LAST_KEY, URL_READ_KEY = "lever_history", "lever_last", "levers_read_from_url"
KEPT_KEY = "levers_kept"  # a copy Streamlit does not drop when the page's widgets are not drawn
GROUP_KEY, GROUP_KEPT = "lever_group", "lever_group_kept"
DEFAULT_GROUP = "edge_of_care"  # the leader's usual lever, and goal-seek's default
MAX_UNDO = 20
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def lever_label(name: str) -> str:
    """A lever in words (`forecasting.planning.lever_words`: the package's and the page's one table)."""
    return lever_words(name)


def widget_key(name: str) -> str:
    return PREFIX + name


def load_into_widgets(levers: dict) -> None:
    """Set every lever widget to a scenario's values (call before the widgets are drawn)."""
    for name, value in levers.items():
        if name in LEVERS:
            st.session_state[widget_key(name)] = value if value is not None else None


def neutral_levers(group: str | None = None) -> dict:
    return {n: s.neutral for n, s in LEVERS.items() if group is None or s.group == group}


def lever_panel(months: pd.DatetimeIndex) -> dict:
    """The levers, one group at a time chosen by a segmented control (st.tabs would draw every group's
    widgets, most of the Scenarios page's elements, on every run: issue 16 part 6, a page switch under 1 s);
    returns {lever: value} for every lever, the groups not shown at this session's values."""
    if st.session_state.get(GROUP_KEY) not in GROUP_TITLES:  # Streamlit drops it when the page is left
        st.session_state[GROUP_KEY] = st.session_state.get(GROUP_KEPT, DEFAULT_GROUP)
    group = st.segmented_control("Levers", list(GROUP_TITLES), format_func=GROUP_TITLES.get, required=True,
                                 key=GROUP_KEY, on_change=_keep_group, label_visibility="collapsed")
    kept = st.session_state.get(KEPT_KEY, {})
    values = {}
    for name, spec in LEVERS.items():
        key = widget_key(name)
        if spec.group != group:  # set by an answer, a load or the address, else this session's copy
            values[name] = (st.session_state[key] if key in st.session_state
                            else kept.get(name, _initial(spec)))
        elif key not in st.session_state and name in kept:
            st.session_state[key] = kept[name]
    values.update(lever_inputs(group, months))
    return {name: values[name] for name in LEVERS}


def show_group(name: str) -> None:
    """Show the group of lever `name` (call before the panel is drawn, e.g. from a button's callback)."""
    st.session_state[GROUP_KEY] = st.session_state[GROUP_KEPT] = LEVERS[name].group


def _keep_group() -> None:
    st.session_state[GROUP_KEPT] = st.session_state[GROUP_KEY]


def _initial(spec):
    """A lever's value before the user touches it, as its widget starts (lever_inputs)."""
    if spec.unit == MONTH_UNIT:
        return None
    if spec.unit == "team":
        return spec.default or TEAMS[0]
    return float(spec.neutral)


def lever_inputs(group: str, months: pd.DatetimeIndex) -> dict:
    """Draw the inputs for one group, under a reset and an undo button; returns {lever: value}."""
    names = [n for n, s in LEVERS.items() if s.group == group]
    if all(widget_key(n) in st.session_state for n in names):  # the values this run will show
        _remember(group, {n: st.session_state[widget_key(n)] for n in names})
    _history_buttons(group)
    values = {}
    month_options = [None, *[f"{m:%Y-%m}" for m in months]]
    for name, spec in LEVERS.items():
        if spec.group != group:
            continue
        key = widget_key(name)
        help_text = f"{spec.description}\n\nSource: {spec.source}"
        if spec.unit == MONTH_UNIT:
            if st.session_state.get(key) not in month_options:
                st.session_state[key] = None
            values[name] = st.selectbox(
                f"{lever_label(name)} (month)", month_options, key=key, help=help_text,
                format_func=lambda m: "first forecast month" if m is None else f"{pd.Timestamp(m):%b %Y}",
            )
        elif spec.unit == "team":
            st.session_state.setdefault(key, spec.default or TEAMS[0])
            values[name] = st.selectbox(lever_label(name), list(TEAMS), key=key, help=help_text,
                                        format_func=lambda t: TEAM_LABELS.get(t, t))
        else:
            st.session_state.setdefault(key, float(spec.neutral))
            values[name] = st.slider(f"{lever_label(name)} ({spec.unit})", float(spec.low), float(spec.high),
                                     key=key, help=help_text, step=_step(spec))
    st.session_state.setdefault(LAST_KEY, {})[group] = dict(values)
    return values


def _step(spec) -> float:
    span = float(spec.high) - float(spec.low)
    return 1.0 if span >= 20 else 0.5 if span >= 5 else 0.1


# ------------------------------------------------------------------------------------ undo and reset per tab
def _remember(group: str, values: dict) -> None:
    """Push the group's previous values on its undo list when they changed since the last run."""
    last = st.session_state.setdefault(LAST_KEY, {})
    history = st.session_state.setdefault(HISTORY_KEY, {})
    previous = last.get(group)
    if previous is not None and previous != values:
        history[group] = [*history.get(group, []), previous][-MAX_UNDO:]
    last[group] = dict(values)


def _undo(group: str) -> None:
    history = st.session_state.get(HISTORY_KEY, {}).get(group)
    if history:
        values = history.pop()
        load_into_widgets(values)
        st.session_state[LAST_KEY][group] = dict(values)  # not pushed again as a change


def _reset(group: str) -> None:
    load_into_widgets(neutral_levers(group))


def _history_buttons(group: str) -> None:
    left, right, _ = st.columns([1, 1, 3])
    steps = len(st.session_state.get(HISTORY_KEY, {}).get(group, []))
    left.button("Reset this tab", key=f"reset__{group}", on_click=_reset, args=(group,),
                help="Every lever on this tab back to neutral (no change from the baseline); Undo brings "
                     "them back.")
    right.button("Undo", key=f"undo__{group}", on_click=_undo, args=(group,), disabled=not steps,
                 help=f"Undo the last change on this tab ({steps} step{'s' if steps != 1 else ''} kept)")


# ---------------------------------------------------------------------------------- levers in the address bar
def levers_from_url() -> str | None:
    """Once per session, before the widgets are drawn: levers named in the page's address go into the
    widgets. Returns a message in words when the address held something that is not a valid scenario."""
    if st.session_state.get(URL_READ_KEY):
        return None
    st.session_state[URL_READ_KEY] = True
    found = {name: st.query_params[name] for name in LEVERS if name in st.query_params}
    if not found:
        return None
    typed = {n: (float(v) if _numeric(n) and _is_number(v) else v) for n, v in found.items()}
    try:
        scenario = scenario_from_dict({"schema_version": 1, "name": "from the address", "levers": typed},
                                      "the page address")
    except UserFacingError as exc:
        return f"The levers in the page address were not used: {exc}"
    load_into_widgets({n: getattr(scenario.levers, n) for n in found})
    return None


def restore_levers() -> str | None:
    """Before the widgets are drawn: the levers from the page address (first visit in a session), else the
    levers this session last had (Streamlit forgets a widget's value when another page is shown). Returns a
    message in words when the address held levers that were not used."""
    message = levers_from_url()
    kept = st.session_state.get(KEPT_KEY)
    if kept and not any(widget_key(name) in st.session_state for name in LEVERS):
        load_into_widgets(kept)
    return message


def levers_to_url(values: dict) -> None:
    """Keep the levers away from neutral in the page's address (and drop the others), and a copy in the
    session for when the user comes back from another page."""
    st.session_state[KEPT_KEY] = dict(values)
    for name, spec in LEVERS.items():
        value = values.get(name, spec.neutral)
        if value is None or value == spec.neutral:
            text = None
        else:
            text = f"{value:g}" if _numeric(name) else str(value)
        if text is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text


def _numeric(name: str) -> bool:
    return LEVERS[name].unit not in (MONTH_UNIT, "team")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
