"""``ceasefire-tracker explain``: a violation, its commitment's terms, its evidence and the rule's reasons."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Citation, CommitmentVersion, Observation, Report, Source, Violation
from db.queries.evidence import candidate_from_row, candidate_query, terms_of
from service.errors import NotFound
from service.rules import rule_for

__all__ = ["explain_violation"]


def explain_violation(session: Session, violation_id: str) -> str:
    try:
        key = uuid.UUID(violation_id)
    except ValueError:
        raise NotFound(f"{violation_id!r} is not a violation id (a UUID)") from None
    violation = session.get(Violation, key)
    if violation is None:
        raise NotFound(f"no violation {violation_id}")
    version = session.scalars(
        select(CommitmentVersion).where(
            CommitmentVersion.commitment_id == violation.commitment_id,
            CommitmentVersion.version == violation.commitment_version,
        )
    ).one()
    terms = terms_of(version)
    rule = rule_for(terms.kind)
    out = [
        f"Violation {violation.id}{' (withdrawn)' if violation.withdrawn_at else ''}",
        f"  party {violation.party}, {violation.status}, confidence {violation.confidence:.2f}, "
        f"{violation.citation_count} citation(s), rule {violation.rule}",
        f"  occurred {violation.occurred_start.isoformat()} .. {violation.occurred_end.isoformat()}"
        f" (filed under {violation.occurred_on}); target {violation.target or '-'}; place {violation.place or '-'}"
        f" ({violation.place_code or violation.country or '-'})",
        "",
        f"Commitment {terms.commitment_id} v{terms.version}: {terms.title}",
        f"  kind {terms.kind}; binds {', '.join(sorted(terms.parties))}; "
        f"window {terms.starts_at.isoformat()} <= t < {terms.ends_at.isoformat()}",
        f"  area {', '.join(terms.area) or 'anywhere'}"
        + (f"; protected {', '.join(sorted(terms.protected_targets))}" if terms.protected_targets else ""),
        "",
        "Citations:",
    ]
    rows = session.execute(
        select(Citation, Report.url, Report.title, Report.published_at, Source.name)
        .join(Report, Report.id == Citation.report_id)
        .join(Source, Source.id == Report.source_id)
        .where(Citation.violation_id == violation.id)
        .order_by(Citation.kind.desc(), Report.published_at)
    )
    for citation, url, title, published_at, source in rows:
        out.append(
            f"  [{citation.kind}] {source} ({citation.voice}), published "
            f"{published_at.isoformat() if published_at else 'unknown'}: {title or ''}"
        )
        out.append(f"    {url}")
        out.append(f'    "{citation.quote}"')
        if citation.observation_id is None:
            continue
        row = session.execute(
            candidate_query().where(Observation.id == citation.observation_id)
        ).one_or_none()
        if row is None:
            continue
        match = rule.judge(candidate_from_row(row), terms)
        if match is not None:
            out.extend(f"    - {reason}" for reason in match.reasons)
    return "\n".join(out)
