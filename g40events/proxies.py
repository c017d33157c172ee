"""Who the client is, seen through the proxies the site is told to trust.

In the documented deployment gunicorn listens on 127.0.0.1 behind a TLS-terminating web server, so
every request's REMOTE_ADDR is the web server's. The web server appends the address it received the
request from to X-Forwarded-For. That header is believed only when the request comes from a trusted
proxy (settings.TRUSTED_PROXIES, by default the loopback addresses), and then only its entries that
trusted proxies wrote: the client's address is the right-most entry that is not a trusted proxy.
Everything to the left of it was written by the client and is ignored, so nobody escapes a limit
by sending a forged header, directly or through the proxy.

The sign-up rate limit (registrations.views) and the admin login throttle (django-axes, through
AXES_CLIENT_IP_CALLABLE) both count clients by `client_address`.
"""

import functools
import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# More hops than any real chain of proxies; entries further left are never read, however many a
# client sends.
MAX_HOPS = 20
# IPv6 clients get a whole /64 (one household, one office network) and can pick any address in it:
# they are counted per /64, as IPv4 clients behind one NAT address are.
IPV6_CLIENT_PREFIX = 64


def parse_networks(values) -> tuple[Network, ...]:
    """Addresses and networks ("127.0.0.0/8", "::1", "10.0.0.5"); ValueError names a bad one."""
    networks = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ValueError(f"{value!r} is not an IP address or network") from error
    return tuple(networks)


@functools.lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def trusted_proxies() -> tuple[Network, ...]:
    return _trusted(tuple(settings.TRUSTED_PROXIES))


def parse_address(value: str) -> Address | None:
    """An address as proxies write it (with or without a port, IPv6 in brackets); None if it is none."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 192.0.2.1:5678
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> Address | None:
    """The client's address: REMOTE_ADDR, or behind trusted proxies what they report."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_proxies()
    if peer is None or not is_trusted(peer, networks):
        if request.META.get("HTTP_X_FORWARDED_FOR") and peer is not None and peer.is_private:
            _warn_untrusted_forwarder(peer)
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        return peer
    entries = forwarded.rsplit(",", MAX_HOPS)
    if len(entries) > MAX_HOPS:
        entries = entries[1:]  # the unsplit rest: never read
    current = peer
    for entry in reversed(entries):
        address = parse_address(entry)
        if address is None:
            # A trusted proxy wrote something that is no address: the last hop we can vouch for.
            return current
        current = address
        if not is_trusted(address, networks):
            return address
    # Every hop is a trusted proxy (a request from the proxy's own machine): the furthest one.
    return current


def client_address(request) -> str:
    """The client as the sign-up rate limit and the admin login throttle count it.

    The address from `client_ip`; an IPv6 client as the first address of its /64. Empty when the
    request carries no usable address at all (which the WSGI servers we run never do).
    """
    address = client_ip(request)
    if address is None:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_CLIENT_PREFIX), strict=False)
        return str(network.network_address)
    return str(address)


_warned: set[Address] = set()


def _warn_untrusted_forwarder(peer: Address) -> None:
    """A proxy in the private network that is not trusted makes every visitor look like one client.

    Said once per address and process (and for a few addresses at most), so that a forged header
    cannot flood the log.
    """
    if peer in _warned or len(_warned) >= 16:
        return
    _warned.add(peer)
    logger.warning(
        "X-Forwarded-For from %s ignored: that address is not in TRUSTED_PROXIES. If it is your proxy, "
        "add it; until then every visitor through it counts as one client.",
        peer,
    )
