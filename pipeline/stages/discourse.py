"""The discourse model of one article: every mention of every entity in text order, with what
speaker attribution and gender need to know of it, and each entity's salience as the text goes on.

Mentions (`DMention`), by kind:
- `name`: "Filippo Grandi", "M. Grandi", "Grandi" (the people stage's clusters);
- `title`: a title given with the name ("le Haut-Commissaire, Filippo Grandi");
- `description`: a title or role that names nobody ("le Haut-Commissaire", "la responsable de
  l'agence"), with the role and the gender it shows; resolved by the attribution ranker;
- `org`, `org_description` ("l'agence onusienne", "le Conseil", "le comité"), `place`;
- `pronoun` (il/elle/ils/elles, the clitic of an incise "a-t-elle"), `demonstrative`
  ("ce dernier", "celle-ci"), `demonym` ("le Jordanien");
- `unnamed`: a person the article never names ("un ambassadeur", "une habitante", "sa mère"):
  an entity without a name, so that a later "a-t-il ajouté" can refer to it and the quotation
  gets a null speaker.

Each mention carries its sentence and paragraph, its syntactic role (subject, object, oblique:
the addressee of "a déclaré à l'AFP" is an oblique), gender and number. `Salience` walks the
mentions in order and keeps, per entity, a decayed mention score (subjects weigh more), the last
sentence it was mentioned in and the last sentence it was a subject in; it only ever looks at the
entities mentioned in the last few sentences, so a long text costs linear time.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy
from spacy.attrs import DEP, HEAD, POS
from spacy.language import Language
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc

from ..resources import Resources, fold, load_resources
from ._ext import ensure_extensions, guarded, sentences, token_lows, token_texts

SUBJ_DEPS = frozenset({"nsubj", "nsubj:pass", "expl:subj", "csubj"})
OBJ_DEPS = frozenset({"obj", "iobj", "obl:arg"})
OBL_DEPS = frozenset({"obl", "obl:mod", "obl:agent"})

PRONOUNS = {"il": ("male", False), "elle": ("female", False), "ils": ("male", True),
            "elles": ("female", True), "-il": ("male", False), "-elle": ("female", False),
            "-ils": ("male", True), "-elles": ("female", True), "-t-il": ("male", False),
            "-t-elle": ("female", False)}
DEMONSTRATIVES = {"dernier": ("male", False), "dernière": ("female", False),
                  "derniers": ("male", True), "dernières": ("female", True),
                  "celui-ci": ("male", False), "celle-ci": ("female", False),
                  "ceux-ci": ("male", True), "celles-ci": ("female", True)}
_DEMONYM_SUFFIX = ("ien", "ienne", "ais", "aise", "ois", "oise", "éen", "éenne", "ain", "aine")
_DEFINITE = ("le", "la", "l'", "l’")
_INDEFINITE = {"un": "male", "une": "female"}
_POSSESSIVE = {"son", "sa", "ses", "leur", "leurs"}
# prepositions that make a mention the addressee or a circumstance of the verb, not its agent
ADDRESSEE_PREPS = frozenset({"à", "au", "aux", "auprès", "devant", "avec", "pour", "contre",
                             "envers", "vers", "chez"})

DECAY = 0.6  # salience kept from one sentence to the next
WINDOW = 8  # sentences back in which an entity is still a candidate


@dataclass(eq=False, slots=True)
class Entity:
    """Something that can say something: a person, an organisation, a place speaking as a
    state, the holder of a post never named in the article, or an unnamed person."""

    key: str  # "p1", "o2", "l3", "h:secretaire general", "u4"
    kind: str  # person | organisation | place | holder | unnamed
    name: Optional[str]  # None for an unnamed person
    ref: Optional[str] = None  # cluster id written as speaker_id (None for holder/unnamed)
    cluster: object = None
    gender: Optional[str] = None
    plural: bool = False
    roles: set = field(default_factory=set)  # folded roles of the titles held
    org_ids: set = field(default_factory=set)  # gazetteer ids (organisations) or title orgs
    heads: set = field(default_factory=set)  # organisations: folded first words of its names
    kind_detail: str = ""  # organisations: gazetteer kind ("specialised-agency", "news-agency"…)

    @property
    def speaker_name(self) -> Optional[str]:
        return None if self.kind == "unnamed" else self.name


@dataclass(eq=False, slots=True)
class DMention:
    start: int  # token span
    end: int
    kind: str  # name | title | description | org | org_description | place | pronoun |
    #            demonstrative | demonym | unnamed
    sent: int
    para: int
    role: str  # subj | obj | obl | appos | other
    entity: Optional[Entity] = None  # known referent (None: anaphoric, to be resolved)
    gender: Optional[str] = None
    plural: bool = False
    role_key: Optional[str] = None  # descriptions: folded role of the title
    org_id: Optional[str] = None  # descriptions: organisation in the title
    head: int = -1
    in_quote: bool = False
    text: str = ""
    resolved: Optional[Entity] = None  # referent chosen for an anaphoric mention
    title_index: int = -1  # titles and descriptions: index in doc._.titles
    definite: bool = False  # descriptions that designate one person ("la Haut-commissaire")

    @property
    def anaphoric(self) -> bool:
        return self.entity is None

    @property
    def referent(self) -> Optional[Entity]:
        return self.entity if self.entity is not None else self.resolved


@dataclass(slots=True)
class EntityState:
    score: float = 0.0
    at_sent: int = 0
    last_sent: int = -1
    last_tok: int = -1
    last_subj_sent: int = -10**9
    mentions: int = 0


class Salience:
    """Walks the mentions in text order (`advance(tok)`), keeping each entity's decayed
    salience; `active(sent)` lists the entities mentioned within `WINDOW` sentences, most recent
    first, without looking at older ones. An anaphoric mention is handed to `resolve` when the
    walk reaches it (with the salience of that moment), unless something resolved it already."""

    def __init__(self, mentions: list[DMention], resolve=None):
        self.mentions = mentions
        self.resolve = resolve
        self.pos = 0
        self.state: dict[Entity, EntityState] = {}
        self.recent: "OrderedDict[Entity, None]" = OrderedDict()

    def add(self, m: DMention, entity: Entity) -> None:
        st = self.state.get(entity)
        if st is None:
            st = self.state[entity] = EntityState(at_sent=m.sent)
        weight = 2.0 if m.role == "subj" else 1.0 if m.role in ("appos", "other") else 0.5
        st.score = st.score * DECAY ** max(0, m.sent - st.at_sent) + weight
        st.at_sent = m.sent
        st.last_sent = max(st.last_sent, m.sent)
        st.last_tok = max(st.last_tok, m.start)
        st.mentions += 1
        if m.role == "subj":
            st.last_subj_sent = m.sent
        self.recent[entity] = None
        self.recent.move_to_end(entity)

    def advance(self, tok: int) -> None:
        """Count every mention with a known referent that starts before token `tok` (mentions
        inside quotations do not make their entity salient as a speaker)."""
        ms = self.mentions
        while self.pos < len(ms) and ms[self.pos].start < tok:
            m = ms[self.pos]
            self.pos += 1
            if m.in_quote:
                continue
            if m.entity is None and m.resolved is None and self.resolve is not None:
                m.resolved = self.resolve(m)
            e = m.referent
            if e is not None:
                self.add(m, e)

    def value(self, entity: Entity, sent: int) -> float:
        st = self.state.get(entity)
        if st is None:
            return 0.0
        return st.score * DECAY ** max(0, sent - st.at_sent)

    def active(self, sent: int, window: int = WINDOW) -> list[Entity]:
        out = []
        for e in reversed(self.recent):
            if self.state[e].last_sent < sent - window:
                break
            out.append(e)
        return out


@dataclass
class Discourse:
    entities: list[Entity]
    mentions: list[DMention]  # sorted by start
    by_token: dict[int, DMention]  # every token of a mention -> the mention
    person_entity: dict[str, Entity]  # cluster id -> entity
    org_entity: dict[str, Entity]
    place_entity: dict[str, Entity]
    para_of: list[int]  # token -> paragraph number
    sent_of: list[int]  # token -> sentence number
    holders: dict[str, Entity] = field(default_factory=dict)
    unnamed: list[Entity] = field(default_factory=list)

    def mentions_between(self, a: int, b: int) -> Iterable[DMention]:
        """Mentions starting in tokens [a, b) (binary search, then a walk)."""
        ms = self.mentions
        lo, hi = 0, len(ms)
        while lo < hi:
            mid = (lo + hi) // 2
            if ms[mid].start < a:
                lo = mid + 1
            else:
                hi = mid
        while lo < len(ms) and ms[lo].start < b:
            yield ms[lo]
            lo += 1

    def new_unnamed(self, gender: Optional[str], plural: bool, role_key: Optional[str]) -> Entity:
        e = Entity(f"u{len(self.unnamed) + 1}", "unnamed", None, gender=gender, plural=plural)
        if role_key:
            e.roles.add(role_key)
        self.unnamed.append(e)
        return e


def paragraph_index(doc: Doc, blocks) -> list[int]:
    """Token -> number of the block (paragraph) it lies in; tokens between blocks take the next."""
    idx = [t.idx for t in doc] if blocks else []
    out = [0] * len(doc)
    if not blocks:
        return out
    b = 0
    for i, start in enumerate(idx):
        while b + 1 < len(blocks) and start >= blocks[b].end:
            b += 1
        out[i] = b
    return out


def syntactic_role(doc: Doc, head: int, deps: list[str], lows: list[str]) -> str:
    dep = deps[head]
    if dep in SUBJ_DEPS:
        return "subj"
    if dep == "appos":
        return "appos"
    # "Quant à la Mauritanie, elle …": the topic of the sentence, not an addressee
    for k in range(head - 1, max(-1, head - 4), -1):
        if lows[k] == "quant":
            return "subj"
        if lows[k] in (",", "."):
            break
    # the preposition that governs the phrase: "à l'AFP", "devant le Conseil", "auprès de"
    for k in range(head - 1, max(-1, head - 4), -1):
        if lows[k] in ADDRESSEE_PREPS:
            return "obl"
        if lows[k] in (",", ".", ";", ":", "«", "»", "que", "qu'", "qui"):
            break
    if dep in OBJ_DEPS:
        return "obj"
    if dep in OBL_DEPS:
        return "obl"
    return "other"


def _np_head(start: int, end: int, heads: list[int]) -> int:
    """The token of [start, end) whose head lies outside the span."""
    for i in range(start, end):
        if not start <= heads[i] < end or heads[i] == i:
            return i
    return start


@guarded
class DiscourseBuilder:
    """Sets `doc._.discourse`: the entities and mentions of the article (see the module doc)."""

    def __init__(self, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()

    def __call__(self, doc: Doc) -> Doc:
        doc._.discourse = build_discourse(doc, self.res)
        return doc


def build_discourse(doc: Doc, res: Resources) -> Discourse:
    sentences(doc)
    sent_of = doc._.sent_index
    blocks = doc._.blocks or []
    para_of = paragraph_index(doc, blocks)
    texts = token_texts(doc)
    lows = token_lows(doc)
    arr = doc.to_array([HEAD, DEP, POS])
    # HEAD is a signed offset to the head stored in an unsigned array
    heads = (numpy.arange(len(doc), dtype="int64") + arr[:, 0].astype("int64")).tolist()
    strings = doc.vocab.strings
    dep_names = {d: strings[d] for d in set(arr[:, 1].tolist())}  # one string per label
    deps = [dep_names[d] for d in arr[:, 1].tolist()]
    pos = arr[:, 2].tolist()
    inside = _inside_quotes(doc)

    entities: list[Entity] = []
    person_entity: dict[str, Entity] = {}
    titles = doc._.titles or []
    people = doc._.people or []
    person_mentions = doc._.person_mentions or []
    for c in people:
        e = Entity(c.id, "person", c.name, c.id, c, c.gender)
        for ti in c.title_indices:
            t = titles[ti]
            if not t.former:
                e.roles.add(fold(t.form.role))
            if t.org_id:
                e.org_ids.add(t.org_id)
        entities.append(e)
        person_entity[c.id] = e
    org_entity: dict[str, Entity] = {}
    for o in doc._.organisations or []:
        entry = res.org_by_id.get(o.gazetteer_id) if o.gazetteer_id else None
        e = Entity(o.id, "organisation", o.name, o.id, o, None)
        if o.gazetteer_id:
            e.org_ids.add(o.gazetteer_id)
        e.kind_detail = entry.kind if entry else ""
        for form in [o.name, *o.aliases]:
            words = fold(form).replace("-", " ").split()
            if words:
                e.heads.add(words[0] if words[0] not in ("l'", "le", "la") or len(words) < 2 else words[1])
        entities.append(e)
        org_entity[o.id] = e
    place_entity: dict[str, Entity] = {}
    for p in doc._.places or []:
        e = Entity(p.id, "place", p.name, p.id, p, None)
        entities.append(e)
        place_entity[p.id] = e

    mentions: list[DMention] = []

    def add(start: int, end: int, kind: str, entity: Optional[Entity], **kw) -> DMention:
        head = _np_head(start, end, heads)
        m = DMention(start, end, kind, sent_of[start], para_of[start],
                     syntactic_role(doc, head, deps, lows), entity, head=head,
                     in_quote=bool(inside[start]), text=doc[start:end].text, **kw)
        mentions.append(m)
        return m

    owner = {k: c for c in people for k in c.mention_indices}
    taken: set[int] = set()
    for k, m in enumerate(person_mentions):
        c = owner.get(k)
        if c is None:
            continue
        add(m.tok_start, m.tok_end, "name", person_entity[c.id], gender=c.gender)
        taken.update(range(m.tok_start, m.tok_end))
    for ti, t in enumerate(titles):
        if any(i in taken for i in range(t.tok_start, t.tok_end)):
            continue
        attached = t.person_index is not None and t.person_index in owner
        entity = person_entity[owner[t.person_index].id] if attached else None
        g = _title_gender(t, doc)
        plural = t.determiner == "les" or doc[t.tok_start].morph.get("Number") == ["Plur"]
        before = lows[t.tok_start - 1] if t.tok_start else ""
        kind = "title" if attached else "description"
        start = t.tok_start
        if not attached and (before in _INDEFINITE or before in _POSSESSIVE or
                             before in ("des", "plusieurs")):
            # "un ambassadeur", "sa porte-parole": somebody the article does not name
            kind, start = "unnamed", t.tok_start - 1
            g = g or _INDEFINITE.get(before)
            plural = plural or before in ("des", "plusieurs", "ses", "leurs")
        m = add(start, t.tok_end, kind, entity, gender=g, plural=plural,
                role_key=fold(t.form.role), org_id=t.org_id)
        m.title_index = ti
        m.definite = kind == "description" and not plural and (
            t.determiner in ("le", "la", "l'", "l’", "du", "au") or t.former or
            (t.tok_start >= 3 and lows[t.tok_start - 3: t.tok_start] == ["en", "tant", "que"]) or
            t.tok_start == 0 or texts[t.tok_start - 1].isspace())
        taken.update(range(start, t.tok_end))
    for e in org_entity.values():
        for m in e.cluster.mentions:
            if m.tok_start in taken:
                # inside a title ("la directrice régionale de la FAO"): still a mention of the
                # organisation, which stays salient, but the title keeps its tokens
                nested = add(m.tok_start, m.tok_end, "org", e)
                nested.role = "obl"
                continue
            add(m.tok_start, m.tok_end, "org", e)
            taken.update(range(m.tok_start, m.tok_end))
    for e in place_entity.values():
        for m in e.cluster.mentions:
            if m.tok_start in taken:
                continue
            if _is_demonym(m, lows, texts):
                # "l'Equatorienne", "l'Italien": a person named by nationality, not a place
                prev = lows[m.tok_start - 1]
                add(m.tok_start - 1, m.tok_end, "demonym", None, gender=_demonym_gender(prev, lows[m.tok_start]))
            else:
                add(m.tok_start, m.tok_end, "place", e)
            taken.update(range(m.tok_start, m.tok_end))
    # pronouns, demonstratives, demonyms, unnamed people and organisation descriptions
    org_heads = res.org_descriptions
    person_nouns = res.person_nouns
    n = len(doc)
    for i in range(n):
        if i in taken:
            continue
        low = lows[i]
        if low in PRONOUNS and (deps[i] in SUBJ_DEPS or low.startswith("-") or deps[i] == "flat:name"):
            g, pl = PRONOUNS[low]
            m = add(i, i + 1, "pronoun", None, gender=g, plural=pl)
            m.role = "subj"
            continue
        if low in DEMONSTRATIVES and (low.startswith("cel") or (
                i > 0 and lows[i - 1] in ("ce", "cette", "ces"))):
            g, pl = DEMONSTRATIVES[low]
            start = i - 1 if not low.startswith("cel") else i
            add(start, i + 1, "demonstrative", None, gender=g, plural=pl)
            continue
        if i == 0 or not texts[i]:
            continue
        prev = lows[i - 1]
        if texts[i][:1].isupper() and low.endswith(_DEMONYM_SUFFIX) and prev in _DEFINITE and \
                pos[i] in (NOUN, PROPN):
            add(i - 1, i + 1, "demonym", None, gender=_demonym_gender(prev, low))
            continue
        if pos[i] != NOUN:
            continue
        key = fold(texts[i])
        if key in org_heads and prev in _DEFINITE + ("cette", "cet", "ce"):
            end = i + 1
            un = False
            if end < n and lows[end] in ("onusienne", "onusien", "humanitaire", "internationale",
                                         "international"):
                un = lows[end].startswith("onusien")
                end += 1
            # "l'agence onusienne" is one of the UN family, never a news agency
            add(i - 1, end, "org_description", None, role_key=key, org_id="onu" if un else None)
            taken.update(range(i - 1, end))
            continue
        if key in person_nouns and (prev in _INDEFINITE or prev in _POSSESSIVE or
                                    prev in ("des", "plusieurs", "certains", "deux", "trois")):
            g = _INDEFINITE.get(prev) or {"Masc": "male", "Fem": "female"}.get(
                (doc[i].morph.get("Gender") or [""])[0])
            plural = prev in ("des", "plusieurs", "certains", "deux", "trois", "ses", "leurs")
            m = add(i - 1, i + 1, "unnamed", None, gender=g, plural=plural, role_key=key)
    # the grammatical gender of an organisation or a country, from an explicit determiner
    # ("la Chine", "le Conseil", "du PAM"): what a later "elle"/"il" that refers to it agrees with
    for e in list(org_entity.values()) + list(place_entity.values()):
        votes = {"male": 0, "female": 0}
        for m in e.cluster.mentions[:5]:
            if m.tok_start > 0:
                g = _DET_GENDER.get(lows[m.tok_start - 1])
                if g:
                    votes[g] += 1
        if votes["male"] != votes["female"]:
            e.gender = max(votes, key=votes.get)
    mentions.sort(key=lambda m: (m.start, -m.end))
    # "Quant à la Tunisie, elle a démenti …": a dislocated topic and the pronoun that takes it up
    sents = doc._.sentences
    for n, m in enumerate(mentions):
        if m.kind != "pronoun" or m.entity is not None:
            continue
        s0 = sents[m.sent].start
        if lows[s0] == "quant" and s0 + 2 < m.start and lows[s0 + 1] in ("à", "au", "aux"):
            topic = next((x for x in mentions[max(0, n - 6):n] if x.start > s0 and
                          x.entity is not None and x.end < m.start and
                          "," in lows[x.end:m.start]), None)
            if topic is not None:
                m.entity = topic.entity
    # a description or unnamed person in apposition to a name is that person: "Une habitante,
    # Nyakuoth Gatluak, affirme …", "Karim Haddou, un réfugié arrivé en 2019"
    for n, m in enumerate(mentions):
        if m.entity is not None or m.kind not in ("description", "unnamed"):
            continue
        nxt = mentions[n + 1] if n + 1 < len(mentions) else None
        prev = mentions[n - 1] if n > 0 else None
        if nxt is not None and nxt.kind == "name" and nxt.start == m.end + 1 and \
                texts[m.end] == ",":
            m.entity, m.kind = nxt.entity, "title"
        elif prev is not None and prev.kind == "name" and m.start == prev.end + 1 and \
                texts[prev.end] == "," or (prev is not None and prev.kind == "name" and
                                           m.start == prev.end + 2 and texts[prev.end] == ","
                                           and lows[prev.end + 1] in _INDEFINITE):
            m.entity, m.kind = prev.entity, "title"
    by_token: dict[int, DMention] = {}
    for m in mentions:
        for t in range(m.start, m.end):
            by_token.setdefault(t, m)
    return Discourse(entities, mentions, by_token, person_entity, org_entity, place_entity,
                     para_of, sent_of)


def _is_demonym(m, lows: list[str], texts: list[str]) -> bool:
    return m.tok_end - m.tok_start == 1 and m.tok_start > 0 and \
        lows[m.tok_start - 1] in _DEFINITE and texts[m.tok_start][:1].isupper() and \
        lows[m.tok_start].endswith(_DEMONYM_SUFFIX)


def _demonym_gender(det: str, word: str) -> str:
    if det in ("le", "la"):
        return "male" if det == "le" else "female"
    return "female" if word.endswith(("ienne", "aise", "oise", "éenne", "aine")) else "male"


def _inside_quotes(doc: Doc) -> bytearray:
    """Token -> 1 when it lies between quotation marks."""
    inside = bytearray(len(doc))
    for qs in doc._.quote_spans or []:
        span = doc.char_span(qs.start, qs.end, alignment_mode="expand")
        if span is not None:
            inside[span.start:span.end] = b"\x01" * len(span)
    return inside


_DET_GENDER = {"la": "female", "le": "male", "du": "male", "au": "male"}
_AGREEING = {"ancien": "male", "nouveau": "male", "nouvel": "male",
             "ancienne": "female", "nouvelle": "female"}


def _title_gender(t, doc: Doc) -> Optional[str]:
    """The gender a title mention shows: a feminine form, its determiner, an agreeing
    "ancienne"/"nouveau". A bare masculine form is the generic one: not evidence alone."""
    det = _DET_GENDER.get(t.determiner or "")
    first = fold(t.text.split(" ")[0]) if t.text else ""
    if t.form.gender == "female":
        return "female"
    return det or _AGREEING.get(first)


@Language.factory("onu_discourse", default_config={"models": None})
def make_discourse(nlp: Language, name: str, models: Optional[str]):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, DiscourseBuilder)
