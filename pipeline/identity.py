"""One identity per person across the corpus: `person_key`.

Pure functions (no file, no database): the store (`store.py`) calls them with what the corpus
already holds. A key is one of

* `wd:<QID>`: a holder of `models/role_holders.tsv` that has a Wikidata identifier, matched by
  its name or one of its name aliases ("Antonio Guterres", "Gilbert Houngbo", "Dr Tedros");
* `name:<folded name>`: any other full name, and a holder without a verified identifier (same
  key for the holder's name and its name aliases);
* a short name ("M. Mohammed", "Grundberg", "Mme Okonjo-Iweala": one name word, particles and
  initials aside) takes the key of a full name of the corpus (or of the timeline) only when
  exactly one candidate ends with it and agrees on gender, role or organisation, and period
  (`resolve_short`); otherwise it keeps a key of its own, scoped to its article:
  `surname:<folded>:<article_id>:<person_id>`, so that it never merges with anybody else.

Full-name keys depend on the name and the models only; a short name's key depends on the
corpus's full names with that surname, and the store re-resolves the short names of a surname
whenever a write adds or removes one of its full names, so the keys of a store are a function
of the articles it holds, whatever the order of the runs (see `Store.write`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

# The rules' version and the model files they read: a store re-keys its people when either changes.
IDENTITY_VERSION = "1"
IDENTITY_FILES = ("role_holders.tsv", "honorifics.tsv", "organisations.tsv", "titles.tsv")
PERIOD_YEARS = 3  # a short name joins a full name seen at most this long before or after it
SHORT_PREFIX = "surname:"
# Words that belong to a surname without being one ("de Mistura", "Al Hussein", "da Silva"):
# not counted when deciding whether a name is a surname alone.
PARTICLES = frozenset({"de", "da", "das", "do", "dos", "du", "del", "della", "di", "der", "den",
                       "van", "von", "la", "le", "al", "el", "ben", "bin", "ibn", "ould", "ag",
                       "abu", "st", "saint", "y", "e"})
_TRANSLIT = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d",
                           "ð": "d", "þ": "th", "ı": "i", "ħ": "h"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_SEPARATORS = re.compile(r"[-‐‑‒–—_/]")
_NOT_WORD = re.compile(r"[^\w\s]")
_PUNCT = re.compile(r"[^\w\s.\-‐‑‒–—_/]")  # punctuation that separates words ("OIM),António")


def fold_name(text: str) -> str:
    """Accents, case, ligatures and letters without a decomposition folded ("Løj" -> "loj",
    "Kőrösi" -> "korosi", "Mᵐᵉ" -> "mme"); whitespace single."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().translate(_TRANSLIT).split())


@dataclass(frozen=True)
class Name:
    tokens: tuple[str, ...]  # folded, honorifics and initials dropped, hyphens split
    short: bool  # one name word (particles aside): a surname alone, or a given name alone

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def surname(self) -> Optional[str]:
        return self.tokens[-1] if self.tokens else None


def _word(w: str) -> str:
    return w.replace(".", "")


@lru_cache(maxsize=200_000)
def parse_name(name: str, honorifics: tuple[tuple[str, ...], ...] = ()) -> Name:
    """A person's name as tokens: folded, leading honorifics dropped ("M.", "Mme", "Dr",
    "Son Excellence"), apostrophes removed ("N'Diaye" = "Ndiaye", "Ra'ad" = "Raad"), hyphens
    split ("Ki-moon" = "Ki moon"), middle and leading initials dropped ("Gilbert F. Houngbo" =
    "Gilbert Houngbo"), other punctuation removed."""
    folded = _PUNCT.sub(" ", _APOSTROPHES.sub("", fold_name(name)))
    words = [w for w in folded.split() if _word(w)]
    # leading honorifics, possibly several ("S.E. M. X"), each one or more words
    changed = True
    while changed and words:
        changed = False
        for form in honorifics:
            n = len(form)
            if len(words) > n and tuple(_word(w) for w in words[:n]) == form:
                words = words[n:]
                changed = True
                break
    out: list[str] = []
    content = 0  # name words (before hyphen split) that are neither particles nor initials
    for w in words:
        parts = [p for p in (_NOT_WORD.sub("", x) for x in _SEPARATORS.split(w)) if p]
        if not parts:
            continue
        if len(parts) == 1 and len(parts[0]) == 1 and (w.endswith(".") or len(words) > 1):
            continue  # an initial ("F.", "J")
        out.extend(parts)
        if not (len(parts) == 1 and parts[0] in PARTICLES):
            content += 1
    if not out:  # nothing but honorifics or initials: keep the folded text
        out = [p for p in _NOT_WORD.sub(" ", folded).split() if p]
    return Name(tuple(out), content <= 1)


