"""Readers: txt, html, datasets, stdin and the folder walk. All texts here are written for the
tests (ONU Info style), none is copied from a real article."""
from __future__ import annotations

import io
import json
import pickle
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.readers import ReadError, iter_articles
from pipeline.readers.datasets import normalise_date, read_dataset
from pipeline.readers.html import _iso_with_precision, read_html
from pipeline.readers.txt import read_txt
from pipeline.records import Article

HTML_DIR = Path(__file__).parent / "data" / "html"

PARA1 = ("Le Haut-Commissariat a lancé jeudi un appel de fonds pour venir en aide aux familles "
         "déplacées par les inondations dans le nord du pays.")
PARA2 = ("« Les besoins dépassent de loin nos moyens actuels », a déclaré la porte-parole de "
         "l'agence, Claire Montfort, lors d'un point de presse à Genève.")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    p.write_bytes(data)
    return p


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


# --------------------------------------------------------------------------------------- txt


def test_txt_same_line_header(tmp_path):
    p = write(tmp_path, "un900.txt", f" date 2021-11 {PARA1}\n\n{PARA2}\n")
    a = read_txt(p)
    assert a.id == "un900" and a.reader == "txt" and a.source == str(p)
    assert a.published == "2021-11"
    assert a.text == f"{PARA1}\n\n{PARA2}"
    assert "date" not in a.text.split()[0]
    assert a.title is None  # first line is a sentence, not a headline


def test_txt_header_on_own_line_day_precision_and_title(tmp_path):
    title = "Inondations : le HCR appelle à la solidarité internationale"
    p = write(tmp_path, "a.txt", f"date 2023-05-04\n{title}\n\n{PARA1}\n")
    a = read_txt(p)
    assert a.published == "2023-05-04"
    assert a.title == title
    assert a.text.startswith(title + "\n")  # the headline stays in the text


def test_txt_same_line_header_headline_is_title(tmp_path):
    title = "Le Conseil de sécurité conclut sa session annuelle"
    a = read_txt(write(tmp_path, "b.txt", f" date 2025-09-30 {title}\n\n{PARA1}"))
    assert a.published == "2025-09-30"
    assert a.title == title and a.text.startswith(title)


def test_txt_without_header(tmp_path):
    a = read_txt(write(tmp_path, "c.txt", f"{PARA1}\n\n{PARA2}"))
    assert a.published is None
    assert a.text == f"{PARA1}\n\n{PARA2}"


def test_txt_title_rules(tmp_path):
    long_line = "Titre " * 40  # over 200 characters
    assert read_txt(write(tmp_path, "l.txt", f"{long_line}\n\n{PARA1}")).title is None
    assert read_txt(write(tmp_path, "p.txt", f"Une phrase complète.\n{PARA1}")).title is None
    assert read_txt(write(tmp_path, "one.txt", "Un titre seul sans suite")).title is None
    wrapped = "Le Haut-Commissariat a lancé jeudi un appel de fonds pour\nvenir en aide aux familles."
    assert read_txt(write(tmp_path, "w.txt", wrapped)).title is None


def test_txt_bom_and_crlf(tmp_path):
    data = b"\xef\xbb\xbf date 2021-11 " + f"{PARA1}\r\n\r\n{PARA2}\r\n".encode()
    a = read_txt(write(tmp_path, "bom.txt", data))
    assert a.published == "2021-11"
    assert "\r" not in a.text and "\ufeff" not in a.text
    assert a.text == f"{PARA1}\n\n{PARA2}"


def test_txt_old_mac_line_endings(tmp_path):
    a = read_txt(write(tmp_path, "cr.txt", f"{PARA1}\r\r{PARA2}"))
    assert a.text == f"{PARA1}\n\n{PARA2}"


@pytest.mark.parametrize("data, problem", [
    (b"", "empty file"),
    (b"  \n\t\n ", "only whitespace"),
    (b" date 2021-11\n\n", "no article text after the date header"),
    (b" date 2021-13 " + PARA1.encode(), "month 13 does not exist"),
    (b" date 2023-02-30 " + PARA1.encode(), "day 30 does not exist"),
])
def test_txt_empty_and_bad_header(tmp_path, data, problem):
    p = write(tmp_path, "bad.txt", data)
    with pytest.raises(ReadError) as exc:
        read_txt(p)
    assert problem in str(exc.value)
    assert str(p) in str(exc.value) and exc.value.source == str(p)


