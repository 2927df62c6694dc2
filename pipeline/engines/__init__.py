"""Engines run the stages over many articles: `local` (one process, or a pool of N worker
processes) and `dask` (Dask distributed workers). Both run `worker.process_partition` in their
workers, each loading the model once, and yield `Outcome`s (local: in input order; Dask: as
partitions finish); the CLI writes them as they arrive, so nothing accumulates."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ..records import Article


@dataclass
class Outcome:
    article: Article
    record: Optional[dict] = None  # the ArticleRecord as a dict
    error: Optional[str] = None


def partitions(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Lists of `size` articles, read lazily from `articles`."""
    it = iter(articles)
    while True:
        part = list(itertools.islice(it, size))
        if not part:
            return
        yield part
