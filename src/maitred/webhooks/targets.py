"""The SSRF guard: where a webhook may be POSTed.

Anyone with `webhooks:write` chooses the URL and the worker POSTs to it from inside our network,
so in production only https goes out, and only to public addresses: every address the host
resolves to is checked (private, loopback, link-local, multicast, reserved and unspecified ones
are refused, IPv4-mapped IPv6 included), at subscription time and again at each delivery. The
delivery then connects to the address that was checked (the URL's host stays in the Host header
and TLS SNI), so a DNS answer that changes between check and connect (rebinding) cannot redirect
it. Redirects are never followed. `MAITRED_WEBHOOK_ALLOW_PRIVATE_TARGETS` lifts the address
check (a receiver on the same network); in development http and any address are allowed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from maitred.config import Environment, Settings
from maitred.webhooks.errors import UnsafeTarget

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """Where to connect: the URL, or the checked address when the guard pinned one."""

    url: httpx.URL
    pinned_address: str | None = None

    def request_url(self) -> httpx.URL:
        return (
            self.url
            if self.pinned_address is None
            else self.url.copy_with(host=self.pinned_address)
        )

    def request_extensions(self) -> dict[str, str]:
        """TLS SNI (and certificate check) for the URL's host while connecting to the address."""
        if self.pinned_address is None or self.url.scheme != "https":
            return {}
        return {"sni_hostname": self.url.host}

    def host_header(self) -> str:
        return self.url.netloc.decode("ascii")


def parse_url(url: str, settings: Settings) -> httpx.URL:
    """The URL, if its form is acceptable in this environment (no DNS lookups)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise UnsafeTarget("Not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UnsafeTarget("Use an absolute http(s) URL, like https://example.com/hooks")
    if parsed.userinfo:
        raise UnsafeTarget("Credentials in the URL are not allowed; put a token in its path")
    if settings.env is Environment.production and parsed.scheme != "https":
        raise UnsafeTarget("Webhook URLs must use https")
    return parsed


def guards_addresses(settings: Settings) -> bool:
    return settings.env is Environment.production and not settings.webhook_allow_private_targets


def refusal(address: IPAddress) -> str | None:
    """Why `address` is off limits, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return kind
    return None if address.is_global else "non-public"


async def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(f"The host {host} could not be resolved") from None
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0])) for info in infos))


async def checked_target(url: str, settings: Settings) -> Target:
    """The target to POST to, or UnsafeTarget saying why not."""
    parsed = parse_url(url, settings)
    if not guards_addresses(settings):
        return Target(parsed)
    addresses = await resolve(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
    if not addresses:
        raise UnsafeTarget(f"The host {parsed.host} could not be resolved")
    for address in addresses:
        kind = refusal(address)
        if kind is not None:
            raise UnsafeTarget(
                f"{parsed.host} resolves to {address}, a {kind} address; "
                "webhooks go to public addresses only"
            )
    return Target(parsed, pinned_address=str(addresses[0]))
