"""Notice emails: rendered once per notice, personalised cheaply per recipient.

``NoticeMail`` renders the operator-overridable templates
(``delivery/email/notice.txt`` and ``notice.html``) once per kind of recipient
and time zone, with stand-ins for the per-recipient links.  Two outputs share
that rendering:

* ``email_message(recipient)``: a Django ``EmailMultiAlternatives`` for any
  email backend (anymail, console, files, locmem);
* ``as_bytes(recipient)``: the finished RFC 5322 message for SMTP, assembled
  from pre-encoded pieces, about 50 times cheaper than serialising a MIME tree
  for each of 100,000 recipients.

Both carry the same headers: one sender, Reply-To naming the notice, a thread
(the first notice of a ``thread_key`` has the stable thread Message-ID, later
ones point at it with In-Reply-To/References; a notice that answers someone's
own mail, such as support's reply to a customer, names that mail first, from
``answers_mail`` hooks), and for public subscribers the RFC 8058 one-click
List-Unsubscribe.
"""

import base64
import binascii
import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as MimeMessage
from email.message import MIMEPart
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape

from forewarn.delivery import tokens
from forewarn.delivery.models import Notice
from forewarn.markup import render_markdown

PUBLIC, CONTACT, DIRECT = "public", "contact", "direct"
TEXT_TEMPLATE = "delivery/email/notice.txt"
HTML_TEMPLATE = "delivery/email/notice.html"

# Stand-ins rendered into the templates, replaced per recipient (plain ASCII, no
# characters any escaping would touch).
_PREFERENCES = "FWSTANDINPREFERENCESURL"
_UNSUBSCRIBE = "FWSTANDINUNSUBSCRIBEURL"


@dataclass(frozen=True)
class SubscriberRef:
    """What a token needs of a Subscriber (pk, channel, address), without a query."""

    pk: int
    channel: str
    address: str
    secret: str = ""
    payload_format: str = "standard"


@dataclass(frozen=True)
class Recipient:
    address: str
    kind: str = DIRECT  # public | contact | direct
    time_zone: str = ""
    subscriber: SubscriberRef | None = None
    delivery_id: int | None = None


# Pieces --------------------------------------------------------------------


def mail_domain() -> str:
    return _domain_of(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=4)
def _domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "forewarn.invalid"


# Message-IDs of mail a notice answers, besides its thread's own root (support's replies answer
# the customer's first mail, so the customer's mail client threads them under it): each hook
# returns the ids for a notice ([] when it has none). Registered in the owning app's ready().
ANSWERS_MAIL: list[Callable[[object], list[str]]] = []
_SAFE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>")


def answers_mail(hook: Callable[[object], list[str]]) -> Callable[[object], list[str]]:
    """Register ``hook``: given a notice, the Message-IDs (``<…>``) of the mail it answers."""
    if hook not in ANSWERS_MAIL:
        ANSWERS_MAIL.append(hook)
    return hook


def thread_root_id(thread_key: str) -> str:
    """The stable Message-ID of a thread's first notice: the same for every recipient."""
    digest = hashlib.sha256(f"{settings.SITE_URL}|{thread_key}".encode()).hexdigest()[:32]
    return f"<thread-{digest}@{mail_domain()}>"


def delivery_message_id(delivery_id: int) -> str:
    """A unique Message-ID per delivery, the same when a delivery is re-sent (so a duplicate is recognisable)."""
    return f"<d{delivery_id}.{_site_tag()}@{mail_domain()}>"


def delivery_message_id_parts() -> tuple[str, str]:
    """Prefix and suffix around the delivery id, for setting Message-IDs in one UPDATE."""
    return "<d", f".{_site_tag()}@{mail_domain()}>"


def _site_tag() -> str:
    return _tag_of(settings.SITE_URL)


@lru_cache(maxsize=4)
def _tag_of(site_url: str) -> str:
    return hashlib.sha256(site_url.encode()).hexdigest()[:10]


