"""Webhooks cannot reach inside: addresses checked after resolution, at subscribe time and at
connect time, one resolution per request (no DNS rebinding), allowed ports only, failures told
as categories."""

import ipaddress
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import checks

from forewarn.delivery import destinations, outbox, sender
from forewarn.delivery.apps import webhooks_stay_outside
from forewarn.delivery.destinations import Rules, refusal
from forewarn.delivery.models import (
    Audience,
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Subscriber,
)
from tests.conftest import PUBLIC_ADDRESS

from .conftest import FAST, subscribe

NOT_THIS_MACHINE = "an address of this machine"
PRIVATE = "a private, link-local or reserved address"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
        ("127.0.0.1", NOT_THIS_MACHINE),
        ("127.8.9.10", NOT_THIS_MACHINE),
        ("::1", NOT_THIS_MACHINE),
        ("::ffff:127.0.0.1", NOT_THIS_MACHINE),  # IPv4-mapped IPv6
        ("2002:7f00:1::", NOT_THIS_MACHINE),  # 6to4 around 127.0.0.1
        ("10.0.0.8", PRIVATE),
        ("172.16.5.4", PRIVATE),
        ("192.168.1.1", PRIVATE),
        ("100.64.0.1", PRIVATE),  # shared address space (carrier-grade NAT)
        ("169.254.169.254", PRIVATE),  # cloud metadata
        ("0.0.0.0", PRIVATE),
        ("fc00::1", PRIVATE),
        ("fd12:3456::1", PRIVATE),
        ("fe80::1", PRIVATE),
        ("::ffff:10.0.0.1", PRIVATE),
        ("::ffff:169.254.169.254", PRIVATE),
        ("64:ff9b::a9fe:a9fe", PRIVATE),  # NAT64 around 169.254.169.254
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
    ],
)
def test_only_public_addresses_are_allowed(address, expected):
    assert refusal(ipaddress.ip_address(address), Rules()) == expected


def test_the_loopback_setting_opens_this_machine_and_nothing_else():
    rules = Rules(allow_loopback=True)
    assert [
        refusal(ipaddress.ip_address(a), rules)
        for a in ("127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.8", "169.254.169.254")
    ] == [None, None, None, PRIVATE, PRIVATE]


@pytest.mark.parametrize(
    ("exception", "category"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "connection refused"),
        (TimeoutError("timed out"), "timeout"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "TLS error"),
        (destinations.NotAllowed("x"), "address not allowed"),
        (ConnectionResetError(104, "Connection reset by peer"), "connection failed"),
    ],
)
def test_failures_are_told_as_categories(exception, category):
    assert destinations.failure_category(exception) == category


# Subscribe time --------------------------------------------------------------------


@pytest.fixture
def no_loopback(settings):
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = False


def add(admin_api, url):
    return admin_api.post(
        "/api/v1/webhook-subscribers", {"url": url, "owner_email": "ops@example.com"}
    )


