"""The embedded set-up's shared cache: Django's file cache, culled now and then instead of on every write."""

import random

from django.core.cache.backends.filebased import FileBasedCache


class FolderCache(FileBasedCache):
    """Files in one folder, which every worker process on the machine reads and writes.

    Django's file cache lists the whole folder on every write to see whether it is full:
    with thousands of kept pages that is milliseconds a write, and one article saved or
    imported writes the change time of each thing it touches (its page, its entities,
    the lists it is on). Here the folder is looked at once every CULL_EVERY writes of a
    process, so it may hold up to that many files over MAX_ENTRIES; when full, it is cut
    back to two thirds of MAX_ENTRIES (with the default CULL_FREQUENCY of 3).
    """

    CULL_EVERY = 200

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY != 1:
            return
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        keep = self._max_entries - self._max_entries // self._cull_frequency
        for name in random.sample(files, len(files) - keep):
            self._delete(name)