def ics_method(ics: str) -> str:
    """The iTIP method of an iCalendar body (REQUEST, CANCEL, PUBLISH…)."""
    found = re.search(r"^METHOD:\s*([A-Za-z-]+)\s*$", ics or "", flags=re.MULTILINE)
    return found.group(1).upper() if found else "PUBLISH"


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def format_instant(at: datetime, provider_zone: str, recipient_zone: str = "") -> str:
    """'Mon 21 Dec 2026 10:00 CET (04:00 EST for you)': the provider's time, then the recipient's."""
    provider = zone(provider_zone) or UTC
    theirs = at.astimezone(provider)
    text = f"{theirs:%a} {theirs.day} {theirs:%b %Y %H:%M} {theirs.tzname()}"
    mine_zone = zone(recipient_zone)
    if mine_zone is None:
        return text
    mine = at.astimezone(mine_zone)
    if (mine.replace(tzinfo=None), mine.tzname()) == (theirs.replace(tzinfo=None), theirs.tzname()):
        return text
    if mine.date() == theirs.date():
        return f"{text} ({mine:%H:%M} {mine.tzname()} for you)"
    return f"{text} ({mine:%a} {mine.day} {mine:%b %H:%M} {mine.tzname()} for you)"


def event_time_lines(event_times: dict, recipient_zone: str = "") -> list[dict]:
    """[{"label": "Start", "text": "Mon 21 Dec 2026 10:00 CET (…)"}] in the notice's order."""
    lines = []
    for label, value in (event_times or {}).items():
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        lines.append(
            {
                "label": str(label).replace("_", " ").capitalize(),
                "text": format_instant(at, settings.PROVIDER_TIME_ZONE, recipient_zone),
            }
        )
    return lines


def _qp(text: str) -> bytes:
    """Quoted-printable body with CRLF line ends (RFC 2045 §6.7)."""
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if not body.endswith("\n"):
        body += "\n"
    return binascii.b2a_qp(body.encode(), istext=True).replace(b"\n", b"\r\n")


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _header_block(headers: list[tuple[str, str]]) -> bytes:
    """Headers encoded and folded by the standard library (RFC 2047 for non-ASCII)."""
    msg = MimeMessage(policy=SMTP)
    for name, value in headers:
        msg[name] = value
    return msg.as_bytes().partition(b"\r\n\r\n")[0] + b"\r\n"


# The notice ----------------------------------------------------------------


def sender_for(kind: str) -> str:
    """The From address of a notice of ``kind``: ``settings.FOREWARN_NOTICE_SENDERS`` maps a
    kind (``release.security``) or its first word (``release``) to an address (seed 003:
    release communications come from their own address); else ``DEFAULT_FROM_EMAIL``."""
    senders = getattr(settings, "FOREWARN_NOTICE_SENDERS", {}) or {}
    return senders.get(kind) or senders.get(kind.split(".", 1)[0]) or settings.DEFAULT_FROM_EMAIL


@dataclass(frozen=True)
class Variant:
    """One rendering of a notice for a kind of recipient in a time zone, with stand-ins."""

    text: str
    html: str
    personal: bool  # has stand-ins to replace


