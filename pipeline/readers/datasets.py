"""Tabular inputs: .jsonl/.ndjson (one JSON object a line), .csv and .parquet, one article a row.

Files are streamed (line by line, CSV records, Parquet record batches) so a large dataset never
sits in memory whole. A bad row becomes a `ReadError` naming the file and row and the file goes
on; only a file that cannot be opened or parsed at all stops that file.

Row numbers are 1-based: for JSON Lines the line number (what an editor shows), for CSV and
Parquet the record number, header not counted.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import logging
import math
import re
import sys
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from pipeline.readers import MAX_BYTES, ReadError, too_large
from pipeline.records import Article

__all__ = ["read_dataset", "read_jsonl", "read_csv", "read_parquet", "normalise_date"]

log = logging.getLogger(__name__)

# ASCII digits only: "٢٠٢٤" is not an ISO date (it went into `published` as it was)
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ]\d{1,2}:\d{2}\S*)?\s*$", re.ASCII)
_MISSING = {"", "nan", "nat", "none", "null", "n/a", "na", "-", "?"}
_CHUNK = 1000
_CR_LINE = re.compile(r"(?<=\r)(?!\n)(?=.)", re.DOTALL)


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _MISSING


@functools.lru_cache(maxsize=1)
def _date_parser():
    """One dateparser instance for the process (building one costs more than parsing)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["fr", "en"],
        settings={"RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "DMY",
                  "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
                  "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]},
    )


@functools.lru_cache(maxsize=4096)
def _parse_free_date(value: str) -> Optional[str]:
    """"5 novembre 2021", "novembre 2021", "05/11/2021" via dateparser, keeping the precision
    the text gives (dateparser's `period`), never inventing a day or month; a date without
    a year ("mardi", "5 nov.") or relative to today ("hier") is refused, not resolved to now."""
    parser = _date_parser()
    data = parser.get_date_data(value)
    if data is None or data.date_obj is None:
        return None
    d, period = data.date_obj, data.period
    if period == "year":
        return f"{d.year:04d}"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.strftime("%Y-%m-%d")


def normalise_date(value: Any) -> Optional[str]:
    """An ISO date string ("2021", "2021-11", "2021-11-05") as precise as `value`, or None.

    Accepts ISO dates and datetimes, Python/pandas dates, and free French or English dates.
    """
    if _is_missing(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date().isoformat()
    if not isinstance(value, str):
        value = str(value)
    m = _ISO.match(value)
    if m:
        year, month, day = m.groups()
        try:
            if day:
                return _dt.date(int(year), int(month), int(day)).isoformat()
            if int(year) == 0:
                return None  # there is no year 0
            if month:
                return f"{year}-{month}" if 1 <= int(month) <= 12 else None
            return year
        except ValueError:
            return None
    return _parse_free_date(value.strip())


def _opt_str(value: Any) -> Optional[str]:
    if _is_missing(value):
        return None
    return str(value).strip() or None


_UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f]")


def _file_safe_id(value: str) -> str:
    """An id from a dataset names the output files (json/<id>.json, .state/<id>): path separators
    and control characters become "_", leading dots go (no hidden or parent paths) and it is cut
    to 200 UTF-8 bytes (file names hold 255). "a/b" or a 300-character id stopped the run."""
    value = _UNSAFE_ID.sub("_", value).lstrip(".")
    return value.encode("utf-8")[:200].decode("utf-8", "ignore")


def _row_article(row: dict, n: int, path: Path, reader: str, opts: dict) -> Union[Article, ReadError]:
    """One row -> Article, or the ReadError that says what is wrong with it."""
    text_col = opts["text_column"]
    text = row.get(text_col)
    if text_col not in row:
        fields = ", ".join(map(str, row)) or "none"
        return ReadError(path, f"no text (no {text_col!r} field; fields: {fields})", row=n)
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ReadError(path, "no text", row=n)
    if not isinstance(text, str):
        return ReadError(path, f"text is {_type_name(text)}, not a string", row=n)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ReadError(path, "no text (empty)", row=n)
    size = len(text.encode("utf-8"))
    if size > opts["max_bytes"]:
        return ReadError(path, "text is " + too_large(size, opts["max_bytes"]), row=n)
    raw_date = row.get(opts["date_column"])
    published = normalise_date(raw_date)
    if published is None and not _is_missing(raw_date):
        log.warning("%s row %d: date %r not understood; publication date left empty", path, n, raw_date)
    return Article(
        id=_file_safe_id(_opt_str(row.get(opts["id_column"])) or "") or f"{path.stem}-{n}",
        text=text,
        source=f"{path}#row={n}",
        reader=reader,
        title=_opt_str(row.get(opts["title_column"])),
        url=_opt_str(row.get(opts["url_column"])),
        published=published,
    )


