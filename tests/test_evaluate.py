"""Tests for pipeline.evaluate: the scoring rules of ANNOTATION.md, with no NLP model."""
from __future__ import annotations

import copy
from collections import Counter
import json
from pathlib import Path

import pytest

from pipeline import evaluate as ev

DEV = Path(__file__).resolve().parents[1].parent / "shared/corpus/dev"


def q(text, type="direct", speaker=None):
    """A predicted quote in the pipeline's record format."""
    return {"text": text, "type": type, "speaker_name": speaker, "speaker_kind": None, "cue": None}


def gq(text, type="direct", speaker=None):
    return {"text": text, "type": type, "speaker": speaker, "cue": None}


def gold(quotes=(), people=(), orgs=()):
    return {"id": "t1", "published": None, "people": list(people),
            "organisations": list(orgs), "quotes": list(quotes)}


def pred(quotes=(), people=(), orgs=()):
    return {"id": "t1", "people": list(people), "organisations": list(orgs),
            "quotes": list(quotes)}


def person(name, gender=None, titles=()):
    return {"name": name, "gender": gender,
            "titles": [{"text": t, "role": None, "organisation_id": None, "former": False}
                       for t in titles]}


# ---------------------------------------------------------------------------- tokens / names

def test_tokens_examples():
    assert ev.tokens("d’elle") == ["d", "elle"]
    assert ev.tokens("l'ONU") == ["l", "onu"]
    assert ev.tokens("« Été  2021 », a-t-il dit.") == ["ete", "2021", "a", "t", "il", "dit"]
    assert ev.tokens("Ça_va") == ["ca", "va"]
    assert ev.tokens("") == [] and ev.tokens(None) == []


def test_norm_name_strips_honorifics_accents_and_spaces():
    assert ev.norm_name("M.  Jean-Pierre   LACROIX") == "jean-pierre lacroix"
    assert ev.norm_name("Mme Michelle Bachelet") == "michelle bachelet"
    assert ev.norm_name("Mme. Bachelet") == "bachelet"
    assert ev.norm_name("MM. Dupont") == "dupont"
    assert ev.norm_name("Dr Tedros") == "tedros"
    assert ev.norm_name("António Guterres") == "antonio guterres"
    assert ev.norm_name("Zeid Ra’ad Al Hussein") == ev.norm_name("Zeid Ra'ad Al Hussein")
    assert ev.surname("Ban Ki-moon") == "ki-moon"
    assert ev.norm_name(None) == "" and ev.norm_name("M.") == ""


def test_same_speaker_by_surname_and_honorific():
    assert ev.same_speaker("Atul Khare", "M. Khare")
    assert ev.same_speaker("Catherine Pollard", "Mme Pollard")
    assert ev.same_speaker("Hans Grundberg", "Grundberg")
    assert ev.same_speaker("António Guterres", "antonio guterres")
    assert ev.same_speaker("Conseil de sécurité", "le Conseil de sécurité")
    assert not ev.same_speaker("Atul Khare", "Jean-Pierre Lacroix")
    assert not ev.same_speaker("Atul Khare", None)
    assert not ev.same_speaker(None, None)  # identity of "nobody" is handled by the null rule


# ---------------------------------------------------------------------------- quote overlap

GOLD_SHORT = "nous avons besoin du soutien des États membres"


def test_two_sided_rule_paragraph_does_not_match_short_gold():
    paragraph = (GOLD_SHORT + ", a déclaré M. Lacroix devant le Conseil de sécurité réuni à New "
                 "York mardi, avant d'ajouter que la réunion de Séoul serait décisive pour "
                 "l'avenir des opérations de maintien de la paix dans le monde entier")
    # Covers 100 % of the gold tokens, but most of the prediction lies outside the gold quote.
    assert not ev.quote_match(paragraph, GOLD_SHORT, 30)
    assert ev.quote_match(GOLD_SHORT, GOLD_SHORT, 80)


