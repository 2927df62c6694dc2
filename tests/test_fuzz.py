"""Property-based tests (Hypothesis) over hostile French-like text: see tests/strategies.py.

For any input, `pipeline.extract`:
- raises nothing (a stage that fails makes `extract` raise, so this covers every stage);
- gives spans inside the record's own `body` (quotations, people, organisation and place
  mentions, dates): 0 <= start <= end <= len(body), and body[start:end] is the span's text;
- gives a record valid against the JSON Schema, with ids that refer to something in it;
- gives the same record for the same input, byte for byte, also inside an `nlp.pipe` batch
  after another article (as the engines run it).

The readers, on generated JSONL, CSV and text files and on plain bytes, yield articles or
`ReadError`s and nothing else, with ids that are safe file names and real ISO dates.

Control characters: normalisation makes NUL and the other C0/C1 controls spaces (offsets do not
move), CR and CRLF line ends LF, and drops zero-width characters, BOM, soft hyphens and the bidi
marks and controls; the properties hold on the record's `body`, the normalised text, which holds
no control character but LF.

Budget: the "fast" profile (tests/conftest.py) runs in well under a minute;
`HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py` explores 30 times more.
"""
from __future__ import annotations

import datetime
import json
import re

import jsonschema
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.core import records_from_articles
from pipeline.readers import ReadError, iter_articles
from pipeline.readers.datasets import normalise_date
from pipeline.records import Article, json_schema
from pipeline.resources import load_resources
from pipeline.stages.normalize import normalize
from pipeline.stages.segment import find_quote_spans, sentence_starts, split_blocks

from strategies import DATE_LIKE, articles, input_files, published

_PREVIOUS = ["« Nous resterons », a déclaré M. Diallo."]  # the last article extracted
_N = settings().max_examples  # of the loaded profile; cheap tests run more examples
VALIDATOR = jsonschema.Draft202012Validator(json_schema())
# (normalised, original) pairs normalisation may produce besides a space after « / before »
_CHANGES = {(" ", c) for c in "\u00a0\u202f\u2009\u2007\u200a\t"} | {
    (" ", chr(c)) for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), *range(0x7f, 0xa0)]} | {
    ("'", c) for c in "’ʼ′"} | {("\n", "\r")}


def spans_of(record: dict):
    """(where, start, end, text) for every span the record carries."""
    for q in record["quotes"]:
        yield f"quote {q['id']} ({q['type']})", q["start"], q["end"], q["text"]
    for kind in ("people", "organisations", "places"):
        for item in record[kind]:
            for m in item["mentions"]:
                yield f"{kind} {item['id']} mention", m["start"], m["end"], m["text"]
    for d in record["dates"]:
        yield "date", d["start"], d["end"], d["text"]


def check_record(record: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(record), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    body = record["body"]
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", body), "a control character in body"
    for where, start, end, text in spans_of(record):
        assert 0 <= start <= end <= len(body), (where, start, end, len(body))
        assert body[start:end] == text, (where, start, end, body[start:end], text)
    for q in record["quotes"]:
        assert q["start"] < q["end"], q
    ids = {x["id"] for kind in ("people", "organisations", "places") for x in record[kind]}
    assert len(ids) == sum(len(record[k]) for k in ("people", "organisations", "places"))
    assert len({q["id"] for q in record["quotes"]}) == len(record["quotes"])
    for q in record["quotes"]:
        assert q["speaker_id"] is None or q["speaker_id"] in ids, q
    orgs = {o["id"] for o in record["organisations"]}
    for p in record["people"]:
        for t in p["titles"]:
            assert t["organisation_id"] is None or t["organisation_id"] in orgs, t


@settings(max_examples=_N)
@given(text=articles(), pub=published())
@example(text="« Nous resterons », a déclaré M. Diallo.", pub="2021-11")
@example(text="\x00« \u202eNous\u200f resterons\x85 »\r\ra-t-elle déclaré\u2066.", pub=None)
@example(text="", pub=None)
@example(text=" \n\t\n\u00a0", pub="2024-03-12")
def test_extract_properties(nlp, extract, text, pub):
    record = extract(text, published=pub)
    check_record(record)
    # the same record again, this time in one nlp.pipe batch after the previous example's
    # article, as the engines run it: no state leaks from one article to the next
    batch = [Article(id="prev", text=_PREVIOUS[0]), Article(id="t", text=text, published=pub)]
    (_, _), (_, again) = records_from_articles(nlp, batch)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(record, ensure_ascii=False)
    _PREVIOUS[0] = text


@settings(max_examples=_N * 4)
@given(text=st.one_of(articles(), st.text()))
def test_normalize_offset_map(text):
    out, m = normalize(text)
    assert len(m.original) == len(out)
    prev = -1
    for i in range(len(out)):
        o = m.to_original(i)
        assert prev <= o < len(text)
        prev = o
    assert m.to_original(len(out)) == len(text)
    for i, ch in enumerate(out):  # each character is the original one or a documented change
        was = text[m.to_original(i)]
        # a space inserted after a guillemet, or after a glued comma, bracket or abbreviation's
        # full stop ("M.Houngbo"), maps to that character
        assert ch == was or (ch, was) in _CHANGES or (ch == " " and was in "«»,.)"), (i, ch, was)
    assert normalize(out)[0] == out  # idempotent: a body fed back in is unchanged


@settings(max_examples=_N * 4)
@given(text=articles())
def test_segment_spans_stay_in_their_paragraph(text):
    text, _ = normalize(text)
    blocks = split_blocks(text, load_resources())
    quotes = find_quote_spans(text, blocks)
    for b in blocks:
        assert 0 <= b.start < b.end <= len(text)
        assert text[b.start:b.end].strip() == text[b.start:b.end]
    for q in quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert not text[q.start].isspace() and not text[q.end - 1].isspace()
    for s in sentence_starts(text, blocks, quotes):
        assert 0 <= s < len(text)


def check_published(published) -> None:
    """None or a real date in ISO form, ASCII digits, as the schema's pattern means it."""
    if published is None:
        return
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", published, re.ASCII), published
    parts = [int(p) for p in published.split("-")] + [1, 1]
    datetime.date(*parts[:3])  # raises for year 0, month 13, 31 February


@settings(max_examples=_N * 2)
@given(value=st.one_of(st.text(max_size=30), st.sampled_from(DATE_LIKE), st.integers(), st.floats(),
                       st.dates(), st.datetimes(), st.none()))
def test_dataset_dates_are_real_iso_dates_or_none(value):
    check_published(normalise_date(value))


@settings(max_examples=_N * 2)
@given(file=input_files())
def test_readers_yield_articles_or_read_errors(tmp_path_factory, file):
    ext, data = file
    path = tmp_path_factory.mktemp("fuzz") / f"input{ext}"
    path.write_bytes(data)
    for item in iter_articles(path):
        assert isinstance(item, (Article, ReadError)), item
        if isinstance(item, Article):
            assert item.id and item.text and item.text == item.text.strip(), item
            assert "\r" not in item.text
            # the id names the output files: no path, no hidden file, a name the disk can hold
            assert not re.search(r"[/\\\x00]", item.id) and not item.id.startswith("."), item.id
            assert len(item.id.encode("utf-8")) <= 200
            check_published(item.published)
