"""Language resources from `models/`: read once per process, shared by the stages.

The stages never embed word lists: speech verbs, titles and their feminine forms, honorifics,
the organisation gazetteer, who held which post when, and boilerplate line patterns are reviewed
data files (see `models/README.md`). `PIPELINE_MODELS` points to another folder of the same shape.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional


def models_dir() -> Path:
    env = os.environ.get("PIPELINE_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models"


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Case- and accent-insensitive key ("États-Unis" -> "etats-unis"), apostrophes unified."""
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


# The files a pipeline reads; a saved pipeline copies exactly these (`pipeline/stages/_component.py`).
RESOURCE_FILES = ("speech_verbs.tsv", "titles.tsv", "honorifics.tsv", "organisations.tsv",
                  "role_holders.tsv", "not_people.txt", "boilerplate.tsv", "naming_cues.txt",
                  "person_nouns.txt", "org_descriptions.tsv", "speaker_ranker.json",
                  "places.tsv", "org_heads.txt")


def resources_path(path: Optional[str | Path] = None) -> Path:
    """The folder to read: `path` if given, else `PIPELINE_MODELS`, else the checkout's `models/`."""
    return Path(path) if path else models_dir()


def read_resource_files(path: Optional[str | Path] = None) -> dict[str, str]:
    """The text of every resource file in a folder, by file name."""
    base = resources_path(path)
    files = {}
    for name in RESOURCE_FILES:
        p = base / name
        if not p.exists():
            raise FileNotFoundError(f"language resource missing: {p}")
        files[name] = p.read_text(encoding="utf-8")
    return files


