"""The client's weekly report, rendered: `render_html(brief)` gives one standalone HTML5 page (fonts,
logo and charts inside it, no script), `render_charts(brief)` its trend charts as SVG, and
`render_pdf(html, path)` prints that page to an A4 PDF with WeasyPrint. The data is
`sheets_plan.core.brief.Brief`; the shipped DejaVu Sans (fonts/, its licence beside it) is the only
font, so the PDF looks the same on any machine and Cyrillic always has its glyphs."""

from .charts import render_charts
from .html import render_html
from .pdf import render_pdf

__all__ = ["render_charts", "render_html", "render_pdf"]