def test_txt_binary(tmp_path):
    with pytest.raises(ReadError, match="binary"):
        read_txt(write(tmp_path, "nul.txt", b"Texte\x00\x00\x00 avec des NUL"))
    junk = bytes(range(256)) * 40  # no NUL-free trick: mostly non-text
    with pytest.raises(ReadError, match="binary"):
        read_txt(write(tmp_path, "junk.txt", junk.replace(b"\x00", b"\x01")))


def test_txt_latin1_names_the_byte_offset(tmp_path):
    data = "Le Conseil a adopté une résolution.".encode("latin-1")
    p = write(tmp_path, "latin.txt", data)
    with pytest.raises(ReadError) as exc:
        read_txt(p)
    msg = str(exc.value)
    offset = data.index("é".encode("latin-1"))
    assert "not UTF-8" in msg
    assert f"byte offset {offset}" in msg
    assert str(p) in msg


def test_txt_too_large(tmp_path):
    p = write(tmp_path, "big.txt", b"a" * 3_100_000)
    with pytest.raises(ReadError) as exc:
        read_txt(p, 2_000_000)
    assert "3.1 MB, over the 2.0 MB limit; raise with --max-bytes" in str(exc.value)
    assert read_txt(p, 4_000_000).text.startswith("aaa")


# -------------------------------------------------------------------------------------- html


def test_html_story_page():
    a = read_html(HTML_DIR / "recit_casques_bleus.html")
    assert a.reader == "html" and a.id == "recit_casques_bleus"
    assert a.title == "Des Casques bleus formés au déminage humanitaire au Sahel"
    assert a.url == "https://news.example.org/fr/story/2024/03/1140001"  # canonical beats og:url
    assert a.published == "2024-03-14"
    paras = a.text.split("\n\n")
    assert paras[0] == a.title  # headline first, as in the txt articles
    assert len(paras) == 5
    assert paras[1].startswith("Une quarantaine de Casques bleus")
    assert paras[-1].endswith("plusieurs États membres.")
    for furniture in ("Partager", "Articles connexes", "Photo ONU", "démineurs de la mission",
                      "Accueil", "Tous droits réservés", "Climat et environnement",
                      "prolonge le mandat"):
        assert furniture not in a.text, furniture
    assert a.captions == [
        "Des démineurs de la mission inspectent une piste près de Gao. Photo ONU/Aminata Traoré"
    ]


def test_html_page_without_date():
    a = read_html(HTML_DIR / "recit_sans_date.html")
    assert a.published is None  # "le mois prochain" in the prose is not a publication date
    assert a.url == "https://news.example.org/fr/story/pam-corne-afrique"
    assert a.title.startswith("Le PAM appelle")
    assert "Marc Lefebvre-Diallo" in a.text
    assert "Facebook" not in a.text and "À lire aussi" not in a.text
    assert "© PAM/Samuel Okello" in a.captions[0] and "PAM/Samuel" not in a.text


def test_html_index_page_is_not_an_article():
    with pytest.raises(ReadError, match="no article text found"):
        read_html(HTML_DIR / "rubrique_index.html")


def test_html_from_bytes_month_precision_and_htmldate_fallback():
    page = (HTML_DIR / "recit_sans_date.html").read_text(encoding="utf-8")
    month = page.replace(
        '<meta charset="utf-8">',
        '<meta charset="utf-8"><meta property="article:published_time" content="2023-05">',
    )
    a = read_html(month.encode(), "saved/pam.html")
    assert a.published == "2023-05" and a.id == "pam" and a.source == "saved/pam.html"
    visible = page.replace("<h1>", '<div class="date">14/03/2024</div><h1>')
    assert read_html(visible.encode(), "x.html").published == "2024-03-14"


def test_html_too_large(tmp_path):
    page = (HTML_DIR / "recit_sans_date.html").read_bytes()
    p = write(tmp_path, "big.html", page)
    with pytest.raises(ReadError, match=r"page is .* over the 1.0 kB limit; raise with --max-bytes"):
        read_html(p, max_bytes=100)  # the page may be 10x the text limit, not more
    with pytest.raises(ReadError, match=r"article text is .* over the 300 bytes limit"):
        read_html(p, max_bytes=300)


# ---------------------------------------------------------------------------------- datasets


