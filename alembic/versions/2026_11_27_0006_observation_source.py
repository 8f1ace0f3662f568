"""Observations carry their report's source.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

The rules engine reads each observation with its source's name and kind
(independent sources decide a violation's status; GDELT rows are leads).
Reaching the source through ``reports`` cost an index lookup per
observation, about two thirds of the time of reading a thousand of them.
A report never changes source, so the id is repeated on the observation;
inserts that leave it out (the ORM, scripts) have it filled from the report.

The same release breaks ties between incidents that fit a report equally by
place name: every commitment is evaluated in full once.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("observations", sa.Column("source_id", sa.Integer(), nullable=True))
    op.execute("UPDATE observations o SET source_id = r.source_id FROM reports r WHERE r.id = o.report_id")
    op.alter_column("observations", "source_id", nullable=False)
    op.create_foreign_key(
        op.f("fk_observations_source_id_sources"),
        "observations",
        "sources",
        ["source_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.execute(
        """
        CREATE FUNCTION observation_source_from_report() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT source_id INTO NEW.source_id FROM reports WHERE id = NEW.report_id;
            RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER observations_source_from_report
        BEFORE INSERT ON observations
        FOR EACH ROW WHEN (NEW.source_id IS NULL) EXECUTE FUNCTION observation_source_from_report()
        """
    )
    op.execute("UPDATE commitments SET needs_full_evaluation = true WHERE retired_at IS NULL")


def downgrade() -> None:
    op.execute("DROP TRIGGER observations_source_from_report ON observations")
    op.execute("DROP FUNCTION observation_source_from_report()")
    op.drop_constraint(op.f("fk_observations_source_id_sources"), "observations", type_="foreignkey")
    op.drop_column("observations", "source_id")
