"""Serving a private file (a candidate's document, a signed agreement) to a checked reader:
core.files.private_file_response, named here for the views of this app."""

from core.files import private_file_response

__all__ = ["private_file_response"]