def test_thresholds_lenient_vs_strict():
    g = "un deux trois quatre cinq six sept huit neuf dix"
    assert ev.quote_match("un deux trois", g, 30)        # 3/10 of gold, all of the prediction
    assert not ev.quote_match("un deux", g, 30)          # 2/10 < 30 %
    assert not ev.quote_match("un deux trois", g, 80)
    assert ev.quote_match("un deux trois quatre cinq six sept huit", g, 80)  # exactly 80 %
    # Half of the prediction inside the gold quote is enough, less is not.
    assert ev.quote_match("un deux trois onze douze treize", g, 30)
    assert not ev.quote_match("un deux trois onze douze treize quatorze", g, 30)


def test_shared_is_a_multiset_intersection():
    # "la" three times in the prediction counts once against one "la" in gold.
    assert not ev.quote_match("la la la paix", "la paix est fragile maintenant", 80)
    assert ev.shared_tokens(Counter(["la", "la", "paix"]), Counter(["la", "paix"])) == 2


def test_one_to_one_matching():
    g = ["nous avons besoin du soutien des États membres"]
    p = [g[0], g[0]]  # the same quote predicted twice: one hit, one spurious
    assert ev.match_quotes(p, g, 30) == [(0, 0)]
    s = ev.score_article(pred([q(t) for t in p]), gold([gq(t) for t in g]))
    assert s.quotes["all_30"] == ev.Counts(tp=1, n_gold=1, n_pred=2)
    assert [f.kind for f in s.failures] == ["spurious_quote"]


def test_greedy_prefers_larger_overlap():
    g = ["alpha beta gamma delta", "alpha beta gamma delta epsilon zeta eta theta"]
    p = ["alpha beta gamma delta epsilon zeta eta theta"]
    assert ev.match_quotes(p, g, 30) == [(1, 0)]


def test_views_filter_by_type_and_all_ignores_type():
    g = gold([gq("le monde doit agir maintenant", "direct", "Atul Khare"),
              gq("la paix reste fragile au Soudan", "indirect", "Atul Khare")])
    p = pred([q("le monde doit agir maintenant", "indirect", "M. Khare"),
              q("la paix reste fragile au Soudan", "indirect", "Khare")])
    s = ev.score_article(p, g)
    assert s.quotes["direct_30"] == ev.Counts(0, 1, 0)
    assert s.quotes["indirect_30"] == ev.Counts(1, 1, 2)
    assert s.quotes["all_30"] == ev.Counts(2, 2, 2)
    assert s.quotes["all_80"] == ev.Counts(2, 2, 2)
    assert [f.kind for f in s.failures] == ["wrong_type"]
    m = ev.aggregate([s])
    assert m["direct_r_30"] == 0.0 and m["direct_p_30"] is None and m["direct_f1_30"] == 0.0
    assert m["indirect_p_30"] == 0.5 and m["indirect_r_30"] == 1.0
    assert m["all_f1_30"] == 1.0 and m["speaker_accuracy"] == 1.0


# ---------------------------------------------------------------------------- speakers

def test_speaker_accuracy_and_null_gold():
    texts = ["premier propos tenu ce jour", "deuxième propos tenu ce jour",
             "troisième propos tenu ce jour", "quatrième propos tenu ce jour"]
    g = gold([gq(texts[0], speaker="Jean-Pierre Lacroix"),
              gq(texts[1], speaker="Atul Khare"),
              gq(texts[2], speaker=None),
              gq(texts[3], speaker=None)])
    p = pred([q(texts[0], speaker="M. Lacroix"),   # right by surname
              q(texts[1], speaker="Catherine Pollard"),  # wrong
              q(texts[2], speaker=None),           # right: null for null
              q(texts[3], speaker="Atul Khare")])  # wrong: gold speaker is unnamed
    s = ev.score_article(p, g)
    assert (s.speaker_correct, s.speaker_total) == (1, 2)
    assert (s.speaker_correct_with_null, s.speaker_total_with_null) == (2, 4)
    assert s.quote_speaker == ev.Counts(tp=2, n_gold=4, n_pred=4)
    wrong = [f for f in s.failures if f.kind == "wrong_speaker"]
    assert [(f.gold, f.detail) for f in wrong] == [
        (texts[1], "gold 'Atul Khare', predicted 'Catherine Pollard'"),
        (texts[3], "gold None, predicted 'Atul Khare'")]
    m = ev.aggregate([s])
    assert m["speaker_accuracy"] == 0.5 and m["speaker_accuracy_with_null"] == 0.5
    assert m["quote_speaker_f1"] == 0.5