def test_jsonl_rows_and_bad_rows(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": PARA1, "title": "Inondations", "url": "https://x.org/1",
                    "date": "2021-11-05T14:30:00+01:00"}, ensure_ascii=False),
        json.dumps({"text": PARA2, "date": "5 novembre 2021"}, ensure_ascii=False),
        "{not json",
        "",
        json.dumps({"id": "a5", "title": "Sans texte"}),
        json.dumps({"id": "a6", "text": 42}),
        json.dumps(["une", "liste"]),
        json.dumps({"id": 8, "text": PARA1, "date": "2021-11"}, ensure_ascii=False),
    ]
    p = write(tmp_path, "news.jsonl", "\n".join(lines) + "\n")
    out = list(read_dataset(p))
    assert [type(x).__name__ for x in out] == [
        "Article", "Article", "ReadError", "ReadError", "ReadError", "ReadError", "Article"]
    a1, a2, bad_json, no_text, num_text, not_obj, a8 = out
    assert (a1.id, a1.title, a1.url, a1.published) == ("a1", "Inondations", "https://x.org/1", "2021-11-05")
    assert a1.reader == "jsonl" and a1.source == f"{p}#row=1"
    assert a2.id == "news-2" and a2.published == "2021-11-05" and a2.title is None
    assert str(bad_json).startswith(f"{p} row 3: bad JSON")
    assert str(no_text).startswith(f"{p} row 5: no text")
    assert no_text.row == 5 and no_text.source == f"{p}#row=5"
    assert "row 6: text is a number, not a string" in str(num_text)
    assert "row 7" in str(not_obj)
    assert a8.id == "8" and a8.published == "2021-11" and a8.source.endswith("#row=8")


def test_dataset_ids_are_safe_file_names(tmp_path):
    # found while fuzzing the readers: the id names json/<id>.json and .state/<id>, so "a/b"
    # stopped the whole run (no such folder), "../x" wrote outside the output folder and a
    # 300-character id raised "File name too long"
    ids = ["a/b", "../../x", "..", ".cache", "x" * 300, "é" * 150, "a\\b\x00c", "un-001"]
    p = write(tmp_path, "news.jsonl", "\n".join(
        json.dumps({"id": i, "text": PARA1}, ensure_ascii=False) for i in ids) + "\n")
    got = [a.id for a in read_dataset(p)]
    assert got[:4] == ["a_b", "_.._x", "news-3", "cache"]
    assert got[4] == "x" * 200 and got[5] == "é" * 100
    assert got[6:] == ["a_b_c", "un-001"]


def test_csv_rows_custom_columns(tmp_path):
    df = pd.DataFrame({
        "ref": ["c1", "", "c3"],
        "body": [PARA1, "", PARA2],
        "headline": ["Un titre", "", ""],
        "when": ["2021-11", "2021", "novembre 2021"],
    })
    p = tmp_path / "news.csv"
    df.to_csv(p, index=False)
    out = list(iter_articles([p], text_column="body", id_column="ref",
                             title_column="headline", date_column="when"))
    a1, err, a3 = out
    assert isinstance(err, ReadError) and str(err) == f"{p} row 2: no text (empty)"
    assert (a1.id, a1.title, a1.published, a1.reader) == ("c1", "Un titre", "2021-11", "csv")
    assert (a3.id, a3.title, a3.published) == ("c3", None, "2021-11")
    assert a3.source == f"{p}#row=3"


def test_csv_without_text_column_is_one_error(tmp_path):
    p = tmp_path / "x.csv"
    pd.DataFrame({"id": ["1"], "contenu": [PARA1]}).to_csv(p, index=False)
    err = only(iter_articles(p))
    assert isinstance(err, ReadError)
    assert "no 'text' column" in str(err) and "contenu" in str(err)


