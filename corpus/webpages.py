"""Reading saved web pages (HTML) into an article's main text and metadata.

trafilatura keeps the article body and drops navigation, footers and other
boilerplate; htmldate finds the publication date in <meta> and <time>
elements. The text it returns is what a document stores: citations point
into it. Pure Python, no Django: corpus never depends on timeline.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import htmldate
import trafilatura

from corpus.reading import FALLBACK_ENCODINGS, ArticleReadError, decode_article

__all__ = ["WebPage", "is_html_name", "read_web_page"]

HTML_SUFFIXES = (".html", ".htm")
# Below this, what trafilatura falls back to is a menu or a caption, not an
# article ("Home"): refuse the page rather than store it.
MIN_TEXT_CHARS = 40
HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


@dataclass(frozen=True, slots=True)
class WebPage:
    text: str
    title: str
    author: str
    publisher: str
    url: str
    language: str
    published_on: datetime.date | None


def is_html_name(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def read_web_page(data: bytes | str, *, name: str, url: str = "") -> WebPage:
    """The main text and metadata of an HTML page; raises ArticleReadError
    (naming `name`) when the page has no article text."""
    html = (
        data
        if isinstance(data, str)
        else decode_article(data, name=name, fallback_encodings=FALLBACK_ENCODINGS)
    )
    page = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    text = (page.text or "").strip() if page is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        raise ArticleReadError(f"{name}: no article text found in the page")
    lang = HTML_LANG.search(html)
    return WebPage(
        text=text,
        title=(page.title or "").strip(),
        author=(page.author or "").strip(),
        publisher=(page.sitename or "").strip(),
        url=url or (page.url or ""),
        language=(lang.group(1).lower() if lang else "") or "en",
        published_on=page_date(html),
    )


def page_date(html: str) -> datetime.date | None:
    """The page's original publication date, from its markup only (no guess
    from the copyright line or the URL's digits)."""
    found = htmldate.find_date(html, original_date=True, extensive_search=False)
    if not found:
        return None
    try:
        return datetime.date.fromisoformat(found)
    except ValueError:
        return None