# ---- what the models know ----------------------------------------------------------------------

@dataclass
class Holder:
    """One person of the role timeline (all their rows: Guterres was HCR, then SG)."""
    key: str  # wd:Q… or name:<folded holder name>
    name: str
    gender: Optional[str]
    roles: set[str] = field(default_factory=set)  # role families (see `role_family`)
    orgs: set[str] = field(default_factory=set)
    spans: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    names: set[tuple[str, ...]] = field(default_factory=set)  # token tuples of name and aliases


@dataclass
class Identity:
    honorifics: tuple[tuple[str, ...], ...]
    holders: list[Holder]
    by_name: dict[str, list[Holder]]
    by_surname: dict[str, list[Holder]]
    org_ids: dict[str, str]  # folded name / acronym / alias -> gazetteer id
    title_roles: dict[str, str]  # folded title form -> role
    digest: str = ""

    def name(self, name: str) -> Name:
        return parse_name(name, self.honorifics)

    def org_id(self, name: Optional[str], acronym: Optional[str] = None) -> Optional[str]:
        """An organisation of a record as a corpus-wide id: the gazetteer's id when its name or
        acronym is known, else its folded name."""
        for s in (acronym, name):
            if s:
                found = self.org_ids.get(fold_name(s))
                if found:
                    return found
        return f"~{fold_name(name)}" if name else None


def role_family(role: str) -> str:
    """Roles compared by their head word: "envoyé spécial" ~ "envoyé", "secrétaire général
    adjoint" ~ "secrétaire exécutif" (titles in the text are often shortened or varied)."""
    return fold_name(role).split(" ")[0] if role else ""


def _date(iso: str, end: bool = False) -> Optional[dt.date]:
    if not iso:
        return None
    parts = [int(p) for p in iso.split("-")]
    y, m = parts[0], parts[1] if len(parts) > 1 else (12 if end else 1)
    if len(parts) > 2:
        return dt.date(y, m, parts[2])
    if end:
        return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
    return dt.date(y, m, 1)


def _title_role(text: str, title_roles: dict[str, str]) -> Optional[str]:
    """The role of the title form that a phrase starts with ("chef de l'OMS" -> "chef")."""
    words = fold_name(text).split()
    for n in range(min(len(words), 5), 0, -1):
        role = title_roles.get(" ".join(words[:n]))
        if role:
            return role
    return None


def build_identity(res) -> Identity:
    """The identity index of a `resources.Resources`: honorifics, holders, gazetteer."""
    honorifics = tuple(sorted({tuple(_word(w) for w in fold_name(f).split())
                               for f in res.honorifics}, key=lambda t: -len(t)))
    title_roles = {form: t.role for form, t in res.titles.items()}
    holders: dict[str, Holder] = {}
    for h in res.role_holders:
        name = parse_name(h.holder, honorifics)
        key = f"wd:{h.wikidata}" if h.wikidata else f"name:{name.key}"
        person = holders.get(key)
        if person is None:
            person = holders[key] = Holder(key, h.holder, h.gender)
        person.names.add(name.tokens)
        person.roles.add(role_family(h.role))
        person.orgs.add(h.organisation_id)
        start, end = _date(h.start), _date(h.end, end=True) or dt.date(9999, 12, 31)
        if start:
            person.spans.append((start, end))
        for alias in h.raw_aliases:
            role = _title_role(alias, title_roles)
            if role:  # a description of the post ("chef de l'ONU"): one more role
                person.roles.add(role_family(role))
            elif alias[:1].isupper() or alias.split(" ")[0] in {f for f, g in res.honorifics.items()}:
                person.names.add(parse_name(alias, honorifics).tokens)  # another name
    by_name: dict[str, list[Holder]] = {}
    by_surname: dict[str, list[Holder]] = {}
    for person in holders.values():
        for tokens in person.names:
            by_name.setdefault(" ".join(tokens), []).append(person)
        for surname in {t[-1] for t in person.names if t}:
            by_surname.setdefault(surname, []).append(person)
    org_ids: dict[str, str] = {}
    for o in res.organisations:
        for s in (o.name, o.acronym, *o.aliases):
            if s:
                org_ids.setdefault(fold_name(s), o.id)
    digest = _digest(res.files)
    return Identity(honorifics, list(holders.values()), by_name, by_surname, org_ids,
                    title_roles, digest)


