"""The client's address, for rate limits and sign-in lockouts.

X-Forwarded-For is written by the client unless a proxy in front overwrites it, so it counts
only when DJANGO_NUM_PROXIES (DRF's NUM_PROXIES) says how many proxies are there; otherwise a
guesser could claim a fresh address with every request.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


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


class CountingRateThrottle(SimpleRateThrottle):
    """DRF's rate limit counted with the cache's atomic increment, in fixed windows of the
    rate's duration: with several app servers sharing one Redis (REDIS_URL), requests arriving
    at the same moment on different servers each get their own count, where DRF's list of
    timestamps (read, append, write back) would let both through."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = f"{self.key}:{window}"
        self.cache.add(key, 0, self.duration)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new count
            self.cache.add(key, 1, self.duration)
            count = 1
        self.seconds_left = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return self.seconds_left


class ClientAddressThrottle(ScopedRateThrottle, CountingRateThrottle):
    """DRF's scoped rate limit, counted per client_address()."""

    def get_ident(self, request) -> str:
        return client_address(request)
