"""Plain-text articles: one article per UTF-8 file, with an optional ` date YYYY-MM[-DD]` header.

The header is metadata, not prose (see corpus/ANNOTATION.md), so it is removed from `text`; what
follows it on the same line is the first paragraph and stays. A headline-like first line becomes
`title` but also stays in `text`, because headlines are annotated as article text.
"""
from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Optional, Union

from pipeline.readers import MAX_BYTES, ReadError, too_large
from pipeline.records import Article

__all__ = ["read_txt", "article_from_bytes", "parse_date_header", "guess_title"]

_BOM = b"\xef\xbb\xbf"
# ` date 2021-11` or `date 2021-11-05`, optionally followed on the same line by the first paragraph.
_HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4})-(\d{2})(?:-(\d{2}))?(?=[ \t]|\n|\Z)[ \t]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TITLE_MAX = 200


def _looks_binary(data: bytes) -> bool:
    """Mostly non-text: many control bytes, or a majority of non-ASCII bytes (compressed data,
    images). Latin-1 French text has a few percent of high bytes, well under the threshold."""
    sample = data[:8192]
    if not sample:
        return False
    control = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 12, 13)) + sample.count(0x7F)
    high = sum(1 for b in sample if b >= 0x80)
    return control / len(sample) > 0.05 or high / len(sample) > 0.3


def parse_date_header(text: str, source: str) -> tuple[Optional[str], str]:
    """Split an optional leading date header off `text`: (published or None, the rest)."""
    m = _HEADER.match(text)
    if not m:
        return None, text
    year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
    shown = m.group(0).strip()
    if not 1 <= month <= 12:
        raise ReadError(source, f"bad date header {shown!r}: month {month} does not exist")
    published = f"{year:04d}-{month:02d}"
    if day is not None:
        if not 1 <= int(day) <= calendar.monthrange(year, month)[1]:
            raise ReadError(source, f"bad date header {shown!r}: day {day} does not exist")
        published += f"-{int(day):02d}"
    return published, text[m.end():]


def guess_title(text: str) -> Optional[str]:
    """The first line when it reads like a headline: short, not ending like a sentence, and
    followed by more text on later lines. A lone line is the article, not its title; a line
    whose next line starts in lower case is a hard-wrapped sentence, not a headline."""
    first, sep, rest = text.partition("\n")
    first = first.strip()
    if not sep or not rest.strip() or not first:
        return None
    if rest[:1].islower():
        return None
    if len(first) >= _TITLE_MAX or first[-1] in ".,;:…":
        return None
    if not any(c.isalpha() for c in first):
        return None
    return first


def article_from_bytes(data: bytes, *, source: str, article_id: str, max_bytes: int) -> Article:
    """The checks and parsing of `read_txt`, on bytes already read (shared with stdin)."""
    if len(data) > max_bytes:
        raise ReadError(source, too_large(len(data), max_bytes))
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if b"\x00" in data:
        raise ReadError(source, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        if _looks_binary(data):
            raise ReadError(source, "binary file (mostly non-text bytes), not text") from None
        bad = data[err.start]
        raise ReadError(
            source,
            f"not UTF-8: invalid byte 0x{bad:02x} at byte offset {err.start}; "
            "re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
        ) from None
    if text and len(_CONTROL.findall(text[:8192])) / min(len(text), 8192) > 0.05:
        raise ReadError(source, "binary file (mostly control characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(source, "empty file" if not text else "file holds only whitespace")
    published, text = parse_date_header(text, source)
    text = text.strip()
    if not text:
        raise ReadError(source, "no article text after the date header")
    return Article(
        id=article_id, text=text, source=source, reader="txt",
        title=guess_title(text), published=published,
    )


def read_txt(path: Union[str, Path], max_bytes: int = MAX_BYTES) -> Article:
    """One article from a UTF-8 text file; its id is the file stem. Raises `ReadError`."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:  # do not read a huge file just to refuse it
            raise ReadError(source, too_large(size, max_bytes))
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(source, f"cannot read: {err.strerror or err}") from None
    return article_from_bytes(data, source=source, article_id=path.stem, max_bytes=max_bytes)
