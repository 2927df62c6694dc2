"""Build the static HTML report of a run: `build_report(run_dir)` -> `run_dir/report/`.

Reads `run_dir/json/*.json` (the `ArticleRecord` files), one at a time: each article page is
written as soon as its record is read and only small aggregates (counters, one index row) are
kept, so runs with thousands of articles fit in memory; and, from the store beside them, the
`person_key` of each quoted person, so that "most quoted" counts people across articles (one
dictionary entry per quoted person of the corpus). Standard library otherwise; all text goes
through `html.escape`, charts are inline SVG drawn here, and pages need no network or server.
Interface text, dates and numbers come from the message catalogue of the chosen language
(`i18n.py`, French by default).
"""
from __future__ import annotations

import bisect
import hashlib
import json
import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import quote as urlquote

from .. import identity
from ..tables import published_date
from . import templates as T
from .i18n import DEFAULT_LANG, Catalogue, catalogue

log = logging.getLogger(__name__)

TOP_N = 15  # bars in the "most quoted" charts
TITLE_MATCH_LIMIT = 50  # title strings are found by search (no offsets); cap pathological repeats
GENDERS = ("female", "male", "unknown")
NUM = ' class="num"'


def esc(value: Any) -> str:
    """Escape anything for HTML text and attribute values (None -> "")."""
    return escape("" if value is None else str(value), quote=True)


def _key(name: str) -> str:
    """An organisation across articles: ids are per article, so aggregate on the normalised name
    (people are counted by their `person_key`, see `_Totals.person_keys`)."""
    return " ".join(name.split()).casefold()


def store_person_keys(run_dir: Path) -> Optional[dict[tuple[str, str], tuple[str, str]]]:
    """{(article_id, person_id): (person_key, display name)} of the quoted people of the run
    folder's store (`DIR/corpus.duckdb`, read-only); None without a store of version 2 or later
    (the report then keys people by what their own article tells, `identity.base_key`)."""
    from ..store import STORE_NAME, Store, StoreError

    path = Path(run_dir) / STORE_NAME
    if not path.exists():
        return None
    try:
        with Store(path, read_only=True) as st:
            rows = st.con.execute(
                "SELECT p.article_id, p.person_id, p.person_key, s.speaker FROM people p "
                "JOIN speakers s USING (person_key) WHERE p.n_quotes > 0").fetchall()
    except (StoreError, Exception) as exc:  # noqa: BLE001 - any store problem: keys from records
        log.warning("report: person keys not read from %s (%s); people keyed per article", path, exc)
        return None
    return {(a, p): (k, name) for a, p, k, name in rows}


def _month(published: Optional[str]) -> Optional[str]:
    if published and re.match(r"^\d{4}-\d{2}", published):
        return published[:7]
    return None


def _kind(quote: dict) -> Optional[str]:
    kind = quote.get("speaker_kind")
    if kind:
        return kind
    sid = quote.get("speaker_id") or ""
    return {"p": "person", "o": "organisation", "l": "place"}.get(sid[:1])


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def page_name(article_id: str) -> str:
    """File stem for an article page: safe on every filesystem and in a URL without quoting.

    Ids that needed changing get a short hash so two ids cannot map to the same name.
    """
    slug = _UNSAFE.sub("_", article_id).strip("._")[:80] or "article"
    if slug != article_id:
        slug += "-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8]
    return slug


# --------------------------------------------------------------------------------------------
# Article page: span marking


@dataclass
class _Span:
    start: int
    end: int
    rank: int  # 0 quote (outermost), 1 entity, 2 title, 3 date
    open: str
    close: str


def _select_spans(candidates: list[_Span], text_len: int) -> tuple[list[_Span], int]:
    """Keep a properly nested subset of `candidates` (taken in the given priority order).

    Quotes come first and are never split: an entity inside a quote is nested in its mark, an
    entity crossing a quote boundary (or another kept span) is dropped, and nothing but a quote
    may enclose a quote. Returns (kept, number dropped) so the page can say what it hid.
    Kept spans are indexed by start (bisect) so long articles with many mentions stay fast.
    """
    kept: list[_Span] = []
    starts: list[int] = []  # sorted starts of `by_start`
    by_start: list[_Span] = []
    longest = 0
    dropped = 0
    for c in candidates:
        if not (0 <= c.start < c.end <= text_len):
            dropped += 1
            continue
        ok = True
        i = bisect.bisect_left(starts, c.end)  # spans starting at/after c.end are disjoint
        while i > 0:
            i -= 1
            a = by_start[i]
            if a.start + longest <= c.start:
                break  # no earlier span can reach c
            if a.end <= c.start:
                continue  # disjoint
            same = a.start == c.start and a.end == c.end
            if a.start <= c.start and c.end <= a.end:
                if same and a.rank != 0 and c.rank != 0:
                    ok = False  # the same span marked twice (e.g. PER and ORG): keep the first
                    break
                continue  # c nested inside a
            if c.start <= a.start and a.end <= c.end and not (a.rank == 0 and c.rank != 0):
                continue  # c encloses a (only quotes may enclose quotes)
            ok = False
            break
        if ok:
            kept.append(c)
            j = bisect.bisect_right(starts, c.start)
            starts.insert(j, c.start)
            by_start.insert(j, c)
            longest = max(longest, c.end - c.start)
        else:
            dropped += 1
    return kept, dropped


def _render_spans(text: str, spans: list[_Span]) -> str:
    """Interleave escaped text with the (properly nested) span tags."""
    out: list[str] = []
    pos = 0
    stack: list[_Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end, s.rank)):
        while stack and stack[-1].end <= s.start:
            top = stack.pop()
            out.append(esc(text[pos:top.end]))
            out.append(top.close)
            pos = top.end
        out.append(esc(text[pos:s.start]))
        out.append(s.open)
        pos = s.start
        stack.append(s)
    while stack:
        top = stack.pop()
        out.append(esc(text[pos:top.end]))
        out.append(top.close)
        pos = top.end
    out.append(esc(text[pos:]))
    return "".join(out)


