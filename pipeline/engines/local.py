"""Local engine: one model per process, `nlp.pipe` batching, `n_process` workers."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..core import load, make_doc
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
    failed: list[Outcome] = []

    def docs():
        for a in articles:
            try:
                doc = make_doc(nlp, a)
            except Exception as exc:  # noqa: BLE001 - e.g. text that is not a str
                failed.append(Outcome(a, error=f"{type(exc).__name__}: {exc}"))
                continue
            yield doc, a

    try:
        for doc, article in nlp.pipe(docs(), as_tuples=True, batch_size=batch_size,
                                     n_process=max(1, workers)):
            yield from _drain(failed)
            if doc._.errors or doc._.record is None:
                yield Outcome(article, error="; ".join(doc._.errors or ["no record produced"]))
            else:
                yield Outcome(article, record=doc._.record)
        yield from _drain(failed)
    finally:
        builder.keep = previous  # the shared pipeline stays as the library user set it


def _drain(failed: list[Outcome]) -> Iterator[Outcome]:
    while failed:
        yield failed.pop(0)