def _digest(files: dict[str, str]) -> str:
    return hashlib.sha256(IDENTITY_VERSION.encode() + b"\0" + b"\0".join(
        files.get(n, "").encode("utf-8") for n in IDENTITY_FILES)).hexdigest()


def models_digest() -> str:
    """What the keys depend on besides the names: the rules' version and the identity files of
    the models in use (read, not parsed: cheap enough for every opening of a store)."""
    from .resources import resources_path

    base = resources_path()
    return _digest({n: (base / n).read_text(encoding="utf-8") for n in IDENTITY_FILES
                    if (base / n).exists()})


_DEFAULT: dict[str, Identity] = {}


def default_identity() -> Identity:
    """The identity index of the models in use (`PIPELINE_MODELS`, else `models/`), read once
    per process and folder."""
    from .resources import load_resources, resources_path

    where = str(resources_path())
    ident = _DEFAULT.get(where)
    if ident is None:
        ident = _DEFAULT[where] = build_identity(load_resources())
    return ident


def short_key(ident: Identity, f: PersonFacts,
              by_surname: dict[str, dict[str, Candidate]]) -> Optional[str]:
    """The key of a short name given the candidates of its surname; None for a full name."""
    name = ident.name(f.name)
    if not name.short:
        return None
    key = base_key(ident, f)
    if is_scoped(key):
        key = resolve_short(ident, f, by_surname.get(name.surname, {}))
    return key


# ---- a person and their key ---------------------------------------------------------------------

@dataclass(frozen=True)
class PersonFacts:
    """What identity looks at: from a record, or from the rows of the store."""
    article_id: str
    person_id: str
    name: str
    gender: Optional[str]
    roles: frozenset  # role families of the titles
    orgs: frozenset  # organisation ids of the titles (`Identity.org_id`)
    published: Optional[dt.date]


def make_facts(ident: Identity, article_id: str, person_id: str, name: str,
               gender: Optional[str], titles: Iterable[tuple], published: Optional[dt.date]
               ) -> PersonFacts:
    """`titles`: (role, organisation name, organisation acronym) of each title."""
    roles, orgs = set(), set()
    for role, org_name, acronym in titles:
        if role:
            roles.add(role_family(role))
        org = ident.org_id(org_name, acronym) if (org_name or acronym) else None
        if org:
            orgs.add(org)
    return PersonFacts(article_id, person_id, name, gender, frozenset(roles), frozenset(orgs),
                       published)


def record_facts(ident: Identity, record: dict, published: Optional[dt.date]) -> list[PersonFacts]:
    orgs = {o["id"]: (o["name"], o["acronym"]) for o in record["organisations"]}
    out = []
    for p in record["people"]:
        titles = [(t["role"], *orgs.get(t["organisation_id"] or "", (None, None)))
                  for t in p["titles"]]
        out.append(make_facts(ident, record["id"], p["id"], p["name"], p["gender"], titles,
                              published))
    return out


def scoped_key(name: Name, article_id: str, person_id: str) -> str:
    return f"{SHORT_PREFIX}{name.key}:{article_id}:{person_id}"


def is_scoped(key: Optional[str]) -> bool:
    return bool(key) and key.startswith(SHORT_PREFIX)


def _compatible(f: PersonFacts, gender: Optional[str], roles: set, orgs: set,
                lo: Optional[dt.date], hi: Optional[dt.date]) -> bool:
    if f.gender and gender and f.gender != gender:
        return False
    if (f.roles or f.orgs) and not (f.roles & roles or f.orgs & orgs):
        return False
    if f.published:
        pad = dt.timedelta(days=round(365.25 * PERIOD_YEARS))
        if (lo and f.published < lo - pad) or (hi and f.published > hi + pad):
            return False
    return True


def _holder_period(h: Holder) -> tuple[Optional[dt.date], Optional[dt.date]]:
    """(first day, last day) of a holder's terms; last day None while in post."""
    if not h.spans:
        return None, None
    hi = max(e for _, e in h.spans)
    return min(s for s, _ in h.spans), None if hi.year == 9999 else hi


def base_key(ident: Identity, f: PersonFacts) -> str:
    """The key a person gets from their own article and the models: `wd:`/`name:` for a
    holder's name or alias (several holders of one name: the one whose gender, role or
    organisation and period fit, if only one does), `name:` for another full name, a scoped
    `surname:` key for a short name (which the store may then join to a full name)."""
    name = ident.name(f.name)
    holders = ident.by_name.get(name.key, [])
    fitting = [h for h in holders if not (f.gender and h.gender and f.gender != h.gender)]
    if len(fitting) > 1:
        fitting = [h for h in fitting if _compatible(f, h.gender, h.roles, h.orgs,
                                                     *_holder_period(h))]
    if len(fitting) == 1:
        return fitting[0].key
    if name.short:
        return scoped_key(name, f.article_id, f.person_id)
    return f"name:{name.key}"