@pytest.mark.parametrize(
    ("url", "answers", "message"),
    [
        (
            "https://localtest.me/hook",
            ["127.0.0.1"],
            "'localtest.me' resolves to 127.0.0.1, an address of this machine; use a public host.",
        ),
        (
            "https://10-0-0-8.nip.io/hook",
            ["10.0.0.8"],
            "'10-0-0-8.nip.io' resolves to 10.0.0.8, a private, link-local or reserved address; use a public host.",
        ),
        (
            "https://metadata.google.internal/computeMetadata/v1/",
            ["169.254.169.254"],
            "'metadata.google.internal' resolves to 169.254.169.254, a private, link-local or reserved address; use a public host.",
        ),
        (
            "https://split.example.com/hook",
            [PUBLIC_ADDRESS, "192.168.0.10"],
            "'split.example.com' resolves to 192.168.0.10, a private, link-local or reserved address; use a public host.",
        ),
        (
            "https://v6.example.com/hook",
            ["::ffff:127.0.0.1"],
            f"'v6.example.com' resolves to {ipaddress.ip_address('::ffff:127.0.0.1')}, an address of this machine; use a public host.",
        ),
        (
            "https://[::1]/hook",
            None,
            "::1 is an address of this machine; use a public host.",
        ),
        (
            "https://[fc00::5]/hook",
            None,
            "fc00::5 is a private, link-local or reserved address; use a public host.",
        ),
        (
            "https://169.254.169.254/latest/meta-data/",
            None,
            "169.254.169.254 is a private, link-local or reserved address; use a public host.",
        ),
        (
            "https://nowhere.example.com/hook",
            [],
            "'nowhere.example.com' does not resolve to an address; check the name.",
        ),
        (
            "https://hooks.example.com:8443/hook",
            None,
            "Port 8443 is not allowed for webhooks (443 and 80 are; an admin may allow others with FOREWARN_WEBHOOK_PORTS).",
        ),
    ],
)
def test_names_resolving_inside_are_refused_at_subscribe_time(
    admin_api, dns, no_loopback, url, answers, message
):
    if answers is not None:
        dns.names[url.split("/")[2]] = answers
    response = add(admin_api, url)
    assert (response.status_code, response.json()["message"]) == (422, f"url: {message}")
    assert not Subscriber.objects.exists()


def test_an_admin_may_allow_another_port(admin_api, no_loopback, settings):
    settings.FOREWARN_WEBHOOK_PORTS = [8443]
    assert add(admin_api, "https://hooks.example.com:8443/hook").status_code == 201


def test_localhost_is_refused_without_the_loopback_setting(admin_api, no_loopback):
    response = add(admin_api, "https://localhost/hook")
    assert response.status_code == 422
    assert response.json()["message"].startswith("url: 'localhost' resolves to ")


def test_the_console_refuses_the_same_names(client, django_user_model, dns, no_loopback):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    dns.names["localtest.me"] = ["127.0.0.1"]
    response = client.post(
        "/console/delivery/subscriber/add/",
        {"channel": "webhook", "address": "https://localtest.me/", "owner_email": "o@example.com"},
    )
    assert response.status_code == 200
    assert (
        "&#x27;localtest.me&#x27; resolves to 127.0.0.1, an address of this machine"
        in response.text
    )
    assert not Subscriber.objects.exists()


# Send time -------------------------------------------------------------------------


def queue():
    return outbox.queue_notice(
        key="incident:1:update:1",
        thread_key="incident:1",
        kind="incident.update",
        subject="Major outage: Voice",
        body="Calls fail.",
        audience=Audience.PUBLIC,
    )


@pytest.fixture
def fast(settings):
    settings.FOREWARN_DELIVERY = dict(FAST)
    sender._unreachable_until.clear()
    yield
    sender._unreachable_until.clear()


@pytest.mark.django_db(transaction=True)
def test_a_name_public_at_subscribe_time_and_local_at_send_time_is_not_sent_to(
    admin_api, dns, receivers, settings, fast
):
    receiver = receivers()
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = False
    settings.FOREWARN_WEBHOOK_PORTS = [receiver.port]
    dns.names["rebind.example.com"] = [PUBLIC_ADDRESS]
    url = f"https://rebind.example.com:{receiver.port}/hook"
    assert add(admin_api, url).status_code == 201
    dns.names["rebind.example.com"] = ["127.0.0.1"]  # the attacker's DNS answers differently now
    notice = queue()
    sender.send_due()
    row = Delivery.objects.get()
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "address not allowed")
    assert list(DeliveryAttempt.objects.values_list("outcome", "detail")) == [
        ("permanent", "address not allowed")
    ]
    assert receiver.requests == []
    log = admin_api.get(f"/api/v1/notices/{notice.pk}/deliveries").json()["items"]
    assert [(d["last_error"], [t["detail"] for t in d["tries"]]) for d in log] == [
        ("address not allowed", ["address not allowed"])
    ]


