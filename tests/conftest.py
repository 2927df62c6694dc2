"""Shared fixtures: the model loads once per test session."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DEV = ROOT.parent / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def nlp():
    import pipeline
    return pipeline.load()


@pytest.fixture(scope="session")
def extract(nlp):
    from pipeline.core import extract as _extract

    def run(text, published=None, article_id="t"):
        return _extract(text, published=published, article_id=article_id, nlp=nlp)
    return run


def speaker_of(record, fragment):
    """The speaker name of the quotation containing `fragment`."""
    for q in record["quotes"]:
        if fragment in q["text"]:
            return q["speaker_name"]
    raise AssertionError(f"no quotation contains {fragment!r}: {[q['text'] for q in record['quotes']]}")
