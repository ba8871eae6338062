"""Uploading the static copy to S3-compatible storage: moto's S3 server on 127.0.0.1, never the network."""

import json
import urllib.request

import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command

from forewarn.catalog import services as catalog
from forewarn.incidents import services as incidents
from forewarn.statuspage import jobs, site_files, upload

moto_server = pytest.importorskip("moto.server", reason="moto (a dev dependency) is not installed")

BUCKET = "status-page"


@pytest.fixture(scope="module")
def s3_server():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch):
    """A fresh bucket on the fake server, and the settings that point the worker at it."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "forewarn-test",
        "AWS_SECRET_ACCESS_KEY": "forewarn-test",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    urllib.request.urlopen(urllib.request.Request(f"{s3_server}/moto-api/reset", method="POST"))
    settings.FOREWARN_STATIC_S3_BUCKET = BUCKET
    settings.FOREWARN_STATIC_S3_ENDPOINT_URL = s3_server
    settings.FOREWARN_STATIC_S3_REGION = "eu-west-1"
    settings.FOREWARN_STATIC_S3_PREFIX = "status/"
    client = upload.client(s3_server, "eu-west-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return client


def objects(s3) -> dict[str, dict]:
    found = s3.list_objects_v2(Bucket=BUCKET, Prefix="status/").get("Contents", [])
    return {o["Key"]: s3.head_object(Bucket=BUCKET, Key=o["Key"]) for o in found}


def test_the_worker_uploads_every_file_with_the_web_process_headers(world, s3):
    assert jobs.publish_static_copy() == 1
    manifest = site_files.read_manifest(world["folder"])
    there = objects(s3)
    assert set(there) == {f"status/{name}" for name in manifest["files"]}
    for name, about in manifest["files"].items():
        found = there[f"status/{name}"]
        assert found["ContentType"] == about["content_type"], name
        assert found["CacheControl"] == about["cache_control"], name
        body = s3.get_object(Bucket=BUCKET, Key=f"status/{name}")["Body"].read()
        assert body == (world["folder"] / name).read_bytes(), name
    assert there["status/api/v2/summary.json"]["ContentType"] == "application/json"
    assert there["status/index.html"]["CacheControl"] == "public, max-age=10"
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == upload.CORS_RULES
    assert not any(key.endswith(site_files.MANIFEST) for key in there)


def test_only_what_changed_goes_up_and_what_is_gone_is_removed(world, s3, clock):
    jobs.publish_static_copy()
    folder = world["folder"]
    again = upload.upload(folder, BUCKET, s3, prefix="status/")
    assert (again.sent, again.removed) == (0, 0)
    assert again.unchanged == len(site_files.read_manifest(folder)["files"])

    page = f"status/incidents/{world['incident'].public_id}/index.html"
    assert page in objects(s3)
    incident = world["incident"]
    incidents.post_update(
        incident, actor="rita", role="responder", message="Fixed.", status="resolved"
    )
    catalog.set_status(world["voice"], "operational", actor="alice")
    before = {k: v["ETag"] for k, v in objects(s3).items()}
    assert jobs.publish_static_copy() == 1
    after = {k: v["ETag"] for k, v in objects(s3).items()}
    changed = {k for k in after if after[k] != before.get(k)}
    assert "status/api/v2/components.json" in changed
    assert "status/static/forewarn/status.css" not in changed  # its bytes did not move


def test_a_page_the_copy_no_longer_holds_is_removed(world, s3):
    jobs.publish_static_copy()
    gone = "status/api/v2/gone.json"
    s3.put_object(Bucket=BUCKET, Key=gone, Body=b"{}")
    s3.put_object(Bucket=BUCKET, Key="elsewhere/keep.json", Body=b"{}")
    result = upload.upload(world["folder"], BUCKET, s3, prefix="status/")
    assert result.removed == 1
    assert gone not in objects(s3)
    assert s3.head_object(Bucket=BUCKET, Key="elsewhere/keep.json")  # outside the prefix


def test_a_bucket_without_the_right_to_set_cors_still_gets_the_files(world, s3, monkeypatch):
    def refuse(**kwargs):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutBucketCors")

    monkeypatch.setattr(s3, "put_bucket_cors", refuse)
    jobs.publish_static_copy()
    result = upload.upload(world["folder"], BUCKET, s3, prefix="status/", everything=True)
    assert result.sent == len(site_files.read_manifest(world["folder"])["files"])


def test_uploading_needs_a_published_copy(tmp_path, s3):
    with pytest.raises(FileNotFoundError, match="forewarn publish"):
        upload.upload(tmp_path, BUCKET, s3)


def test_the_command_publishes_and_uploads(world, s3, capsys):
    call_command("publish", "--upload")
    out = capsys.readouterr().out
    assert f"Uploaded to s3://{BUCKET}/status/" in out
    summary = s3.get_object(Bucket=BUCKET, Key="status/api/v2/summary.json")
    assert json.loads(summary["Body"].read())["page"]["name"]
