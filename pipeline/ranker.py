"""Fitting and measuring the speaker ranker (`pipeline/stages/attribution.py`).

The attribution stage scores every candidate speaker of a quotation with a linear function of
its features; the weights live in `models/speaker_ranker.json`. This module fits them on gold
articles with scikit-learn's logistic regression (one row per candidate, label: is the gold
speaker) and measures the fit the way the project reports anything fit to data: k folds *by
article*, each fold scored by the project's scorer with weights fit on the other folds only.

    python -m pipeline.ranker fit corpus/golden ../shared/corpus/dev --folds 5 \
        --out models/speaker_ranker.json

Rows are collected with the hand-set starting weights (`models/speaker_ranker_hand.json`), so
the features that depend on earlier decisions (the previous quotation's speaker) never come
from a fit that saw the held-out articles.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from .evaluate import (LENIENT, _same_org, adapt, evaluate_predictions, load_gold_dir,
                       match_quotes, norm_name, same_speaker)
from .resources import models_dir, parse_weights

HAND = "speaker_ranker_hand.json"


@dataclass
class Row:
    article: str
    quote: int  # index of the quotation in the article's predictions
    features: dict[str, float]
    label: int


def _attributor(nlp):
    pipe = nlp.get_pipe("onu_attribution")
    return getattr(pipe, "stage", pipe)


def run_articles(nlp, corpus: Path, ids: Iterable[str], weights: dict[str, float]):
    """Run the pipeline on `<id>.txt` of `corpus` with the given ranker weights; yields
    (id, record, quote candidates) per article."""
    from .core import process
    from .readers.txt import read_txt

    att = _attributor(nlp)
    saved = att.weights
    att.weights = weights
    try:
        for gid in ids:
            article = read_txt(corpus / f"{gid}.txt")
            doc = process(nlp, article)
            if doc._.errors:
                raise RuntimeError(f"{gid}: " + "; ".join(doc._.errors))
            cands = [q.extra.get("candidates", []) for q in doc._.quotes or []]
            yield gid, doc._.record, cands
    finally:
        att.weights = saved


def _is_gold(candidate, gold_speaker: Optional[str], gdoc, pdoc) -> bool:
    e = candidate.entity
    if not norm_name(gold_speaker):
        return e is None or e.kind == "unnamed"
    if e is None or not e.speaker_name:
        return False
    if e.kind == "organisation":
        return same_speaker(gold_speaker, e.name) or _same_org(gdoc, gold_speaker, pdoc, e.name)
    return same_speaker(gold_speaker, e.name)


def rows_for(gid: str, record: dict, cands: list, gold: dict) -> list[Row]:
    """Training rows of one article: the candidates of every predicted quotation that matches
    a gold quotation (lenient overlap), labelled against the gold speaker."""
    gdoc, pdoc = adapt(gold), adapt(record)
    pairs = match_quotes(pdoc.quotes, gdoc.quotes, LENIENT)
    rows = []
    for gi, pi in pairs:
        speaker = gdoc.quotes[gi].speaker
        for c in cands[pi]:
            rows.append(Row(gid, pi, dict(c.features), int(_is_gold(c, speaker, gdoc, pdoc))))
    return rows


def collect(nlp, corpora: list[Path], weights: dict[str, float]) -> tuple[list[Row], dict]:
    """Rows of every gold article of the corpora, and `{id: (corpus, gold)}`."""
    rows: list[Row] = []
    golds = {}
    for corpus in corpora:
        g = load_gold_dir(corpus)
        for gid, rec, cands in run_articles(nlp, corpus, g, weights):
            rows.extend(rows_for(gid, rec, cands, g[gid]))
            golds[gid] = (corpus, g[gid])
    return rows, golds


def fit(rows: list[Row], c: float = 1.0, balanced: bool = True) -> dict[str, float]:
    """Logistic regression on the candidate rows (label: the candidate is the gold speaker);
    the coefficients are the ranker's weights (the intercept is the same for every candidate
    of a quotation, so it never changes a ranking). A pairwise fit on feature differences
    (gold candidate minus each other one) was tried and held out 2 points lower."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sparse=True)
    x = vec.fit_transform([r.features for r in rows])
    y = [r.label for r in rows]
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit(x, y)
    names = vec.get_feature_names_out()
    return {str(n): round(float(w), 4) for n, w in zip(names, model.coef_[0])}


