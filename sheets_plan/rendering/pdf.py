"""The report's HTML as an A4 PDF with WeasyPrint. Nothing is fetched from the network: the page
holds its fonts, logo and charts as data: URIs, and the fetcher refuses every other scheme
(http, https, file, ftp), so a link typed into a plan can never be loaded while printing."""

from __future__ import annotations

from pathlib import Path

from sheets_plan.errors import RunError
from .html import TEMPLATES

ALLOWED = frozenset({"data"})   # what the PDF writer may open: the page's own data: URIs


def render_pdf(html: str, path: str | Path) -> Path:
    """Write `html` (from `render_html`) as a PDF at `path`, its folder made if need be; returns the path."""
    try:  # imported here: render_html works without WeasyPrint's libraries
        from weasyprint import HTML
    except (ImportError, OSError) as e:  # OSError: WeasyPrint is there, Pango (a system library) is not
        raise RunError(f"the PDF cannot be written here ({str(e).splitlines()[0][:120]}): it needs WeasyPrint "
                       "and Pango (Debian: apt install libpango-1.0-0 libpangoft2-1.0-0); --format html "
                       "writes the report without them") from None

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher()).write_pdf(path)
    return path


def fetcher():
    """WeasyPrint's fetcher limited to data: URIs (its `URLFetcher` class from 68 on, a function before)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint < 68
        from weasyprint import default_url_fetcher

        def fetch(url: str, timeout: int = 5, ssl_context=None):
            if url.split(":", 1)[0].lower() not in ALLOWED:
                raise ValueError(f"URI uses disallowed protocol: {url}")
            return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

        return fetch
    return URLFetcher(timeout=5, allowed_protocols=ALLOWED, allow_redirects=False)
