"""Engines run the stages over many articles: `local` (spaCy's `nlp.pipe`, N processes) and
`dask` (Dask distributed workers, each loading the model once). Both yield `Outcome`s in input
order-independent fashion; the CLI writes them as they arrive, so nothing accumulates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..records import Article


@dataclass
class Outcome:
    article: Article
    record: Optional[dict] = None  # the ArticleRecord as a dict
    error: Optional[str] = None
