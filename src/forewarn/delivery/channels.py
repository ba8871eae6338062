"""One small class per delivery channel behind one interface: ``send(item, mail) -> Result``.

A transport lives in one sending thread and keeps its connection open across
many messages; ``close()`` ends it.  The result says sent, transient (retry
later), permanent (recorded, not retried) or deferred (the service itself was
unreachable: not the message's fault, not counted as an attempt).
"""

import json
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.policy import SMTP
from functools import lru_cache
from http.client import HTTPException

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from standardwebhooks import Webhook

from forewarn.delivery import destinations, webhook_formats
from forewarn.delivery.dkim_signature import DkimSigner
from forewarn.delivery.emails import (
    CONTACT,
    DIRECT,
    PUBLIC,
    NoticeMail,
    Recipient,
    event_time_lines,
)
from forewarn.delivery.models import AttemptOutcome, Channel, WebhookFormat

logger = logging.getLogger("forewarn.delivery")

SENT, TRANSIENT, PERMANENT, DEFERRED = (
    AttemptOutcome.SENT,
    AttemptOutcome.TRANSIENT,
    AttemptOutcome.PERMANENT,
    AttemptOutcome.DEFERRED,
)


@dataclass(frozen=True)
class Result:
    status: str
    detail: str = ""
    unreachable: bool = False  # the whole service is down: hold its other messages back


def recipient_for(item) -> Recipient:
    """The email recipient of a claimed delivery (``outbox.Claimed``)."""
    kind = PUBLIC if item.subscriber else (CONTACT if item.contact_id else DIRECT)
    return Recipient(
        address=item.address,
        kind=kind,
        time_zone=item.time_zone,
        subscriber=item.subscriber,
        delivery_id=item.id,
    )


