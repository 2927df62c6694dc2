"""Parquet partitions written by the Dask workers: each worker writes the rows of the partition it
processed, so a cluster has no single writer; `Store.load_parts` (at the end of the run, or
`python -m pipeline store DIR`) loads them into the store.

Layout, one file per table per partition (hive style, so DuckDB and pandas read a table's folder
as one dataset with a `run` column):

    DIR/parts/<table>/run=<run_id>/part-<n>.parquet

A partition's `articles` file is written last, each file atomically (temporary name, fsync,
rename): a partition counts only once its `articles` file exists, so a worker killed halfway
leaves nothing that loads. Run ids sort by start time: a later run's rows of an article replace
an earlier run's.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

from .tables import TABLES, Rows, arrow_table

PARTS_DIR = "parts"
_PART = re.compile(r"^part-(\d+)\.parquet$")


def new_run_id() -> str:
    """Sortable by start time (UTC), unique: 20250301T101500-3f9a1c."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def part_name(n: int) -> str:
    return f"part-{n:06d}"


def part_path(parts_dir: Path, table: str, run_id: str, name: str) -> Path:
    return Path(parts_dir) / table / f"run={run_id}" / f"{name}.parquet"


def write_part(parts_dir: Path, run_id: str, n: int, rows: Rows) -> int:
    """Write one partition's rows (the other tables first, `articles` last); returns the number
    of articles. Nothing is written for a partition without any record."""
    import pyarrow.parquet as pq

    if not rows["articles"]:
        return 0
    name = part_name(n)
    for table in [*[t for t in TABLES if t != "articles"], "articles"]:
        if not rows[table] and table != "articles":
            continue
        path = part_path(parts_dir, table, run_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
        try:
            pq.write_table(arrow_table(table, rows[table]), tmp, compression="zstd")
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            if tmp.exists():
                tmp.unlink()
            raise
    return len(rows["articles"])


def pending(parts_dir: Path, loaded: set[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """[(run_id, [partition names])] of the complete partitions not in `loaded`, oldest run
    first."""
    root = Path(parts_dir) / "articles"
    if not root.is_dir():
        return []
    out = []
    for run_dir in sorted(root.iterdir()):
        if not run_dir.is_dir() or not run_dir.name.startswith("run="):
            continue
        run_id = run_dir.name[4:]
        names = sorted(p.stem for p in run_dir.iterdir()
                       if _PART.match(p.name) and (run_id, p.stem) not in loaded)
        if names:
            out.append((run_id, names))
    return out


def check_writable(parts_dir: Path) -> None:
    """Raise with the path and the reason when this process cannot write partitions there."""
    probe = Path(parts_dir) / f".probe-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        Path(parts_dir).mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OSError(f"cannot write Parquet partitions to {parts_dir}: {exc}") from exc
