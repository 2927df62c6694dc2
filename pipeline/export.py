"""Writers: one JSON record per article, the rows of each article into the store, the done-markers
and the run manifest. Every file is written atomically (temporary file in the same folder, then
`os.replace`), so a crash never leaves a half-written JSON behind and a resumed run sees only
complete outputs. The tables (CSV, Parquet) are exported from the store (`store.py`)."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .tables import empty_rows, record_rows

if TYPE_CHECKING:
    from .records import Article
    from .store import Store

STATE_DIR = ".state"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json_atomic(path: Path, obj: Any, indent: int | None = None) -> None:
    """Compact by default: `json.dumps` uses its C encoder only without `indent` (several times
    faster on records); `python -m json.tool FILE` shows a record indented."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    write_bytes_atomic(path, (text + "\n").encode("utf-8"))


def fingerprint(text: str, version: str) -> str:
    """What decides whether an article must be processed again."""
    return hashlib.sha256(f"{version}\0{text}".encode("utf-8")).hexdigest()


def article_fingerprint(article: "Article") -> str:
    """The fingerprint of an input article: its text, date, title and URL, and the version."""
    from . import __version__

    return fingerprint(article.text + "\0" + json.dumps([article.published, article.title,
                                                         article.url]), __version__)


def iter_records(json_dir: Path) -> Iterator[dict]:
    for path in sorted(Path(json_dir).glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            try:
                yield json.load(fh)
            except ValueError as exc:
                raise ValueError(f"{path}: not a JSON record ({exc})") from exc


def marker_path(out_dir: Path, article_id: str) -> Path:
    return Path(out_dir) / STATE_DIR / article_id


def is_done(out_dir: Path, article_id: str, fp: str, need_json: bool = True) -> bool:
    """True when this article's rows were committed with this fingerprint (its marker says so)
    and, if JSON is written, its record is there: a run skips it."""
    marker = marker_path(out_dir, article_id)
    if need_json and not (Path(out_dir) / "json" / f"{article_id}.json").exists():
        return False
    try:
        return marker.read_text() == fp
    except OSError:
        return False


class RunWriter:
    """What a run writes per article, in an order a kill cannot break: the JSON record at once,
    the table rows into the store in batches (one transaction per batch), and only then each
    article's done-marker (`.state/<id>`: its fingerprint). A killed run leaves every committed
    article whole; the next run redoes the articles without a marker (at most one batch).

    With `rows_elsewhere` (the Dask workers wrote the rows as Parquet partitions, loaded at the
    end of the run or by the next one), only the JSON and the marker are written here."""

    def __init__(self, out_dir: Path, store: "Store", run_id: str, *, json: bool = True,
                 batch: int = 64, max_seconds: float = 10.0, rows_elsewhere: bool = False):
        self.out = Path(out_dir)
        self.store = store
        self.run_id = run_id
        self.json = json
        self.batch = max(1, batch)
        self.max_seconds = max_seconds
        self.rows_elsewhere = rows_elsewhere
        self.rows = empty_rows()
        self.waiting: list[tuple[str, str]] = []  # (article id, fingerprint) not yet committed
        self.since = time.monotonic()
        self.seconds = 0.0  # rows built and written to the store
        self.written = 0
        (self.out / STATE_DIR).mkdir(parents=True, exist_ok=True)

    def add(self, article_id: str, record: dict, fp: str) -> None:
        if self.json:
            write_json_atomic(self.out / "json" / f"{article_id}.json", record)
        if self.rows_elsewhere:
            self._mark(article_id, fp)
            return
        t0 = time.perf_counter()
        record_rows(record, fp, self.run_id, into=self.rows)
        self.seconds += time.perf_counter() - t0
        self.waiting.append((article_id, fp))
        if len(self.waiting) >= self.batch or time.monotonic() - self.since > self.max_seconds:
            self.flush()

    def flush(self) -> None:
        if self.waiting:
            t0 = time.perf_counter()
            self.written += self.store.write(self.rows)
            self.seconds += time.perf_counter() - t0
            for article_id, fp in self.waiting:
                self._mark(article_id, fp)
        self.rows = empty_rows()
        self.waiting = []
        self.since = time.monotonic()

    def _mark(self, article_id: str, fp: str) -> None:
        marker_path(self.out, article_id).write_text(fp)

    def close(self) -> None:
        """Write the last batch, then resolve the short names of the surnames the run touched
        (`Store.resolve_pending`: one transaction for the run)."""
        self.flush()
        if not self.rows_elsewhere:
            t0 = time.perf_counter()
            self.store.resolve_pending()
            self.seconds += time.perf_counter() - t0


