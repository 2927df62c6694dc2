"""The worker side shared by the engines: run one partition of articles through this process's
pipeline and return plain (record, error) pairs, never raising for an article.

Both the local process pool (`engines.local`, W > 1) and the Dask workers (`engines.dask`) call
`process_partition` in their worker processes. Only `Article`s go in (strings and a few fields,
cheap to pickle) and only record dicts or error strings come out: normalisation, tokenisation,
the model and our stages all run in the worker, so the parent process does next to nothing per
article. (spaCy's own `nlp.pipe(n_process=W)` tokenises in the parent and ships whole Docs, tensors
included, both ways; on two cores the parent's share of that was what kept the speed-up low.)
"""
from __future__ import annotations

import contextlib
import os
import threading
from typing import Optional

from ..records import Article

__all__ = ["process_partition", "process_partition_to_parts", "worker_stats", "probe",
           "probe_parts", "WARM_UP"]

Result = tuple[Optional[dict], Optional[str]]

# Module globals are per process.
LOCK = threading.Lock()
WARM_UP = Article(id="warm-up", source="pipeline.engines.worker", published="2024-03-05",
                  text="Le Secrétaire général a déclaré mardi 5 mars 2024 que « la paix reste "
                       "possible », selon un communiqué publié à New York.")
_STATS = {"model_loads": 0, "partitions": 0, "articles": 0}
_SEEN: list = []  # the pipeline object(s) this process got from `load()`


def worker_nlp():
    """The pipeline of this process, loaded on first use: `pipeline.core.load()` caches it
    per process (a forked worker inherits its parent's). `model_loads` counts the distinct
    pipeline objects it returned (1 when cached)."""
    from ..core import load

    nlp = load()
    if not any(nlp is seen for seen in _SEEN):
        _SEEN.append(nlp)
        _STATS["model_loads"] += 1
    return nlp


def process_partition(articles: list[Article], batch_size: int = 16,
                      chunk_size: Optional[int] = None) -> list[Result]:
    """Run one partition through the pipeline of this worker process: one (record, error) pair
    per article, in the partition's order. Never raises for an article. An article longer than
    `chunk_size` characters (default: the `onu_segmenter` setting, 100,000) runs through the
    model in chunks (`pipeline/chunks.py`).

    Each partition runs inside `nlp.memory_zone()` (spaCy >= 3.8), under a lock, since a zone
    must not close while another thread of the process still uses its strings: the
    strings it brings into the vocabulary (new names, figures) are dropped afterwards, so a worker
    that lives for millions of articles does not grow with the corpus's vocabulary; only plain
    record dicts leave the zone."""
    from ..stages._ext import ensure_extensions

    with LOCK:
        nlp = worker_nlp()
        ensure_extensions()
        _STATS["partitions"] += 1
        _STATS["articles"] += len(articles)
        zone = nlp.memory_zone() if hasattr(nlp, "memory_zone") else contextlib.nullcontext()
        with zone:
            return _process(nlp, articles, batch_size, chunk_size)


def process_partition_to_parts(articles: list[Article], batch_size: int, parts_dir: str,
                               run_id: str, n: int, chunk_size: Optional[int] = None) -> list[Result]:
    """`process_partition`, then the rows of its records written here as the partition's Parquet
    files (`parts.py`), so a cluster's workers write the tables in parallel. The records still
    go back (the client writes the JSON). A failure to write fails the partition's task, which
    the engine reports for each of its articles."""
    from ..export import article_fingerprint
    from ..parts import write_part
    from ..tables import empty_rows, record_rows

    results = process_partition(articles, batch_size, chunk_size)
    rows = empty_rows()
    for article, (record, _) in zip(articles, results):
        if record is not None:
            record_rows(record, article_fingerprint(article), run_id, into=rows)
    write_part(parts_dir, run_id, n, rows)
    return results


def probe_parts(parts_dir: str) -> dict:
    """Preflight in a worker: can it write partitions to `parts_dir`?"""
    from ..parts import check_writable

    try:
        check_writable(parts_dir)
        return {"pid": os.getpid(), "ok": True}
    except OSError as exc:
        return {"pid": os.getpid(), "ok": False, "error": str(exc)}


def _process(nlp, articles: list[Article], batch_size: int,
             chunk_size: Optional[int] = None) -> list[Result]:
    from ..core import pipe_articles

    results: list[Optional[Result]] = [None] * len(articles)
    try:
        for doc, k in pipe_articles(nlp, ((a, k) for k, a in enumerate(articles)), batch_size,
                                    chunk_size):
            if isinstance(doc, Exception):  # e.g. an Article whose text is not a str
                results[k] = (None, f"{type(doc).__name__}: {doc}")
            else:
                results[k] = _result(doc)
    except Exception:  # noqa: BLE001 - an unguarded stage raised: redo one by one
        for k, article in enumerate(articles):
            if results[k] is None:
                results[k] = _one(nlp, article, chunk_size)
    return results  # type: ignore[return-value]


def _one(nlp, article: Article, chunk_size: Optional[int] = None) -> Result:
    from ..core import process

    try:
        doc = process(nlp, article, chunk_size)
    except Exception as exc:  # noqa: BLE001 - reported as this article's error
        return None, f"{type(exc).__name__}: {exc}"
    return _result(doc)


def _result(doc) -> Result:
    if doc._.errors or doc._.record is None:
        return None, "; ".join(doc._.errors or ["no record produced"])
    return doc._.record, None


def worker_stats() -> dict:
    """This worker process's counters (pid, model loads, partitions, articles)."""
    return {"pid": os.getpid(), **_STATS}


def probe() -> dict:
    """Preflight in a worker: the package imports, the resources are found and the model loads;
    one short article is run, so lazy imports and caches (dateparser) are paid here rather than
    by the first partition."""
    from ..resources import models_dir
    from ..stages._ext import ensure_extensions

    info = {"pid": os.getpid(), "models_dir": str(models_dir())}
    try:
        with LOCK:
            nlp = worker_nlp()
            ensure_extensions()
            (_, error), = _process(nlp, [WARM_UP], batch_size=1)
        if error:
            raise RuntimeError(f"warm-up article failed: {error}")
        info["ok"] = True
    except Exception as exc:  # noqa: BLE001
        info["ok"] = False
        info["error"] = f"{type(exc).__name__}: {exc}"
    return info
