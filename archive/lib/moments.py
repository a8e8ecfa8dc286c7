"""One machine-readable form for every moment the site writes out.

HTML's `<time datetime>` allows at most three digits of a second's fraction, and feeds and
structured data read best without any; a time saved through the admin or an import carries
microseconds. Every moment shown to machines is written here: whole seconds, in the site's
time zone, with its offset ("2026-12-08T03:14:53+00:00").
"""

import datetime

from django.utils import timezone


def machine_readable(moment):
    """`moment` (a datetime or a date) in ISO 8601, to the second; "" for None."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime.datetime):
        return moment.isoformat()
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(microsecond=0).isoformat()