@pytest.mark.django_db(transaction=True)
def test_the_request_goes_to_the_address_checked_with_the_name_in_the_host_header(
    dns, receivers, settings, fast
):
    """One lookup per request: a second answer (a rebinding) is never asked for or used."""
    receiver = receivers()
    settings.FOREWARN_WEBHOOK_PORTS = [receiver.port]
    answers = iter([["127.0.0.1"], ["10.0.0.8"]])

    class Rebinding(dict):
        def __getitem__(self, name):
            return next(answers) if name == "pinned.example.com" else super().__getitem__(name)

        def __contains__(self, name):
            return name == "pinned.example.com" or super().__contains__(name)

    dns.names = Rebinding(dns.names)
    subscribe(f"http://pinned.example.com:{receiver.port}/hook", channel=Channel.WEBHOOK)
    queue()
    sender.send_due()
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert request["headers"]["Host"] == f"pinned.example.com:{receiver.port}"
    assert dns.asked["pinned.example.com"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_port_not_allowed_is_not_sent_to(dns, receivers, settings, fast):
    receiver = receivers()
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = False
    dns.names["hooks.example.com"] = ["127.0.0.1"]
    subscribe(f"https://hooks.example.com:{receiver.port}/hook", channel=Channel.WEBHOOK)
    queue()
    sender.send_due()
    row = Delivery.objects.get()
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "port not allowed")
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_a_name_that_stops_resolving_is_retried(dns, fast):
    dns.names["gone.example.com"] = []
    subscribe("https://gone.example.com/hook", channel=Channel.WEBHOOK)
    queue()
    sender.send_due()
    row = Delivery.objects.get()
    assert (row.status, row.last_error) == (DeliveryStatus.RETRYING, "name not resolved")


# TLS to a checked address: SNI and the certificate are the name's ------------------


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def tls_server(tmp_path):
    """An https receiver on 127.0.0.1 with a certificate for secure.example.test from a test CA."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Forewarn test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=tmp_path,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
        "-subj", "/CN=secure.example.test", cwd=tmp_path,
    )  # fmt: skip
    (tmp_path / "leaf.ext").write_text(
        "subjectAltName=DNS:secure.example.test\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    _openssl(
        "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext",
        cwd=tmp_path,
    )  # fmt: skip
    seen = {"sni": [], "posts": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen["posts"] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    context.sni_callback = lambda sock, name, ctx: seen["sni"].append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.server_address[1], tmp_path / "ca.pem", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_https_to_a_checked_address_verifies_the_name_s_certificate(
    dns, tls_server, monkeypatch, settings, fast
):
    port, ca, seen = tls_server
    settings.FOREWARN_WEBHOOK_PORTS = [port]
    monkeypatch.setattr(
        destinations, "tls_context", lambda: ssl.create_default_context(cafile=str(ca))
    )
    dns.names["secure.example.test"] = ["127.0.0.1"]
    dns.names["impostor.example.test"] = ["127.0.0.1"]  # same server, a name it has no cert for
    subscribe(f"https://secure.example.test:{port}/hook", channel=Channel.WEBHOOK)
    subscribe(f"https://impostor.example.test:{port}/hook", channel=Channel.WEBHOOK)
    queue()
    sender.send_due()
    outcome = {
        d.address.split("/")[2].split(":")[0]: (d.status, d.last_error)
        for d in Delivery.objects.all()
    }
    assert outcome == {
        "secure.example.test": (DeliveryStatus.SENT, ""),
        "impostor.example.test": (DeliveryStatus.RETRYING, "TLS error"),
    }
    assert seen["posts"] == 1
    assert sorted(seen["sni"]) == ["impostor.example.test", "secure.example.test"]


# Production never reaches this machine ----------------------------------------------


def test_the_deploy_check_refuses_the_loopback_setting(settings):
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = True
    (error,) = webhooks_stay_outside(None)
    assert (error.level, error.id) == (checks.ERROR, "forewarn.E101")
    settings.FOREWARN_WEBHOOKS_TO_LOOPBACK = False
    assert webhooks_stay_outside(None) == []
