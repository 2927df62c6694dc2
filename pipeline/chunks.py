"""Long articles in paragraph-aligned chunks.

spaCy's model components cost memory in proportion to the Doc they process (about 3.6 MB per KB
of text for `fr_core_news_md`: a 1 MB article peaked at 3.7 GB), while our stages need the whole
article at once (entity clusters, salience, the previous speaker, offsets into the body). So an
article longer than the chunk size (the `chunk_size` setting of `onu_segmenter`, 100,000
characters of the normalised text by default; `run --chunk-size`) is processed in two passes:

1. The segmenter's text analysis (paragraphs, quotation spans, sentence starts) runs once on the
   whole body; it is linear in the text and needs no model.
2. The body is cut into chunks at paragraph starts, never inside a quotation (a quotation may
   span paragraphs); a paragraph longer than the chunk size is cut at a sentence start, and a
   sentence longer than it at a space (`plan_chunks`). Each chunk runs through the model
   components (tok2vec, morphologizer, parser, lemmatizer, ner) with the sentence starts of the
   whole-body analysis, and with up to `CONTEXT` characters of the text on each side (whole
   sentences), so that every token of the chunk sees the same neighbours as in one pass over
   the body: the model's annotations of the chunk's own tokens are those of the unchunked run.
   Only the chunk's own tokens are kept, as arrays; the chunk's Doc and its tensor are dropped
   before the next chunk, so spaCy's memory is bounded by the chunk, not the article.
3. The kept annotations are written on the article's own Doc (the whole body, tokenised once:
   the tokenizer cuts at every change between whitespace and the rest, and chunks start after
   whitespace, so its tokens are those of the chunks, which is checked), and our stages
   (`onu_entities` … `onu_record`) run once on it, with the segmenter's whole-body paragraphs and
   quotation spans: entity clusters, salience and the previous speaker carry across chunks as in
   any article, and every offset is into the whole body.

An article no longer than the chunk size takes the ordinary path (`nlp.pipe`), unchanged.
"""
from __future__ import annotations

import bisect
import math
import time
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH, ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from .stages.segment import CHUNK_SIZE, set_sentence_starts

__all__ = ["CHUNK_SIZE", "CONTEXT", "Chunk", "plan_chunks", "chunk_size_of", "run_chunked", "TIMINGS"]

# Characters of text on each side of a chunk that the model sees but whose annotations are
# dropped (rounded out to whole sentences): tok2vec looks 4 tokens away, the parser and the
# entity recogniser a few more.
CONTEXT = 400

# Components that are ours: everything from the first of them after the segmenter runs on the
# whole article; the model components before it run per chunk.
_POST_STAGES = ("onu_entities", "onu_titles", "onu_people", "onu_discourse", "onu_quotes",
                "onu_attribution", "onu_dates", "onu_record")


@dataclass(frozen=True)
class Chunk:
    """Characters [start, end) of the body are this chunk's; the model reads [ctx_start,
    ctx_end), which holds them and whole sentences of context on each side."""
    start: int
    end: int
    ctx_start: int
    ctx_end: int


def chunk_size_of(nlp: Language, chunk_size: Optional[int] = None) -> int:
    """The chunk size in force: `chunk_size` when given, else the segmenter's setting (0: never
    chunk)."""
    if chunk_size is not None:
        return max(0, int(chunk_size))
    if "onu_segmenter" not in nlp.pipe_names:
        return 0
    seg = nlp.get_pipe("onu_segmenter")
    return max(0, int(getattr(getattr(seg, "stage", seg), "chunk_size", CHUNK_SIZE) or 0))


def _ws_cut(text: str, p: int) -> bool:
    """A place where the tokenizer cuts whatever the text around it: a non-space character right
    after whitespace (spaCy's tokenizer splits the text at every change between whitespace and
    non-whitespace, and tokenises each piece alone)."""
    return 0 < p < len(text) and text[p - 1].isspace() and not text[p].isspace()


