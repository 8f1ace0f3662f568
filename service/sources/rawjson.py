"""Turning parser output into JSON-safe, NUL-free values for the ``raw`` column.

feedparser entries hold ``time.struct_time``, nested ``FeedParserDict`` objects and
tuples; CSV rows may carry NUL bytes. PostgreSQL's ``jsonb`` refuses NUL (``\\u0000``)
anywhere, so strings are scrubbed here as well as in the text columns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

__all__ = ["to_json_safe"]


def _struct_time_to_iso(value: time.struct_time) -> str | None:
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    except (ValueError, TypeError):
        return None


def to_json_safe(value: Any) -> Any:
    """A copy of ``value`` made of dict/list/str/int/float/bool/None only, with no NUL."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, float):
        # JSON has no NaN or infinity.
        return value if math.isfinite(value) else None
    if isinstance(value, time.struct_time):
        return _struct_time_to_iso(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return to_json_safe(bytes(value).decode("utf-8", "replace"))
    if isinstance(value, Mapping):
        return {to_json_safe(str(key)): to_json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_safe(item) for item in value]
    return to_json_safe(str(value))
