"""Date expressions in French news text, found by a small regex grammar, resolved by dateparser.

Why regex first: dateparser's own `search_dates` is slow and finds dates in ordinary words; a
grammar of French date phrases finds the candidates in one pass, and dateparser only resolves the
few relative phrases found (memoised per phrase and publication date). A phrase that names its
day, month and year (or month and year, or year), once the publication year is filled in, is
read directly: its value does not depend on the reference date, and a calendar check is all
dateparser would add.

Resolution never guesses. Relative expressions are resolved against the publication date only
when it is precise enough for them, otherwise `value` and `precision` are None:

| expression                                   | needs publication to the | precision |
| -------------------------------------------- | ------------------------ | --------- |
| "29 mai 2023", "mardi 23 septembre 2025"     | (absolute)               | day       |
| "septembre 2024", "en 2015", "2010 et 2014"  | (absolute)               | month/year|
| "le 29 mai", "en septembre" (no year)        | year                     | day/month |
| "lundi", "mardi dernier", "hier", "ce matin" | day                      | day       |
| "la semaine dernière", "il y a 3 jours"      | day                      | day       |
| "le mois prochain", "il y a deux mois"       | month                    | month     |
| "l'année dernière", "l'an prochain"          | year                     | year      |

Conventions (documented choices):
- A date without a year takes the publication year ("le 29 mai" published in 2023-05 is
  2023-05-29), not the nearest past or future one.
- A bare weekday is the most recent such day up to the publication day ("mercredi" in a story
  published on a Wednesday is that day); "mardi dernier" is strictly before; "mardi prochain"
  strictly after. News uses bare weekdays for the recent past, except where the verb the
  weekday depends on is in the future ("se réunira jeudi", "sera adopté vendredi", "va signer
  lundi"): then it is the next such day. The spaCy component reads that from the parse
  (`future_verb`); `find_dates` on plain text takes it as the `is_future` argument.
- A week ("la semaine dernière", "il y a deux semaines") resolves to the Monday that starts it,
  with precision "day": the record schema has no week precision.
- Ranges "du 13 au 15 décembre 2023" give TWO expressions: "13" (the first day, its month and
  year borrowed from the end of the range) and "15 décembre 2023". Same for "entre le 3 et le 5
  mai" and "du 28 novembre au 2 décembre 2023". Two years ("2010 et 2014", "2015-2030") are two
  expressions, one per year.
- Spans include the preposition or article that belongs to the phrase ("le 29 mai", "en 2015",
  "en septembre", "la semaine dernière", "ce mardi") but not context words such as "depuis".
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from typing import Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Token

from ._ext import doc_text, ensure_extensions, guarded

from ..records import DateExpr

__all__ = ["find_dates", "DateFinder"]

_APOS = r"['’]"
_WD = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_MONTH = (
    r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|janv\.|f[ée]vr?\.|avr\.|juil\.|sept\.|oct\.|nov\.|d[ée]c\.)"
)
_DAY = r"(?:1er|[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_NUM = (
    r"(?:\d{1,3}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|"
    r"quatorze|quinze|seize|vingt|trente|quarante|cinquante|cent)"
)
_B = r"(?<![\w])"  # left word boundary that also works before "1er" and after an apostrophe
_E = r"(?![\w])"

_MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2,
    "fév": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7,
    "juil": 7, "août": 8, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10,
    "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}
_MONTH_NAMES = [None, "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"]
_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


# Each rule: (kind, compiled regex). The span of the expression is the named group "x".
_RANGE = _rx(
    rf"{_B}(?:du|entre\s+le|entre\s+les|les)\s+(?P<x>(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH})"
    rf"(?:\s+(?P<y1>{_YEAR}))?)?){_E}\s*(?:au|et\s+le|et|-|–)\s*(?:le\s+)?"
    rf"(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})(?:\s+(?P<y2>{_YEAR}))?{_E}"
)
_RULES: list[tuple[str, re.Pattern]] = [
    ("day", _rx(
        rf"{_B}(?P<x>(?:(?:le|ce)\s+)?(?:(?P<wd>{_WD})\s+)?(?P<d>{_DAY})\s+(?P<m>{_MONTH})"
        rf"(?:\s+(?P<y>{_YEAR}))?)(?![\w])"
    )),
    ("numeric", _rx(rf"{_B}(?P<x>(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>{_YEAR})){_E}")),
    ("month", _rx(
        rf"{_B}(?P<x>(?:(?:en|début|fin|courant)\s+|mi-|(?:(?:au|le|du|ce)\s+)?mois\s+"
        rf"(?:de\s+|d{_APOS}))?(?P<m>{_MONTH})\s+(?P<y>{_YEAR})){_E}"
    )),
    ("month", _rx(
        rf"{_B}(?P<x>(?:(?:en|début|fin|courant)\s+|mi-|(?:(?:au|le|du|ce)\s+)?mois\s+"
        rf"(?:de\s+|d{_APOS}))(?P<m>{_MONTH})){_E}"
    )),
    ("month", _rx(
        rf"{_B}(?:depuis|dès|jusqu{_APOS}en|d{_APOS}ici|avant|après)\s+(?P<x>(?P<m>{_MONTH})){_E}"
    )),
    ("year", _rx(
        rf"{_B}(?P<x>(?P<pre>en|l{_APOS}année|l{_APOS}an|fin|début|courant|mi-)\s*(?P<y>{_YEAR})){_E}"
    )),
    ("year", _rx(rf"{_B}(?P<x>(?P<y>(?:19|20)\d\d)){_E}")),  # bare years: filtered below
    ("weekday", _rx(
        rf"{_B}(?P<x>(?:ce\s+)?(?P<wd>{_WD})(?:\s+(?:matin|soir|après-midi|midi))?"
        rf"(?:\s+(?P<mod>dernier|prochain|passé))?){_E}"
    )),
    ("rel_day", _rx(
        rf"{_B}(?P<x>(?P<w>avant-hier|après-demain|hier|aujourd{_APOS}hui|demain)"
        rf"(?:\s+(?:matin|soir|après-midi|midi))?){_E}"
    )),
    ("rel_day", _rx(rf"{_B}(?P<x>(?P<w>ce\s+matin|cet\s+après-midi|ce\s+soir|ce\s+midi)){_E}")),
    ("rel_week", _rx(
        rf"{_B}(?P<x>la\s+semaine\s+(?P<w>dernière|passée|prochaine)|(?P<this>cette\s+semaine)){_E}"
    )),
    ("rel_month", _rx(
        rf"{_B}(?P<x>le\s+mois\s+(?P<w>dernier|passé|prochain)|(?P<this>ce\s+mois(?:-ci)?)){_E}"
    )),
    ("rel_year", _rx(
        rf"{_B}(?P<x>l{_APOS}(?:année|an)\s+(?P<w>dernière|dernier|passée|passé|prochaine|prochain)"
        rf"|(?P<this>cette\s+année)){_E}"
    )),
    ("ago", _rx(
        rf"{_B}(?P<x>(?P<dir>il\s+y\s+a|dans)\s+(?P<n>{_NUM})\s+"
        rf"(?P<unit>jours?|semaines?|mois|ans|années?)){_E}"
    )),
]
_PRIORITY = {"range": 0, "day": 1, "numeric": 1, "month": 2, "year": 3}

# Bare four-digit numbers are years unless the context says quantity or document number.
_NOT_YEAR_AFTER = _rx(
    r"^\s*(?:%|‰|[.,]\d|personnes|habitants|enfants|femmes|hommes|jeunes|filles|garçons|"
    r"réfugiés|migrants|déplacés|morts|blessés|victimes|soldats|militaires|casques|civils|"
    r"agents|employés|membres|délégués|participants|familles|ménages|écoles|cas|décès|"
    r"dollars|euros|francs|\$|€|km|kilomètres|mètres|m|hectares|ha|tonnes|t|kg|litres|"
    r"milliards?|millions?|mille|pages|points|mots|jours|heures|minutes|ans\b|sites|"
    r"villages|maisons|logements|tentes|doses|lits|camions|abris)(?![\w])"
)
_NOT_YEAR_BEFORE = _rx(
    r"(?:résolutions?|n°|no\.?|numéro|article|articles|séance|paragraphe|page|décret|"
    r"plus\s+de|moins\s+de|près\s+de|environ|quelque|années|\d[ .]?|[/\\])\s*$"
)


@functools.lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # imported on first use: it is slow to load and only needed on matches

    return dateparser


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS[key.replace("é", "e").replace("û", "u")]


def _pub_precision(published: Optional[str]) -> int:
    """0 none (or not a valid ISO date), 1 year, 2 month, 3 day."""
    if not published or not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", published):
        return 0
    try:
        _base(published)
    except ValueError:
        return 0
    return {4: 1, 7: 2, 10: 3}[len(published)]


_NEED = {None: 0, "year": 1, "month": 2, "day": 3}


def _base(published: str) -> _dt.datetime:
    parts = [int(p) for p in published.split("-")] + [1, 1]
    return _dt.datetime(parts[0], parts[1], parts[2])


@functools.lru_cache(maxsize=4096)
def _resolve(query: str, precision: str, prefer: str, published: Optional[str]) -> Optional[str]:
    """dateparser on one normalised phrase -> ISO value at `precision`, or None if invalid."""
    settings = {
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
    }
    if published:
        settings["RELATIVE_BASE"] = _base(published)
    try:
        d = _dateparser().parse(query, languages=["fr"], settings=settings)
    except (ValueError, OverflowError):
        return None
    if d is None:
        return None
    if precision == "week":
        d = d - _dt.timedelta(days=d.weekday())
        precision = "day"
    if precision == "year":
        return f"{d.year:04d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.strftime("%Y-%m-%d")


# Kinds whose query names the date in full ("29 mai 2023", "29/5/2023", "mai 2023", "2023")
_ABSOLUTE = {"day", "range_first", "numeric", "month", "year"}


def _absolute(query: str, precision: str) -> Optional[str]:
    """The ISO value of a query of an `_ABSOLUTE` kind, or None for an impossible date."""
    parts = query.replace("/", " ").split(" ")
    try:
        if precision == "year":
            return f"{int(parts[0]):04d}"
        if precision == "month":
            return f"{int(parts[1]):04d}-{_month_number(parts[0]):02d}"
        month = int(parts[1]) if parts[1].isdigit() else _month_number(parts[1])
        return _dt.date(int(parts[2]), month, int(parts[0])).isoformat()
    except (ValueError, KeyError, IndexError):
        return None


# Expressions whose value depends on the publication day only through its weekday ("mardi",
# "hier", "la semaine dernière"): dateparser runs once per weekday, not once per article.
_WEEKDAY_RELATIVE = {"weekday", "rel_day", "rel_week"}
_REFERENCE_MONDAY = _dt.datetime(2024, 1, 1)


def _resolve_by_weekday(query: str, precision: str, prefer: str, published: str) -> Optional[str]:
    base = _base(published)
    delta = _weekday_delta(query, precision, prefer, base.weekday())
    if delta is None:
        return None
    try:
        return (base + _dt.timedelta(days=delta)).strftime("%Y-%m-%d")
    except OverflowError:  # "demain" published 9999-12-31, "hier" on 0001-01-01
        return None


@functools.lru_cache(maxsize=1024)
def _weekday_delta(query: str, precision: str, prefer: str, weekday: int) -> Optional[int]:
    reference = _REFERENCE_MONDAY + _dt.timedelta(days=weekday)
    value = _resolve(query, precision, prefer, reference.strftime("%Y-%m-%d"))
    if value is None or len(value) != 10:
        return None
    return (_dt.datetime.strptime(value, "%Y-%m-%d") - reference).days


def _is_bare_year_ok(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 20):start]
    after = text[end:end + 20]
    if _NOT_YEAR_BEFORE.search(before) or _NOT_YEAR_AFTER.match(after):
        return False
    # "2023/123" document symbols; "1 2000" digit groups
    return not re.match(r"^[/\\]|^\s?\d|^-\d{1,3}(?!\d)", after)


def _plan(kind: str, m: re.Match, published: Optional[str], text: str, future: bool = False):
    """(query for dateparser, precision, prefer, needed publication precision) or None to drop.
    `future`: the expression depends on a verb in the future tense."""
    g = m.groupdict()
    pub_year = published[:4] if published else None
    if kind in ("day", "range_first"):
        day = g["d"].lower().replace("1er", "1")
        month = _MONTH_NAMES[_month_number(g["m"])]
        year = g.get("y")
        if year:
            return f"{int(day)} {month} {year}", "day", "current_period", None
        return f"{int(day)} {month} {pub_year}", "day", "current_period", "year"
    if kind == "numeric":
        d, mo = int(g["d"]), int(g["m"])
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        return f"{d}/{mo}/{g['y']}", "day", "current_period", None
    if kind == "month":
        month = _MONTH_NAMES[_month_number(g["m"])]
        if g.get("y"):
            return f"{month} {g['y']}", "month", "current_period", None
        return f"{month} {pub_year}", "month", "current_period", "year"
    if kind == "year":
        if not g.get("pre") and not _is_bare_year_ok(text, m.start("y"), m.end("y")):
            return None
        return g["y"], "year", "current_period", None
    if kind == "weekday":
        wd = g["wd"].lower()
        mod = (g.get("mod") or "").lower()
        if mod == "prochain":
            prefer = "future"
        elif not mod and published and len(published) == 10 and \
                _base(published).weekday() == _WEEKDAYS.index(wd):
            prefer = "current_period"  # "mercredi" in a Wednesday story: that very day
        elif not mod and future:
            prefer = "future"  # "le Conseil se réunira jeudi"
        else:
            prefer = "past"
        return wd, "day", prefer, "day"
    if kind == "rel_day":
        w = re.sub(r"\s+", " ", g["w"].lower()).replace("’", "'")
        if w.startswith("ce") or w.startswith("cet"):
            w = "aujourd'hui"
        return w, "day", "current_period", "day"
    if kind == "rel_week":
        w = "cette semaine" if g.get("this") else f"la semaine {_norm_rel(g['w'], 'f')}"
        return w, "week", "current_period", "day"
    if kind == "rel_month":
        w = "aujourd'hui" if g.get("this") else f"le mois {_norm_rel(g['w'], 'm')}"
        return w, "month", "current_period", "month"
    if kind == "rel_year":
        w = "aujourd'hui" if g.get("this") else f"l'année {_norm_rel(g['w'], 'f')}"
        return w, "year", "current_period", "year"
    if kind == "ago":
        unit = g["unit"].lower()
        precision, need = (("day", "day") if unit.startswith("jour") else
                           ("week", "day") if unit.startswith("semaine") else
                           ("month", "month") if unit == "mois" else ("year", "year"))
        direction = "il y a" if g["dir"].lower().startswith("il") else "dans"
        return f"{direction} {g['n'].lower()} {unit}", precision, "current_period", need
    return None


def _norm_rel(word: str, gender: str) -> str:
    """dernier/passé/prochain agreed with the noun dateparser is given ("l'an dernier" is
    asked as "l'année dernière")."""
    base = "prochain" if word.lower().startswith("proch") else "dernier"
    return base + "e" if gender == "f" else base


# A rule can only match where one of its words occurs: rules whose words are absent from the
# article are skipped (most articles have no "hier", no "la semaine dernière" …).
_MONTH_WORDS = ("janv", "févr", "fevr", "mars", "avril", "avr.", "mai", "juin", "juil", "août", "aout",
                "sept", "oct", "nov", "déc", "dec")
_TRIGGERS = {
    "range_first": _MONTH_WORDS, "day": _MONTH_WORDS, "month": _MONTH_WORDS,
    "numeric": ("/", "."), "year": ("19", "20"),
    "weekday": tuple(_WEEKDAYS),
    "rel_day": ("hier", "demain", "aujourd", "matin", "soir", "midi"),
    "rel_week": ("semaine",), "rel_month": ("mois",), "rel_year": ("année", "an ", "an,", "an."),
    "ago": ("il y a", "dans"),
}


# The same rules, case-sensitive, for the lower-cased text: Python's `re` scans several times
# faster without IGNORECASE, and every rule is written in lower case.
_RANGE_LOWER = re.compile(_RANGE.pattern)
_RULES_LOWER = [(kind, re.compile(rx.pattern)) for kind, rx in _RULES]


def _candidates(text: str):
    """(start, end, priority, kind, match) for every rule match, before overlap removal."""
    low = text.lower()
    present = {kind for kind, words in _TRIGGERS.items() if any(w in low for w in words)}
    rng, rules, scanned = _RANGE, _RULES, text
    if len(low) == len(text):  # lower-casing kept every offset (it does not for "İ")
        rng, rules, scanned = _RANGE_LOWER, _RULES_LOWER, low
    if "range_first" in present:
        for m in rng.finditer(scanned):
            yield m.start("x"), m.end("x"), _PRIORITY["range"], "range_first", m
    for kind, rx in rules:
        if kind not in present:
            continue
        for m in rx.finditer(scanned):
            yield m.start("x"), m.end("x"), _PRIORITY.get(kind, 4), kind, m


def find_dates(text: str, published: Optional[str] = None,
               is_future: Optional[Callable[[int, int], bool]] = None) -> list[DateExpr]:
    """Every date expression in `text`, in text order, with character offsets, resolved to an
    ISO value as precise as the expression and the publication date allow (None when not).
    `is_future(start, end)` tells whether the expression at those offsets depends on a verb in
    the future tense (asked of bare weekdays only)."""
    cands = sorted(_candidates(text), key=lambda c: (c[0], -(c[1] - c[0]), c[2]))
    out: list[DateExpr] = []
    last_end = -1
    pub_prec = _pub_precision(published)
    if pub_prec == 0:
        published = None  # unusable: treat as unknown rather than fail
    for start, end, _prio, kind, m in cands:
        if start < last_end or start == end:
            continue
        if kind == "range_first":
            g = m.groupdict()
            fake = {"d": g["d1"], "m": g["m1"] or g["m2"], "y": g["y1"] or g["y2"]}
            plan = _plan("range_first", _Groups(fake), published, text)
        else:
            future = kind == "weekday" and is_future is not None and is_future(start, end)
            plan = _plan(kind, m, published, text, future)
        if plan is None:
            continue
        query, precision, prefer, need = plan
        value = out_precision = None
        if pub_prec >= _NEED[need]:
            if kind in _WEEKDAY_RELATIVE and pub_prec == 3:
                value = _resolve_by_weekday(query, precision, prefer, published)
            else:
                value = (_absolute(query, precision) if kind in _ABSOLUTE else
                         _resolve(query, precision, prefer, published if need else None))
            if value is not None:
                out_precision = "day" if precision == "week" else precision
        out.append(DateExpr(text=text[start:end], start=start, end=end, value=value,
                            precision=out_precision))
        last_end = end
    return out


class _Groups:
    """Stand-in for a match when a range's first day borrows its month and year."""

    def __init__(self, groups: dict):
        self._g = groups

    def groupdict(self) -> dict:
        return self._g


