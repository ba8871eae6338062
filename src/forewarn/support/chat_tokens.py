"""Pure Python, no Django. The identity a provider's product gives its chat widget: who the
signed-in user is, for which organization, until when, signed with the widget's secret.

The provider's backend mints the token for the user it has signed in (as Intercom's and
Crisp's "identity verification" do) and puts it on the page; the widget sends it with every
call and Forewarn checks it here. The format is a JSON Web Token signed with HMAC-SHA256
(RFC 7519, ``alg`` ``HS256``), so any JWT library mints it, and so do twenty lines of any
language's standard library (docs/support.md shows Python's)::

    base64url({"alg": "HS256", "typ": "JWT"}) . base64url(claims) . base64url(HMAC-SHA256(secret, first two parts))

The claims are ``email`` (the contact's address), ``org`` (the organization's slug) and
``exp`` (when it stops working, Unix seconds). A token is short-lived: ``exp`` at most
``MAX_LIFETIME`` ahead, so a token copied out of a page is soon worth nothing. Nothing but
``HS256`` is accepted (never ``none``), and signatures are compared in constant time.
"""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

MAX_LIFETIME = timedelta(hours=24)
MAX_TOKEN = 4096  # characters; a real one is a few hundred
_HEADER = {"alg": "HS256", "typ": "JWT"}


class TokenRefused(ValueError):
    """The token does not prove who the user is; the message says why (safe to show)."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the provider's backend says the widget's user is."""

    email: str
    organization: str  # slug
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenRefused("The chat token is not well formed.") from None


def _signature(secret: str, signed: str) -> str:
    return _b64(hmac.new(secret.encode(), signed.encode("ascii"), hashlib.sha256).digest())


def mint(secret: str, *, email: str, organization: str, expires_at: datetime) -> str:
    """A token for ``email`` of ``organization`` until ``expires_at`` (what a provider's
    backend does; Forewarn uses it for the console's preview and the tests)."""
    claims = {"email": email, "org": organization, "exp": int(expires_at.timestamp())}
    signed = (
        _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    return f"{signed}.{_signature(secret, signed)}"


def _json(part: str) -> dict:
    try:
        found = json.loads(_unb64(part))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TokenRefused("The chat token is not well formed.") from None
    if not isinstance(found, dict):
        raise TokenRefused("The chat token is not well formed.")
    return found


def verify(token: str, secret: str, *, now: datetime) -> Identity:
    """The identity ``token`` proves at ``now``; ``TokenRefused`` saying why not."""
    token = (token or "").strip()
    if not token:
        raise TokenRefused("No chat token: the provider's page must sign the user in.")
    if len(token) > MAX_TOKEN or token.count(".") != 2:
        raise TokenRefused("The chat token is not well formed.")
    header, claims, signature = token.split(".")
    if _json(header).get("alg") != "HS256":
        raise TokenRefused("The chat token must be signed with HS256.")
    if not secret or not hmac.compare_digest(
        signature.encode("ascii", "replace"), _signature(secret, f"{header}.{claims}").encode()
    ):
        raise TokenRefused("The chat token's signature is wrong.")
    found = _json(claims)
    email, organization, expires = found.get("email"), found.get("org"), found.get("exp")
    if not isinstance(email, str) or "@" not in email:
        raise TokenRefused("The chat token names no contact (claim 'email').")
    if not isinstance(organization, str) or not organization:
        raise TokenRefused("The chat token names no organization (claim 'org').")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise TokenRefused("The chat token has no expiry (claim 'exp').")
    try:
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        raise TokenRefused("The chat token's expiry is not a time.") from None
    if expires_at <= now:
        raise TokenRefused("The chat token has expired: reload the page to sign in again.")
    if expires_at - now > MAX_LIFETIME:
        raise TokenRefused(
            "The chat token lives too long: let it expire within "
            f"{int(MAX_LIFETIME.total_seconds() // 3600)} hours."
        )
    return Identity(email.strip(), organization.strip(), expires_at)


def parse_origins(text: str) -> list[str]:
    """The allowed origins an admin wrote, one a line (``https://app.example.com``,
    ``http://localhost:3000``); ``ValueError`` naming the first that is not an origin."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = urlsplit(line)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValueError(
                f"'{line}' is not an origin; write the scheme, host and port only, "
                "e.g. https://app.example.com"
            )
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in found:
            found.append(origin)
    return found
