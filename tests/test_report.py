"""The static HTML report: built from three small schema-valid records, checked as HTML, then
loaded in headless Chromium (no JS errors, expected elements present, dashboard screenshot).

Without a browser the Chromium part is skipped locally but fails when $CI is set, because CI
installs Chromium (`make install-browser`) and a silent skip there would hide a broken report.
"""
from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from pipeline.records import (
    ArticleRecord, DateExpr, Mention, Organisation, Person, Place, Quote, Title, json_schema,
)
from pipeline.report import build_report, page_name
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


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("run")
    (run / "json").mkdir()
    validator = jsonschema.Draft202012Validator(json_schema())
    for rec in make_records():
        validator.validate(rec)
        (run / "json" / f"{rec['id']}.json").write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    out = build_report(run)
    assert out == run / "report"
    return out


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
    assert quotes["q1"].attrs["title"] == "António Guterres — a déclaré — 0.90"
    assert quotes["q2"].attrs["title"] == "Organisation mondiale de la Santé — Selon — 0.70"
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
    # the OMS mention crossing q2's start is dropped, the proper one kept, and the page says so
    oms = [m.text for m in _marks(dom, "organisation") if m.attrs["data-id"] == "o2"]
    assert oms == ["Organisation mondiale de la Santé (OMS)ORG"]
    assert "1 overlapping" in dom.by_id("dropped-spans").text
    assert [m.text for m in _marks(dom, "place")] == ["New YorkLOC"]
    assert [m.text for m in _marks(dom, "date")] == ["lundiDATE"]
    # the text itself is complete, marks removed
    text = dom.by_id("article-text").text
    for label in ("PER", "ORG", "LOC", "TITLE", "DATE"):
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
    assert "Amina Mohammed" in rows[2].text and "0.80" in rows[2].text


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
    assert "spk-none" in unattributed.classes and unattributed.attrs["title"].startswith("unattributed")
    index = (report / "index.html").read_text("utf-8")
    assert "<b>libertés" not in index


def test_no_external_assets(report):
    for page in [report / "index.html", report / "dashboard.html", *report.glob("articles/*.html")]:
        dom = _dom(page)
        assert not dom.find("link"), page
        assert all("src" not in e.attrs for e in dom.all), page
        for a in dom.find("a"):
            href = a.attrs.get("href", "")
            assert not href.startswith(("http:", "https:")) or a.text == "original article", href


def test_index(report):
    dom = _dom(report / "index.html")
    rows = [r for r in dom.find("tr") if "data-id" in r.attrs]
    assert [r.attrs["data-id"] for r in rows] == ["2021-12-bachelet", "2021-11-01-guterres",
                                                  "conseil securite"]
    guterres = rows[1]
    cells = [c.text for c in dom.find("td") if guterres in c.parents]
    assert cells[1:8] == ["2021-11-01", "2", "2", "1", "3", "1", "2"]
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
    assert "unattributed" not in people
    assert "Organisation mondiale de la Santé" in dom.by_id("chart-top-orgs").text
    month = dom.by_id("chart-gender-month").text
    assert "2021-11" in month and "2021-12" in month
    overall = dom.by_id("chart-gender-overall").text
    assert "women 67%" in overall  # Amina Mohammed and Michelle Bachelet vs António Guterres
    assert dom.by_id("card-articles").text.startswith("3")
    assert dom.by_id("card-quotes").text.startswith("5")


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
    assert "No quotations attributed to people" in dom.by_id("chart-top-people").text
    _dom(out / "index.html").by_id("no-articles")


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


@pytest.mark.slow
@pytest.mark.parametrize("page, ids", [
    ("index.html", ["article-table", "search", "match-count"]),
    ("dashboard.html", ["summary", "chart-top-people", "chart-top-orgs", "chart-gender-overall",
                        "chart-gender-month", "chart-quotes-hist"]),
    ("articles/2021-11-01-guterres.html", ["article-text", "legend", "who-said-what",
                                           "quote-q1", "row-q3"]),
    ("articles/2021-12-bachelet.html", ["article-text", "who-said-what", "quote-q2"]),
])
def test_pages_load_in_chromium(report, chromium, page, ids):
    dom = dump_dom(report / page)
    assert errors_in_dom(dom) == []
    for el_id in ids:
        assert f'id="{el_id}"' in dom, el_id
    if page == "index.html":
        assert 'data-ready="1"' in dom  # the search/sort script ran
        assert "3 / 3" in _Dom(dom).by_id("match-count").text
    if "bachelet" in page:
        assert "<script>alert(1)" not in dom


@pytest.mark.slow
def test_index_search_filters_in_chromium(report, chromium):
    dom = _Dom(dump_dom((report / "index.html").resolve().as_uri() + "?q=bachelet"))
    assert dom.by_id("match-count").text == "1 / 3"
    hidden = {r.attrs["data-id"] for r in dom.find("tr") if "hidden" in r.attrs}
    assert hidden == {"2021-11-01-guterres", "conseil securite"}


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
