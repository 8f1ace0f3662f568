"""A report is evidence of one incident per party: the attack it tells first.

A summary that goes on to list other attacks ("the strike follows Russian
strikes on a plant in Kharkiv on 11 April and a substation in Kherson on
14 April"), or one sentence that names every region a night's drones reached,
tells each of them in passing. Cited for each, one report would join several
violations and make two attacks look as if they shared a source; the attacks
it mentions are cited from the reports that tell them, and one mentioned by
nothing else is not recorded on that mention alone.

Grouping runs first, on everything, so the report's matches still help place
each other; then each report keeps its matches in the incident that holds the
one it tells first (the earliest quote; in one sentence, the attack with
the most reports, then the first listed) and leaves the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.rules.incidents import Incident, IncidentSet, content_key

__all__ = ["keep_report_focus"]


def keep_report_focus(incidents: IncidentSet) -> IncidentSet:
    """The incidents with each report's matches left only where it tells its first attack."""
    shared = _shared_reports(incidents)
    if not shared:
        return incidents
    leave: dict[int, set[int]] = {}
    for (report_id, _), holders in shared.items():
        focus = min(holders, key=lambda incident: _how_first(incident, report_id))
        for incident in holders:
            if incident is not focus:
                leave.setdefault(id(incident), set()).add(report_id)
    kept: list[Incident] = []
    for incident in incidents:
        gone = leave.get(id(incident))
        if gone is None:
            kept.append(incident)
            continue
        remaining = [m for m in incident.matches if m.candidate.report_id not in gone]
        # What is left must still be evidence: a lead (a GDELT row) never makes an incident alone.
        if any(not m.candidate.is_lead for m in remaining):
            kept.append(Incident(party=incident.party, matches=remaining, denials=incident.denials))
    return IncidentSet(kept)


def _shared_reports(incidents: Iterable[Incident]) -> dict[tuple[int, str], list[Incident]]:
    """(report, party) whose matches lie in more than one incident, with those incidents.

    By party: what a report tells of each side's attacks is evidence against each.
    """
    first: dict[tuple[int, str], Incident] = {}
    shared: dict[tuple[int, str], list[Incident]] = {}
    for incident in incidents:
        for m in incident.matches:
            key = (m.candidate.report_id, incident.party)
            held = first.setdefault(key, incident)
            if held is not incident:
                holders = shared.setdefault(key, [held])
                if incident not in holders:
                    holders.append(incident)
    return shared


def _how_first(incident: Incident, report_id: int) -> tuple[object, ...]:
    mine = [m.candidate for m in incident.matches if m.candidate.report_id == report_id]
    told = min(c.quote_start for c in mine)
    # In one sentence that lists several attacks, the best reported, then the first listed
    # (observations are stored in the order the report tells them).
    return (
        told,
        -len(incident.report_ids()),
        min(c.observation_id for c in mine),
        content_key(incident.core),
    )
