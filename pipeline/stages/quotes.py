"""Quotations: direct (between marks) and indirect (reported speech without marks).

Direct: the mark spans found by the segmenter, minus names of things ("le rapport « … »") and
scare quotes (a short span nobody is said to have said), split where an incise interrupts the
marks ("« A, a-t-il dit, B »" is two quotations).

Indirect: the clause after "que"/"qu'" of a speech verb, the infinitive after "appeler à" /
"demander de", an infinitive complement ("a dit n'avoir jamais …"), a sentence closed by a
postposed incise ("…, a insisté la responsable."), and "selon X," / "d'après X," / "pour X,".
Reported content that holds a direct quotation is left to the direct one (annotation guide).
"""
from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Optional

from spacy.attrs import POS
from spacy.language import Language
from spacy.symbols import ADJ, ADV, AUX, NOUN, PRON, SCONJ, VERB
from spacy.tokens import Doc, Span

from ..resources import Resources, fold, load_resources
from ._ext import ensure_extensions, guarded, sentence_of, sentences, token_lows, token_texts
from .segment import block_at

PRONOUN_CLITICS = {"-il": ("male", "sing"), "-elle": ("female", "sing"), "-ils": ("male", "plur"),
                   "-elles": ("female", "plur"), "il": ("male", "sing"), "elle": ("female", "sing"),
                   "ils": ("male", "plur"), "elles": ("female", "plur"), "-t-il": ("male", "sing"),
                   "-t-elle": ("female", "sing")}
_SELON = {"selon", "d'après", "d’après"}
# clitics between a verb and its infinitive complement: "affirme se sentir", "dit n'en avoir"
_CLITICS_BEFORE_INF = {"ne", "n'", "se", "s'", "en", "y", "le", "la", "les", "l'", "lui", "leur"}


@dataclass(slots=True)
class QuoteCandidate:
    start: int
    end: int
    text: str
    type: str  # direct | indirect
    cue: Optional[str] = None
    cue_tok: Optional[int] = None  # token index of the speech verb
    subject_tok: Optional[int] = None  # token known to be the speaker (selon X, incise subject)
    rule_hint: Optional[str] = None  # how the quotation was found (incise, que, selon …)
    closed: bool = True
    # set by attribution
    speaker_kind: Optional[str] = None
    speaker_ref: Optional[str] = None  # cluster id
    speaker_name: Optional[str] = None
    confidence: float = 0.0
    rule: Optional[str] = None
    evidence: Optional[str] = None
    extra: dict = field(default_factory=dict)


_CLITICS_BEFORE_PARTICIPLE = {"a", "avait", "ont", "avaient", "aurait", "-il", "-elle", "-ils",
                              "-elles", "-t", "est", "s'est", "sont"}


def verb_lemma(tok, res: Optional[Resources] = None) -> str:
    """The verb's infinitive; a participle the tagger read as a noun after an auxiliary
    ("a-t-il résumé") is looked up among the speech verbs' participles."""
    lemma = tok.lemma_.lower().removeprefix("se ")
    res = res or load_resources()
    if tok.pos_ in ("NOUN", "ADJ") and lemma not in res.speech_verbs:
        present = _present_as_noun(tok, res)
        if present:
            return present
    if lemma not in res.speech_verbs and tok.i > 0 and \
            tok.doc[tok.i - 1].lower_ in _CLITICS_BEFORE_PARTICIPLE:
        return res.participles.get(tok.lower_, lemma)
    if lemma not in res.speech_verbs:
        # the lemmatizer misses some conjugated forms ("estime" -> "estime"): a present or a
        # participle of a speech verb, tagged as a verb or standing where an incise stands
        form = res.incise_forms.get(tok.lower_)
        if form and (tok.pos_ in ("VERB", "AUX") or _incise_position(tok)):
            return form
    return lemma


def _incise_position(tok) -> bool:
    """After a comma or a closing quotation mark, or before a subject clitic ("raconte-t-il")."""
    doc = tok.doc
    prev = doc[tok.i - 1].text if tok.i > 0 else ""
    nxt = doc[tok.i + 1].text if tok.i + 1 < len(doc) else ""
    return prev in (",", "»", "”", '"') or nxt.startswith("-")


_SPEECH_POS = frozenset(("VERB", "AUX", "NOUN", "ADJ"))