# ------------------------------------------------------------------------------------------
# spaCy component



@guarded
class DateFinder:
    """Sets `doc._.dates` from the text and `doc._.published` (an ISO date or None)."""

    def __init__(self, nlp: Language, name: str = "onu_dates"):
        ensure_extensions()  # doc._.dates, doc._.published, doc._.errors
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        def is_future(start: int, end: int) -> bool:
            span = doc.char_span(start, end, alignment_mode="expand")
            return span is not None and any(
                future_verb(_governor(t)) for t in span if t.lower_ in _WEEKDAYS)

        doc._.dates = find_dates(doc_text(doc), doc._.published, is_future)
        return doc


def _governor(tok: Token) -> Token:
    """The word a date depends on; through the object it was attached to by mistake ("signeront
    l'accord vendredi": the parser hangs "vendredi" on "accord")."""
    head = tok.head
    if head.pos_ == "NOUN" and tok.dep_ == "nmod" and head.dep_ == "obj":
        return head.head
    return head


def future_verb(verb: Token) -> bool:
    """Whether a verb (the head a date depends on) is in the future: a future form, a future
    auxiliary ("sera adopté"), "aller" + infinitive ("va signer"), or a future built on the
    infinitive ("rendra", "déclareront") that the tagger left untagged."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    if "Fut" in verb.morph.get("Tense") or any(
            c.dep_.startswith("aux") and "Fut" in c.morph.get("Tense") for c in verb.children):
        return True
    if verb.morph.get("VerbForm") == ["Inf"]:
        gov = verb.head if verb.dep_ == "xcomp" else None
        return gov is not None and gov.lemma_ == "aller" and "Pres" in gov.morph.get("Tense")
    low, stem = verb.lower_, verb.lemma_.lower()
    stem = stem[:-1] if stem.endswith("re") else stem  # "rendre" -> "rendr"
    return stem.endswith("r") and low in (stem + "a", stem + "ont")


@Language.factory("onu_dates")
def make_date_finder(nlp: Language, name: str) -> DateFinder:
    return DateFinder(nlp, name)
