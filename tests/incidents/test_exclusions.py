"""What incidents tell the availability engine: SLA exclusions and when outages were identified."""

from datetime import UTC, datetime, timedelta

from forewarn.availability import engine, periods, reports
from forewarn.availability.services import engine_inputs, outages
from forewarn.incidents import classification, services
from forewarn.incidents.exclusions import identified_outages, incident_exclusions

from .conftest import T0, open_p

DAY = engine.Period(datetime(2026, 11, 24, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC))


def third_party_incident(world, clock):
    incident = open_p(world, components={world.voice: "major_outage", world.sms: "partial_outage"})
    classification.set_cause(
        incident, "third_party", upstream=world.cloud, actor="cody", role="communicator"
    )
    clock.shift(timedelta(minutes=40))
    services.post_update(
        incident, actor="rita", role="responder", message="Host failed.", status="identified"
    )
    clock.shift(timedelta(minutes=50))
    services.resolve(incident, actor="rita", role="responder", message="Host replaced.")
    incident.refresh_from_db()
    return incident


def test_a_third_party_incident_excludes_its_components_but_not_the_upstream(world, clock):
    incident = third_party_incident(world, clock)
    found = incident_exclusions([world.voice, world.sms, world.cloud, world.portal], DAY)
    assert found == [
        engine.Exclusion(
            T0,
            T0 + timedelta(minutes=90),
            "third_party",
            (world.voice.pk, world.sms.pk),
            f"incident:{incident.pk}",
        )
    ]


def test_the_upstream_downtime_counts_against_its_own_target_and_ours_is_excluded(world, clock):
    third_party_incident(world, clock)
    inputs = engine_inputs([world.voice, world.cloud], DAY)
    reports = engine.component_reports(
        list(inputs.specs.values()), inputs.statuses, inputs.exclusions, DAY, now=DAY.end
    )
    voice, cloud = reports[world.voice.pk], reports[world.cloud.pk]
    assert (voice.excluded_minutes, voice.unavailable_minutes) == (90.0, 0.0)
    assert (cloud.excluded_minutes, cloud.unavailable_minutes) == (0.0, 90.0)


def test_our_own_incident_excludes_nothing(world, clock):
    open_p(world)
    assert incident_exclusions([world.voice], DAY) == []


def test_an_open_excluded_incident_runs_to_the_end_of_the_period(world, clock):
    incident = open_p(world)
    classification.set_cause(incident, "force_majeure", actor="cody", role="communicator")
    (found,) = incident_exclusions([world.voice], DAY)
    assert (found.start, found.end, found.reason) == (T0, DAY.end, "force_majeure")


def test_the_restore_objective_counts_from_the_incidents_identification(world, clock):
    incident = third_party_incident(world, clock)
    inputs = engine_inputs([world.cloud], DAY)
    (outage,) = outages(inputs, world.cloud.pk)
    assert (outage.start, outage.identified_at) == (T0, None)
    (identified,) = identified_outages([outage])
    assert (identified.identified_at, identified.ref) == (
        T0 + timedelta(minutes=40),
        f"incident:{incident.pk}",
    )
    (check,) = engine.restore_checks([inputs.specs[world.cloud.pk]], [identified])
    assert (check.minutes_to_restore, check.is_within_objective) == (50.0, True)
    (from_start,) = engine.restore_checks([inputs.specs[world.cloud.pk]], [outage])
    assert from_start.is_within_objective is False  # 90 minutes from the status change


def test_an_outage_no_incident_explains_is_left_as_it_was(world):
    outage = engine.Outage(world.portal.pk, T0, T0 + timedelta(hours=1))
    assert identified_outages([outage]) == [outage]


def test_the_availability_report_checks_the_restore_objective_from_identification(world, clock):
    # Seed 004: "restored within one hour of problem identification". The host went down with
    # the incident at 10:00, was identified at 10:40 and restored at 11:30: 50 minutes.
    third_party_incident(world, clock)
    found = reports.build(periods.month(2026, 11), [world.cloud])
    [cloud] = found.third_party
    assert [
        (c.outage.identified_at, c.minutes_to_restore, c.is_within_objective)
        for c in cloud.restores
    ] == [(T0 + timedelta(minutes=40), 50.0, True)]
