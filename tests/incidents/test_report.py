"""The incident report: seed 004's system of record for one incident, as rows, CSV and JSON."""

import csv
import io
from datetime import UTC, datetime, timedelta

from django.core import mail

from forewarn.csvexport import csv_text
from forewarn.delivery import outbox, sender
from forewarn.incidents import classification, exports, report, services
from forewarn.incidents.cadence import CadenceRule, RuleChange, gaps

from .conftest import T0, open_p

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return AT + timedelta(minutes=n)


def facts(**fields) -> report.Facts:
    defaults = {
        "ref": "incident:7",
        "title": "Calls fail",
        "priority": "P1",
        "status": "resolved",
        "cause": "third_party",
        "is_public": True,
        "detected_at": minutes(-6),
        "opened_at": minutes(0),
        "acknowledged_at": minutes(0),
        "identified_at": minutes(20),
        "resolved_at": minutes(44),
        "description": "A carrier dropped SIP trunks.",
        "contact": "Ann <ann@acme.example>",
        "responders": ("rita",),
    }
    return report.Facts(**(defaults | fields))


def sample() -> report.IncidentReport:
    rule = RuleChange(minutes(0), CadenceRule(timedelta(minutes=15)))
    found = gaps([minutes(0), minutes(15), minutes(33), minutes(44)], [rule], end=minutes(44))
    return report.incident_report(
        facts(),
        [
            report.EventRow(minutes(44), "incident.resolved", "rita", "", "resolved."),
            report.EventRow(minutes(0), "incident.created", "rita", "Ann", "opened."),
        ],
        [
            report.Step(minutes(15), "identified", "rita", "=rerouting via carrier B", True),
            report.Step(minutes(0), "investigating", "rita", "Calls fail.", True),
        ],
        found,
        [report.Stretch("P1", minutes(0), minutes(44))],
    )


def test_times_to_acknowledge_identify_and_resolve_count_from_detection():
    found = sample()
    assert (found.time_to_acknowledge, found.time_to_identify, found.time_to_resolve) == (
        timedelta(minutes=6),
        timedelta(minutes=26),
        timedelta(minutes=50),
    )
    assert report.incident_report(facts(resolved_at=None), [], [], []).time_to_resolve is None


def test_events_and_steps_come_in_time_order():
    found = sample()
    assert [e.kind for e in found.events] == ["incident.created", "incident.resolved"]
    assert [s.status for s in found.steps] == ["investigating", "identified"]


def test_cadence_is_summed_per_stretch_and_in_total():
    found = sample()
    ((stretch, summary),) = found.stretches
    assert (stretch.label, summary.gaps, summary.missed) == ("P1", 3, 1)
    assert (found.cadence.missed, found.cadence.late_total) == (1, timedelta(minutes=3))


def test_rows_show_local_date_and_time_and_every_section():
    rows = report.rows(sample(), "Europe/Amsterdam")
    assert rows[0] == {
        "section": "summary",
        "at": "",
        "date": "",
        "time": "",
        "kind": "incident",
        "actor": "",
        "contact": "",
        "description": "incident:7 Calls fail",
        "value": "",
    }
    detected = next(r for r in rows if r["kind"] == "detected_at")
    assert (detected["at"], detected["date"], detected["time"], detected["contact"]) == (
        "2026-11-24T08:54:00+00:00",
        "2026-11-24",
        "09:54:00 CET",
        "Ann <ann@acme.example>",
    )
    summary = {r["kind"]: r["value"] for r in rows if r["section"] == "summary"}
    assert (
        summary["time_to_acknowledge_minutes"],
        summary["time_to_resolve_minutes"],
        summary["responders"],
    ) == (6.0, 50.0, "rita")
    assert [r["section"] for r in rows].count("event") == 2
    assert [r["section"] for r in rows].count("step") == 2
    cadence_rows = [r for r in rows if r["section"] == "cadence"]
    assert [(r["kind"], r["value"]) for r in cadence_rows] == [
        ("kept", 0.0),
        ("missed", 3.0),
        ("kept", 0.0),
    ]
    assert cadence_rows[1]["description"] == "10:15–10:33, 18 min, target every 15 min, due 10:30"
    assert rows[-1]["description"] == (
        "3 gaps, 3 with a target, 1 missed, longest 18 min, late 3 min in all"
    )


def test_json_has_the_seed_004_items():
    found = report.as_json(sample())
    assert found["time_to_acknowledge_minutes"] == 6.0
    assert found["time_to_resolve_minutes"] == 50.0
    assert found["description"] == "A carrier dropped SIP trunks."
    assert found["events"][0] == {
        "at": "2026-11-24T09:00:00+00:00",
        "kind": "incident.created",
        "actor": "rita",
        "contact": "Ann",
        "description": "opened.",
    }
    assert found["cadence"]["total"] == {
        "gaps": 3,
        "with_target": 3,
        "missed": 1,
        "longest_minutes": 18.0,
        "late_minutes": 3.0,
    }
    assert found["cadence"]["gaps"][1]["met"] is False


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    text = csv_text(
        report.COLUMNS, (list(r.values()) for r in report.rows(sample(), "Europe/Amsterdam"))
    )
    step = next(
        r
        for r in csv.DictReader(io.StringIO(text))
        if r["section"] == "step" and r["kind"] == "identified"
    )
    assert step["description"] == "'=rerouting via carrier B"


def test_the_report_of_a_real_incident_holds_its_record(world, clock, settings):
    incident = open_p(
        world, reporter="Ann <ann@acme.example>", detected_at=T0 - timedelta(minutes=4)
    )
    outbox.fan_out_due()
    sender.send_due()
    outbox.complete_finished_notices()
    clock.shift(timedelta(minutes=20))
    services.post_update(
        incident, actor="rita", role="responder", message="Carrier identified.", status="identified"
    )
    classification.reclassify(
        incident, "P2", reason="Half the calls connect", actor="rita", role="responder"
    )
    clock.shift(timedelta(minutes=25))
    services.resolve(incident, actor="rita", role="responder", message="Calls connect.")
    incident.refresh_from_db()

    found = exports.report_json(incident)
    kinds = [e["kind"] for e in found["events"]]
    assert kinds[:5] == [
        "incident.created",
        "incident.acknowledged",
        "component.status_changed",
        "incident.update_posted",
        "incident.notice_queued",
    ]
    assert "notice.delivered" in kinds
    assert kinds[-1] == "incident.notice_queued"
    assert {e["contact"] for e in found["events"] if e["kind"].startswith("incident.")} == {
        "Ann <ann@acme.example>"
    }
    assert (found["time_to_acknowledge_minutes"], found["time_to_resolve_minutes"]) == (4.0, 49.0)
    assert [s["status"] for s in found["steps"]] == ["investigating", "identified", "resolved"]
    assert [(g["target_minutes"], g["met"]) for g in found["cadence"]["gaps"]] == [
        (15.0, False),  # 20 minutes after the opening
        (30.0, True),  # P2 from the reclassification: due 30 minutes later
    ]
    assert [s["priority"] for s in found["cadence"]["stretches"]] == ["P1", "P2"]
    assert len(mail.outbox) == 4  # the opening: three customers and the success manager

    text = exports.report_csv(incident)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["description"] == f"incident:{incident.pk} Calls fail"
    assert {r["section"] for r in rows} == {
        "summary",
        "analysis",
        "event",
        "step",
        "cadence",
        "cadence_summary",
    }
