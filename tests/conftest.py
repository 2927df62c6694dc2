"""Shared fixtures: the model loads once per test session."""
import os
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


# Hypothesis profiles for tests/test_fuzz.py. "fast" (the default, what `make test` and CI run) is
# derandomised and keeps no example database, so every run draws the same examples in well under
# a minute; "long" (HYPOTHESIS_PROFILE=long) draws 30 times as many, new ones on every run, and
# remembers failures in .hypothesis/ so the next run replays them first.
from hypothesis import HealthCheck, settings  # noqa: E402

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
            HealthCheck.filter_too_much]
settings.register_profile("fast", max_examples=100, derandomize=True, database=None,
                          deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
