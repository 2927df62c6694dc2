"""French date expressions: grammar, offsets, resolution against the publication date."""
import time

import pytest
import spacy

from pipeline.records import DateExpr
from pipeline.stages.dates import DateFinder, find_dates


def one(text, published=None):
    found = find_dates(text, published)
    assert len(found) == 1, found
    d = found[0]
    assert text[d.start:d.end] == d.text
    return d


def pairs(text, published=None):
    return [(d.text, d.value, d.precision) for d in find_dates(text, published)]


@pytest.mark.parametrize("text, expr, value, precision", [
    ("La session s'ouvrira mardi 23 septembre 2025 à New York.", "mardi 23 septembre 2025", "2025-09-23", "day"),
    ("L'accord a été signé le 29 mai 2023 à Genève.", "le 29 mai 2023", "2023-05-29", "day"),
    ("Le texte adopté le 1er juin 2023 entre en vigueur.", "le 1er juin 2023", "2023-06-01", "day"),
    ("Le pays a adhéré à la convention en 2015.", "en 2015", "2015", "year"),
    ("Les élections auront lieu en septembre 2024.", "en septembre 2024", "2024-09", "month"),
    ("Le rapport de septembre 2024 est sévère.", "septembre 2024", "2024-09", "month"),
    ("Le document daté du 05/11/2021 a circulé.", "05/11/2021", "2021-11-05", "day"),
    ("Le programme prendra fin 2026.", "fin 2026", "2026", "year"),
])
def test_absolute_dates_resolve_without_publication(text, expr, value, precision):
    d = one(text, None)
    assert (d.text, d.value, d.precision) == (expr, value, precision)


def test_offsets_are_character_offsets():
    text = "« Très bien », a dit l’envoyé spécial, arrivé à Genève le 29 mai 2023."
    d = one(text)
    assert d.start == text.index("le 29 mai") and d.end == len(text) - 1


def test_weekdays_need_a_day_precise_publication():
    text = "Le Secrétaire général s'est exprimé lundi devant la presse."
    assert pairs(text, "2023-05-17") == [("lundi", "2023-05-15", "day")]  # a Wednesday
    assert pairs(text, "2023-05") == [("lundi", None, None)]
    assert pairs(text, None) == [("lundi", None, None)]


def test_weekday_variants():
    pub = "2023-05-17"  # Wednesday
    assert pairs("Il l'a annoncé mercredi.", pub) == [("mercredi", "2023-05-17", "day")]
    assert pairs("Il l'a annoncé mardi dernier.", pub) == [("mardi dernier", "2023-05-16", "day")]
    assert pairs("Elle s'était rendue sur place mercredi dernier.", pub) == [
        ("mercredi dernier", "2023-05-10", "day")]
    assert pairs("Le vote aura lieu vendredi prochain.", pub) == [
        ("vendredi prochain", "2023-05-19", "day")]
    assert pairs("Réunion ce jeudi matin.", pub) == [("ce jeudi matin", "2023-05-11", "day")]


def test_day_month_without_year_needs_the_year():
    text = "La trêve avait été proclamée le 29 mai."
    assert pairs(text, "2023-05") == [("le 29 mai", "2023-05-29", "day")]
    assert pairs(text, "2023") == [("le 29 mai", "2023-05-29", "day")]
    assert pairs(text, None) == [("le 29 mai", None, None)]


def test_relative_expressions():
    pub = "2023-05-17"
    text = ("Hier, l'agence a publié son rapport. Aujourd'hui, les ministres se réunissent. "
            "La semaine dernière, le Conseil avait siégé. Le mois prochain, une mission partira. "
            "L'année dernière, le budget avait baissé. En septembre, la saison des pluies.")
    assert pairs(text, pub) == [
        ("Hier", "2023-05-16", "day"),
        ("Aujourd'hui", "2023-05-17", "day"),
        ("La semaine dernière", "2023-05-08", "day"),  # the Monday of that week
        ("Le mois prochain", "2023-06", "month"),
        ("L'année dernière", "2022", "year"),
        ("En septembre", "2023-09", "month"),
    ]
    month_only = pairs(text, "2023-05")
    assert [v for _, v, _ in month_only] == [None, None, None, "2023-06", "2022", "2023-09"]
    assert [v for _, v, _ in pairs(text, None)] == [None] * 6


def test_ago_and_this():
    pub = "2023-05-17"
    assert pairs("Il y a trois jours, un convoi a été attaqué.", pub) == [
        ("Il y a trois jours", "2023-05-14", "day")]
    assert pairs("Cette année, les besoins ont doublé.", "2023-05") == [("Cette année", "2023", "year")]
    assert pairs("Il y a dix ans, la mission était créée.", "2023") == [("Il y a dix ans", "2013", "year")]


def test_each_year_of_a_pair():
    assert pairs("Entre 2010 et 2014, les effectifs ont doublé.") == [
        ("2010", "2010", "year"), ("2014", "2014", "year")]
    assert pairs("Le plan 2015-2030 est en cours.") == [("2015", "2015", "year"), ("2030", "2030", "year")]


