"""Segmentation: paragraphs (with their kind), quotation-mark spans, and sentences.

`fr_core_news_md` splits sentences badly on news text (inside names such as "Nations Unies",
inside quotations), and a speaker cue is usually in the same sentence as its quotation. So this
component runs before the parser and fixes every token's `is_sent_start` from punctuation rules
that never break inside a quotation; the parser respects preset boundaries.

Paragraph kinds: `prose`, `title` (first line, headline-like), `heading` (short line without final
punctuation), `caption` (photo caption: a line that starts with a credit such as "UNICEF/Nom
Prénom" or "PHOTO NOM, ARCHIVES AGENCE", or ends with one: "… Photo : AGENCE/Nom", "© NOM -
AFP"), and `boilerplate` (share buttons, agency credits, timestamps: patterns in
models/boilerplate.tsv). Captions and boilerplate are not prose: no quotations are taken from
them. Inside a line, `Block.furniture` marks what is not the story: datelines ("GENÈVE (Reuters)
-", "Rome, 4 sept 2024 (AFP) –", "(Genève)") and credits ("(Xinhua)" after the last sentence,
"(Photo, AFP)", "KEYSTONE/EPA/NOM", a site name after a headline); the entity stage takes no
person or organisation from them, and the story's first sentence starts after a dateline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import numpy
from spacy.attrs import IDX, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, fold, load_resources
from ._ext import doc_text, ensure_extensions, guarded


@dataclass(slots=True)
class Block:
    start: int
    end: int
    kind: str  # prose | title | heading | caption | boilerplate
    credit_end: int = -1  # for captions: end of the credit ("MINUSCA/Leonel Grothe")
    # spans of the line that are not part of the story, as (start, end, what) with `what` in
    # "dateline" ("GENÈVE (Reuters) -", "Rome, 4 sept 2024 (AFP) –") and "credit" (photo and
    # copy credits: "Photo : AGENCE/Prénom Nom", "(Xinhua)" after the last sentence, "© X - AFP")
    furniture: list = field(default_factory=list)

    def furniture_at(self, offset: int) -> Optional[str]:
        for a, b, what in self.furniture:
            if a <= offset < b:
                return what
        return None


@dataclass(slots=True)
class QuoteSpan:
    """Text between quotation marks: `start`/`end` exclude the marks; `closed` is False when the
    closing mark was missing and the span was ended at the paragraph end."""

    start: int
    end: int
    open_mark: str
    closed: bool = True


_CREDIT = re.compile(
    r"^(?P<credit>(?:[A-Z][\w.\-]*(?: [A-Z][\w.\-]*){0,2})/(?:[A-ZÀ-Ý][\w'\-]+\.?)"
    r"(?: (?!(?:Des|Les|Le|La|Un|Une|Deux|Trois|Dans|Au|En|Lors)\b)(?:[A-ZÀ-Ý][\w'\-]+|de|da|van|von|dos|del)){0,3})"
    r"\s+(?=[A-ZÀ-Ý«\"“])")
_END_PUNCT = tuple(".!?:;…»\"”)")

# -- furniture inside a line: datelines and credits ------------------------------------------
_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_UPWORD = rf"[{_UP}][{_UP}'’.\-]+"
_TCWORD = rf"[{_UP}][\w'’.\-]*"
_MONTH = r"(?:janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec)[a-zéû]*\.?"
_DATE = (rf"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(?:le\s+)?"
         rf"\d{{1,2}}(?:er)?\s+{_MONTH}(?:\s+\d{{4}})?")
_PAREN = r"\([^()\n]{1,40}\)"
_SEP = r"\s*(?:--|[-–—:])\s*"
_DASH = r"\s*(?:--|[-–—])\s*"
# "GENÈVE (Reuters) -", "NEW YORK:", "GENEVE (Nations Unies), 13 décembre (Xinhua) --"
_DATELINE_UP = re.compile(
    rf"(?P<place>{_UPWORD}(?:\s+{_UPWORD}){{0,3}})(?P<more>(?:\s*{_PAREN})?(?:\s*,\s*{_DATE})?"
    rf"(?:\s*,?\s*{_PAREN})?){_SEP}(?=\S)")
# "Rome, 4 sept 2024 (AFP) –", "New York, le 8 août 2005 –", "Genève (ONU Info) –"
_DATELINE_TC = re.compile(
    rf"{_TCWORD}(?:\s+{_TCWORD}){{0,3}}(?:\s*,\s*{_DATE}(?:\s*,?\s*{_PAREN})?{_SEP}|"
    rf"\s*{_PAREN}{_DASH})(?=\S)")
# "(Genève) Le procès …", "(VOVWORLD) - La 30e …"
_DATELINE_PAREN = re.compile(rf"\((?:[^()\s]+(?: [^()\s]+){{0,2}})\)(?:{_DASH}|\s+)(?=[{_UP}«\"“])")
_SENT_END_CHARS = ".!?…»\"”"
_CREDIT_END = [
    # "(Xinhua)", "(Photo, AFP)." after the last sentence of a paragraph
    re.compile(rf"(?<=[{_SENT_END_CHARS}])\s*\((?:[^()\n]{{1,30}})\)\s*\.?\s*$"),
    # "… journalistes. Photo MINUSS", "Photo d'archives AFP", "Photo : AGENCE/Prénom Nom |"
    re.compile(rf"(?:(?<=[{_SENT_END_CHARS}])\s*|^)(?:photos?|crédit(?:s)?(?:\s+photo)?)\b"
               rf"(?:\s+d['’]archives?)?\s*[:,]?[^.!?\n]{{0,60}}$", re.IGNORECASE),
    # "… - © PRÉNOM NOM - AFP"
    re.compile(r"\s*[-–—|]?\s*©[^\n]{0,80}$"),
    # "… l'organisation. KEYSTONE/EPA/PRÉNOM NOM", "… du pays. EJ/Radio Nom"
    re.compile(rf"(?<=[{_SENT_END_CHARS}])\s+[{_UP}][\w.\-]*(?:\s[{_UP}][\w.\-]*)?/[\w.'’\- /]{{2,60}}$"),
    # "… 20 Minutes avec AFP"
    re.compile(r"(?<=\s)avec\s+(?:l['’])?(?:AFP|AP|ATS|Reuters|Belga|Xinhua|Anadolu|EFE|dpa|ANSA|APS|MAP|"
               r"Keystone-ATS|[Aa]gences?)\s*$"),
]
# anywhere: "(Photo, AFP)", "(photo : X)"
_CREDIT_PAREN = re.compile(r"\((?:photos?|crédit\s+photo)\b[^()\n]{0,40}\)", re.IGNORECASE)
# at a caption's start: "PHOTO PRÉNOM NOM, ARCHIVES REUTERS La …", "STR/AFP Conférence …"
_CREDIT_START = [
    re.compile(rf"(?:PHOTOS?|Photos?)\s*:?\s*(?:[{_UP}0-9][{_UP}0-9'’.\-/&]*\b[ ,]*)+(?=[{_UP}][a-zà-ÿ])"),
    re.compile(rf"[{_UP}][\w.\-]*(?:/[{_UP}0-9.\-]{{2,}})+\s+(?=[{_UP}«\"“])"),
]
# a headline's site suffix: "… en Suisse - Xinhua - french.news.cn"
_SITE_SUFFIX = re.compile(r"(?:\s[-|–—]\s[^-|–—\n]{1,40})*\s[-|–—]\s[\w.-]+\.[a-z]{2,4}\s*$")
_ABBREV = {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "av", "etc", "no",
           "vol", "p", "art", "cf", "env", "j.-c", "s.e", "gén", "col", "lt", "sgt"}
_OPEN = {"«": "»", "“": "”", "‹": "›", "„": "“"}
_SENTENCE_END = re.compile(r"[.!?…]+[»”\"']?\s+(?=[A-ZÀ-Ý0-9«“\"'—–-])")


def split_blocks(text: str, res: Resources) -> list[Block]:
    """Lines of the text as blocks, classified. Offsets are into `text`."""
    blocks: list[Block] = []
    pos = 0
    first = True
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lstrip = len(line) - len(line.lstrip())
        start += lstrip
        end = start + len(stripped)
        kind = "prose"
        credit_end = -1
        words = stripped.split()
        m = _CREDIT.match(stripped)
        furniture: list = []
        if res.boilerplate_any is not None and res.boilerplate_any.fullmatch(stripped):
            kind = "boilerplate"
        elif m and fold(m.group("credit").split("/")[0]) in res.credit_keys:
            kind = "caption"
            credit_end = start + m.end("credit")
            furniture.append((start, credit_end, "credit"))
        else:
            furniture, photo = line_furniture(stripped, start, res)
            if photo:
                kind = "caption"
                credit_end = max((b for a, b, w in furniture if a == start and w == "credit"),
                                 default=-1)
            elif len(words) <= 14 and len(stripped) < 120 and not _ends_sentence(stripped):
                kind = "title" if first else "heading"
                furniture = [f for f in furniture if f[2] != "dateline"]  # "SIDA : le bilan"
        blocks.append(Block(start, end, kind, credit_end, furniture))
        first = False
    return blocks


def line_furniture(line: str, offset: int, res: Resources) -> tuple[list, bool]:
    """Datelines and credits inside one stripped line -> ([(start, end, what)], whether the line
    is a photo caption). Offsets are `offset` + positions in `line`."""
    spans = []
    photo = False
    m = _DATELINE_UP.match(line)
    if m and not (not m.group("more") and " " not in m.group("place") and
                  fold(m.group("place").rstrip(".")) in res.credit_keys) and \
            not any(w in res.honorifics or w.capitalize() in res.honorifics for w in m.group("place").split()) \
            and not line[m.end():].startswith(("«", "“", '"')):
        # "HCR : …" is a kicker and "M. GUTERRES : « … »" a speaker's header, not a place
        spans.append((offset, offset + m.end(), "dateline"))
    else:
        m = _DATELINE_TC.match(line) or _DATELINE_PAREN.match(line)
        if m:
            spans.append((offset, offset + m.end(), "dateline"))
    if not spans:
        for pattern in _CREDIT_START:
            m = pattern.match(line)
            if m:
                spans.append((offset, offset + m.end(), "credit"))
                photo = True
                break
    # credits at the end of the line, peeled off one after the other ("… KEYSTONE/EPA/NOM © KEYSTONE")
    rest = len(line)
    found = True
    while found:
        found = False
        for n, pattern in enumerate(_CREDIT_END):
            m = pattern.search(line, 0, rest)
            if m and m.start() > 0 and len(line[m.start():rest].split()) <= 8:
                spans.append((offset + m.start(), offset + rest, "credit"))
                # a photo credit ends a caption; an agency's copy credit after the last sentence
                # ("(Xinhua)", "avec AFP") or a source ("EJ/Radio X") ends an article's paragraph
                photo = photo or n == 1 or (n in (2, 3) and len(line.split()) <= 60)
                rest = m.start()
                found = True
                break
    for m in _CREDIT_PAREN.finditer(line):
        spans.append((offset + m.start(), offset + m.end(), "credit"))
    m = _SITE_SUFFIX.search(line)
    if m and m.start() > 0:
        spans.append((offset + m.start(), offset + len(line), "credit"))
    return sorted(spans), photo


def _ends_sentence(line: str) -> bool:
    """Final punctuation, looking inside closing quotation marks: « Nous ne partirons pas »
    is a headline-like line, « Nous partons. » a sentence."""
    core = line.rstrip(" »”\"’")
    if core != line and core.endswith(tuple(".!?…")):
        return True
    if core != line:
        return False
    return line.endswith(_END_PUNCT)


def find_quote_spans(text: str, blocks: list[Block], incise_forms=frozenset()) -> list[QuoteSpan]:
    """Quotation-mark spans over the text, paragraph-aware. `incise_forms` (the conjugated
    speech verbs of `Resources.incise_forms`) recognises an incise after a closing mark whose
    opening mark was left out.

    « » and “ ” nest; straight quotes toggle by their context. A « still open at a paragraph end
    continues when the next paragraph opens with « (French multi-paragraph style); otherwise the
    span is ended at the paragraph end (unbalanced marks are recovered, never fatal).
    """
    spans: list[QuoteSpan] = []
    prose = [b for b in blocks if b.kind not in ("caption", "boilerplate")]
    i = 0
    while i < len(prose):
        b = prose[i]
        paired = _pair_straight(text, b)
        j = b.start
        opened = False  # a mark has opened a quotation in this paragraph
        while j < b.end:
            ch = text[j]
            opener = None
            if ch in ("»", "”") and not opened and j > b.start and \
                    _orphan_close(text, b, j, incise_forms):
                # « missing at the paragraph start: "C'est une catastrophe », a déploré X."
                spans.append(QuoteSpan(b.start, j, "«", closed=False))
                opened = True
                j += 1
                continue
            if ch in _OPEN:
                opener = ch
            elif ch == '"' and paired is not None:
                if j in paired:
                    spans.append(QuoteSpan(j + 1, paired[j], '"', closed=True))
                    j = paired[j] + 1
                    continue
            elif ch == '"' and (j == b.start or not text[j - 1].isalnum()) and j + 1 < b.end \
                    and not text[j + 1].isspace() and text[j + 1] not in ",.;:!?)]»":
                opener = '"'
            elif ch == "'" and (j == b.start or text[j - 1] in " \t([") and j + 1 < b.end and \
                    text[j + 1].isalpha():
                # 'single straight quotes' used as quotation marks by some sites: never an
                # apostrophe, which follows a letter
                close = _single_close(text, j, b.end)
                if close is not None:
                    spans.append(QuoteSpan(j + 1, close, "'", closed=True))
                    j = close + 1
                    continue
            if opener is None:
                j += 1
                continue
            opened = True
            close_at, end_block = _find_close(text, prose, i, j, opener)
            if close_at is None:
                # unbalanced: end at the paragraph end
                spans.append(QuoteSpan(j + 1, b.end, opener, closed=False))
                j = b.end
                continue
            spans.append(QuoteSpan(j + 1, close_at, opener, closed=True))
            if end_block != i:
                i = end_block
                b = prose[i]
            j = close_at + 1
        i += 1
    trimmed = (_trim(text, s) for s in spans)
    return [s for s in trimmed if s.end > s.start]


# ", a déploré", ", souligne-t-elle", ", estime X": what follows a closing mark in an incise
_INCISE_START = re.compile(r"\s*,\s*([^\W\d_]+)(-t-(?:il|elle)|-(?:il|elle))?\b")


def _orphan_close(text: str, b: Block, j: int, incise_forms) -> bool:
    """A closing mark at j with no opening mark before it in its paragraph, followed by an
    incise (", a déploré X", ", souligne-t-elle"): the opening mark was left out at the start of
    the paragraph, which the closing mark ends."""
    head = text[b.start:j]
    if any(c in head for c in "«“\"") or len(head.split()) < 4:
        return False
    m = _INCISE_START.match(text, j + 1, min(b.end, j + 60))
    if m is None:
        return False
    word = m.group(1).lower()
    return word in ("a", "ont", "avait", "avaient") or word in incise_forms or bool(m.group(2))


def _single_close(text: str, j: int, end: int) -> int | None:
    """The closing ' of a single-quoted span opened at j: preceded by a non-space and followed
    by a space, punctuation or the paragraph end, within 600 characters."""
    k = j + 1
    limit = min(end, j + 600)
    while k < limit:
        if text[k] == "'" and not text[k - 1].isspace() and (k + 1 >= end or not text[k + 1].isalnum()):
            return k
        if text[k] in "«»\"“”":
            return None
        k += 1
    return None


def _pair_straight(text: str, b: Block) -> dict[int, int] | None:
    """Straight double quotes of a paragraph paired in order when there is an even number of
    them and no other quotation mark: `" Les données … "` (spaces inside, as some sites write
    them) then pairs correctly, where the local rule takes a closing mark before a comma for an
    opening one. None when the count is odd or other marks are mixed in: the local rule decides."""
    marks = [k for k in range(b.start, b.end) if text[k] == '"']
    if not marks or len(marks) % 2 or any(text[k] in _OPEN for k in range(b.start, b.end)):
        return None
    return {marks[n]: marks[n + 1] for n in range(0, len(marks), 2)}


def _find_close(text: str, prose: list[Block], bi: int, j: int, opener: str):
    """Return (offset of closing mark, block index) or (None, bi)."""
    depth = 0
    k = j + 1
    b = prose[bi]
    stray = None  # a ” closing a « (mismatched marks), used if no » comes
    while True:
        while k < b.end:
            ch = text[k]
            if opener == "«" and ch == "”" and stray is None:
                stray = k
            if opener == "«" and ch == "«":
                depth += 1
            elif opener == "«" and ch == "»":
                if depth == 0:
                    return k, bi
                depth -= 1
            elif opener == "“" and ch == "”":
                return k, bi
            elif opener == "“" and ch == "“" and (k + 1 >= b.end or not text[k + 1].isalnum()) \
                    and text[k - 1].isspace():
                return k, bi  # a wrongly oriented closing mark: ‘près d’un an “’
            elif opener == '"' and ch == '"':
                nxt = text[k + 1] if k + 1 < b.end else " "
                prev = text[k - 1]
                if not nxt.isalnum() or prev in ".,!?…":
                    return k, bi
            elif opener == "‹" and ch == "›":
                return k, bi
            k += 1
        if stray is not None:
            return stray, bi
        # paragraph ended while open: continue only in French multi-paragraph style
        if opener in ("«", "“") and bi + 1 < len(prose) and text[prose[bi + 1].start] == opener:
            bi += 1
            b = prose[bi]
            k = b.start + 1
            continue
        return None, bi


def _trim(text: str, s: QuoteSpan) -> QuoteSpan:
    a, b = s.start, s.end
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return QuoteSpan(a, b, s.open_mark, s.closed)


_WORD_CHAR = re.compile(r"[\w.\-]")


def _word_before(text: str, lo: int, hi: int) -> str:
    """The run of word characters, dots and hyphens that ends at `hi` (not before `lo`): what
    `re.search(r"([\\w.\\-]+)$", text[lo:hi])` finds, without copying the paragraph up to `hi` (on
    a paragraph of a megabyte that copy made the segmenter quadratic)."""
    k = hi
    match = _WORD_CHAR.match
    while k > lo and match(text, k - 1):
        k -= 1
    return text[k:hi]


def sentence_starts(text: str, blocks: list[Block], quotes: list[QuoteSpan]) -> set[int]:
    """Character offsets where sentences start: block starts, and after . ! ? … followed by a
    capital, a digit or an opening mark; never inside a quotation."""
    inside = bytearray(len(text) + 1)
    for q in quotes:
        end = min(q.end, len(text))
        if end > q.start:
            inside[q.start:end] = b"\x01" * (end - q.start)
    starts: set[int] = set()
    for b in blocks:
        if not inside[b.start] or b.kind in ("caption", "boilerplate"):
            starts.add(b.start)
        for a, e, _ in b.furniture:
            if a == b.start and e < b.end and not inside[e]:
                starts.add(e)  # the story starts after a dateline or a caption's credit
    pattern = _SENTENCE_END
    for b in blocks:
        for m in pattern.finditer(text, b.start, b.end):
            nxt = m.end()
            if inside[nxt] and inside[m.start()]:
                continue
            if inside[nxt] and not inside[m.start()] and text[nxt] not in "«“\"":
                continue
            word = _word_before(text, b.start, m.start()) if text[m.start()] == "." else ""
            if word and (word.lower().rstrip(".") in _ABBREV or re.fullmatch(r"[A-ZÀ-Ý]", word)):
                continue
            starts.add(nxt)
    return starts


# Articles longer than this (characters of the normalised text) are processed in paragraph-aligned
# chunks by the model components (`pipeline/chunks.py`); 0 turns chunking off. The `chunk_size`
# config setting of `onu_segmenter` (`run --chunk-size` for one run).
CHUNK_SIZE = 100_000


@Language.factory("onu_segmenter", default_config={"models": None, "chunk_size": CHUNK_SIZE})
def make_segmenter(nlp: Language, name: str, models: Optional[str], chunk_size: int = CHUNK_SIZE):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, lambda res: Segmenter(res, chunk_size=chunk_size))


@guarded
class Segmenter:
    """Sets `doc._.blocks`, `doc._.quote_spans` and every token's sentence start."""

    def __init__(self, resources: Resources | None = None, chunk_size: int = CHUNK_SIZE):
        ensure_extensions()
        self.res = resources or load_resources()
        self.chunk_size = chunk_size

    def analyse(self, text: str) -> tuple[list[Block], list[QuoteSpan], set[int]]:
        """The paragraphs, the quotation spans and the sentence starts (character offsets) of a
        text: what the component sets, computed on text alone (the chunked path of a long
        article computes them once for the whole body)."""
        blocks = split_blocks(text, self.res)
        quotes = find_quote_spans(text, blocks, self.res.incise_forms)
        return blocks, quotes, sentence_starts(text, blocks, quotes)

    def __call__(self, doc: Doc) -> Doc:
        blocks, quotes, starts = self.analyse(doc_text(doc))
        doc._.blocks = blocks
        doc._.quote_spans = quotes
        set_sentence_starts(doc, numpy.fromiter(starts, dtype="uint64", count=len(starts)))
        return doc


def set_sentence_starts(doc: Doc, starts: numpy.ndarray, offset: int = 0) -> None:
    """Every token's sentence start, in one array write (setting Token.is_sent_start token by
    token rescans the Doc each time): a token starts a sentence when its offset plus `offset`
    (the Doc's place in a longer text) is in `starts`, and the first token always does."""
    if len(doc):
        offsets = doc.to_array([IDX, IS_SPACE])
        first = numpy.isin(offsets[:, 0] + numpy.uint64(offset), starts)
        first &= offsets[:, 1] == 0
        first[0] = True
        values = numpy.where(first, 1, -1).astype("int64")
        doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))


def block_at(blocks: list[Block], offset: int) -> Block | None:
    lo, hi = 0, len(blocks) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        b = blocks[mid]
        if offset < b.start:
            hi = mid - 1
        elif offset >= b.end:
            lo = mid + 1
        else:
            return b
    return None
