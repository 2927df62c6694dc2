"""Regression on the golden corpus (ours) and, when present, on ../shared/corpus/dev: every metric
must stay at or above the figure in tests/golden_baseline.json. Raising it is a deliberate commit."""
import json
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate_dir
from pipeline.readers.txt import read_txt

ROOT = Path(__file__).resolve().parents[1]
BASELINE = json.loads((Path(__file__).parent / "golden_baseline.json").read_text())
CORPORA = {"golden": ROOT / "corpus" / "golden", "dev": ROOT.parent / "shared" / "corpus" / "dev"}


@pytest.mark.parametrize("name", sorted(BASELINE))
def test_metrics_do_not_drop(name, nlp, extract):
    corpus = CORPORA[name]
    if not corpus.exists():
        pytest.skip(f"{corpus} not present")

    def run(path):
        a = read_txt(path)
        return extract(a.text, published=a.published, article_id=a.id)

    metrics, _ = evaluate_dir(corpus, run)
    drops = {k: (metrics.get(k), v) for k, v in BASELINE[name].items()
             if metrics.get(k) is None or metrics[k] < v - 1e-9}
    assert not drops, f"metrics below baseline (now, baseline): {drops}"