def plan_chunks(text: str, blocks, quotes, starts: Iterable[int], size: int,
                context: int = CONTEXT) -> list[Chunk]:
    """Paragraph-aligned chunks of about `size` characters covering `text` (one chunk when the
    text is no longer than `size`). A cut falls at a paragraph start outside every quotation
    (a quotation may run over several paragraphs); within a paragraph longer than `size`, at a
    sentence start; within a sentence longer than that, after a space outside any quotation
    (after any space if a quotation is longer than `size`). Chunks are balanced: a text of 2.5
    sizes gives three chunks of about 0.83 size, not two full ones and a short one."""
    n = len(text)
    if size <= 0 or n <= size:
        return [Chunk(0, n, 0, n)]
    inside = bytearray(n + 1)  # 1 where a cut would fall inside a quotation
    for q in quotes:
        a, b = max(0, q.start), _closing_mark(text, q) + 1  # up to the closing mark, included
        if b > a:
            inside[a:b] = b"\x01" * (b - a)
    para = sorted(b.start for b in blocks if 0 < b.start < n and not inside[b.start]
                  and _ws_cut(text, b.start))
    sent = sorted(p for p in set(starts) if 0 < p < n and not inside[p] and _ws_cut(text, p))
    cuts = [0]
    pos = 0
    while n - pos > size:
        target = pos + (n - pos) / math.ceil((n - pos) / size)
        hi = pos + size
        cut = _closest(para, pos, hi, target) or _closest(sent, pos, hi, target)
        if cut is None:
            cut = _space_cut(text, inside, pos, hi, target)
        cuts.append(cut)
        pos = cut
    cuts.append(n)
    chunks = []
    for a, b in zip(cuts, cuts[1:]):
        chunks.append(Chunk(a, b, _context_start(text, sent, a, context),
                            _context_end(text, sent, b, context)))
    return chunks


def _closing_mark(text: str, q) -> int:
    """The offset of a quotation span's closing mark (spans exclude their marks and the spaces
    inside them: "« mot »"), or of its last character when the mark is missing."""
    e = min(q.end, len(text))
    if not getattr(q, "closed", True):
        return max(q.start, e - 1)
    while e < len(text) and text[e].isspace():
        e += 1
    return min(e, len(text) - 1)


def _closest(points: list[int], lo: int, hi: int, target: float) -> Optional[int]:
    """The point of the sorted list in (lo, hi] closest to target, or None."""
    i = bisect.bisect_right(points, lo)
    j = bisect.bisect_right(points, hi)
    if i >= j:
        return None
    k = bisect.bisect_left(points, target, i, j)
    near = [points[x] for x in (k - 1, k) if i <= x < j]
    return min(near, key=lambda p: (abs(p - target), -p))


def _space_cut(text: str, inside: bytearray, lo: int, hi: int, target: float) -> int:
    """A cut after a space in (lo, hi], the nearest to target outside quotations, else the
    nearest anywhere (a quotation longer than the size); with no space at all in (lo, hi], the
    first one after hi (the chunk is then longer than the size), or the end of the text."""
    t = min(hi, max(lo + 1, int(target)))
    for ok_inside in (False, True):
        below = next((p for p in range(t, lo, -1)
                      if _ws_cut(text, p) and (ok_inside or not inside[p])), None)
        above = next((p for p in range(t + 1, hi + 1)
                      if _ws_cut(text, p) and (ok_inside or not inside[p])), None)
        found = [p for p in (below, above) if p is not None]
        if found:
            return min(found, key=lambda p: (abs(p - target), -p))
    p = hi + 1
    while p < len(text) and not _ws_cut(text, p):
        p += 1
    return p


def _context_start(text: str, sent: list[int], a: int, context: int) -> int:
    if a == 0:
        return 0
    i = bisect.bisect_right(sent, a - context) - 1
    if i >= 0 and sent[i] >= a - 4 * context:
        return sent[i]  # the start of the sentence that holds the context's first character
    p = max(1, a - context)
    while p > 0 and not _ws_cut(text, p):
        p -= 1
    return p


def _context_end(text: str, sent: list[int], b: int, context: int) -> int:
    n = len(text)
    if b >= n:
        return n
    i = bisect.bisect_left(sent, b + context)
    if i < len(sent) and sent[i] <= b + 4 * context:
        return sent[i]
    p = min(n, b + context)
    while p < n and not _ws_cut(text, p):
        p += 1
    return p


# ---- running the pipeline ---------------------------------------------------------------------

# the annotations carried from the chunks to the article's Doc (Doc.from_docs carries the same,
# less the tokens' texts and spaces, which the article's own tokenisation gives)
_ATTRS = tuple(a for a in Doc._get_array_attrs() if a not in (LENGTH, SPACY, ORTH))


def split_pipeline(nlp: Language) -> tuple[list, list]:
    """(the components that run per chunk, those that run on the whole article), enabled ones
    in pipeline order: our stages from `onu_entities` on run on the whole article."""
    pipes = list(nlp.pipeline)
    names = [name for name, _ in pipes]
    first = next((k for k, name in enumerate(names) if name in _POST_STAGES), len(pipes))
    return pipes[:first], pipes[first:]


