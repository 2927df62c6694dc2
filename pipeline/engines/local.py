"""Local engine: one model per process, `nlp.pipe` batching; with W > 1, a pool of W worker
processes that each run whole partitions (normalisation, tokenisation, model, stages).

Why not `nlp.pipe(n_process=W)`: spaCy's multiprocessing tokenises in the parent, pickles each Doc
to a worker and sends every processed Doc back serialised (its tensor and extension values
included), where the parent deserialises it. On two cores that parent work competes with the two
workers: the speed-up over one process stayed near 1.3. Here the parent only cuts the input into
partitions of `Article`s and receives record dicts, the only thing the writers need.

Workers are forked from the parent after it has loaded the model and run one warm-up article
(where "fork" exists, i.e. Linux and macOS's opt-in): each worker starts with the model in memory,
shared copy-on-write, and never loads it again. Where only "spawn" exists, each worker loads the
model once, in the pool's initializer.

Results come back in input order. At most `2 x W` partitions are out at a time, so the input is
read lazily and memory stays flat on any corpus size. A worker that dies (killed, out of memory)
costs only the article that killed it: the partitions lost with it are re-run one article at a
time in a fresh pool, and only the article during which a worker dies again gets an error.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, Optional

from ..core import load, pipe_articles
from ..records import Article
from ..stages._ext import ensure_extensions
from . import Outcome, partitions
from .worker import Result, probe, process_partition, worker_nlp

DIED = "the worker process died while processing this article (killed, or out of memory?)"


def run(articles: Iterable[Article], workers: int = 1, batch_size: int = 16,
        partition_size: Optional[int] = None, chunk_size: Optional[int] = None) -> Iterator[Outcome]:
    """Process articles in input order; a failing article becomes an `Outcome` with `error`,
    never a crash. `workers` > 1 runs a process pool (partitions of `partition_size` articles,
    default `batch_size`). An article longer than `chunk_size` characters (default: the
    `onu_segmenter` setting, 100,000) runs through the model in chunks (`pipeline/chunks.py`)."""
    if workers > 1:
        yield from _pool_run(articles, workers, batch_size, partition_size or batch_size,
                             chunk_size)
    else:
        yield from _in_process(articles, batch_size, chunk_size)


# ---- one process -----------------------------------------------------------------------------

def _in_process(articles: Iterable[Article], batch_size: int,
                chunk_size: Optional[int] = None) -> Iterator[Outcome]:
    nlp = load()
    ensure_extensions()
    builder = nlp.get_pipe("onu_record")
    previous = builder.keep
    builder.keep = False  # the Docs are dropped once their record is built
    try:
        for doc, article in pipe_articles(nlp, ((a, a) for a in articles), batch_size, chunk_size):
            if isinstance(doc, Exception):  # e.g. text that is not a str
                yield Outcome(article, error=f"{type(doc).__name__}: {doc}")
            elif doc._.errors or doc._.record is None:
                yield Outcome(article, error="; ".join(doc._.errors or ["no record produced"]))
            else:
                yield Outcome(article, record=doc._.record)
    finally:
        builder.keep = previous  # the shared pipeline stays as the library user set it


# ---- a pool of worker processes --------------------------------------------------------------

class _Slot:
    """One partition in flight: its articles and, once known, one (record, error) per article."""
    __slots__ = ("part", "future", "results")

    def __init__(self, part: list[Article], future: Optional[Future]):
        self.part = part
        self.future = future
        self.results: Optional[list[Result]] = None


def _init_worker() -> None:
    """Pool initializer: a spawned worker loads the model here, once; a forked one has it."""
    worker_nlp()


_WARM: list[bool] = []


def _warm_parent() -> None:
    """Load the model in this process and run one warm-up article (lazy imports, dateparser's
    caches), once per process; raise with the reason when the pipeline cannot run at all."""
    if not _WARM:
        info = probe()
        if not info["ok"]:
            raise RuntimeError(f"the pipeline cannot run: {info['error']}")
        _WARM.append(True)


class _Pool:
    def __init__(self, workers: int, batch_size: int, chunk_size: Optional[int] = None):
        self.workers = workers
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        if self.ctx.get_start_method() == "fork":
            _warm_parent()  # before any worker exists: every fork inherits the warm model
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self.ctx, initializer=_init_worker)

    def submit(self, part: list[Article]) -> Future:
        return self.executor.submit(process_partition, part, self.batch_size, self.chunk_size)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self, wait: bool = False) -> None:
        """wait=True (all work done): the workers exit and are reaped before this returns."""
        self.executor.shutdown(wait=wait, cancel_futures=True)

    def isolate(self, slots: Iterable[_Slot]) -> None:
        """After a worker died: settle every unsettled slot, re-running the lost partitions one
        article at a time (one in flight), so that the article that kills a worker is named."""
        lost = []
        for slot in slots:
            if slot.results is not None:
                continue
            fut = slot.future
            if fut is not None and fut.done() and not fut.cancelled() and fut.exception() is None:
                slot.results = fut.result()
            else:
                lost.append(slot)
        self.restart()
        for slot in lost:
            slot.results = []
            for article in slot.part:
                try:
                    slot.results.extend(self.submit([article]).result())
                except BrokenProcessPool:
                    slot.results.append((None, DIED))
                    self.restart()
                except Exception as exc:  # noqa: BLE001 - e.g. an article that cannot be pickled
                    slot.results.append((None, f"{type(exc).__name__}: {exc}"))


def _pool_run(articles: Iterable[Article], workers: int, batch_size: int,
              partition_size: int, chunk_size: Optional[int] = None) -> Iterator[Outcome]:
    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    pool = _Pool(workers, batch_size, chunk_size)
    parts = partitions(articles, partition_size)
    queue: deque[_Slot] = deque()
    max_in_flight = 2 * workers
    exhausted = finished = False
    try:
        while True:
            while not exhausted and len(queue) < max_in_flight:
                part = next(parts, None)
                if part is None:
                    exhausted = True
                else:
                    queue.append(_Slot(part, pool.submit(part)))
            if not queue:
                finished = True
                return
            slot = queue[0]
            if slot.results is None:
                try:
                    slot.results = slot.future.result()
                except BrokenProcessPool:
                    pool.isolate(queue)
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
                    slot.results = [(None, f"partition failed: {type(exc).__name__}: {exc}")] \
                        * len(slot.part)
            queue.popleft()
            for article, (record, error) in zip(slot.part, slot.results):
                yield Outcome(article, record=record, error=error)
    finally:
        pool.close(wait=finished)