def _entity_span(m: dict, cls: str, label: str, ent_id: str, tip: str, rank: int = 1) -> _Span:
    return _Span(
        int(m.get("start", 0)), int(m.get("end", 0)), rank,
        f'<mark class="entity {cls}" data-id="{esc(ent_id)}" title="{esc(tip)}">',
        f'<span class="label">{label}</span></mark>',
    )


def _find_all(text: str, needle: str, limit: int) -> Iterable[tuple[int, int]]:
    """Whole-word occurrences of `needle` (titles carry no offsets in the record)."""
    if len(needle) < 3:
        return
    start, found = 0, 0
    while found < limit:
        i = text.find(needle, start)
        if i < 0:
            return
        j = i + len(needle)
        if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum()):
            found += 1
            yield i, j
        start = i + 1


@dataclass
class _ArticleView:
    """Everything derived from one record that both its page and the index/dashboard need."""

    speakers: dict[str, tuple[str, str, str, int]]  # colour key -> (css class, name, kind, n)
    quote_speaker: dict[str, tuple[str, str, str]]  # quote id -> (css class, name, kind)


def _speaker_of(q: dict, people: dict, orgs: dict, places: dict) -> tuple[Optional[str], str, str]:
    """(colour key, display name, kind) of a quote's speaker; key None (and name "") when
    unattributed: the page writes the catalogue's word for it."""
    sid = q.get("speaker_id")
    kind = _kind(q) or ""
    ent = people.get(sid) or orgs.get(sid) or places.get(sid) if sid else None
    name = (ent or {}).get("name") or q.get("speaker_name")
    if not name and not sid:
        return None, "", ""
    return (sid or "name:" + _key(name or "")), (name or sid or "?"), kind


def _analyse(rec: dict) -> _ArticleView:
    people = {p["id"]: p for p in rec.get("people") or []}
    orgs = {o["id"]: o for o in rec.get("organisations") or []}
    places = {pl["id"]: pl for pl in rec.get("places") or []}
    speakers: dict[str, list] = {}
    quote_speaker: dict[str, tuple[str, str, str]] = {}
    for q in sorted(rec.get("quotes") or [], key=lambda q: (q.get("start", 0), q.get("id", ""))):
        key, name, kind = _speaker_of(q, people, orgs, places)
        if key is None:
            cls = "spk-none"
        else:
            if key not in speakers:
                speakers[key] = [f"spk-{len(speakers) % len(T.PALETTE)}", name, kind, 0]
            speakers[key][3] += 1
            cls = speakers[key][0]
        quote_speaker[q.get("id", "")] = (cls, name, kind)
    return _ArticleView({k: tuple(v) for k, v in speakers.items()}, quote_speaker)


def _gender(m: Catalogue, gender: Optional[str]) -> str:
    """A person's gender in words ("femme" / "female"); an unexpected value is shown as is."""
    key = f"gender.{gender or 'unknown'}"
    return m(key) if key in m.messages else str(gender)


def _kind_label(m: Catalogue, kind: str) -> str:
    key = f"kind.{kind}"
    return m(key) if kind and key in m.messages else kind


def _person_tip(p: dict, m: Catalogue) -> str:
    bits = [p.get("name") or ""]
    if p.get("gender"):
        bits.append(_gender(m, p["gender"]))
    for t in p.get("titles") or []:
        text = t.get("text") or ""
        if text:
            bits.append(m("tip.former", title=text) if t.get("former") else text)
    return " · ".join(bits)


def _org_tip(o: dict) -> str:
    return (o.get("name") or "") + (f" ({o['acronym']})" if o.get("acronym") else "")


