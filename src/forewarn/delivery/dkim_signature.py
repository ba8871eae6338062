"""DKIM signatures on outgoing mail (RFC 6376), so receivers can tell the mail is the provider's.

Pure Python, no Django.

The signature covers the headers a forger would change, the one-click unsubscribe pair among
them (RFC 8058 §3: List-Unsubscribe and List-Unsubscribe-Post MUST be signed), and the body.
Headers listed but absent are signed as absent, so nobody can add them later. Relaxed
canonicalisation on both, so a relay re-folding headers or trailing spaces breaks nothing.
"""

from dataclasses import dataclass
from pathlib import Path

import dkim
from dkim.crypto import UnparsableKeyError, parse_pem_private_key

SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "In-Reply-To",
    "References",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
)


class DkimKeyError(ValueError):
    """The private key cannot be read or is not an RSA key in PEM form."""


@dataclass(frozen=True)
class DkimSigner:
    domain: str
    selector: str
    private_key: bytes  # PEM

    @classmethod
    def from_key_file(cls, *, domain: str, selector: str, key_file: str | Path) -> "DkimSigner":
        try:
            pem = Path(key_file).read_bytes()
            parse_pem_private_key(pem)
        except OSError as exc:
            raise DkimKeyError(f"The DKIM key file {key_file} cannot be read: {exc}") from None
        except UnparsableKeyError as exc:
            raise DkimKeyError(f"{key_file} is not an RSA private key (PEM): {exc}") from None
        return cls(domain=domain, selector=selector, private_key=pem)

    def sign(self, message: bytes) -> bytes:
        """``message`` (RFC 5322 bytes, CRLF line ends) with a DKIM-Signature header before it."""
        header = dkim.sign(
            message,
            self.selector.encode(),
            self.domain.encode(),
            self.private_key,
            canonicalize=(b"relaxed", b"relaxed"),
            include_headers=[h.encode() for h in SIGNED_HEADERS],
        )
        return header + message