def test_quote_speaker_counts_only_matched_quotes():
    g = gold([gq("le monde doit agir maintenant", speaker="Atul Khare")])
    p = pred([q("le monde doit agir maintenant", speaker="Khare"),
              q("rien à voir avec la citation", speaker="Khare")])
    m = ev.aggregate([ev.score_article(p, g)])
    assert m["quote_speaker_p"] == 0.5 and m["quote_speaker_r"] == 1.0


# ---------------------------------------------------------------------------- people

def test_people_surname_rule_with_shared_surname():
    g = gold(people=[{"name": "Cindy McCain", "gender": "female", "titles": []},
                     {"name": "John McCain", "gender": "male", "titles": []},
                     {"name": "Hans Grundberg", "gender": "male", "titles": []}])
    # "McCain" is ambiguous in gold: no surname match; "Grundberg" is unique: matches.
    p = pred(people=[person("McCain", "female"), person("M. Grundberg", "male")])
    s = ev.score_article(p, g)
    assert s.people == ev.Counts(tp=1, n_gold=3, n_pred=2)
    assert ev.match_people(ev.adapt(p).people, ev.adapt(g).people) == [(2, 1)]
    # Full names still match when the surname is shared.
    p2 = pred(people=[person("John McCain"), person("Cindy McCain")])
    assert ev.match_people(ev.adapt(p2).people, ev.adapt(g).people) == [(0, 1), (1, 0)]


def test_people_surname_rule_needs_unique_prediction_too():
    g = gold(people=[{"name": "Atul Khare", "gender": None, "titles": []}])
    p = pred(people=[person("Rajiv Khare"), person("Sunil Khare")])
    assert ev.score_article(p, g).people.tp == 0


def test_gender_accuracy_and_guesses():
    g = gold(people=[{"name": "Bintou Keita", "gender": "female", "titles": []},
                     {"name": "Atul Khare", "gender": "male", "titles": []},
                     {"name": "Filippo Grandi", "gender": None, "titles": []},
                     {"name": "Abdallah", "gender": None, "titles": []}])
    p = pred(people=[person("Bintou Keita", "female"), person("Atul Khare", "female"),
                     person("Grandi", "male"), person("Abdallah", None)])
    s = ev.score_article(p, g)
    assert (s.gender_correct, s.gender_total, s.gender_guesses) == (1, 2, 1)
    m = ev.aggregate([s])
    assert m["gender_accuracy"] == 0.5 and m["gender_guesses"] == 1


def test_title_recall():
    g = gold(people=[{"name": "Bintou Keita", "gender": "female", "titles": [
        "cheffe de la Monusco",
        "Représentante spéciale du secrétaire général des Nations unies en RDC",
        "émissaire des Nations unies"]}])
    p = pred(people=[person("Mme Keita", "female", titles=[
        "Cheffe de la MONUSCO",                                          # equal tokens
        "la représentante spéciale du Secrétaire général des Nations unies",  # 8/10 tokens
    ])])
    s = ev.score_article(p, g)
    assert (s.titles_found, s.titles_total) == (2, 3)
    assert ev.aggregate([s])["title_recall"] == pytest.approx(2 / 3)


# ---------------------------------------------------------------------------- organisations