class NoticeMail:
    """A notice rendered for email; thread-safe to read from several sending threads."""

    def __init__(
        self, notice, *, components: list[str] | None = None, is_thread_root: bool | None = None
    ):
        self.notice = notice
        self.components = (
            components if components is not None else [c.name for c in notice.components.all()]
        )
        if is_thread_root is None:
            is_thread_root = not Notice.objects.filter(
                thread_key=notice.thread_key, pk__lt=notice.pk
            ).exists()
        self.is_thread_root = is_thread_root
        self.thread_id = thread_root_id(notice.thread_key)
        answered = [i for hook in ANSWERS_MAIL for i in hook(notice) if _SAFE_ID.fullmatch(i)]
        self.references = answered + ([] if is_thread_root else [self.thread_id])
        self.from_email = sender_for(notice.kind)
        self.from_address = parseaddr(self.from_email)[1]
        self.reply_to = tokens.reply_address(notice.pk)
        self.body_html = render_markdown(notice.body)
        self._variants: dict[tuple[str, str], Variant] = {}
        self._lock = threading.Lock()
        self._boundary_mixed = "=_fw_mixed_" + secrets.token_hex(12)
        self._boundary_alt = "=_fw_alt_" + secrets.token_hex(12)
        self._ics_part = self._encode_ics() if notice.ics else b""
        self._fixed_headers = _header_block(self._fixed_header_list())
        self._list_id = f"{settings.PAGE_NAME} notices <notices.{mail_domain()}>"
        self._list_id_header = _header_block([("List-Id", self._list_id)])

    # Rendering ---------------------------------------------------------------

    def variant(self, kind: str, time_zone: str = "") -> Variant:
        key = (kind, time_zone if zone(time_zone) else "")
        found = self._variants.get(key)
        if found is None:
            with self._lock:
                found = self._variants.get(key) or self._render(*key)
                self._variants[key] = found
        return found

    def _render(self, kind: str, time_zone: str) -> Variant:
        personal = kind == PUBLIC
        context = {
            "notice": self.notice,
            "subject": self.notice.subject,
            "body_text": self.notice.body,
            "body_html": self.body_html,
            "times": event_time_lines(self.notice.event_times, time_zone),
            "components": self.components,
            "recipient_kind": kind,
            "page_name": settings.PAGE_NAME,
            "site_url": settings.SITE_URL,
            "preferences_url": _PREFERENCES if personal else "",
            "unsubscribe_url": _UNSUBSCRIBE if personal else "",
            "has_invitation": bool(self.notice.ics),
        }
        return Variant(
            text=render_to_string(TEXT_TEMPLATE, context),
            html=render_to_string(HTML_TEMPLATE, context),
            personal=personal,
        )

    def _personalise(self, variant: Variant, recipient: Recipient, token: str) -> tuple[str, str]:
        if not variant.personal or recipient.subscriber is None:
            return variant.text, variant.html
        prefs = tokens.preferences_url(recipient.subscriber)
        unsub = tokens.unsubscribe_url(recipient.subscriber, token=token)
        text = variant.text.replace(_PREFERENCES, prefs).replace(_UNSUBSCRIBE, unsub)
        html = variant.html.replace(_PREFERENCES, escape(prefs)).replace(
            _UNSUBSCRIBE, escape(unsub)
        )
        return text, html

    # Headers -----------------------------------------------------------------

    def message_id(self, recipient: Recipient) -> str:
        if self.is_thread_root:
            return self.thread_id
        if recipient.delivery_id is None:
            return make_msgid(domain=mail_domain())
        return delivery_message_id(recipient.delivery_id)

    def _fixed_header_list(self) -> list[tuple[str, str]]:
        headers = [
            ("From", self.from_email),
            ("Subject", self.notice.subject),
            ("Reply-To", self.reply_to),
        ]
        headers += list(self._thread_headers().items())
        headers.append(("Auto-Submitted", "auto-generated"))
        return headers

    def _thread_headers(self) -> dict[str, str]:
        """In-Reply-To the thread's root (or, for its first notice, the mail it answers);
        References every id it follows."""
        if not self.references:
            return {}
        return {"In-Reply-To": self.references[-1], "References": " ".join(self.references)}

    def personal_headers(self, recipient: Recipient, token: str = "") -> dict[str, str]:
        """Headers beyond From/To/Subject/Reply-To, as Django's ``headers=`` takes them."""
        headers = {"Message-ID": self.message_id(recipient)} | self._thread_headers()
        headers["Auto-Submitted"] = "auto-generated"
        if recipient.kind == PUBLIC and recipient.subscriber is not None:
            headers |= self._unsubscribe_headers(recipient.subscriber, token)
        if recipient.delivery_id is not None:
            headers["X-Forewarn-Delivery"] = str(recipient.delivery_id)
        return headers

    @staticmethod
    def _token(recipient: Recipient) -> str:
        """The unsubscribe token of a public subscriber ('' for anyone else)."""
        if recipient.kind != PUBLIC or recipient.subscriber is None:
            return ""
        return tokens.unsubscribe_token(recipient.subscriber)

    def _unsubscribe_headers(self, subscriber: SubscriberRef, token: str = "") -> dict[str, str]:
        # RFC 2369 List-Unsubscribe with an https and a mailto target; RFC 8058 one-click POST.
        token = token or tokens.unsubscribe_token(subscriber)
        url = tokens.unsubscribe_url(subscriber, token=token)
        mailto = tokens.unsubscribe_address(subscriber, token=token)
        return {
            "List-Unsubscribe": f"<{url}>, <mailto:{mailto}?subject=unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self._list_id,
        }

    # Output ------------------------------------------------------------------

    def email_message(self, recipient: Recipient) -> EmailMultiAlternatives:
        """The message as a Django email, for any backend."""
        token = self._token(recipient)
        text, html = self._personalise(
            self.variant(recipient.kind, recipient.time_zone), recipient, token
        )
        message = EmailMultiAlternatives(
            subject=self.notice.subject,
            body=text,
            from_email=self.from_email,
            to=[recipient.address],
            reply_to=[self.reply_to],
            headers=self.personal_headers(recipient, token),
        )
        message.attach_alternative(html, "text/html")
        if self.notice.ics:
            part = MIMEPart()
            part.set_content(
                _crlf(self.notice.ics).encode(),  # bytes, so the CRLFs RFC 5545 wants survive
                maintype="text",
                subtype="calendar",
                params={"charset": "utf-8", "method": ics_method(self.notice.ics)},
                disposition="attachment",
                filename="invite.ics",
            )
            message.attach(part)
        return message

    def as_bytes(self, recipient: Recipient, *, now: datetime | None = None) -> bytes:
        """The finished message for SMTP (CRLF line ends); ValueError for a non-ASCII address."""
        if (
            not recipient.address.isascii()
            or "\n" in recipient.address
            or "\r" in recipient.address
        ):
            raise ValueError(f"Address needs the full encoder: {recipient.address!r}")
        token = self._token(recipient)
        text, html = self._personalise(
            self.variant(recipient.kind, recipient.time_zone), recipient, token
        )
        head = [
            f"To: {recipient.address}",
            f"Date: {format_datetime(now or datetime.now(UTC))}",
            f"Message-ID: {self.message_id(recipient)}",
        ]
        if recipient.kind == PUBLIC and recipient.subscriber is not None:
            unsub = self._unsubscribe_headers(recipient.subscriber, token)
            first, _, second = unsub["List-Unsubscribe"].partition(", ")
            head += [
                f"List-Unsubscribe: {first},\r\n {second}",
                f"List-Unsubscribe-Post: {unsub['List-Unsubscribe-Post']}",
            ]
        if recipient.delivery_id is not None:
            head.append(f"X-Forewarn-Delivery: {recipient.delivery_id}")
        alt = self._boundary_alt.encode()
        alternative = b"".join(
            [
                b"--" + alt + b"\r\n",
                b'Content-Type: text/plain; charset="utf-8"\r\n',
                b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                _qp(text),
                b"\r\n",  # the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1)
                b"--" + alt + b"\r\n",
                b'Content-Type: text/html; charset="utf-8"\r\n',
                b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                _qp(html),
                b"\r\n",
                b"--" + alt + b"--\r\n",
            ]
        )
        list_id = self._list_id_header if recipient.kind == PUBLIC and recipient.subscriber else b""
        if self._ics_part:
            mixed = self._boundary_mixed.encode()
            content_type = f'Content-Type: multipart/mixed; boundary="{self._boundary_mixed}"'
            body = b"".join(
                [
                    b"--" + mixed + b"\r\n",
                    f'Content-Type: multipart/alternative; boundary="{self._boundary_alt}"\r\n\r\n'.encode(),
                    alternative,
                    b"\r\n",
                    b"--" + mixed + b"\r\n",
                    self._ics_part,
                    b"\r\n",
                    b"--" + mixed + b"--\r\n",
                ]
            )
        else:
            content_type = f'Content-Type: multipart/alternative; boundary="{self._boundary_alt}"'
            body = alternative
        head += ["MIME-Version: 1.0", content_type]
        return b"".join(
            [self._fixed_headers, list_id, "\r\n".join(head).encode(), b"\r\n\r\n", body]
        )

    def _encode_ics(self) -> bytes:
        encoded = base64.encodebytes(_crlf(self.notice.ics).encode()).replace(b"\n", b"\r\n")
        method = ics_method(self.notice.ics)
        return (
            f'Content-Type: text/calendar; charset="utf-8"; method={method}; name="invite.ics"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            'Content-Disposition: attachment; filename="invite.ics"\r\n\r\n'
        ).encode() + encoded


def notice_email(notice, recipient: Recipient) -> EmailMultiAlternatives:
    """One notice's email to one recipient (convenience for previews and tests)."""
    return NoticeMail(notice).email_message(recipient)
