"""Per-address rate limits on the costly public surfaces (search, feeds), counted in the shared cache.

A fixed window: the count of a client's requests in the current window lives
under one cache key that expires with the window. With Redis as the cache the
count is shared by every app server; with the in-process default, each process
counts on its own. An IPv6 client is counted by its /64 network, which one
subscriber usually holds whole.
"""

import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from redis.exceptions import RedisError

from archive.ops.clients import client_address

logger = logging.getLogger(__name__)


def current_time():
    return time.time()


def rule_for(path):
    for rule in settings.RATE_LIMITS:
        if rule["requests"] > 0 and path.startswith(tuple(rule["paths"])):
            return rule
    return None


def counted_as(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def seconds_to_wait(rule, address, cache=None):
    """Count this request; 0 if it may go ahead, else the seconds until the window ends."""
    cache = cache or caches["default"]
    now = current_time()
    window = int(now // rule["seconds"])
    key = f"ratelimit:{rule['name']}:{window}:{counted_as(address)}"
    # add() starts the window's count without overwriting another worker's; incr() is atomic.
    cache.add(key, 0, timeout=rule["seconds"] + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=rule["seconds"] + 1)
        count = 1
    if count <= rule["requests"]:
        return 0
    return max(1, math.ceil((window + 1) * rule["seconds"] - now))


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rule = rule_for(request.path_info)
        if rule is not None:
            try:
                wait = seconds_to_wait(rule, client_address(request))
            except (RedisError, OSError):
                # A cache that cannot be reached must not take search and feeds down with it.
                logger.warning("Rate limit %r not applied: the cache cannot be reached.", rule["name"], exc_info=True)
                wait = 0
            if wait:
                return too_many_requests(request, rule, wait)
        return self.get_response(request)


def too_many_requests(request, rule, wait):
    response = render(
        request,
        "429.html",
        {"requests": rule["requests"], "seconds": rule["seconds"], "wait": wait},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