def test_organisations_by_alias_and_article():
    g = gold(orgs=[{"name": "Organisation des Nations Unies", "aliases": ["ONU", "l'Organisation"]},
                   {"name": "Organisation mondiale de la santé", "aliases": ["OMS"]},
                   {"name": "Conseil de sécurité", "aliases": []}])
    p = pred(orgs=[
        {"name": "Nations unies", "acronym": "ONU", "aliases": []},        # via acronym
        {"name": "OMS", "acronym": None, "aliases": []},                   # name = gold alias
        {"name": "le Conseil de Sécurité", "acronym": None, "aliases": []},  # article dropped
        {"name": "Banque mondiale", "acronym": None, "aliases": []},
    ])
    s = ev.score_article(p, g)
    assert s.orgs == ev.Counts(tp=3, n_gold=3, n_pred=4)
    assert [f.pred for f in s.failures if f.kind == "spurious_org"] == ["Banque mondiale"]


def test_organisations_one_to_one():
    g = gold(orgs=[{"name": "MONUSCO", "aliases": ["Mission"]},
                   {"name": "MINUSMA", "aliases": ["Mission"]}])
    p = pred(orgs=[{"name": "Mission", "acronym": None, "aliases": []}])
    assert ev.score_article(p, g).orgs == ev.Counts(tp=1, n_gold=2, n_pred=1)
    # A maximum matching keeps both pairs when a greedy one would lose one.
    p2 = pred(orgs=[{"name": "Mission", "acronym": None, "aliases": ["MONUSCO"]},
                    {"name": "MONUSCO", "acronym": None, "aliases": []}])
    g2 = gold(orgs=[{"name": "MONUSCO", "aliases": []},
                    {"name": "Mission", "aliases": []}])
    assert ev.score_article(p2, g2).orgs.tp == 2


# ---------------------------------------------------------------------------- aggregate / report

def test_aggregate_micro_sums_and_empty():
    a = ev.score_article(pred([q("le monde doit agir maintenant")]),
                         gold([gq("le monde doit agir maintenant")]))
    b = ev.score_article(pred([]), gold([gq("la paix reste fragile"), gq("il faut agir vite")]))
    m = ev.aggregate([a, b])
    assert m["all_p_30"] == 1.0 and m["all_r_30"] == pytest.approx(1 / 3)
    assert m["all_f1_30"] == pytest.approx(0.5)
    assert (m["n_articles"], m["n_gold_quotes"], m["n_pred_quotes"]) == (2, 3, 1)
    empty = ev.aggregate([])
    assert empty["n_articles"] == 0 and empty["all_f1_30"] is None


def test_report_and_failures_are_readable():
    s = ev.score_article(pred([q("une phrase inventée de toutes pièces")], [person("Khare")]),
                         gold([gq("le monde doit agir maintenant", speaker="Atul Khare")],
                              [{"name": "Atul Khare", "gender": "male", "titles": []}]))
    report = ev.format_report("unit", ev.aggregate([s]))
    assert "Evaluation: unit" in report and "all_f1_30" in report and "n/a" in report
    fails = ev.format_failures([s])
    assert "== t1" in fails and "missed_quote" in fails and "spurious_quote" in fails
    assert "Atul Khare" in fails
    assert "missed_quote" not in ev.format_failures([s], kinds=["spurious_quote"])


def test_evaluate_dir_with_fake_extract(tmp_path):
    g = gold([gq("le monde doit agir maintenant", speaker="Atul Khare")],
             [{"name": "Atul Khare", "gender": "male", "titles": []}])
    (tmp_path / "t1.gold.json").write_text(json.dumps(g), encoding="utf-8")
    (tmp_path / "t1.txt").write_text("« Le monde doit agir maintenant », a dit M. Khare.",
                                     encoding="utf-8")
    seen = []

    def extract(path):
        seen.append(path.name)
        return pred([q("Le monde doit agir maintenant", speaker="M. Khare")],
                    [person("Atul Khare", "male")])

    metrics, scores = ev.evaluate_dir(tmp_path, extract)
    assert seen == ["t1.txt"] and [s.id for s in scores] == ["t1"]
    assert metrics["all_f1_80"] == 1.0 and metrics["quote_speaker_f1"] == 1.0


