"""Image uploads: checked, bounded and re-encoded before they touch storage.

Every image field of the project is a SafeImageField. Its form field refuses anything that is
not a JPEG, PNG or WebP within the size and pixel limits, then re-encodes the pixels into a new
file: EXIF (GPS included) is dropped and whatever a polyglot file carried after or around its
image data is gone. Thumbnails are derived files, rebuilt when their source changes.
"""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sites import page_cache

ALLOWED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
MAX_SIDE = 3200  # larger pictures are scaled down: nobody needs more on a web page
THUMB_SIZE = (640, 480)

ERRORS = {
    "too_big": _("Le fichier dépasse %(max)s Mo."),
    "svg": _("Les images SVG ne sont pas acceptées : envoyez un JPEG, un PNG ou un WebP."),
    "not_image": _("Ce fichier n'est pas une image lisible : envoyez un JPEG, un PNG ou un WebP."),
    "format": _("Format %(format)s refusé : envoyez un JPEG, un PNG ou un WebP."),
    "pixels": _(
        "L'image est trop grande (%(width)s × %(height)s pixels) : %(max)s millions de pixels "
        "au plus."
    ),
    # Pillow refuses to open files declaring far too many pixels before we can read the size.
    "pixels_unknown": _("L'image est trop grande : %(max)s millions de pixels au plus."),
    "damaged": _("L'image est incomplète ou endommagée."),
}


def _fail(code: str, **params) -> ValidationError:
    return ValidationError(ERRORS[code], code=code, params=params or None)


def reencode_image(data: bytes, name: str) -> SimpleUploadedFile:
    """Validate raw upload bytes and return a freshly encoded image, or raise ValidationError."""
    max_bytes = settings.IMAGE_MAX_BYTES
    if len(data) > max_bytes:
        raise _fail("too_big", max=max_bytes // (1024 * 1024))
    head = data[:512].lstrip().lower()
    if name.lower().endswith((".svg", ".svgz")) or head.startswith((b"<?xml", b"<svg")):
        raise _fail("svg")
    max_pixels = settings.IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # Only the header has been read so far: refuse huge declared sizes before decoding.
            if image.format not in ALLOWED_FORMATS:
                raise _fail("format", format=image.format or "?")
            width, height = image.size
            if width * height > max_pixels:
                raise _fail("pixels", width=width, height=height, max=max_pixels // 1_000_000)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _fail("pixels_unknown", max=max_pixels // 1_000_000) from None
    except UnidentifiedImageError:
        raise _fail("not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _fail("damaged") from None

    fmt = image.format
    image = ImageOps.exif_transpose(image)  # keeps the orientation the EXIF tag asked for
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    if fmt == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)

    out = io.BytesIO()
    ext, content_type = ALLOWED_FORMATS[fmt]
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    stem = PurePath(name).stem[:80] or "image"
    return SimpleUploadedFile(f"{stem}.{ext}", out.getvalue(), content_type=content_type)


class SafeImageFormField(forms.FileField):
    default_error_messages = {"invalid_image": ERRORS["not_image"]}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        if upload.size is not None and upload.size > settings.IMAGE_MAX_BYTES:
            raise _fail("too_big", max=settings.IMAGE_MAX_BYTES // (1024 * 1024))
        upload.seek(0)
        return reencode_image(upload.read(settings.IMAGE_MAX_BYTES + 1), upload.name or "image")


class SafeImageField(models.ImageField):
    """An ImageField whose form field validates and re-encodes the upload."""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", SafeImageFormField)
        return super().formfield(**kwargs)


def thumbnail_name(source_name: str) -> str:
    return f"{PurePath(source_name).stem}-thumb.webp"


def sync_thumbnail(instance: models.Model, source_field: str, thumb_field: str) -> None:
    """Rebuild instance.<thumb_field> when instance.<source_field> changed (after save)."""
    source = getattr(instance, source_field)
    thumb = getattr(instance, thumb_field)
    manager = type(instance)._default_manager
    if not source:
        if thumb:
            thumb.delete(save=False)
            manager.filter(pk=instance.pk).update(**{thumb_field: ""})
            page_cache.invalidate()
        return
    expected = thumbnail_name(source.name)
    if thumb and PurePath(thumb.name).name == expected:
        return
    try:
        source.open("rb")
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMB_SIZE, Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA")
            out = io.BytesIO()
            image.save(out, "WEBP", quality=80)
    except (OSError, ValueError):
        return  # a missing or unreadable source keeps the old thumbnail; the page falls back
    finally:
        source.close()
    thumb.save(expected, ContentFile(out.getvalue()), save=False)
    manager.filter(pk=instance.pk).update(**{thumb_field: thumb.name})
    page_cache.invalidate()
