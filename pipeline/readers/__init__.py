"""Readers: turn files (txt, html, jsonl/csv/parquet) or stdin into `Article` records.

Readers know nothing about NLP. They never raise for one bad article: `iter_articles` yields a
`ReadError` in its place and goes on, so one broken file in a folder of thousands costs one line
in the error report, not the run.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from pipeline.records import Article

__all__ = ["ReadError", "iter_articles", "TXT_EXTENSIONS", "HTML_EXTENSIONS", "DATASET_EXTENSIONS",
           "MAX_BYTES"]

TXT_EXTENSIONS = {".txt"}
HTML_EXTENSIONS = {".html", ".htm"}
DATASET_EXTENSIONS = {".jsonl", ".ndjson", ".csv", ".parquet"}
KNOWN_EXTENSIONS = TXT_EXTENSIONS | HTML_EXTENSIONS | DATASET_EXTENSIONS

PathLike = Union[str, os.PathLike]

# The largest article read (UTF-8 bytes of its text; `run --max-bytes`). An article longer than
# the chunk size runs through the model in chunks (`pipeline/chunks.py`), so spaCy's memory no
# longer bounds it; its time (linear, about half a minute per MB on one core) and the memory of
# our stages on the whole article still do.
MAX_BYTES = 20_000_000


class ReadError(Exception):
    """One input (a file, or one row of a dataset) that could not become an `Article`.

    The message names the file, the row when there is one, and the problem, so it can be shown to
    the user as is: "news.jsonl row 12: no text". `.source` has the same form as `Article.source`
    ("news.jsonl#row=12"), `.path` the file alone, `.row` the row number or None, `.problem` the
    bare problem.
    """

    def __init__(self, path: PathLike, problem: str, row: Optional[int] = None):
        self.path = str(path)
        self.row = row
        self.problem = problem
        self.source = f"{self.path}#row={row}" if row is not None else self.path
        where = f"{self.path} row {row}" if row is not None else self.path
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):  # keep it picklable across worker processes
        return (ReadError, (self.path, self.problem, self.row))


def human_size(n: float) -> str:
    """Sizes in messages, in decimal units as `ls -h --si` and the --max-bytes flag use."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB"
    return f"{int(n)} bytes"


def too_large(size: int, max_bytes: int) -> str:
    return f"{human_size(size)}, over the {human_size(max_bytes)} limit; raise with --max-bytes"


def _walk(root: Path) -> list[Path]:
    """Known-type files under `root`, sorted for a deterministic order; hidden entries skipped
    (.git, editor swap files) since they are never articles."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            if p.suffix.lower() in KNOWN_EXTENSIONS:
                found.append(p)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _read_stdin(max_bytes: int) -> Article:
    from pipeline.readers.txt import article_from_bytes

    stream = sys.stdin
    buf = getattr(stream, "buffer", None)
    data = buf.read() if buf is not None else stream.read().encode("utf-8")
    return article_from_bytes(data, source="stdin", article_id="stdin", max_bytes=max_bytes)


def _read_file(path: Path, opts: dict) -> Iterator[Union[Article, ReadError]]:
    ext = path.suffix.lower()
    try:
        if ext in TXT_EXTENSIONS:
            from pipeline.readers.txt import read_txt

            yield read_txt(path, opts["max_bytes"])
        elif ext in HTML_EXTENSIONS:
            from pipeline.readers.html import read_html

            yield read_html(path, max_bytes=opts["max_bytes"])
        elif ext in DATASET_EXTENSIONS:
            from pipeline.readers.datasets import read_dataset

            yield from read_dataset(path, **opts)
        else:
            known = ", ".join(sorted(KNOWN_EXTENSIONS))
            yield ReadError(path, f"unknown file type {ext or '(no extension)'!r}; expected one of {known}")
    except ReadError as err:
        yield err
    except OSError as err:
        yield ReadError(path, f"cannot read: {err.strerror or err}")


def iter_articles(
    paths: Union[PathLike, Iterable[PathLike]],
    *,
    text_column: str = "text",
    id_column: str = "id",
    title_column: str = "title",
    date_column: str = "date",
    url_column: str = "url",
    max_bytes: int = MAX_BYTES,
) -> Iterator[Union[Article, ReadError]]:
    """Every article under `paths` (files, folders walked recursively, or "-" for stdin), in a
    deterministic order, with a `ReadError` in place of each input that could not be read.

    Inside folders, files of unknown type are skipped (folders hold READMEs, gold files...); a file
    named explicitly is expected to be an input, so an unknown type there is an error.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    opts = dict(
        text_column=text_column, id_column=id_column, title_column=title_column,
        date_column=date_column, url_column=url_column, max_bytes=max_bytes,
    )
    for raw in paths:
        if str(raw) == "-":
            try:
                yield _read_stdin(max_bytes)
            except ReadError as err:
                yield err
            continue
        path = Path(raw)
        if path.is_dir():
            for p in _walk(path):
                yield from _read_file(p, opts)
        elif path.is_file():
            yield from _read_file(path, opts)
        elif path.exists():
            yield ReadError(path, "not a regular file or folder")
        else:
            yield ReadError(path, "no such file or folder")
