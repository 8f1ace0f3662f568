"""Every model, imported so that ``Base.metadata`` is complete for Alembic."""

from db.models.commitments import Commitment, CommitmentVersion
from db.models.reports import EvaluationDue, Observation, Report
from db.models.sources import Fetch, Source
from db.models.violations import Citation, Violation
from db.models.webhooks import Alert, Delivery, WebhookEndpoint

__all__ = [
    "Alert",
    "Citation",
    "Commitment",
    "CommitmentVersion",
    "Delivery",
    "EvaluationDue",
    "Fetch",
    "Observation",
    "Report",
    "Source",
    "Violation",
    "WebhookEndpoint",
]
