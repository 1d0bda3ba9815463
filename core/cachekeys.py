"""Keys of cached HTML fragments: what the fragment shows, made short.

A fragment cached under every value it reads needs no invalidation: a change changes the key
(the directory's and the agenda's cards, the filter fields, an impact report's charts).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode


def digest(value) -> str:
    """A short digest of a value's repr, for a cache key."""
    return hashlib.md5(repr(value).encode(), usedforsecurity=False).hexdigest()[:12]


def fields_key(form, **read) -> str:
    """A cache key for the HTML of a filter form's fields: each field's value (its errors
    follow from it) and whatever else the fields read (`read`: e.g. a digest of choices that
    change). Rendering a filter form's widgets is a third of a directory page's cost."""
    values = ((name, str(form.data.get(name, ""))) for name in form.fields)
    return urlencode([*values, *sorted(read.items())])
