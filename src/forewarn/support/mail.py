"""Pure Python, no Django. Inbound support mail as support reads it: who wrote, to which
address, in reply to what, the new text without quoted history or signature, attachments,
and whether it is automatic (RFC 3834) and so must never be answered.

``parse`` takes the raw RFC 5322 bytes (from the built-in SMTP receiver or an email
provider's inbound webhook) and keeps them whole: the stored reply is trimmed, the original
is not lost.
"""

import functools
import html
import re
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3
from mailparser_reply import EmailReplyParser

from forewarn import mailboxes

# Languages whose reply headers ("On … wrote:", "Op … schreef", "Am … schrieb") are cut.
REPLY_LANGUAGES = ["en", "nl", "de", "fr", "es"]
_PARSER = EmailReplyParser(languages=REPLY_LANGUAGES)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# "Op ma 7 dec. 2026 om 10:02 schreef X <x@y>:" and similar attributions before a quote.
_ATTRIBUTION = re.compile(r"^.{0,200}(wrote|schreef|schrieb|a écrit|escribió):\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class InboundMail:
    sender: str  # the From address, canonical and lowercased
    sender_name: str
    envelope_sender: str | None  # MAIL FROM; "" for a bounce (<>), None when unknown
    recipients: tuple[str, ...]  # envelope recipients first, then To, Cc, Delivered-To
    subject: str
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    text: str  # the whole text body
    reply: str  # the new text: quoted history and signature trimmed
    attachments: tuple[Attachment, ...]
    is_automatic: bool
    raw: bytes

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers, the nearest first (In-Reply-To, then References
        from the last)."""
        return tuple(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


class _PlainHeaders(policy.EmailPolicy):
    """``policy.default``, except that a header other than ``Content-*`` reads as its unfolded
    text, encoded words (RFC 2047) left for ``decoded`` (``parse`` decodes what it keeps).

    The default builds a structured object for every header read (an address list parsed
    token by token), most of the time of filing a short message; the addresses here go
    through ``email.utils`` anyway. The MIME headers keep their objects, which ``get_body``
    and ``iter_attachments`` need, made once per distinct value (they are immutable; the
    default parses ``Content-Type`` anew at each of the ten reads of one part). Raw UTF-8 in
    a header (RFC 6532) is read as UTF-8."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):
            return value
        if name.lower().startswith("content-"):
            return _structured(self, name, value)
        text = "".join(value.splitlines())
        if not text.isascii():
            text = text.encode("ascii", "surrogateescape").decode("utf-8", "replace")
        return text


@functools.lru_cache(maxsize=1024)
def _structured(reader: _PlainHeaders, name: str, value: str):
    return policy.EmailPolicy.header_fetch_parse(reader, name, value)


_POLICY = _PlainHeaders()


def decoded(text: str) -> str:
    """``text`` with its encoded words (``=?utf-8?q?J=C3=B6rg?=``) decoded; as given if they
    are broken."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


def parse(
    raw: bytes, *, envelope_sender: str | None = None, envelope_recipients: tuple[str, ...] = ()
) -> InboundMail:
    message = BytesParser(policy=_POLICY).parsebytes(raw)
    name, sender = parseaddr(str(message.get("From", "")))
    text = body_text(message)
    recipients = [*envelope_recipients]
    for header in ("To", "Cc", "Delivered-To", "X-Original-To"):
        recipients += [a for _, a in getaddresses([str(v) for v in message.get_all(header, [])])]
    return InboundMail(
        sender=mailboxes.comparable(sender) if sender else "",
        sender_name=decoded(name),
        envelope_sender=envelope_sender,
        recipients=tuple(dict.fromkeys(mailboxes.comparable(a) for a in recipients if "@" in a)),
        subject=" ".join(decoded(str(message.get("Subject", ""))).split()),
        message_id=next(iter(_ids(message.get("Message-ID", ""))), ""),
        in_reply_to=tuple(_ids(message.get("In-Reply-To", ""))),
        references=tuple(_ids(message.get("References", ""))),
        text=text,
        reply=trim_reply(text),
        attachments=tuple(attachments(message)),
        is_automatic=is_automatic(message, envelope_sender),
        raw=raw,
    )


def _ids(header) -> list[str]:
    return _MESSAGE_ID.findall(str(header or ""))


def body_text(message: EmailMessage) -> str:
    """The plain-text body, or the HTML body as text when there is no plain one."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: keep what decodes
        content = part.get_payload(decode=True).decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n").strip()


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", markup)
    markup = re.sub(r"(?is)<blockquote.*?</blockquote>", "", markup)  # quoted history
    text = html.unescape(nh3.clean(markup, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines()))


def attachments(message: EmailMessage):
    for part in message.iter_attachments():
        content = part.get_payload(decode=True)
        if content is None:
            continue
        yield Attachment(
            filename=part.get_filename() or "attachment",
            content_type=part.get_content_type(),
            content=content,
        )


def trim_reply(text: str) -> str:
    """The new text of a reply: quoted history, the attribution line and the signature cut."""
    found = _PARSER.read(text)
    latest = found.replies[0].body if found.replies else text
    kept = []
    for line in latest.splitlines():
        if line.startswith(">"):
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or _ATTRIBUTION.match(kept[-1].strip())):
        kept.pop()
    return "\n".join(kept).strip() or text.strip()


def is_automatic(message: EmailMessage, envelope_sender: str | None = None) -> bool:
    """Mail no one may answer automatically (RFC 3834 §2 and common practice): marked
    Auto-Submitted, bulk or list mail, a bounce (empty envelope sender), or a mailer daemon."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in ("bulk", "junk", "list"):
        return True
    if any(message.get(h) for h in ("List-Id", "List-Unsubscribe", "X-Autoreply", "X-Autorespond")):
        return True
    if envelope_sender == "":
        return True
    local = parseaddr(str(message.get("From", "")))[1].partition("@")[0].lower()
    return local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply")
