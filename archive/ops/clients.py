"""Who is asking: the client's address, for login lockouts and rate limits alike.

X-Forwarded-For is believed only when settings.TRUSTED_PROXY_COUNT proxies stand
in front of the app, and then only the entry the nearest trusted proxy wrote:
each proxy appends the address it saw, so anything left of that is whatever the
client chose to send.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address as text: REMOTE_ADDR, or the one the trusted proxies saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        # Fewer entries than proxies: the request did not come through all of them.
        if len(forwarded) >= proxies and is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return remote


def is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