class Transport:
    channel: str = ""

    def send(self, item, mail: NoticeMail) -> Result:
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection, if any."""


# Email -----------------------------------------------------------------------


class EmailTransport(Transport):
    """Email through the configured backend; over SMTP, pre-rendered bytes on one kept-open connection."""

    channel = Channel.EMAIL

    def __init__(self):
        self.backend = mailers.default
        # Django's own SMTP backend (not a subclass that changes how it sends): hand it bytes.
        self.raw = type(self.backend) is SmtpBackend
        self.opened = False
        self.dkim = dkim_signer()

    def send(self, item, mail: NoticeMail) -> Result:
        recipient = recipient_for(item)
        if self.raw:
            return self._send_raw(mail, recipient)
        return self._send_message(mail, recipient)

    def _send_raw(self, mail: NoticeMail, recipient: Recipient) -> Result:
        try:
            data = mail.as_bytes(recipient)
            envelope_to = recipient.address
        except ValueError:  # a non-ASCII address: the standard encoder, IDNA for the domain
            try:
                envelope_to = self.backend.prep_address(recipient.address)
                data = mail.email_message(recipient).message(policy=SMTP).as_bytes()
            except ValueError as exc:
                return Result(PERMANENT, f"The address cannot be used over SMTP: {exc}")
        if self.dkim is not None:
            data = self.dkim.sign(data)
        for try_number in (1, 2):
            reused = self.backend.connection is not None
            if not reused:
                try:
                    self.backend.open()
                except (OSError, smtplib.SMTPException) as exc:
                    self._reset()
                    return Result(
                        DEFERRED, f"Mail server unreachable: {_describe(exc)}", unreachable=True
                    )
            try:
                self.backend.connection.sendmail(mail.from_address, [envelope_to], data)
                return Result(SENT)
            except smtplib.SMTPServerDisconnected as exc:
                # A kept-open connection the server closed: reconnect once.
                self._reset()
                if reused and try_number == 1:
                    continue
                return Result(TRANSIENT, f"Mail server disconnected: {_describe(exc)}")
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()), (None, b""))
                if code == 421:  # the server closes this connection (e.g. a per-connection limit)
                    self._reset()
                    if try_number == 1:
                        continue
                return _smtp_result(code, f"Recipient refused: {code} {_text(text)}")
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code == 421:
                    self._reset()
                    if try_number == 1:
                        continue
                    return Result(TRANSIENT, f"Mail server said 421 {_text(exc.smtp_error)}")
                if isinstance(
                    exc,
                    smtplib.SMTPSenderRefused
                    | smtplib.SMTPHeloError
                    | smtplib.SMTPAuthenticationError,
                ):
                    # Our sender or login is refused: no message can go out until that is fixed.
                    self._reset()
                    return Result(
                        DEFERRED, f"Our mail setup was refused: {_describe(exc)}", unreachable=True
                    )
                return _smtp_result(
                    exc.smtp_code, f"Mail server said {exc.smtp_code} {_text(exc.smtp_error)}"
                )
            except (OSError, smtplib.SMTPException) as exc:
                self._reset()
                return Result(TRANSIENT, f"Sending failed: {_describe(exc)}")
        return Result(TRANSIENT, "Mail server disconnected twice.")

    def _send_message(self, mail: NoticeMail, recipient: Recipient) -> Result:
        try:
            if not self.opened:
                self.backend.open()
                self.opened = True
            sent = self.backend.send_messages([mail.email_message(recipient)])
        except OSError as exc:
            self._reset()
            return Result(DEFERRED, f"Mail service unreachable: {_describe(exc)}", unreachable=True)
        except Exception as exc:
            return _provider_result(exc)
        if not sent:
            return Result(TRANSIENT, "The email backend did not send the message.")
        return Result(SENT)

    def _reset(self) -> None:
        try:
            self.backend.close()
        except Exception:
            pass
        if self.raw:
            self.backend.connection = None
        self.opened = False

    def close(self) -> None:
        self._reset()


def dkim_signer() -> DkimSigner | None:
    """The DKIM signer the settings configure (``FOREWARN_DKIM_*``), or None when signing is off."""
    domain = getattr(settings, "FOREWARN_DKIM_DOMAIN", "")
    if not domain:
        return None
    return _signer(domain, settings.FOREWARN_DKIM_SELECTOR, str(settings.FOREWARN_DKIM_KEY_FILE))


@lru_cache(maxsize=4)
def _signer(domain: str, selector: str, key_file: str) -> DkimSigner:
    return DkimSigner.from_key_file(domain=domain, selector=selector, key_file=key_file)


def _smtp_result(code: int | None, detail: str) -> Result:
    """RFC 5321 §4.2.1: 4yz is transient, 5yz permanent."""
    if code is not None and 500 <= code < 600:
        return Result(PERMANENT, detail)
    return Result(TRANSIENT, detail)


def _provider_result(exc: Exception) -> Result:
    """An email service API error (e.g. anymail): by its HTTP status where it has one."""
    status = getattr(exc, "status_code", None)
    if type(exc).__name__ == "AnymailRecipientsRefused":
        return Result(PERMANENT, f"Recipient refused by the email service: {_describe(exc)}")
    if isinstance(status, int):
        return _http_result(status, f"Email service answered {status}: {_describe(exc)}")
    return Result(TRANSIENT, _describe(exc))


def _describe(exc: Exception) -> str:
    try:
        text = str(exc)
    except Exception:  # some libraries' __str__ needs state they lack
        text = ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


# HTTP channels -----------------------------------------------------------------


def _http_result(status: int, detail: str) -> Result:
    if 200 <= status < 300:
        return Result(SENT, detail)
    if status in (408, 429) or status >= 500:
        return Result(TRANSIENT, detail)
    return Result(PERMANENT, detail)


def webhook_rules() -> destinations.Rules:
    """Extra ports an admin allows (``FOREWARN_WEBHOOK_PORTS``); loopback only in tests and development."""
    return destinations.Rules(
        extra_ports=frozenset(int(p) for p in getattr(settings, "FOREWARN_WEBHOOK_PORTS", ())),
        allow_loopback=bool(getattr(settings, "FOREWARN_WEBHOOKS_TO_LOOPBACK", False)),
    )


class HttpTransport(Transport):
    """POST a JSON body; 2xx sent, 408/429/5xx/timeouts/connection errors transient, other 4xx permanent.

    The host is resolved and every address checked before each request; the request goes
    to a checked address (``destinations``).  The log keeps a category of failure; the
    raw error goes to the worker's log only.
    """

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._bodies: dict[int, str] = {}
        self._formatted: dict[tuple[int, str], str | None] = {}

    def post(self, url: str, body: str, headers: dict[str, str]) -> Result:
        """One POST with http.client: header names sent as given, redirects reported, not followed."""
        try:
            destination = destinations.parse(url)
        except ValueError:
            return Result(PERMANENT, "not an http(s) URL")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Forewarn-Webhooks/1",
        } | headers
        try:
            addresses = destinations.resolve(destination, webhook_rules())
            status = destinations.post(
                destination, addresses, body.encode(), headers, timeout=self.timeout
            )
        except destinations.NotAllowed as exc:
            logger.warning("webhook to %s refused: %s", destination.host, exc)
            return Result(PERMANENT, destinations.failure_category(exc))
        except (OSError, HTTPException, ValueError) as exc:
            logger.warning("webhook to %s failed: %s", destination.host, _describe(exc))
            return Result(TRANSIENT, destinations.failure_category(exc))
        return _http_result(status, destinations.status_category(status))

    def body(self, mail: NoticeMail) -> str:
        found = self._bodies.get(mail.notice.pk)
        if found is None:
            found = self._bodies[mail.notice.pk] = self.render(mail)
        return found

    def render(self, mail: NoticeMail) -> str:
        raise NotImplementedError


def notice_data(mail: NoticeMail) -> dict:
    notice = mail.notice
    return {
        "id": notice.pk,
        "key": notice.key,
        "thread_key": notice.thread_key,
        "kind": notice.kind,
        "subject": notice.subject,
        "body": notice.body,
        "body_html": mail.body_html,
        "components": mail.components,
        "event_times": notice.event_times,
        "due_at": notice.due_at.isoformat(),
        "page_url": settings.SITE_URL,
    }


class WebhookTransport(HttpTransport):
    """Standard Webhooks: ``webhook-id`` stays the same across retries, so receivers can de-duplicate.

    The body is the subscriber's format: Standard Webhooks' ``notice.created`` envelope, or one
    registered in ``webhook_formats`` (Statuspage's, ``compat.statuspage_webhooks``); the
    signature headers are the same for all.
    """

    channel = Channel.WEBHOOK

    def render(self, mail: NoticeMail) -> str:
        payload = {
            "type": "notice.created",
            "timestamp": mail.notice.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "data": notice_data(mail),
        }
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)

    def formatted(self, mail: NoticeMail, name: str) -> str | None:
        """The body in format ``name`` (rendered once per notice and format), or None."""
        if name == WebhookFormat.STANDARD:
            return self.body(mail)
        key = (mail.notice.pk, name)
        if key not in self._formatted:
            render = webhook_formats.FORMATS.get(name)
            found = render(mail) if render else None
            self._formatted[key] = (
                None
                if found is None
                else json.dumps(found, separators=(",", ":"), ensure_ascii=False)
            )
        return self._formatted[key]

    def send(self, item, mail: NoticeMail) -> Result:
        secret = item.subscriber.secret if item.subscriber else ""
        if not secret:
            return Result(PERMANENT, "The webhook subscriber has no signing secret.")
        name = item.subscriber.payload_format or WebhookFormat.STANDARD
        body = self.formatted(mail, name)
        if body is None:
            return Result(PERMANENT, f"This notice has no form in the webhook format '{name}'.")
        message_id = f"msg_fw_d{item.id}"
        now = datetime.now(UTC)
        try:
            signature = Webhook(secret).sign(message_id, now, body)
        except Exception as exc:
            return Result(PERMANENT, f"The signing secret is not valid: {_describe(exc)}")
        headers = {
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        }
        return self.post(item.address, body, headers)


class ChatTransport(HttpTransport):
    """A Slack-compatible incoming webhook: ``{"text": …}`` in mrkdwn."""

    channel = Channel.CHAT

    def render(self, mail: NoticeMail) -> str:
        notice = mail.notice
        lines = [f"*{notice.subject}*", notice.body.strip()]
        lines += [f"{t['label']}: {t['text']}" for t in event_time_lines(notice.event_times)]
        if mail.components:
            lines.append("Affects: " + ", ".join(mail.components))
        lines.append(f"<{settings.SITE_URL}|{settings.PAGE_NAME} status>")
        return json.dumps({"text": "\n".join(line for line in lines if line)}, ensure_ascii=False)

    def send(self, item, mail: NoticeMail) -> Result:
        return self.post(item.address, self.body(mail), {})


def transports(http_timeout: float) -> dict[str, Transport]:
    """A fresh set of transports for one sending thread."""
    return {
        Channel.EMAIL: EmailTransport(),
        Channel.WEBHOOK: WebhookTransport(http_timeout),
        Channel.CHAT: ChatTransport(http_timeout),
    }
