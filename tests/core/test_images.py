"""Uploads through SafeImageField: only JPEG, PNG and WebP within limits, always re-encoded."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.images import SafeImageFormField, reencode_image
from sites.models import Site, Space

GPS_IFD = 0x8825
MAKE = 0x010F


def picture(fmt: str, size=(80, 60), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "AppareilSecret"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (48.0, 54.0, 12.5)
    data = picture("JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the fixture is right
    return data


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header declaring width × height, with a few bytes of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def upload(data: bytes, name: str, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def clean(data: bytes, name: str):
    return SafeImageFormField().clean(upload(data, name))


def error_of(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as excinfo:
        clean(data, name)
    return " ".join(excinfo.value.messages)


# --- accepted and re-encoded -----------------------------------------------------------------


def test_jpeg_is_accepted_and_its_exif_and_gps_are_dropped():
    cleaned = clean(jpeg_with_gps(), "vacances.jpg")
    data = cleaned.read()
    assert cleaned.name == "vacances.jpg" and cleaned.content_type == "image/jpeg"
    assert b"AppareilSecret" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (80, 60)
    assert not image.getexif().get_ifd(GPS_IFD) and MAKE not in image.getexif()


def test_png_is_accepted_and_its_text_chunks_are_dropped():
    raw = picture("PNG")
    # A tEXt chunk right after IHDR: metadata a camera or an editor may leave.
    ihdr_end = 8 + 25
    text = png_chunk(b"tEXt", b"Comment\x00secret de fabrication")
    with_text = raw[:ihdr_end] + text + raw[ihdr_end:]
    assert Image.open(io.BytesIO(with_text)).info.get("Comment") == "secret de fabrication"
    data = clean(with_text, "plan.png").read()
    assert b"secret de fabrication" not in data
    assert Image.open(io.BytesIO(data)).format == "PNG"


def test_webp_is_accepted_and_re_encoded():
    cleaned = clean(picture("WEBP"), "facade.webp")
    assert cleaned.content_type == "image/webp"
    assert Image.open(io.BytesIO(cleaned.read())).format == "WEBP"


def test_the_extension_follows_the_real_format_not_the_name():
    cleaned = clean(picture("PNG"), "photo.jpg")
    assert cleaned.name == "photo.png" and cleaned.content_type == "image/png"


def test_a_jpeg_carrying_a_payload_after_its_image_data_is_neutralised():
    polyglot = picture("JPEG") + b"<html><script>alert(document.cookie)</script></html>PK\x03\x04"
    data = clean(polyglot, "piege.jpg").read()
    assert b"<script>" not in data and b"PK\x03\x04" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_very_large_pictures_are_scaled_down():
    data = clean(picture("JPEG", size=(4000, 1000)), "panorama.jpg").read()
    assert Image.open(io.BytesIO(data)).size == (2000, 500)  # decoded at 1/2 scale, kept
    data = clean(picture("PNG", size=(2400, 1200)), "plan.png").read()
    assert Image.open(io.BytesIO(data)).size == (2048, 1024)


def test_a_50_megapixel_phone_photo_is_accepted_and_stored_at_most_2048_pixels_wide():
    data = clean(picture("JPEG", size=(8160, 6120)), "telephone.jpg").read()
    assert Image.open(io.BytesIO(data)).size == (2040, 1530)  # decoded at 1/4 scale


# --- refused with a French message -----------------------------------------------------------


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "Les images SVG ne sont pas acceptées" in error_of(svg, "logo.svg")
    # Renamed, it is still an SVG.
    assert "SVG" in error_of(svg.replace(b'<?xml version="1.0"?>', b""), "logo.png")


def test_gif_is_refused_by_format():
    assert "Format GIF refusé" in error_of(picture("GIF"), "anime.gif")


def test_a_gif_javascript_polyglot_is_refused():
    polyglot = picture("GIF")[:6] + b"/*" + picture("GIF")[8:] + b"*/=alert(1);"
    message = error_of(polyglot, "image.jpg")
    assert "refusé" in message or "n'est pas une image lisible" in message


def test_a_html_page_with_an_image_inside_is_refused():
    polyglot = b"<!doctype html><p>bonjour</p>" + picture("PNG")
    assert "n'est pas une image lisible" in error_of(polyglot, "page.png")


def test_text_is_refused():
    assert "n'est pas une image lisible" in error_of(b"Bonjour, ceci est du texte.", "note.jpg")


def test_a_truncated_image_is_refused():
    data = picture("PNG", size=(300, 300))
    message = error_of(data[: len(data) // 2], "coupe.png")
    assert "incomplète ou endommagée" in message or "n'est pas une image lisible" in message


def test_files_over_20_mb_are_refused(settings):
    big = picture("JPEG") + b"\x00" * (20 * 1024 * 1024)
    assert "Le fichier dépasse 20 Mo." in error_of(big, "lourd.jpg")


def test_a_tiny_png_declaring_30000_by_30000_pixels_is_refused_before_decoding():
    """Its cost is measured with the others' in test_image_cost (no timing here)."""
    bomb = png_declaring(30_000, 30_000)
    assert len(bomb) < 200
    message = error_of(bomb, "bombe.png")
    assert "trop grande" in message and "50 millions de pixels au plus pour un JPEG" in message
    assert "6 pour un PNG" in message and "3 pour un WebP" in message


def unbreakable(message: str) -> str:
    return message.replace("\u202f", " ").replace("\xa0", " ")


