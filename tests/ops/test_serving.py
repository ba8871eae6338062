"""The web process's command line, for either server."""

import sys

import pytest

from forewarn.ops.serving import web_command


def test_granian_serves_the_wsgi_application_through_forewarns_signal_handling():
    argv = web_command("0.0.0.0:8000", workers=3, threads=2)
    assert argv[:3] == [sys.executable, "-m", "forewarn.ops.granian_server"]
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert "forewarn.wsgi:application" in argv
    assert argv[argv.index("--host") + 1 :][:3] == ["0.0.0.0", "--port", "8000"]
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "2"
    assert "--no-access-log" in argv
    assert argv[argv.index("--backpressure") + 1] == "16"


def test_granian_on_a_unix_socket_and_ipv6():
    argv = web_command("unix:/run/forewarn.sock", workers=1)
    assert argv[argv.index("--uds") + 1] == "/run/forewarn.sock" and "--host" not in argv
    argv = web_command("[::1]:8080", workers=1, access_log=True)
    assert argv[argv.index("--host") + 1] == "::1" and "--access-log" in argv


def test_gunicorn_stays_available():
    argv = web_command("127.0.0.1:8000", workers=2, threads=4, server="gunicorn", access_log=True)
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "forewarn.wsgi:application"]
    assert argv[argv.index("--threads") + 1] == "4"
    assert argv[argv.index("--access-logfile") + 1] == "-"


def test_an_unknown_server_is_refused_by_name():
    with pytest.raises(ValueError, match="uwsgi"):
        web_command("127.0.0.1:8000", workers=1, server="uwsgi")