def render_article(rec: dict, *, root: str = "../", lang: str = DEFAULT_LANG) -> tuple[str, _ArticleView]:
    """One article page: marked-up text, speaker legend, entities and the who-said-what table."""
    m = catalogue(lang)
    body = rec.get("body") or ""
    people = {p["id"]: p for p in rec.get("people") or []}
    orgs = {o["id"]: o for o in rec.get("organisations") or []}
    places = {pl["id"]: pl for pl in rec.get("places") or []}
    view = _analyse(rec)
    quotes = sorted(rec.get("quotes") or [], key=lambda q: (q.get("start", 0), q.get("id", "")))

    cands: list[_Span] = []
    for q in sorted(quotes, key=lambda q: (q.get("start", 0), -q.get("end", 0))):
        qid = q.get("id", "")
        cls, name, _kind_ = view.quote_speaker.get(qid, ("spk-none", "", ""))
        conf = float(q.get("confidence") or 0.0)
        tip = m("tip.quote", speaker=name or m("unattributed"), cue=q.get("cue") or m("tip.no_cue"),
                confidence=m.num(conf, 2))
        qtype = q.get("type") if q.get("type") in ("direct", "indirect") else "direct"
        cands.append(_Span(
            int(q.get("start", 0)), int(q.get("end", 0)), 0,
            f'<mark class="quote {qtype} {cls}" id="quote-{esc(qid)}" data-quote="{esc(qid)}" '
            f'data-speaker="{esc(q.get("speaker_id") or "")}" title="{esc(tip)}">',
            f'</mark><a class="qtag {cls}" href="#row-{esc(qid)}" title="{esc(tip)}">{esc(qid)}</a>',
        ))
    ents: list[_Span] = []
    lab = {k: esc(m(f"label.{k}")) for k in ("person", "organisation", "place", "title", "date")}
    for p in people.values():
        tip = _person_tip(p, m)
        ents += [_entity_span(x, "person", lab["person"], p["id"], tip) for x in p.get("mentions") or []]
    for o in orgs.values():
        tip = _org_tip(o)
        ents += [_entity_span(x, "organisation", lab["organisation"], o["id"], tip)
                 for x in o.get("mentions") or []]
    for pl in places.values():
        ents += [_entity_span(x, "place", lab["place"], pl["id"], pl.get("name") or "")
                 for x in pl.get("mentions") or []]
    cands += sorted(ents, key=lambda s: (s.start, -s.end))
    seen_titles: set[str] = set()
    for p in people.values():
        for t in p.get("titles") or []:
            text = (t.get("text") or "").strip()
            if not text or text in seen_titles:
                continue
            seen_titles.add(text)
            for i, j in _find_all(body, text, TITLE_MATCH_LIMIT):
                cands.append(_entity_span({"start": i, "end": j}, "title", lab["title"], p["id"],
                                          m("tip.title_of", name=p.get("name") or ""), rank=2))
    for d in rec.get("dates") or []:
        tip = m.date(d["value"]) if d.get("value") else m("tip.date_unresolved")
        cands.append(_entity_span(d, "date", lab["date"], "", tip, rank=3))
    kept, dropped = _select_spans(cands, len(body))
    text_html = _render_spans(body, kept)

    # --- header
    title = rec.get("title") or rec.get("id") or "article"
    meta = [f'<span>{esc(m("article.id"))} <code>{esc(rec.get("id"))}</code></span>']
    if rec.get("published"):
        meta.append(f'<span id="published" data-iso="{esc(rec["published"])}">'
                    f'{esc(m("article.published", date=m.date(rec["published"])))}</span>')
    if rec.get("source"):
        meta.append(f'<span>{esc(m("article.source", source=rec["source"]))}</span>')
    url = rec.get("url") or ""
    if re.match(r"^https?://", url, re.I):
        meta.append(f'<span><a href="{esc(url)}" rel="noopener noreferrer">'
                    f'{esc(m("article.original"))}</a></span>')
    n_direct = sum(1 for q in quotes if q.get("type") == "direct")
    counts = m("article.quote_counts", quotations=m.n("count.quotations", len(quotes)),
               direct=m.n("count.direct", n_direct))
    meta.append(f"<span>{esc(counts)}</span>")

    # --- sidebar
    side = [f'<h2 id="speakers">{esc(m("side.speakers"))}</h2>', '<ul id="legend">']
    for cls, name, kind, n in view.speakers.values():
        side.append(f'<li class="{cls}"><span class="swatch"></span>{esc(name)} '
                    f'<span class="muted small">{esc(_kind_label(m, kind))} · {m.num(n)}</span></li>')
    if any(c == "spk-none" for c, _, _ in view.quote_speaker.values()):
        side.append('<li class="spk-none"><span class="swatch"></span>'
                    f'<em>{esc(m("side.unattributed"))}</em></li>')
    if not quotes:
        side.append(f'<li class="muted">{esc(m("side.no_quotes"))}</li>')
    side.append("</ul>")
    side.append(f'<h2>{esc(m("side.people"))}</h2><ul id="people">')
    for p in people.values():
        gender = {"female": "♀", "male": "♂"}.get(p.get("gender") or "", "")
        if gender:
            gender = f'<span title="{esc(_gender(m, p.get("gender")))}">{gender}</span>'
        titles = "; ".join(esc(t.get("text")) for t in p.get("titles") or [] if t.get("text"))
        side.append(f'<li data-id="{esc(p["id"])}"><strong>{esc(p.get("name"))}</strong> {gender}'
                    + (f'<br><span class="muted small">{titles}</span>' if titles else "") + "</li>")
    if not people:
        side.append(f'<li class="muted">{esc(m("side.none"))}</li>')
    side.append(f'</ul><h2>{esc(m("side.organisations"))}</h2><ul id="organisations">')
    for o in orgs.values():
        side.append(f'<li data-id="{esc(o["id"])}">{esc(_org_tip(o))}</li>')
    if not orgs:
        side.append(f'<li class="muted">{esc(m("side.none"))}</li>')
    side.append("</ul>")
    if places:
        side.append(f'<h2>{esc(m("side.places"))}</h2><ul id="places">')
        side += [f'<li data-id="{esc(pl["id"])}">{esc(pl.get("name"))}</li>' for pl in places.values()]
        side.append("</ul>")

    # --- who said what
    rows = []
    for q in quotes:
        qid = q.get("id", "")
        cls, name, kind = view.quote_speaker.get(qid, ("spk-none", "", ""))
        qtype = q.get("type") or ""
        qtype_label = m(f"type.{qtype}") if f"type.{qtype}" in m.messages else qtype
        evidence = q.get("evidence")
        rows.append(
            f'<tr id="row-{esc(qid)}" class="{cls}" data-quote="{esc(qid)}">'
            f'<td><a href="#quote-{esc(qid)}">{esc(qid)}</a></td>'
            f'<td><span class="swatch"></span>'
            + (esc(name) if name else f'<em>{esc(m("unattributed"))}</em>')
            + (f' <span class="muted small">{esc(_kind_label(m, kind))}</span>' if kind else "") + "</td>"
            f'<td><span class="badge {esc(qtype)}">{esc(qtype_label)}</span></td>'
            f"<td>{esc(q.get('cue') or '')}</td>"
            f'<td class="quote-text">{esc(q.get("text"))}</td>'
            f'<td class="num conf">{m.num(float(q.get("confidence") or 0), 2)}</td>'
            f'<td class="small">{esc(q.get("rule") or "")}'
            + (f'<br><span class="muted">{esc(evidence)}</span>' if evidence else "") + "</td></tr>"
        )
    heads = "".join(f'<th{NUM if k == "confidence" else ""}>{esc(m("th." + k))}</th>'
                    for k in ("speaker", "type", "cue", "quotation", "confidence", "rule"))
    table = (
        f'<table id="who-said-what"><thead><tr><th>#</th>{heads}</tr></thead><tbody>'
        + ("".join(rows) or f'<tr><td colspan="7" class="muted">{esc(m("article.no_quotes"))}</td></tr>')
        + "</tbody></table>"
    )
    legend = (
        '<div class="legend" id="mark-legend">'
        + "".join(f'<span><mark class="entity {k}">{esc(m("legend." + k))}'
                  f'<span class="label">{lab[k]}</span></mark></span>'
                  for k in ("person", "organisation", "place", "title", "date"))
        + "".join(f'<span class="spk-none"><mark class="quote {k}">{esc(m("legend." + k))}</mark></span>'
                  for k in ("direct", "indirect"))
        + "</div>"
    )
    note = (f'<p class="muted small" id="dropped-spans">{esc(m.n("article.dropped", dropped))}</p>'
            if dropped else "")
    captions = rec.get("captions") or []
    caps = (f'<h2>{esc(m("side.captions"))}</h2><ul>' + "".join(f"<li>{esc(c)}</li>" for c in captions)
            + "</ul>" if captions else "")
    body_html = (
        f'<article id="article" data-id="{esc(rec.get("id"))}">'
        f"<h1>{esc(title)}</h1><p class=\"meta\">{''.join(meta)}</p>{legend}"
        '<div class="article-layout">'
        f'<div><div id="article-text" lang="{esc(rec.get("language") or "fr")}">{text_html}</div>'
        f"{note}{caps}</div>"
        f'<aside class="side">{"".join(side)}</aside></div>'
        f'<h2>{esc(m("article.who_said_what"))}</h2>{table}</article>'
    )
    return T.page(m("title.article", title=title), body_html, lang=lang, root=root), view


