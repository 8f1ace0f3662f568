"""The SQL views of the query interface (CONTRACT §3).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Columns may be added to these views, never renamed or removed: analysts, BI
tools and scripts depend on them. A later change replaces a view in a new
revision with CREATE OR REPLACE VIEW, appending columns at the end.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = {
    "v_commitments": """
        SELECT c.id AS commitment_id,
               cv.title,
               cv.kind,
               cv.parties,
               cv.starts_at,
               cv.ends_at,
               CASE WHEN now() < cv.starts_at THEN 'upcoming'
                    WHEN now() < cv.ends_at THEN 'active'
                    ELSE 'ended' END AS state,
               coalesce(v.violation_count, 0)::bigint AS violation_count,
               v.last_violation_at,
               cv.protected_targets,
               cv.area,
               cv.version,
               c.retired_at
          FROM commitments c
          JOIN commitment_versions cv ON cv.commitment_id = c.id AND cv.version = c.current_version
          LEFT JOIN LATERAL (
                SELECT count(*) AS violation_count,
                       max(coalesce(vi.occurred_at, vi.occurred_start)) AS last_violation_at
                  FROM violations vi
                 WHERE vi.commitment_id = c.id AND vi.withdrawn_at IS NULL
          ) v ON true
    """,
    "v_violations": """
        SELECT v.id AS violation_id,
               v.commitment_id,
               v.party,
               v.occurred_on,
               v.occurred_at,
               v.target,
               v.place,
               v.status,
               round(v.confidence::numeric, 3)::double precision AS confidence,
               v.citation_count,
               v.rule,
               v.first_recorded_at,
               v.updated_at,
               v.place_code,
               v.commitment_version,
               v.version
          FROM violations v
         WHERE v.withdrawn_at IS NULL
    """,
    "v_citations": """
        SELECT ci.violation_id,
               v.commitment_id,
               v.party,
               r.url AS report_url,
               r.title AS report_title,
               s.name AS source,
               r.published_at,
               ci.quote,
               ci.voice
          FROM citations ci
          JOIN violations v ON v.id = ci.violation_id
          JOIN reports r ON r.id = ci.report_id
          JOIN sources s ON s.id = r.source_id
         WHERE ci.kind = 'evidence' AND v.withdrawn_at IS NULL
    """,
    "v_denials": """
        SELECT ci.violation_id,
               v.commitment_id,
               v.party,
               r.url AS report_url,
               r.title AS report_title,
               s.name AS source,
               r.published_at,
               ci.quote,
               ci.voice
          FROM citations ci
          JOIN violations v ON v.id = ci.violation_id
          JOIN reports r ON r.id = ci.report_id
          JOIN sources s ON s.id = r.source_id
         WHERE ci.kind = 'denial' AND v.withdrawn_at IS NULL
    """,
    "v_sources": """
        SELECT s.name AS source,
               s.kind,
               s.url,
               s.last_polled_at,
               s.last_status,
               s.consecutive_failures,
               s.reports_total,
               (s.retired_at IS NULL AND s.consecutive_failures < 3
                AND (s.last_polled_at IS NULL
                     OR s.last_polled_at > now() - make_interval(secs => 3 * s.every_seconds + 60)))
                   AS healthy,
               s.last_error,
               s.next_poll_at,
               s.voice
          FROM sources s
    """,
    "v_deliveries": """
        SELECT d.id AS delivery_id,
               w.name AS webhook,
               a.event_type,
               a.violation_id,
               d.message_id,
               d.attempts,
               d.state,
               d.last_status_code,
               d.last_error,
               d.next_attempt_at,
               d.delivered_at,
               d.created_at
          FROM deliveries d
          JOIN alerts a ON a.id = d.alert_id
          JOIN webhook_endpoints w ON w.id = d.webhook_id
    """,
}


def upgrade() -> None:
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
