"""`sheets_plan.rendering`: a hand-made `Brief` rendered to HTML (valid HTML5, escaped, no script, opened by
headless Chromium without a console message), to SVG charts (deterministic) and to a PDF (its texts read
back with pdftotext, its fonts embedded DejaVu only, page 1 drawn by pdftoppm)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from sheets_plan.core import kpis
from sheets_plan.core.brief import WORDS, Brief, Card, PostLine, Series
from sheets_plan.rendering import render_charts, render_html, render_pdf
from sheets_plan.rendering.embed import FAMILY

WEEK = dt.date(2026, 11, 16)
ADMIN = 'O\'Neil "Bob" <b>'
FONTS = Path(__file__).resolve().parents[1] / "sheets_plan" / "rendering" / "fonts"
LONG_TOPIC = ("Длинная тема о сезонном меню, обжарке зерна и завтраках для всей семьи " * 9)[:600]
NOT_IN_BASE = "Конкурс: угадай сорт «Әсем» (Ω-blend)"   # letters beyond the subset's base: added as the page uses them
CYRILLIC_TOPIC = "Осенний раф с тыквой: голосуем за новое название"
CONSOLE = re.compile(r":CONSOLE[:(]\d+|\bCONSOLE\(|Uncaught")


def make_logo(path: Path) -> Path:
    """A small PNG drawn with matplotlib's object API (no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1.6, 0.6), dpi=100)
    FigureCanvasAgg(figure)
    figure.patch.set_facecolor("#1B5E20")
    figure.text(0.5, 0.5, "SMM", color="white", ha="center", va="center", fontsize=20, weight="bold")
    figure.savefig(path, format="png")
    return path


def make_brief(tmp_path: Path, locale: str = "ru") -> Brief:
    """A realistic week: five figure cards, three platforms, the funnel, 12 weeks with a gap, posts."""
    weeks = tuple(WEEK - dt.timedelta(weeks=11 - i) for i in range(12))
    reach = (8120, 9050, 10400, None, 11800, 12950, 12100, 13400, 14210, 13980, 15020, 15874)
    inter = (512, 600, 655, None, 742, 801, 790, 866, 912, 930, 1003, 1087)
    err = tuple(None if r is None else round(i / r * 100, 2) for i, r in zip(inter, reach))
    ru = locale == "ru"

    def label(key: str) -> str:
        return kpis.label(key, locale)

    cards = [Card("posts", WORDS[locale]["posts"], 7, "7", "+16,67 %" if ru else "+16.67%", 1, "", "из 8 запланированных"
                  if ru else "of 8 planned"),
             Card("reach", label("reach"), 15874, "15 874", "+5,69 %", 1, "цель 15 000 (106%)"),
             Card("interactions", label("interactions"), 1087, "1 087", "+8,37 %", 1),
             Card("err", label("err"), 6.85, "6,85", "+0,17 п.п.", 1, "цель 7,00 (98%)"),
             Card("er", label("er"), 4.12, "4,12", "−0,31 п.п.", -1)]
    platforms = [Card("followers", "Instagram", 18240, "18 240", "+312", 1),
                 Card("followers", "ВКонтакте", 6410, "6 410", "−14", -1),
                 Card("followers", "Telegram", 2970, "2 970", "+0", 0)]
    funnel = [Card("dialogs", label("dialogs"), 64, "64", "+12,28 %", 1, "цель 60 (107%)"),
              Card("warm_leads", label("warm_leads"), 21, "21", "−4,55 %", -1),
              Card("applications", label("applications"), 9, "9", "+28,57 %", 1, "цель 12 (75%)")]
    day = WEEK + dt.timedelta(days=1)
    best = [PostLine(day, "Instagram", "Карусель", CYRILLIC_TOPIC, "https://www.instagram.com/p/Cx1/", "9,41", "4 210",
                     "396"),
            PostLine(day, "VK", "Пост", LONG_TOPIC, "https://vk.com/wall-1_2", "8,02", "2 980", "239"),
            PostLine(WEEK, "Telegram", "Пост", 'Кофе & десерты: «<лучшее>» и "хиты"', "javascript:alert(1)", "7,77",
                     "1 840", "143")]
    worst = [PostLine(WEEK + dt.timedelta(days=4), "Instagram", "Reels", "Бариста " + "о" * 180 + "чень длинно",
                      "not a link", "2,10", "3 100", "65")]
    nxt = [PostLine(WEEK + dt.timedelta(days=7 + i), p, f, t, "", "", "", "") for i, (p, f, t) in
           enumerate([("Instagram", "Карусель", "Зимнее меню"), ("VK", "Пост", NOT_IN_BASE),
                      ("Telegram", "Опрос", "Какой десерт вернуть?")])]
    w = WORDS[locale]
    admins = [{w["admin"]: ADMIN, w["planned_n"]: "5", w["published"]: "4", w["complete"]: "92,50", w["flags"]: "1"},
              {w["admin"]: "Анна", w["planned_n"]: "3", w["published"]: "3", w["complete"]: "100,00", w["flags"]: "0"}]
    trends = {"reach": [Series(label("reach"), reach), Series(label("interactions"), inter)],
              "err": [Series(label("err"), err)],
              "followers": [Series("Instagram", tuple(16000 + 200 * i for i in range(12))),
                            Series("ВКонтакте", (6200, 6250, None, 6300, 6330, 6350, 6370, 6390, 6400, 6420, 6424, 6410))],
              "funnel": [Series(label("dialogs"), (40, 44, 47, None, 50, 52, 55, 51, 58, 60, 57, 64)),
                         Series(label("applications"), (4, 5, 5, None, 6, 6, 7, 6, 8, 8, 7, 9))]}
    return Brief("Кофейня «Зерно»", locale, WEEK, WEEK + dt.timedelta(days=10), agency="Агентство «Пиксель»",
                 colour="#1B5E20", logo=str(make_logo(tmp_path / "logo.png")),
                 provisional=w["provisional"].format(n=2, m=7, due=2), cards=cards, platforms=platforms,
                 funnel=funnel, weeks=weeks, trends=trends, best=best, worst=worst, next_week=nxt,
                 comment="Неделя удалась: карусели дают лучший охват.\nReels — слабее.\n\nДалее: больше каруселей.",
                 admins=admins, words=w)