# --------------------------------------------------------------------------------------------
# Aggregates for the index and the dashboard


@dataclass
class _Speaker:
    name: str
    quotes: int = 0
    articles: int = 0
    genders: Counter = field(default_factory=Counter)
    acronym: Optional[str] = None

    @property
    def gender(self) -> str:
        return self.genders.most_common(1)[0][0] if self.genders else "unknown"


@dataclass
class _Totals:
    articles: int = 0
    quotes: int = 0
    direct: int = 0
    indirect: int = 0
    unattributed: int = 0
    by_kind: Counter = field(default_factory=Counter)
    people: dict = field(default_factory=dict)  # key -> _Speaker
    orgs: dict = field(default_factory=dict)
    month_people: dict = field(default_factory=lambda: defaultdict(set))
    quote_gender: Counter = field(default_factory=Counter)
    quotes_per_article: Counter = field(default_factory=Counter)
    skipped: list = field(default_factory=list)
    # (article_id, person_id) -> (person_key, display name), from the store; None: no store
    person_keys: Optional[dict] = None

    def _person(self, rec: dict, sid: Optional[str], name: str,
                own: dict[str, str]) -> tuple[str, str]:
        """A quoted person's corpus key and display name."""
        if self.person_keys is not None and sid:
            hit = self.person_keys.get((str(rec.get("id")), sid))
            if hit:
                return hit
        return own.get(sid or "") or "name:" + _key(name), name

    def add(self, rec: dict) -> None:
        """Fold one record in; keeps only counters and name sets (no text)."""
        people = {p["id"]: p for p in rec.get("people") or []}
        own: dict[str, str] = {}
        if self.person_keys is None or any(
                (str(rec.get("id")), q.get("speaker_id")) not in self.person_keys
                for q in rec.get("quotes") or [] if _kind(q) == "person"):
            try:  # keys from the article alone (no store, or an article not in it)
                ident = identity.default_identity()
                for f in identity.record_facts(ident, rec, published_date(rec.get("published"))):
                    own[f.person_id] = identity.base_key(ident, f)
            except (KeyError, TypeError, ValueError):
                own = {}
        orgs = {o["id"]: o for o in rec.get("organisations") or []}
        quotes = rec.get("quotes") or []
        self.articles += 1
        self.quotes_per_article[len(quotes)] += 1
        quoted_people: dict[str, Optional[str]] = {}
        quoted_orgs: set[str] = set()
        for q in quotes:
            self.quotes += 1
            if q.get("type") == "indirect":
                self.indirect += 1
            else:
                self.direct += 1
            kind = _kind(q)
            sid = q.get("speaker_id")
            if not sid and not q.get("speaker_name"):
                self.unattributed += 1
                self.by_kind["unattributed"] += 1
                continue
            self.by_kind[kind or "other"] += 1
            if kind == "person":
                p = people.get(sid) or {}
                name = p.get("name") or q.get("speaker_name")
                if not name:
                    continue
                k, display = self._person(rec, sid, name, own)
                sp = self.people.setdefault(k, _Speaker(display))
                if len(display.split()) > len(sp.name.split()):
                    sp.name = display  # the fullest form of the name
                sp.quotes += 1
                self.quote_gender[p.get("gender") or "unknown"] += 1
                if k not in quoted_people or (p.get("gender") and not quoted_people[k]):
                    quoted_people[k] = p.get("gender")
            elif kind == "organisation":
                o = orgs.get(sid) or {}
                name = o.get("name") or q.get("speaker_name")
                if not name:
                    continue
                k = _key(name)
                sp = self.orgs.setdefault(k, _Speaker(name, acronym=o.get("acronym")))
                sp.quotes += 1
                quoted_orgs.add(k)
        month = _month(rec.get("published"))
        for k, gender in quoted_people.items():
            sp = self.people[k]
            sp.articles += 1
            if gender:
                sp.genders[gender] += 1
            if month:
                self.month_people[month].add(k)
        for k in quoted_orgs:
            self.orgs[k].articles += 1


