"""A report as a PDF, with WeasyPrint (HTML and CSS laid out by Pango); 68 or later, for its
URLFetcher class (and the fix of CVE-2025-68616: redirects go through the fetcher too).

The print template may reach only the project's static files (its stylesheet) and data: URLs;
any other address (another site, a file elsewhere on the disk) is refused, so a text typed
into a report cannot make the server fetch anything."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

# The base of the document's relative URLs: never fetched, only recognised.
BASE_URL = "https://interstices.invalid/"


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library it needs is missing on this machine."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango's shared library not found
        raise PdfUnavailable(str(error)) from error
    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let the
    # upload checks (core.images) accept a truncated image in every later request of this
    # process. The report's PDF holds only our own files: Pillow's strict default suits it.
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def _fetcher_class(weasyprint):
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            static = urlsplit(BASE_URL + settings.STATIC_URL.lstrip("/"))
            if (parts.scheme, parts.netloc) == (static.scheme, static.netloc) and (
                parts.path.startswith(static.path)
            ):
                try:
                    found = finders.find(parts.path.removeprefix(static.path))
                except SuspiciousFileOperation:  # "../" out of the static directories
                    found = None
                if found:
                    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    # WeasyPrint uses a stylesheet only when it is served as text/css.
                    return URLFetcherResponse(
                        url, body=Path(found).read_bytes(), headers={"Content-Type": kind}
                    )
            raise URLFetchingError(f"refused: {url}")

    return StaticOnlyFetcher


def render_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    fetcher = _fetcher_class(weasyprint)()
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
