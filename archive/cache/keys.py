"""Keys of the page cache in the shared cache, and the clock every server reads them by."""

import hashlib

from django.utils import timezone

SCHEDULE_KEY = "pages:schedule"


# Clocks of several app servers may disagree a little; a page rendered this close to a change is not trusted.
MARGIN_NS = 2_000_000_000


def now_ns():
    # The same clock as Article.objects.published(), so a scheduled time means one moment to both.
    return int(timezone.now().timestamp() * 1_000_000_000)


def tag_key(tag):
    return f"pages:tag:{tag}"


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:page:" + hashlib.blake2b(address.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