def _index_row(rec: dict, page: str, view: _ArticleView, m: Catalogue) -> str:
    quotes = rec.get("quotes") or []
    n_direct = sum(1 for q in quotes if q.get("type") == "direct")
    attributed = sum(1 for q in quotes if q.get("speaker_id") or q.get("speaker_name"))
    top = max(view.speakers.values(), key=lambda s: s[3], default=None)
    names = [p.get("name") for p in rec.get("people") or []]
    names += [o.get("name") for o in rec.get("organisations") or []]
    names += [o.get("acronym") for o in rec.get("organisations") or [] if o.get("acronym")]
    search = " ".join(dict.fromkeys(n for n in names if n))[:2000]
    pct = m.pct(100 * attributed / len(quotes)) if quotes else "–"
    title = rec.get("title") or rec.get("id")

    def num(v: int) -> str:
        return f'<td class="num" data-sort="{v}">{m.num(v)}</td>'

    return (
        f'<tr data-id="{esc(rec.get("id"))}" data-search="{esc(search)}">'
        f'<td><a href="articles/{esc(page)}.html">{esc(title)}</a>'
        f'<br><span class="muted small">{esc(rec.get("id"))}</span></td>'
        f'<td data-sort="{esc(rec.get("published") or "")}">{esc(m.date(rec.get("published")) or "–")}</td>'
        + num(len(rec.get("people") or [])) + num(len(rec.get("organisations") or []))
        + num(len(rec.get("places") or [])) + num(len(quotes)) + num(n_direct)
        + num(len(quotes) - n_direct)
        + f'<td class="num" data-sort="{attributed / len(quotes) if quotes else -1:.4f}">{pct}</td>'
        + f'<td>{esc(top[1]) if top else ""}</td></tr>'
    )


INDEX_COLUMNS = (  # (catalogue key, sort type)
    ("th.article", "text"), ("th.published", "text"), ("th.people", "num"), ("th.orgs", "num"),
    ("th.places", "num"), ("th.quotes", "num"), ("th.direct", "num"), ("th.indirect", "num"),
    ("th.attributed", "num"), ("th.top_speaker", "text"),
)


def render_index(rows: list[tuple[str, str, str]], totals: _Totals, lang: str = DEFAULT_LANG) -> str:
    """Index page; `rows` are (published, id, row html), shown newest first, then by id."""
    m = catalogue(lang)
    rows = sorted(rows, key=lambda r: r[1])
    rows.sort(key=lambda r: r[0], reverse=True)  # stable: ids stay ascending within a date
    rows_html = "".join(r for _, _, r in rows)
    heads = "".join(f'<th{NUM if kind == "num" else ""} data-type="{kind}">{esc(m(key))}</th>'
                    for key, kind in INDEX_COLUMNS)
    body = (
        f'<h1>{esc(m("index.h1"))}</h1>'
        f'<p class="meta"><span>{esc(m.n("count.articles", totals.articles))}</span>'
        f'<span>{esc(m.n("count.quotations", totals.quotes))}</span>'
        f'<span><a href="dashboard.html">{esc(m("index.dashboard"))}</a></span></p>'
        f'<div class="toolbar"><input type="search" id="search" '
        f'placeholder="{esc(m("index.search_placeholder"))}" aria-label="{esc(m("index.search_label"))}" '
        'autocomplete="off"><span class="muted" id="match-count" aria-live="polite"></span>'
        f'<span class="muted small">{esc(m("index.sort_hint"))}</span></div>'
        f'<table id="article-table"><thead><tr>{heads}</tr></thead><tbody>{rows_html}</tbody></table>'
        '<p class="muted" id="no-match" hidden></p>'
        + ("" if rows else f'<p class="muted" id="no-articles">{esc(m("index.no_articles"))}</p>')
        + _skipped_note(totals, m)
    )
    return T.page(m("title.index"), body, lang=lang, current="index", scripts=T.INDEX_JS,
                  data={"report-i18n": m.js_messages()})


def _skipped_note(totals: _Totals, m: Catalogue) -> str:
    if not totals.skipped:
        return ""
    items = "".join(f"<li><code>{esc(s)}</code></li>" for s in totals.skipped[:50])
    extra = len(totals.skipped) - 50
    more = f"<li>{esc(m('skipped.more', n=m.num(extra)))}</li>" if extra > 0 else ""
    return (f'<footer id="skipped"><p>{esc(m.n("skipped.head", len(totals.skipped)))}</p>'
            f"<ul>{items}{more}</ul></footer>")


# --------------------------------------------------------------------------------------------
# Inline SVG charts


def _svg_open(chart_id: str, title: str, w: float, h: float) -> str:
    return (f'<svg id="{esc(chart_id)}" class="chart" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
            f'height="{h:.0f}" role="img" aria-labelledby="{esc(chart_id)}-t">'
            f'<title id="{esc(chart_id)}-t">{esc(title)}</title>')


def _empty_chart(chart_id: str, title: str, message: str, w: int = 600, h: int = 80) -> str:
    return (_svg_open(chart_id, title, w, h)
            + f'<text x="{w / 2}" y="{h / 2}" text-anchor="middle" class="t-muted">{esc(message)}</text></svg>')


def _org_label(name: str, acronym: Optional[str], n: int = 31) -> str:
    """Chart label: long names lead with the acronym so truncation keeps what readers know."""
    if not acronym or acronym in name:
        return name
    return f"{name} ({acronym})" if len(name) + len(acronym) + 3 <= n else f"{acronym} – {name}"


