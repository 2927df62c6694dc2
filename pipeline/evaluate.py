"""Score pipeline output against the gold annotation (shared/corpus/ANNOTATION.md, "Scoring").

Pure standard-library functions, so the scorer runs without the NLP stack and its numbers cannot
drift with a model upgrade. The rules, exactly as implemented:

* `tokens`: NFKD, combining marks dropped, casefolded, split on anything not a letter or digit.
* Quotes: predicted p matches gold g at threshold t when ``shared >= t*|tok(g)|`` and
  ``shared >= 0.5*|tok(p)|`` (``shared`` = multiset intersection of token counts, and at least
  one token). The second condition stops a prediction that swallows a whole paragraph from
  matching a short gold quote. Matching is one to one, **greedy** by descending shared-token count
  (ties: tighter fit, then text order), per article, done separately for each view (direct /
  indirect / all) and threshold (30 % / 80 %). Typed views filter both sides by type; "all"
  ignores type. Greedy rather than optimal because it is what the guide describes and is easy to
  reason about when reading failures; the two differ only when one prediction half-overlaps two
  gold quotes.
* Speakers are compared on the lenient "all" matches. Same entity = normalised names equal or
  last tokens (surnames) equal; names are casefolded, accents removed, typographic apostrophes /
  dashes unified, punctuation stripped at word edges, leading honorifics (M., MM., Mme, Mmes,
  Mlle, Dr) dropped, whitespace collapsed. A null gold speaker is "right" only when the
  prediction is null too (used by `speaker_accuracy_with_null` and `quote_speaker_*`).
* People: one to one, first on equal normalised names, then on equal surnames when that surname
  is unique among the article's gold people and among its predicted people.
* Gender accuracy over matched people with a gold gender; `gender_guesses` counts matched
  people with a null gold gender but a predicted one.
* Title recall over matched people: a gold title is found when one of the matched prediction's
  titles has equal tokens or matches it by the quote rule at 80 %.
* Organisations: one to one (maximum matching) when any normalised form of {name} | aliases
  (| acronym) of one equals any of the other's; forms are compared as token sequences with a
  leading article (l' / le / la / les) dropped.
* One key per person: the run's records are keyed together as the store keys them
  (`identity.resolve`); a gold person across articles is the first and last word of the
  normalised name (one-word gold names are not judged); `person_keys_split` counts gold people
  whose matches carry two keys, `person_keys_merged` keys carried by two gold people.

Ratios whose denominator is zero are ``None`` (shown "n/a"), never a made-up 0 or 1.
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional

__all__ = [
    "THRESHOLDS", "VIEWS", "Counts", "Failure", "ArticleScore",
    "tokens", "shared_tokens", "quote_match", "norm_name", "surname", "same_speaker",
    "norm_org", "adapt", "gold_as_prediction", "match_quotes", "match_people",
    "match_organisations", "score_article", "aggregate", "format_report", "format_failures",
    "load_gold_dir", "evaluate_predictions", "evaluate_dir",
]

THRESHOLDS = (30, 80)  # percent of the gold quote's tokens; integers keep the test exact
VIEWS = ("direct", "indirect", "all")
LENIENT, STRICT = THRESHOLDS
_PRED_SHARE = 50  # percent of the predicted quote's tokens that must lie in the gold one

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u00b4`\u2032"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_HONORIFICS = frozenset({"m", "mm", "mme", "mmes", "mlle", "mlles", "dr"})
_ARTICLES = frozenset({"l", "le", "la", "les"})


# ------------------------------------------------------------------------------------------
# Normalisation


def _fold(text: str) -> str:
    """Casefolded text without accents: what every comparison here starts from."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: Optional[str]) -> list[str]:
    """Lower-cased words, accents and punctuation removed: "d’elle" -> ["d", "elle"]."""
    if not text:
        return []
    return _WORD.findall(_fold(text))


def norm_name(name: Optional[str]) -> str:
    """A person/speaker name reduced so "M. Jean-Pierre  LACROIX" == "jean-pierre lacroix".

    Hyphens and apostrophes inside words are kept (so the surname of "Ban Ki-moon" stays
    "ki-moon"); only honorifics at the start are dropped, since they never end a name.
    """
    if not name:
        return ""
    words = _fold(name).translate(_APOSTROPHES).translate(_DASHES).split()
    words = [w for w in (_EDGE_PUNCT.sub("", w) for w in words) if w]
    while words and words[0] in _HONORIFICS:
        words.pop(0)
    return " ".join(words)


