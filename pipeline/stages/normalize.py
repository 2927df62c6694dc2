"""Text normalisation before spaCy, with a map back to the original offsets.

Web copies of ONU Info mix typographic apostrophes, non-breaking spaces (U+00A0, U+202F) and
guillemets glued to words. The model tokenises and lemmatises the plain forms better, and every
later offset refers to the normalised text (`body` in the record), so `OffsetMap` lets a user go
back to the original file.

Control characters: NUL and the other C0/C1 controls become spaces and CR/CRLF line ends LF;
zero-width characters, BOM, soft hyphens and bidi marks and controls are dropped. The body then
holds no control character but LF.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ", "\t": " "}
# C0 and C1 control characters other than LF and CR (NUL, VT, FF, NEL, ...) become spaces too:
# kept, they stuck to the next word ("M.\x00Diallo" was a speaker's name); offsets do not move
_SPACES.update({chr(c): " " for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f,
                                     *range(0x80, 0xa0)]})
# invisible: zero-width space, BOM, soft hyphen, word joiner, and the bidi marks, embeddings,
# overrides and isolates (U+200E/F, U+061C, U+202A-E, U+2066-9), which split a word in two for
# the tokeniser ("Sol\u202eberg"). Joiners (U+200C/D) stay: emoji and some scripts need them.
_DROP = {"\u200b", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u200f", "\u061c",
         "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


@dataclass
class OffsetMap:
    """`original[i]` is the offset in the original text of normalised character i."""

    original: list[int]
    original_length: int

    def to_original(self, i: int) -> int:
        if i >= len(self.original):
            return self.original_length
        return self.original[i]


_SPACE_TABLE = str.maketrans(_SPACES)  # the fast path never sees "\r" (_LENGTH_CHANGES)
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[’ʼ′](?=[^\W\d_])")
# a space left out after a comma or bracket, an abbreviation or a sentence's full stop, before a
# capitalised word: "(OIM),António Vitorino", "a déclaré M.Houngbo", "soient préservés.Huang Xia
# a ajouté" (the tokeniser keeps such a glued pair as one token: the name is lost, and the two
# sentences are one); web addresses ("news.un.org") have no capital after the dot
_GLUED = re.compile(r"[,)](?=[A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ])|\b[A-Z][a-z]{0,3}\.(?=[A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ])"
                    r"|(?<=[a-zà-öø-ÿ]{2})\.(?=[A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ])")
_LENGTH_CHANGES = re.compile("[" + "".join(_DROP) + "\r]" + r"|«(?!\s)|(?<![\s«])»|" +
                             _GLUED.pattern)


def normalize(text: str) -> tuple[str, OffsetMap]:
    """Return (normalised text, map). Length changes only where guillemets gain a space or
    invisible characters are dropped; most articles take the fast path, where the map is the
    identity."""
    if _LENGTH_CHANGES.search(text) is None:
        out_text = _APOSTROPHE.sub("'", text.translate(_SPACE_TABLE))
        return out_text, OffsetMap(_Identity(len(text)), len(text))
    return _normalize_slow(text)


class _Identity:
    """The identity offset map without a list of n integers."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> int:
        return i


def _normalize_slow(text: str) -> tuple[str, OffsetMap]:
    out: list[str] = []
    orig: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                continue  # CRLF -> LF
            ch = "\n"  # a lone CR ends a line too: dropping it would glue two paragraphs
        ch = _SPACES.get(ch, ch)
        if ch == "«":
            out.append(ch)
            orig.append(i)
            if i + 1 < n and not _SPACES.get(text[i + 1], text[i + 1]).isspace():
                out.append(" ")
                orig.append(i)
            continue
        if ch == "»":
            if out and not out[-1].isspace() and out[-1] != "«":
                out.append(" ")
                orig.append(i)
            out.append(ch)
            orig.append(i)
            continue
        out.append(ch)
        orig.append(i)
    joined = "".join(out)
    # a space after a glued comma, bracket or abbreviation, found once invisible characters are
    # gone ("M.\ufeffLe" is glued too), so that a body fed back in is unchanged
    glued = [m.end() for m in _GLUED.finditer(joined)]
    if glued:
        parts, places, last = [], [], 0
        for g in glued:
            parts += [joined[last:g], " "]
            places += orig[last:g] + [orig[g - 1]]
            last = g
        joined = "".join(parts) + joined[last:]
        orig = places + orig[last:]
    # apostrophes between letters (d’elle), not closing single quotes, once invisible characters
    # are gone ("d\u200b’elle"), as on the fast path
    return _APOSTROPHE.sub("'", joined), OffsetMap(orig, len(text))
