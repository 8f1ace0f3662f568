"""The tracker's exception tree.

    TrackerError
    ├── ConfigError            the configuration does not validate (exit status 2)
    ├── DatabaseUnavailable    the database cannot be reached
    ├── EmbeddedDatabaseError  the embedded PostgreSQL could not be started
    └── NotFound               a named thing (violation, webhook, delivery) does not exist

Each class's docstring is its default message.
"""

from __future__ import annotations

__all__ = ["ConfigError", "DatabaseUnavailable", "EmbeddedDatabaseError", "NotFound", "TrackerError"]


class TrackerError(Exception):
    """The tracker failed."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class ConfigError(TrackerError):
    """The configuration does not validate."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class DatabaseUnavailable(TrackerError):
    """The database cannot be reached."""


class EmbeddedDatabaseError(TrackerError):
    """The embedded PostgreSQL could not be started."""


class NotFound(TrackerError):
    """No such object."""
