"""Hypothesis strategies for French-like UN news text with hostile typography (tests/test_fuzz.py).

`articles()` builds articles from a small vocabulary of our own (names with particles and hyphens,
titles, organisations, places, dates, speech verbs, incises, "selon X", "a indiqué que"), wrapped
in quotation marks of every kind (nested, unbalanced, glued or spaced with NBSP and narrow NBSP),
and salted with what real copies of web pages carry: NUL and C0/C1 control characters, combining
accents, RTL/LTR marks and bidi controls, zero-width characters, BOM, soft hyphens, very long
tokens, empty and whitespace-only paragraphs, CRLF/CR/Unicode line ends and astral characters.
Three articles in ten are instead paragraphs of our own corpus (corpus/articles, corpus/golden)
made hostile the same way (marks swapped, dropped or doubled, cuts, capitals, other spaces), and
one in ten is plain `st.text()`. Lone surrogates are never drawn: no reader can deliver them
(they are not UTF-8).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

_int = lru_cache(maxsize=None)(st.integers)
_BOOL = st.booleans()

NAMES = [
    "Ingrid Solberg", "Jean-Pierre Lacroix", "Maria Fernanda Espinosa", "Ursula von der Leyen",
    "Abdoulaye Diallo", "Volker Türk", "Ahmad al-Hassan", "Marie-Hélène d'Arcy",
    "Pedro de la Cruz", "Kwame N'Diaye", "Ngozi Okonjo-Iweala", "Lucía Méndez-Ortiz",
    "Oumar Ould Cheikh", "Chloé Van den Berghe", "Guterres", "Solberg", "Ève O'Connor",
]
HONORIFICS = ["M.", "Mme", "Dr", "Pr", "MM.", "Mmes", "S.E."]
TITLES = [
    "le Secrétaire général", "la Secrétaire générale adjointe", "la Haute-Commissaire",
    "le Haut-Commissaire aux droits de l'homme", "le Coordonnateur humanitaire",
    "la Directrice exécutive de l'UNICEF", "le porte-parole", "la porte-parole du HCR",
    "l'Envoyé spécial", "la Représentante spéciale", "le chef de la MINUSCA",
    "l'ancien Président", "la ministre des Affaires étrangères", "le Rapporteur spécial",
]
ORGS = [
    "l'OMS", "le HCR", "l'UNICEF", "le Conseil de sécurité", "le PAM", "l'ONU",
    "l'Organisation mondiale de la santé", "le Programme alimentaire mondial", "la FAO",
    "l'Assemblée générale", "le Bureau de la coordination des affaires humanitaires (OCHA)",
]
PLACES = [
    "Goma", "Gaza", "le Soudan", "Haïti", "la République démocratique du Congo", "Genève",
    "New York", "Port-au-Prince", "l'Ukraine", "le Sahel", "Côte d'Ivoire",
]
DATES = [
    "mardi", "le 12 mars 2024", "en 2023", "lundi dernier", "hier", "la semaine dernière",
    "le 1er janvier", "du 13 au 15 décembre 2023", "en septembre", "il y a deux mois",
    "jeudi prochain", "12/03/2024", "2010 et 2014", "mi-2025", "ce matin",
]
VERBS = [
    "a déclaré", "a affirmé", "a souligné", "a indiqué", "a estimé", "a ajouté", "a averti",
    "a rappelé", "a dit", "a expliqué", "a insisté", "a appelé", "a demandé", "déclare",
    "souligne", "affirme", "a exhorté", "a salué", "se réunira",
]
INCISES = [
    "a-t-elle déclaré", "a-t-il ajouté", "a-t-il dit", "a-t-elle souligné", "ont-ils affirmé",
    "souligne la Haute-Commissaire", "a déclaré M. Diallo", "a insisté la responsable du HCR",
    "explique-t-elle", "a-t-il expliqué",
]
CONNECTORS = ["que", "qu'", "à", "de", "d'", "aux autorités de", "n'avoir jamais"]
WORDS = (
    "les familles ont tout perdu nous resterons aide humanitaire arrive la situation empire "
    "chaque jour compte pour ces enfants il faut agir vite et sans condition paix sécurité "
    "réfugiés accès camps plus intelligents sûrs vivres eau potable santé l' d' qu' aujourd'hui "
    "c'est inacceptable nous devons protéger les civils cessez-le-feu immédiat"
).split()
PUNCT = [".", ",", ";", ":", "!", "?", "…", " -", " –", " —", "(", ")", "[", "]", "/", "..."]

# (opening, closing) quotation marks, glued, spaced, or with NBSP / narrow NBSP inside
_MARKS = ["«»", "“”", "„“", '""', "''", "‹›", "‘’", "＂＂", "»«", "”“", "‚‘", "「」", "›‹"]
_PADS = ["", " ", "\u00a0", "\u202f", "\u2009", "  "]

CONTROLS = [chr(c) for c in range(0x00, 0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xa0)]
INVISIBLE = [
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
    "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u061c",
    "\u034f", "\ufe0f",
]
COMBINING = ["\u0301", "\u0300", "\u0302", "\u0308", "\u0327", "\u0303", "\u20dd", "\u0338"]
ASTRAL = ["😀", "🇫🇷", "👩🏽‍⚕️", "𝔘𝔑", "\U00010000", "\U0010fffd", "𠀀", "🏳️‍🌈", "\U000e0041"]
LINE_ENDS = ["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\r\r", "\n \n", "\n\t\n", "\u2028",
             "\u2029", "\x85", "\x0b", "\x0c", "\n\u00a0\n", "\n\n\n\n"]


@lru_cache(maxsize=None)
def _picked(options: tuple) -> st.SearchStrategy:
    return st.sampled_from(options)


def _pick(options):
    """`st.sampled_from(options)`, built once per list of options."""
    return _picked(tuple(options))


@st.composite
def person(draw):
    name = draw(_pick(NAMES))
    form = draw(_int(0, 3))
    if form == 1:
        return f"{draw(_pick(HONORIFICS))} {name}"
    if form == 2:
        return f"{draw(_pick(TITLES))}, {name},"
    if form == 3:
        return f"{draw(_pick(TITLES))} {name}"
    return name


PRONOUNS = ["il", "elle", "ils", "elles", "la responsable", "l'Équatorienne"]
_SPEAKER = st.one_of(person(), _pick(TITLES), _pick(ORGS), _pick(PLACES), _pick(PRONOUNS))


def speaker():
    return _SPEAKER


_WORD = st.one_of(_pick(WORDS), _pick(WORDS), _pick(NAMES), _pick(DATES), _pick(ORGS),
                  _pick(PLACES))


@st.composite
def words(draw, min_size=1, max_size=12):
    n = draw(_int(min_size, max_size))
    parts = [draw(_WORD) for _ in range(n)]
    if parts and draw(_BOOL):
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    if draw(_int(0, 3)) == 0:
        parts.append(draw(_pick(PUNCT)))
    return " ".join(parts)


@st.composite
def quoted(draw, depth=0):
    """Text between marks of any kind, possibly nested, possibly never closed or never opened."""
    pair = draw(_pick(_MARKS))
    pad_in = draw(_pick(_PADS))
    pad_out = draw(_pick(_PADS))
    inner = draw(words(1, 15))
    if depth < 2 and draw(_int(0, 3)) == 0:
        inner = f"{draw(words(0, 4))} {draw(quoted(depth=depth + 1))} {draw(words(0, 4))}"
    if draw(_int(0, 4)) == 0:  # an incise inside the marks: « A, a-t-il dit, B »
        inner = f"{inner}, {draw(_pick(INCISES))}, {draw(words(1, 8))}"
    shape = draw(_int(0, 9))
    opening = pair[0] + pad_in
    closing = pad_out + pair[1]
    if shape == 0:
        return opening + inner  # unbalanced: never closed
    if shape == 1:
        return inner + closing  # unbalanced: never opened
    if shape == 2:
        return opening + inner + opening + inner  # two openings, no closing
    return opening + inner + closing


@st.composite
def sentence(draw):
    """One French-like sentence: a quotation with its cue, or reported speech, or plain prose."""
    q = lambda: draw(quoted())  # noqa: E731
    s = lambda: draw(speaker())  # noqa: E731
    shape = draw(_int(0, 11))
    end = draw(_pick([".", ".", "", " !", "?", "…", ".»", " ;"]))
    if shape == 0:
        return f"{q()}, {draw(_pick(INCISES))}{end}"
    if shape == 1:
        return f"{s()} {draw(_pick(VERBS))} : {q()}{end}"
    if shape == 2:
        return f"Selon {s()}, {draw(words())}{end}"
    if shape == 3:
        return f"D'après {s()}, {draw(words())}{end}"
    if shape == 4:
        return f"{s()} {draw(_pick(VERBS))} {draw(_pick(CONNECTORS))} {draw(words())}{end}"
    if shape == 5:
        return f"{draw(words())}, {draw(_pick(VERBS))} {s()}{end}"
    if shape == 6:
        return f"Pour {s()}, {draw(words())}{end}"
    if shape == 7:
        return f"{q()} {s()} {draw(_pick(VERBS))} {draw(_pick(DATES))}{end}"
    if shape == 8:
        return f"{s()}, {draw(_pick(DATES))}, {draw(_pick(VERBS))} que {q()}{end}"
    if shape == 9:
        return f"{draw(words())} {q()} {draw(words(0, 5))}{end}"
    if shape == 10:
        return q()
    return f"{draw(words(1, 20))}{end}"


@st.composite
def noise(draw):
    """One piece of hostile text."""
    kind = draw(_int(0, 9))
    if kind == 0:
        return draw(_pick(CONTROLS))
    if kind == 1:
        return draw(_pick(INVISIBLE))
    if kind == 2:
        return draw(_pick(["e", "a", "E", "o", "«", "»", ""])) + draw(_COMBINING_RUN)
    if kind == 3:
        return draw(_pick(ASTRAL))
    if kind == 4:  # a very long token
        letter = draw(_pick(["a", "é", "A", "x", "-", "«", "0", "'"]))
        return letter * draw(_int(200, 5000))
    if kind == 5:
        return draw(_pick(["«", "»", "“", "”", "„", '"', "'", "‹", "›", "‘", "’", "＂", "« »",
                           "«»", '""', "“ ”", "« « «", "» » »", "\u00a0»", "«\u202f"]))
    if kind == 6:
        return draw(_pick(LINE_ENDS))
    if kind == 7:
        return draw(_pick(["\u00a0", "\u202f", "\u2009", "\t", " " * 50, "\u3000", "\u1680"]))
    if kind == 8:
        return draw(_pick(["’", "ʼ", "′", "l’", "’’", "-t-", "--", "—", "…", "..", "M.", "1er",
                           "2024", "°", "%", "&", "<b>", "&nbsp;", "\\", "/"]))
    return draw(_SHORT_TEXT)


@st.composite
def salted(draw, text):
    """`text` with noise inserted at a few random places."""
    n = draw(_int(0, 4))
    for _ in range(n):
        if not text:
            text = draw(noise())
            continue
        i = draw(_int(0, len(text)))
        text = text[:i] + draw(noise()) + text[i:]
    return text


@st.composite
def paragraph(draw):
    shape = draw(_int(0, 9))
    if shape == 0:
        return ""  # empty paragraph
    if shape == 1:
        return draw(_pick([" ", "\t", "\u00a0", "   ", "\u200b", "\ufeff", " \u202f "]))
    if shape == 2:  # headline-like line or a photo caption
        return draw(_pick(["Le PAM alerte sur la faim au Sahel", "« Nous ne partirons pas »",
                           "UNICEF/Awa Diallo Des enfants attendent une distribution.",
                           "(AFP)", "Partager", "Une saison difficile"]))
    sentences = draw(_SENTENCES)
    return draw(salted(" ".join(sentences)))


@st.composite
def articles(draw):
    """A whole article (str)."""
    shape = draw(_int(0, 9))
    if shape == 0:
        return draw(_ANY_TEXT)  # anything at all, now and then
    if shape <= 3:
        return draw(corpus_articles())  # real paragraphs made hostile
    paras = draw(_PARAGRAPHS)
    text = ""
    for k, p in enumerate(paras):
        if k:
            text += draw(_pick(LINE_ENDS))
        text += p
    if draw(_int(0, 5)) == 0:
        text = draw(_pick(["\ufeff", "\u200f", " ", "\n", "»", "\x00"])) + text
    return draw(salted(text))


def _corpus_paragraphs() -> list[str]:
    """Paragraphs of the articles kept in the repository (corpus/articles, corpus/golden)."""
    root = Path(__file__).resolve().parents[1] / "corpus"
    paras = []
    for path in sorted(root.glob("articles/*.txt")) + sorted(root.glob("golden/*.txt")):
        text = re.sub(r"\A\s*date \S+", "", path.read_text(encoding="utf-8"))
        paras += [p.strip() for p in text.split("\n") if p.strip()]
    return paras


CORPUS = _corpus_paragraphs()
_QUOTE_MARK = re.compile("[«»“”„\"‹›‘’]")


@st.composite
def mutated(draw, text):
    """A real paragraph made hostile: marks changed, dropped or added, a cut, capitals, spaces."""
    for _ in range(draw(_int(1, 3))):
        kind = draw(_int(0, 6))
        if kind == 0:  # every « » becomes another pair
            pair = draw(_pick(_MARKS))
            text = text.replace("«", pair[0]).replace("»", pair[1])
        elif kind == 1:  # one quotation mark removed or replaced
            marks = [m.start() for m in _QUOTE_MARK.finditer(text)]
            if marks:
                i = draw(_pick(marks))
                text = text[:i] + draw(_pick(["", "«", "»", '"', "“", "”", "'", "« «"])) + text[i + 1:]
        elif kind == 2:  # cut anywhere
            i = draw(_int(0, len(text)))
            text = text[:i] if draw(_BOOL) else text[i:]
        elif kind == 3:  # a slice in capitals
            i = draw(_int(0, len(text)))
            j = draw(_int(i, min(len(text), i + 80)))
            text = text[:i] + text[i:j].upper() + text[j:]
        elif kind == 4:  # spaces become other spaces
            text = text.replace(" ", draw(_pick(_PADS[1:] + ["\t", "\n", "\r\n", " \u200b"])), draw(_int(1, 6)))
        elif kind == 5:  # glued guillemets, or spaced apostrophes
            text = text.replace("« ", "«").replace(" »", "»") if draw(_BOOL) else text.replace("'", "' ")
        else:
            text = draw(salted(text))
    return text


@st.composite
def corpus_articles(draw):
    """One to four paragraphs of our own articles, mutated."""
    paras = draw(st.lists(_pick(CORPUS), min_size=1, max_size=4))
    out = ""
    for k, p in enumerate(paras):
        if k:
            out += draw(_pick(LINE_ENDS))
        out += draw(mutated(p))
    return out


# strategies built once (module globals, looked up when drawing): building them on every draw
# costs more than running the pipeline on the example
person = lru_cache(maxsize=None)(person)
words = lru_cache(maxsize=None)(words)
quoted = lru_cache(maxsize=None)(quoted)
sentence = lru_cache(maxsize=None)(sentence)
noise = lru_cache(maxsize=None)(noise)
paragraph = lru_cache(maxsize=None)(paragraph)
articles = lru_cache(maxsize=None)(articles)
corpus_articles = lru_cache(maxsize=None)(corpus_articles)
_COMBINING_RUN = st.lists(_pick(COMBINING), min_size=1, max_size=4).map("".join)
_SHORT_TEXT = st.text(max_size=8)
_ANY_TEXT = st.text(max_size=300)
_SENTENCES = st.lists(sentence(), min_size=1, max_size=4)
_PARAGRAPHS = st.lists(paragraph(), min_size=0, max_size=6)


def published():
    """Publication dates the schema accepts, including impossible ones and the calendar's ends."""
    return st.one_of(st.none(), _pick(["2024", "2024-03", "2024-03-12", "2024-02-29", "2023-12-31",
                                       "1999-01-01", "2031-07", "0001-01-01", "9999-12-31", "9999",
                                       "0001", "2024-13", "2023-02-29", "0000-00-00"]))


