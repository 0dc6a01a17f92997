"""Where a user's scenarios are kept: never a shared writable folder.

- Sign-in on and signed in: the user's own private folder (forecasting.planning.scenario_store.user_folder,
  under the per-user data directory outside the repository; 0700 folder, 0600 files).
- Sign-in off: this session's list only; the user downloads a scenario as a YAML file and uploads it again.
- Either way the shipped files in `scenarios/` are read-only examples.

Choices are keys: an example is its file stem ("edge-of-care"), a user's scenario is "mine:<stem>" (a stem
never holds ":"), so the two never collide.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    Scenario,
    list_saved,
    read_saved,
    save_user_scenario,
    scenario_file_name,
    scenario_from_yaml,
    user_folder,
)
from ui.lever_widgets import SCENARIO_DIR

MINE = "mine:"
SESSION_KEY = "my_scenarios"
FLASH_KEY = "scenario_saved_message"


def sign_in_on() -> bool:
    """True when an [auth] section is configured (as app.py decides)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def identity() -> str | None:
    """The signed-in user's e-mail (or subject), or None when sign-in is off or nobody is signed in."""
    if not sign_in_on() or not st.user.is_logged_in:
        return None
    found = st.user.get("email") or st.user.get("sub")
    return str(found) if found else None


def _folder() -> Path | None:
    who = identity()
    return user_folder(who) if who else None


def _session() -> dict[str, Scenario]:
    return st.session_state.setdefault(SESSION_KEY, {})


def choices() -> dict[str, str]:
    """Key -> label of every scenario the user can open: theirs first, then the examples."""
    folder = _folder()
    mine = list(list_saved(folder)) if folder else list(_session())
    where = "saved" if folder else "this session"
    return {**{f"{MINE}{stem}": f"{stem} ({where})" for stem in mine}, **examples()}


def examples() -> dict[str, str]:
    """Key -> label of the shipped example scenarios (read-only), in the order every user sees them."""
    return {path.stem: f"{path.stem} (example)" for path in sorted(SCENARIO_DIR.glob("*.yaml"))}


def load(key: str) -> Scenario:
    """The scenario behind a key from `choices` (UserFacingError naming the file only if it is bad)."""
    if key.startswith(MINE):
        stem = key.removeprefix(MINE)
        folder = _folder()
        if folder is None:
            if stem not in _session():
                raise UserFacingError(f"{stem} is no longer in this session's list.")
            return _session()[stem]
        return read_saved(folder / f"{stem}.yaml")
    return read_saved(SCENARIO_DIR / f"{Path(key).name}.yaml")


def keep(scenario: Scenario, name: str, overwrite: bool) -> str:
    """Save in the user's folder (signed in) or this session's list; returns what to tell the user."""
    folder = _folder()
    if folder is not None:
        path = save_user_scenario(folder, scenario, name, overwrite=overwrite)
        return f"Saved as {path.stem}: only you can see it."
    stem = Path(scenario_file_name(name)).stem
    if stem in _session() and not overwrite:
        raise UserFacingError(f"A scenario called {stem} is already in this session's list; choose another "
                              "name, or tick 'Replace a saved scenario with the same name'.")
    _session()[stem] = scenario.model_copy(update={"name": name.strip()})
    return (f"Kept as {stem} in this session's list. Sign-in is off, so nothing is stored on the server: "
            "download the file to keep it.")


def add_upload(file_name: str, content: bytes) -> str:
    """An uploaded scenario file into this session's list (or the user's folder when signed in)."""
    scenario = scenario_from_yaml(content, file_name)
    stem = Path(scenario_file_name(Path(file_name).stem)).stem
    folder = _folder()
    taken = stem in (list_saved(folder) if folder is not None else _session())
    if taken:  # an upload never replaces a scenario silently
        raise UserFacingError(f"You already have a scenario called {stem}; rename the file and upload it "
                              "again.")
    if folder is not None:
        save_user_scenario(folder, scenario, stem)
    else:
        _session()[stem] = scenario
    return stem
