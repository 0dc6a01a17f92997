"""Saved scenarios: a private folder per signed-in user outside the repository, names checked in words, and a
scenario as YAML text for download / upload when there is no sign-in.

- `data_root()`: where per-user data lives: the `DEMAND_PLANNER_DATA_DIR` environment variable, else
  `$XDG_DATA_HOME/demand-planner`, else `~/.local/share/demand-planner` (never the repository's `scenarios/`
  folder, which holds read-only examples).
- `user_folder(identity, root)`: `<root>/scenarios/<first 32 hex digits of sha256(identity)>`, each folder it
  creates made 0700 and the user's folder kept 0700; the identity (an e-mail address or a sign-in subject)
  never becomes part of a path itself, so it cannot point outside the root.
- `scenario_file_name(name)`: a user's name for a scenario -> a safe file name (`Plan A` -> `plan-a.yaml`);
  a control character (NUL, tab, line break, ...) or a name with no letter or digit is refused in words.
- `save_user_scenario(folder, scenario, name, overwrite)`: `save_scenario` (atomic, never overwrites unless
  asked, of two racing saves of one name exactly one wins), the file 0600; messages name the file, never the
  server's folder.
- `read_saved(path)` / `scenario_from_yaml(content, file_name)`: a saved file or an uploaded one, every
  problem a `UserFacingError` naming the file only. `scenario_yaml(scenario)`: the text a download holds, the
  same text `save_scenario` writes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from pathlib import Path

import yaml

from forecasting.errors import UserFacingError
from forecasting.planning.levers import LEVERS
from forecasting.planning.scenario_file import Scenario, save_scenario, scenario_from_dict
from forecasting.planning.scenario_yaml import MAX_BYTES, load_yaml_text, read_scenario_text

log = logging.getLogger(__name__)
__all__ = [
    "DATA_DIR_ENV",
    "MAX_NAME_CHARACTERS",
    "data_root",
    "list_saved",
    "read_saved",
    "save_user_scenario",
    "scenario_file_name",
    "scenario_from_yaml",
    "scenario_yaml",
    "user_folder",
]

DATA_DIR_ENV = "DEMAND_PLANNER_DATA_DIR"
APP_FOLDER = "demand-planner"
MAX_NAME_CHARACTERS = 120  # as Scenario.name
MAX_STEM_CHARACTERS = 80
FOLDER_MODE, FILE_MODE = 0o700, 0o600
_CONTROL_NAMES = {0: "NUL", 9: "tab", 10: "line break", 13: "carriage return", 27: "escape", 127: "delete"}


def data_root(environ: dict[str, str] | None = None) -> Path:
    """The per-user data directory (see the module docstring); not created here."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(DATA_DIR_ENV):
        return Path(environ[DATA_DIR_ENV]).expanduser()
    if environ.get("XDG_DATA_HOME"):
        return Path(environ["XDG_DATA_HOME"]).expanduser() / APP_FOLDER
    return Path.home() / ".local" / "share" / APP_FOLDER


def _private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) 0700; an existing folder of ours is set to 0700."""
    missing = []
    for level in (folder, *folder.parents):
        if level.exists():
            break
        missing.append(level)
    for level in reversed(missing):
        level.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(level, FOLDER_MODE)  # mkdir's mode is masked by the umask
    os.chmod(folder, FOLDER_MODE)


def user_folder(identity: str, root: Path | None = None) -> Path:
    """The signed-in user's own scenario folder, created 0700 (module docstring)."""
    if not identity or not str(identity).strip():
        raise UserFacingError("Saved scenarios need a signed-in user; sign in and try again.")
    digest = hashlib.sha256(str(identity).strip().lower().encode("utf-8")).hexdigest()[:32]
    root = data_root() if root is None else Path(root)
    folder = root / "scenarios" / digest
    _private_folder(folder.parent)
    _private_folder(folder)
    return folder


def _character_words(character: str) -> str:
    code = ord(character)
    if code in _CONTROL_NAMES:
        return f"a {_CONTROL_NAMES[code]} character"
    return f"the control character U+{code:04X}"


def scenario_file_name(name: str) -> str:
    """`Plan A (2019)` -> `plan-a-2019.yaml`; a name with a control character, too long or without a letter
    or digit -> UserFacingError saying what to change."""
    text = str(name).strip()
    if not text:
        raise UserFacingError("Give the scenario a name, e.g. 'Edge of care, 2 more exits a month'.")
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in ("Cc", "Cs"):
            raise UserFacingError(
                f"The scenario name has {_character_words(character)} at character {position}; use letters, "
                "digits, spaces and - or _ only."
            )
    if len(text) > MAX_NAME_CHARACTERS:
        raise UserFacingError(
            f"The scenario name has {len(text):,} characters; use at most {MAX_NAME_CHARACTERS}."
        )
    stem = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_STEM_CHARACTERS].strip("-")
    if not stem:
        raise UserFacingError(
            f"The scenario name '{text}' has no letter or digit (A-Z, 0-9) to name its file by; add one."
        )
    return f"{stem}.yaml"


def list_saved(folder: Path) -> dict[str, Path]:
    """File stem -> path of every saved scenario in `folder`, sorted by name (none if there is no folder)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.yaml")) if not path.name.startswith(".")}


def save_user_scenario(folder: Path, scenario: Scenario, name: str, overwrite: bool = False) -> Path:
    """Save `scenario` as `name` in the user's `folder` (0600; never replaces a file unless `overwrite`)."""
    file_name = scenario_file_name(name)
    path = Path(folder) / file_name
    named = scenario.model_copy(update={"name": str(name).strip()})
    try:
        save_scenario(named, path, overwrite=overwrite)
    except UserFacingError:
        if path.exists() and not overwrite:
            raise UserFacingError(
                f"A saved scenario called {file_name} already exists; choose another name, or tick "
                "'Replace a saved scenario with the same name'."
            ) from None
        raise
    except OSError as exc:
        log.warning("saving scenario %s failed: %s", file_name, exc)
        raise UserFacingError(
            f"{file_name} could not be saved ({exc.strerror or 'the disk refused it'}); try again or "
            "download the scenario instead."
        ) from None
    os.chmod(path, FILE_MODE)
    return path


def read_saved(path: Path) -> Scenario:
    """A saved or shipped scenario file; problems name the file only (never the server's folder)."""
    path = Path(path)
    try:
        text = read_scenario_text(path)
    except OSError as exc:
        raise UserFacingError(f"{path.name} could not be read ({exc.strerror or 'refused'}).") from None
    return scenario_from_dict(load_yaml_text(text, path.name), path.name)


def scenario_from_yaml(content: bytes | str, file_name: str) -> Scenario:
    """An uploaded scenario file's content -> Scenario; problems name `file_name` (its last part only)."""
    source = Path(str(file_name)).name or "the uploaded file"
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise UserFacingError(
                f"{source}: the file is {len(content):,} bytes; a scenario file has at most {MAX_BYTES:,} "
                "(they are about 1 kB). Check it is the right file."
            )
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise UserFacingError(f"{source}: not a text (UTF-8) file; expected a YAML scenario.") from None
    return scenario_from_dict(load_yaml_text(content, source), source)


def scenario_yaml(scenario: Scenario) -> str:
    """The YAML text of a scenario as `save_scenario` writes it (levers at neutral left out)."""
    data = {
        "schema_version": scenario.schema_version,
        "name": scenario.name,
        "description": scenario.description,
        "levers": {k: v for k, v in scenario.levers.model_dump().items() if v != LEVERS[k].neutral},
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