# ---------------------------------------------------------------------------- real gold

def _require_dev():
    if not (DEV / "un000.gold.json").is_file():
        pytest.skip(f"shared dev corpus not found at {DEV}")


def test_perfect_prediction_from_real_gold_scores_one():
    _require_dev()
    g = ev.load_gold_dir(DEV)["un000"]
    p = ev.gold_as_prediction(copy.deepcopy(g))
    assert all(isinstance(t, dict) for pp in p["people"] for t in pp["titles"])
    assert "speaker" not in p["quotes"][0] and "speaker_name" in p["quotes"][0]
    s = ev.score_article(p, g)
    assert s.failures == []
    m = ev.aggregate([s])
    rates = [k for k, v in m.items() if isinstance(v, float)]
    assert len(rates) >= 25
    assert {k: m[k] for k in rates} == {k: 1.0 for k in rates}
    assert m["gender_guesses"] == 0 and m["n_gold_quotes"] == len(g["quotes"])


def test_every_dev_gold_file_scores_one_against_itself():
    _require_dev()
    golds = ev.load_gold_dir(DEV)
    preds = {gid: ev.gold_as_prediction(g) for gid, g in golds.items()}
    metrics, scores = ev.evaluate_predictions(preds, golds)
    assert metrics["n_articles"] == len(golds) > 0
    assert ev.format_failures(scores) == ""
    for key in ("all_f1_30", "all_f1_80", "direct_f1_80", "indirect_f1_80", "speaker_accuracy",
                "speaker_accuracy_with_null", "quote_speaker_f1", "people_f1",
                "gender_accuracy", "title_recall", "org_f1"):
        assert metrics[key] == 1.0, key


def test_missing_prediction_costs_recall():
    _require_dev()
    golds = ev.load_gold_dir(DEV)
    metrics, _ = ev.evaluate_predictions({}, golds)
    assert metrics["all_r_30"] == 0.0 and metrics["all_p_30"] is None


def _keyed(name, gender, pid="p1"):
    return {**person(name, gender), "id": pid}


def test_one_key_per_person_counts_splits_and_merges():
    golds = {
        "a1": gold(people=[{"name": "Karim Khan", "gender": "male", "titles": []},
                           {"name": "Ana Ruiz", "gender": "female", "titles": []},
                           {"name": "Jean Martin", "gender": "male", "titles": []}]),
        "a2": gold(people=[{"name": "Karim A. Khan", "gender": "male", "titles": []},
                           {"name": "Ana Ruiz", "gender": "female", "titles": []},
                           {"name": "Jeanne Martin", "gender": "female", "titles": []}]),
    }
    preds = {
        "a1": {**pred(people=[_keyed("Karim Khan", "male", "p1"), _keyed("Ana Ruiz", "female", "p2"),
                              _keyed("Jean Martin", "male", "p3")]), "published": "2024-05-01"},
        # initials fold into one key; a surname alone of the other gender keeps a key of its
        # own (Ruiz split over two keys); "Jean Martin" for Jeanne Martin merges two people
        "a2": {**pred(people=[_keyed("Karim A. Khan", "male", "p1"), _keyed("Ruiz", "male", "p2"),
                              _keyed("Jean Martin", None, "p3")]), "published": "2024-06-01"},
    }
    for gid in golds:
        golds[gid]["id"] = preds[gid]["id"] = gid
    metrics, scores = ev.evaluate_predictions(preds, golds)
    assert metrics["n_gold_identities"] == 4
    assert metrics["person_keys_split"] == 1 and metrics["person_keys_merged"] == 1
    kinds = {(s.id, f.kind, f.gold) for s in scores for f in s.failures
             if f.kind in ("split_person", "merged_person")}
    assert ("a2", "split_person", "Ana Ruiz") in kinds and ("a1", "merged_person", "Jean Martin") in kinds
    assert "person_keys_split" not in ev.evaluate_predictions(preds, golds, identity=False)[0]
