"""Cheap offline language identification: which language's stop words cover the most words.

The pipeline is built for French; this only has to tell French from the other languages a news
scrape brings in (English wire copy, Spanish or Portuguese pages) before spending a parser on
it. Stop-word hit rates over spaCy's shipped lists do that in microseconds, with no model, no
download and no extra dependency. It is not meant for short strings or close languages.
"""
from __future__ import annotations

import functools
import importlib
import re

__all__ = ["detect_language", "LANGUAGES", "UNDETERMINED"]

LANGUAGES = ("fr", "en", "es", "de", "it", "pt")
UNDETERMINED = "und"  # ISO 639-2 code for "undetermined"
MIN_WORDS = 5
_MAX_CHARS = 20_000  # the start of an article says which language it is in

# Word tokens, with an elided article kept whole ("l'", "d'", "qu'") as spaCy's lists spell it.
_WORD = re.compile(r"[^\W\d_]+(?:'(?=[^\W\d_]))?")


@functools.lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    """spaCy's stop-word lists (pure data modules: importing them loads no model)."""
    lists = {}
    for lang in LANGUAGES:
        words = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
        lists[lang] = frozenset(w.lower().replace("’", "'") for w in words)
    return lists


def detect_language(text: str) -> tuple[str, float]:
    """(language code, share of word tokens that are stop words of that language).

    "und" with share 0.0 when there are fewer than MIN_WORDS word tokens or no stop word at all.
    Ties go to the earlier language in LANGUAGES (French first: it is what we expect).
    """
    tokens = _WORD.findall(text[:_MAX_CHARS].lower().replace("’", "'"))
    if len(tokens) < MIN_WORDS:
        return UNDETERMINED, 0.0
    best, best_hits = UNDETERMINED, 0
    for lang, stops in _stop_words().items():
        hits = sum(1 for t in tokens if t in stops)
        if hits > best_hits:
            best, best_hits = lang, hits
    if best_hits == 0:
        return UNDETERMINED, 0.0
    return best, round(best_hits / len(tokens), 4)
