"""The file cache, without a directory listing before every write."""

from __future__ import annotations

from django.core.cache.backends import filebased

DJANGO_FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache, which lists its whole directory (MAX_ENTRIES files) before each
    write to learn whether it must cull. This one looks once every CULL_CHECK_EVERY writes of
    the process (and thread): the cache may then exceed MAX_ENTRIES by that many entries per
    worker before it is culled (a cull removes MAX_ENTRIES / CULL_FREQUENCY entries, 6 667 in
    production: more than that), in exchange for one listing instead of a hundred.
    """

    CULL_CHECK_EVERY = 100

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writes_since_check = 0

    def _cull(self) -> None:
        self._writes_since_check += 1
        if self._writes_since_check < self.CULL_CHECK_EVERY:
            return
        self._writes_since_check = 0
        super()._cull()


def with_file_cache_backend(cache: dict) -> dict:
    """A cache setting as django-environ reads it, with Django's file cache replaced by ours."""
    if cache.get("BACKEND") == DJANGO_FILE_CACHE:
        cache["BACKEND"] = f"{__name__}.FileBasedCache"
    return cache
