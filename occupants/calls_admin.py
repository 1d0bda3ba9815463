"""Admin for calls for applications; imported by occupants/admin.py."""
