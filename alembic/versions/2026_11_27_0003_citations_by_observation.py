"""Citations found by their observation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Incremental evaluation looks up the violations that already cite the stored
observations around new evidence; without this index that is a scan of every
citation per batch.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_citations_observation_id"), "citations", ["observation_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_citations_observation_id"), table_name="citations")