def surname(name: Optional[str]) -> str:
    """Last token of the normalised name ("" when there is none)."""
    normed = norm_name(name)
    return normed.rsplit(" ", 1)[-1] if normed else ""


def same_speaker(gold: Optional[str], pred: Optional[str]) -> bool:
    """Same entity: equal normalised names or equal surnames. Null never equals a name here."""
    g, p = norm_name(gold), norm_name(pred)
    if not g or not p:
        return False
    return g == p or g.rsplit(" ", 1)[-1] == p.rsplit(" ", 1)[-1]


def _speaker_right(gold: Optional[str], pred: Optional[str]) -> bool:
    """Speaker correctness where a null gold speaker wants a null prediction."""
    if not norm_name(gold):
        return not norm_name(pred)
    return same_speaker(gold, pred)


def _org_forms(doc: "_Doc", name: Optional[str]) -> frozenset:
    """All the forms of the organisation of `doc` that `name` designates (empty if none)."""
    key = norm_org(name)
    for o in doc.orgs:
        if key and key in o.forms:
            return o.forms
    return frozenset()


def _same_org(gold_doc: "_Doc", gold: Optional[str], pred_doc: "_Doc", pred: Optional[str]) -> bool:
    """An organisation speaker named by its acronym on one side and its full name on the other
    ("ONU" / "Organisation des Nations Unies") is the same entity: compare the forms each side
    lists for it."""
    if not gold or not pred:
        return False
    return bool(_org_forms(gold_doc, gold) & _org_forms(pred_doc, pred))


def norm_org(name: Optional[str]) -> tuple[str, ...]:
    """An organisation form as tokens without a leading article: "l'ONU" -> ("onu",)."""
    toks = tokens(name)
    if len(toks) > 1 and toks[0] in _ARTICLES:
        toks = toks[1:]
    return tuple(toks)


# ------------------------------------------------------------------------------------------
# Adapter: gold files and pipeline records in one shape


@dataclass
class _Quote:
    text: str
    type: Optional[str]
    speaker: Optional[str]
    toks: Counter
    size: int


@dataclass
class _Person:
    name: str
    gender: Optional[str]
    titles: list[str]


@dataclass
class _Org:
    name: str
    forms: frozenset  # normalised name, aliases, acronym


@dataclass
class _Doc:
    id: str
    quotes: list[_Quote]
    people: list[_Person]
    orgs: list[_Org]


def _as_dict(record: Any) -> dict:
    """Accept a dict, a dataclass (`ArticleRecord`) or anything with `to_dict()`."""
    if isinstance(record, Mapping):
        return dict(record)
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return dataclasses.asdict(record)
    if hasattr(record, "to_dict"):
        return record.to_dict()
    raise TypeError(f"cannot score a {type(record).__name__}")


def _title_text(title: Any) -> str:
    if isinstance(title, Mapping):
        return title.get("text") or ""
    return title or ""


def adapt(record: Any) -> _Doc:
    """Read a gold dict or a pipeline record into the scorer's shape.

    Gold quotes carry `speaker`, predictions `speaker_name`; gold titles are strings, predicted
    ones dicts with `text`; a predicted `acronym` counts as one more alias.
    """
    d = _as_dict(record)
    quotes = []
    for q in d.get("quotes") or []:
        text = q.get("text") or ""
        speaker = q["speaker"] if "speaker" in q else q.get("speaker_name")
        toks = Counter(tokens(text))
        quotes.append(_Quote(text, q.get("type"), speaker or None, toks, sum(toks.values())))
    people = [
        _Person(p.get("name") or "", p.get("gender"),
                [t for t in (_title_text(t) for t in p.get("titles") or []) if t])
        for p in d.get("people") or []
    ]
    orgs = []
    for o in d.get("organisations") or []:
        raw = [o.get("name"), *(o.get("aliases") or []), o.get("acronym")]
        # "Programme alimentaire mondial (PAM)": the name without the bracket and the acronym in it
        raw += [part for r in list(raw) if r and "(" in r
                for part in re.split(r"\s*[()]\s*", r) if part]
        forms = frozenset(f for f in (norm_org(r) for r in raw if r) if f)
        orgs.append(_Org(o.get("name") or "", forms))
    return _Doc(str(d.get("id") or ""), quotes, people, orgs)