def is_speech_verb(tok, res: Resources) -> bool:
    pos = tok.pos_
    if pos not in _SPEECH_POS:
        return False  # most tokens: decided without building a lemma string
    cache = res.lemma_is_speech  # hot path: one dict lookup per token
    hit = cache.get(tok.lemma)
    if hit is None:
        if len(cache) > 200_000:  # open vocabulary: keep the memo bounded
            cache.clear()
        hit = cache[tok.lemma] = tok.lemma_.lower().removeprefix("se ") in res.speech_verbs
    if hit:
        return True
    # a participle read as a noun after its auxiliary, or a present tense read as a noun: only
    # possible for a word that is a speech verb's participle or its present in -e
    may = res.form_may_speak.get(tok.lower)
    if may is None:
        if len(res.form_may_speak) > 200_000:  # open vocabulary: keep the memo bounded
            res.form_may_speak.clear()
        low = tok.lower_
        may = res.form_may_speak[tok.lower] = low in res.participles or (
            low.endswith("e") and low[:-1] + "r" in res.speech_verbs) or low in res.incise_forms
    if not may:
        return False
    return verb_lemma(tok, res) in res.speech_verbs or (
        pos in ("NOUN", "ADJ") and _present_as_noun(tok, res) is not None)


_SPEECH_POS_IDS = frozenset((VERB, AUX, NOUN, ADJ))


def speech_mask(doc: Doc, res: Resources, pos: Optional[list[int]] = None) -> list[bool]:
    """`is_speech_verb` for every token, the parts of speech read from one array (`pos`, from
    `doc.to_array(POS)`): only verbs, nouns and adjectives become Token objects."""
    if pos is None:
        pos = doc.to_array(POS).tolist()
    return [p in _SPEECH_POS_IDS and is_speech_verb(doc[i], res) for i, p in enumerate(pos)]


def _present_as_noun(tok, res: Resources) -> Optional[str]:
    """"l'agence demande aux autorités": a present-tense -er verb tagged as a noun, recognised
    when it follows its subject and opens its complement (à, de, que, au, aux)."""
    low = tok.lower_
    if not low.endswith("e") or low[:-1] + "r" not in res.speech_verbs or tok.i == 0:
        return None
    prev, nxt = tok.doc[tok.i - 1], tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if prev.pos_ in ("DET", "ADP") or nxt is None or nxt.lower_ not in ("à", "au", "aux", "de", "d'", "que", "qu'"):
        return None
    return low[:-1] + "r"


def _tok_range(doc: Doc, start: int, end: int) -> Optional[Span]:
    return doc.char_span(start, end, alignment_mode="expand")


