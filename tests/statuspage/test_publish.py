"""`forewarn publish` and the worker's job: the whole public site as files, kept current.

Transactional: each file is fetched through Django's WSGI handler, whose request signals
close database connections as a real server's requests do.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from forewarn.catalog import services as catalog
from forewarn.metrics import services as metrics
from forewarn.metrics.models import Metric
from forewarn.statuspage import jobs, publish, site_files
from forewarn.statuspage import urls as page_urls

from .conftest import HOST

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def as_visitor(url: str):
    return Client().get(url, headers={"host": HOST}, secure=True)


def test_every_file_is_what_the_web_process_answers_for_its_url(world):
    done = publish.publish(world["folder"])
    manifest = site_files.read_manifest(world["folder"])
    assert done.files == len(manifest["files"]) and manifest["state"] == done.state
    for name, about in manifest["files"].items():
        answer = as_visitor(about["url"])
        body = (world["folder"] / name).read_bytes()
        assert answer.status_code == 200, about["url"]
        if about["url"] == "/subscribe/":  # its CSRF token is new on every answer
            body, expected = CSRF.sub(b"", body), CSRF.sub(b"", answer.getvalue())
        else:
            expected = answer.getvalue()
        assert body == expected, about["url"]
        assert about["content_type"] == answer["Content-Type"], about["url"]
        assert about["cache_control"] == answer["Cache-Control"], about["url"]


def test_the_copy_holds_every_public_route_and_what_the_pages_link_to(world):
    publish.publish(world["folder"])
    urls = {about["url"] for about in site_files.read_manifest(world["folder"])["files"].values()}
    plain_routes = {f"/{p.pattern}" for p in page_urls.urlpatterns if not p.pattern.converters}
    public_id = world["incident"].public_id
    assert plain_routes <= urls
    assert {
        "/",
        "/api/v2/summary.json",
        "/history.atom",
        "/subscribe/",
        f"/incidents/{public_id}/",
        "/static/forewarn/status.css",
        "/static/forewarn/incidents.css",
    } <= urls
    assert f"/incidents/{public_id}/follow/" not in urls  # a form's target, not a page
    feed = (world["folder"] / "history.atom").read_text()
    assert f"https://{HOST}/incidents/{public_id}/" in feed  # absolute links name the site


def test_a_page_the_copy_needs_failing_stops_the_publish_and_keeps_the_last_copy(
    world, monkeypatch
):
    publish.publish(world["folder"])
    before = site_files.read_manifest(world["folder"])
    monkeypatch.setattr(publish, "seeds", lambda: ["/", "/no-such-page/"])
    with pytest.raises(publish.PublishFailed, match="/no-such-page/ answered 404"):
        publish.publish(world["folder"])
    assert site_files.read_manifest(world["folder"]) == before


def test_the_command_publishes_to_the_folder_it_is_given(world, tmp_path, capsys):
    call_command("publish", "--dir", str(tmp_path / "elsewhere"))
    assert "Published" in capsys.readouterr().out
    assert (tmp_path / "elsewhere" / "api/v2/summary.json").exists()


def test_the_command_says_where_when_it_is_not_told(world, settings):
    settings.FOREWARN_STATIC_DIR = ""
    with pytest.raises(CommandError, match="--dir"):
        call_command("publish")
    with pytest.raises(CommandError, match="FOREWARN_STATIC_S3_BUCKET"):
        call_command("publish", "--dir", "/tmp/x", "--upload")


# --- the worker's job ---------------------------------------------------------------------------


def test_the_job_is_off_without_a_folder(world, settings):
    settings.FOREWARN_STATIC_DIR = ""
    assert jobs.publish_static_copy() == 0
    assert not world["folder"].exists()


def test_the_job_publishes_once_then_again_only_when_the_page_changes(world, clock):
    assert jobs.publish_static_copy() == 1
    first = site_files.read_manifest(world["folder"])["state"]
    assert jobs.publish_static_copy() == 0  # nothing changed: nothing done
    assert jobs.publish_static_copy() == 0

    catalog.set_status(world["sms"], "degraded_performance", actor="alice")
    assert jobs.publish_static_copy() == 1
    manifest = site_files.read_manifest(world["folder"])
    assert manifest["state"] != first and manifest["state"] == publish.page_state()
    summary = (world["folder"] / "api/v2/components.json").read_text()
    assert '"status": "degraded_performance"' in summary
    assert jobs.publish_static_copy() == 0


def test_the_job_publishes_again_for_new_metric_points_at_most_once_a_minute(world, clock):
    latency = metrics.save_metric(
        Metric(name="API response time", slug="api-latency", unit="ms", decimal_places=0),
        actor="alice",
    )
    clock.move_to(clock_at := datetime(2027, 1, 4, 9, 0, 10, tzinfo=UTC))
    assert jobs.publish_static_copy() == 1
    for second in (0, 20, 40):  # points all through the minute: published once
        metrics.add_points(latency, [(clock_at, 100.0 + second)])
        assert jobs.publish_static_copy() == 0
        clock.shift(timedelta(seconds=15))
    clock.move_to(datetime(2027, 1, 4, 9, 1, 0, tzinfo=UTC))
    assert jobs.publish_static_copy() == 1
    page = (world["folder"] / "index.html").read_text()
    assert "latest 120 ms at 10:00" in page  # the three points, averaged
    clock.shift(timedelta(minutes=1))  # a minute without points, in the same bucket
    assert jobs.publish_static_copy() == 0


def test_the_job_publishes_when_the_providers_day_turns(world, clock):
    assert jobs.publish_static_copy() == 1
    clock.move_to(datetime(2027, 1, 3, 22, 59, tzinfo=UTC))  # 23:59 in Amsterdam
    jobs.publish_static_copy()
    assert jobs.publish_static_copy() == 0
    clock.shift(timedelta(minutes=2))  # the uptime bars move on to a new day
    assert jobs.publish_static_copy() == 1


def test_a_new_worker_publishes_once_even_if_the_copy_looks_current(world):
    """A new release's pages and assets reach the copy without waiting for a change."""
    assert jobs.publish_static_copy() == 1
    jobs._done.update(published=None)
    assert jobs.publish_static_copy() == 1
    assert jobs.publish_static_copy() == 0


def test_the_job_publishes_again_when_someone_else_swapped_in_an_older_copy(world):
    assert jobs.publish_static_copy() == 1
    site_files.write_copy(world["folder"], [], {"state": "older"})
    assert jobs.publish_static_copy() == 1
    assert site_files.read_manifest(world["folder"])["state"] == publish.page_state()


def test_a_failing_publish_waits_before_trying_again(world, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["elsewhere.example"]
    with pytest.raises(publish.PublishFailed, match="FOREWARN_SITE_URL in ALLOWED_HOSTS"):
        jobs.publish_static_copy()
    settings.ALLOWED_HOSTS = [HOST]
    assert jobs.publish_static_copy() == 0  # not 5 times a second: after RETRY_AFTER_SECONDS
    monkeypatch.setitem(jobs._done, "retry_at", 0.0)
    assert jobs.publish_static_copy() == 1
