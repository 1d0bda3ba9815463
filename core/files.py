"""Private files: stored outside MEDIA_ROOT, checked by content, served only by a view that
checked who asks (a candidate's document, a signed agreement, an inventory's documents, a
site's path documents)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class PrivateStorage(FileSystemStorage):
    """Files that are never published: stored outside MEDIA_ROOT (which the web server may serve)
    under random names, and read only through views that check who asks. They have no URL, so
    that no template or admin widget can link one by mistake."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("A private file has no public URL: link the view that serves it.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def validate_attachment(upload) -> None:
    """A PDF, JPEG or PNG by its content, within ATTACHMENT_MAX_BYTES."""
    if getattr(upload, "_committed", False):
        # A file already stored, checked when it came in: a model's full_clean() does not read
        # it again (nor fail when it is gone).
        return
    if upload.size is not None and upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            gettext_lazy("Le fichier dépasse %(max)s Mo."),
            code="too_big",
            params={"max": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if head.startswith(b"%PDF-") or head.startswith(b"\xff\xd8\xff"):
        return
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return
    raise ValidationError(
        gettext_lazy("Format refusé : envoyez un PDF, un JPEG ou un PNG."),
        code="attachment_format",
    )


def private_file_response(
    file: FieldFile, filename: str, *, as_attachment: bool = True
) -> FileResponse:
    """The file as a download (or, for a checked image, inline) that no browser sniffs into a
    page and no cache keeps."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Ce fichier est introuvable.")) from None
    response = FileResponse(handle, as_attachment=as_attachment, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
