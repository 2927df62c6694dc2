"""Fitting the speaker ranker: labels from gold, folds by article, logistic regression."""
from pathlib import Path

from pipeline import ranker

ROOT = Path(__file__).resolve().parents[1]


def _rows():
    rows = []
    for a in range(12):
        for q in range(3):
            # the gold candidate is the one its slot names; a distractor is only salient
            rows.append(ranker.Row(f"a{a}", q, {"incise:names": 1.0, "ctx:salience": 0.2}, 1))
            rows.append(ranker.Row(f"a{a}", q, {"ctx:salience": 1.0}, 0))
            rows.append(ranker.Row(f"a{a}", q, {"null:bias": 1.0}, 0))
    return rows


def test_fit_learns_which_feature_names_the_speaker():
    w = ranker.fit(_rows())
    assert w["incise:names"] > 0 > w["null:bias"]
    assert w["incise:names"] > w["ctx:salience"]


def test_folds_are_by_article_disjoint_and_complete():
    ids = [f"a{i}" for i in range(23)]
    fs = ranker.folds(ids, 5)
    assert sorted(i for f in fs for i in f) == sorted(ids)
    assert all(set(f).isdisjoint(g) for n, f in enumerate(fs) for g in fs[n + 1:])
    assert ranker.folds(ids, 5) == fs  # a fixed seed: the same folds every run


def test_rows_are_labelled_against_the_gold_speaker(nlp):
    corpus = ROOT / "corpus" / "golden"
    gold = ranker.load_gold_dir(corpus)
    gid = sorted(gold)[0]
    hand = ranker.parse_weights((ranker.models_dir() / ranker.HAND).read_text(encoding="utf-8"))
    (_, record, cands), = ranker.run_articles(nlp, corpus, [gid], hand)
    rows = ranker.rows_for(gid, record, cands, gold[gid])
    assert rows and {r.label for r in rows} == {0, 1}
    # the gold speaker is among the candidates of most matched quotations, and a null
    # candidate is labelled positive only for a quotation whose gold speaker is null
    by_quote = {}
    for r in rows:
        by_quote.setdefault(r.quote, []).append(r)
    assert sum(1 for rs in by_quote.values() if any(r.label for r in rs)) >= len(by_quote) * 0.8
    nulls = [r for r in rows if r.features.get("null:bias")]
    assert len(nulls) == len(by_quote)  # one null candidate per quotation
