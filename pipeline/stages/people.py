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
from ._ext import doc_text, ensure_extensions, guarded, sentences


@dataclass(slots=True)
class PersonCluster:
    id: str
    name: str
    mention_indices: list[int] = field(default_factory=list)
    title_indices: list[int] = field(default_factory=list)
    gender: Optional[str] = None
    evidence: list[str] = field(default_factory=list)
    # running weights of the evidence, so that resolving the gender costs the same whatever
    # the number of mentions (a profile repeats "il" hundreds of times)
    weights: dict = field(default_factory=lambda: {"male": 0, "female": 0})
    more_evidence: int = 0  # pieces of evidence beyond MAX_EVIDENCE, counted but not listed

    def tokens(self) -> list[str]:
        return fold(self.name).replace("-", " ").split()

    def add_evidence(self, gender: Optional[str], why: str) -> None:
        if gender in ("male", "female"):
            item = f"{gender}: {why}"
            self.weights[gender] += _weight(item)
            if len(self.evidence) < MAX_EVIDENCE:
                self.evidence.append(item)
            else:
                self.more_evidence += 1

    def resolve(self) -> Optional[str]:
        """Weighted evidence (an honorific outweighs a pronoun); a tie gives null (no guess)."""
        m, f = self.weights["male"], self.weights["female"]
        return "male" if m > f else "female" if f > m else None


MAX_EVIDENCE = 40  # listed in the record; the rest still counts


class _NameIndex:
    """The clusters by the words of their current names: `holding` (every word), `ending` (the
    last word) and `single` (a one-word name), each word -> set of cluster numbers."""

    def __init__(self):
        self.holding: dict[str, set] = {}
        self.ending: dict[str, set] = {}
        self.single: dict[str, set] = {}

    def add(self, ci: int, toks: list[str]) -> None:
        for w in toks:
            self.holding.setdefault(w, set()).add(ci)
        self.ending.setdefault(toks[-1], set()).add(ci)
        if len(toks) == 1:
            self.single.setdefault(toks[0], set()).add(ci)

    def remove(self, ci: int, toks: list[str]) -> None:
        for w in toks:
            self.holding[w].discard(ci)
        self.ending[toks[-1]].discard(ci)
        if len(toks) == 1:
            self.single[toks[0]].discard(ci)


def _same_full_name(a: list[str], b: list[str]) -> bool:
    """"Maria I. Salvador" = "Maria Isabel Salvador": same surname, same first name, and the
    middle parts equal or one an initial of the other."""
    if len(a) < 2 or len(b) < 2 or a[-1] != b[-1] or a[0] != b[0]:
        return False
    if len(a) != len(b):
        # "Gilbert Houngbo" = "Gilbert Fossoun Houngbo": a middle name written or not
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        return all(x in long_[1:-1] for x in short[1:-1])
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


def _apposition_gender(doc: Doc, m, res: Resources) -> Optional[tuple[str, str]]:
    """A noun in apposition carries a determiner that agrees with the person: "le Jordanien X",
    "X, un réfugié arrivé …", "X, une habitante". Titles are handled with the titles."""
    s, e = m.tok_start, m.tok_end
    if m.honorific:
        return None
    pairs = []
    if s >= 2:
        pairs.append((doc[s - 2], doc[s - 1]))
    if s >= 3 and doc[s - 1].text == "," and (
            s == 3 or doc[s - 3].is_sent_start or doc[s - 4].is_punct or doc[s - 4].lower_ == "comme"):
        # the whole phrase before the comma: "Une habitante, X", "Tout comme son prédécesseur,
        # X" (not the end of a longer one: "la porte-parole de la Mission, X")
        pairs.append((doc[s - 3], doc[s - 2]))
    if e + 2 < len(doc) and doc[e].text == ",":
        pairs.append((doc[e + 1], doc[e + 2]))
    for det, noun in pairs:
        low = det.lower_
        g = _DET_GENDER.get(low) if low in ("le", "la", "un", "une") else None
        if low in ("son", "sa", "leur", "notre", "votre", "mon", "ma") and noun.pos_ == "NOUN":
            # a possessive agrees with the noun, whose gender is the person's: "son
            # prédécesseur, X", "sa collègue, X"
            g = {"Masc": "male", "Fem": "female"}.get((noun.morph.get("Gender") or [""])[0])
        if not g or noun.pos_ not in ("NOUN", "PROPN") or fold(noun.text) in res.titles:
            continue
        if noun.is_title != (noun.pos_ == "PROPN") and noun.pos_ == "PROPN":
            continue
        ng = noun.morph.get("Gender")
        if ng and ng != [{"male": "Masc", "female": "Fem"}[g]]:
            continue
        return g, f"{det.text} {noun.text}"
    return None


