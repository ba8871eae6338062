"""DKIM: mail sent over SMTP carries a signature that verifies against the published key and
covers the one-click unsubscribe headers (RFC 8058 §3)."""

import base64
import re
import shutil
import subprocess

import dkim
import pytest
from django.core import checks

from forewarn.delivery import outbox, sender
from forewarn.delivery.apps import dkim_is_configured_whole
from forewarn.delivery.channels import dkim_signer
from forewarn.delivery.models import Audience, Delivery, DeliveryStatus

from .conftest import subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory):
    """An RSA key (PEM file) and its public half as the DNS TXT record publishes it."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test key")
    folder = tmp_path_factory.mktemp("dkim")
    key = folder / "dkim.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    public = subprocess.run(
        ["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    return key, f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}".encode()


@pytest.fixture
def signing(settings, key_pair):
    key, record = key_pair
    settings.FOREWARN_DKIM_DOMAIN = "forewarn.example"
    settings.FOREWARN_DKIM_SELECTOR = "fw2026"
    settings.FOREWARN_DKIM_KEY_FILE = str(key)
    return record


def dns_stub(record: bytes):
    """The TXT lookup dkimpy makes, answered for fw2026._domainkey.forewarn.example only."""

    def lookup(name, timeout=5):
        return record if name == b"fw2026._domainkey.forewarn.example." else None

    return lookup


def send_one_public_notice(smtp) -> bytes:
    subscribe("ann@example.com")
    outbox.queue_notice(
        key="incident:1:update:1",
        thread_key="incident:1",
        kind="incident.update",
        subject="Major outage: Voice",
        body="Calls fail.",
        audience=Audience.PUBLIC,
    )
    sender.send_due()
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    ((_, _, raw),) = smtp.messages
    return raw


def test_mail_over_smtp_is_signed_and_verifies_against_the_published_key(smtp, signing):
    raw = send_one_public_notice(smtp)
    assert raw.startswith(b"DKIM-Signature: ")
    assert dkim.verify(raw, dnsfunc=dns_stub(signing))
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    signature = re.search(r"^DKIM-Signature: (.*?)(?=\r\n\S)", head, re.S | re.M).group(1)
    tags = dict(
        part.strip().split("=", 1) for part in re.sub(r"\s+", "", signature).split(";") if part
    )
    assert (tags["d"], tags["s"], tags["c"], tags["a"]) == (
        "forewarn.example",
        "fw2026",
        "relaxed/relaxed",
        "rsa-sha256",
    )
    signed = set(tags["h"].split(":"))
    assert {
        "from",
        "subject",
        "date",
        "message-id",
        "to",
        "list-unsubscribe",
        "list-unsubscribe-post",
    } <= signed


@pytest.mark.parametrize(
    ("header", "forged"),
    [
        (b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: nothing"),
        (b"Subject: Major outage: Voice", b"Subject: All fine"),
    ],
)
def test_a_changed_signed_header_fails_verification(smtp, signing, header, forged):
    raw = send_one_public_notice(smtp)
    assert header in raw
    assert not dkim.verify(raw.replace(header, forged), dnsfunc=dns_stub(signing))


def test_an_added_unsubscribe_header_fails_verification(smtp, signing):
    """Listed in h= even when absent: a relay cannot add one to a message that had none."""
    subscribe("ann@example.com")
    outbox.queue_notice(
        key="direct:1",
        thread_key="direct:1",
        kind="test",
        subject="To one address",
        body="Hello.",
        audience=Audience.DIRECT,
        direct_addresses=["bob@example.com"],
    )
    sender.send_due()
    ((_, _, raw),) = smtp.messages
    assert b"List-Unsubscribe" not in raw
    assert dkim.verify(raw, dnsfunc=dns_stub(signing))
    added = raw.replace(b"\r\n\r\n", b"\r\nList-Unsubscribe: <https://evil.example/>\r\n\r\n", 1)
    assert not dkim.verify(added, dnsfunc=dns_stub(signing))


def test_without_settings_nothing_is_signed(smtp):
    raw = send_one_public_notice(smtp)
    assert dkim_signer() is None
    assert b"DKIM-Signature" not in raw


def test_a_half_configured_or_unreadable_key_is_a_system_check_error(settings, tmp_path):
    settings.FOREWARN_DKIM_DOMAIN = "forewarn.example"
    settings.FOREWARN_DKIM_SELECTOR = ""
    settings.FOREWARN_DKIM_KEY_FILE = ""
    (error,) = dkim_is_configured_whole(None)
    assert (error.level, error.id, error.msg) == (
        checks.ERROR,
        "forewarn.E102",
        "DKIM signing needs FOREWARN_DKIM_SELECTOR, FOREWARN_DKIM_KEY_FILE too.",
    )
    settings.FOREWARN_DKIM_SELECTOR = "fw2026"
    (tmp_path / "not-a-key.pem").write_text("hello")
    settings.FOREWARN_DKIM_KEY_FILE = str(tmp_path / "not-a-key.pem")
    (error,) = dkim_is_configured_whole(None)
    assert error.id == "forewarn.E103"
    assert error.msg.startswith(f"{tmp_path / 'not-a-key.pem'} is not an RSA private key (PEM)")