def test_day_range_gives_two_expressions():
    assert pairs("La conférence se tiendra du 13 au 15 décembre 2023 à Dubaï.") == [
        ("13", "2023-12-13", "day"), ("15 décembre 2023", "2023-12-15", "day")]
    assert pairs("Les pourparlers ont eu lieu du 28 novembre au 2 décembre 2023.") == [
        ("28 novembre", "2023-11-28", "day"), ("2 décembre 2023", "2023-12-02", "day")]
    # no year anywhere: the first day borrows the month, and still needs the publication year
    assert pairs("Réunion du 3 au 5 mai.", "2024-04") == [
        ("3", "2024-05-03", "day"), ("5 mai", "2024-05-05", "day")]


def test_numbers_that_are_not_years():
    text = ("Plus de 2000 personnes ont fui; 1950 réfugiés sont arrivés. La résolution 2250 et le "
            "document S/2023/123 ont été cités, comme les années 1990.")
    assert find_dates(text, "2023-05-17") == []


def test_invalid_date_is_unresolved_not_guessed():
    assert pairs("Le 31 février 2023 n'existe pas.") == [("Le 31 février 2023", None, None)]


def test_no_false_positive_on_plain_words():
    assert find_dates("Mars est une planète; mai est un mois; le Conseil a siégé.", "2023-05-17") == []


def test_fast_on_a_long_text():
    text = ("Le Conseil de sécurité s'est réuni mardi pour examiner la situation, le 29 mai 2023, "
            "et reprendra ses travaux en septembre. ") * 200
    find_dates(text, "2023-05-17")
    start = time.perf_counter()
    found = find_dates(text, "2023-05-17")
    assert len(found) == 600
    assert time.perf_counter() - start < 0.5


def test_spacy_component():
    nlp = spacy.blank("fr")
    nlp.add_pipe("onu_dates")
    assert isinstance(nlp.get_pipe("onu_dates"), DateFinder)
    doc = nlp.make_doc("Le Secrétaire général s'est rendu hier à Nairobi.")
    doc._.published = "2023-05-17"
    doc = nlp.get_pipe("onu_dates")(doc)
    assert doc._.dates == [DateExpr(text="hier", start=34, end=38, value="2023-05-16", precision="day")]
    assert nlp("Il est arrivé hier.")._.dates[0].value is None  # no publication date


@pytest.mark.parametrize("published", ["2021-13", "2021-02-30", "hier", "2021-11-05T10:00", ""])
def test_unusable_publication_date_is_treated_as_unknown(published):
    assert pairs("Il est arrivé hier, le 29 mai 2023.", published) == [
        ("hier", None, None), ("le 29 mai 2023", "2023-05-29", "day")]


@pytest.mark.parametrize("text, expr, value", [
    # published on Wednesday 2023-05-17: a weekday hanging on a future verb is the next one
    ("Le Conseil de sécurité se réunira jeudi pour examiner le rapport.", "jeudi", "2023-05-18"),
    ("Le projet de texte sera adopté vendredi, selon plusieurs diplomates.", "vendredi", "2023-05-19"),
    ("La coordonnatrice va se rendre lundi dans la région de Kidal.", "lundi", "2023-05-22"),
    ("Le Haut-Commissaire se rendra mardi au camp de Dadaab.", "mardi", "2023-05-23"),
    # ... and the past or the present keep the most recent one
    ("La coordonnatrice s'est rendue lundi dans la région de Kidal.", "lundi", "2023-05-15"),
    ("Il a annoncé mardi que le Conseil se réunirait bientôt.", "mardi", "2023-05-16"),
])
def test_weekday_on_a_future_verb_is_the_next_one(extract, text, expr, value):
    dates = extract(text, published="2023-05-17")["dates"]
    assert [(d["text"], d["value"]) for d in dates] == [(expr, value)]


def test_find_dates_takes_the_future_hint():
    text = "Le Conseil se réunira jeudi."
    assert pairs(text, "2023-05-17") == [("jeudi", "2023-05-11", "day")]  # text alone: the past
    found = find_dates(text, "2023-05-17", is_future=lambda start, end: True)
    assert [(d.text, d.value) for d in found] == [("jeudi", "2023-05-18")]


def test_relative_dates_at_the_ends_of_the_calendar_are_unresolved_not_fatal():
    # found by tests/test_fuzz.py: "demain" published 9999-12-31 raised OverflowError and the
    # whole article failed
    assert pairs("demain, mardi prochain", "9999-12-31") == [
        ("demain", None, None), ("mardi prochain", None, None)]
    assert pairs("hier et mardi", "0001-01-01") == [("hier", None, None), ("mardi", None, None)]
    assert pairs("aujourd'hui", "9999-12-31") == [("aujourd'hui", "9999-12-31", "day")]
