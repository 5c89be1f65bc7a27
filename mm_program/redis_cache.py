"""Django's Redis cache backend, without building a new client for every operation.

Django's ``RedisCacheClient.get_client`` makes a fresh ``redis.Redis`` object around the
shared connection pool on each call, and redis-py's constructor sets up some 170 response
callbacks: measured here, that was most of the cost of a cache read, paid two to four times
per request (rate limits, cached pages). A client object holds no connection of its own and
is safe to share, so this backend makes one per connection pool and keeps it.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