def gold_as_prediction(gold: Mapping) -> dict:
    """The pipeline record a perfect system would write for this gold file (an oracle baseline
    and the fixture that proves a perfect prediction scores 1.0)."""
    acronym = re.compile(r"^[A-Z0-9]{2,}$")
    orgs = []
    for i, o in enumerate(gold.get("organisations") or [], 1):
        aliases = list(o.get("aliases") or [])
        acr = next((a for a in aliases if acronym.match(a)), None)
        orgs.append({"id": f"o{i}", "name": o["name"], "acronym": acr,
                     "aliases": [a for a in aliases if a != acr], "mentions": []})
    people = [
        {"id": f"p{i}", "name": p["name"], "gender": p.get("gender"), "gender_evidence": [],
         "titles": [{"text": t, "role": None, "organisation_id": None, "former": False}
                    for t in p.get("titles") or []],
         "mentions": []}
        for i, p in enumerate(gold.get("people") or [], 1)
    ]
    person_names = {p["name"] for p in gold.get("people") or []}
    org_names = {o["name"] for o in gold.get("organisations") or []}
    quotes = []
    for i, q in enumerate(gold.get("quotes") or [], 1):
        spk = q.get("speaker")
        kind = None if spk is None else (
            "person" if spk in person_names else "organisation" if spk in org_names else "place")
        quotes.append({"id": f"q{i}", "text": q["text"], "start": 0, "end": 0,
                       "type": q["type"], "speaker_id": None, "speaker_name": spk,
                       "speaker_kind": kind, "cue": q.get("cue"), "confidence": 1.0,
                       "rule": "gold", "evidence": None})
    return {"id": gold.get("id"), "people": people, "organisations": orgs, "quotes": quotes}


# ------------------------------------------------------------------------------------------
# Matching