def empty_brief(locale: str = "en", **changes) -> Brief:
    return Brief("Empty & <quiet>", locale, WEEK, WEEK, words=WORDS[locale], **changes)


def html_of(brief: Brief) -> tuple[str, object]:
    """The page and its DOM; a strict parse raises on any HTML5 parse error."""
    page = render_html(brief)
    dom = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    return page, dom


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module", params=["ru", "en"])
def rendered(request, tmp_path_factory):
    """The realistic brief of a locale, its page and the page's DOM (parsed strictly)."""
    brief = make_brief(tmp_path_factory.mktemp(f"brief-{request.param}"), request.param)
    return (brief, *html_of(brief))


# ---------------------------------------------------------------------------------------------- HTML
def test_the_html_is_valid_html5_and_escapes_what_the_plan_says(rendered):
    brief, page, dom = rendered
    locale = brief.locale
    words = WORDS[locale]
    assert dom.get("lang") == locale and page.startswith("<!DOCTYPE html>")
    assert ADMIN not in page and '"Bob" <b>' not in page and "&lt;b&gt;" in page
    assert "<лучшее>" not in page and "&lt;лучшее&gt;" in page
    cells = [text_of(td) for td in dom.iter("td")]
    assert ADMIN in cells and LONG_TOPIC in cells and CYRILLIC_TOPIC in cells      # shown whole, as typed
    links = {a.get("href"): text_of(a) for a in dom.iter("a")}
    assert links["https://www.instagram.com/p/Cx1/"] == CYRILLIC_TOPIC and links["https://vk.com/wall-1_2"] == LONG_TOPIC
    assert not [h for h in links if not h.startswith("https://")]                # javascript:, "not a link": text only
    headings = [text_of(h) for h in dom.iter("h2")]
    assert headings == [words["followers"], words["funnel"], words["trends"].format(n=12), words["best"],
                        words["worst"], words["next"], words["comment"], words["admins"]]
    cover = next(e for e in dom.iter("header"))
    assert brief.project in text_of(cover) and brief.title in text_of(cover) and brief.period in text_of(cover)
    provisional = next(e for e in dom.iter("p") if e.get("class") == "provisional")
    assert text_of(provisional).endswith(brief.provisional)
    cards = [text_of(e) for e in dom.iter("div") if e.get("class") == "card"]
    assert len(cards) == 5 + 3 and cards[1].startswith(brief.cards[1].label) and "▲ +5,69 %" in cards[1]
    assert "▼ −0,31 п.п." in cards[4] and "цель 15 000 (106%)" in cards[1] and "▼ −14" in cards[6]
    comment = list(next(e for e in dom.iter("section") if e.get("class") == "comment").iter("p"))
    assert [text_of(p) for p in comment] == ["Неделя удалась: карусели дают лучший охват.Reels — слабее.",
                                             "Далее: больше каруселей."]
    assert len(list(comment[0].iter("br"))) == 1                                 # paragraphs and lines kept
    assert [text_of(th) for th in next(t for t in dom.iter("table") if t.get("class") == "admins-table").iter("th")] == [
        words["admin"], words["planned_n"], words["published"], words["complete"], words["flags"]]
    days = ("17.11.2026", "23.11.2026") if locale == "ru" else ("17 Nov 2026", "23 Nov 2026")
    assert all(d in cells for d in days) and all(brief.day(WEEK) in brief.period for d in days)  # one date style a page


