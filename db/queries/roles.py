"""Read-only access for analysts: the views, nothing else."""

from __future__ import annotations

__all__ = ["VIEWS", "analyst_grants"]

VIEWS = ("v_commitments", "v_violations", "v_citations", "v_denials", "v_sources", "v_deliveries")


def analyst_grants(role: str) -> list[str]:
    """SQL that lets ``role`` read the views and no table.

    A view reads its tables with its owner's rights, so the analyst needs no
    grant on the tables themselves; secrets are not stored in the database at all.
    """
    quoted = '"' + role.replace('"', '""') + '"'
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        *(f"GRANT SELECT ON {view} TO {quoted}" for view in VIEWS),
    ]
