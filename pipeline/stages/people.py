"""People: mentions clustered across the article ("Atul Khare" = "M. Khare" = "Khare"), with the
fullest name as canonical form, titles, and gender from the text's own grammar.

Gender evidence, in order of strength: honorifics (M., Mme), the gendered form of the person's
title ("Secrétaire générale", "Directeur"), the determiner of an epicene title ("la ministre"),
and a subject pronoun il/elle of a speech verb whose speaker is the person (set later by the
attribution stage). No first-name lists: null rather than a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, fold, load_resources
from ._ext import ensure_extensions, guarded


@dataclass
class PersonCluster:
    id: str
    name: str
    mention_indices: list[int] = field(default_factory=list)
    title_indices: list[int] = field(default_factory=list)
    gender: Optional[str] = None
    evidence: list[str] = field(default_factory=list)

    def tokens(self) -> list[str]:
        return fold(self.name).replace("-", " ").split()

    def add_evidence(self, gender: Optional[str], why: str) -> None:
        if gender in ("male", "female"):
            self.evidence.append(f"{gender}: {why}")


def _same_full_name(a: list[str], b: list[str]) -> bool:
    """"Maria I. Salvador" = "Maria Isabel Salvador": same surname, same first name, and the
    middle parts equal or one an initial of the other."""
    if len(a) != len(b) or len(a) < 2 or a[-1] != b[-1] or a[0] != b[0]:
        return False
    return all(x == y or (x.rstrip(".") and y.startswith(x.rstrip("."))) or
               (y.rstrip(".") and x.startswith(y.rstrip("."))) for x, y in zip(a[1:-1], b[1:-1]))


def _name_tokens(text: str) -> list[str]:
    return fold(text).replace("-", " ").split()


def _participle_gender(doc: Doc, m) -> Optional[tuple[str, str]]:
    """A person subject of a past participle with the auxiliary "être" ("X s'est félicitée",
    "X est arrivée"): French agreement marks the subject's gender. Participles with "avoir" do not
    agree with the subject, so they are not evidence."""
    head = doc[m.tok_start].head
    if doc[m.tok_start].dep_ not in ("nsubj", "nsubj:pass") or head.i <= m.tok_start:
        return None
    if head.pos_ not in ("VERB", "ADJ") or head.morph.get("VerbForm") != ["Part"]:
        return None
    if not any(c.lemma_ == "être" and c.dep_.startswith("aux") for c in head.children):
        return None
    g = head.morph.get("Gender")
    number = head.morph.get("Number")
    if number != ["Sing"] or not g:
        return None
    word = head.text.lower()
    if g == ["Fem"] and word.endswith("e"):
        return "female", head.text
    if g == ["Masc"] and not word.endswith("e"):
        return "male", head.text
    return None


_WEIGHTS = {"honorific": 3, "title": 2, "agreement": 2, "determiner": 1, "pronoun": 1}


def _weight(evidence: str) -> int:
    kind = evidence.split(": ", 1)[-1].split(" ", 1)[0]
    return _WEIGHTS.get(kind, 1)


def resolve_gender(evidence: list[str]) -> Optional[str]:
    """Weighted evidence (an honorific outweighs a pronoun); a tie gives null (no guess)."""
    m = sum(_weight(e) for e in evidence if e.startswith("male"))
    f = sum(_weight(e) for e in evidence if e.startswith("female"))
    if m > f:
        return "male"
    if f > m:
        return "female"
    return None


@guarded
class PeopleClusterer:
    def __init__(self, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.person_mentions or []
        clusters: list[PersonCluster] = []
        owner: dict[int, PersonCluster] = {}
        for k, m in enumerate(mentions):
            toks = _name_tokens(m.text)
            if not toks:
                continue
            target = None
            for c in reversed(clusters):  # most recent first
                ct = c.tokens()
                if toks == ct or (len(toks) < len(ct) and toks[-len(ct):] == ct[-len(toks):]) or \
                        _same_full_name(toks, ct) or \
                        (len(toks) == 1 and toks[0] in ct) or \
                        (len(toks) > len(ct) and toks[-len(ct):] == ct) or \
                        (len(ct) == 1 and ct[0] in toks and len(toks) > 1):
                    target = c
                    break
            if target is None:
                target = PersonCluster("", m.text)
                clusters.append(target)
            elif len(toks) > len(target.tokens()):
                target.name = m.text
            target.mention_indices.append(k)
            owner[k] = target
            if m.honorific:
                g, _ = self.res.honorifics.get(m.honorific, (None, True))
                if g and m.honorific not in ("MM.", "Mmes"):
                    target.add_evidence(g, f"honorific '{m.honorific}'")
                elif g is None and m.tok_start >= 2 and doc[m.tok_start - 2].lower_ == "la":
                    # "la Dr Moeti" marks a woman; "le Dr" is used for women too, so it is no evidence
                    target.add_evidence("female", f"determiner 'la {m.honorific}'")
            agreement = _participle_gender(doc, m)
            if agreement:
                target.add_evidence(agreement[0], f"agreement '{agreement[1]}'")
        for ti, t in enumerate(doc._.titles or []):
            if t.person_index is None or t.person_index not in owner:
                continue
            c = owner[t.person_index]
            c.title_indices.append(ti)
            if t.form.gender:
                c.add_evidence(t.form.gender, f"title '{t.text}'")
            elif t.determiner == "la":
                c.add_evidence("female", f"determiner 'la {t.text}'")
        for c in clusters:
            c.gender = resolve_gender(c.evidence)
        for i, c in enumerate(clusters, 1):
            c.id = f"p{i}"
        doc._.people = clusters
        return doc


@Language.factory("onu_people", default_config={})
def make_people(nlp: Language, name: str):
    return PeopleClusterer()