@guarded
class QuoteFinder:
    def __init__(self, resources: Resources | None = None, min_words: int = 4):
        ensure_extensions()
        self.res = resources or load_resources()
        self.min_words = min_words
        self._local = threading.local()  # `_memo`

    def __call__(self, doc: Doc) -> Doc:
        try:
            return self._find(doc)
        finally:
            self._local.memo = None

    @property
    def _memo(self) -> Optional["_Memo"]:
        """What is remembered of the document being processed (per thread, so that the
        component keeps no state of its own between documents)."""
        return getattr(self._local, "memo", None)

    def _find(self, doc: Doc) -> Doc:
        quotes: list[QuoteCandidate] = []
        named = ({t for m in doc._.person_mentions or [] for t in range(m.tok_start, m.tok_end)},
                 {t for m in doc._.titles or [] for t in range(m.tok_start, m.tok_end)})
        # per-token views read once: walking the Doc builds a Token object at every step
        pos = doc.to_array(POS).tolist()
        speech = speech_mask(doc, self.res, pos)
        lows = token_lows(doc)
        self._local.memo = _Memo(speech, lows, named[1])
        for qs in doc._.quote_spans or []:
            span = _tok_range(doc, qs.start, qs.end)
            if span is None or not self._is_quotation(doc, span, qs):
                continue
            quotes.extend(self._split_incises(doc, span, qs.closed, named))
        direct_ranges = sorted((q.start, q.end) for q in quotes)
        direct_starts = [a for a, _ in direct_ranges]
        inside = bytearray(len(doc))  # token i lies inside a direct quotation
        for a, b in direct_ranges:
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is not None:
                inside[span.start:span.end] = b"\x01" * len(span)
        blocks = doc._.blocks or []
        for sent in sentences(doc):
            b = block_at(blocks, sent.start_char) if blocks else None
            if b is not None and b.kind in ("caption", "boilerplate"):
                continue
            if not any(speech[i] or lows[i] in _SELON or lows[i] in ("pour", "d'")
                       for i in range(sent.start, sent.end)):
                continue  # no cue in the sentence: nothing to report
            quotes.extend(self._indirect(doc, sent, direct_ranges, inside, speech, lows, pos,
                                         direct_starts))
        quotes.sort(key=lambda q: q.start)
        doc._.quotes = quotes
        return doc

    # ---- direct -----------------------------------------------------------------------------
    def _is_quotation(self, doc: Doc, span: Span, qs) -> bool:
        words = [t for t in span if t.is_alpha or t.like_num]
        if not words or (len(words) == 1 and len(words[0].text) < 2):
            return False
        before = doc[span.start - 2] if span.start >= 2 else None  # token before the mark
        if before is not None and fold(before.text) in self.res.naming_cues and len(words) <= 12 \
                and not (before.i > 0 and doc[before.i - 1].lower_ in ("a", "ont", "avait")) \
                and before.morph.get("VerbForm") != ["Fin"]:
            # "l'opération dite « … »"; but "ce que X a appelé « … »" and "elle se dit « … »"
            # (a finite verb) are the speaker's words
            return False
        if len(words) >= self.min_words:
            return True
        # short span: a quotation only when someone is said to say it in this sentence
        sent = sentence_of(doc, span.start)
        if all(w.text[:1].isupper() for w in words) and len(words) > 1:
            return False  # Title Case name of a thing
        if len(words) >= 2:
            b = block_at(doc._.blocks or [], span.start_char)
            if b is not None and b.kind in ("title", "heading"):
                return True  # a headline quotes its speaker's words: « travail décent »
        memo = self._memo
        if memo is not None:
            # a speech verb or "selon" of the sentence outside the span (the cues of a sentence
            # are listed once: a sentence may hold hundreds of short quotations)
            cues = memo.cues(sent)
            return bool(cues) and (cues[0] < span.start or cues[-1] >= span.end)
        for tok in sent:
            if span.start <= tok.i < span.end:
                continue
            if is_speech_verb(tok, self.res) or tok.lower_ in _SELON:
                return True
        return False

    def _split_incises(self, doc: Doc, span: Span, closed: bool,
                       named: tuple[set, set]) -> list[QuoteCandidate]:
        """« A, a-t-il dit, B » -> two quotations sharing the incise's verb; also an incise with
        a named subject or ending a sentence inside the marks: « A, ajoute X. B », « A,
        poursuit-il. B »."""
        people, titles = named  # tokens of person mentions and of titles
        pieces = []
        cur = span.start
        i = span.start
        while i < span.end:
            tok = doc[i]
            if tok.text == "," and i + 2 < span.end:
                j = i + 1
                verb = None
                clitic = None
                k = j
                while k < min(span.end, j + 4):
                    t = doc[k]
                    if t.lower_ in PRONOUN_CLITICS and t.text.startswith("-"):
                        clitic = k
                    elif verb is None and self._incise_verb(t):
                        verb = k
                    elif t.pos_ not in ("AUX", "PRON") and t.text != "-t":
                        break
                    k += 1
                subject = clitic
                if verb is not None and clitic is None:
                    # an inverted named subject: ", ajoute Filippo Grandi." / ", souligne la
                    # Haute-Commissaire,"
                    m = verb + 1
                    while m < span.end and m < verb + 14 and doc[m].text not in (",", ".", ";"):
                        if m in people or m in titles:
                            subject = subject if subject is not None else m
                        elif doc[m].pos_ == "VERB":
                            subject = None
                            break
                        m += 1
                    k = m
                if verb is not None and subject is not None and k < span.end and \
                        doc[k].text in (",", "."):
                    pieces.append((cur, i, verb, subject))
                    cur = k + 1
                    i = k + 1
                    continue
            i += 1
        out = []
        for s, e, verb, subject in pieces:
            out.append(self._direct(doc, s, e, closed=True, cue_tok=verb, subject_tok=subject,
                                    hint="incise-inside"))
        last = self._direct(doc, cur, span.end, closed=closed)
        if pieces:
            last.cue_tok, last.subject_tok, last.rule_hint = pieces[-1][2], pieces[-1][3], "incise-inside"
        out.append(last)
        return [q for q in out if q.text]

    def _incise_verb(self, t) -> bool:
        if t.pos_ in ("VERB", "NOUN", "ADJ") and is_speech_verb(t, self.res):
            verb = self.res.speech_verbs.get(verb_lemma(t, self.res))
            return verb is not None and verb.incise
        lemma = self.res.incise_forms.get(t.lower_)
        return lemma is not None and self.res.speech_verbs[lemma].incise

    def _direct(self, doc: Doc, s: int, e: int, closed: bool, cue_tok=None, subject_tok=None,
                hint=None) -> QuoteCandidate:
        while e > s and (doc[e - 1].is_space or doc[e - 1].text in (",",)):
            e -= 1
        span = doc[s:e]
        start, end = span.start_char, span.end_char
        return QuoteCandidate(start, end, span.text, "direct", cue_tok=cue_tok,
                              subject_tok=subject_tok, rule_hint=hint, closed=closed)

    # ---- indirect ---------------------------------------------------------------------------
    def _indirect(self, doc: Doc, sent: Span, direct: list[tuple[int, int]], inside: bytearray,
                  speech: list[bool], lows: list[str], pos: list[int],
                  direct_starts: list[int]) -> list[QuoteCandidate]:
        out: list[QuoteCandidate] = []
        out_starts: list[int] = []  # out[i].start, sorted
        end_tok = sent.end
        while end_tok > sent.start and (doc[end_tok - 1].is_space or doc[end_tok - 1].text in (".", "!", "?", "…", ";")):
            end_tok -= 1
        if end_tok <= sent.start:
            return out

        def overlaps_direct(a: int, b: int) -> bool:
            # `direct` is sorted and its ranges do not overlap: only the last one starting
            # before b can reach past a
            k = bisect_left(direct_starts, b)
            return k > 0 and direct[k - 1][1] > a

        def make(s_tok: int, e_tok: int, cue: Optional[str], cue_tok: Optional[int], hint: str,
                 subject_tok: Optional[int] = None):
            while s_tok < e_tok and doc[s_tok].text in (",", ":", "-", "–"):
                s_tok += 1
            while e_tok > s_tok and doc[e_tok - 1].text in (",", ":", "-", "–"):
                e_tok -= 1
            if e_tok - s_tok < 3:
                return
            span = doc[s_tok:e_tok]
            if overlaps_direct(span.start_char, span.end_char):
                return
            # `out` is kept sorted by start, and its spans never overlap (the order does not
            # matter: the quotations are sorted by start at the end), so the spans a new one
            # holds follow one another, and only the last one starting before its end can
            # overlap it: a sentence with hundreds of reports costs no more per report
            a, b = span.start_char, span.end_char
            k = bisect_left(out_starts, a)
            if hint == "incise-after":
                # the words before a closing incise are all reported, cues inside them included
                e = k
                while e < len(out) and out[e].end <= b:
                    e += 1
                del out[k:e], out_starts[k:e]
            j = bisect_left(out_starts, b)
            if j > 0 and out[j - 1].end > a:
                return
            out.insert(k, QuoteCandidate(span.start_char, span.end_char, span.text, "indirect",
                                         cue=cue, cue_tok=cue_tok, subject_tok=subject_tok,
                                         rule_hint=hint))
            out_starts.insert(k, a)

        texts = token_texts(doc)

        commas: list[int] = []  # the sentence's commas outside quotations, listed on first use

        def next_comma(after: int) -> Optional[int]:
            if not commas:
                commas.extend(i for i in range(sent.start, sent.end)
                              if texts[i] == "," and not inside[i])
                commas.append(len(doc) + 1)  # listed (and a sentinel)
            k = bisect_right(commas, after)
            return commas[k] if commas[k] < sent.end else None

        # selon X, … / d'après X, … / …, selon X.
        for i in range(sent.start, sent.end):
            low = lows[i]
            if inside[i] or not (low in _SELON or low == "pour" or low == "d'"):
                continue
            tok = doc[i]
            is_selon = low in _SELON or (low == "d'" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "après")
            nxt = tok.i + 1
            if nxt < len(doc) and doc[nxt].lower_ in ("la", "le", "l'", "les"):
                nxt += 1
            is_pour = low == "pour" and tok.i == sent.start and nxt < len(doc) and (
                doc[nxt].ent_type_ in ("PER", "LOC", "ORG") or (
                    nxt + 1 in self._memo.title_tokens if self._memo is not None else any(
                        t.tok_start <= nxt + 1 < t.tok_end for t in doc._.titles or [])))
            if not (is_selon or is_pour):
                continue
            x_start = tok.i + (2 if low == "d'" else 1)
            comma = next_comma(x_start)
            skipped = 0  # tokens of relative clauses and brackets inside the source's phrase
            while comma is not None and comma + 1 < end_tok and (
                    doc[comma + 1].lower_ in ("qui", "dont", "lequel", "laquelle") or
                    (doc[comma + 1].ent_type_ == "PER" and any(
                        t.text == "," for t in doc[comma + 2: min(end_tok, comma + 6)]))):
                # "Pour la Sierra Leone, qui s'exprimait au nom de …, les solutions …": skip the relative
                nxt_comma = next_comma(comma + 1)
                if nxt_comma is not None:
                    skipped += nxt_comma - comma
                comma = nxt_comma
            if comma is not None:
                depth = 0
                for k in range(x_start, comma):
                    if texts[k] == "(":
                        depth += 1
                    elif texts[k] == ")" and depth:
                        depth -= 1
                        skipped += 1
                    if depth:
                        skipped += 1
            if tok.i == sent.start or (tok.i > sent.start and doc[tok.i - 1].text in (",",) and comma is not None and tok.i <= sent.start + 2):
                # the source's own words are short ("Selon le document du Groupe de contrôle
                # (chargé de …), dont l'AFP a eu connaissance, …" counts its head only)
                if comma is not None and comma - x_start - skipped <= 20:
                    make(comma + 1, end_tok, "selon", tok.i, "selon-first", subject_tok=x_start)
            elif tok.i > sent.start and doc[tok.i - 1].text == "," and is_selon and not any(
                    speech[k] and lows[k + 1] in ("que", "qu'", "qu’")
                    for k in range(sent.start, tok.i - 1)):
                # "…, selon X": unless the sentence reports with its own verb ("elle a démenti
                # que …, selon un communiqué"), which then names the speaker
                make(sent.start, tok.i - 1, "selon", tok.i, "selon-last", subject_tok=x_start)
        # speech verbs
        for i in range(sent.start, sent.end):
            if inside[i] or not speech[i]:
                continue
            tok = doc[i]
            verb = self.res.speech_verbs.get(verb_lemma(tok, self.res))
            if verb is None:
                continue
            lemma = verb.lemma
            # a thought participle and an adjective: "Jugeant essentiel de …", "estimant
            # indispensable que …": the adjective and what it governs are the opinion
            if verb.cls == "think" and tok.i + 2 < end_tok and pos[tok.i + 1] == ADJ and \
                    lows[tok.i + 2] in ("de", "d'", "que", "qu'"):
                stop = self._clause_end(doc, tok.i + 1, end_tok)
                if tok.i == sent.start or texts[tok.i - 1] == ",":
                    # an opening participial clause ends where the main clause begins
                    stop = next((c for c in range(tok.i + 3, stop) if texts[c] == "," and
                                 not inside[c] and self._main_verb(doc, c + 1, end_tok, end_tok)), stop)
                make(tok.i + 1, stop, lemma, tok.i, "adj")
                continue
            # "a dit en substance que …" / "a dit, en substance, …": a paraphrase
            j = tok.i + 1
            while j + 1 < end_tok and lows[j] in (",", "en") and lows[j + 1] in ("substance", ","):
                j += 2 if lows[j] == "en" else 1
            if j > tok.i + 1 and j < end_tok and lows[j] not in ("que", "qu'", "qu’"):
                make(j, self._clause_end(doc, j, end_tok), lemma, tok.i, "paraphrase")
                continue
            # que-clause within a few tokens
            j = tok.i + 1
            found = None
            negated = tok.i > 1 and (lows[tok.i - 1] in ("n'", "ne") or lows[tok.i - 2] in ("n'", "ne"))
            while j < min(end_tok, tok.i + 8):
                if lows[j] in ("que", "qu'", "qu’") and (pos[j] == SCONJ or (
                        pos[j] == PRON and lows[j - 1] not in ("ce", "celui", "celle", "ceux")) or (
                        pos[j] == ADV and not negated)):
                    # the tagger often reads the complementiser "qu'" as a relative, or "que"
                    # as the adverb of "ne … que" (which needs a negation before the verb)
                    found = j
                    break
                if texts[j] in (".", ";", "«", "»", '"', "“") or (pos[j] == VERB and j > tok.i + 1):
                    break
                j += 1
            if found is not None and negated and not any(
                    doc[k].pos_ in ("VERB", "AUX") and doc[k].morph.get("VerbForm") == ["Fin"]
                    for k in range(found + 1, min(end_tok, found + 12))):
                found = None  # "il n'a indiqué que deux chiffres": ne … que, no clause
            if found is not None and verb.que:
                stop = self._clause_end(doc, found + 1, end_tok)
                make(found + 1, stop, lemma, tok.i, "que")
                continue
            # a passive participle reports nobody's words: "Invitée à s'exprimer, X …",
            # "appelé à témoigner", "a été accusé d'avoir …" (a passive with an agent is
            # reported speech of the agent: "X a été appelé par Y à …")
            passive = self._passive_participle(tok)
            # à + infinitive / de + infinitive
            j = tok.i + 1
            # past the addressee: "demandé … au gouvernement … de", "demandé instamment aux
            # membres du Conseil, et en particulier la Russie et les États-Unis, de …"
            while not passive and j < min(end_tok, tok.i + 22):
                low = lows[j]
                if (low == "à" and verb.a_inf) or (low in ("de", "d'") and verb.de_inf):
                    k = j + 1
                    while k < end_tok and k < j + 3 and lows[k] in _CLITICS_BEFORE_INF:
                        k += 1  # "exhorté à se préparer", "demandé de ne pas"
                    if k < end_tok and doc[k].morph.get("VerbForm") == ["Inf"]:
                        make(j + 1, self._clause_end(doc, j + 1, end_tok), lemma, tok.i,
                             "a-inf" if low == "à" else "de-inf")
                        break
                if texts[j] in (".", ";", "«", "»", '"', "“", ":") or pos[j] == VERB:
                    break
                j += 1
            # infinitive complement: "a dit n'avoir jamais …"
            j = tok.i + 1
            if j < end_tok and verb.que and verb.cls in ("say", "think"):
                k = j
                while k < end_tok and k < j + 3 and doc[k].lower_ in _CLITICS_BEFORE_INF:
                    k += 1
                if k < end_tok and doc[k].morph.get("VerbForm") == ["Inf"] and doc[k].lemma_ not in ("être",):
                    make(j, self._clause_end(doc, j, end_tok), lemma, tok.i, "inf")
            # incise after the report: "…, a insisté la responsable du HCR.", "…, a annoncé
            # mardi Michèle Montas, porte-parole du …", or inside it: "Cette année, a-t-il dit,
            # l'accent sera mis …", "Depuis janvier, a indiqué M. Türk, le groupe armé …"
            # a present participle after a comma ("…, appelant à …") is an adjunct of the
            # clause before it, never an incise: that clause is not what it reports
            if verb.incise and tok.i > sent.start + 3 and not (
                    tok.morph.get("VerbForm") == ["Part"] and tok.morph.get("Tense") == ["Pres"]):
                k = tok.i - 1
                while k > sent.start and (doc[k].pos_ == "AUX" or doc[k].text == "-t" or
                                          doc[k].lower_ in PRONOUN_CLITICS and doc[k].text.startswith("-")):
                    k -= 1  # "…, a-t-il dit": back over the auxiliary and the clitic
                clitic = any(doc[m].text.startswith("-") for m in range(k + 1, tok.i + 1))
                # "Le chef de la MINUSS, X, a salué …" is a plain clause: its subject comes first
                subject_first = any(c.dep_ in ("nsubj", "nsubj:pass") and c.i < k for c in tok.children)
                if doc[k].text == "," and (clitic or not subject_first) and not inside[k]:
                    found = self._incise_report(doc, sent, tok.i, k, end_tok, clitic, inside)
                    if found is not None and not overlaps_direct(doc[found[0]].idx,
                                                                 doc[found[1] - 1].idx + 1):
                        make(found[0], found[1], lemma, tok.i, "incise-after")
        return out

    def _incise_report(self, doc: Doc, sent: Span, verb: int, comma: int, end_tok: int,
                       clitic: bool, inside: bytearray) -> Optional[tuple[int, int]]:
        """The reported words around an incise whose verb is at `verb` and whose comma is at
        `comma`: the words before it when the incise closes the sentence, or the clause after
        it when the sentence goes on ("Cette année, a-t-il dit, l'accent sera mis …"). None
        when the verb opens a report of its own ("…, a déclaré que …") or has no subject."""
        disc = doc._.discourse
        known = disc.by_token if disc is not None else {}
        subj = verb if clitic else None
        j = verb + 1
        while subj is None and j < min(end_tok, verb + 16):
            t = doc[j]
            if t.lower_ in ("que", "qu'", "qu’") or t.text in (";", ":", "«", "»") or (
                    t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "acl")):
                return None  # "…, a ajouté que …", "…, a indiqué avoir …": a report that follows
            if j in known or t.ent_type_ in ("PER", "ORG") or t.text in self.res.honorifics:
                subj = j
                break
            if t.pos_ == "NOUN" and j > 0 and doc[j - 1].lower_ in ("le", "la", "l'", "l’", "un",
                                                                     "une", "son", "sa", "leur"):
                subj = j
                break
            j += 1
        if subj is None:
            return None
        # a main clause after the incise (a finite verb that is neither in a relative clause
        # nor a second incise) makes the report the clause after the incise's comma
        last_comma, relative = None, False
        for m in range(subj + 1, end_tok):
            t = doc[m]
            if inside[m]:
                continue
            if t.text == ",":
                last_comma, relative = m, False
                continue
            if t.lower_ in ("qui", "que", "qu'", "dont", "où", "lequel", "laquelle"):
                relative = True
                continue
            finite = t.pos_ in ("VERB", "AUX") and t.morph.get("VerbForm") == ["Fin"]
            if not finite or relative or last_comma is None:
                continue
            if m == last_comma + 1 and (is_speech_verb(t, self.res) or
                                        self.res.incise_forms.get(t.lower_)):
                continue  # "…, a affirmé son chef, X, indique radiookapi.net"
            first = next((c for c in range(subj, m) if doc[c].text == ","), None)
            if first is None or m - first < 2:
                return None
            return first + 1, self._clause_end(doc, first + 1, end_tok)
        if not self._main_verb(doc, sent.start, comma, end_tok):
            return None  # "Cindy McCain, la directrice du PAM, lance …": no clause before it
        return sent.start, comma

    def _main_verb(self, doc: Doc, a: int, b: int, end: Optional[int] = None) -> bool:
        """A finite verb in tokens [a, b) outside a relative clause ("L'agence, qui vient en
        aide à …," has none). `end` (the end of the sentence's words, >= b): the first such verb
        from a is looked for up to there and remembered, with the same answer for every comma
        passed on the way (a comma resets the walk), so that the calls of one sentence read
        each of its tokens once."""
        memo = self._memo
        if memo is None or end is None:
            first = _first_main_verb(doc, a, b, None)
        else:
            first = _first_main_verb(doc, a, end, memo.main_verb)
        return first is not None and first < b

    @staticmethod
    def _passive_participle(tok) -> bool:
        """A bare past participle used as an adjective ("Invitée à s'exprimer, X …", "X,
        appelé à témoigner, …"): nobody's words are reported. A participle in a compound tense
        ("a invité à", "a dénoncé … et appelé à") or a passive with its auxiliary ("a été
        accusé d'avoir …": a report whose speaker the text does not name) is a cue."""
        if tok.morph.get("VerbForm") != ["Part"] or tok.morph.get("Tense") != ["Past"]:
            return False
        if any(c.dep_.startswith("aux") for c in tok.children):
            return False
        if tok.dep_ == "conj" and any(c.dep_.startswith("aux") for c in tok.head.children):
            return False  # shares the auxiliary of the verb it is coordinated with
        prev = tok.doc[tok.i - 1] if tok.i else None
        if prev is not None and (prev.lemma_ in ("avoir", "être") or prev.text.startswith("-")):
            return False  # "a-t-il invité à", a tense the parser did not attach
        return True

    def _clause_end(self, doc: Doc, start: int, end_tok: int) -> int:
        """The reported clause ends at the sentence end, or before ", ajoutant que" / a second
        speech verb introduced by a comma. Whether a token ends a clause depends on the token
        and the sentence end only: each sentence's tokens are tested once and the ends found
        remembered (a sentence of sixty reports made this quadratic)."""
        memo = self._memo
        if memo is None:
            for i in range(start + 2, end_tok - 1):
                if self._ends_clause(doc, i, end_tok):
                    return i
            return end_tok
        scan = memo.clause_ends.get(end_tok)
        if scan is None:
            scan = memo.clause_ends[end_tok] = _FirstHit(
                lambda i: self._ends_clause(doc, i, end_tok), end_tok - 1)
        found = scan.first(start + 2)
        return end_tok if found is None else found

    def _ends_clause(self, doc: Doc, i: int, end_tok: int) -> bool:
        """Whether the reported clause stops before token i (see `_clause_end`)."""
        t = doc[i]
        if t.lower_ == "et" and i + 1 < end_tok and doc[i + 1].pos_ == "VERB" and \
                doc[i + 1].morph.get("VerbForm") == ["Part"] and is_speech_verb(doc[i + 1], self.res):
            return True  # "… a rappelé que X et appelé à Y": a second report of the same verb
        if t.text != ",":
            return False
        nxt = doc[i + 1]
        if nxt.lower_ in ("selon", "d'après", "d’après") or (
                nxt.lower_ == "d'" and i + 2 < len(doc) and doc[i + 2].lower_ == "après"):
            return True  # "…, selon un communiqué du ministère": the source, not the report
        if is_speech_verb(nxt, self.res) and nxt.pos_ == "VERB" and not (
                nxt.morph.get("VerbForm") == ["Part"] and nxt.morph.get("Tense") == ["Past"]):
            return True  # "…, affirme avoir …" / "…, ajoutant que …": a new report starts
        for k in range(i + 2, min(end_tok, i + 6)):
            # "Appelant X à …, Bathily a noté que …": a new clause with its own speaker
            if doc[k].text == ",":
                break
            if is_speech_verb(doc[k], self.res) and doc[k].morph.get("VerbForm") == ["Part"] and \
                    doc[k - 1].pos_ == "AUX" and any(c.dep_ in ("nsubj",) and i < c.i < k for c in doc[k].children):
                return True
        return False