def _short(label: str, n: int = 31) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _nice_step(max_value: float, target: int = 5) -> int:
    if max_value <= target:
        return 1
    raw = max_value / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return int(m * mag)
    return int(10 * mag)


def hbar_chart(chart_id: str, title: str, items: list[tuple[str, int, str, Optional[str], str]],
               *, empty: str, width: int = 600, m: Optional[Catalogue] = None) -> str:
    """Horizontal bars: items are (label, value, colour, href or None, tooltip)."""
    m = m or catalogue()
    if not items:
        return _empty_chart(chart_id, title, empty, width)
    row_h, label_w, pad, val_w = 24, 236, 6, 44
    bar_w = width - label_w - val_w
    h = pad * 2 + row_h * len(items)
    vmax = max(v for _, v, _, _, _ in items) or 1
    out = [_svg_open(chart_id, title, width, h)]
    for i, (label, value, colour, href, tip) in enumerate(items):
        y = pad + i * row_h
        w = max(1.0, bar_w * value / vmax)
        g = (f"<g><title>{esc(tip)}</title>"
             f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">{esc(_short(label))}</text>'
             f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2" fill="{colour}"/>'
             f'<text x="{label_w + w + 5:.1f}" y="{y + row_h / 2 + 4:.1f}" class="t-muted">{m.num(value)}</text></g>')
        out.append(f'<a href="{esc(href)}">{g}</a>' if href else g)
    out.append("</svg>")
    return "".join(out)


def stacked_share_chart(chart_id: str, title: str, rows: list[tuple[str, str, Counter]],
                        *, width: int = 600, m: Optional[Catalogue] = None) -> str:
    """One 100 % horizontal bar per row, split by gender, with percentages written in.

    `rows` are (label, count message key such as "count.people", counts by gender)."""
    m = m or catalogue()
    rows = [(label, unit, c) for label, unit, c in rows if sum(c.values())]
    if not rows:
        return _empty_chart(chart_id, title, m("chart.empty_gender"), width)
    row_h, label_w, pad = 44, 110, 8
    bar_w = width - label_w - 10
    h = pad * 2 + row_h * len(rows)
    out = [_svg_open(chart_id, title, width, h)]
    for i, (label, unit, counts) in enumerate(rows):
        total = sum(counts.values())
        y = pad + i * row_h
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{esc(label)}</text>'
                   f'<text x="{label_w - 8}" y="{y + 31}" text-anchor="end" class="t-muted">'
                   f'{esc(m("chart.n", n=m.num(total)))}</text>')
        x = float(label_w)
        for g in GENDERS:
            n = counts.get(g, 0)
            if not n:
                continue
            w = bar_w * n / total
            pct = 100 * n / total
            group = m(f"genders.{g}")
            tip = m("chart.share_tip", group=group, count=m.n(unit, n), pct=m.pct(pct, 1))
            out.append(f'<g><title>{esc(tip)}</title>'
                       f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 12}" '
                       f'fill="{T.GENDER_COLOURS[g]}"/>')
            if w > 90:
                out.append(f'<text x="{x + 8:.1f}" y="{y + row_h / 2 + 2:.1f}" class="t-in">'
                           f"{esc(group)} {esc(m.pct(pct))}</text>")
            elif w > 34:
                out.append(f'<text x="{x + 4:.1f}" y="{y + row_h / 2 + 2:.1f}" class="t-in">'
                           f"{esc(m.pct(pct))}</text>")
            out.append("</g>")
            x += w
    out.append("</svg>")
    return "".join(out)


def month_share_chart(chart_id: str, title: str, months: list[tuple[str, Counter]],
                      *, width: int = 600, m: Optional[Catalogue] = None) -> str:
    """Vertical 100 % stacked bars per month (women at the bottom so the share reads off the axis).

    `months` are ("YYYY-MM", counts by gender); axes show abbreviated month names, tooltips full
    ones, in the catalogue's language."""
    m = m or catalogue()
    months = [(ym, c) for ym, c in months if sum(c.values())]
    if not months:
        return _empty_chart(chart_id, title, m("chart.empty_month"), width)
    left, top, plot_h, bottom = 44, 22, 200, 46
    plot_w = width - left - 10
    slot = plot_w / len(months)
    bar = max(2.0, min(46.0, slot * 0.72))
    every = max(1, math.ceil(68 / slot))
    h = top + plot_h + bottom
    out = [_svg_open(chart_id, title, width, h)]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        out.append(f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="t-muted">'
                   f'{esc(m.pct(pct))}</text>')
    for i, (month, counts) in enumerate(months):
        total = sum(counts.values())
        x = left + i * slot + (slot - bar) / 2
        y = float(top + plot_h)
        parts = ", ".join(f"{m(f'genders.{g}')} {m.num(counts.get(g, 0))}" for g in GENDERS)
        tip = m("chart.month_tip", month=m.date(month), parts=parts, n=m.num(total))
        out.append(f"<g><title>{esc(tip)}</title>")
        for g in GENDERS:
            n = counts.get(g, 0)
            if not n:
                continue
            hh = plot_h * n / total
            y -= hh
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{hh:.1f}" '
                       f'fill="{T.GENDER_COLOURS[g]}"/>')
        if slot >= 22:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top - 6}" text-anchor="middle" '
                       f'class="t-muted">{m.num(total)}</text>')
        out.append("</g>")
        if i % every == 0:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                       f"{esc(m.date(month, short=True))}</text>")
    out.append(f'<text x="{left}" y="{h - 8}" class="t-muted">{esc(m("chart.month_caption"))}</text></svg>')
    return "".join(out)


