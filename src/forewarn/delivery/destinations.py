"""Where a webhook may connect: public addresses on allowed ports, checked after DNS resolution.

Pure Python, no Django.

A URL's host is resolved once; every address it resolves to must be public (not
loopback, private, link-local, metadata, shared, reserved or multicast, also when
wrapped in IPv6: IPv4-mapped, 6to4, NAT64), and the connection goes to one of those
checked addresses, with the original name in the Host header and, over https, in
SNI and the certificate check.  Nothing resolves the name a second time, so a DNS
answer that changes between the check and the connection (DNS rebinding) reaches
nothing inside.  The same check runs when a subscriber is added and before every
request.  Redirects are never followed.

Failures are told as a category (``connection refused``, ``timeout``, ``TLS error``,
``address not allowed``, ``HTTP 500``…): the delivery log is read by viewers, and a
raw network error says more about the inside than they need to know.
"""

import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = frozenset({80, 443})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Failure categories, as the delivery log shows them.
ADDRESS_NOT_ALLOWED = "address not allowed"
PORT_NOT_ALLOWED = "port not allowed"
NAME_NOT_RESOLVED = "name not resolved"
CONNECTION_REFUSED = "connection refused"
TIMEOUT = "timeout"
TLS_ERROR = "TLS error"
CONNECTION_FAILED = "connection failed"
INVALID_RESPONSE = "invalid response"


@dataclass(frozen=True)
class Rules:
    """What a deployment allows beyond public addresses on ports 443 and 80."""

    extra_ports: frozenset[int] = frozenset()
    # Tests and development only: addresses of this machine (127.0.0.0/8, ::1), on any port.
    allow_loopback: bool = False

    def allows_port(self, port: int) -> bool:
        return port in DEFAULT_PORTS or port in self.extra_ports


class NotAllowed(Exception):
    """The destination may not be used; ``category`` is what the delivery log shows."""

    def __init__(self, message: str, category: str = ADDRESS_NOT_ALLOWED):
        super().__init__(message)
        self.category = category


@dataclass(frozen=True)
class Destination:
    url: str
    scheme: str
    host: str
    port: int
    target: str = field(default="/")  # path and query, as the request line carries them


def shown(url: str) -> str:
    """Where a webhook goes, without what makes its URL a credential: ``https://hooks.slack.com/…``.
    A chat webhook's URL is its only secret (Slack: "your webhook URL contains a secret"), so
    staff below admin, who read the settings but cannot change them, see this instead."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"


def parse(url: str) -> Destination:
    """The parts of an http(s) URL; ValueError when it is not one or carries credentials."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{url}' is not an http(s) URL.")
    if parts.username or parts.password:
        raise ValueError("The URL must not carry a user name or password.")
    port = parts.port or (443 if parts.scheme == "https" else 80)  # ValueError if out of range
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(url, parts.scheme, parts.hostname.lower(), port, target)


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress, rules: Rules) -> str | None:
    """What kind of address ``ip`` is when it may not be connected to, or None when it may."""
    inner = _embedded_ipv4(ip)
    if inner is not None:  # the IPv6 address is a way of reaching this IPv4 address
        return refusal(inner, rules)
    if ip.is_loopback:
        return None if rules.allow_loopback else "an address of this machine"
    if ip.is_multicast:
        return "a multicast address"
    if not ip.is_global:
        return "a private, link-local or reserved address"
    return None


def is_this_machine(host: str) -> bool:
    """Whether ``host`` names this machine without asking DNS (localhost, a loopback literal)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    literal = _literal(host)
    return literal is not None and literal.is_loopback


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(destination: Destination, rules: Rules) -> list[IPAddress]:
    """Every address the host resolves to, each checked; NotAllowed if any one is refused.

    ``socket.gaierror`` when the name does not resolve.
    """
    if not rules.allows_port(destination.port) and not (
        rules.allow_loopback and is_this_machine(destination.host)
    ):
        raise NotAllowed(
            f"Port {destination.port} is not allowed for webhooks (443 and 80 are; "
            "an admin may allow others with FOREWARN_WEBHOOK_PORTS).",
            PORT_NOT_ALLOWED,
        )
    found = socket.getaddrinfo(
        destination.host, destination.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, f"{destination.host} has no address")
    for ip in addresses:
        if reason := refusal(ip, rules):
            if _literal(destination.host) == ip:
                raise NotAllowed(f"{ip} is {reason}; use a public host.")
            raise NotAllowed(f"'{destination.host}' resolves to {ip}, {reason}; use a public host.")
    if not rules.allows_port(destination.port) and not all(ip.is_loopback for ip in addresses):
        raise NotAllowed(f"Port {destination.port} is not allowed for webhooks.", PORT_NOT_ALLOWED)
    return addresses


class _PinnedHTTP(HTTPConnection):
    """HTTP to one checked address; the Host header keeps the name."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(HTTPSConnection):
    """HTTPS to one checked address; SNI and the certificate check use the name."""

    def __init__(
        self, host: str, port: int, address: IPAddress, timeout: float, tls: ssl.SSLContext
    ):
        super().__init__(host, port, timeout=timeout, context=tls)
        self.address = address
        self.tls = tls

    def connect(self):
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, hostname checked."""
    return ssl.create_default_context()


def post(
    destination: Destination,
    addresses: list[IPAddress],
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    tls: ssl.SSLContext | None = None,
) -> int:
    """POST ``body`` to the first of ``addresses`` that accepts a connection; the HTTP status.

    Raises what the connection raised (``OSError``, ``ssl.SSLError``, ``HTTPException``);
    ``failure_category`` names it.  Redirects are answers like any other: never followed.
    """
    last_error: OSError | None = None
    for address in addresses:
        if destination.scheme == "https":
            connection = _PinnedHTTPS(
                destination.host, destination.port, address, timeout, tls or tls_context()
            )
        else:
            connection = _PinnedHTTP(destination.host, destination.port, address, timeout)
        try:
            try:
                connection.connect()
            except (ConnectionRefusedError, TimeoutError) as exc:
                last_error = exc  # try the next checked address, as create_connection would
                continue
            connection.request("POST", destination.target, body=body, headers=headers)
            response = connection.getresponse()
            response.read(65536)
            return response.status
        finally:
            connection.close()
    raise last_error or OSError("no address to connect to")


def failure_category(exc: BaseException) -> str:
    """What went wrong, in the words the delivery log uses (never the raw error)."""
    if isinstance(exc, NotAllowed):
        return exc.category
    if isinstance(exc, socket.gaierror):
        return NAME_NOT_RESOLVED
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return TLS_ERROR
    if isinstance(exc, TimeoutError):
        return TIMEOUT
    if isinstance(exc, ConnectionRefusedError):
        return CONNECTION_REFUSED
    if isinstance(exc, HTTPException):
        return INVALID_RESPONSE
    return CONNECTION_FAILED


def status_category(status: int) -> str:
    return f"HTTP {status}"