_RELATIVES = ("qui", "que", "qu'", "dont", "où", "lequel", "laquelle")


def _first_main_verb(doc: Doc, a: int, end: int, memo: Optional[dict]) -> Optional[int]:
    """The first finite verb in tokens [a, end) outside a relative clause (a comma ends a
    relative clause), or None. With `memo` (start -> answer, for one `end` per sentence), the
    answer is remembered for `a` and for every comma the walk passed: from a comma on, the walk
    is the same whatever its start."""
    passed = []
    found: Optional[int] = None
    relative = False
    m = a
    while m < end:
        if memo is not None and m in memo and (m == a or doc[m].text == ","):
            found = memo[m]
            break
        t = doc[m]
        if t.text == ",":
            relative = False
            passed.append(m)
        elif t.lower_ in _RELATIVES:
            relative = True
        elif not relative and t.pos_ in ("VERB", "AUX") and t.morph.get("VerbForm") == ["Fin"]:
            found = m
            break
        m += 1
    if memo is not None:
        memo[a] = found
        for c in passed:
            memo[c] = found
    return found


class _FirstHit:
    """The first position at or after a start, below `stop`, where `test` holds; each position
    is tested once over all the questions (the tested positions form one stretch)."""

    def __init__(self, test, stop: int):
        self.test = test
        self.stop = stop
        self.lo = self.hi = -1  # positions [lo, hi) tested
        self.hits: list[int] = []  # where the test held, sorted

    def first(self, start: int) -> Optional[int]:
        if start >= self.stop:
            return None
        if self.lo < 0:
            self.lo = self.hi = start
        if start < self.lo:
            self.hits[:0] = [i for i in range(start, self.lo) if self.test(i)]
            self.lo = start
        while self.hi < start:  # a gap: tested too, so the stretch stays whole
            if self.test(self.hi):
                self.hits.append(self.hi)
            self.hi += 1
        k = bisect_left(self.hits, start)
        if k < len(self.hits):
            return self.hits[k]
        while self.hi < self.stop:
            i = self.hi
            self.hi += 1
            if self.test(i):
                self.hits.append(i)
                return i
        return None


class _Memo:
    """What `QuoteFinder` reads many times on one document: the cue tokens of each sentence,
    the title tokens, the ends of reported clauses and the first main verbs."""

    def __init__(self, speech: list[bool], lows: list[str], title_tokens: set):
        self.speech = speech
        self.lows = lows
        self.title_tokens = title_tokens
        self._cues: dict[int, list[int]] = {}
        self.clause_ends: dict[int, _FirstHit] = {}  # sentence end -> its clause ends
        self.main_verb: dict[int, Optional[int]] = {}

    def cues(self, sent) -> list[int]:
        """The tokens of the sentence that are a speech verb or "selon", in order."""
        cues = self._cues.get(sent.start)
        if cues is None:
            speech, lows = self.speech, self.lows
            cues = self._cues[sent.start] = [i for i in range(sent.start, sent.end)
                                             if speech[i] or lows[i] in _SELON]
        return cues


@Language.factory("onu_quotes", default_config={"models": None, "min_words": 4})
def make_quotes(nlp: Language, name: str, models: Optional[str], min_words: int):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, lambda res: QuoteFinder(res, min_words=min_words))
