"""The chat token a provider's backend mints: what proves a user and what does not (pure)."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from forewarn.support.chat_tokens import (
    MAX_LIFETIME,
    Identity,
    TokenRefused,
    mint,
    parse_origins,
    verify,
)

SECRET = "s3cret-" * 6
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def token(**changes) -> str:
    fields = {"email": "anna@acme.example", "organization": "acme"} | changes
    fields.setdefault("expires_at", NOW + timedelta(hours=1))
    return mint(SECRET, **fields)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def signed(header: dict, claims: dict, secret: str = SECRET) -> str:
    """A token made by hand, as docs/support.md shows a backend making one."""
    head = f"{b64(header)}.{b64(claims)}"
    mac = hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest()
    return head + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def test_a_fresh_token_names_the_contact_and_organization():
    assert verify(token(), SECRET, now=NOW) == Identity(
        "anna@acme.example", "acme", NOW + timedelta(hours=1)
    )


def test_a_token_made_by_hand_with_the_standard_library_verifies():
    exp = int((NOW + timedelta(minutes=30)).timestamp())
    made = signed({"alg": "HS256", "typ": "JWT"}, {"email": "a@b.example", "org": "x", "exp": exp})
    assert verify(made, SECRET, now=NOW).email == "a@b.example"


def test_an_expired_token_is_refused():
    old = token(expires_at=NOW - timedelta(seconds=1))
    with pytest.raises(TokenRefused, match="expired"):
        verify(old, SECRET, now=NOW)
    with pytest.raises(TokenRefused, match="expired"):
        verify(token(expires_at=NOW), SECRET, now=NOW)


def test_a_token_that_lives_too_long_is_refused():
    with pytest.raises(TokenRefused, match="too long"):
        verify(token(expires_at=NOW + MAX_LIFETIME + timedelta(seconds=1)), SECRET, now=NOW)
    assert verify(token(expires_at=NOW + MAX_LIFETIME), SECRET, now=NOW)


def test_a_wrong_signature_is_refused():
    with pytest.raises(TokenRefused, match="signature"):
        verify(
            mint(
                "another-secret" * 3,
                email="anna@acme.example",
                organization="acme",
                expires_at=NOW + timedelta(hours=1),
            ),
            SECRET,
            now=NOW,
        )


def test_changed_claims_break_the_signature():
    head, _, signature = token().split(".")
    forged = b64(
        {
            "email": "boss@acme.example",
            "org": "acme",
            "exp": int((NOW + timedelta(hours=1)).timestamp()),
        }
    )
    with pytest.raises(TokenRefused, match="signature"):
        verify(f"{head}.{forged}.{signature}", SECRET, now=NOW)


def test_an_unsigned_token_is_refused():
    claims = b64({"email": "anna@acme.example", "org": "acme", "exp": 2_000_000_000})
    with pytest.raises(TokenRefused, match="HS256"):
        verify(f"{b64({'alg': 'none'})}.{claims}.", SECRET, now=NOW)


@pytest.mark.parametrize(
    "claims, problem",
    [
        ({"org": "acme", "exp": 1_800_000_000}, "'email'"),
        ({"email": "anna@acme.example", "exp": 1_800_000_000}, "'org'"),
        ({"email": "anna@acme.example", "org": "acme"}, "'exp'"),
        ({"email": "anna@acme.example", "org": "acme", "exp": "soon"}, "'exp'"),
        ({"email": "anna@acme.example", "org": "acme", "exp": True}, "'exp'"),
    ],
)
def test_missing_claims_are_named(claims, problem):
    with pytest.raises(TokenRefused, match=problem):
        verify(signed({"alg": "HS256"}, claims), SECRET, now=NOW)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b", "a.b.c.d", "!!.??.**", "x" * 5000])
def test_garbage_is_refused_with_a_reason(garbage):
    with pytest.raises(TokenRefused):
        verify(garbage, SECRET, now=NOW)


def test_an_empty_secret_verifies_nothing():
    with pytest.raises(TokenRefused, match="signature"):
        verify(
            mint("", email="a@b.example", organization="x", expires_at=NOW + timedelta(hours=1)),
            "",
            now=NOW,
        )


def test_origins_are_one_a_line_scheme_host_and_port():
    assert parse_origins(
        "https://App.example.com\n\n http://localhost:3000/ \nhttps://app.example.com"
    ) == [
        "https://app.example.com",
        "http://localhost:3000",
    ]


@pytest.mark.parametrize(
    "line",
    ["app.example.com", "https://app.example.com/chat", "ftp://x.example", "https://u@x.example"],
)
def test_what_is_not_an_origin_is_named(line):
    with pytest.raises(ValueError, match="is not an origin"):
        parse_origins(f"https://ok.example\n{line}")