def resources_digest(files: dict[str, str]) -> str:
    """sha256 of the resource files (names and texts): equal digests, equal resources."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + files[name].encode("utf-8") + b"\0")
    return h.hexdigest()


def _rows(text: str) -> list[dict[str, str]]:
    header: Optional[list[str]] = None
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append({k: v.strip() for k, v in zip(header, cells)})
    return rows


def _sections(text: str) -> dict[str, list[str]]:
    """A plain list file with `# section` headers -> {section: [lines]}."""
    out: dict[str, list[str]] = {}
    current = "default"
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            head = s.lstrip("#").strip().lower()
            if head in {"groups", "credit prefixes", "false persons"} or head.split(" ")[0] in {
                "groups", "credit", "false"}:
                current = head.split(" ")[0]
            continue
        out.setdefault(current, []).append(s)
    return out


@dataclass(frozen=True)
class SpeechVerb:
    lemma: str
    cls: str
    que: bool
    a_inf: bool
    de_inf: bool
    incise: bool
    strict: bool = False  # speech only through its construction or in an incise


@dataclass(frozen=True)
class TitleForm:
    text: str  # folded form as it appears
    role: str
    gender: Optional[str]  # "male"/"female" when the form marks it, None for epicene forms
    kind: str


@dataclass
class OrgEntry:
    id: str
    name: str
    acronym: Optional[str]
    aliases: list[str]
    kind: str
    parent: Optional[str]


@dataclass(frozen=True)
class RoleHolder:
    role: str
    organisation_id: str
    holder: str
    gender: Optional[str]
    start: str
    end: str
    aliases: tuple[str, ...]  # folded
    wikidata: str = ""  # the holder's Wikidata identifier (Q…), empty when not verified
    raw_aliases: tuple[str, ...] = ()  # as written (names are told from posts by their case)


@dataclass
class Resources:
    speech_verbs: dict[str, SpeechVerb]
    titles: dict[str, TitleForm]  # folded form -> TitleForm
    title_heads: frozenset[str]  # folded first words of title forms
    max_title_words: int
    honorifics: dict[str, tuple[Optional[str], bool]]  # form -> (gender, strip)
    organisations: list[OrgEntry]
    role_holders: list[RoleHolder]
    not_people: frozenset[str]
    credit_prefixes: frozenset[str]
    boilerplate: list[re.Pattern]
    naming_cues: frozenset[str] = frozenset()
    participles: dict[str, str] = field(default_factory=dict)  # "résumé" -> "résumer"
    boilerplate_any: Optional[re.Pattern] = None  # all boilerplate patterns as one regex
    credit_keys: frozenset[str] = frozenset()  # credit prefixes and organisation acronyms
    lemma_is_speech: dict[int, bool] = field(default_factory=dict)  # cache: lemma hash -> bool
    form_may_speak: dict[int, bool] = field(default_factory=dict)  # cache: lower-form hash -> bool
    org_by_id: dict[str, OrgEntry] = field(default_factory=dict)
    person_nouns: frozenset[str] = frozenset()  # folded nouns that designate an unnamed person
    org_descriptions: dict[str, tuple[bool, frozenset]] = field(default_factory=dict)
    speaker_weights: dict[str, float] = field(default_factory=dict)  # the attribution ranker's
    incise_forms: dict[str, str] = field(default_factory=dict)  # "raconte", "poursuit" -> lemma
    files: dict[str, str] = field(default_factory=dict, repr=False)  # file name -> text read
    digest: str = ""  # resources_digest(files)


def past_participles(lemma: str) -> list[str]:
    """Regular French past participles of a verb, all four agreements ("déclaré", "déclarée"…).

    Used where the tagger misreads an incise participle as a noun ("a-t-il résumé")."""
    if lemma.endswith("er"):
        base = lemma[:-2] + "é"
    elif lemma.endswith("ttre"):
        base = lemma[:-4] + "is"  # admettre -> admis
    elif lemma.endswith("aître"):
        base = lemma[:-5] + "u"  # reconnaître -> reconnu
    elif lemma.endswith("dre"):
        base = lemma[:-3] + "du"  # répondre -> répondu
    elif lemma.endswith("clure"):
        base = lemma[:-2]  # conclure -> conclu
    elif lemma.endswith("ire"):
        base = lemma[:-2] + "t"  # dire, écrire -> dit, écrit
    elif lemma.endswith("ir"):
        base = lemma[:-1]  # avertir -> averti
    else:
        return []
    if base.endswith(("s", "x")):
        return [base, base + "e", base + "es"]
    return [base, base + "e", base + "s", base + "es"]


def present_forms(lemma: str) -> list[str]:
    """Third-person present forms of a verb ("raconte", "racontent", "poursuit", "dit"), by the
    regular French patterns. The tagger often reads an incise verb after a quotation as a noun
    ("», raconte Mohammad Salim"); in that position these forms are enough to know the verb."""
    if lemma.endswith("er"):
        stem = lemma[:-2]
        return [stem + "e", stem + "ent"]
    if lemma.endswith("ire") and not lemma.endswith("uire"):
        stem = lemma[:-2]  # dire -> dit, écrire -> écrit
        return [stem + "t", stem + "sent", stem + "vent"]
    if lemma.endswith("tenir") or lemma.endswith("venir"):
        stem = lemma[:-4]  # soutenir -> soutient, prévenir -> prévient
        return [stem + "ient", stem + "iennent"]
    if lemma.endswith("ir"):
        stem = lemma[:-2]  # avertir -> avertit
        return [stem + "it", stem + "issent"]
    if lemma.endswith("ttre"):
        stem = lemma[:-3]  # admettre -> admet
        return [stem, stem + "tent"]
    if lemma.endswith("aître"):
        stem = lemma[:-5]  # reconnaître -> reconnaît
        return [stem + "aît", stem + "aissent"]
    if lemma.endswith("dre"):
        stem = lemma[:-2]  # répondre -> répond
        return [stem, stem + "ent"]
    if lemma.endswith("vre"):
        return [lemma[:-3] + "t", lemma[:-2] + "ent"]  # poursuivre -> poursuit, poursuivent
    if lemma.endswith("ure"):
        return [lemma[:-2] + "t", lemma[:-2] + "ent"]  # conclure -> conclut, concluent
    return []


def _flag(v: str) -> bool:
    return v.strip().lower() in {"1", "yes", "y", "true", "oui"}


_BY_DIGEST: dict[str, Resources] = {}


def load_resources(path: Optional[str | Path] = None) -> Resources:
    """The resources in folder `path` (default: `PIPELINE_MODELS`, else `models/`). Parsed once
    per content: folders holding the same files (a saved pipeline's copies) share one object."""
    return resources_from_files(read_resource_files(path))


def resources_from_files(files: dict[str, str]) -> Resources:
    """Resources from the files' texts (`read_resource_files`), cached by their digest."""
    digest = resources_digest(files)
    res = _BY_DIGEST.get(digest)
    if res is None:
        if len(_BY_DIGEST) >= 8:
            _BY_DIGEST.pop(next(iter(_BY_DIGEST)))
        res = _BY_DIGEST[digest] = _parse(files)
        res.files = dict(files)
        res.digest = digest
    return res


def _parse(files: dict[str, str]) -> Resources:
    def _rows_of(name: str) -> list[dict[str, str]]:
        return _rows(files[name])

    verbs = {}
    for r in _rows_of("speech_verbs.tsv"):
        lemma = r["lemma"].lower()
        verbs[lemma] = SpeechVerb(lemma, r.get("class", "say"), _flag(r.get("que", "")),
                                  _flag(r.get("a_inf", "")), _flag(r.get("de_inf", "")),
                                  _flag(r.get("incise", "")), _flag(r.get("strict", "")))
    titles: dict[str, TitleForm] = {}
    epicene: list[TitleForm] = []
    for r in _rows_of("titles.tsv"):
        masc, fem = fold(r["masculine"]), fold(r.get("feminine") or r["masculine"])
        role = r.get("role") or r["masculine"]
        kind = r.get("kind", "other")
        if masc == fem:
            epicene.append(TitleForm(masc, role, None, kind))
        else:
            titles[masc] = TitleForm(masc, role, "male", kind)
            titles[fem] = TitleForm(fem, role, "female", kind)
    for form in epicene:
        # an epicene row wins over a gendered one: "chef" is written for women too, while
        # "cheffe" (from the gendered row) stays feminine
        titles[form.text] = form
    heads = frozenset(t.split(" ")[0] for t in titles)
    max_words = max((len(t.split(" ")) for t in titles), default=1)
    honor = {}
    for r in _rows_of("honorifics.tsv"):
        g = r.get("gender", "-").strip()
        honor[r["form"]] = (g if g in {"male", "female"} else None, _flag(r.get("strip", "1")))
    orgs = []
    for r in _rows_of("organisations.tsv"):
        aliases = [a.strip() for a in r.get("aliases", "").split("|") if a.strip()]
        orgs.append(OrgEntry(r["id"], r["name"], r.get("acronym") or None, aliases,
                             r.get("kind", "other"), r.get("parent") or None))
    holders = []
    for r in _rows_of("role_holders.tsv"):
        g = r.get("gender", "")
        holders.append(RoleHolder(fold(r["role"]), r.get("organisation_id", ""), r["holder"],
                                  g if g in {"male", "female"} else None, r.get("start", ""),
                                  r.get("end", ""),
                                  tuple(fold(a) for a in r.get("aliases", "").split("|") if a.strip()),
                                  r.get("wikidata", ""),
                                  tuple(a.strip() for a in r.get("aliases", "").split("|") if a.strip())))
    sections = _sections(files["not_people.txt"])
    not_people = frozenset(fold(s) for k, v in sections.items() if k != "credit" for s in v)
    credits = frozenset(fold(s) for s in sections.get("credit", []))
    boiler = [re.compile(r["pattern"], re.IGNORECASE) for r in _rows_of("boilerplate.tsv")]
    naming = frozenset(fold(s) for v in _sections(files["naming_cues.txt"]).values() for s in v)
    res = Resources(verbs, titles, heads, max_words, honor, orgs, holders, not_people, credits,
                    boiler, naming)
    res.org_by_id = {o.id: o for o in orgs}
    res.participles = {form: lemma for lemma in verbs for form in past_participles(lemma)}
    res.incise_forms = {form: lemma for lemma in verbs for form in present_forms(lemma)}
    res.incise_forms.update(res.participles)
    if boiler:
        res.boilerplate_any = re.compile("|".join(f"(?:{p.pattern})" for p in boiler), re.IGNORECASE)
    res.credit_keys = credits | {fold(o.acronym) for o in orgs if o.acronym}
    nouns = {fold(s) for v in _sections(files["person_nouns.txt"]).values() for s in v}
    nouns |= {t for t in titles if " " not in t}
    res.person_nouns = frozenset(nouns | {_plural(w) for w in nouns})
    res.org_descriptions = {fold(r["head"]): (_flag(r.get("names", "")),
                                              frozenset(k for k in r.get("kinds", "").split("|") if k))
                            for r in _rows_of("org_descriptions.tsv")}
    res.speaker_weights = parse_weights(files["speaker_ranker.json"])
    return res


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


def parse_weights(text: str) -> dict[str, float]:
    """The attribution ranker's feature weights (`models/speaker_ranker.json`, written by
    `python -m pipeline.ranker fit`)."""
    import json

    data = json.loads(text)
    return {str(k): float(v) for k, v in data.get("weights", {}).items()}
