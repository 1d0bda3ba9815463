"""Serving a private file (a candidate's document, a signed agreement) to a checked reader."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def private_file_response(file: FieldFile, filename: str) -> FileResponse:
    """The file as a download that no browser sniffs into a page and no cache keeps."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Ce fichier est introuvable.")) from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
