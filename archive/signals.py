"""What the archive announces to whoever keeps copies of its pages.

`archive_changed` is sent once per change by `ArchiveState.touch()` with `pages`, the tags
of the public pages the change affects (see archive.models.page_tags), or None for every
page. The page cache listens (archive.cache.invalidation); a receiver that raises refuses
the change, so a kept page can never outlive what it shows.
"""

from django.dispatch import Signal

archive_changed = Signal()
