"""Language resources from `models/`: read once per process, shared by the stages.

The stages never embed word lists: speech verbs, titles and their feminine forms, honorifics,
the organisation gazetteer, who held which post when, and boilerplate line patterns are reviewed
data files (see `models/README.md`). `PIPELINE_MODELS` points to another folder of the same shape.
"""
from __future__ import annotations

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


def _rows(name: str) -> list[dict[str, str]]:
    path = models_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"language resource missing: {path}")
    header: Optional[list[str]] = None
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append({k: v.strip() for k, v in zip(header, cells)})
    return rows


def _sections(name: str) -> dict[str, list[str]]:
    """A plain list file with `# section` headers -> {section: [lines]}."""
    out: dict[str, list[str]] = {}
    current = "default"
    for line in (models_dir() / name).read_text(encoding="utf-8").splitlines():
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
    aliases: tuple[str, ...]


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


def _flag(v: str) -> bool:
    return v.strip().lower() in {"1", "yes", "y", "true", "oui"}


@lru_cache(maxsize=4)
def load_resources(path: Optional[str] = None) -> Resources:
    if path:
        os.environ["PIPELINE_MODELS"] = path
    verbs = {}
    for r in _rows("speech_verbs.tsv"):
        lemma = r["lemma"].lower()
        verbs[lemma] = SpeechVerb(lemma, r.get("class", "say"), _flag(r.get("que", "")),
                                  _flag(r.get("a_inf", "")), _flag(r.get("de_inf", "")),
                                  _flag(r.get("incise", "")))
    titles: dict[str, TitleForm] = {}
    for r in _rows("titles.tsv"):
        masc, fem = fold(r["masculine"]), fold(r.get("feminine") or r["masculine"])
        role = r.get("role") or r["masculine"]
        kind = r.get("kind", "other")
        if masc == fem:
            titles.setdefault(masc, TitleForm(masc, role, None, kind))
        else:
            titles[masc] = TitleForm(masc, role, "male", kind)
            titles[fem] = TitleForm(fem, role, "female", kind)
    heads = frozenset(t.split(" ")[0] for t in titles)
    max_words = max((len(t.split(" ")) for t in titles), default=1)
    honor = {}
    for r in _rows("honorifics.tsv"):
        g = r.get("gender", "-").strip()
        honor[r["form"]] = (g if g in {"male", "female"} else None, _flag(r.get("strip", "1")))
    orgs = []
    for r in _rows("organisations.tsv"):
        aliases = [a.strip() for a in r.get("aliases", "").split("|") if a.strip()]
        orgs.append(OrgEntry(r["id"], r["name"], r.get("acronym") or None, aliases,
                             r.get("kind", "other"), r.get("parent") or None))
    holders = []
    for r in _rows("role_holders.tsv"):
        g = r.get("gender", "")
        holders.append(RoleHolder(fold(r["role"]), r.get("organisation_id", ""), r["holder"],
                                  g if g in {"male", "female"} else None, r.get("start", ""),
                                  r.get("end", ""),
                                  tuple(fold(a) for a in r.get("aliases", "").split("|") if a.strip())))
    sections = _sections("not_people.txt")
    not_people = frozenset(fold(s) for k, v in sections.items() if k != "credit" for s in v)
    credits = frozenset(fold(s) for s in sections.get("credit", []))
    boiler = [re.compile(r["pattern"], re.IGNORECASE) for r in _rows("boilerplate.tsv")]
    naming = frozenset(fold(s) for v in _sections("naming_cues.txt").values() for s in v)
    res = Resources(verbs, titles, heads, max_words, honor, orgs, holders, not_people, credits,
                    boiler, naming)
    res.org_by_id = {o.id: o for o in orgs}
    res.participles = {form: lemma for lemma in verbs for form in past_participles(lemma)}
    if boiler:
        res.boilerplate_any = re.compile("|".join(f"(?:{p.pattern})" for p in boiler), re.IGNORECASE)
    res.credit_keys = credits | {fold(o.acronym) for o in orgs if o.acronym}
    nouns = {fold(s) for v in _sections("person_nouns.txt").values() for s in v}
    nouns |= {t for t in titles if " " not in t}
    res.person_nouns = frozenset(nouns | {_plural(w) for w in nouns})
    res.org_descriptions = {fold(r["head"]): (_flag(r.get("names", "")),
                                              frozenset(k for k in r.get("kinds", "").split("|") if k))
                            for r in _rows("org_descriptions.tsv")}
    res.speaker_weights = load_weights(models_dir() / "speaker_ranker.json")
    return res


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


def load_weights(path: Path) -> dict[str, float]:
    """The attribution ranker's feature weights (`models/speaker_ranker.json`, written by
    `python -m pipeline.ranker fit`); empty when the file is absent (hand weights are used)."""
    import json

    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data.get("weights", {}).items()}
