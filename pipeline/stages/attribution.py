"""Speaker attribution: who said each quotation, as a ranking of the entities in play.

For each quotation, the cue analysis finds the *slots* where the text names its speaker, in the
order of their syntactic weight:
- `incise`: the subject of an incise inside or right after the marks ("« … », a-t-il
  expliqué", "» a déclaré M. Khare", "…, indique mardi sur France Inter le Haut-commissaire");
- `selon`: "selon X" / "d'après X" / "Pour X," in the sentence;
- `verb`: the subject of the speech verb that governs the quotation ("X a déclaré que « … »",
  "X, affirmant que …"; through a relative "qui" to its antecedent);
- `agent`: the agent of a passive speech verb ("qualifié de « … » par X");
- `outer`: the subject of a speech verb whose reported clause holds the quotation ("Elle a
  précisé que l'agence s'est efforcée de soutenir « … »");
- `colon`: the subject of the clause before a colon ("X a été clair : « … »");
- `after`: a speech verb later in the sentence;
- `subject` / `previous`: with no cue at all, the subject of the quotation's sentence or of the
  sentence before.
A slot holds a mention of the discourse model (`discourse.py`): a name, an organisation or a
place names its entity; a pronoun, "ce dernier", a demonym, a title or a description that names
nobody ("la Haut-commissaire", "l'agence onusienne") is resolved by the ranking; an unnamed
person ("un ambassadeur") is an entity without a name.

Candidates are the entities mentioned in the last sentences, in the quotation's sentence and the
next one, the previous quotation's speaker, the holder of a post named by a description
(`models/role_holders.tsv`) and a null candidate. Each gets features (which slot names it, gender
and number agreement with an anaphoric slot, role match, salience, recency, whether it was the
subject of the sentence before or the previous quotation's speaker, whether the text makes it
the addressee: "a déclaré à l'AFP", "devant le Conseil"…) and the highest score under the
weights of `models/speaker_ranker.json` wins (fit by `python -m pipeline.ranker fit`, measured
on articles held out from the fit). The null candidate wins when nobody named qualifies; the
best named candidate is then kept in the explanation.
"""
from __future__ import annotations

import sys
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, fold, load_resources
from ._ext import ensure_extensions, guarded, sentence_of, sentences, token_lows
from .discourse import (ADDRESSEE_PREPS, PRONOUNS, SUBJ_DEPS, DMention, Discourse, Entity,
                        Salience, build_discourse)
from .people import add_title
from .quotes import PRONOUN_CLITICS, QuoteCandidate, is_speech_verb, verb_lemma
from .segment import block_at

SLOT_GROUPS = ("incise", "selon", "verb", "agent", "outer", "colon", "after", "subject",
               "previous")


_MEDIA_KINDS = frozenset({"media"})
_REPORTING_NOUNS = frozenset({"communique", "texte", "declaration", "rapport", "projet", "document",
                              "lettre", "message", "note", "chiffres", "donnees", "estimations",
                              "statistiques", "services"})


@dataclass(slots=True)
class Slot:
    group: str
    mention: Optional[DMention]
    cue: Optional[str] = None
    verb: Optional[int] = None  # token of the cue verb
    evidence: str = ""
    passive: bool = False  # a passive speech verb without agent ("a été accusé de")


@dataclass(slots=True)
class Candidate:
    entity: Optional[Entity]  # None: the null candidate
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def label(self) -> str:
        if self.entity is None:
            return "(nobody named)"
        return self.entity.name or f"(unnamed {self.entity.key})"


def score(features: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights.get(k, 0.0) * v for k, v in features.items())


@guarded
class Attributor:
    """The attribution component. The work on one document is done by a `_DocAttribution`
    made for it: the component keeps no per-document state."""

    def __init__(self, resources: Resources | None = None,
                 weights: Optional[dict[str, float]] = None):
        ensure_extensions()
        self.res = resources or load_resources()
        self.weights = weights if weights is not None else self.res.speaker_weights

    def __call__(self, doc: Doc) -> Doc:
        return _DocAttribution(self.res, doc, self.weights).run(doc)


