"""Reading inbound mail (``support.mail.parse``): what support keeps of a message.

``parse`` reads headers as plain text rather than through the standard library's structured
header objects (the most time of filing a short message); the answers must be the same as
``policy.default``'s, which the last test checks for every message here.
"""

from email import policy

import pytest

from forewarn.support import mail
from forewarn.support.mail import parse

PLAIN = b"""From: =?utf-8?q?Doe=2C_J=C3=B6rg?= <Joerg@ACME.example>
To: "Support, Acme" <support@forewarn.example>, other@acme.example
Cc: =?utf-8?b?QW5uYQ==?= <anna@acme.example>
Subject: =?utf-8?q?Anrufe_brechen_ab_=E2=80=93?=
 after 30 seconds
Message-ID: <m1@acme.example>
In-Reply-To: <a@forewarn.example>
References: <root@forewarn.example>
 <a@forewarn.example>
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Every call drops.

On Mon, 7 Dec 2026 at 10:02, Support <support@forewarn.example> wrote:
> What do you see?
"""

UTF8_HEADERS = """From: Jörg <joerg@bücher.example>
To: support@forewarn.example
Subject: Grüße aus Köln
Message-ID: <m2@bücher.example>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hallo.
""".encode()

HTML_WITH_ATTACHMENT = b"""From: anna@acme.example
To: support@forewarn.example
Subject: Screenshot
Message-ID: <m3@acme.example>
Auto-Submitted: no
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<p>Caf=E9 page is blank</p><blockquote>old</blockquote>
--b2--

--b1
Content-Type: image/png; name="shot.png"
Content-Disposition: attachment; filename="shot.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b1--
"""

AUTOMATIC = b"""From: Anna <anna@acme.example>
To: support@forewarn.example
Subject: Out of office
Auto-Submitted: auto-replied
Content-Type: text/plain

Back Monday.
"""

BROKEN_ENCODED_WORD = b"""From: =?utf-8?b?not base64!?= <anna@acme.example>
To: support@forewarn.example
Subject: =?x-unknown?q?abc?=
Content-Type: text/plain; charset="x-unknown"

Body in an unknown charset.
"""

WELL_FORMED = [PLAIN, UTF8_HEADERS, HTML_WITH_ATTACHMENT, AUTOMATIC]


def test_a_message_is_read_as_support_keeps_it():
    found = parse(PLAIN, envelope_recipients=("support+x@forewarn.example",))
    assert found.sender == "joerg@acme.example"
    assert found.sender_name == "Doe, Jörg"
    assert found.subject == "Anrufe brechen ab – after 30 seconds"
    assert found.recipients == (
        "support+x@forewarn.example",
        "support@forewarn.example",
        "other@acme.example",
        "anna@acme.example",
    )
    assert found.message_id == "<m1@acme.example>"
    assert found.thread_ids == ("<a@forewarn.example>", "<root@forewarn.example>")
    assert found.reply == "Every call drops."
    assert "> What do you see?" in found.text
    assert not found.is_automatic


def test_raw_utf8_headers_are_read_as_utf8():
    found = parse(UTF8_HEADERS)
    assert found.sender == "joerg@xn--bcher-kva.example"
    assert (found.sender_name, found.subject) == ("Jörg", "Grüße aus Köln")


def test_an_html_body_is_text_and_the_attachment_is_kept():
    found = parse(HTML_WITH_ATTACHMENT)
    assert found.text == "Café page is blank"
    assert [(a.filename, a.content_type) for a in found.attachments] == [("shot.png", "image/png")]
    assert found.attachments[0].content.startswith(b"\x89PNG")


def test_automatic_mail_is_known():
    assert parse(AUTOMATIC).is_automatic
    assert parse(PLAIN, envelope_sender="").is_automatic  # a bounce


def test_broken_encoded_words_and_unknown_charsets_do_not_stop_filing():
    found = parse(BROKEN_ENCODED_WORD)
    assert found.sender == "anna@acme.example"
    # Kept as written (the standard library guesses at a broken word's text).
    assert (found.sender_name, found.subject) == ("=?utf-8?b?not base64!?=", "=?x-unknown?q?abc?=")
    assert found.text == "Body in an unknown charset."


@pytest.mark.parametrize("raw", WELL_FORMED)
def test_the_same_answers_as_the_standard_librarys_default_policy(raw, monkeypatch):
    fast = parse(raw, envelope_sender="anna@acme.example")
    monkeypatch.setattr(mail, "_POLICY", policy.default)
    reference = parse(raw, envelope_sender="anna@acme.example")
    assert fast == reference
