"""v_violations rounds confidence in floating point.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Rounding through numeric cost more than the scan itself: reading every
violation of a commitment took twice as long as the bare table. The column
keeps its name, position and type (double precision, three decimals).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BODY = """
        SELECT v.id AS violation_id,
               v.commitment_id,
               v.party,
               v.occurred_on,
               v.occurred_at,
               v.target,
               v.place,
               v.status,
               {confidence} AS confidence,
               v.citation_count,
               v.rule,
               v.first_recorded_at,
               v.updated_at,
               v.place_code,
               v.commitment_version,
               v.version
          FROM violations v
         WHERE v.withdrawn_at IS NULL
"""


def upgrade() -> None:
    body = _BODY.format(confidence="round(v.confidence * 1000) / 1000")
    op.execute(f"CREATE OR REPLACE VIEW v_violations AS {body}")


def downgrade() -> None:
    body = _BODY.format(confidence="round(v.confidence::numeric, 3)::double precision")
    op.execute(f"CREATE OR REPLACE VIEW v_violations AS {body}")