def test_csv_malformed_record_is_one_error_and_the_file_goes_on(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_text(
        "id,text,date\n"
        f'c1,"{PARA1}",2021-11\n'
        'c2,"un texte",2021,cellule en trop\n'  # more cells than the header
        "\n"                                     # a blank line is no record
        f'c3,"{PARA2}"\n'                        # a missing trailing cell is empty
        'c4,"avant"apres,2022\n'                # a stray quotation mark
        f'c5,"{PARA1}\n\n{PARA2}",2023-01-02\n',  # a quoted field over several lines
        encoding="utf-8")
    a1, extra, a3, quote, a5 = list(iter_articles(p))
    assert (a1.id, a1.published, a1.source) == ("c1", "2021-11", f"{p}#row=1")
    assert isinstance(extra, ReadError) and extra.row == 2
    assert "malformed CSV record (line 3): 4 cells, the header has 3" in str(extra)
    assert (a3.id, a3.published, a3.source) == ("c3", None, f"{p}#row=3")
    assert isinstance(quote, ReadError) and quote.row == 4
    assert "malformed CSV record (line 6)" in str(quote)
    assert a5.id == "c5" and a5.text == f"{PARA1}\n\n{PARA2}" and a5.published == "2023-01-02"


def test_csv_line_endings_and_a_bad_byte(tmp_path):
    for name, data in (("crlf.csv", b'id,text\r\nc1,un\r\nc2,"deux\r\nlignes"\r\n'),
                       ("cr.csv", b'id,text\rc1,un\rc2,"deux\rlignes"\r')):
        p = tmp_path / name
        p.write_bytes(data)
        assert [(a.id, a.text) for a in iter_articles(p)] == [("c1", "un"), ("c2", "deux\nlignes")]
    p = tmp_path / "latin1.csv"
    p.write_bytes(b"id,text\nc1,bonjour\nc2,caf\xe9\n")
    a1, err = list(iter_articles(p))
    assert a1.id == "c1"
    assert isinstance(err, ReadError) and "not UTF-8 (invalid byte at byte offset 25)" in str(err)


def test_parquet_rows(tmp_path):
    import datetime as dt

    df = pd.DataFrame({
        "id": ["p1", None, "p3"],
        "text": [PARA1, None, PARA2],
        "date": [dt.date(2022, 3, 1), None, None],
    })
    p = tmp_path / "news.parquet"
    df.to_parquet(p)
    a1, err, a3 = list(iter_articles(p))
    assert (a1.id, a1.published, a1.reader) == ("p1", "2022-03-01", "parquet")
    assert isinstance(err, ReadError) and str(err) == f"{p} row 2: no text"
    assert a3.id == "p3" and a3.published is None


@pytest.mark.parametrize("value, expected", [
    ("2021-11", "2021-11"), ("2021-11-05", "2021-11-05"), ("2021", "2021"),
    ("2021-11-05T23:59:00Z", "2021-11-05"), ("5 novembre 2021", "2021-11-05"),
    ("novembre 2021", "2021-11"), ("November 5, 2021", "2021-11-05"),
    ("hier", None), ("mardi", None), ("", None), (None, None), ("2021-13", None),
    # found by tests/test_fuzz.py: other scripts' digits went into `published` as they were
    ("٢٠٢١-١١", "2021-11"), ("0000", None), ("0000-01", None),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("2024-03-14T09:30Z", "2024-03-14"), ("2024-3", "2024-03"), ("2024-2-29", "2024-02-29"),
    ("2024-02-31", None), ("٢٠٢٤-٠٣-١٤", None), ("2023-02-29", None),
])
def test_html_markup_dates_are_real_iso_dates(value, expected):
    assert _iso_with_precision(value) == expected


# ------------------------------------------------------------------------ walk, stdin, errors


def test_walk_folders_sorted_skips_unknown_and_reports_errors(tmp_path):
    write(tmp_path, "corpus/b/z.txt", PARA1)
    write(tmp_path, "corpus/a.txt", PARA2)
    write(tmp_path, "corpus/b/a.txt", b"")  # empty: an error, not a stop
    write(tmp_path, "corpus/README.md", "# pas un article")
    write(tmp_path, "corpus/a.gold.json", "{}")
    write(tmp_path, "corpus/.cache/x.txt", PARA1)
    write(tmp_path, "corpus/c/page.html", (HTML_DIR / "recit_sans_date.html").read_bytes())
    out = list(iter_articles(tmp_path / "corpus"))
    kinds = [(type(x).__name__, Path(x.source).name) for x in out]
    assert kinds == [
        ("Article", "a.txt"), ("ReadError", "a.txt"), ("Article", "z.txt"), ("Article", "page.html"),
    ]
    assert list(map(str, iter_articles(tmp_path / "corpus"))) == list(map(str, out))  # deterministic


def test_explicit_unknown_and_missing_files(tmp_path):
    md = write(tmp_path, "notes.md", "# notes")
    err = only(iter_articles([md]))
    assert isinstance(err, ReadError) and "unknown file type '.md'" in str(err)
    err = only(iter_articles(tmp_path / "absent.txt"))
    assert isinstance(err, ReadError) and "no such file" in str(err)


def test_stdin(monkeypatch):
    data = f" date 2021-11-05 {PARA1}\n\n{PARA2}".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    a = only(iter_articles(["-"]))
    assert isinstance(a, Article)
    assert (a.id, a.source, a.published) == ("stdin", "stdin", "2021-11-05")
    assert a.text.startswith("Le Haut-Commissariat")


def test_stdin_text_stream_and_empty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PARA1))
    assert only(iter_articles("-")).text == PARA1
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    err = only(iter_articles("-"))
    assert isinstance(err, ReadError) and str(err) == "stdin: empty file"


def test_read_error_pickles():
    err = ReadError("news.jsonl", "no text", row=12)
    assert str(err) == "news.jsonl row 12: no text"
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.source, back.row) == (str(err), "news.jsonl#row=12", 12)
