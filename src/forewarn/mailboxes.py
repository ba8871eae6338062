"""One spelling per mailbox: an email address with its domain in IDNA ASCII form, lowercased.

Pure Python, no Django.

``anna@bücher.example`` and ``anna@xn--bcher-kva.example`` are the same mailbox (IDNA 2008
with UTS #46 mapping, the form DNS and SMTP use), so they must be one subscriber and get one
delivery. The local part is kept as written: only the receiving server may decide whether
its case matters, and comparisons in Forewarn ignore case anyway.
"""

import idna


def canonical(address: str) -> str:
    """``local@domain`` with the domain lowercased in ASCII (A-labels); ValueError if it is no domain."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"{address!r} is not an email address.")
    if domain.isascii():
        return f"{local}@{domain.lower()}"
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"{domain!r} is not a valid internationalised domain: {exc}") from None
    return f"{local}@{ascii_domain}"


def comparable(address: str) -> str:
    """The key two spellings of one mailbox share (canonical, lowercased); never raises."""
    try:
        return canonical(address).lower()
    except ValueError:
        return address.strip().lower()


def unicode_form(address: str) -> str:
    """The address with its domain in Unicode (U-labels), as a person typed it; as given if it cannot be."""
    local, at, domain = address.rpartition("@")
    if not at or "xn--" not in domain.lower():
        return address
    try:
        return f"{local}@{idna.decode(domain)}"
    except (idna.IDNAError, UnicodeError):
        return address
