"""The client's address, for rate limits and sign-in lockouts.

X-Forwarded-For is written by the client unless a proxy in front overwrites it, so it counts
only when DJANGO_NUM_PROXIES (DRF's NUM_PROXIES) says how many proxies are there; otherwise a
guesser could claim a fresh address with every request.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


def client_address(request) -> str:
    """The address the request came from: REMOTE_ADDR, or with NUM_PROXIES set, the entry that
    many hops from the right of X-Forwarded-For (the one the outermost proxy saw)."""
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = api_settings.NUM_PROXIES
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded_for:
        return remote_address
    addresses = [address.strip() for address in forwarded_for.split(",")]
    return addresses[-min(proxies, len(addresses))]


class ClientAddressThrottle(ScopedRateThrottle):
    """DRF's scoped rate limit, counted per client_address()."""

    def get_ident(self, request) -> str:
        return client_address(request)