def histogram_chart(chart_id: str, title: str, counts: Counter, *, width: int = 600,
                    m: Optional[Catalogue] = None) -> str:
    """Articles by number of quotations; integer bins, grouped when the range is wide."""
    m = m or catalogue()
    if not counts:
        return _empty_chart(chart_id, title, m("chart.empty_hist"), width)
    vmax_q = max(counts)
    step = 1 if vmax_q < 25 else math.ceil((vmax_q + 1) / 20)
    nbins = vmax_q // step + 1
    bins = [0] * nbins
    for q, n in counts.items():
        bins[q // step] += n
    left, top, plot_h, bottom = 44, 16, 190, 44
    plot_w = width - left - 10
    slot = plot_w / nbins
    bar = max(2.0, min(64.0, slot * 0.8))
    ymax = max(bins) or 1
    ystep = _nice_step(ymax)
    ytop = math.ceil(ymax / ystep) * ystep
    h = top + plot_h + bottom
    out = [_svg_open(chart_id, title, width, h)]
    for v in range(0, ytop + 1, ystep):
        y = top + plot_h * (1 - v / ytop)
        out.append(f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="t-muted">{m.num(v)}</text>')
    every = max(1, math.ceil(36 / slot))
    for i, n in enumerate(bins):
        lo, hi = i * step, i * step + step - 1
        label = m.num(lo) if step == 1 else f"{m.num(lo)}–{m.num(hi)}"
        x = left + i * slot + (slot - bar) / 2
        hh = plot_h * n / ytop
        quotations = (m.n("count.quotations", lo) if step == 1
                      else m("count.quotations_range", lo=m.num(lo), hi=m.num(hi)))
        tip = m("chart.hist_tip", quotations=quotations, articles=m.n("count.articles", n))
        out.append(f"<g><title>{esc(tip)}</title>"
                   f'<rect x="{x:.1f}" y="{top + plot_h - hh:.1f}" width="{bar:.1f}" height="{hh:.1f}" '
                   f'fill="#4a7ab5"/></g>')
        if i % every == 0:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 15}" text-anchor="middle">'
                       f"{esc(label)}</text>")
    out.append(f'<line class="axis" x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}"/>'
               f'<text x="{left + plot_w / 2:.0f}" y="{h - 8}" text-anchor="middle" class="t-muted">'
               f'{esc(m("chart.hist_caption"))}</text></svg>')
    return "".join(out)


def _gender_legend(m: Catalogue) -> str:
    return '<div class="legend">' + "".join(
        f'<span style="--c:{T.GENDER_COLOURS[g]}"><span class="swatch"></span>{esc(m("genders." + g))}</span>'
        for g in GENDERS) + "</div>"


def _gender_table(people: Counter, quotes: Counter, m: Catalogue) -> str:
    """The numbers behind the overall gender bars (screen readers and exact counts)."""
    def cells(c: Counter) -> str:
        total = sum(c.values())
        return "".join(f'<td class="num">{m.num(c.get(g, 0))}'
                       + (f' <span class="muted">({esc(m.pct(100 * c.get(g, 0) / total))})</span>'
                          if total else "")
                       + "</td>" for g in GENDERS)

    head = "".join(f'<th class="num">{esc(m("genders." + g))}</th>' for g in GENDERS)
    return (f'<table class="mini" id="table-gender"><thead><tr><th></th>{head}</tr></thead><tbody>'
            f'<tr><th>{esc(m("dash.row_people"))}</th>{cells(people)}</tr>'
            f'<tr><th>{esc(m("dash.row_quotations"))}</th>{cells(quotes)}</tr></tbody></table>')


