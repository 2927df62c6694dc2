"""Local engine: one model per process, `nlp.pipe` batching, `n_process` workers."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..extract import load, make_doc
from ..records import Article
from ..stages._ext import ensure_extensions
from . import Outcome


def run(articles: Iterable[Article], workers: int = 1, batch_size: int = 16) -> Iterator[Outcome]:
    """Process articles; one failing article becomes an `Outcome` with `error`, never a crash."""
    nlp = load()
    ensure_extensions()
    builder = nlp.get_pipe("onu_record")
    previous = builder.keep
    builder.keep = False  # Docs cross process boundaries as msgpack: only the record dict
    try:
        docs = ((make_doc(nlp, a), a) for a in articles)
        for doc, article in nlp.pipe(docs, as_tuples=True, batch_size=batch_size,
                                     n_process=max(1, workers)):
            if doc._.errors or doc._.record is None:
                yield Outcome(article, error="; ".join(doc._.errors or ["no record produced"]))
            else:
                yield Outcome(article, record=doc._.record)
    finally:
        builder.keep = previous  # the shared pipeline stays as the library user set it