def folds(ids: list[str], k: int, seed: int = 13) -> list[list[str]]:
    """k folds of article ids, shuffled with a fixed seed."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)


def ranking_accuracy(rows: list[Row], weights: dict[str, float]) -> float:
    """Share of quotations whose best-scored candidate is labelled the gold speaker (over the
    quotations that have one): what the stage's choice would be, from the rows alone."""
    groups: dict[tuple, list[Row]] = {}
    for r in rows:
        groups.setdefault((r.article, r.quote), []).append(r)
    right = total = 0
    for group in groups.values():
        if not any(r.label for r in group):
            continue
        total += 1
        best = max(group, key=lambda r: sum(weights.get(f, 0.0) * v for f, v in r.features.items()))
        right += best.label
    return right / total if total else 0.0


def select_c(rows: list[Row], k: int = 4, grid: tuple = C_GRID) -> float:
    """The regularisation strength, chosen by an inner cross-validation by article on these
    rows only (ranking accuracy of the held-out articles' quotations); ties go to the
    stronger regularisation."""
    ids = sorted({r.article for r in rows})
    best_c, best = grid[0], -1.0
    for c in grid:
        right = []
        for fold in folds(ids, k, seed=29):
            held = set(fold)
            w = fit([r for r in rows if r.article not in held], c)
            right.append(ranking_accuracy([r for r in rows if r.article in held], w))
        acc = sum(right) / len(right)
        if acc > best + 1e-9:
            best_c, best = c, acc
    return best_c


def cross_validate(nlp, rows: list[Row], golds: dict, k: int, c: Optional[float] = 1.0,
                   seed: int = 13) -> dict:
    """Each fold's articles are re-run with weights fit on the other folds' rows and scored;
    the metrics are over all held-out predictions together. With `c=None` the regularisation
    strength is chosen inside each training part (`select_c`), never on the held-out fold."""
    preds = {}
    for fold in folds(list(golds), k, seed):
        held = set(fold)
        train = [r for r in rows if r.article not in held]
        weights = fit(train, c if c is not None else select_c(train))
        by_corpus: dict[Path, list[str]] = {}
        for gid in fold:
            by_corpus.setdefault(golds[gid][0], []).append(gid)
        for corpus, ids in by_corpus.items():
            for gid, rec, _ in run_articles(nlp, corpus, ids, weights):
                preds[gid] = rec
    metrics, _ = evaluate_predictions(preds, {gid: g for gid, (_, g) in golds.items()},
                                      identity=False)
    by_corpus: dict[str, dict] = {}
    for corpus in sorted({str(c) for c, _ in golds.values()}):
        part = {gid: g for gid, (c, g) in golds.items() if str(c) == corpus}
        by_corpus[corpus], _ = evaluate_predictions({gid: preds[gid] for gid in part}, part,
                                                    identity=False)
    metrics["by_corpus"] = by_corpus
    return metrics


def evaluate_weights(nlp, golds: dict, weights: dict[str, float]) -> dict:
    preds = {}
    by_corpus: dict[Path, list[str]] = {}
    for gid, (corpus, _) in golds.items():
        by_corpus.setdefault(corpus, []).append(gid)
    for corpus, ids in by_corpus.items():
        for gid, rec, _ in run_articles(nlp, corpus, ids, weights):
            preds[gid] = rec
    metrics, _ = evaluate_predictions(preds, {gid: g for gid, (_, g) in golds.items()},
                                      identity=False)
    return metrics


KEYS = ("speaker_accuracy", "speaker_accuracy_with_null", "quote_speaker_f1")


def _fmt(m: dict) -> str:
    return "  ".join(f"{k} {m[k]:.3f}" for k in KEYS if m.get(k) is not None)


