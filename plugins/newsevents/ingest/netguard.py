"""Address guard: resolve a host, refuse non-public addresses, connect to the checked IP.

The fetcher resolves the host once, checks the resulting address here and then
connects to that exact IP (keeping the Host header and TLS SNI), so a DNS answer
cannot change between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Sequence

LOGGER = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The IANA special-purpose address registries (IPv4 and IPv6), every block whatever its
# "globally reachable" flag, plus deprecated site-local IPv6 (RFC 3879). ``ip.is_global``
# lets some of them through (192.0.0.9, the AS112 and AMT blocks, fec0::/10, 3fff::/20):
# no news site lives there, so they are refused unless ``allow_private_addresses`` lists
# them. 2002::/16 (6to4) and ::ffff:0:0/96 are judged by the IPv4 address they embed.
SPECIAL_PURPOSE_NETWORKS = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.31.196.0/24",
        "192.52.193.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "192.175.48.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128",
        "::1/128",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "100:0:0:1::/64",
        "2001::/23",
        "2001:db8::/32",
        "2620:4f:8000::/48",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)


class BlockedAddressError(Exception):
    """The host resolves to an address the sources file does not allow."""


class ResolveError(Exception):
    """The host name does not resolve."""


def is_public_address(ip: IPAddress) -> bool:
    """True when ``ip`` is a global unicast address (not private, loopback, ...)."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public_address(mapped)
    if any(ip.version == net.version and ip in net for net in SPECIAL_PURPOSE_NETWORKS):
        return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


AllowPrivate = bool | Sequence[str]


def _allowed_by_list(ip: IPAddress, networks: Sequence[str]) -> bool:
    for network in networks:
        net = ipaddress.ip_network(network, strict=False)
        if ip.version == net.version and ip in net:
            return True
    return False


def check_address(address: str, allow_private: AllowPrivate) -> IPAddress:
    """Parse ``address`` and refuse it unless it is public or allowed.

    ``allow_private`` is True (anything goes: tests against a local server), False
    (public addresses only) or a list of networks (``["127.0.0.1/32"]``) that are
    allowed besides the public ones.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if allow_private is True or is_public_address(ip):
        return ip
    if allow_private is not False and _allowed_by_list(ip, allow_private):
        return ip
    raise BlockedAddressError(f"address {ip} is not public")


def resolve(host: str, port: int) -> list[str]:
    """All addresses of ``host`` (IP literals are returned as they are)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolveError(f"cannot resolve {host}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    if not addresses:
        raise ResolveError(f"cannot resolve {host}")
    return addresses


def checked_address(host: str, port: int, allow_private: AllowPrivate) -> str:
    """Resolve ``host`` and return the address to connect to.

    Every resolved address must pass the guard: a name that resolves to both a
    public and a private address is refused, so round-robin DNS cannot smuggle in
    an internal target.
    """
    addresses = resolve(host, port)
    for address in addresses:
        check_address(address, allow_private)
    return addresses[0]