# A feminine title form is a deliberate marking ("la Secrétaire générale"); the masculine form
# is also the generic one that older UN French gives women ("Mme X, Haut Commissaire"), so it
# is weak evidence that a feminine determiner or pronoun outweighs (issue 12).
_WEIGHTS = {"honorific": 3, "title": 2, "agreement": 2, "determiner": 2, "pronoun": 1}
_MALE_TITLE = 1


def _weight(evidence: str) -> int:
    gender, _, why = evidence.partition(": ")
    kind = why.split(" ", 1)[0]
    if kind == "title":
        return 3 if gender == "female" else _MALE_TITLE
    return _WEIGHTS.get(kind, 1)


@guarded
class PeopleClusterer:
    # Descriptions that no role or role holder ties to a person are resolved by the discourse
    # model (`attribution.resolve_anaphor`), by salience, gender and recency; the nearest
    # person of the right gender (this class's former rule) is kept behind this switch.
    attach_nearest = False

    def __init__(self, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.person_mentions or []
        clusters: list[PersonCluster] = []
        owner: dict[int, PersonCluster] = {}
        # Only a cluster whose name shares a word can match, and the most recent one that does
        # wins. Which ones can, by the rules below: for a one-word mention, those whose name holds
        # the word (any of them matches); for a longer one, those whose name ends with the same
        # word or is one of its words. Indexed by the clusters' current names, so that a mention
        # costs the same however many people share a first name or a particle ("de", "al").
        index = _NameIndex()
        number: dict[int, int] = {}  # cluster -> its index in `clusters`
        for k, m in enumerate(mentions):
            toks = _name_tokens(m.text)
            if not toks:
                continue
            target = None
            if len(toks) == 1:
                holders = index.holding.get(toks[0])
                if holders:
                    target = clusters[max(holders)]
            else:
                near = set(index.ending.get(toks[-1], ()))
                for w in toks:
                    near.update(index.single.get(w, ()))
                for c in (clusters[ci] for ci in sorted(near, reverse=True)):
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
                number[id(target)] = len(clusters) - 1
                index.add(len(clusters) - 1, toks)
            elif len(toks) > len(target.tokens()):
                index.remove(number[id(target)], target.tokens())
                target.name = m.text
                index.add(number[id(target)], target.tokens())
            target.mention_indices.append(k)
            owner[k] = target
            if m.honorific:
                g, _ = self.res.honorifics.get(m.honorific, (None, True))
                if g and m.honorific not in ("MM.", "Mmes"):
                    target.add_evidence(g, f"honorific '{m.honorific}'")
                elif g is None and m.tok_start >= 2 and doc[m.tok_start - 2].lower_ == "la":
                    # "la Dr Moeti" marks a woman; "le Dr" is used for women too, so it is no evidence
                    target.add_evidence("female", f"determiner 'la {m.honorific}'")
            appos = _apposition_gender(doc, m, self.res)
            if appos:
                target.add_evidence(appos[0], f"determiner '{appos[1]}'")
            agreement = _participle_gender(doc, m)
            if agreement:
                target.add_evidence(agreement[0], f"agreement '{agreement[1]}'")
        self._attach_indefinite_appositions(doc, mentions, owner)
        for ti, t in enumerate(doc._.titles or []):
            if t.person_index is None or t.person_index not in owner:
                continue
            add_title(owner[t.person_index], ti, t)
            if t.tok_start > 0 and doc[t.tok_start - 1].lower_ in _INDEFINITE and \
                    t.form.gender is None:
                det = doc[t.tok_start - 1]
                owner[t.person_index].add_evidence(_INDEFINITE[det.lower_],
                                                   f"determiner '{det.text} {t.text}'")
        self._attach_descriptions(doc, clusters, owner)
        for c in clusters:
            c.gender = c.resolve()
        for i, c in enumerate(clusters, 1):
            c.id = f"p{i}"
        doc._.people = clusters
        return doc


    @staticmethod
    def _attach_indefinite_appositions(doc: Doc, mentions, owner: dict) -> None:
        """"une porte-parole du PAM, Emilia Casella", "d'un représentant de l'UA, Selim Ahmed
        Selim": a title with an indefinite article right before ", NAME" is that person's
        (and its article agrees with them; epicene titles get their gender from it)."""
        ends = {t.tok_end: t for t in doc._.titles or [] if t.person_index is None}
        if not ends:
            return
        for k, m in enumerate(mentions):
            if k not in owner or m.honorific or m.tok_start < 2 or doc[m.tok_start - 1].text != ",":
                continue
            t = ends.get(m.tok_start - 1)
            if t is not None and t.tok_start > 0 and doc[t.tok_start - 1].lower_ in _INDEFINITE:
                t.person_index = k

    # -- definite descriptions ("la Haute-Commissaire", "le chef de l'OMS") -------------------
    def _attach_descriptions(self, doc: Doc, clusters: list[PersonCluster], owner: dict) -> None:
        """A title that names nobody but designates one person ("le chef de l'OMS a déclaré",
        "L'ex-présidente chilienne …", "en tant que Conseillère spéciale") is another title of
        a person of the article: the one who holds that role already, the holder of the post in
        `models/role_holders.tsv` when named here, else the nearest person of matching gender in
        the surrounding sentences. A post whose known holders are all absent stays unattached."""
        titles = doc._.titles or []
        mentions = doc._.person_mentions or []
        if not clusters or not titles:
            return
        sentences(doc)
        sent_of = doc._.sent_index  # token -> sentence number
        positions = sorted((mentions[k].tok_start, owner[k]) for k in owner)
        quoted = [(q.start, q.end) for q in (doc._.quote_spans or [])]
        heading_starts = {b.start for b in doc._.blocks or [] if b.kind in ("title", "heading")}
        # role -> (cluster, organisation) of the titles people hold: one lookup per description
        by_role: dict[str, list] = {}
        by_role_org: dict[tuple, dict] = {}  # (role, organisation) -> clusters: the same, by organisation
        for c in clusters:
            for ti in c.title_indices:
                _index_role(by_role, c, titles[ti], by_role_org)
        # last word of a name -> the first cluster whose name ends with it (role holders' lookup)
        last_word: dict[str, PersonCluster] = {}
        for c in clusters:
            ct = c.tokens()
            if ct:
                last_word.setdefault(ct[-1], c)
        cluster_no = {id(c): n for n, c in enumerate(clusters)}
        holders_memo: dict[tuple, list] = {}
        in_quote = bytearray(len(doc_text(doc)) + 1)
        for a, b in quoted:
            in_quote[a:b] = b"\x01" * (b - a)
        # two passes: a person whose gender the text shows first, then one not yet known
        for strict in ((True, False) if self.attach_nearest else (True,)):
            for ti, t in enumerate(titles):
                if t.person_index is not None or not self._designates_one(doc, t, heading_starts):
                    continue
                if in_quote[t.start]:
                    continue
                c = self._holder_cluster(doc, t, clusters, by_role,
                                         (by_role_org, last_word, cluster_no, holders_memo))
                if c is False:
                    continue
                if c is None and self.attach_nearest:
                    c = _nearest(t, positions, sent_of, _title_gender(t), strict)
                if c is not None:
                    add_title(c, ti, t)
                    t.person_index = next(iter(c.mention_indices))
                    _index_role(by_role, c, t, by_role_org)

    def _designates_one(self, doc: Doc, t, heading_starts: set) -> bool:
        head = doc[t.tok_start]
        if head.morph.get("Number") == ["Plur"] or t.determiner == "les":
            return False
        prev = doc[t.tok_start - 1] if t.tok_start else None
        if t.determiner in ("le", "la", "l'", "l’", "du", "au") or t.former:
            return True
        if prev is not None and prev.lower_ == "que" and t.tok_start >= 3 and \
                doc[t.tok_start - 2].lower_ == "tant" and doc[t.tok_start - 3].lower_ == "en":
            return True  # "en tant que Conseillère spéciale"
        # a headline or heading that opens with a title ("Chef du HCR : …")
        return prev is None or prev.is_space or t.start in heading_starts

    def _holder_cluster(self, doc: Doc, t, clusters, by_role: dict, index=None):
        """The cluster holding the same role, or the role holder named in the article; False
        when the post has known holders and none is in the article. `index`: what
        `_attach_descriptions` keeps so that each description costs the same however many
        people the article names: (clusters by role and organisation, the first cluster by the
        last word of its name, cluster -> its number, the role holders found per title)."""
        by_role_org, last_word, cluster_no, memo = index
        role = fold(t.form.role)
        entries = by_role.get(role, {})
        if t.org_id is None:
            if len(entries) == 1:  # the one person who holds the role, in any organisation
                return next(iter(entries.values()))[0]
        else:
            # holders of the role in that organisation, or with no organisation named
            a, b = by_role_org.get((role, None), {}), by_role_org.get((role, t.org_id), {})
            if len(a) <= 1 and len(b) <= 1 and len({**a, **b}) == 1:
                return next(iter({**a, **b}.values()))
        text = fold(t.text)
        key = (text, role, t.org_id)
        holders = memo.get(key)
        if holders is None:
            holders = memo[key] = [
                h for h in self.res.role_holders if text in h.aliases or (
                    (h.role == role or role in h.aliases) and
                    (h.organisation_id == t.org_id if t.org_id else h.organisation_id in ("onu", "")))]
        if not holders:
            return None
        for h in holders:
            htoks = set(_name_tokens(h.holder)) | {w for a in h.aliases for w in a.split()}
            # the first cluster (in the article's order) whose name ends with a word of the holder
            hits = [last_word[w] for w in htoks if w in last_word]
            if hits:
                return min(hits, key=lambda c: cluster_no[id(c)])
        return False


_DET_GENDER = {"la": "female", "le": "male", "du": "male", "au": "male", "un": "male", "une": "female"}
_INDEFINITE = {"un": "male", "une": "female"}
# "ancien"/"ancienne", "nouveau"/"nouvelle" before a title agree with the person
_AGREEING = {"ancien": "male", "nouveau": "male", "nouvel": "male",
             "ancienne": "female", "nouvelle": "female"}


def _title_gender(t) -> Optional[str]:
    """The gender a title shows: its determiner ("la Haut-commissaire" is a woman), an agreeing
    "ancienne"/"nouveau", or a feminine form. A bare masculine form is the generic one and is
    not enough to pick a person."""
    det = _DET_GENDER.get(t.determiner or "")
    first = fold(t.text.split(" ")[0]) if t.text else ""
    return det or _AGREEING.get(first) or (t.form.gender if t.form.gender == "female" else None)


def _nearest(t, positions, sent_of, gender: Optional[str], strict: bool):
    """The last person named in this or the two previous sentences whose gender fits, or (a
    description that opens the text) the first person named in the next two sentences. Not
    strict: a person of unknown gender fits when alone in those sentences, and any earlier
    person of the article."""
    here = sent_of[t.tok_start]
    earlier = [(p, c) for p, c in positions if p < t.tok_start]
    before = [(p, c) for p, c in earlier if here - sent_of[p] <= 2]
    after = [(p, c) for p, c in positions if p > t.tok_end and sent_of[p] - here <= 2]

    # not strict, a person of unknown gender fits only as the one person in play
    alone = len({id(c) for _, c in before}) <= 1

    def fits(c) -> bool:
        g = c.resolve()
        return gender is None or g == gender or (not strict and g is None and alone)

    for _, c in reversed(before):
        if fits(c):
            return c
    if not before:
        for _, c in after:
            if fits(c):
                return c
    if not strict:
        for _, c in reversed(earlier):
            if fits(c):
                return c
    return None


def _index_role(by_role: dict, c: PersonCluster, t, by_role_org: Optional[dict] = None) -> None:
    """role -> {cluster id: (cluster, organisations of its titles with that role)}; and in
    `by_role_org`, (role, organisation) -> {cluster id: cluster}."""
    role = fold(t.form.role)
    entry = by_role.setdefault(role, {}).setdefault(id(c), (c, set()))
    entry[1].add(t.org_id)
    if by_role_org is not None:
        by_role_org.setdefault((role, t.org_id), {})[id(c)] = c


def add_title(c: PersonCluster, ti: int, t) -> None:
    c.title_indices.append(ti)
    det = _DET_GENDER.get(t.determiner or "")
    first = fold(t.text.split(" ")[0]) if t.text else ""
    if t.form.gender == "female" or (t.form.gender and det in (None, t.form.gender)):
        c.add_evidence(t.form.gender, f"title '{t.text}'")
    elif det:
        c.add_evidence(det, f"determiner '{t.determiner} {t.text}'")
    if first in _AGREEING:
        c.add_evidence(_AGREEING[first], f"agreement '{first}'")


@Language.factory("onu_people", default_config={"models": None})
def make_people(nlp: Language, name: str, models: Optional[str]):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, PeopleClusterer)
