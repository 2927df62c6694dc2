"""The static HTML report: built from three small schema-valid records, checked as HTML, then
loaded in headless Chromium (no JS errors, expected elements present, dashboard screenshot).
The report is built in French (the default) and in English: both catalogues have the same
messages, and no interface word of one language shows on the other's pages.

Without a browser the Chromium part is skipped locally but fails when $CI is set, because CI
installs Chromium (`make install-browser`) and a silent skip there would hide a broken report.
"""
from __future__ import annotations

import json
import os
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from pipeline.records import (
    ArticleRecord, DateExpr, Mention, Organisation, Person, Place, Quote, Title, json_schema,
)
from pipeline.report import build_report, page_name
from pipeline.report.i18n import (
    LANGS, MESSAGES, MONTHS, MONTHS_SHORT, NBSP, NNBSP, catalogue, french_typography, plural_category,
)
from pipeline.report.screenshot import console_errors, dump_dom, errors_in_dom, find_chromium, screenshot
from pipeline.report import templates

# --------------------------------------------------------------------------------------------
# Test data


def _span(body: str, text: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return start, start + len(text)


def _mention(body: str, text: str, nth: int = 0) -> Mention:
    s, e = _span(body, text, nth)
    return Mention(s, e, text)


def _quote(body: str, qid: str, text: str, qtype: str, sid, name, kind, cue, conf) -> Quote:
    s, e = _span(body, text)
    return Quote(qid, text, s, e, qtype, sid, name, kind, cue, conf, "test-rule", cue)


def make_records() -> list[dict]:
    b1 = ("Le Secrétaire général de l'ONU, António Guterres, a déclaré lundi à New York : "
          "« Nous devons agir maintenant, avec Amina Mohammed et toute l'équipe. » "
          "Selon l'Organisation mondiale de la Santé (OMS), la situation reste critique dans la région."
          "\n\nAmina Mohammed a affirmé que les Nations Unies resteraient mobilisées.")
    q1 = "« Nous devons agir maintenant, avec Amina Mohammed et toute l'équipe. »"
    r1 = ArticleRecord(
        id="2021-11-01-guterres", body=b1, source="corpus/a1.txt", title="Guterres appelle à agir",
        published="2021-11-01", url="https://news.un.org/fr/story/2021/11/1",
        people=[
            Person("p1", "António Guterres", "male", ["masculine title"],
                   [Title("Secrétaire général de l'ONU", "secrétaire général", "o1")],
                   [_mention(b1, "António Guterres")]),
            Person("p2", "Amina Mohammed", "female", [], [],
                   [_mention(b1, "Amina Mohammed"), _mention(b1, "Amina Mohammed", 1)]),
        ],
        organisations=[
            Organisation("o1", "Organisation des Nations Unies", "ONU", ["Nations Unies"],
                         [_mention(b1, "ONU"), _mention(b1, "Nations Unies")]),
            # the second mention deliberately crosses the start of q2: it must be dropped
            Organisation("o2", "Organisation mondiale de la Santé", "OMS", [],
                         [_mention(b1, "Organisation mondiale de la Santé (OMS)"),
                          _mention(b1, "(OMS), la situation")]),
        ],
        places=[Place("l1", "New York", [_mention(b1, "New York")])],
        quotes=[
            _quote(b1, "q1", q1, "direct", "p1", "António Guterres", "person", "a déclaré", 0.9),
            _quote(b1, "q2", "la situation reste critique dans la région", "indirect", "o2",
                   "Organisation mondiale de la Santé", "organisation", "Selon", 0.7),
            _quote(b1, "q3", "les Nations Unies resteraient mobilisées", "indirect", "p2",
                   "Amina Mohammed", "person", "a affirmé", 0.8),
        ],
        dates=[DateExpr("lundi", *_span(b1, "lundi"), "2021-11-01", "day")],
    )
    b2 = ("Michelle Bachelet, Haute-Commissaire aux droits de l'homme, a dit : « Les droits "
          "<script>alert(1)</script> & \"libertés\" ne sont pas négociables. » "
          "Un participant a ajouté : « C'est essentiel. »")
    r2 = ArticleRecord(
        id="2021-12-bachelet", body=b2, title="Droits & <b>libertés</b>", published="2021-12",
        people=[Person("p1", "Michelle Bachelet", "female", [],
                       [Title("Haute-Commissaire aux droits de l'homme")],
                       [_mention(b2, "Michelle Bachelet")])],
        quotes=[
            _quote(b2, "q1", "« Les droits <script>alert(1)</script> & \"libertés\" ne sont pas "
                   "négociables. »", "direct", "p1", "Michelle Bachelet", "person", "a dit", 0.95),
            _quote(b2, "q2", "« C'est essentiel. »", "direct", None, None, None, "a ajouté", 0.2),
        ],
    )
    b3 = "Le Conseil de sécurité s'est réuni mardi."
    r3 = ArticleRecord(
        id="conseil securite", body=b3, published=None,
        organisations=[Organisation("o1", "Conseil de sécurité", None, [],
                                    [_mention(b3, "Conseil de sécurité")])],
    )
    return [r.to_dict() for r in (r1, r2, r3)]


def _write_run(run: Path) -> Path:
    (run / "json").mkdir(parents=True)
    validator = jsonschema.Draft202012Validator(json_schema())
    for rec in make_records():
        validator.validate(rec)
        (run / "json" / f"{rec['id']}.json").write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    return run


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The report in the default language (French)."""
    run = _write_run(tmp_path_factory.mktemp("run"))
    out = build_report(run)
    assert out == run / "report"
    return out


@pytest.fixture(scope="module")
def report_en(tmp_path_factory) -> Path:
    run = _write_run(tmp_path_factory.mktemp("run_en"))
    return build_report(run, lang="en")


@pytest.fixture(scope="module")
def reports(report, report_en) -> dict[str, Path]:
    return {"fr": report, "en": report_en}


# --------------------------------------------------------------------------------------------
# A tiny DOM for assertions (stdlib HTMLParser)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _El:
    def __init__(self, tag, attrs, parents):
        self.tag, self.attrs, self.parents, self.text = tag, dict(attrs), parents, ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Dom(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.all: list[_El] = []
        self.stack: list[_El] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = _El(tag, attrs, list(self.stack))
        self.all.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.all.append(_El(tag, attrs, list(self.stack)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for el in self.stack:
            el.text += data

    def find(self, tag=None, cls=None, **attrs) -> list[_El]:
        return [e for e in self.all
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def by_id(self, el_id: str) -> _El:
        found = self.find(id=el_id)
        assert len(found) == 1, f"#{el_id}: {len(found)} elements"
        return found[0]


def _dom(path: Path) -> _Dom:
    return _Dom(path.read_text("utf-8"))


def _marks(dom: _Dom, cls: str) -> list[_El]:
    """Marks of a class inside the article text (the mark legend above it has samples)."""
    text = dom.by_id("article-text")
    return [m for m in dom.find("mark", cls) if text in m.parents]


def _article(report: Path, article_id: str) -> Path:
    return report / "articles" / f"{page_name(article_id)}.html"


# --------------------------------------------------------------------------------------------
# Static checks


def test_files_exist(report):
    assert (report / "index.html").stat().st_size > 0
    assert (report / "dashboard.html").stat().st_size > 0
    for rec in make_records():
        assert _article(report, rec["id"]).is_file()
    assert page_name("conseil securite") != "conseil securite"  # unsafe ids get a safe name
    assert len(list((report / "articles").glob("*.html"))) == 3


def test_quotes_marked_with_speakers(report):
    dom = _dom(_article(report, "2021-11-01-guterres"))
    quotes = {m.attrs["data-quote"]: m for m in _marks(dom, "quote")}
    assert set(quotes) == {"q1", "q2", "q3"}
    assert quotes["q1"].attrs["data-speaker"] == "p1"
    assert quotes["q1"].attrs["title"] == "António Guterres — a déclaré — confiance 0,90"
    assert quotes["q2"].attrs["title"] == "Organisation mondiale de la Santé — Selon — confiance 0,70"
    assert "direct" in quotes["q1"].classes and "indirect" in quotes["q3"].classes
    assert quotes["q1"].text.startswith("« Nous devons agir")
    # one colour per speaker, in order of first quotation
    colours = {q: next(c for c in m.classes if c.startswith("spk-")) for q, m in quotes.items()}
    assert colours == {"q1": "spk-0", "q2": "spk-1", "q3": "spk-2"}
    assert len(dom.by_id("legend").text.strip()) > 0


def test_entities_nested_and_crossing_dropped(report):
    dom = _dom(_article(report, "2021-11-01-guterres"))
    persons = _marks(dom, "person")
    assert {m.attrs["data-id"] for m in persons} == {"p1", "p2"}
    assert len(persons) == 3
    guterres = next(m for m in persons if m.attrs["data-id"] == "p1")
    assert guterres.text == "António GuterresPER"
    # Amina Mohammed inside q1 is nested inside the quote mark
    inside = [m for m in persons if any(p.attrs.get("data-quote") == "q1" for p in m.parents)]
    assert [m.attrs["data-id"] for m in inside] == ["p2"]
    # "Nations Unies" (ORG) nested in q3; "ONU" (ORG) nested in the TITLE mark
    org_in_q3 = [m for m in _marks(dom, "organisation")
                 if any(p.attrs.get("data-quote") == "q3" for p in m.parents)]
    assert [m.text for m in org_in_q3] == ["Nations UniesORG"]
    title = _marks(dom, "title")
    assert len(title) == 1 and title[0].text.startswith("Secrétaire général de l'ONU")
    in_title = [m.text for m in _marks(dom, "organisation") if any("title" in p.classes for p in m.parents)]
    assert in_title == ["ONUORG"]
    assert title[0].attrs["title"] == "titre porté par António Guterres"
    # the OMS mention crossing q2's start is dropped, the proper one kept, and the page says so
    oms = [m.text for m in _marks(dom, "organisation") if m.attrs["data-id"] == "o2"]
    assert oms == ["Organisation mondiale de la Santé (OMS)ORG"]
    assert dom.by_id("dropped-spans").text.startswith("1 segment qui en chevauche un autre")
    assert [m.text for m in _marks(dom, "place")] == ["New YorkLIEU"]
    dates = _marks(dom, "date")
    assert [m.text for m in dates] == ["lundiDATE"]
    assert dates[0].attrs["title"] == "1er novembre 2021"  # the resolved value, in words
    # the text itself is complete, marks removed
    text = dom.by_id("article-text").text
    for label in ("PER", "ORG", "LIEU", "TITRE", "DATE"):
        text = text.replace(label, "")
    for q in ("q1", "q2", "q3"):
        text = text.replace(q, "")
    assert text == make_records()[0]["body"]


def test_who_said_what_table(report):
    dom = _dom(_article(report, "2021-11-01-guterres"))
    table = dom.by_id("who-said-what")
    rows = [r for r in dom.find("tr") if table in r.parents and "data-quote" in r.attrs]
    assert [r.attrs["id"] for r in rows] == ["row-q1", "row-q2", "row-q3"]
    assert "António Guterres" in rows[0].text and "a déclaré" in rows[0].text
    assert "Amina Mohammed" in rows[2].text and "0,80" in rows[2].text  # decimal comma
    assert "indirecte" in rows[2].text and "personne" in rows[2].text


def test_text_is_escaped(report):
    page = _article(report, "2021-12-bachelet")
    raw = page.read_text("utf-8")
    assert "<script>alert(1)" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<b>libertés</b>" not in raw and "&lt;b&gt;libertés&lt;/b&gt;" in raw
    dom = _Dom(raw)
    assert all("alert(1)" not in s.text for s in dom.find("script"))
    q1 = dom.find("mark", "quote", data_quote="q1")[0]
    assert '"libertés"' in q1.text and "<script>alert(1)</script>" in q1.text
    unattributed = dom.find("mark", "quote", data_quote="q2")[0]
    assert "spk-none" in unattributed.classes
    assert unattributed.attrs["title"] == "non attribuée — a ajouté — confiance 0,20"
    index = (report / "index.html").read_text("utf-8")
    assert "<b>libertés" not in index


def test_no_external_assets(report):
    for page in [report / "index.html", report / "dashboard.html", *report.glob("articles/*.html")]:
        dom = _dom(page)
        assert not dom.find("link"), page
        assert all("src" not in e.attrs for e in dom.all), page
        for a in dom.find("a"):
            href = a.attrs.get("href", "")
            assert not href.startswith(("http:", "https:")) or a.text == "article original", href


def test_index(report):
    dom = _dom(report / "index.html")
    rows = [r for r in dom.find("tr") if "data-id" in r.attrs]
    assert [r.attrs["data-id"] for r in rows] == ["2021-12-bachelet", "2021-11-01-guterres",
                                                  "conseil securite"]
    guterres = rows[1]
    cells = [c for c in dom.find("td") if guterres in c.parents]
    assert [c.text for c in cells[1:9]] == ["1er novembre 2021", "2", "2", "1", "3", "1", "2",
                                            f"100{NNBSP}%"]
    assert cells[1].attrs["data-sort"] == "2021-11-01"  # dates in words, sorted by ISO value
    assert [c.text for c in dom.find("td") if rows[0] in c.parents][1] == "décembre 2021"
    assert "Amina Mohammed" in guterres.attrs["data-search"]
    links = [a.attrs["href"] for a in dom.find("a") if any(p in rows for p in a.parents)]
    assert f"articles/{page_name('conseil securite')}.html" in links
    dom.by_id("search")
    dom.by_id("match-count")
    assert len([th for th in dom.find("th") if "data-type" in th.attrs]) == 10


def test_dashboard_charts(report):
    dom = _dom(report / "dashboard.html")
    for chart in ("chart-top-people", "chart-top-orgs", "chart-gender-overall",
                  "chart-gender-month", "chart-quotes-hist"):
        svg = dom.by_id(chart)
        assert svg.tag == "svg"
        assert [e for e in dom.find("rect") if svg in e.parents], chart
    people = dom.by_id("chart-top-people").text
    assert "António Guterres" in people and "Michelle Bachelet" in people
    assert "non attribuée" not in people
    assert "Organisation mondiale de la Santé" in dom.by_id("chart-top-orgs").text
    month = dom.by_id("chart-gender-month").text
    assert "nov. 2021" in month and "déc. 2021" in month  # axis
    assert f"novembre 2021{NBSP}: femmes 1, hommes 1, non précisé 0 (n = 2)" in month  # tooltip
    overall = dom.by_id("chart-gender-overall").text
    assert f"femmes 67{NNBSP}%" in overall  # Amina Mohammed and Michelle Bachelet vs António Guterres
    assert f"femmes{NBSP}: 2 personnes (66,7{NNBSP}%)" in overall
    assert dom.by_id("card-articles").text.startswith("3")
    assert dom.by_id("card-quotes").text.startswith("5")
    assert dom.by_id("card-per-article").text.startswith("1,7")


def test_skips_broken_files_and_stale_pages(tmp_path):
    (tmp_path / "json").mkdir()
    rec = make_records()[2]
    (tmp_path / "json" / "ok.json").write_text(json.dumps(rec), "utf-8")
    (tmp_path / "json" / "broken.json").write_text("{not json", "utf-8")
    (tmp_path / "report" / "articles").mkdir(parents=True)
    (tmp_path / "report" / "articles" / "old.html").write_text("stale", "utf-8")
    out = build_report(tmp_path)
    assert [p.name for p in (out / "articles").glob("*.html")] == [f"{page_name(rec['id'])}.html"]
    assert "broken.json" in _dom(out / "dashboard.html").by_id("skipped").text
    with pytest.raises(FileNotFoundError):
        build_report(tmp_path / "missing")


def test_empty_run(tmp_path):
    (tmp_path / "json").mkdir()
    out = build_report(tmp_path)
    dom = _dom(out / "dashboard.html")
    assert "Aucune citation attribuée à une personne" in dom.by_id("chart-top-people").text
    assert _dom(out / "index.html").by_id("no-articles").text == "Aucun article dans cette exécution."


# --------------------------------------------------------------------------------------------
# Languages: catalogues, dates and numbers, no interface word of the other language

PAGES = {
    "index": "index.html",
    "dashboard": "dashboard.html",
    "article": "articles/2021-11-01-guterres.html",
    "article2": "articles/2021-12-bachelet.html",
}
#: record fields whose values are shown as they are (user data, exempt from the language checks);
#: coded values (gender, type, speaker_kind, precision) are not in it: the page must translate them
DATA_KEYS = {"id", "source", "url", "title", "body", "captions", "name", "aliases", "acronym",
             "text", "cue", "rule", "evidence", "speaker_name", "value"}


def _forms(msg) -> list[str]:
    return list(msg.values()) if isinstance(msg, dict) else [msg]


def _literal(template: str) -> str:
    """A template without its {fields} (field names are not words shown to anyone)."""
    return "".join(lit for lit, *_ in string.Formatter().parse(template))


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}


def _vocabulary(lang: str) -> set[str]:
    """Every word the interface of `lang` may show: its catalogue, month names, "1er"."""
    words: set[str] = set()
    for msg in catalogue(lang).messages.values():
        for form in _forms(msg):
            words |= _words(_literal(form))
    for table in (MONTHS, MONTHS_SHORT):
        words |= _words(" ".join(table[lang]))
    return words | ({"er"} if lang == "fr" else set())


def _data_words() -> set[str]:
    words: set[str] = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in DATA_KEYS:
            words.update(_words(value))
    for rec in make_records():
        walk(rec)
    return words


class _Visible(HTMLParser):
    """Text a reader sees or hears: text nodes (SVG <title> tooltips included) and the title,
    placeholder, aria-label and alt attributes; not scripts, styles or the JS error trap."""

    ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.lang = None
        self.feed(text)

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        skip = tag in ("script", "style") or attrs.get("id") == "js-errors"
        if not self._hidden() and not skip:
            self.chunks += [attrs[a] for a in self.ATTRS if attrs.get(a)]
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        if not self._hidden():
            attrs = dict(attrs)
            self.chunks += [attrs[a] for a in self.ATTRS if attrs.get(a)]

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.chunks.append(data)


def _language_leaks(html_text: str, lang: str, extra: set[str] = frozenset()) -> tuple[set, set]:
    """(words on the page that are neither interface words of `lang` nor data,
    interface words found that only the other language uses)."""
    other = next(x for x in LANGS if x != lang)
    data = _data_words() | set(extra)
    seen = _words(" ".join(_Visible(html_text).chunks))
    return seen - _vocabulary(lang) - data, seen & (_vocabulary(other) - _vocabulary(lang) - data)


def test_catalogues_have_the_same_messages():
    keys = {lang: set(MESSAGES[lang]) for lang in LANGS}
    assert keys["fr"] == keys["en"], keys["fr"] ^ keys["en"]
    assert set(LANGS) == set(MESSAGES) and LANGS[0] == "fr"
    for key in keys["fr"]:
        fr, en = MESSAGES["fr"][key], MESSAGES["en"][key]
        assert type(fr) is type(en), key
        if isinstance(fr, dict):
            assert set(fr) == set(en) == {"one", "other"}, key

        def fields(msg):
            return [{f for _, f, _, _ in string.Formatter().parse(form) if f} for form in _forms(msg)]
        assert fields(fr) == fields(en), key  # the same {fields} in every form
        for form in _forms(fr) + _forms(en):
            assert form.strip() and form == form.strip(), key


def test_french_typography():
    for key, msg in catalogue("fr").messages.items():
        for form in _forms(msg):
            assert "'" not in form, key  # typographic apostrophe
            assert not re.search(r"[^\u00a0]:", form), key  # no-break space before a colon
            assert not re.search(r"[^\u202f][;?!%]", form), key  # narrow one before ; ? ! %
            assert not re.search(r"«[^\u00a0]|[^\u00a0]»", form), key
    for msg in catalogue("en").messages.values():
        assert not any(NBSP in f or NNBSP in f for f in _forms(msg))
    assert french_typography("Genre : « x » ; 5 % l'autre") == \
        f"Genre{NBSP}: «{NBSP}x{NBSP}»{NNBSP}; 5{NNBSP}% l\u2019autre"


def test_dates_in_words_without_the_system_locale():
    fr, en = catalogue("fr"), catalogue("en")
    assert fr.date("2024-03-12") == "12 mars 2024" and en.date("2024-03-12") == "12 March 2024"
    assert fr.date("2024-03-01") == "1er mars 2024" and en.date("2024-03-01") == "1 March 2024"
    assert fr.date("2024-03") == "mars 2024" and en.date("2024-03") == "March 2024"
    assert fr.date("2024-02", short=True) == "févr. 2024" and en.date("2024-02", short=True) == "Feb 2024"
    assert fr.date("2024-08-15") == "15 août 2024" and fr.date("2024") == "2024"
    # nothing lost when a value is not a date
    assert fr.date("2024-13") == "2024-13" and fr.date("2023-02-30") == "2023-02-30"
    assert fr.date("hier") == "hier" and fr.date(None) == ""


def test_numbers_and_plurals():
    fr, en = catalogue("fr"), catalogue("en")
    assert fr.pct(42.5, 1) == f"42,5{NNBSP}%" and en.pct(42.5, 1) == "42.5%"
    assert fr.num(1234567) == f"1{NNBSP}234{NNBSP}567" and en.num(1234567) == "1,234,567"
    assert fr.num(0.9, 2) == "0,90" and en.num(0.9, 2) == "0.90"
    assert [plural_category("fr", n) for n in (0, 1, 1.5, 2)] == ["one", "one", "one", "other"]
    assert [plural_category("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert fr.n("count.quotations", 0) == "0 citation" and en.n("count.quotations", 0) == "0 quotations"
    assert fr.n("count.people", 2) == "2 personnes" and en.n("count.people", 1) == "1 person"
    with pytest.raises(TypeError):
        fr("count.people")  # a count message needs its count
    with pytest.raises(ValueError):
        catalogue("de")


def test_pages_declare_their_language(reports):
    for lang, root in reports.items():
        for page in [root / "index.html", root / "dashboard.html", *root.glob("articles/*.html")]:
            dom = _dom(page)
            assert dom.find("html")[0].attrs["lang"] == lang, page
            assert dom.by_id("article-text").attrs["lang"] == "fr" if "articles" in page.parts else True


def test_index_script_gets_the_catalogue(reports):
    for lang, root in reports.items():
        block = _dom(root / "index.html").by_id("report-i18n")
        assert block.tag == "script" and block.attrs["type"] == "application/json"
        assert json.loads(block.text) == catalogue(lang).js_messages()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_no_word_of_the_other_language(reports, lang, page):
    """Every word shown (text, tooltips, placeholders, aria labels) is an interface word of the
    page's language or comes from the articles; English labels never reach French pages."""
    unknown, other = _language_leaks((reports[lang] / PAGES[page]).read_text("utf-8"), lang)
    assert not other, f"{lang} {page}: words of the other language: {sorted(other)}"
    assert not unknown, f"{lang} {page}: words in no {lang} message: {sorted(unknown)}"


def test_language_check_is_not_vacuous():
    page = ('<html lang="fr"><title>Tableau de bord</title><p>Personnes les plus citées</p>'
            '<svg><title>women: 2</title></svg><input placeholder="Search articles">'
            '<span aria-label="Sorted">1</span><script>var notShown = "dashboard";</script>'
            '<p>António Guterres</p><pre id="js-errors">resource failed</pre></html>')
    unknown, other = _language_leaks(page, "fr")
    assert other == unknown == {"women", "search", "sorted"}  # "articles" is French too
    unknown, other = _language_leaks(page, "en")
    assert {"tableau", "personnes", "citées"} <= other


def test_english_report(report_en):
    art = _dom(_article(report_en, "2021-11-01-guterres"))
    q1 = art.find("mark", "quote", data_quote="q1")[0]
    assert q1.attrs["title"] == "António Guterres — a déclaré — confidence 0.90"
    assert art.by_id("published").text == "Published: 1 November 2021"
    assert [m.text for m in _marks(art, "place")] == ["New YorkLOC"]
    dash = _dom(report_en / "dashboard.html")
    assert "women 67%" in dash.by_id("chart-gender-overall").text
    assert "Nov 2021" in dash.by_id("chart-gender-month").text
    assert dash.by_id("card-per-article").text.startswith("1.7")
    index = _dom(report_en / "index.html")
    assert index.by_id("search").attrs["placeholder"].startswith("Search title")
    assert "1 November 2021" in [c.text for c in index.find("td")]


def test_cli_lang(tmp_path):
    from pipeline.cli import build_parser, main

    run = _write_run(tmp_path / "run")
    assert build_parser().parse_args(["report", str(run)]).lang == "fr"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", str(run), "--lang", "de"])
    assert main(["report", str(run), "--lang", "en"]) == 0
    assert '<html lang="en">' in (run / "report" / "dashboard.html").read_text("utf-8")
    assert main(["report", str(run)]) == 0
    assert '<html lang="fr">' in (run / "report" / "dashboard.html").read_text("utf-8")
    with pytest.raises(ValueError):
        build_report(tmp_path / "run", lang="de")


# --------------------------------------------------------------------------------------------
# Headless Chromium


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = find_chromium()
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no Chromium was found (make install-browser / $CHROMIUM)")
        pytest.skip("no Chromium installed (apt-get install -y chromium); set CI to make this fail")
    return exe


PAGE_IDS = {
    "index": ["article-table", "search", "match-count"],
    "dashboard": ["summary", "chart-top-people", "chart-top-orgs", "chart-gender-overall",
                  "chart-gender-month", "chart-quotes-hist"],
    "article": ["article-text", "legend", "who-said-what", "quote-q1", "row-q3"],
    "article2": ["article-text", "who-said-what", "quote-q2"],
}
#: Labels each rendered page must show (text, SVG tooltips or title/placeholder attributes),
#: including the ones the index script writes: dates, a tooltip, numbers, typography.
EXPECTED = {
    "fr": {
        "index": ["Rapport des citations", "Tableau de bord", "Auteur principal", "Publication",
                  "1er novembre 2021", "décembre 2021", "3 sur 3 articles", "Cliquer pour trier",
                  "Rechercher un titre, un identifiant, une personne, une organisation…",
                  f"100{NNBSP}%"],
        "dashboard": ["Personnes les plus citées", "Organisations les plus citées",
                      "Part des personnes citées selon le genre", "Citations par article",
                      "Toutes les personnes citées", "nov. 2021",
                      f"femmes{NBSP}: 2 personnes (66,7{NNBSP}%)",
                      f"novembre 2021{NBSP}: femmes 1, hommes 1, non précisé 0 (n = 2)",
                      f"António Guterres{NBSP}: 1 citation dans 1 article, genre{NBSP}: homme"],
        "article": ["Qui a dit quoi", "Auteurs des citations", f"Publication{NBSP}: 1er novembre 2021",
                    "António Guterres — a déclaré — confiance 0,90", "1er novembre 2021",
                    "3 citations (1 directe)", "citation indirecte", "Introducteur"],
        "article2": ["non attribuée — a ajouté — confiance 0,20", "citations non attribuées",
                     f"Publication{NBSP}: décembre 2021", "titre porté par Michelle Bachelet"],
    },
    "en": {
        "index": ["Quotations report", "Dashboard", "Top speaker", "Published", "1 November 2021",
                  "December 2021", "3 of 3 articles", "Click to sort",
                  "Search title, id, people, organisations…", "100%"],
        "dashboard": ["Most quoted people", "Most quoted organisations",
                      "Share of quoted people by gender", "Quotations per article",
                      "All quoted people", "Nov 2021", "women: 2 people (66.7%)",
                      "November 2021: women 1, men 1, unknown 0 (n = 2)",
                      "António Guterres: 1 quotation in 1 article, gender: male"],
        "article": ["Who said what", "Speakers", "Published: 1 November 2021",
                    "António Guterres — a déclaré — confidence 0.90", "1 November 2021",
                    "3 quotations (1 direct)", "indirect quote", "Cue"],
        "article2": ["unattributed — a ajouté — confidence 0.20", "unattributed quotations",
                     "Published: December 2021", "title of Michelle Bachelet"],
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_load_in_chromium(reports, chromium, lang, page):
    """Every page kind in both languages: no JS error, its elements, its labels after the
    scripts ran, and no word of the other language."""
    dom = dump_dom(reports[lang] / PAGES[page])
    assert errors_in_dom(dom) == []
    for el_id in PAGE_IDS[page]:
        assert f'id="{el_id}"' in dom, el_id
    assert _Visible(dom).lang == lang
    shown = _Visible(dom).chunks
    missing = [label for label in EXPECTED[lang][page] if not any(label in c for c in shown)]
    assert not missing, f"{lang} {page}: not shown: {missing}"
    unknown, other = _language_leaks(dom, lang)
    assert not other and not unknown, (lang, page, other, unknown)
    if page == "index":
        assert 'data-ready="1"' in dom  # the search/sort script ran
    if page == "article2":
        assert "<script>alert(1)" not in dom


@pytest.mark.slow
def test_index_search_filters_in_chromium(report, chromium):
    dom = _Dom(dump_dom((report / "index.html").resolve().as_uri() + "?q=bachelet"))
    assert dom.by_id("match-count").text == "1 sur 3 articles"
    hidden = {r.attrs["data-id"] for r in dom.find("tr") if "hidden" in r.attrs}
    assert hidden == {"2021-11-01-guterres", "conseil securite"}
    assert "hidden" in dom.by_id("no-match").attrs


@pytest.mark.slow
@pytest.mark.parametrize("lang, count, none, sorted_hint, hint", [
    pytest.param("fr", "0 sur 3 articles", f"Aucun article ne correspond à «{NBSP}zzzz{NBSP}».",
     f"Tri croissant{NNBSP}; cliquer pour inverser", "Cliquer pour trier", id="fr"),
    pytest.param("en", "0 of 3 articles", "No article matches “zzzz”.",
                 "Sorted ascending; click to reverse", "Click to sort", id="en"),
])
def test_index_no_match_and_sort_in_chromium(reports, chromium, tmp_path, lang, count, none,
                                             sorted_hint, hint):
    """The script's own words: "no results", the match count and the sort tooltips (after a
    click on the "published" heading, injected into a copy of the page)."""
    index = reports[lang] / "index.html"
    clicked = index.with_name(f"index-click-{lang}.html")
    click = "<script>document.querySelectorAll('#article-table th')[1].click();</script></body>"
    clicked.write_text(index.read_text("utf-8").replace("</body>", click), "utf-8")
    try:
        raw = dump_dom(clicked.resolve().as_uri() + "?q=zzzz")
    finally:
        clicked.unlink()
    assert errors_in_dom(raw) == []
    dom = _Dom(raw)
    assert dom.by_id("match-count").text == count
    no_match = dom.by_id("no-match")
    assert "hidden" not in no_match.attrs and no_match.text == none
    heads = [th for th in dom.find("th") if "data-type" in th.attrs]
    assert heads[1].attrs["aria-sort"] == "ascending" and heads[1].attrs["title"] == sorted_hint
    assert {th.attrs["title"] for i, th in enumerate(heads) if i != 1} == {hint}
    unknown, other = _language_leaks(raw, lang, extra={"zzzz"})
    assert not other and not unknown, (other, unknown)


@pytest.mark.slow
def test_error_trap_reports_js_errors(tmp_path, chromium):
    """The checker is not vacuous: a page with a broken script reports it."""
    bad = tmp_path / "bad.html"
    bad.write_text(templates.page("bad", "<p>x</p>", scripts="undefinedFunction();"), "utf-8")
    errors = console_errors(bad)
    assert errors and "undefinedFunction" in errors[0]
    assert console_errors(tmp_path / "missing.html")  # a page that does not load is an error too


@pytest.mark.slow
def test_dashboard_screenshot(report, chromium, tmp_path):
    png = screenshot(report / "dashboard.html", tmp_path / "dashboard.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
