"""Cache backends that fail, for the tests of a page cache that must fail safe."""

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache


class UnreachableCache(BaseCache):
    """A cache server that is away: every call raises, as a client does on a refused connection."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("Connection refused")

    get = get_many = set = set_many = add = incr = delete = clear = _fail


class FullCache(LocMemCache):
    """A cache that answers reads but refuses every write, as Redis does at maxmemory with noeviction."""

    def _fail(self, *args, **kwargs):
        raise MemoryError("OOM command not allowed when used memory > 'maxmemory'")

    set = set_many = add = _fail