def _fmt_range(ms: list[dict]) -> str:
    return "  ".join(f"{k} {min(m[k] for m in ms):.3f}-{max(m[k] for m in ms):.3f}"
                     for k in KEYS if all(m.get(k) is not None for m in ms))


def _mean(runs: list[dict]) -> dict:
    """The held-out metrics averaged over fold assignments (with each corpus's part): one
    assignment alone moves the figures by a few quotations."""
    def avg(ms: list[dict]) -> dict:
        keys = [k for k in ms[0] if isinstance(ms[0][k], (int, float)) and
                all(isinstance(m.get(k), (int, float)) for m in ms)]
        return {k: sum(m[k] for m in ms) / len(ms) for k in keys}

    out = avg(runs)
    out["by_corpus"] = {c: avg([r["by_corpus"][c] for r in runs]) for c in runs[0]["by_corpus"]}
    return out


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.ranker", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fit", help="fit the weights on gold corpora; report k-fold figures")
    f.add_argument("corpora", nargs="+")
    f.add_argument("--folds", type=int, default=5)
    f.add_argument("--repeats", type=int, default=3,
                   help="fold assignments (seeds) averaged: one moves a few quotations (3)")
    f.add_argument("--c", type=float, default=None,
                   help="inverse regularisation strength (default: chosen by inner folds)")
    f.add_argument("--out", default=None, help="write the weights here (default: print only)")
    args = p.parse_args(argv)

    from .core import load

    nlp = load()
    hand = parse_weights((models_dir() / HAND).read_text(encoding="utf-8"))
    corpora = [Path(c) for c in args.corpora if Path(c).exists()]
    rows, golds = collect(nlp, corpora, hand)
    print(f"{len(golds)} articles, {len({(r.article, r.quote) for r in rows})} matched quotations, "
          f"{len(rows)} candidate rows", file=sys.stderr)
    hand_m = evaluate_weights(nlp, golds, hand)
    print(f"hand weights, all articles:          {_fmt(hand_m)}")
    runs = [cross_validate(nlp, rows, golds, args.folds, args.c, seed=13 + i)
            for i in range(max(1, args.repeats))]
    cv = _mean(runs)
    print(f"fit, {args.folds} folds by article (held out), mean of {len(runs)} fold assignments: "
          f"{_fmt(cv)}")
    if len(runs) > 1:
        print("    range over the assignments: " + _fmt_range(runs))
    for corpus, m in cv["by_corpus"].items():
        print(f"    held out, {corpus}: {_fmt(m)}  (direct F1 {m['direct_f1_30']:.3f}, "
              f"indirect F1 {m['indirect_f1_30']:.3f})")
        if len(runs) > 1:
            print("        range: " + _fmt_range([r["by_corpus"][corpus] for r in runs]))
    c = args.c if args.c is not None else select_c(rows)
    print(f"regularisation C = {c}" + (" (inner folds)" if args.c is None else ""))
    weights = fit(rows, c)
    full = evaluate_weights(nlp, golds, weights)
    print(f"fit on all articles, scored on them:  {_fmt(full)}")
    if args.out:
        out = {
            "about": "Feature weights of the speaker ranker (pipeline/stages/attribution.py), fit by "
                     "`python -m pipeline.ranker fit` (logistic regression, one row per candidate).",
            "fitted": True,
            "date": date.today().isoformat(),
            "corpora": [str(c) for c in args.corpora],
            "articles": len(golds),
            "regularisation_c": c,
            "regularisation_chosen_by": "given" if args.c is not None else
                                        "inner 4-fold cross-validation by article",
            "held_out": {"folds": args.folds, "by": "article", "fold_assignments": len(runs),
                         **{k: round(cv[k], 4) for k in KEYS if cv.get(k) is not None},
                         "by_corpus": {c: {k: round(m[k], 4) for k in KEYS if m.get(k) is not None}
                                       for c, m in cv["by_corpus"].items()}},
            "hand_weights": {k: round(hand_m[k], 4) for k in KEYS if hand_m.get(k) is not None},
            "weights": dict(sorted(weights.items())),
        }
        Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
        print(f"weights written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