def test_the_page_stands_alone_and_runs_no_script(rendered):
    _, page, dom = rendered
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    assert not [(e.tag, a) for e in dom.iter() for a in e.attrib if a.lower().startswith("on")]
    assert not list(dom.iter("link")) and not list(dom.iter("iframe"))
    sources = [e.get("src") for e in dom.iter("img")]
    assert sources[0].startswith("data:image/png;base64,") and len(sources) == 1 + 4
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources[1:])
    style = text_of(next(dom.iter("style")))
    urls = re.findall(r"url\(\s*[\"']?([^\"')]{0,22})", style)
    assert len(urls) == 2 and all(u.startswith("data:font/ttf;base64,") for u in urls)   # regular and bold
    assert "@import" not in style and "http" not in style


def test_the_same_brief_gives_the_same_html(rendered, tmp_path):
    brief, page, _ = rendered
    assert render_html(make_brief(tmp_path, brief.locale)) == page    # equal data, a logo file of its own


def test_empty_sections_say_so_and_the_admins_table_is_optional():
    page, dom = html_of(empty_brief())
    words = WORDS["en"]
    empties = [text_of(p) for p in dom.iter("p") if p.get("class") == "empty"]
    assert empties == [words["nothing"], words["no_account"], words["nothing"], words["no_weeks"], words["nothing"],
                       words["none_planned"]]
    # no "The last 0 weeks", no weakest posts beside no best ones, no admins, no comment
    assert [text_of(h) for h in dom.iter("h2")] == [words["followers"], words["funnel"], words["trends_none"],
                                                    words["best"], words["next"]]
    assert not [p for p in dom.iter("p") if p.get("class") == "provisional"]
    assert "Empty &amp; &lt;quiet&gt;" in page and not list(dom.iter("img"))
    _, dom = html_of(empty_brief(admins=[]))
    section = next(e for e in dom.iter("section") if e.get("class") == "admins")
    assert [text_of(e) for e in section] == [words["admins"], words["nothing"]]
    few = [PostLine(WEEK, "VK", "Post", "Only one", "", "1.00", "10", "1")]
    _, dom = html_of(empty_brief(best=few))                  # three posts or fewer: all are the best, no "weakest"
    assert [text_of(h) for h in dom.iter("h2")][3:5] == [words["best"], words["next"]]


def test_a_logo_is_embedded_only_when_it_is_a_readable_image_and_the_colour_is_checked(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                   '<rect width="40" height="20" fill="#123456"/></svg>')
    (tmp_path / "notes.txt").write_text("no image")
    logos = {}
    for name in ("logo.svg", "notes.txt", "missing.png"):
        _, dom = html_of(empty_brief(logo=str(tmp_path / name), agency="Pixel"))
        logos[name] = [e.get("src")[:26] for e in dom.iter("img")]
    assert logos == {"logo.svg": ["data:image/svg+xml;base64,"], "notes.txt": [], "missing.png": []}
    page = render_html(empty_brief(colour="red; } body { display: none"))
    assert "display: none" not in page and "#2E7D32" in page
    assert "#ab12cd" in render_html(empty_brief(colour="#ab12cd"))


