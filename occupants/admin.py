"""Admin for structures, members and occupancies."""

from occupants import calls_admin  # noqa: F401  (registers the calls admin)
