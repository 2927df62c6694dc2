"""Saved news pages (.html/.htm): article body with trafilatura, publication date with htmldate.

Nothing here touches the network: pages are parsed from bytes into lxml trees before any library
sees them (htmldate downloads a string that looks like a URL; a tree it cannot).

The headline becomes `title` and also the first paragraph of `text`, as in the txt reader, so the
same story read from .txt or .html gives the same prose. Figure captions and photo credits are
kept out of the body (their names are not the story's people) and returned in `captions`.
"""
from __future__ import annotations

import copy
import datetime as _dt
import json
import re
from pathlib import Path
from typing import Optional, Union

import htmldate
import trafilatura
from trafilatura.utils import load_html

from pipeline.readers import MAX_BYTES, ReadError, too_large
from pipeline.records import Article

__all__ = ["read_html", "find_published"]

_WS = re.compile(r"\s+")
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T\s]|$)", re.ASCII)
_SENTENCE_END = re.compile(r"[.!?…»\"”)]\s*$")
# Page furniture removed before extraction: trafilatura already drops most of it, this makes sure
# captions and credits never reach the body even on pages that put them outside <figure>.
_FURNITURE_CLASS = re.compile(r"caption|credit|share|social|related|breadcrumb|newsletter", re.I)
_HTML_FACTOR = 10
_META_DATE_KEYS = (
    "article:published_time", "datepublished", "dc.date.issued", "dc.date", "dcterms.date",
    "date", "pubdate", "publishdate", "publication_date", "og:published_time", "sailthru.date",
)


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _iso_with_precision(value: str) -> Optional[str]:
    """"2024-03-14T09:30Z" -> "2024-03-14"; "2024-03" -> "2024-03": as precise as the page says."""
    m = _ISO.match(value or "")
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not 1900 <= int(year) <= 2100:
        return None
    if month is None:
        return year
    if not 1 <= int(month) <= 12:
        return None
    if day is None:
        return f"{year}-{int(month):02d}"
    try:
        return _dt.date(int(year), int(month), int(day)).isoformat()  # not "2024-02-31"
    except ValueError:
        return None


def _jsonld_dates(tree) -> list[str]:
    found = []

    def walk(obj):
        if isinstance(obj, dict):
            if isinstance(obj.get("datePublished"), str):
                found.append(obj["datePublished"])
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(script.text or ""))
        except ValueError:
            continue
    return found


def find_published(tree) -> Optional[str]:
    """Publication date, ISO, as precise as known. Explicit markup first (meta tags, JSON-LD,
    <time datetime>) because it tells the precision; then htmldate's original-date heuristics
    (no extensive text search: dates in the prose are about events, not the page)."""
    candidates: list[str] = []
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _META_DATE_KEYS:
            candidates.append(meta.get("content"))
    candidates += _jsonld_dates(tree)
    candidates += tree.xpath("//article//time/@datetime") + tree.xpath("//time/@datetime")
    for value in candidates:
        iso = _iso_with_precision(value)
        if iso:
            return iso
    try:
        found = htmldate.find_date(
            copy.deepcopy(tree), original_date=True, extensive_search=False,
            outputformat="%Y-%m-%d",
        )
    except Exception:  # htmldate is heuristic; a failure there only means "no date"
        found = None
    return found or None


def _canonical_url(tree) -> Optional[str]:
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            if value and value.strip():
                return value.strip()
    return None


def _captions(tree) -> list[str]:
    out: list[str] = []
    for fig in tree.xpath("//figcaption"):
        text = _clean(fig.text_content())
        if text and text not in out:
            out.append(text)
    return out


def _strip_furniture(tree) -> None:
    """Drop captions, menus, share bars and related-story boxes. A class-matched element that
    holds the headline or several paragraphs is a wrapper ("page--with-share-bar"), not
    furniture, and is kept."""
    for el in tree.xpath("//figcaption|//nav|//aside|//footer|//*[@class]"):
        if el.tag in ("html", "body"):
            continue
        if el.tag not in ("figcaption", "nav", "aside", "footer"):
            if not _FURNITURE_CLASS.search(el.get("class", "")):
                continue
            if el.xpath(".//h1|.//article|.//main") or len(el.xpath(".//p")) >= 3:
                continue
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def _paragraphs(body) -> list[str]:
    """Paragraph texts from trafilatura's XML body: one per <p>/<head>/<quote>, one per list."""
    paras: list[str] = []
    for el in body:
        if el.tag in ("p", "head", "quote"):
            text = _clean(" ".join(el.itertext()))
        elif el.tag == "list":
            items = [_clean(" ".join(i.itertext())) for i in el.iter("item")]
            text = "\n".join(i for i in items if i)
        else:  # graphic, table, code: not prose
            continue
        if text:
            paras.append(text)
    return paras


def _has_article_text(paras: list[str]) -> bool:
    """A story has sentences: at least one real sentence and ~15 words beyond the headline.
    Index and menu pages yield a heading and link lists, which fail this."""
    words = sum(len(p.split()) for p in paras)
    sentence = any(len(p.split()) >= 8 and _SENTENCE_END.search(p) for p in paras)
    return words >= 15 and sentence


def read_html(
    page: Union[str, Path, bytes],
    source: Optional[str] = None,
    *,
    max_bytes: int = MAX_BYTES,
    article_id: Optional[str] = None,
) -> Article:
    """One article from a saved HTML page (a path, or the page's bytes with `source` naming it).
    Raises `ReadError` when the page is unreadable or holds no article text.

    `max_bytes` bounds the extracted text, as for the other readers; the page itself may be up
    to ten times that, since markup, scripts and styles often outweigh the story."""
    if isinstance(page, (bytes, bytearray)):
        data = bytes(page)
        source = source or "html"
    else:
        path = Path(page)
        source = source or str(path)
        try:
            size = path.stat().st_size
            if size > _HTML_FACTOR * max_bytes:
                raise ReadError(source, "page is " + too_large(size, _HTML_FACTOR * max_bytes))
            data = path.read_bytes()
        except OSError as err:
            raise ReadError(source, f"cannot read: {err.strerror or err}") from None
    if len(data) > _HTML_FACTOR * max_bytes:
        raise ReadError(source, "page is " + too_large(len(data), _HTML_FACTOR * max_bytes))
    if not data.strip():
        raise ReadError(source, "empty file")
    article_id = article_id or Path(source).stem or "html"

    tree = load_html(data)
    if tree is None:
        raise ReadError(source, "not an HTML page (could not parse it)")
    url = _canonical_url(tree)
    captions = _captions(tree)
    published = find_published(tree)

    work = copy.deepcopy(tree)
    _strip_furniture(work)
    doc = trafilatura.bare_extraction(
        work, include_comments=False, include_tables=False, include_images=False,
        favor_precision=True, with_metadata=True, output_format="python",
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    title = None
    paras: list[str] = []
    if doc is not None:
        title = _clean(doc.title or "") or None
        if doc.body is not None:
            paras = _paragraphs(doc.body)
        url = url or doc.url
    if not title:
        h1 = tree.xpath("//h1")
        title = _clean(h1[0].text_content()) if h1 else None
        title = title or None
    prose = [p for p in paras if p != title]
    if not _has_article_text(prose):
        raise ReadError(source, "no article text found (menu, index or empty page?)")
    text = "\n\n".join(([title] if title else []) + prose)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise ReadError(source, "article text is " + too_large(size, max_bytes))
    return Article(
        id=article_id, text=text, source=source, reader="html", title=title, url=url,
        published=published, captions=captions,
    )
