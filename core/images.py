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
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

ALLOWED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# Larger pictures are stored scaled down: nobody needs more on a web page. A JPEG is decoded
# at the DCT scale (1/2 to 1/8) that leaves at least 3/4 of this, then resized if still larger.
MAX_SIDE = 2048
# Cameras and encoders write 1 to about 20 scans; thousands are a way to burn CPU.
MAX_JPEG_SCANS = 100
THUMB_SIZE = (640, 480)
# Pillow keeps up to 64 MB of a PNG's (compressed) text chunks in memory by default; the
# re-encoding drops them anyway, so a PNG carrying more than this is refused.
PngImagePlugin.MAX_TEXT_MEMORY = 1024 * 1024

ERRORS = {
    "too_big": _("Le fichier dépasse %(max)s Mo."),
    "svg": _("Les images SVG ne sont pas acceptées : envoyez un JPEG, un PNG ou un WebP."),
    "not_image": _("Ce fichier n'est pas une image lisible : envoyez un JPEG, un PNG ou un WebP."),
    "format": _("Format %(format)s refusé : envoyez un JPEG, un PNG ou un WebP."),
    "pixels": _(
        "L'image est trop grande (%(width)s × %(height)s pixels) : %(max)s millions de pixels "
        "au plus pour un %(kind)s."
    ),
    # Pillow refuses to open files declaring far too many pixels before we can read the size.
    "pixels_unknown": _(
        "L'image est trop grande : %(jpeg)s millions de pixels au plus pour un JPEG, "
        "%(png)s pour un PNG ou un JPEG progressif, %(webp)s pour un WebP."
    ),
    "damaged": _("L'image est incomplète ou endommagée."),
}


def _fail(code: str, **params) -> ValidationError:
    return ValidationError(ERRORS[code], code=code, params=params or None)


def _fitting_size(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size of `size` scaled down (never up) to fit in a side × side square."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _pixel_bound(image: Image.Image) -> tuple[int, str]:
    """The most pixels accepted for this kind of image, and the kind's name.

    A baseline JPEG is decoded at 1/2 to 1/8 scale (draft mode), so phone photos pass. A PNG or a
    progressive JPEG (whose decoder holds every DCT coefficient of the full-size picture) is
    decoded whole, and Pillow keeps three full copies of a WebP while decoding it, then libwebp
    needs as much again to encode it. The bounds keep each upload under about 100 MB of memory
    (tests/core/test_image_cost.py).
    """
    if image.format == "JPEG":
        if image.info.get("progressive"):
            return settings.IMAGE_MAX_PIXELS_PNG, _("JPEG progressif")
        return settings.IMAGE_MAX_PIXELS, "JPEG"
    if image.format == "PNG":
        return settings.IMAGE_MAX_PIXELS_PNG, "PNG"
    return settings.IMAGE_MAX_PIXELS_WEBP, "WebP"


def _check_pixels(image: Image.Image) -> None:
    """Refuse, from the header alone, a picture whose decoding would cost too much."""
    width, height = image.size
    bound, kind = _pixel_bound(image)
    if width * height > bound:
        raise _fail("pixels", width=width, height=height, max=bound // 1_000_000, kind=kind)


def _decode(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        # Only the header has been read so far: refuse huge declared sizes before decoding.
        if image.format not in ALLOWED_FORMATS:
            raise _fail("format", format=image.format or "?")
        _check_pixels(image)
        if image.format == "JPEG":
            # Each scan of a progressive JPEG walks the whole picture again.
            if data.count(b"\xff\xda") > MAX_JPEG_SCANS:
                raise _fail("damaged")
            image.draft(None, _fitting_size(image.size, MAX_SIDE * 3 // 4))
        image.load()  # an animated PNG or WebP: its first frame only
    return image


def reencode_image(data: bytes, name: str) -> SimpleUploadedFile:
    """Validate raw upload bytes and return a freshly encoded image, or raise ValidationError."""
    max_bytes = settings.IMAGE_MAX_BYTES
    if len(data) > max_bytes:
        raise _fail("too_big", max=max_bytes // (1024 * 1024))
    head = data[:512].lstrip().lower()
    if name.lower().endswith((".svg", ".svgz")) or head.startswith((b"<?xml", b"<svg")):
        raise _fail("svg")
    try:
        image = _decode(data)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _fail(
            "pixels_unknown",
            jpeg=settings.IMAGE_MAX_PIXELS // 1_000_000,
            png=settings.IMAGE_MAX_PIXELS_PNG // 1_000_000,
            webp=settings.IMAGE_MAX_PIXELS_WEBP // 1_000_000,
        ) from None
    except UnidentifiedImageError:
        raise _fail("not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _fail("damaged") from None

    fmt = image.format
    # Scaled down first, so that the conversions below work on the small copy.
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    ImageOps.exif_transpose(image, in_place=True)  # the orientation the EXIF tag asked for
    if fmt == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")

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


class Photo(models.Model):
    """A described photo in an ordered gallery (a site's, a vacant building's): the concrete
    model adds its owner and its `image` (a SafeImageField) and `thumbnail` fields, kept in
    step on save."""

    alt_text = models.CharField(
        _("description de l'image"),
        max_length=200,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
    )
    caption = models.CharField(_("légende"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        abstract = True
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        sync_thumbnail(self, "image", "thumbnail")