@dataclass
class Candidate:
    """A full-name person of the corpus (or of the timeline), as seen by a short name."""
    key: str
    names: set = field(default_factory=set)  # token tuples
    genders: Counter = field(default_factory=Counter)
    roles: set = field(default_factory=set)
    orgs: set = field(default_factory=set)
    lo: Optional[dt.date] = None
    hi: Optional[dt.date] = None
    open_end: bool = False  # a holder still in post: no upper bound

    def add_date(self, d: Optional[dt.date]) -> None:
        if d:
            self.lo = d if self.lo is None or d < self.lo else self.lo
            self.hi = d if self.hi is None or d > self.hi else self.hi

    @property
    def period(self) -> tuple[Optional[dt.date], Optional[dt.date]]:
        return self.lo, None if self.open_end else self.hi

    @property
    def gender(self) -> Optional[str]:
        top = self.genders.most_common(2)
        if not top or (len(top) == 2 and top[0][1] == top[1][1]):
            return None
        return top[0][0]


def candidates(ident: Identity, surnames: Iterable[str],
               full: Iterable[tuple[PersonFacts, str]]) -> dict[str, dict[str, Candidate]]:
    """{surname: {key: Candidate}} from the full-name people (facts, key) of the corpus and
    the holders of the timeline with that surname."""
    out: dict[str, dict[str, Candidate]] = {s: {} for s in surnames}
    for s, by_key in out.items():
        add_holders(ident, s, by_key)
    for f, key in full:
        name = ident.name(f.name)
        by_key = out.get(name.surname)
        if by_key is None or name.short or not key:
            continue  # short names are never candidates: no chain of joins
        c = by_key.setdefault(key, Candidate(key))
        c.names.add(name.tokens)
        if f.gender:
            c.genders[f.gender] += 1
        c.roles |= f.roles
        c.orgs |= f.orgs
        c.add_date(f.published)
    return out


def add_holders(ident: Identity, surname: str, by_key: dict[str, Candidate]) -> None:
    """Add the timeline's holders of this surname to its candidates (merged with the corpus's
    mentions of the same key)."""
    for h in ident.by_surname.get(surname, ()):
        c = by_key.setdefault(h.key, Candidate(h.key))
        c.names |= h.names
        if h.gender:
            c.genders[h.gender] += 1
        c.roles |= h.roles
        c.orgs |= h.orgs
        lo, hi = _holder_period(h)
        c.add_date(lo)
        c.add_date(hi)
        c.open_end = c.open_end or (lo is not None and hi is None)


def resolve_short(ident: Identity, f: PersonFacts, by_key: dict[str, Candidate]) -> str:
    """A short name's key: the one candidate whose name ends with it (a holder's alias may
    equal it) and that agrees on gender (no conflict), role or organisation (a common role
    family or organisation; a short name without title or organisation brings no evidence
    against), and period (the article within `PERIOD_YEARS` of the candidate's dated
    mentions or term); otherwise its own scoped key."""
    name = ident.name(f.name)
    n = len(name.tokens)
    found = []
    for c in by_key.values():
        if not any(len(t) >= n and t[-n:] == name.tokens for t in c.names):
            continue
        if _compatible(f, c.gender, c.roles, c.orgs, *c.period):
            found.append(c.key)
            if len(found) > 1:
                break
    if len(found) == 1:
        return found[0]
    return scoped_key(name, f.article_id, f.person_id)


def resolve(ident: Identity, people: Iterable[tuple[PersonFacts, Optional[str]]]
            ) -> dict[tuple[str, str], str]:
    """Keys of a whole set of people at once (a corpus held in memory, e.g. a report without a
    store): {(article_id, person_id): key}. The store does the same incrementally."""
    people = list(people)
    keys = {}
    for f, key in people:
        keys[(f.article_id, f.person_id)] = key or base_key(ident, f)
    short = [(f, keys[(f.article_id, f.person_id)]) for f, _ in people]
    short = [(f, k) for f, k in short if is_scoped(k)]
    surnames = {ident.name(f.name).surname for f, _ in short} - {None}
    cands = candidates(ident, surnames,
                       ((f, keys[(f.article_id, f.person_id)]) for f, _ in people))
    for f, _ in short:
        keys[(f.article_id, f.person_id)] = resolve_short(ident, f,
                                                          cands[ident.name(f.name).surname])
    return keys
