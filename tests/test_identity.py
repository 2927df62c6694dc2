"""The corpus-wide person identity (`pipeline/identity.py`, the store's `person_key`), on invented
article records (no model): the example of issue 12, short names joined or kept apart, holders
of the timeline, keys independent of the order and split of the runs."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import jsonschema
import pytest

from pipeline import identity
from pipeline import store as store_mod
from pipeline.records import json_schema
from pipeline.store import Store, open_store
from test_store import expected, simulate_run, snapshot

ROOT = Path(__file__).resolve().parents[1]
ORGS = {"ONU": "Organisation des Nations Unies", "MONUSCO": "Mission de l'ONU en RDC",
        "PAM": "Programme alimentaire mondial"}


def article(aid: str, published: str | None, people: list[tuple], speakers: tuple = ("p1",)) -> dict:
    """An article record: `people` = (name, gender, [(title, role, organisation acronym)]);
    one quotation for each id in `speakers`."""
    body = f"Article {aid}. "
    recs, orgs, quotes = [], {}, []
    for k, (name, gender, titles) in enumerate(people, 1):
        start = len(body)
        body += f"{name} a parlé. "
        tits = []
        for text, role, acronym in titles:
            oid = None
            if acronym:
                oid = orgs.setdefault(acronym, f"o{len(orgs) + 1}")
            tits.append({"text": text, "role": role, "organisation_id": oid, "former": False})
        recs.append({"id": f"p{k}", "name": name, "gender": gender,
                     "gender_evidence": [f"{gender}: test"] if gender else [], "titles": tits,
                     "mentions": [{"start": start, "end": start + len(name), "text": name}]})
    organisations = []
    for acronym, oid in orgs.items():
        start = len(body)
        body += f"{acronym}. "
        organisations.append({"id": oid, "name": ORGS[acronym], "acronym": acronym,
                              "aliases": [], "mentions": [{"start": start, "end": start + len(acronym),
                                                           "text": acronym}]})
    for q, sid in enumerate(speakers, 1):
        start = len(body) + 2
        text = f"Phrase {q} de {aid}, dite par quelqu'un"
        body += f"« {text} ». "
        person = next(p for p in recs if p["id"] == sid)
        quotes.append({"id": f"q{q}", "text": text, "start": start, "end": start + len(text),
                       "type": "direct", "speaker_id": sid, "speaker_name": person["name"],
                       "speaker_kind": "person", "cue": "déclarer", "confidence": 0.9,
                       "rule": "incise", "evidence": "a déclaré"})
    return {"schema_version": "1.0", "id": aid, "source": f"test:{aid}", "url": None,
            "title": f"Titre {aid}", "published": published, "language": "fr", "reader": "txt",
            "body": body, "people": recs, "organisations": organisations, "places": [],
            "quotes": quotes, "dates": [], "captions": [], "warnings": []}


def keys(out: Path) -> dict[tuple[str, str], str]:
    with Store(out / store_mod.STORE_NAME, read_only=True) as st:
        return {(a, p): k for a, p, k in
                st.con.execute("SELECT article_id, person_id, person_key FROM people").fetchall()}


def speakers(out: Path) -> dict[str, dict]:
    with Store(out / store_mod.STORE_NAME, read_only=True) as st:
        cols, cur = st.query("SELECT * FROM speakers")
        return {r[0]: dict(zip(cols, r)) for r in cur.fetchall()}


# ---- names -----------------------------------------------------------------------------------

def test_name_keys_fold_accents_honorifics_initials_hyphens_apostrophes():
    ident = identity.default_identity()
    key = lambda n: ident.name(n).key  # noqa: E731
    assert key("António Guterres") == key("ANTONIO GUTERRES") == "antonio guterres"
    assert key("M. Ban Ki-moon") == key("Ban Ki moon") == "ban ki moon"
    assert key("Gilbert F. Houngbo") == key("Gilbert Houngbo") == "gilbert houngbo"
    assert key("Karim A. A. Khan") == "karim khan"
    assert key("Zeid Ra’ad Al-Hussein") == key("Zeid Ra'ad Al Hussein") == "zeid raad al hussein"
    assert key("Mᵐᵉ DiCarlo") == key("Mme Dicarlo") == "dicarlo"
    assert key("Ellen Margrethe Løj") == "ellen margrethe loj"
    assert key("S.E. M. Csaba Kőrösi") == "csaba korosi"
    assert key("Mme N'Diaye") == key("Ndiaye") == "ndiaye"
    # short names: one name word, particles and initials aside
    assert [ident.name(n).short for n in ("M. Mohammed", "M. de Mistura", "Mme Okonjo-Iweala",
                                         "J. Smith", "Amina Mohammed", "Mme Amina Mohammed")] \
        == [True, True, True, True, False, False]


def test_holders_and_their_name_aliases_get_the_timeline_key():
    ident = identity.default_identity()

    def key(name, gender=None, titles=(), published=None):
        f = identity.make_facts(ident, "a", "p1", name, gender, titles, published)
        return identity.base_key(ident, f)

    assert key("António Guterres") == key("Antonio Guterres", "male") == "wd:Q311440"
    assert key("Tedros Adhanom Ghebreyesus") == key("Dr Tedros") == "wd:Q16196017"
    # a spelled-out middle name is another name ("Jean Paul Martin" is not "Jean Martin"),
    # unless the timeline lists it as the holder's alias
    assert key("Jean Paul Martin") != key("Jean Martin")
    assert key("Gilbert Fossoun Houngbo") == key("Gilbert F. Houngbo")
    assert key("Gilbert F. Houngbo") == key("Gilbert Houngbo")
    # a holder without a verified identifier: one name key for the holder and its aliases
    assert key("Stéphane Dujarric de la Rivière") == key("Stéphane Dujarric") == "name:stephane dujarric"
    # a woman named like a male holder is not him
    assert key("Antonio Guterres", "female") == "name:antonio guterres"
    assert key("Paula Reyes") == "name:paula reyes"
    assert key("Mohammed").startswith("surname:mohammed:a:p1")


# ---- the example of issue 12 ---------------------------------------------------------------------

DEPUTY = article("deputy", "2023-03-10", [
    ("Amina Mohammed", "female", [("Vice-Secrétaire générale", "vice-secrétaire général", "ONU")])])
MINISTER = article("minister", "2024-03-12", [
    ("M. Mohammed", "male", [("ministre soudanais des Affaires étrangères", "ministre", None)])])


@pytest.mark.parametrize("order", [("deputy", "minister"), ("minister", "deputy")])
def test_the_deputy_secretary_general_and_a_minister_mohammed_are_two_people(tmp_path, order):
    recs = {"deputy": DEPUTY, "minister": MINISTER}
    for k, aid in enumerate(order):
        simulate_run(tmp_path, [recs[aid]], f"run{k}")
    got = keys(tmp_path)
    assert got[("deputy", "p1")] == "name:amina mohammed"
    assert got[("minister", "p1")] == "surname:mohammed:minister:p1"
    rows = speakers(tmp_path)
    assert len(rows) == 2 and "mixed" not in {r["gender"] for r in rows.values()}
    assert rows["name:amina mohammed"]["speaker"] == "Amina Mohammed"
    assert rows["name:amina mohammed"]["titles"] == "Vice-Secrétaire générale"
    assert rows["surname:mohammed:minister:p1"]["gender"] == "male"


# ---- short names ------------------------------------------------------------------------------

ENVOY = article("envoy", "2022-05-02", [
    ("Fatou Diarra", "female", [("Représentante spéciale", "représentant spécial", "MONUSCO")])])
LATER = article("later", "2023-01-20", [("Mme Diarra", "female", [])])
LATER_TITLED = article("titled", "2023-02-01", [
    ("Mme Diarra", "female", [("cheffe de la MONUSCO", "chef", "MONUSCO")])])
FAR = article("far", "2012-06-01", [("Mme Diarra", "female", [])])
MINISTRE = article("ministre", "2023-01-25", [("Mme Diarra", "female", [("ministre", "ministre", None)])])
BROTHER = article("brother", "2022-09-09", [("Moussa Diarra", "male", [("porte-parole", "porte-parole", "PAM")])])
MR = article("mr", "2023-03-03", [("M. Diarra", "male", [])])
BARE = article("bare", "2023-03-04", [("Diarra", None, [])])


def test_a_short_name_joins_the_one_full_name_that_fits(tmp_path):
    simulate_run(tmp_path, [ENVOY, LATER, LATER_TITLED, FAR, MINISTRE], "run1")
    got = keys(tmp_path)
    assert got[("later", "p1")] == got[("titled", "p1")] == "name:fatou diarra"
    # ten years before the full name: another period; a minister: another role
    assert got[("far", "p1")] == "surname:diarra:far:p1"
    assert got[("ministre", "p1")] == "surname:diarra:ministre:p1"


def test_two_people_of_one_surname_stay_apart(tmp_path):
    simulate_run(tmp_path, [ENVOY, BROTHER, LATER, MR, BARE], "run1")
    got = keys(tmp_path)
    assert got[("envoy", "p1")] == "name:fatou diarra" != got[("brother", "p1")] == "name:moussa diarra"
    assert got[("later", "p1")] == "name:fatou diarra"  # gender tells them apart
    assert got[("mr", "p1")] == "name:moussa diarra"
    assert got[("bare", "p1")] == "surname:diarra:bare:p1"  # nothing tells: both fit, none taken


def test_two_holders_of_one_surname_stay_apart(tmp_path, monkeypatch):
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    with open(models / "role_holders.tsv", "a", encoding="utf-8") as fh:  # an invented holder
        fh.write("\nreprésentant spécial\tminusca\tModibo Keita\tmale\t2019-01-01\t2021-12-31\t\t"
                 "Q999999999\ttest row\n")
    monkeypatch.setenv("PIPELINE_MODELS", str(models))
    recs = [article("bintou", "2022-01-10", [("Bintou Keita", "female", [])]),
            article("modibo", "2020-01-10", [("Modibo Keita", "male", [])]),
            article("mme", "2023-01-10", [("Mme Keita", "female", [])]),
            article("m", "2021-01-10", [("M. Keita", "male", [])]),
            article("chef", "2022-06-10", [("Keita", None, [("cheffe de la MONUSCO", "chef", "MONUSCO")])]),
            article("who", "2021-06-10", [("Keita", None, [])])]
    out = tmp_path / "out"
    simulate_run(out, recs, "run1")
    got = keys(out)
    bintou = got[("bintou", "p1")]
    assert bintou == "name:bintou keita" and got[("modibo", "p1")] == "wd:Q999999999"
    assert got[("mme", "p1")] == bintou and got[("chef", "p1")] == bintou
    assert got[("m", "p1")] == "wd:Q999999999"
    assert got[("who", "p1")] == "surname:keita:who:p1"


# ---- the same keys whatever the runs ----------------------------------------------------------------

def test_a_known_official_gets_the_same_wikidata_key_in_separate_runs(tmp_path):
    one = article("sg1", "2021-06-01", [("António Guterres", "male",
                                         [("Secrétaire général", "secrétaire général", "ONU")])])
    two = article("sg2", "2024-09-01", [("M. Guterres", "male", [("chef de l'ONU", "chef", "ONU")])])
    three = article("sg3", "2010-02-01", [("Antonio Guterres", "male",
                                           [("Haut-Commissaire", "haut-commissaire", None)])])
    for k, rec in enumerate((one, two, three)):
        simulate_run(tmp_path / f"out{k}", [rec], "run")
    assert {k for out in tmp_path.glob("out*") for k in keys(out).values()} == {"wd:Q311440"}


RECORDS = [ENVOY, LATER, LATER_TITLED, FAR, MINISTRE, BROTHER, MR, BARE, DEPUTY, MINISTER]


@pytest.mark.parametrize("runs", [
    [RECORDS],
    [RECORDS[::-1]],
    [[LATER, MR, BARE, MINISTER], [FAR, DEPUTY], [ENVOY, BROTHER, LATER_TITLED, MINISTRE]],
    [[LATER], [BROTHER], [MR, BARE], [ENVOY], [LATER_TITLED, FAR, MINISTRE, MINISTER, DEPUTY]],
])
def test_keys_do_not_depend_on_the_order_or_split_of_the_runs(tmp_path, runs):
    for k, recs in enumerate(runs):
        simulate_run(tmp_path, recs, f"run{k}", batch=2)
    assert snapshot(tmp_path) == expected(RECORDS)
    # a short name seen before its full name is joined when the full name arrives; removing the
    # full name puts it back on its own
    got = keys(tmp_path)
    assert got[("later", "p1")] == "name:fatou diarra"
    with open_store(tmp_path) as st:
        st.remove(["envoy"])
    assert keys(tmp_path)[("later", "p1")] == "surname:diarra:later:p1"
    with open_store(tmp_path) as st:  # the rebuild of `store --rebuild`: same keys
        st.clear()
        st.write_records(RECORDS)
    assert snapshot(tmp_path)["people"] == expected(RECORDS)["people"]


def test_quotes_join_speakers_by_key_in_the_csv_files(tmp_path):
    simulate_run(tmp_path, RECORDS, "run1")
    with open_store(tmp_path) as st:
        st.export(tmp_path, ["csv"])

    def read(table):
        with open(tmp_path / "csv" / f"{table}.csv", newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    quotes, people, spk = read("quotes"), read("people"), read("speakers")
    by_key = {r["person_key"]: r for r in spk}
    assert all(q["person_key"] in by_key for q in quotes if q["speaker_kind"] == "person")
    for key, row in by_key.items():
        assert int(row["n_quotes"]) == sum(q["person_key"] == key for q in quotes)
    assert {p["person_key"] for p in people} == set(by_key)
    assert by_key["name:fatou diarra"]["n_quotes"] == "3"


def test_person_key_is_not_in_the_article_record():
    """The key depends on the corpus, so it lives in the store, not in the JSON record."""
    schema = json_schema()
    assert "person_key" not in schema["properties"]["people"]["items"]["properties"]
    jsonschema.validate(DEPUTY, schema)


def test_the_report_counts_the_most_quoted_by_person_key(tmp_path):
    import re

    from pipeline.report.build import build_report

    simulate_run(tmp_path, [ENVOY, LATER, LATER_TITLED, DEPUTY, MINISTER], "run1")
    html = (build_report(tmp_path) / "dashboard.html").read_text(encoding="utf-8")
    table = html[html.index('id="table-people"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr><td><a [^>]*>([^<]+)</a></td><td>[^<]*</td><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td></tr>', table)
    assert rows[0] == ("Fatou Diarra", "3", "3")  # "Mme Diarra" twice is Fatou Diarra
    assert sorted(r[0] for r in rows) == ["Amina Mohammed", "Fatou Diarra", "M. Mohammed"]
    # without the store, each article's own key: the short names stay apart
    (tmp_path / store_mod.STORE_NAME).unlink()
    html = (build_report(tmp_path) / "dashboard.html").read_text(encoding="utf-8")
    assert html.count(">Mme Diarra</a>") == 2 and ">Fatou Diarra</a>" in html


def test_the_store_and_the_in_memory_resolver_agree(tmp_path):
    """`identity.resolve` (a corpus held in memory) gives the keys the store gives."""
    from pipeline.tables import published_date

    ident = identity.default_identity()
    simulate_run(tmp_path, RECORDS, "run1")
    people = [(f, None) for rec in RECORDS
              for f in identity.record_facts(ident, rec, published_date(rec["published"]))]
    assert identity.resolve(ident, people) == keys(tmp_path)
