"""The record in the console: read-only for every role, filtered, per subject, exported as CSV."""

import pytest

from forewarn.catalog.models import Role
from forewarn.record.models import Event
from tests.conftest import make_staff

LIST = "/console/record/event/"
EXPORT = "/console/record/event/export.csv"


@pytest.fixture
def viewer(client, db):
    client.force_login(make_staff("viewer-person", Role.VIEWER))
    return client


@pytest.fixture
def admin(client, db):
    client.force_login(make_staff("admin-person", Role.ADMIN))
    return client


def test_a_viewer_reads_the_record_with_filters_and_an_export_link(viewer, record):
    page = viewer.get(LIST, {"kind__exact": "component.status_changed"}).content.decode()
    for title in ("kind", "subject type", "actor"):
        assert f'<details data-filter-title="{title}"' in page
    assert f'href="{EXPORT}?kind__exact=component.status_changed">Export CSV</a>' in page
    assert page.count('<td class="field-kind">component.status_changed</td>') == 3


@pytest.mark.parametrize("path", [LIST + "add/", LIST + "{pk}/delete/", LIST + "{pk}/change/"])
def test_nobody_adds_changes_or_deletes_an_event_there(admin, record, path):
    event = record["events"][0]
    url = path.format(pk=event.pk)
    if url.endswith("/change/"):
        response = admin.post(url, {"description": "rewritten"})
    else:
        response = admin.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).description == "API: operational → major_outage"
    assert Event.objects.count() == 5


def test_the_list_offers_no_delete_action(admin, record):
    assert "delete_selected" not in admin.get(LIST).content.decode()


def test_an_events_page_shows_its_details_readably(viewer, record):
    event = record["events"][0]
    page = viewer.get(f"{LIST}{event.pk}/change/").content.decode()
    assert "<pre>{\n  &quot;from&quot;: &quot;operational&quot;,\n" in page
    assert 'name="_save"' not in page


def test_a_subject_links_to_its_timeline(viewer, record):
    api = record["api"].pk
    timeline = f"{LIST}?subject_type=catalog.component&amp;subject_id={api}"
    page = viewer.get(LIST).content.decode()
    assert (
        f'<a href="{timeline}" title="Timeline of this subject">catalog.component:{api}</a>' in page
    )
    only_api = viewer.get(LIST, {"subject_type": "catalog.component", "subject_id": api})
    assert [e.pk for e in only_api.context["cl"].result_list] == [
        record["events"][4].pk,
        record["events"][0].pk,
    ]


def test_export_gives_the_filtered_and_searched_list_as_csv_oldest_first(viewer, record):
    e = record["events"]
    response = viewer.get(EXPORT, {"kind__exact": "component.status_changed", "q": "API"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.getvalue().decode().splitlines()
    assert [line.split(",")[0] for line in lines] == ["id", str(e[0].pk), str(e[4].pk)]


def test_export_neutralises_formulas(viewer, record):
    rows = viewer.get(EXPORT, {"actor__exact": "bob"}).getvalue().decode().splitlines()
    assert rows[1].split(",")[8] == '"\'=HYPERLINK(""http://evil.example"")"'


def test_export_refuses_filters_that_do_not_apply(viewer, record):
    response = viewer.get(EXPORT, {"colour__exact": "red"})
    assert response.status_code == 400


def test_export_needs_a_staff_login(client, record):
    response = client.get(EXPORT)
    assert (response.status_code, response["Location"]) == (
        302,
        "/console/login/?next=/console/record/event/export.csv",
    )
