"""Titles attached to people: "X, Secrétaire général adjoint …, a déclaré", "la Haute-Commissaire
…, X", "l'ancien Président des États-Unis Barack Obama", "le chef du HCR, Filippo Grandi".

Title heads come from `models/titles.tsv` with their feminine forms, so a title also gives
gender evidence ("Secrétaire générale adjointe" is female, "Directeur" male; "ministre" nothing).
Title-only mentions that name nobody ("le Secrétaire général a déclaré") are kept too: the
attribution stage links them to the person of the article who holds the title, or to the holder
of the post at the publication date (`models/role_holders.tsv`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, TitleForm, fold, load_resources
from ._ext import ensure_extensions, guarded

_FORMER = {"ancien", "ancienne", "ex", "ex-", "anciens", "anciennes"}
_STOP_AFTER = {"qui", "que", "qu'", "dont", "a", "ont", "avait", "est", "était", "sera", "et", ";", ":",
               "»", "«", "(", ")", '"', "“", "”"}
_BEFORE_OK = {"le", "la", "l'", "les", "du", "de", "d'", "au", "à", "par", "selon", "pour", ",",
              ":", "(", "et", "que", "qu'", "son", "sa", "leur", "notre", "votre", "cette", "ce",
              "nouveau", "nouvelle", "actuel", "actuelle", "«", "“"}


@dataclass
class TitleMention:
    tok_start: int
    tok_end: int
    start: int
    end: int
    text: str  # as written, without determiner
    form: TitleForm
    former: bool
    person_index: Optional[int]  # index into doc._.person_mentions, or None for title-only
    determiner: Optional[str] = None  # "le"/"la"/"l'" before the title
    org_id: Optional[str] = None  # gazetteer id of an organisation inside the title


@guarded
class TitleFinder:
    def __init__(self, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()
        # words of title forms ("exécutive", "adjoint") may be tagged as verbs: not a clause break
        self.title_words = frozenset(w for form in self.res.titles for w in form.split(" "))

    def match_form(self, doc: Doc, i: int) -> tuple[Optional[TitleForm], int]:
        """Longest title form starting at token i -> (form, end token)."""
        if fold(doc[i].text) not in self.res.title_heads and fold(doc[i].text.split("-")[0]) not in self.res.title_heads:
            return None, i
        best, best_end = None, i
        words: list[str] = []
        j = i
        while j < len(doc) and j - i < self.res.max_title_words + 2:
            words.append(fold(doc[j].text))
            key = " ".join(words).replace(" - ", "-").replace(" -", "-")
            form = self.res.titles.get(key)
            if form:
                best, best_end = form, j + 1
            j += 1
        return best, best_end

    def __call__(self, doc: Doc) -> Doc:
        people = doc._.person_mentions or []
        orgs = doc._.org_mentions or []
        person_at = {}
        for k, m in enumerate(people):
            for t in range(m.tok_start, m.tok_end):
                person_at[t] = k
        titles: list[TitleMention] = []
        used: set[int] = set()
        for k, m in enumerate(people):
            t = self._after(doc, m, person_at) or self._before(doc, m, person_at)
            if t:
                t.person_index = k
                titles.append(t)
                used.update(range(t.tok_start, t.tok_end))
        # title-only mentions
        for tok in doc:
            if tok.i in used or tok.i in person_at:
                continue
            form, end = self.match_form(doc, tok.i)
            if form is None:
                continue
            start = tok.i
            former = start > 0 and fold(doc[start - 1].text) in _FORMER
            ext_end = self._extend(doc, end, person_at)
            det = _determiner(doc, start - (1 if former else 0))
            span = doc[start - (1 if former else 0): ext_end]
            titles.append(TitleMention(span.start, span.end, span.start_char, span.end_char,
                                       span.text, form, former, None, det))
            used.update(range(span.start, span.end))
        for t in titles:
            t.org_id = next((o.org_id for o in orgs if o.org_id and t.tok_start <= o.tok_start < t.tok_end), None)
        doc._.titles = titles
        return doc

    def _extend(self, doc: Doc, end: int, person_at: dict[int, int], stop_comma: bool = True) -> int:
        """Extend a title head over its complements ("… des Nations Unies aux opérations de paix")."""
        j = end
        limit = min(len(doc), end + 16)
        while j < limit:
            tok = doc[j]
            if j in person_at or tok.is_space or tok.text in _STOP_AFTER or tok.is_sent_start:
                break
            if tok.text == "," and stop_comma:
                break
            if tok.pos_ in ("VERB", "AUX") and fold(tok.text) not in self.title_words and \
                    not (tok.morph.get("VerbForm") == ["Part"] and tok.dep_ == "amod"):
                break
            j += 1
        while j > end and doc[j - 1].pos_ in ("ADP", "DET", "CCONJ", "PUNCT"):
            j -= 1
        return j

    def _after(self, doc: Doc, m, person_at) -> Optional[TitleMention]:
        i = m.tok_end
        if i < len(doc) and doc[i].text == "," and i + 1 < len(doc):
            i += 1
        elif not (i < len(doc) and doc[i].text in ("(",)):
            return None
        else:
            i += 1
        former = False
        start = i
        if i < len(doc) and fold(doc[i].text) in _FORMER:
            former = True
            i += 1
        det = None
        if i < len(doc) and doc[i].lower_ in ("le", "la", "l'"):
            det = doc[i].lower_
            i += 1
            start = i if not former else start
        if i >= len(doc):
            return None
        form, end = self.match_form(doc, i)
        if form is None:
            return None
        end = self._extend(doc, end, person_at)
        span = doc[start:end]
        return TitleMention(span.start, span.end, span.start_char, span.end_char, span.text, form,
                            former, None, det)

    def _before(self, doc: Doc, m, person_at) -> Optional[TitleMention]:
        """Title before the name, up to 30 tokens back in the sentence, nothing but the title
        (and a comma) between it and the name."""
        end = m.tok_start
        if m.honorific:
            end -= 1
        while end > 0 and doc[end - 1].text == ",":
            end -= 1
        best = None
        j = end - 1
        sent_start = doc[m.tok_start].sent.start
        while j >= max(sent_start, end - 30):
            tok = doc[j]
            if j in person_at or tok.text in ("»", "«", ";", ":", "(", ")") or (
                    tok.pos_ in ("VERB", "AUX") and fold(tok.text) not in self.title_words):
                break
            form, fend = self.match_form(doc, j)
            if form is not None:
                prev = doc[j - 1].lower_ if j > sent_start else ","
                if prev in _BEFORE_OK or fold(prev) in _FORMER or j == sent_start:
                    best = (j, form)
            j -= 1
        if best is None:
            return None
        start, form = best
        former = start > 0 and fold(doc[start - 1].text) in _FORMER
        det = _determiner(doc, start - (1 if former else 0))
        s = start - (1 if former else 0)
        span = doc[s:end]
        return TitleMention(span.start, span.end, span.start_char, span.end_char, span.text, form,
                            former, None, det)


def _determiner(doc: Doc, i: int) -> Optional[str]:
    if i > 0 and doc[i - 1].lower_ in ("le", "la", "l'", "du", "au", "les"):
        return doc[i - 1].lower_
    return None


@Language.factory("onu_titles", default_config={})
def make_titles(nlp: Language, name: str):
    return TitleFinder()
