"""Running the real ``ceasefire-tracker`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "environment", "tracker"]


def environment(database_url: str | None = None, **extra: str) -> dict[str, str]:
    """This process's environment without the developer's own tracker settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEASEFIRE_") and k != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def tracker(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m service ARGS`` from the checkout, with its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