def test_pictures_over_50_megapixels_are_refused_with_their_size():
    message = unbreakable(error_of(picture("JPEG", size=(10_000, 5_001)), "immense.jpg"))
    assert "10000 × 5001 pixels) : 50 millions de pixels au plus pour un JPEG." in message


def test_a_png_over_6_megapixels_is_refused_as_it_is_decoded_whole():
    # The finding: 155 KB, 6320 × 6320 pixels, 4 s and 400 MB of memory to re-encode.
    message = unbreakable(error_of(png_declaring(6320, 6320), "aplat.png"))
    assert "6320 × 6320 pixels) : 6 millions de pixels au plus pour un PNG." in message
    assert clean(picture("PNG", size=(3000, 2000)), "plan.png")


def test_a_progressive_jpeg_over_6_megapixels_is_refused_as_its_decoder_holds_it_whole():
    big = picture("JPEG", size=(3000, 2001), progressive=True)
    message = unbreakable(error_of(big, "web.jpg"))
    assert "3000 × 2001 pixels) : 6 millions de pixels au plus pour un JPEG progressif." in message
    assert clean(picture("JPEG", size=(3000, 2001)), "appareil.jpg")  # the same, baseline


def test_a_webp_over_3_megapixels_is_refused():
    message = unbreakable(error_of(picture("WEBP", size=(2000, 1501)), "grand.webp"))
    assert "2000 × 1501 pixels) : 3 millions de pixels au plus pour un WebP." in message
    assert clean(picture("WEBP", size=(2000, 1500)), "juste.webp")


def test_a_png_carrying_megabytes_of_compressed_text_is_refused():
    # 40 chunks of 1 MB of text, 1 KB each once compressed: Pillow would keep 40 MB in memory.
    text = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a" * 1024 * 1024, 9))
    raw = picture("PNG")
    ihdr_end = 8 + 25
    padded = raw[:ihdr_end] + text * 40 + raw[ihdr_end:]
    assert len(padded) < 100_000
    assert "incomplète ou endommagée" in error_of(padded, "bavard.png")


def test_a_jpeg_with_hundreds_of_scans_is_refused():
    data = picture("JPEG", size=(64, 64), progressive=True)
    last_scan = data[data.rindex(b"\xff\xda") : -2]  # up to the end-of-image marker
    replayed = data[:-2] + last_scan * 150 + data[-2:]
    assert "incomplète ou endommagée" in error_of(replayed, "rejoue.jpg")


def test_reencode_refuses_empty_data():
    with pytest.raises(ValidationError):
        reencode_image(b"", "vide.jpg")


# --- through the admin: thumbnails, nothing saved on refusal ----------------------------------


@pytest.fixture
def space_form(cast):
    return {
        "site": cast.site_a.pk,
        "name": "Atelier photo",
        "kind": "atelier",
        "level": "0",
        "surface": "30",
        "capacity": "4",
    }


@pytest.mark.django_db
def test_an_uploaded_space_photo_is_stored_re_encoded_with_a_thumbnail(client, cast, space_form):
    client.force_login(cast.mara)
    photo = upload(jpeg_with_gps(), "atelier.jpg", "image/jpeg")
    response = client.post(reverse("admin:sites_space_add"), space_form | {"photo": photo})
    assert response.status_code == 302, response.context["adminform"].form.errors
    space = Space.objects.get(name="Atelier photo")
    with space.photo.open("rb") as stored:
        data = stored.read()
    assert b"AppareilSecret" not in data
    assert space.photo_thumbnail.name.endswith("-thumb.webp")
    with space.photo_thumbnail.open("rb") as thumb:
        image = Image.open(thumb)
        assert image.format == "WEBP" and image.size[0] <= 640 and image.size[1] <= 480


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg", "Les images SVG"),
        (b"GIF89a" + b"\x00" * 40, "x.gif", "JPEG, un PNG ou un WebP"),
        (b"du texte", "x.txt", "n&#x27;est pas une image lisible"),
    ],
)
def test_a_refused_upload_saves_nothing_and_says_why(client, cast, space_form, data, name, message):
    client.force_login(cast.mara)
    response = client.post(
        reverse("admin:sites_space_add"), space_form | {"photo": upload(data, name)}
    )
    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors
    assert message in response.text
    assert not Space.objects.filter(name="Atelier photo").exists()


@pytest.mark.django_db
def test_site_cover_photo_gets_a_list_thumbnail_that_follows_the_photo(cast):
    site = Site.objects.get(pk=cast.site_a.pk)
    site.cover_photo = clean(picture("PNG", size=(1600, 1200)), "facade.png")
    site.save()
    site.refresh_from_db()
    assert site.cover_thumbnail.name.endswith("-thumb.webp")
    with site.cover_thumbnail.open("rb") as thumb:
        assert Image.open(thumb).size == (640, 480)
    site.cover_photo = ""
    site.save()
    site.refresh_from_db()
    assert not site.cover_thumbnail


def test_a_truncated_image_is_still_refused_once_the_pdf_library_is_loaded():
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on when imported: rendering a report's
    PDF must not loosen the upload checks of the same process."""
    from impact.pdf import PdfUnavailable, _weasyprint

    try:
        _weasyprint()
    except PdfUnavailable:
        pytest.skip("WeasyPrint or Pango is missing: nothing loosens the checks")
    data = picture("PNG", size=(300, 300))
    message = error_of(data[: len(data) // 2], "coupe.png")
    assert "incomplète ou endommagée" in message or "n'est pas une image lisible" in message