def run_chunked(nlp: Language, doc: Doc, size: Optional[int] = None) -> Doc:
    """Run the pipeline on `doc`, a Doc fresh from `pipeline.core.make_doc` (or `nlp.make_doc`
    with `doc._.text` set), in chunks when its text is longer than the chunk size (`size`, else
    the segmenter's setting), else as `nlp(doc)`. Stages record their failures on
    `doc._.errors` as usual; a model component that raises raises here."""
    size = chunk_size_of(nlp, size)
    text = doc._.text if doc._.text is not None else doc.text
    if size <= 0 or len(text) <= size or "onu_segmenter" not in nlp.pipe_names:
        return nlp(doc)
    clock = _Clock(TIMINGS)
    pre, post = split_pipeline(nlp)
    seg = nlp.get_pipe("onu_segmenter")
    blocks, quotes, starts = getattr(seg, "stage", seg).analyse(text)
    chunks = plan_chunks(text, blocks, quotes, starts, size)
    all_starts = numpy.fromiter(sorted(starts), dtype="uint64", count=len(starts))
    clock.lap("onu_segmenter")
    orths, arrays = [], []
    for chunk in chunks:
        orth, values = _model_chunk(nlp, pre, text, chunk, all_starts)
        orths.append(orth)
        arrays.append(values)
    # `doc` holds the tokens of the whole text, which are those of the chunks: the tokenizer
    # cuts at every change between whitespace and the rest, and chunks start after whitespace
    orth = numpy.concatenate(orths) if orths else numpy.zeros(0, dtype="uint64")
    if len(orth) != len(doc) or not numpy.array_equal(orth, doc.to_array(ORTH)):
        raise RuntimeError("the chunks' tokens differ from the article's")
    del orths, orth
    values = numpy.concatenate(arrays) if arrays else numpy.zeros((0, len(_ATTRS)), dtype="uint64")
    del arrays
    _join_entities(values)
    if len(doc):
        doc.from_array(list(_ATTRS), values)
    del values
    if doc._.text is None:
        doc._.text = text
    doc._.blocks = blocks
    doc._.quote_spans = quotes
    clock.lap("model (chunks)")
    for name, proc in post:
        doc = proc(doc)
        clock.lap(name)
    return doc


# When a dict, `run_chunked` adds to it the CPU seconds of each part of a chunked article:
# "onu_segmenter" (the text analysis and the chunks' plan), "model (chunks)" (the model
# components on every chunk and the merge) and each of our stages by name (`pipeline.bench`).
TIMINGS: Optional[dict] = None


class _Clock:
    def __init__(self, into: Optional[dict]):
        self.into = into
        self.t = time.process_time()

    def lap(self, name: str) -> None:
        if self.into is not None:
            now = time.process_time()
            self.into[name] = self.into.get(name, 0.0) + now - self.t
            self.t = now


def _model_chunk(nlp: Language, pre: list, text: str, chunk: Chunk,
                 all_starts: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """One chunk through the per-chunk components `pre` (the segmenter's sentence starts come
    from the whole text, `all_starts`): (ORTH, `_ATTRS` annotations) of the chunk's own tokens.
    The chunk's Doc, its tensor and the model's per-Doc memory are dropped on return."""
    cdoc = nlp.tokenizer(text[chunk.ctx_start:chunk.ctx_end])
    lo = int(numpy.searchsorted(all_starts, chunk.ctx_start))
    hi = int(numpy.searchsorted(all_starts, chunk.ctx_end))
    for name, proc in pre:
        if name == "onu_segmenter":
            set_sentence_starts(cdoc, all_starts[lo:hi], chunk.ctx_start)
        else:
            cdoc = proc(cdoc)
    idx = cdoc.to_array(IDX)
    s = int(numpy.searchsorted(idx, chunk.start - chunk.ctx_start))
    e = int(numpy.searchsorted(idx, chunk.end - chunk.ctx_start))
    return cdoc.to_array(ORTH)[s:e].copy(), cdoc.to_array(list(_ATTRS))[s:e].copy()


def _join_entities(values: numpy.ndarray) -> None:
    """An entity tag I (inside) right after a token outside any entity, or inside one of another
    type, becomes B (begin): at a chunk's first token, the entity recogniser may have continued
    an entity of the context that the previous chunk ended otherwise. (Never the case within a
    chunk: the recogniser's tags are valid sequences.)"""
    if not len(values):
        return
    iob = values[:, _ATTRS.index(ENT_IOB)]
    typ = values[:, _ATTRS.index(ENT_TYPE)]
    prev_iob = numpy.concatenate([numpy.array([2], dtype=iob.dtype), iob[:-1]])
    prev_typ = numpy.concatenate([numpy.array([0], dtype=typ.dtype), typ[:-1]])
    orphan = (iob == 1) & (((prev_iob != 1) & (prev_iob != 3)) | (prev_typ != typ))
    iob[orphan] = 3
