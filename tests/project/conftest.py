import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The token endpoint's rate limit is counted in the cache: each test starts and leaves it
    empty, so the sign-in tests' many requests do not throttle each other."""
    cache.clear()
    yield
    cache.clear()
