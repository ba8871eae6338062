"""The `forewarn` command line, run as a user runs it."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from forewarn.api.models import ApiToken, digest
from tests.commands import command_env, run_command


def _forewarn(*args, **env):
    """Run the command on its own SQLite file (never the test run's DATABASE_URL)."""
    return run_command(*args, env=command_env(**env), timeout=60)


@pytest.mark.django_db(transaction=True)
def test_token_create_prints_the_token_as_its_last_line(django_user_model, tmp_path):
    # The subprocess cannot see the test database: give it a migrated file of its own.
    env = {"FOREWARN_DATA_DIR": str(tmp_path)}
    assert _forewarn("migrate", "-v", "0", **env).returncode == 0
    script = "from django.contrib.auth.models import User; User.objects.create_user('ops')"
    assert _forewarn("shell", "-c", script, **env).returncode == 0

    result = _forewarn("token", "create", "ops", "--name", "ci", **env)

    assert result.returncode == 0, result.stderr
    raw = result.stdout.strip().splitlines()[-1]
    assert raw.startswith("fw_") and len(raw) > 40
    check = f"from forewarn.api.models import ApiToken; print(ApiToken.objects.get(key_digest='{digest(raw)}').user.username)"
    assert _forewarn("shell", "--no-imports", "-c", check, **env).stdout.strip() == "ops"
    assert not ApiToken.objects.exists()  # nothing leaked into the test database


def test_token_create_for_an_unknown_user_fails_clearly(tmp_path):
    env = {"FOREWARN_DATA_DIR": str(tmp_path)}
    assert _forewarn("migrate", "-v", "0", **env).returncode == 0
    result = _forewarn("token", "create", "nobody", **env)
    assert result.returncode != 0
    assert "No user named 'nobody'." in result.stderr


def test_a_documented_production_configuration_passes_the_deploy_check(tmp_path):
    production = {
        "FOREWARN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 64 + "production-secret-with-enough-variety-0123456789",
        "FOREWARN_SITE_URL": "https://status.example.com",
        "ALLOWED_HOSTS": "status.example.com",
        "FOREWARN_TLS_PROXY": "1",
        "FOREWARN_HSTS_SECONDS": "3600",
        "EMAIL_HOST": "smtp.example.com",
    }
    result = _forewarn("check", "--deploy", "--fail-level", "WARNING", **production)
    # Subdomains and preload lists are the operator's call (security.W005, W021).
    problems = [line for line in result.stderr.splitlines() if line.startswith("?: (")]
    assert [p.split(")")[0] for p in problems] == ["?: (security.W005", "?: (security.W021"]


def test_the_deploy_check_refuses_captured_mail_in_production(tmp_path):
    result = _forewarn("check", "--deploy", FOREWARN_DATA_DIR=str(tmp_path), SECRET_KEY="y" * 64)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_forewarn_web_serves_the_product(tmp_path, server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "FOREWARN_DATA_DIR": str(tmp_path)
    }
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "forewarn.cli",
            "web",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--server",
            server,
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "forewarn web did not answer within 30 s"
                time.sleep(0.2)
        assert body == b"ok\n"
    finally:
        web.terminate()
        web.wait(timeout=30)


def test_a_revoked_token_no_longer_authenticates(db, django_user_model):
    token, raw = ApiToken.issue(django_user_model.objects.create_user("ops"))
    assert ApiToken.authenticate(raw).username == "ops"
    out = io.StringIO()
    call_command("token", "revoke", token.prefix, stdout=out)
    assert out.getvalue() == "Revoked 1 token(s).\n"
    assert ApiToken.authenticate(raw) is None


def test_every_model_change_has_its_migration(tmp_path):
    """A model edit without its migration would leave databases behind the code."""
    result = _forewarn("makemigrations", "--check", "--dry-run", FOREWARN_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
