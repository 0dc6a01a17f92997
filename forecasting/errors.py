"""The one error type for problems a user can fix (bad file, unknown key, impossible request).

Every layer raises it; the CLI prints its message with `exit_code`, the app shows it in words. Never a
traceback. """
from __future__ import annotations

__all__ = ["UserFacingError"]


class UserFacingError(Exception):
    """A problem the user can fix; its message says what and how."""

    exit_code = 2
