"""A job in a lane of its own keeps running while the main loop is busy with a long job."""

import threading

import pytest

from forewarn import scheduler


@pytest.fixture
def only_these_jobs(monkeypatch):
    """Run the scheduler with the test's jobs instead of the registered ones."""
    monkeypatch.setattr(scheduler, "_JOBS", {})
    monkeypatch.setattr(scheduler, "_LANES", {})


def test_a_lane_job_runs_while_the_main_loop_is_held(only_these_jobs, transactional_db):
    stop, held, fast_ran = threading.Event(), threading.Event(), []

    @scheduler.job("slow_round")
    def slow_round() -> int:
        held.set()
        stop.wait(10)  # a sending round that takes long
        return 0

    @scheduler.job("quick", lane="quick lane", interval=0.01)
    def quick() -> int:
        if held.is_set():
            fast_ran.append(threading.current_thread().name)
        if len(fast_ran) >= 3:
            stop.set()
        return 0

    loop = threading.Thread(target=scheduler.run_forever, args=(stop, 0.01))
    loop.start()
    loop.join(timeout=10)
    stop.set()
    loop.join(timeout=10)
    assert not loop.is_alive()
    assert fast_ran[:3] == ["lane quick lane"] * 3  # while slow_round still held the main loop


def test_run_once_runs_every_job_whatever_its_lane(only_these_jobs, db):
    ran = []
    scheduler.job("a")(lambda: ran.append("a") or 0)
    scheduler.job("b", lane="elsewhere")(lambda: ran.append("b") or 1)
    assert scheduler.run_once() == {"a": 0, "b": 1}
    assert scheduler.run_once(["b"]) == {"b": 1}
    assert ran == ["a", "b", "b"]