# -------------------------------------------------------------------------------------------- charts
@pytest.mark.slow
def test_charts_are_deterministic_vector_svgs_with_a_gap_and_the_week_highlighted(tmp_path):
    import xml.etree.ElementTree as ET

    import matplotlib

    from sheets_plan.rendering.charts import SVG_RC, chart

    before = matplotlib.get_backend(), {k: matplotlib.rcParams[k] for k in SVG_RC}
    brief = make_brief(tmp_path)
    charts = render_charts(brief)
    assert list(charts) == ["reach", "err", "followers", "funnel"] and charts == render_charts(brief)
    assert (matplotlib.get_backend(), {k: matplotlib.rcParams[k] for k in SVG_RC}) == before   # no global state left
    svg = "{http://www.w3.org/2000/svg}"
    for key, text in charts.items():
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == f"{svg}svg", key
        assert not list(root.iter(f"{svg}text")) and not list(root.iter(f"{svg}image"))   # glyphs as paths, no raster
        assert "dc:date" not in text and "Matplotlib v" not in text and "<!DOCTYPE" not in text
        assert "fill: #1b5e20; opacity: 0.13" in text, key                              # the report's week, shaded
    line = next(g for g in ET.fromstring(charts["reach"]).iter(f"{svg}g") if g.get("id") == "series-0")
    assert next(line.iter(f"{svg}path")).get("d").count("M") == 2                        # the blank week: a gap
    figure = chart(brief.trends["err"], brief.weeks, highlight=11, colour="#1B5E20", locale="ru", kind="rate")
    labels = figure.axes[0].get_xticklabels()
    assert [t.get_text() for t in labels] == [f"{w:%d.%m}" for w in brief.weeks] and labels[-1].get_text() == "16.11"
    files = [Path(t.get_fontproperties().get_file()) for t in labels]                  # the shipped font, bold this week
    assert files == [FONTS / "DejaVuSans.ttf"] * 11 + [FONTS / "DejaVuSans-Bold.ttf"] and labels[-1].get_color() == "#1B5E20"
    assert render_charts(empty_brief()) == {}


# ----------------------------------------------------------------------------------------------- PDF
def run(*command: str) -> str:
    tool = shutil.which(command[0])
    assert tool, f"{command[0]} is not installed: apt-get install poppler-utils"
    return subprocess.run([tool, *command[1:]], capture_output=True, text=True, check=True, timeout=60).stdout


class Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> tuple[Brief, Path, list[str]]:
    """The realistic brief (ru) as a PDF, and what WeasyPrint warned of while writing it."""
    folder = tmp_path_factory.mktemp("pdf")
    brief = make_brief(folder, "ru")
    kept = Kept()
    logging.getLogger("weasyprint").addHandler(kept)
    try:
        path = render_pdf(render_html(brief), str(folder / "out" / "brief.pdf"))   # a str; the folder is made
    finally:
        logging.getLogger("weasyprint").removeHandler(kept)
    assert isinstance(path, Path) and path.stat().st_size > 20_000
    return brief, path, kept.messages


@pytest.mark.slow
def test_the_pdf_holds_the_figures_the_topics_and_the_period(pdf):
    brief, path, warnings = pdf
    assert warnings == []                                                         # no CSS ignored, nothing refused
    text = " ".join(run("pdftotext", str(path), "-").split())
    for card in brief.cards + brief.platforms + brief.funnel:
        assert f"{card.label} {card.text}" in text or card.text in text, card
        assert card.change in text and card.target in text
    for line in [brief.project, brief.period, brief.title, brief.provisional, CYRILLIC_TOPIC, ADMIN, "Анна",
                 'Кофе & десерты: «<лучшее>» и "хиты"', LONG_TOPIC[:60], brief.words["next"], NOT_IN_BASE]:
        assert line in text, line
    assert "\ufffd" not in text and "□" not in text                                # no missing glyph
    assert re.search(r"\b1 ?/ ?[2-9]\b", text)                                   # page numbers


@pytest.mark.slow
def test_every_font_in_the_pdf_is_the_shipped_dejavu_embedded(pdf):
    rows = run("pdffonts", str(pdf[1])).splitlines()[2:]
    assert len(rows) == 2, rows                                                   # regular and bold
    assert all(row.split()[-5] == "yes" for row in rows), rows                   # emb
    names = {row.split()[0].split("+")[-1] for row in rows}                       # "ABCDEF+Name": a subset
    shipped = FAMILY.replace(" ", "-")                                            # not a DejaVu the system has
    assert names == {shipped, f"{shipped}-Bold"} and "DejaVu" in shipped, rows