def _speaker_table(table_id: str, speakers: list[_Speaker], with_gender: bool, m: Catalogue) -> str:
    head = f'<th>{esc(m("th.name"))}</th><th>{esc(m("th.gender" if with_gender else "th.acronym"))}</th>'
    rows = []
    for s in speakers:
        extra = esc(_gender(m, s.gender)) if with_gender else esc(s.acronym or "")
        rows.append(f'<tr><td><a href="index.html?q={esc(urlquote(s.name))}">{esc(s.name)}</a></td>'
                    f'<td>{extra}</td><td class="num">{m.num(s.quotes)}</td>'
                    f'<td class="num">{m.num(s.articles)}</td></tr>')
    return (f'<table id="{table_id}"><thead><tr>{head}<th class="num">{esc(m("th.quotations"))}</th>'
            f'<th class="num">{esc(m("th.articles"))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def render_dashboard(t: _Totals, lang: str = DEFAULT_LANG) -> str:
    """Dashboard page: summary cards and the five inline SVG charts."""
    m = catalogue(lang)

    def top(d: dict) -> list[_Speaker]:
        return sorted(d.values(), key=lambda s: (-s.quotes, -s.articles, s.name.casefold()))

    top_people, top_orgs = top(t.people), top(t.orgs)
    people_items = [
        (s.name, s.quotes, T.GENDER_COLOURS.get(s.gender, T.GENDER_COLOURS["unknown"]),
         f"index.html?q={urlquote(s.name)}",
         m("tip.person_bar", name=s.name, quotations=m.n("count.quotations", s.quotes),
           articles=m.n("count.articles", s.articles), gender=_gender(m, s.gender)))
        for s in top_people[:TOP_N]
    ]
    org_items = [
        (_org_label(s.name, s.acronym), s.quotes,
         "#2a9d8f", f"index.html?q={urlquote(s.name)}",
         m("tip.org_bar", name=s.name, quotations=m.n("count.quotations", s.quotes),
           articles=m.n("count.articles", s.articles)))
        for s in top_orgs[:TOP_N]
    ]
    people_gender = Counter(s.gender for s in t.people.values())
    month_rows = []
    for month in sorted(t.month_people):
        month_rows.append((month, Counter(t.people[k].gender for k in t.month_people[month])))
    attributed = t.quotes - t.unattributed
    women = people_gender.get("female", 0)
    known = women + people_gender.get("male", 0)

    def card(value: str, label: str, card_id: str) -> str:
        return (f'<div class="card" id="{card_id}"><div class="v">{esc(value)}</div>'
                f'<div class="k">{esc(label)}</div></div>')

    cards = "".join([
        card(m.num(t.articles), m.n("card.articles", t.articles), "card-articles"),
        card(m.num(t.quotes), m.n("card.quotations", t.quotes), "card-quotes"),
        card(m.pct(100 * t.direct / t.quotes) if t.quotes else "–",
             m("card.direct", indirect=m.n("count.indirect", t.indirect)), "card-types"),
        card(m.pct(100 * attributed / t.quotes) if t.quotes else "–", m("card.attributed"),
             "card-attributed"),
        card(m.num(len(t.people)), m.n("card.people", len(t.people)), "card-people"),
        card(m.num(len(t.orgs)), m.n("card.orgs", len(t.orgs)), "card-orgs"),
        card(m.pct(100 * women / known) if known else "–", m("card.women"), "card-women"),
        card(m.num(t.quotes / t.articles, 1) if t.articles else "–", m("card.per_article"),
             "card-per-article"),
    ])

    def panel(heading: str, content: str, style: str = "") -> str:
        return f'<section class="panel"{style}><h2>{esc(m(heading))}</h2>{content}</section>'

    body = (
        f'<h1>{esc(m("dash.h1"))}</h1><p class="meta"><span>{esc(m("dash.note_match"))}</span>'
        f'<span>{esc(m("dash.note_gender"))}</span></p>'
        f'<div class="cards" id="summary">{cards}</div>'
        '<div class="grid2">'
        + panel("dash.top_people",
                hbar_chart("chart-top-people", m("dash.top_people_svg"), people_items,
                           empty=m("chart.empty_people"), m=m) + _gender_legend(m))
        + panel("dash.top_orgs",
                hbar_chart("chart-top-orgs", m("dash.top_orgs_svg"), org_items,
                           empty=m("chart.empty_orgs"), m=m))
        + '</div><div class="grid2">'
        + panel("dash.gender",
                stacked_share_chart("chart-gender-overall", m("dash.gender_svg"),
                                    [(m("dash.row_people"), "count.people", people_gender),
                                     (m("dash.row_quotations"), "count.quotations", t.quote_gender)],
                                    m=m)
                + _gender_legend(m) + _gender_table(people_gender, t.quote_gender, m)
                + f'<p class="muted small">{esc(m("dash.gender_note"))}</p>')
        + panel("dash.gender_month",
                month_share_chart("chart-gender-month", m("dash.gender_month_svg"), month_rows, m=m)
                + _gender_legend(m))
        + "</div>"
        + panel("dash.hist",
                histogram_chart("chart-quotes-hist", m("dash.hist_svg"), t.quotes_per_article,
                                width=1000, m=m),
                ' style="margin-top:1.4rem"')
        + f'<details><summary>{esc(m("dash.all_people"))}</summary>'
        + _speaker_table("table-people", top_people, True, m)
        + f'</details><details><summary>{esc(m("dash.all_orgs"))}</summary>'
        + _speaker_table("table-orgs", top_orgs, False, m) + "</details>"
        + _skipped_note(t, m)
    )
    return T.page(m("title.dashboard"), body, lang=lang, current="dashboard")


# --------------------------------------------------------------------------------------------


def build_report(run_dir: Path, lang: str = DEFAULT_LANG) -> Path:
    """Write `run_dir/report/` (index.html, dashboard.html, articles/<id>.html); return its path.

    `lang` is the interface language, "fr" (default) or "en" (`i18n.LANGS`); the articles' own
    text is shown as it is. Unreadable JSON files are logged and listed on the index and dashboard instead of aborting a
    long run's report. Article pages left over from an earlier build are removed.
    """
    catalogue(lang)  # an unknown language fails here, before anything is written
    run_dir = Path(run_dir)
    json_dir = run_dir / "json"
    if not json_dir.is_dir():
        raise FileNotFoundError(f"{json_dir} not found: run the pipeline on {run_dir} first")
    out = run_dir / "report"
    art_dir = out / "articles"
    art_dir.mkdir(parents=True, exist_ok=True)

    totals = _Totals(person_keys=store_person_keys(run_dir))
    rows: list[tuple[str, str, str]] = []
    written: set[str] = set()
    for path in sorted(json_dir.glob("*.json")):
        try:
            with path.open(encoding="utf-8") as fh:
                rec = json.load(fh)
            if not isinstance(rec, dict) or not rec.get("id"):
                raise ValueError("not an article record (no id)")
            rec["id"] = str(rec["id"])
            name = page_name(rec["id"])
            if name in written:  # duplicate id in two files: keep both pages
                name = f"{name}-{hashlib.sha1(path.name.encode()).hexdigest()[:8]}"
            html_text, view = render_article(rec, lang=lang)
            row = _index_row(rec, name, view, catalogue(lang))
            totals.add(rec)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("report: skipping %s: %s", path, exc)
            totals.skipped.append(f"{path.name}: {exc}")
            continue
        (art_dir / f"{name}.html").write_text(html_text, encoding="utf-8")
        written.add(name)
        rows.append((rec.get("published") or "", rec["id"], row))

    for stale in art_dir.glob("*.html"):
        if stale.stem not in written:
            stale.unlink()
    (out / "index.html").write_text(render_index(rows, totals, lang), encoding="utf-8")
    (out / "dashboard.html").write_text(render_dashboard(totals, lang), encoding="utf-8")
    log.info("report: %d article pages, index and dashboard in %s", len(written), out)
    return out
