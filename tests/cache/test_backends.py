"""The embedded shared cache: it shares what it keeps, and stays near its size without listing its folder each write."""

from django.core.cache.backends.filebased import FileBasedCache

from archive.cache.backends import FolderCache


def folder_cache(path, max_entries):
    return FolderCache(str(path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_two_instances_on_one_folder_share_what_they_keep(tmp_path):
    writer, reader = folder_cache(tmp_path, 100), folder_cache(tmp_path, 100)

    writer.set_many({"pages:tag:a:1": 7, "pages:tag:lists": 8}, None)

    assert reader.get_many(["pages:tag:a:1", "pages:tag:lists"]) == {"pages:tag:a:1": 7, "pages:tag:lists": 8}


def test_the_folder_is_listed_once_every_so_many_writes(tmp_path, monkeypatch):
    listings = []
    original = FileBasedCache._list_cache_files
    monkeypatch.setattr(FileBasedCache, "_list_cache_files", lambda self: listings.append(1) or original(self))
    cache = folder_cache(tmp_path, 10_000)

    for number in range(1000):
        cache.set(f"key-{number}", number)

    assert len(listings) == 1000 // FolderCache.CULL_EVERY


def test_it_is_culled_back_under_its_size(tmp_path):
    cache = folder_cache(tmp_path, 300)

    for number in range(2000):
        cache.set(f"key-{number}", number)

    assert len(cache._list_cache_files()) <= 300 + FolderCache.CULL_EVERY