class _DocAttribution:
    def __init__(self, res: Resources, doc: Doc, weights: dict[str, float]):
        self.res = res
        self.doc = doc
        self.weights = weights
        disc = doc._.discourse
        if disc is None:
            disc = doc._.discourse = build_discourse(doc, res)
        self.disc: Discourse = disc
        sentences(doc)
        self.sent_of = doc._.sent_index
        self.sents = doc._.sentences
        self.lows = token_lows(doc)  # read once per document, shared with the other stages
        self.salience = Salience(disc.mentions, self.resolve_anaphor)
        self.holder_cache: dict[tuple, Optional[Entity]] = {}
        self._by_sentence: dict[tuple, list] = {}  # `_sentence_tokens`
        self._subjects: dict[tuple, tuple] = {}  # `_clause_subject`

    # ---- mentions at a token ----------------------------------------------------------------
    def mention_at(self, i: int) -> Optional[DMention]:
        """The discourse mention a slot token belongs to; a noun phrase without one is looked
        at for a name in apposition ("le représentant de l'Ukraine, M. X")."""
        doc = self.doc
        m = self.disc.by_token.get(i)
        if m is not None:
            return m
        low = self.lows[i]
        if low in ("lui", "elle", "eux", "elles") and i > 0 and self.lows[i - 1] in (
                "selon", "après", "pour"):
            g = "female" if low.startswith("elle") else "male"
            return DMention(i, i + 1, "pronoun", self.sent_of[i], self.disc.para_of[i], "subj",
                            None, g, low in ("eux", "elles"), head=i, text=doc[i].text)
        tok = doc[i]
        reporting = tok.pos_ == "NOUN" and fold(tok.text) in _REPORTING_NOUNS
        for child in tok.children:
            if child.dep_ in ("appos", "flat:name", "nmod") and child.i in self.disc.by_token:
                cm = self.disc.by_token[child.i]
                if cm.entity is not None and cm.kind in ("name", "title"):
                    return cm
                if cm.kind in ("org", "org_description") and (
                        child.dep_ != "nmod" or reporting or tok.morph.get("Number") == ["Plur"]):
                    # "les membres du Conseil de sécurité", "un communiqué du Conseil", "la
                    # chaîne de télévision Al-Masirah" speak for the organisation
                    return cm
        if tok.pos_ == "NOUN" and fold(tok.text) in _REPORTING_NOUNS:
            return DMention(i, i + 1, "document", self.sent_of[i], self.disc.para_of[i], "subj",
                            None, head=i, text=tok.text)
        if tok.pos_ in ("NOUN", "PROPN"):
            return DMention(i, i + 1, "other", self.sent_of[i], self.disc.para_of[i], "subj",
                            None, head=i, text=tok.text)
        return None

    # ---- syntax helpers ---------------------------------------------------------------------
    def subject_of(self, verb_i: int) -> tuple[Optional[int], str]:
        """The token that is the verb's subject, and how it was found: the verb's own subject;
        for a participle, gerund, infinitive or a coordinated verb, its head's; for a relative
        "qui", the antecedent; for a passive, the agent ("par X") as group `agent`."""
        doc = self.doc
        verb = doc[verb_i]
        h = verb
        for level in range(3):
            if level == 0:
                for child in h.children:
                    if child.dep_ == "obl:agent" or (child.dep_ == "obl" and any(
                            c.lower_ == "par" and c.dep_ == "case" for c in child.children)
                            and any(c.dep_ == "aux:pass" for c in h.children)):
                        return child.i, "agent"
            clitic = next((k for k in range(max(0, h.i - 3), h.i) if self.lows[k] in PRONOUNS
                           and doc[k].text.startswith("-")), None)
            if clitic is not None:
                return clitic, "verb"  # "a-t-elle signalé": whatever the parser attached
            subj = [c for c in h.children if c.dep_ in SUBJ_DEPS and c.lower_ != "-t" and
                    not (c.i in self.disc.by_token and self.disc.by_token[c.i].in_quote and
                         not self._in_quote(h.i))]
            if subj:
                # "a-t-il" parses as two subjects: the clitic is the real one
                s = next((c for c in subj if c.lower_ in PRONOUNS), subj[0])
                if s.lower_ in ("qui", "qu'"):
                    # the antecedent: the mention right before "(,) qui", else the parse's
                    k = s.i - 1
                    if k >= 0 and doc[k].text == ",":
                        k -= 1
                    if k >= 0 and k in self.disc.by_token:
                        return self.disc.by_token[k].start, "verb"
                    if h.dep_ == "acl:relcl":
                        return h.head.i, "verb"
                if s.dep_ == "nsubj:pass" and not any(c.dep_ == "obl:agent" for c in h.children):
                    return None, "passive"
                return self._closest_subject(s.i, h.i), "verb"
            if h.dep_ in ("advcl", "conj", "acl", "xcomp", "ccomp", "parataxis") and \
                    h.head.i != h.i and (h.morph.get("VerbForm") in (["Part"], ["Inf"], ["Ger"])
                                         or h.dep_ == "conj"):
                if h.dep_ == "acl" and h.head.pos_ in ("NOUN", "PROPN"):
                    return h.head.i, "verb"  # "X, affirmant que …" hangs on the noun X
                h = h.head
                continue
            break
        return None, "none"

    def _in_quote(self, i: int) -> bool:
        m = self.disc.by_token.get(i)
        if m is not None:
            return m.in_quote
        return bool(self._quoted()[i])

    def _quoted(self) -> bytearray:
        q = getattr(self, "_q", None)
        if q is None:
            q = self._q = bytearray(len(self.doc) + 1)
            for qs in self.doc._.quote_spans or []:
                span = self.doc.char_span(qs.start, qs.end, alignment_mode="expand")
                if span is not None:
                    q[span.start:span.end] = b"\x01" * len(span)
        return q

    def _closest_subject(self, s: int, verb: int) -> Optional[int]:
        """Correct the parser's subject: a subject across a colon or semicolon belongs to
        another clause ("Soudan du Sud : l'envoyée de l'ONU invite …"), and a name in
        apposition just before the verb ("…(RHC)-Le Haut Commissaire …, Roberto Mier, a
        signalé") is the subject rather than a dateline the parser took."""
        doc = self.doc
        lo, hi = min(s, verb), max(s, verb)
        if s < verb and any(doc[k].text in (":", ";") for k in range(lo, hi)):
            s = None
            for k in range(verb - 1, lo, -1):
                if doc[k].text in (":", ";"):
                    break
                m = self.disc.by_token.get(k)
                if m is not None and m.role != "obl":
                    s = m.start
            return s
        if s < verb:
            k = verb - 1
            while k > s and (doc[k].pos_ in ("AUX", "ADV") or doc[k].lower_ in ("ne", "n'", "se", "s'")):
                k -= 1
            if doc[k].text == "," and k - 1 > s:
                m = self.disc.by_token.get(k - 1)
                sm = self.disc.by_token.get(s)
                if m is not None and m.kind in ("name", "title") and (
                        sm is None or sm.kind not in ("name", "title", "pronoun")):
                    return m.start
        return s

    def outer_report(self, verb_i: int) -> Optional[int]:
        """The speech verb whose reported clause holds this verb ("Elle a précisé que l'UNICEF
        s'est efforcé de soutenir …" -> "précisé")."""
        doc = self.doc
        h = doc[verb_i]
        for _ in range(4):
            if h.head.i == h.i:
                return None
            if h.dep_ in ("ccomp", "xcomp", "advcl", "conj", "acl") or any(
                    c.lower_ in ("que", "qu'") for c in h.children):
                parent = h.head
                if parent.i != verb_i and is_speech_verb(parent, self.res) and parent.pos_ == "VERB":
                    return parent.i
                h = parent
                continue
            return None
        return None

    def inverted_subject(self, verb_i: int, limit: int) -> Optional[int]:
        """After an incise verb: the clitic ("a-t-il"), or the first mention after the verb that
        is not an addressee or a circumstance ("a déclaré jeudi à l'AFP M. Khare")."""
        doc = self.doc
        for i in range(max(0, verb_i - 3), min(limit, verb_i + 3)):
            if self.lows[i] in PRONOUN_CLITICS and doc[i].text.startswith("-"):
                return i
        i = verb_i + 1
        while i < min(limit, verb_i + 16):
            t = doc[i]
            if t.text in (".", ";", "«", "»", '"', "“", "”", ":") or (
                    t.pos_ == "VERB" and i > verb_i + 1 and t.dep_ not in ("amod", "acl")):
                break
            m = self.disc.by_token.get(i)
            if m is not None:
                if m.role == "obl" or self._governed_by_addressee(m):
                    i = max(i + 1, m.end)
                    continue
                return i
            if t.pos_ == "NOUN" and i > 0 and self.lows[i - 1] in ("un", "une", "le", "la", "l'") \
                    and not self._after_addressee(i):
                return i
            i += 1
        return None

    def _after_addressee(self, i: int) -> bool:
        for k in range(i - 1, max(-1, i - 4), -1):
            if self.lows[k] in ADDRESSEE_PREPS or self.lows[k] in ("sur", "dans", "lors", "en", "de", "d'"):
                return True
            if self.lows[k] in (",",):
                return False
        return False

    def _governed_by_addressee(self, m: DMention) -> bool:
        return self._after_addressee(m.start)

    # ---- slots ------------------------------------------------------------------------------
    def slots(self, q: QuoteCandidate, span, sent) -> list[Slot]:
        doc = self.doc
        res = self.res
        out: list[Slot] = []

        def slot(group, tok, cue=None, verb=None, evidence=""):
            m = self.mention_at(tok) if tok is not None else None
            out.append(Slot(group, m, cue, verb, " ".join(evidence.split())))

        if q.cue_tok is not None and q.cue is None:
            q.cue = verb_lemma(doc[q.cue_tok], res)
        if q.subject_tok is not None:
            group = "selon" if q.cue == "selon" else "incise"
            tok = q.subject_tok
            if group == "selon":
                tok = self._first_entity_token(q.subject_tok, q.subject_tok + 8) or tok
            slot(group, tok, q.cue, q.cue_tok, doc[q.subject_tok].text)
        if q.type == "indirect":
            verb_i = q.cue_tok
            if verb_i is not None and q.rule_hint == "incise-after":
                slot("incise", self.inverted_subject(verb_i, sent.end), q.cue, verb_i, doc[verb_i].text)
            elif verb_i is not None and q.cue != "selon":
                self._verb_slots(verb_i, q.cue, out, slot, span)
            return out
        # direct quotation -------------------------------------------------------------------
        # incise right after the closing mark
        i = span.end
        while i < sent.end and (doc[i].is_punct or doc[i].is_space) and doc[i].text not in (
                ".", "!", "?", "«", "“"):
            i += 1
        verb_i = None
        pronoun_subject = None  # "« … » Il a rappelé que": a new clause, subject first
        j = i
        while j < min(sent.end, i + 4):
            t = doc[j]
            if j not in self._title_tokens() and (
                    is_speech_verb(t, res) or (self.lows[j] in res.incise_forms and t.pos_ != "ADP")):
                verb_i = j
                break
            if t.pos_ not in ("AUX", "PRON", "ADV") and t.text != "-t":
                break
            if self.lows[j] in PRONOUNS and not t.text.startswith("-"):
                pronoun_subject = j
            j += 1
        if verb_i is not None and not q.subject_tok:
            q.cue = self._lemma(verb_i)
            subj = pronoun_subject if pronoun_subject is not None else \
                self.inverted_subject(verb_i, sent.end)
            if subj is None:
                subj, _ = self.subject_of(verb_i)
            slot("incise", subj, q.cue, verb_i, doc[i: min(sent.end, verb_i + 4)].text)
        # selon / d'après / pour X in the sentence, outside the quotation
        for t in (doc[i] for i in self._sentence_tokens(sent, "selon")):
            if span.start <= t.i < span.end:
                continue
            low = t.lower_
            pour = low == "pour" and (
                (t.i == sent.start and self._named_after(t.i + 1)) or
                (t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "qui" and t.i > sent.start))
            if pour or low == "selon" or (low == "d'" and t.i + 1 < len(doc) and
                                          doc[t.i + 1].lower_ == "après"):
                nxt_low = self.lows[t.i + 1] if t.i + 1 < len(doc) else ""
                if (pour and nxt_low == "qui") or nxt_low in ("lequel", "laquelle", "lesquels",
                                                              "lesquelles"):
                    # "X, pour qui « … »", "les déclarations de X selon lesquelles « … »"
                    tok = self._last_entity_token(max(sent.start, t.i - 10), t.i)
                else:
                    tok = self._first_entity_token(t.i + 1, min(sent.end, t.i + 8))
                if tok is not None:
                    if q.cue is None:
                        q.cue = "selon"
                    slot("selon", tok, "selon", t.i, doc[t.i: t.i + 4].text)
                    break
        # the speech verb that governs the quotation, before it in its sentence
        verb_before = self._governing_verb(span, sent)
        if verb_before is not None:
            if q.cue is None:
                q.cue = verb_lemma(doc[verb_before], res)
            self._verb_slots(verb_before, verb_lemma(doc[verb_before], res), out, slot, span)
        # a colon introducing it
        k = span.start - 2
        if k >= sent.start and doc[k].text == ":":
            tok = self._clause_subject(sent.start, k)
            if tok is not None:
                slot("colon", tok, None, None, ":")
        # a speech verb after the quotation later in the sentence
        if verb_i is None:
            verbs = self._sentence_tokens(sent, "verb")
            k = bisect_left(verbs, span.end)
            for t in (doc[verbs[k]],) if k < len(verbs) else ():
                if is_speech_verb(t, res) and t.pos_ == "VERB" and t.i not in self._title_tokens():
                    tok, how = None, "verb"
                    if doc[t.i - 1].text in (",", "»", "”", '"'):
                        # ", indique le haut-commissaire": an incise, its subject follows
                        tok = self.inverted_subject(t.i, sent.end)
                    if tok is None:
                        tok, how = self.subject_of(t.i)
                    if tok is None:
                        tok = self.inverted_subject(t.i, sent.end)
                    if tok is not None:
                        if q.cue is None:
                            q.cue = verb_lemma(t, res)
                        slot("agent" if how == "agent" else "after", tok, q.cue, t.i, t.text)
                    break
        if not out:
            tok = self._clause_subject(sent.start, sent.end, skip=(span.start, span.end))
            if tok is not None:
                slot("subject", tok, None, None, "subject of the sentence")
            prev = self._previous_subject(span.start)
            if prev is not None:
                slot("previous", prev, None, None, "subject of the sentence before")
        return out

    def _verb_slots(self, verb_i: int, cue, out: list, slot, span=None) -> None:
        tok, how = self.subject_of(verb_i)
        if tok is not None and span is not None and span.start <= tok < span.end:
            tok, how = None, "none"  # a subject inside the reported words is not the speaker's
        if tok is not None:
            slot("agent" if how == "agent" else "verb", tok, cue, verb_i, self.doc[verb_i].text)
        elif how != "passive":
            near = self._nearest_before(self.sents[self.sent_of[verb_i]].start, verb_i)
            if near is not None:
                slot("verb", near, cue, verb_i, self.doc[verb_i].text)
        else:
            out.append(Slot("verb", None, cue, verb_i, "passive without agent", passive=True))
        outer = self.outer_report(verb_i)
        if outer is not None:
            otok, _ = self.subject_of(outer)
            if otok is not None:
                slot("outer", otok, cue, outer, self.doc[outer].text)
                # a report inside a report ("X a déclaré que Y avait reconnu « … »") is X's:
                # the outer speaker's slot comes first
                o = out.pop()
                k = next((n for n in range(len(out) - 1, -1, -1) if out[n].verb == verb_i), len(out))
                out.insert(k, o)

    def _lemma(self, i: int) -> str:
        lemma = verb_lemma(self.doc[i], self.res)
        if lemma not in self.res.speech_verbs:
            lemma = self.res.incise_forms.get(self.lows[i], lemma)
        return lemma

    def _sentence_tokens(self, sent, what: str) -> list[int]:
        """Tokens of a sentence, listed once per sentence (a sentence may hold hundreds of
        quotations): "selon" those that may open "selon X" / "d'après X" / "pour X"; "verb"
        the speech verbs (parts of speech VERB) outside titles."""
        key = (sent.start, what)
        found = self._by_sentence.get(key)
        if found is None:
            lows = self.lows
            if what == "selon":
                found = [i for i in range(sent.start, sent.end) if lows[i] in ("pour", "selon", "d'")]
            else:
                doc, res, titles = self.doc, self.res, self._title_tokens()
                found = [i for i in range(sent.start, sent.end) if i not in titles and
                         is_speech_verb(doc[i], res) and doc[i].pos_ == "VERB"]
            self._by_sentence[key] = found
        return found

    def _title_tokens(self) -> set:
        cache = getattr(self, "_tt", None)
        if cache is None:
            cache = self._tt = {i for m in self.disc.mentions if m.kind in ("title", "description")
                                for i in range(m.start, m.end)}
        return cache

    def _governing_verb(self, span, sent) -> Optional[int]:
        """The speech verb before the quotation that governs it: an ancestor of the quotation
        in the parse if there is one, else the nearest speech verb before it (not a title word
        such as "Conseillère")."""
        doc = self.doc
        titles = self._title_tokens()
        h = doc[span.start]
        seen = 0
        while h.head.i != h.i and seen < 6:
            h = h.head
            seen += 1
            if sent.start <= h.i < span.start and h.i not in titles and \
                    is_speech_verb(h, self.res) and self._introduces(h.i, span.start):
                return h.i
        for k in range(span.start - 1, sent.start - 1, -1):
            t = doc[k]
            if t.text in ("»", "”") and k < span.start - 2:
                break  # another quotation's territory
            if k not in titles and is_speech_verb(t, self.res) and self._introduces(k, span.start):
                return k
        return None

    def _introduces(self, k: int, quote_start: int) -> bool:
        """A strict verb ("soutenir", "lancer", "trouver") reports speech only through its
        construction (que, à/de + infinitive) or in an incise, not as a plain transitive verb."""
        verb = self.res.speech_verbs.get(self._lemma(k))
        if verb is None or not verb.strict:
            return True
        between = self.lows[k + 1: quote_start]
        return any(w in ("que", "qu'", "qu’", ":") for w in between) or (
            (verb.a_inf and "à" in between) or (verb.de_inf and ("de" in between or "d'" in between)))

    def _clause_subject(self, a: int, b: int, skip=None) -> Optional[int]:
        """A subject in tokens [a, b) that is a mention (persons and titles first): the first
        subject that is a name, title, description or pronoun, else the first subject, outside
        the tokens `skip`. The subjects of [a, b) are listed once (a long sentence may have
        many quotations that look for one)."""
        found = self._subjects.get((a, b))
        if found is None:
            subj = [m for m in self.disc.mentions_between(a, b)
                    if m.role == "subj" and m.kind not in ("unnamed",)]
            first = [m for m in subj if m.kind in ("name", "title", "description", "pronoun")]
            found = self._subjects[(a, b)] = (first, [m.start for m in first], subj,
                                              [m.start for m in subj])
        for ms, starts in ((found[0], found[1]), (found[2], found[3])):
            if not ms:
                continue
            k = 0
            if skip and skip[0] <= starts[0] < skip[1]:
                k = bisect_left(starts, skip[1])  # the first one after the skipped tokens
            if k < len(ms):
                return ms[k].start
        return None

    def _nearest_before(self, sent_start: int, verb_i: int) -> Optional[int]:
        for i in range(verb_i - 1, sent_start - 1, -1):
            if self.doc[i].text in ("»", "«", '"', "“", "”"):
                break
            m = self.disc.by_token.get(i)
            if m is not None and m.role not in ("obl", "obj") and m.kind != "unnamed":
                return m.start
        return None

    def _previous_subject(self, i: int) -> Optional[int]:
        """The subject of the sentence before, in the same or the previous paragraph."""
        s = self.sent_of[i]
        if s == 0:
            return None
        prev = self.sents[s - 1]
        if self.disc.para_of[i] - self.disc.para_of[prev.start] > 1:
            return None
        return self._clause_subject(prev.start, prev.end)

    def _named_after(self, i: int) -> bool:
        if i < len(self.doc) and self.lows[i] in ("la", "le", "l'", "les"):
            i += 1
        m = self.disc.by_token.get(i)
        return m is not None and m.kind in ("name", "org", "place", "title", "description",
                                            "org_description")

    def _first_entity_token(self, a: int, b: int) -> Optional[int]:
        for i in range(a, min(b, len(self.doc))):
            if self.doc[i].text in (",", ".", "«", "»"):
                break
            if i in self.disc.by_token or self.lows[i] in ("lui", "elle", "eux", "elles"):
                return i
            if self.doc[i].pos_ == "NOUN" and fold(self.doc[i].text) in _REPORTING_NOUNS | {"source"}:
                return i
        return None

    def _last_entity_token(self, a: int, b: int) -> Optional[int]:
        for i in range(b - 1, a - 1, -1):
            m = self.disc.by_token.get(i)
            if m is not None and m.kind in ("name", "org", "place", "title"):
                return m.start
        return None

    # ---- candidates and features ------------------------------------------------------------
    def holder(self, m: DMention) -> Optional[Entity]:
        """Who a description of a post designates when the timeline knows the post
        (`models/role_holders.tsv`): a holder named in the article; else the holder at the
        publication date; else, the date unknown, somebody not named here (a post whose known
        holders are all absent is never given to another person of the article). None when
        the timeline does not know the post."""
        key = (m.role_key, m.org_id)
        if key in self.holder_cache:
            return self.holder_cache[key]
        e = None
        role = m.role_key
        holders = []
        for h in self.res.role_holders if role else []:
            if h.role != role and role not in h.aliases:
                continue
            if m.org_id and h.organisation_id and h.organisation_id != m.org_id:
                continue
            if not m.org_id and h.organisation_id not in ("onu", ""):
                continue
            holders.append(h)
        if holders:
            named = None
            by_last = self._people_by_last_word()
            for h in holders:
                htoks = fold(h.holder).replace("-", " ").split()
                # the first person of the article whose name ends with a word of the holder's
                hits = [by_last[w] for w in htoks if w in by_last]
                named = min(hits, key=lambda x: x[0])[1] if hits else None
                if named is not None:
                    break
            published = self.doc._.published
            dated = [h for h in holders if published and
                     not (h.start and h.start[: len(published)] > published) and
                     not (h.end and h.end[: len(published)] < published)]
            if named is not None:
                e = named
            elif len(dated) == 1:
                h = dated[0]
                hk = f"h:{role}:{h.holder}"
                e = self.disc.holders.get(hk)
                if e is None:
                    e = self.disc.holders[hk] = Entity(hk, "holder", h.holder, None, None,
                                                       h.gender, roles={role})
            else:
                e = self.disc.new_unnamed(m.gender, m.plural, role)
        self.holder_cache[key] = e
        return e

    def _people_by_last_word(self) -> dict:
        """Last word of a person's name -> (its number among the entities, the first person
        entity with that last word); computed once per document (names do not change here)."""
        found = getattr(self, "_by_last", None)
        if found is None:
            found = self._by_last = {}
            for n, x in enumerate(self.disc.entities):
                if x.kind == "person":
                    toks = x.cluster.tokens()
                    if toks:
                        found.setdefault(toks[-1], (n, x))
        return found

    def candidates(self, q: QuoteCandidate, span, sent, slots: list[Slot],
                   last: Optional[Entity], last_para: int) -> list[Candidate]:
        disc = self.disc
        s = self.sent_of[span.start]
        para = disc.para_of[span.start]
        sal = self.salience
        sal.advance(sent.start)
        pool: dict[Entity, None] = {}
        for e in sal.active(s):
            pool[e] = None
        nxt_end = self.sents[s + 1].end if s + 1 < len(self.sents) else sent.end
        in_sent: dict[Entity, list[DMention]] = {}
        for m in disc.mentions_between(sent.start, nxt_end):
            e = m.referent
            if e is None:
                continue
            if m.sent == s:
                in_sent.setdefault(e, []).append(m)
            pool[e] = None
        if last is not None:
            pool[last] = None
        for sl in slots:
            m = sl.mention
            if m is None:
                continue
            if m.referent is None and m.kind == "unnamed":
                m.resolved = disc.new_unnamed(m.gender, m.plural, m.role_key)
            if m.referent is not None:
                pool[m.referent] = None
            elif m.kind == "description":
                h = self.holder(m)
                if h is not None:
                    pool[h] = None
        for sl in slots[:1]:
            m = sl.mention
            if m is not None and m.referent is None and m.kind in ("description", "demonym") and \
                    self.holder(m) is None and not any(self.compatible(m, e) for e in pool):
                # a description nobody in play fits names somebody else ("la ministre
                # congolaise" when only men were named so far)
                m.resolved = disc.new_unnamed(m.gender, m.plural, m.role_key)
                pool[m.resolved] = None
        # the most salient values, for normalisation
        values = {e: sal.value(e, s) for e in pool}
        top = max(values.values(), default=0.0) or 1.0
        prev_subjects = self._subjects_of_sentence(s - 1) if s > 0 else set()
        reported = self._reported()
        sent_subjects = {e for e, ms in in_sent.items() for m in ms
                         if m.role == "subj" and not (span.start <= m.start < span.end)}
        next_entities = {m.referent for m in disc.mentions_between(sent.end, nxt_end) if m.referent}
        anaphor = next((sl for sl in slots if sl.mention is not None and
                        sl.mention.referent is None and
                        sl.mention.kind not in ("other", "document")), None)
        primary = slots[0] if slots else None
        out = []
        for e in pool:
            f: dict[str, float] = {}
            st = sal.state.get(e)
            for sl in slots:
                m = sl.mention
                if m is None:
                    continue
                if m.referent is e:
                    f[f"{sl.group}:names"] = 1.0
                    if sl is primary:
                        f["primary:names"] = 1.0
                elif m.referent is None and m.kind not in ("other", "document") and \
                        self.compatible(m, e):
                    f[f"{sl.group}:anaphor"] = 1.0
                    if sl is primary:
                        f["primary:anaphor"] = 1.0
            pm = primary.mention if primary is not None else None
            if pm is not None and pm.referent is None and pm.kind not in ("other", "document") \
                    and not self.compatible(pm, e):
                f["primary:clash"] = 1.0  # "la ministre …" cannot be a man named before
            if anaphor is not None:
                self._anaphor_features(anaphor.mention, e, f, st, s, values.get(e, 0.0) / top,
                                       prev_subjects, in_sent, span)
            # context: named "free:" when no slot names anybody (a floating quotation), so that
            # the weights of context alone and of context beside a slot are fit apart
            cx = "ctx" if slots else "free"
            if last is e:
                f[f"{cx}:prev_speaker" if para - last_para <= 1 else f"{cx}:prev_speaker_far"] = 1.0
            ms = [m for m in in_sent.get(e, []) if not (span.start <= m.start < span.end)]
            if ms and all(reported[m.start] for m in ms):
                f[f"{cx}:in_report"] = 1.0  # named only inside reported words: talked about
            if ms:
                f[f"{cx}:in_sentence"] = 1.0
                if all(m.role == "obl" for m in ms):
                    f[f"{cx}:addressee"] = 1.0
                elif all(m.role in ("obl", "obj") for m in ms):
                    f[f"{cx}:object"] = 1.0
            elif in_sent.get(e):
                f[f"{cx}:in_quote_only"] = 1.0
            if e in sent_subjects:
                f[f"{cx}:sentence_subject"] = 1.0
            if e in prev_subjects:
                f[f"{cx}:prev_sentence_subject"] = 1.0
            if e in next_entities:
                f[f"{cx}:next_sentence"] = 1.0
            if st is not None and st.last_sent >= 0:
                f[f"{cx}:recency"] = 1.0 / (1 + max(0, s - st.last_sent))
            f[f"{cx}:salience"] = values.get(e, 0.0) / top
            if e.kind != "person":
                f[f"kind:{e.kind}"] = 1.0
            if e.kind == "organisation" and e.kind_detail in _MEDIA_KINDS:
                f["kind:media"] = 1.0
            out.append(Candidate(e, {sys.intern(k): v for k, v in f.items()}))  # one string per feature name
        nf: dict[str, float] = {"null:bias": 1.0}
        if primary is None:
            nf["null:no_slot"] = 1.0
        elif primary.passive:
            nf["null:passive_slot"] = 1.0
        elif primary.mention is not None and primary.mention.kind == "unnamed":
            nf["null:unnamed_slot"] = 1.0
        elif primary.mention is None or primary.mention.kind in ("other", "document") or (
                primary.mention.anaphoric and not any(
                    c.features.get("primary:anaphor") for c in out)):
            nf["null:unresolved_slot"] = 1.0
        out.append(Candidate(None, nf))
        for c in out:
            c.score = score(c.features, self.weights)
        out.sort(key=lambda c: -c.score)
        return out

    def resolve_anaphor(self, m: DMention) -> Optional[Entity]:
        """The referent of an anaphoric mention outside any quotation's slots, when the
        salience walk reaches it: an unnamed person is a new entity; a description is the
        holder of its post, else the salient person who holds that role (or, within three
        sentences, agrees in gender), else a new unnamed person; a pronoun is the best
        compatible entity under the ranker's anaphora weights."""
        if m.kind == "unnamed":
            return self.disc.new_unnamed(m.gender, m.plural, m.role_key)
        if m.kind not in ("pronoun", "description", "demonstrative", "demonym", "org_description"):
            return None
        if m.kind == "description":
            h = self.holder(m)
            if h is not None:
                self.attach_title(m, h)
                return h
        s = m.sent
        sal = self.salience
        # an unnamed person ("un ambassadeur") is taken up by a pronoun of the same or the next
        # sentence only; the named people of the story stay the topic beyond that
        active = [e for e in sal.active(s) if self.compatible(m, e) and
                  (e.kind != "unnamed" or sal.state[e].last_sent >= s - 1)]
        if not active:
            if m.kind in ("description", "demonym") and m.role != "obl":
                return self.disc.new_unnamed(m.gender, m.plural, m.role_key)
            return None
        values = {e: sal.value(e, s) for e in active}
        top = max(values.values()) or 1.0
        prev_subjects = self._subjects_of_sentence(s - 1) if s > 0 else set()
        best, best_score, best_f = None, None, None
        for e in active:
            f: dict[str, float] = {}
            self._anaphor_features(m, e, f, sal.state.get(e), s, values[e] / top, prev_subjects,
                                   None, None)
            if e.kind != "person":
                f[f"kind:{e.kind}"] = 1.0
            sc = score(f, self.weights)
            if best_score is None or sc > best_score:
                best, best_score, best_f = e, sc, f
        if m.kind in ("description", "demonym") and not best_f.get("ana:role_match") and (
                best_f.get("ana:gender_clash") or sal.state[best].last_sent < s - 3 or (
                    not m.gender and len([e for e in active if e.kind == "person" and
                                          sal.state[e].last_sent >= s - 2]) > 1)):
            # far away, or several people in play and nothing to choose between them: a
            # description of somebody else ("le représentant ukrainien")
            return self.disc.new_unnamed(m.gender, m.plural, m.role_key)
        if m.kind == "description":
            self.attach_title(m, best)
        if best_f.get("ana:gender_clash") or best_f.get("ana:number_clash"):
            return None
        if m.kind == "pronoun" and best.kind == "person" and best.gender is None and m.gender \
                and not m.plural and best.cluster is not None:
            # the one person in play takes the pronoun's gender as evidence
            near = [e for e in active if e.kind == "person" and sal.state[e].last_sent >= s - 2]
            if near == [best]:
                c = best.cluster
                c.add_evidence(m.gender, f"pronoun '{m.text}' in the next sentences")
                c.gender = c.resolve()
                best.gender = c.gender
        return best

    def attach_title(self, m: DMention, e: Entity) -> None:
        """A definite description resolved to a person of the article is one more of their
        titles (and gender evidence: "la Haut-commissaire")."""
        if not m.definite or m.title_index < 0 or e.kind != "person" or e.cluster is None:
            return
        t = self.doc._.titles[m.title_index]
        c = e.cluster
        if m.title_index in c.title_indices:
            return
        add_title(c, m.title_index, t)
        t.person_index = next(iter(c.mention_indices), None)
        if not t.former:
            e.roles.add(fold(t.form.role))
        c.gender = c.resolve()
        e.gender = c.gender

    def _reported(self) -> bytearray:
        """Token -> 1 inside reported words (computed once): the indirect quotations, and the
        clause after "que" of a speech verb even where a quotation inside it took the place of
        an indirect one ("affirmant que le meurtre de X était une « exécution »")."""
        rep = getattr(self, "_rep", None)
        if rep is None:
            doc = self.doc
            rep = self._rep = bytearray(len(doc) + 1)
            for q in doc._.quotes or []:
                if q.type != "indirect":
                    continue
                span = doc.char_span(q.start, q.end, alignment_mode="expand")
                if span is not None:
                    rep[span.start:span.end] = b"\x01" * len(span)
            lows = self.lows
            for sent in self.sents:
                for i in range(sent.start, sent.end - 1):
                    if lows[i + 1] in ("que", "qu'", "qu’") and is_speech_verb(doc[i], self.res):
                        rep[i + 2:sent.end] = b"\x01" * (sent.end - i - 2)
                        break
        return rep

    def _subjects_of_sentence(self, s: int) -> set:
        sent = self.sents[s]
        return {m.referent for m in self.disc.mentions_between(sent.start, sent.end)
                if m.referent is not None and m.role == "subj" and not m.in_quote}

    def compatible(self, m: DMention, e: Entity) -> bool:
        """Whether an anaphoric mention can refer to the entity at all: kind, number, and the
        gender of a person when both are known (a pronoun's gender is never wrong; a title's is
        only taken when the text marks it, see `discourse._title_gender`)."""
        if m.kind == "org_description":
            return e.kind == "organisation" and self._head_match(m, e) and (
                m.org_id is None or self._in_un_family(e))
        person_like = e.kind in ("person", "holder", "unnamed")
        if m.gender and e.gender and m.gender != e.gender:
            return False
        if m.kind in ("description", "demonym"):
            return person_like and e.plural == m.plural
        if m.kind in ("pronoun", "demonstrative"):
            if m.plural:
                return e.kind in ("organisation", "place") or e.plural
            return (person_like or e.kind in ("organisation", "place")) and not e.plural
        return False

    def _in_un_family(self, e: Entity) -> bool:
        """An organisation of the gazetteer that is the UN or part of it (its parent chain)."""
        for oid in e.org_ids:
            seen = 0
            while oid and seen < 6:
                if oid == "onu":
                    return True
                entry = self.res.org_by_id.get(oid)
                oid = entry.parent if entry else None
                seen += 1
        return False

    def _head_match(self, m: DMention, e: Entity) -> bool:
        spec = self.res.org_descriptions.get(m.role_key or "")
        if spec is None:
            return False
        by_name, kinds = spec
        if by_name and m.role_key in e.heads:
            return True
        return "any" in kinds or e.kind_detail in kinds

    def _anaphor_features(self, m: DMention, e: Entity, f: dict, st, s: int, sal: float,
                          prev_subjects: set, in_sent: dict, span) -> None:
        if not self.compatible(m, e):
            return
        g = e.gender
        if m.gender and g:
            f["ana:gender_agree" if g == m.gender else "ana:gender_clash"] = 1.0
        elif m.gender:
            f["ana:gender_unknown"] = 1.0
        if m.plural != e.plural and e.kind in ("person", "holder", "unnamed"):
            f["ana:number_clash"] = 1.0
        if m.kind == "description" and m.role_key and m.role_key in e.roles:
            f["ana:role_match"] = 1.0
        if m.kind == "org_description":
            f["ana:head_match"] = 1.0 if m.role_key in e.heads else 0.5
        if st is not None and st.last_sent >= 0:
            f["ana:recency"] = 1.0 / (1 + max(0, s - st.last_sent))
            if s - st.last_subj_sent <= 1:
                f["ana:last_subject"] = 1.0
        f["ana:salience"] = sal
        if in_sent and any(x.start < m.start and not (span.start <= x.start < span.end)
                           for x in in_sent.get(e, [])):
            f["ana:same_sentence"] = 1.0

    # ---- main -------------------------------------------------------------------------------
    def run(self, doc: Doc) -> Doc:
        quotes: list[QuoteCandidate] = doc._.quotes or []
        blocks = doc._.blocks or []
        block_number = {id(b): n for n, b in enumerate(blocks)}
        last: Optional[Entity] = None
        last_para = -10
        pending: list[QuoteCandidate] = []
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None:
                continue
            sent = sentence_of(doc, span.start)
            block = block_at(blocks, q.start)
            slots = self.slots(q, span, sent)
            cands = self.candidates(q, span, sent, slots, last, last_para)
            best = cands[0]
            named = next((c for c in cands if c.entity is not None and c.entity.speaker_name), None)
            q.extra["candidates"] = cands
            q.extra["slots"] = slots
            heading = block is not None and block.kind in ("title", "heading")
            if heading and all(sl.group in ("subject", "previous") for sl in slots):
                # a quoted headline or intertitle: said by the speaker of the next quotation
                pending.append(q)
                continue
            primary = slots[0] if slots else None
            if any(c.features.get("primary:anaphor") for c in cands):
                # the quotation's own slot is a pronoun or description that some candidate can
                # be: one it cannot be ("l'agence" for a man, "elle" for a man) never wins
                best = next(c for c in cands if c.entity is None or not c.features.get("primary:clash"))
            entity = best.entity
            if primary is not None and primary.passive and len(slots) == 1:
                # "X a été accusé d'avoir …": the text says somebody said it and never who
                best = next(c for c in cands if c.entity is None)
                entity = None
            speaker = entity if entity is not None and entity.speaker_name else None
            q.rule = f"{primary.group}" if primary else ("continuation" if speaker is not None and
                                                          speaker is last else "context")
            if speaker is not None and primary is not None and primary.mention is not None and \
                    primary.mention.entity is not speaker and primary.mention.anaphoric:
                q.rule += f"-{primary.mention.kind}"
            q.evidence = primary.evidence if primary else None
            q.confidence = _confidence(cands, best)
            if primary is not None and primary.mention is not None and \
                    primary.mention.referent is None and entity is not None and \
                    primary.mention.kind not in ("other", "document") and \
                    self.compatible(primary.mention, entity):
                primary.mention.resolved = entity  # the ranking resolved the slot's anaphor
                if primary.mention.kind == "description":
                    self.attach_title(primary.mention, entity)
            if speaker is not None:
                self._set_speaker(q, speaker)
                for h in pending:
                    self._set_speaker(h, speaker)
                    h.rule, h.confidence, h.evidence = "heading-next-speaker", 0.6, f"next quotation: {q.rule}"
                pending = []
                self._gender_from_slot(primary, speaker)
            elif named is not None:
                q.extra["closest"] = named.entity.name
            if entity is not None:
                last = entity
                end_block = block_at(blocks, max(q.start, q.end - 1))
                last_para = block_number.get(id(end_block), block_number.get(id(block), -10))
            elif best.entity is None and primary is not None and primary.mention is not None and \
                    primary.mention.kind == "unnamed":
                last = primary.mention.entity
        for h in pending:
            h.rule, h.confidence, h.evidence = "none", 0.3, None
        self.salience.advance(len(doc))  # the rest of the text: gender evidence from pronouns
        return doc

    def _set_speaker(self, q: QuoteCandidate, e: Entity) -> None:
        q.speaker_kind = "person" if e.kind in ("person", "holder") else e.kind
        q.speaker_ref = e.ref
        q.speaker_name = e.name

    def _gender_from_slot(self, slot: Optional[Slot], e: Entity) -> None:
        """A pronoun resolved to a person of unknown gender is evidence of it (only when the
        pronoun is the subject of the quotation's own cue, not of a sentence around it)."""
        if slot is None or slot.mention is None or e.kind != "person" or e.cluster is None or \
                slot.group in ("subject", "previous"):
            return
        m = slot.mention
        if m.kind not in ("pronoun", "demonstrative") or not m.gender or m.plural:
            return
        c = e.cluster
        c.add_evidence(m.gender, f"pronoun in '{slot.evidence}'")
        c.gender = c.resolve()
        e.gender = c.gender


def _confidence(cands: list[Candidate], chosen: Candidate) -> float:
    """The chosen candidate's margin over the best other one, squashed into (0.3, 0.95)."""
    import math

    others = [c.score for c in cands if c is not chosen]
    if not others:
        return 0.5
    margin = chosen.score - max(others)
    return round(0.3 + 0.65 / (1 + math.exp(-margin + 1)), 2)


@Language.factory("onu_attribution", default_config={"models": None})
def make_attribution(nlp: Language, name: str, models: Optional[str]):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, Attributor)
