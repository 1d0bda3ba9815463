"""Serving a private file (a candidate's document, a signed agreement) to a checked reader."""

from core.files import private_file_response

__all__ = ["private_file_response"]