def shared_tokens(a: Counter, b: Counter) -> int:
    """Size of the multiset intersection of two token counts."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(n, b[t]) for t, n in a.items() if t in b)


def _passes(shared: int, gold_size: int, pred_size: int, threshold: int) -> bool:
    return (shared > 0 and shared * 100 >= threshold * gold_size
            and shared * 100 >= _PRED_SHARE * pred_size)


def quote_match(pred_text: str, gold_text: str, threshold: int = LENIENT) -> bool:
    """The two-sided overlap rule for one pair; `threshold` is a percent (30 or 80)."""
    p, g = Counter(tokens(pred_text)), Counter(tokens(gold_text))
    return _passes(shared_tokens(p, g), sum(g.values()), sum(p.values()), threshold)


def _greedy(candidates: list[tuple[int, int, int, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs from (shared, gold_size, pred_size, gi, pi): largest overlap first,
    then the tighter fit, then text order, so the outcome never depends on dict order."""
    candidates.sort(key=lambda c: (-c[0], -c[0] / max(c[1], c[2]), c[3], c[4]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, _, _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def match_quotes(pred: list, gold: list, threshold: int = LENIENT,
                 _shared: Optional[dict] = None) -> list[tuple[int, int]]:
    """One-to-one (gold_index, pred_index) pairs between two quote lists.

    Items may be texts or adapted quotes; indices refer to the lists as given.
    """
    def prep(items):
        out = []
        for it in items:
            if isinstance(it, _Quote):
                out.append((it.toks, it.size))
            else:
                c = Counter(tokens(it if isinstance(it, str) else it.get("text")))
                out.append((c, sum(c.values())))
        return out

    gp, pp = prep(gold), prep(pred)
    cands = []
    for gi, (gc, gn) in enumerate(gp):
        for pi, (pc, pn) in enumerate(pp):
            shared = _shared[(gi, pi)] if _shared is not None else shared_tokens(gc, pc)
            if _passes(shared, gn, pn, threshold):
                cands.append((shared, gn, pn, gi, pi))
    return _greedy(cands)


def match_people(pred: list[_Person], gold: list[_Person]) -> list[tuple[int, int]]:
    """One-to-one (gold_index, pred_index): equal full names first, then a surname that is
    unique on both sides (two McCains in gold leave "McCain" unmatched)."""
    gnames = [norm_name(p.name) for p in gold]
    pnames = [norm_name(p.name) for p in pred]
    used_p: set[int] = set()
    pairs: dict[int, int] = {}
    for gi, g in enumerate(gnames):
        if not g:
            continue
        for pi, p in enumerate(pnames):
            if pi not in used_p and p == g:
                pairs[gi] = pi
                used_p.add(pi)
                break
    gsur = [n.rsplit(" ", 1)[-1] if n else "" for n in gnames]
    psur = [n.rsplit(" ", 1)[-1] if n else "" for n in pnames]
    gcount, pcount = Counter(s for s in gsur if s), Counter(s for s in psur if s)
    for gi, s in enumerate(gsur):
        if gi in pairs or not s or gcount[s] != 1 or pcount[s] != 1:
            continue
        pi = psur.index(s)
        if pi not in used_p:
            pairs[gi] = pi
            used_p.add(pi)
    return sorted(pairs.items())


def match_organisations(pred: list[_Org], gold: list[_Org]) -> list[tuple[int, int]]:
    """Maximum one-to-one matching (augmenting paths) on "share a normalised form": generic
    aliases like "Conseil" can link one prediction to several golds, and a maximum matching
    keeps that from costing a pair that a different assignment would have kept."""
    adj = [[pi for pi, p in enumerate(pred) if g.forms & p.forms] for g in gold]
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(gi: int, seen: set[int]) -> bool:
        for pi in adj[gi]:
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    return sorted((gi, pi) for pi, gi in owner.items())


# ------------------------------------------------------------------------------------------
# Per-article scores


@dataclass
class Counts:
    """True positives against the sizes of both sides: enough for micro P/R/F1."""

    tp: int = 0
    n_gold: int = 0
    n_pred: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp += other.tp
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred
        return self


@dataclass
class Failure:
    """One thing a developer should look at. `kind` is one of missed_quote, spurious_quote,
    wrong_speaker, wrong_type, missed_person, spurious_person, wrong_gender, missed_title,
    missed_org, spurious_org."""

    kind: str
    gold: Optional[str] = None
    pred: Optional[str] = None
    detail: str = ""


@dataclass
class ArticleScore:
    """Counts for one article (summed by `aggregate`) plus the failures behind them."""

    id: str
    quotes: dict[str, Counts] = field(default_factory=dict)  # "direct_30", ..., "all_80"
    speaker_correct: int = 0
    speaker_total: int = 0  # lenient matches whose gold speaker is named
    speaker_correct_with_null: int = 0
    speaker_total_with_null: int = 0  # all lenient matches
    quote_speaker: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    gender_correct: int = 0
    gender_total: int = 0
    gender_guesses: int = 0
    gender_null_gold: int = 0
    titles_found: int = 0
    titles_total: int = 0
    orgs: Counts = field(default_factory=Counts)
    failures: list[Failure] = field(default_factory=list)
    person_pairs: list[tuple[str, int]] = field(default_factory=list)  # (gold name, pred index)


def _short(text: Optional[str], width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _best_partner(i: int, others: int, shared: dict, key) -> tuple[int, int]:
    """(index, shared) of the other-side quote sharing most tokens with quote i."""
    best = (-1, 0)
    for j in range(others):
        s = shared[key(i, j)]
        if s > best[1]:
            best = (j, s)
    return best


def _title_found(gold_title: str, pred_titles: list[str]) -> bool:
    gt = tokens(gold_title)
    gc = Counter(gt)
    for pt in pred_titles:
        ptoks = tokens(pt)
        if ptoks == gt:
            return True
        pc = Counter(ptoks)
        if _passes(shared_tokens(gc, pc), len(gt), len(ptoks), STRICT):
            return True
    return False


def score_article(pred: Any, gold: Any) -> ArticleScore:
    """Score one prediction against its gold file. Either argument may be in either format."""
    p, g = adapt(pred), adapt(gold)
    score = ArticleScore(id=g.id or p.id)
    fails = score.failures

    # Quotes: token overlaps once, then one greedy matching per view and threshold.
    shared = {(gi, pi): shared_tokens(gq.toks, pq.toks)
              for gi, gq in enumerate(g.quotes) for pi, pq in enumerate(p.quotes)}
    lenient_all: list[tuple[int, int]] = []
    for view in VIEWS:
        gidx = [i for i, q in enumerate(g.quotes) if view == "all" or q.type == view]
        pidx = [i for i, q in enumerate(p.quotes) if view == "all" or q.type == view]
        sub = {(a, b): shared[(gi, pi)] for a, gi in enumerate(gidx) for b, pi in enumerate(pidx)}
        for t in THRESHOLDS:
            pairs = match_quotes([p.quotes[i] for i in pidx], [g.quotes[i] for i in gidx], t, sub)
            score.quotes[f"{view}_{t}"] = Counts(len(pairs), len(gidx), len(pidx))
            if view == "all" and t == LENIENT:
                lenient_all = [(gidx[a], pidx[b]) for a, b in pairs]

    matched_g = {gi for gi, _ in lenient_all}
    matched_p = {pi for _, pi in lenient_all}
    for gi, gq in enumerate(g.quotes):
        if gi not in matched_g:
            pi, s = _best_partner(gi, len(p.quotes), shared, lambda i, j: (i, j))
            near = (f"closest prediction shares {s}/{gq.size} gold tokens, {s}/"
                    f"{p.quotes[pi].size} of its own: {_short(p.quotes[pi].text, 60)!r}"
                    if pi >= 0 else "no prediction shares a token")
            fails.append(Failure("missed_quote", gq.text, None,
                                 f"{gq.type}, speaker {gq.speaker!r}; {near}"))
    for pi, pq in enumerate(p.quotes):
        if pi not in matched_p:
            gi, s = _best_partner(pi, len(g.quotes), shared, lambda i, j: (j, i))
            near = (f"closest gold shares {s}/{g.quotes[gi].size} gold tokens, {s}/{pq.size} "
                    f"of the prediction's" if gi >= 0 else "no gold quote shares a token")
            fails.append(Failure("spurious_quote", None, pq.text,
                                 f"{pq.type}, speaker {pq.speaker!r}; {near}"))

    qs = score.quote_speaker
    qs.n_gold, qs.n_pred = len(g.quotes), len(p.quotes)
    for gi, pi in lenient_all:
        gq, pq = g.quotes[gi], p.quotes[pi]
        right = _speaker_right(gq.speaker, pq.speaker) or _same_org(g, gq.speaker, p, pq.speaker)
        score.speaker_total_with_null += 1
        score.speaker_correct_with_null += right
        if norm_name(gq.speaker):
            score.speaker_total += 1
            score.speaker_correct += right
        qs.tp += right
        if not right:
            fails.append(Failure("wrong_speaker", gq.text, pq.text,
                                 f"gold {gq.speaker!r}, predicted {pq.speaker!r}"))
        if gq.type != pq.type:
            fails.append(Failure("wrong_type", gq.text, pq.text,
                                 f"gold {gq.type}, predicted {pq.type}"))

    # People, gender, titles.
    ppairs = match_people(p.people, g.people)
    score.people = Counts(len(ppairs), len(g.people), len(p.people))
    score.person_pairs = [(g.people[gi].name, pi) for gi, pi in ppairs]
    pm = dict(ppairs)
    for gi, gp in enumerate(g.people):
        if gi not in pm:
            fails.append(Failure("missed_person", gp.name))
            continue
        pp = p.people[pm[gi]]
        if gp.gender is not None:
            score.gender_total += 1
            score.gender_correct += pp.gender == gp.gender
            if pp.gender != gp.gender:
                fails.append(Failure("wrong_gender", gp.name, pp.name,
                                     f"gold {gp.gender}, predicted {pp.gender}"))
        else:
            score.gender_null_gold += 1
            if pp.gender is not None:
                score.gender_guesses += 1
                fails.append(Failure("wrong_gender", gp.name, pp.name,
                                     f"gold null, predicted {pp.gender} (a guess)"))
        for title in gp.titles:
            if not tokens(title):
                continue
            score.titles_total += 1
            if _title_found(title, pp.titles):
                score.titles_found += 1
            else:
                fails.append(Failure("missed_title", title, "; ".join(pp.titles) or None,
                                     f"of {gp.name}"))
    used = set(pm.values())
    fails.extend(Failure("spurious_person", None, pp.name)
                 for pi, pp in enumerate(p.people) if pi not in used)

    # Organisations.
    opairs = match_organisations(p.orgs, g.orgs)
    score.orgs = Counts(len(opairs), len(g.orgs), len(p.orgs))
    og, op = {gi for gi, _ in opairs}, {pi for _, pi in opairs}
    fails.extend(Failure("missed_org", o.name) for i, o in enumerate(g.orgs) if i not in og)
    fails.extend(Failure("spurious_org", None, o.name) for i, o in enumerate(p.orgs) if i not in op)
    return score


# ------------------------------------------------------------------------------------------
# Corpus metrics and reports


def _ratio(num: int, den: int) -> Optional[float]:
    return num / den if den else None


def _prf(c: Counts) -> tuple[Optional[float], Optional[float], Optional[float]]:
    """Micro P/R/F1; F1 = 2tp/(gold+pred), which is 0 (not undefined) when one side is empty."""
    return _ratio(c.tp, c.n_pred), _ratio(c.tp, c.n_gold), _ratio(2 * c.tp, c.n_gold + c.n_pred)


def aggregate(scores: Iterable[ArticleScore]) -> dict[str, Any]:
    """Micro-average per-article counts into the corpus metrics (None where undefined)."""
    scores = list(scores)
    quotes = {f"{v}_{t}": Counts() for v in VIEWS for t in THRESHOLDS}
    qs, people, orgs = Counts(), Counts(), Counts()
    tot = Counter()
    for s in scores:
        for k, c in s.quotes.items():
            quotes.setdefault(k, Counts())
            quotes[k] += c
        qs += s.quote_speaker
        people += s.people
        orgs += s.orgs
        for name in ("speaker_correct", "speaker_total", "speaker_correct_with_null",
                     "speaker_total_with_null", "gender_correct", "gender_total",
                     "gender_guesses", "gender_null_gold", "titles_found", "titles_total"):
            tot[name] += getattr(s, name)

    m: dict[str, Any] = {}
    for v in VIEWS:
        for t in THRESHOLDS:
            m[f"{v}_p_{t}"], m[f"{v}_r_{t}"], m[f"{v}_f1_{t}"] = _prf(quotes[f"{v}_{t}"])
    m["speaker_accuracy"] = _ratio(tot["speaker_correct"], tot["speaker_total"])
    m["speaker_accuracy_with_null"] = _ratio(tot["speaker_correct_with_null"],
                                             tot["speaker_total_with_null"])
    m["quote_speaker_p"], m["quote_speaker_r"], m["quote_speaker_f1"] = _prf(qs)
    m["people_p"], m["people_r"], m["people_f1"] = _prf(people)
    m["gender_accuracy"] = _ratio(tot["gender_correct"], tot["gender_total"])
    m["gender_guesses"] = tot["gender_guesses"]
    m["title_recall"] = _ratio(tot["titles_found"], tot["titles_total"])
    m["org_p"], m["org_r"], m["org_f1"] = _prf(orgs)
    m.update(
        n_articles=len(scores),
        n_gold_quotes=quotes["all_30"].n_gold,
        n_pred_quotes=quotes["all_30"].n_pred,
        n_gold_direct=quotes["direct_30"].n_gold,
        n_gold_indirect=quotes["indirect_30"].n_gold,
        n_speaker_scored=tot["speaker_total"],
        n_speaker_scored_with_null=tot["speaker_total_with_null"],
        n_gold_people=people.n_gold,
        n_pred_people=people.n_pred,
        n_gender_scored=tot["gender_total"],
        n_gender_null_gold=tot["gender_null_gold"],
        n_gold_titles=tot["titles_total"],
        n_gold_orgs=orgs.n_gold,
        n_pred_orgs=orgs.n_pred,
    )
    return m


_REPORT_SECTIONS = (
    ("Quotes, lenient (30 %)", [f"{v}_{m}_30" for v in VIEWS for m in ("p", "r", "f1")]),
    ("Quotes, strict (80 %)", [f"{v}_{m}_80" for v in VIEWS for m in ("p", "r", "f1")]),
    ("Speakers", ["speaker_accuracy", "speaker_accuracy_with_null", "quote_speaker_p",
                  "quote_speaker_r", "quote_speaker_f1"]),
    ("People", ["people_p", "people_r", "people_f1", "gender_accuracy", "gender_guesses",
                "title_recall"]),
    ("Organisations", ["org_p", "org_r", "org_f1"]),
    ("One key per person (person_key over the run)", ["person_keys_split", "person_keys_merged"]),
)


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_report(name: str, metrics: Mapping[str, Any]) -> str:
    """Fixed-width (metric, value) table, grouped by section; unknown keys go under "Other"."""
    width = max([len(k) for k in metrics] + [24])
    shown: set[str] = set()
    lines = [f"Evaluation: {name}", "=" * (width + 12)]

    def section(title: str, keys: list[str]) -> None:
        keys = [k for k in keys if k in metrics]
        if not keys:
            return
        lines.extend(["", title, "-" * (width + 12)])
        for k in keys:
            lines.append(f"{k:<{width}}  {_fmt(metrics[k]):>10}")
            shown.add(k)

    for title, keys in _REPORT_SECTIONS:
        section(title, keys)
    section("Counts", [k for k in metrics if k.startswith("n_")])
    section("Other", [k for k in metrics if k not in shown])
    return "\n".join(lines) + "\n"


_FAILURE_ORDER = ("missed_quote", "spurious_quote", "wrong_speaker", "wrong_type",
                  "missed_person", "spurious_person", "wrong_gender", "missed_title",
                  "missed_org", "spurious_org", "split_person", "merged_person")


def format_failures(scores: Iterable[ArticleScore],
                    kinds: Optional[Iterable[str]] = None) -> str:
    """Per article, one line per failure (quotes first); `kinds` restricts which are shown."""
    wanted = set(kinds) if kinds is not None else set(_FAILURE_ORDER)
    rank = {k: i for i, k in enumerate(_FAILURE_ORDER)}
    out = []
    for s in scores:
        fails = sorted((f for f in s.failures if f.kind in wanted),
                       key=lambda f: rank.get(f.kind, len(rank)))
        if not fails:
            continue
        out.append(f"== {s.id} ({len(fails)})")
        for f in fails:
            parts = []
            if f.gold is not None:
                parts.append(f"gold={_short(f.gold)!r}")
            if f.pred is not None:
                same = f.gold is not None and f.pred == f.gold
                parts.append("pred=(same text)" if same else f"pred={_short(f.pred)!r}")
            if f.detail:
                parts.append(f"[{f.detail}]")
            out.append(f"  {f.kind:<16} " + " ".join(parts))
    return "\n".join(out) + ("\n" if out else "")


# ------------------------------------------------------------------------------------------
# Corpus I/O


def load_batches(path: str | Path) -> dict[str, str]:
    """`{id: batch}` from `BATCHES.tsv` (columns `id`, `batch`) in a corpus folder.

    The dev set grows in batches; scoring a new batch alone, before anyone reads it, is the
    project's measure of how the rules generalise (README, "first run on unseen articles").
    """
    f = Path(path) / "BATCHES.tsv"
    if not f.is_file():
        raise FileNotFoundError(f"{f}: no batch list in this corpus")
    batches = {}
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        cells = line.rstrip("\n").split("\t")
        if n == 1 and cells[:2] == ["id", "batch"]:
            continue
        if len(cells) < 2 or not cells[0].strip():
            if line.strip():
                raise ValueError(f"{f}:{n}: expected 'id<TAB>batch'")
            continue
        batches[cells[0].strip()] = cells[1].strip()
    return batches


def load_gold_dir(path: str | Path, batch: Optional[str] = None) -> dict[str, dict]:
    """`{id: gold}` from every `<id>.gold.json` in `path`, sorted by id; with `batch`, only the
    articles `BATCHES.tsv` puts in that batch.

    A file whose `id` field disagrees with its name is an annotation error and raises, since
    the article text is looked up by file name.
    """
    wanted = None
    if batch is not None:
        wanted = {gid for gid, b in load_batches(path).items() if b == str(batch)}
        if not wanted:
            raise ValueError(f"{Path(path) / 'BATCHES.tsv'}: no article in batch {batch}")
    golds = {}
    for f in sorted(Path(path).glob("*.gold.json")):
        gid = f.name[: -len(".gold.json")]
        if wanted is not None and gid not in wanted:
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        if data.get("id", gid) != gid:
            raise ValueError(f"{f}: id {data.get('id')!r} does not match the file name")
        data.setdefault("id", gid)
        golds[gid] = data
    return golds


def evaluate_predictions(preds: Mapping[str, Any], golds: Mapping[str, dict],
                         identity: bool = True) -> tuple[dict[str, Any], list[ArticleScore]]:
    """Score already-made predictions keyed by id; a gold article without one scores as an
    empty prediction, so a crash in one article costs recall instead of hiding."""
    scores = [score_article(preds.get(gid) or {"id": gid}, gold) for gid, gold in golds.items()]
    metrics = aggregate(scores)
    if identity:
        metrics.update(check_person_keys(preds, list(golds), scores))
    return metrics, scores


def _gold_identity(name: str) -> Optional[tuple[str, str]]:
    """Who a gold person is across articles: first and last word of the normalised name,
    initials and middle names aside ("Gilbert F. Houngbo" = "Gilbert Fossoun Houngbo"). None for
    a one-word gold name ("Tedros"): the gold does not say which full name it is."""
    words = [w for w in norm_name(name).split() if len(w) > 1]
    return (words[0], words[-1]) if len(words) > 1 else None


def check_person_keys(preds: Mapping[str, Any], gids: list[str],
                      scores: list[ArticleScore]) -> dict[str, int]:
    """One key per person (issue 12): the `person_key` each predicted person gets when the run's
    records are keyed together (`identity.resolve`, as the store does), read through the people
    matching. A gold person (`_gold_identity`) whose matches carry two keys is split; a key
    carried by two gold people merges them. `scores[i]` is the score of article `gids[i]`; the
    failures go to the articles involved."""
    from .identity import default_identity, record_facts, resolve
    from .tables import published_date  # the date the store keys the same people with

    ident = default_identity()
    facts, ids = [], {}
    for gid, record in preds.items():
        d = _as_dict(record)
        if not d.get("people"):
            continue
        # a gold file read as a prediction has no ids and its titles are strings
        people = [{"id": p.get("id") or f"p{i}", "name": p.get("name") or "",
                   "gender": p.get("gender"),
                   "titles": [{"role": t.get("role"), "organisation_id": t.get("organisation_id")}
                              for t in p.get("titles") or [] if isinstance(t, Mapping)]}
                  for i, p in enumerate(d["people"], 1)]
        orgs = [{"id": o.get("id") or f"o{i}", "name": o.get("name"), "acronym": o.get("acronym")}
                for i, o in enumerate(d.get("organisations") or [], 1)]
        record = {"id": gid, "people": people, "organisations": orgs}
        facts.extend((f, None) for f in record_facts(ident, record,
                                                     published_date(d.get("published"))))
        ids[gid] = [p["id"] for p in people]
    keys = resolve(ident, facts) if facts else {}
    by_gold: dict[tuple, dict[str, list]] = {}
    by_key: dict[str, dict[tuple, list]] = {}
    for gid, s in zip(gids, scores):
        for name, pi in s.person_pairs:
            who = _gold_identity(name)
            key = keys.get((gid, ids[gid][pi])) if gid in ids else None
            if who is None or key is None:
                continue
            by_gold.setdefault(who, {}).setdefault(key, []).append((s, name))
            by_key.setdefault(key, {}).setdefault(who, []).append((s, name))
    split = {who: ks for who, ks in by_gold.items() if len(ks) > 1}
    merged = {key: ws for key, ws in by_key.items() if len(ws) > 1}
    for who, ks in split.items():
        for key, seen in ks.items():
            for s, name in seen:
                s.failures.append(Failure("split_person", name, key,
                                          f"the same person has {len(ks)} keys: {sorted(ks)}"))
    for key, ws in merged.items():
        names = sorted({n for seen in ws.values() for _, n in seen})
        for seen in ws.values():
            for s, name in seen:
                s.failures.append(Failure("merged_person", name, key,
                                          f"one key for {len(ws)} people: {names}"))
    return {"person_keys_split": len(split), "person_keys_merged": len(merged),
            "n_gold_identities": len(by_gold)}


def evaluate_dir(corpus_dir: str | Path,
                 extract: Callable[[Path], Any],
                 batch: Optional[str] = None) -> tuple[dict[str, Any], list[ArticleScore]]:
    """Run `extract` on `<id>.txt` for each gold file in `corpus_dir` (only `batch`, if given)
    and score the results."""
    corpus_dir = Path(corpus_dir)
    golds = load_gold_dir(corpus_dir, batch)
    preds = {}
    for gid in golds:
        txt = corpus_dir / f"{gid}.txt"
        if not txt.is_file():
            raise FileNotFoundError(f"{txt}: gold file has no article text beside it")
        preds[gid] = extract(txt)
    return evaluate_predictions(preds, golds)
