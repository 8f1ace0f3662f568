"""Evaluation by linked evidence: its indexes, a queue of due observations, a full evaluation to start.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Incremental evaluation now groups new evidence again with every stored
observation linked to it (same actor, overlapping time, same or unknown
place), so that it gives what a full evaluation gives. It finds them by
actor, place code and time, and long spans through an index of their own.

Due observations move from a flag on each observation (claiming a batch
rewrote a thousand wide rows and their indexes) to a queue of ids that a
trigger fills on every insert, COPY included.

Violations stored before were grouped incrementally the old way and may
differ from a full evaluation: every commitment is evaluated in full once.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LONG = sa.text("occurred_end - occurred_start > interval '26 hours'")


def upgrade() -> None:
    op.create_index(
        "ix_observations_actor_place",
        "observations",
        ["actor", "place_code", "occurred_start", "occurred_end"],
        unique=False,
    )
    op.create_index(
        "ix_observations_long_span",
        "observations",
        ["actor", "occurred_end"],
        unique=False,
        postgresql_where=_LONG,
    )
    op.create_table(
        "evaluation_due",
        sa.Column("observation_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("observation_id", name=op.f("pk_evaluation_due")),
    )
    op.execute("INSERT INTO evaluation_due (observation_id) SELECT id FROM observations WHERE NOT evaluated")
    op.execute(
        """
        CREATE FUNCTION queue_new_observations() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO evaluation_due (observation_id) SELECT id FROM added;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER observations_queue_for_evaluation
        AFTER INSERT ON observations REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION queue_new_observations()
        """
    )
    op.drop_index(
        "ix_observations_evaluation_due", table_name="observations", postgresql_where=sa.text("NOT evaluated")
    )
    op.drop_column("observations", "evaluated")
    op.execute("UPDATE commitments SET needs_full_evaluation = true WHERE retired_at IS NULL")


def downgrade() -> None:
    op.add_column(
        "observations", sa.Column("evaluated", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.execute(
        "UPDATE observations SET evaluated = NOT EXISTS "
        "(SELECT FROM evaluation_due d WHERE d.observation_id = observations.id)"
    )
    op.create_index(
        "ix_observations_evaluation_due",
        "observations",
        ["id"],
        unique=False,
        postgresql_where=sa.text("NOT evaluated"),
    )
    op.execute("DROP TRIGGER observations_queue_for_evaluation ON observations")
    op.execute("DROP FUNCTION queue_new_observations()")
    op.drop_table("evaluation_due")
    op.drop_index("ix_observations_long_span", table_name="observations", postgresql_where=_LONG)
    op.drop_index("ix_observations_actor_place", table_name="observations")