# ---------------------------------------------------------------------------------------------
# Input files for the readers: dataset rows with values of any JSON type, CSV with stray quotes,
# text files with and without a date header, and plain bytes.

DATE_LIKE = ["2024", "2024-03", "2024-03-12", "2024-13", "2023-02-29", "0000", "٢٠٢٤-٠٣",
             "2024-03-12T10:00:00Z", "5 novembre 2021", "novembre 2021", "hier", "mardi",
             "31/02/2024", "12/03/2024", "1700000000", "nan", "NaT", "-", "9999-12-31", "10000"]
_JSON_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                        _pick(DATE_LIKE), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
_ODD_IDS = ["a/b", "../../x", "..", ".hidden", "x" * 300, "é" * 150, "a\\b", "a\x00b", "  ", "nan",
            "un001"]
_ID = st.one_of(_pick(_ODD_IDS), st.text(max_size=20), _JSON_VALUE)
_CELL = st.one_of(st.text(max_size=40), _pick(DATE_LIKE), _pick(WORDS), _pick(NAMES))


@st.composite
def jsonl_bytes(draw):
    import json
    lines = []
    for _ in range(draw(_int(0, 5))):
        shape = draw(_int(0, 5))
        if shape == 0:
            lines.append(draw(st.text(max_size=40)))  # not JSON, or not an object
            continue
        row = {k: draw(_ID if k == "id" else _JSON_VALUE) for k in draw(st.lists(_pick(["id", "text", "date", "title", "url", "x"]),
                                                               max_size=5, unique=True))}
        if shape >= 2:
            row["text"] = draw(articles()) if shape >= 3 else draw(_JSON_VALUE)
        lines.append(json.dumps(row, ensure_ascii=draw(_BOOL)))
    data = draw(_pick(["\n", "\r\n", "\n\n"])).join(lines).encode("utf-8")
    if draw(_int(0, 4)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


@st.composite
def csv_bytes(draw):
    import csv
    import io
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=draw(_pick(["\n", "\r\n", "\r"])))
    header = draw(st.lists(_pick(["id", "text", "date", "title", "url", "x"]), min_size=0, max_size=5,
                           unique=True))
    if draw(_int(0, 5)):
        header = ["text"] + [h for h in header if h != "text"]
    writer.writerow(header)
    for _ in range(draw(_int(0, 5))):
        row = [draw(articles()) if h == "text" and draw(_int(0, 4)) else
               draw(st.one_of(_pick(_ODD_IDS), _CELL)) if h == "id" else draw(_CELL)
               for h in header]
        row = row[:draw(_int(0, len(row) + 1))] + (["extra"] if draw(_int(0, 6)) == 0 else [])
        writer.writerow(row)
    text = buf.getvalue()
    for _ in range(draw(_int(0, 2))):  # stray quotation marks or separators
        i = draw(_int(0, len(text)))
        text = text[:i] + draw(_pick(['"', ",", "\n", "\r", '""', "\x00"])) + text[i:]
    return text.encode("utf-8")


@st.composite
def txt_bytes(draw):
    text = draw(articles())
    if draw(_BOOL):
        header = draw(_pick([" date 2024-03", "date 2024-03-12", " date 2024-13", "date 2023-02-29",
                             " date ٢٠٢٤-03", "date 2024-03-12\n", " date 2024", "date  2024-03\t"]))
        text = header + draw(_pick([" ", "\n", "\r\n", ""])) + text
    data = text.encode("utf-8")
    if draw(_int(0, 4)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(_int(0, 4)) == 0 and data:  # a byte that is not UTF-8
        i = draw(_int(0, len(data)))
        data = data[:i] + draw(_pick([b"\xe9", b"\xff", b"\x80", b"\xc3"])) + data[i:]
    return data


def input_files():
    """(extension, bytes) of an input file."""
    return st.one_of(st.tuples(st.just(".jsonl"), jsonl_bytes()), st.tuples(st.just(".csv"), csv_bytes()),
                     st.tuples(st.just(".txt"), txt_bytes()),
                     st.tuples(_pick([".txt", ".csv", ".jsonl"]), st.binary(max_size=300)))
