"""What planned work tells the availability engine: the time a window held its components is
excluded as scheduled (or emergency) maintenance, and work that broke its policy is marked."""

from datetime import UTC, datetime

from forewarn.availability import engine, periods, reports
from forewarn.catalog.services import set_status
from forewarn.planned import services
from forewarn.planned.exclusions import planned_exclusions

from .conftest import draft, tick

JANUARY = engine.Period(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def held_work(world, clock, **fields):
    work = draft(
        world,
        start=utc(2027, 1, 12, 9),
        end=utc(2027, 1, 12, 11),
        components={world.voice: "under_maintenance", world.sms: "major_outage"},
        **fields,
    )
    work = services.publish(work, actor="cody", role="communicator")
    tick(clock, utc(2027, 1, 12, 9))
    set_status(world.sms, "partial_outage", actor="rita")  # changed meanwhile: stays at the end
    tick(clock, utc(2027, 1, 12, 11))
    clock.move_to(utc(2027, 1, 12, 11, 30))
    set_status(world.sms, "operational", actor="rita")
    tick(clock, utc(2027, 1, 12, 11, 31))
    return work


def test_the_time_a_window_held_each_component_is_excluded(world, clock):
    work = held_work(world, clock)
    assert planned_exclusions([world.voice, world.sms], JANUARY) == [
        engine.Exclusion(
            utc(2027, 1, 12, 9),
            utc(2027, 1, 12, 11),
            "scheduled_maintenance",
            (world.voice.pk,),
            f"planned:{work.pk}",
        ),
        engine.Exclusion(
            utc(2027, 1, 12, 9),
            utc(2027, 1, 12, 11, 30),
            "scheduled_maintenance",
            (world.sms.pk,),
            f"planned:{work.pk}",
        ),
    ]


def test_emergency_work_is_excluded_as_emergency_maintenance(world, clock):
    work = held_work(world, clock, emergency=True)
    found = planned_exclusions([world.voice], JANUARY)
    assert [(e.reason, e.ref) for e in found] == [("emergency_maintenance", f"planned:{work.pk}")]


def test_the_report_excludes_the_minutes_and_marks_work_that_broke_its_policy(world, clock):
    # Seed 001 strives for two weeks' notice; this had one day, published with a justification.
    work = draft(
        world,
        "seed-001",
        "scheduled-maintenance",
        start=utc(2027, 1, 5, 9),
        end=utc(2027, 1, 5, 10),
    )
    work = services.publish(
        work, actor="cody", role="communicator", justification="Vendor deadline."
    )
    tick(clock, utc(2027, 1, 5, 9))
    tick(clock, utc(2027, 1, 5, 10))
    report = reports.build(periods.month(2027, 1), [world.voice], now=utc(2027, 2, 1))
    (row,) = report.sections[0].rows
    assert (row.figures.excluded_minutes, row.figures.unavailable_minutes) == (60.0, 0.0)
    (source,) = [x for x in report.exclusions if x.ref == f"planned:{work.pk}"]
    assert source.remark == "Published despite its notice policy (see the justification)."


def test_work_that_kept_its_policy_is_not_marked(world, clock):
    work = held_work(world, clock)
    report = reports.build(periods.month(2027, 1), [world.voice], now=utc(2027, 2, 1))
    assert {x.ref: x.remark for x in report.exclusions} == {f"planned:{work.pk}": ""}