def read_jsonl(path: Path, **opts) -> Iterator[Union[Article, ReadError]]:
    """Each non-blank line is one JSON object; row numbers are line numbers."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield ReadError(path, f"not UTF-8 (invalid byte at offset {err.start} of the line)", row=n)
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                yield ReadError(path, f"bad JSON: {err.msg} at column {err.colno}", row=n)
                continue
            if not isinstance(obj, dict):
                yield ReadError(path, f"line is {_type_name(obj)}, not a JSON object", row=n)
                continue
            yield _row_article(obj, n, path, "jsonl", opts)


def _check_columns(path: Path, columns, text_column: str) -> None:
    if text_column not in columns:
        cols = ", ".join(map(str, columns)) or "none"
        raise ReadError(path, f"no {text_column!r} column (columns: {cols}); choose one with --text-column")


def read_csv(path: Path, **opts) -> Iterator[Union[Article, ReadError]]:
    """CSV with a header row, every cell read as a string, streamed with the `csv` module. A
    malformed row (more cells than the header, a stray quotation mark) is one `ReadError`
    naming its record and line, and the rows after it are still read; missing trailing cells
    are empty."""
    import csv

    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long articles; --max-bytes judges them
    try:
        fh = open(path, "rb")
    except OSError as err:
        raise ReadError(path, f"cannot open: {err.strerror}") from None
    with fh:
        # strict: a stray quotation mark is an error, not a merged cell
        reader = csv.reader(_utf8_lines(fh, path), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as err:
            raise ReadError(path, f"not a readable CSV file: {err}") from None
        if not header:
            raise ReadError(path, "empty file")
        _check_columns(path, header, opts["text_column"])
        n = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                n += 1
                yield ReadError(path, f"malformed CSV record (line {reader.line_num}): {err}", row=n)
                continue
            if not cells:
                continue  # a blank line
            n += 1
            if len(cells) > len(header):
                yield ReadError(path, f"malformed CSV record (line {reader.line_num}): "
                                      f"{len(cells)} cells, the header has {len(header)}", row=n)
                continue
            cells += [""] * (len(header) - len(cells))
            yield _row_article(dict(zip(header, cells)), n, path, "csv", opts)


def _utf8_lines(fh, path: Path) -> Iterator[str]:
    """The lines of a binary file decoded one at a time, so that an invalid byte is reported
    with its offset in the file after every record before it has been read."""
    offset = 0
    for k, raw in enumerate(fh):
        start = 3 if k == 0 and raw.startswith(b"\xef\xbb\xbf") else 0
        try:
            line = raw[start:].decode("utf-8")
            if "\r" in line.rstrip("\r\n"):
                yield from _CR_LINE.split(line)  # old Mac files: lines end with a lone CR
            else:
                yield line
        except UnicodeDecodeError as err:
            raise ReadError(path, f"not UTF-8 (invalid byte at byte offset "
                                  f"{offset + start + err.start}); the records before it were read"
                            ) from None
        offset += len(raw)


def read_parquet(path: Path, **opts) -> Iterator[Union[Article, ReadError]]:
    """Parquet, read by record batches with pyarrow; dates may be typed (date/timestamp)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise ReadError(path, f"not a readable Parquet file: {err}") from None
    _check_columns(path, pf.schema_arrow.names, opts["text_column"])
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=_CHUNK):
            for row in batch.to_pylist():
                n += 1
                yield _row_article(row, n, path, "parquet", opts)
    except (pa.ArrowException, OSError) as err:
        raise ReadError(path, f"Parquet file unreadable after record {n}: {err}") from None


def read_dataset(
    path: Union[str, Path],
    *,
    text_column: str = "text",
    id_column: str = "id",
    title_column: str = "title",
    date_column: str = "date",
    url_column: str = "url",
    max_bytes: int = MAX_BYTES,
) -> Iterator[Union[Article, ReadError]]:
    """Articles from one dataset file, chosen by extension; bad rows come out as `ReadError`s
    and a file that cannot be read at all as one final `ReadError`."""
    path = Path(path)
    opts = dict(text_column=text_column, id_column=id_column, title_column=title_column,
                date_column=date_column, url_column=url_column, max_bytes=max_bytes)
    ext = path.suffix.lower()
    readers = {".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv, ".parquet": read_parquet}
    if ext not in readers:
        yield ReadError(path, f"not a dataset file type: {ext!r}")
        return
    try:
        yield from readers[ext](path, **opts)
    except ReadError as err:
        yield err
    except OSError as err:
        yield ReadError(path, f"cannot read: {err.strerror or err}")