@pytest.mark.slow
def test_page_one_is_drawn_with_the_agency_colour(pdf, tmp_path):
    from PIL import Image

    run("pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf[1]), str(tmp_path / "page"))
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    assert image.size == (414, 585)                                                # A4 at 50 dpi
    colours = image.getcolors(maxcolors=1 << 20)
    ink = sum(n for n, rgb in colours if rgb != (255, 255, 255))
    assert ink > image.width * image.height * 0.05                                # not blank
    assert any(n > 200 and abs(rgb[0] - 0x1B) < 8 and abs(rgb[1] - 0x5E) < 8 and abs(rgb[2] - 0x20) < 8
               for n, rgb in colours)                                              # the accent: cover bar, logo


@pytest.mark.slow
def test_no_text_leaves_the_page_s_margins(pdf):
    """The 600-character topic and a word of 190 letters wrap inside their cells: no word beyond the margins."""
    boxes = run("pdftotext", "-bbox", str(pdf[1]), "-")
    width = float(re.search(r'<page width="([\d.]+)"', boxes)[1])
    margin = 15 / 25.4 * 72
    words = [(float(a), float(b), w) for a, b, w in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"'
                                                           r' yMax="[\d.]+">([^<]*)</word>', boxes)]
    assert len(words) > 300
    assert [w for a, b, w in words if a < margin - 1 or b > width - margin + 1] == []


@pytest.mark.slow
def test_rows_are_never_cut_by_a_page_and_headings_stay_with_what_follows(tmp_path):
    """Thirteen tall rows of best posts: each row whole on one page; and the weakest posts' heading, which
    falls at the foot of page 4 unless kept with its table (found by trying `h2 { break-after: auto }`), is not
    left alone there."""
    filler = "Подробности о зерне, обжарке и подаче для гостей кофейни и их друзей. " * 4
    brief = make_brief(tmp_path)
    brief.best = [PostLine(WEEK, "VK", "Пост", f"Старт{i:02d} {filler}Финиш{i:02d}", "", "1,00", "2", "3")
                  for i in range(13)]
    path = render_pdf(render_html(brief), tmp_path / "long.pdf")
    pages = run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]
    assert len(pages) >= 4
    for i in range(13):
        starts = [n for n, page in enumerate(pages) if f"Старт{i:02d}" in page]
        ends = [n for n, page in enumerate(pages) if f"Финиш{i:02d}" in page]
        assert starts == ends and len(starts) == 1, (i, starts, ends)
    headings = {brief.words[k] for k in ("followers", "funnel", "best", "worst", "next", "comment", "admins")}
    for n, page in enumerate(pages):
        content = [line.strip() for line in page.splitlines() if line.strip()][:-1]      # the footer off
        assert content and content[-1] not in headings, (n, content[-3:])


def test_the_pdf_fetches_nothing_from_the_network(tmp_path, monkeypatch, caplog):
    import socket

    tried = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: tried.append(a) or [])
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: tried.append(address))
    planted = ('<!DOCTYPE html><html lang="en"><head><title>t</title><link rel="stylesheet" href="https://example.com/a.css">'
               '<style>@import url("http://example.com/b.css"); p { background: url(https://example.com/c.png) }</style>'
               '</head><body><p>x</p><img src="http://example.com/d.png" alt=""><img src="file:///etc/hostname" alt="">'
               "</body></html>")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert render_pdf(planted, tmp_path / "planted.pdf").stat().st_size > 500
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert tried == [] and refused.count("disallowed protocol") >= 4, refused


# ------------------------------------------------------------------------------------------ Chromium
def console_messages(page: Path, profile: Path) -> list[str]:
    """Headless Chromium opens `page`; the console messages it logged (`INFO:CONSOLE:1] "…", source: …`
    and uncaught errors), read from its log on stderr."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is not installed: apt-get install chromium"
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                           "--enable-logging=stderr", "--v=1", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert "</html>" in done.stdout, done.stderr[-2000:]
    return [line for line in done.stderr.splitlines() if CONSOLE.search(line)]


@pytest.mark.slow
def test_chromium_opens_the_report_without_a_console_message(rendered, tmp_path):
    planted = tmp_path / "planted.html"
    planted.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>x</p>'
                       "<script>console.error('planted-x'); missing();</script></body></html>", encoding="utf-8")
    caught = console_messages(planted, tmp_path / "profile-planted")
    assert any("planted-x" in line for line in caught) and any("Uncaught ReferenceError" in line for line in caught)
    report = tmp_path / "report.html"
    report.write_text(rendered[1], encoding="utf-8")
    assert console_messages(report, tmp_path / "profile") == []


def test_without_weasyprint_s_libraries_the_pdf_is_a_one_line_error_and_html_still_works(rendered, tmp_path,
                                                                                          monkeypatch):
    import sys

    from sheets_plan.errors import RunError

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it (or Pango under it) could not be loaded
    with pytest.raises(RunError, match=r"needs WeasyPrint and Pango .*--format html writes the report") as e:
        render_pdf(rendered[1], tmp_path / "r.pdf")
    assert "\n" not in str(e.value) and not (tmp_path / "r.pdf").exists()
