"""The report's HTML as an A4 PDF with WeasyPrint. Nothing is fetched from the network: the page
holds its fonts, logo and charts as data: URIs, and the fetcher refuses every other scheme
(http, https, file, ftp), so a link typed into a plan can never be loaded while printing."""

from __future__ import annotations

from pathlib import Path

from .html import TEMPLATES

ALLOWED = frozenset({"data"})   # what the PDF writer may open: the page's own data: URIs


def render_pdf(html: str, path: str | Path) -> Path:
    """Write `html` (from `render_html`) as a PDF at `path`, its folder made if need be; returns the path."""
    from weasyprint import HTML  # imported here: render_html works without WeasyPrint's libraries

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
