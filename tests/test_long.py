"""Long articles: the model sees them in paragraph-aligned chunks, our stages see them whole
(`pipeline/chunks.py`). A chunked run gives the record of the unchunked run (here with chunks of
2,000 characters, so that a medium text makes many), the context carries across chunks, every
offset is into the whole body, a quotation is never cut, and an article under the chunk size
takes the unchanged path. The texts are written for these tests (made-up people and
statements). No timing is asserted here: `make bench` measures speed and memory (figure (j)).
"""
from __future__ import annotations

import pytest

from pipeline import chunks
from pipeline.chunks import Chunk, plan_chunks
from pipeline.core import extract, process
from pipeline.engines import local
from pipeline.records import Article

SMALL = 2_000  # characters per chunk in these tests

OPENING = (
    "La Représentante spéciale du Secrétaire général pour le Sahel, Ingrid Solvang-Maïga, a "
    "présenté jeudi au Conseil de sécurité son rapport sur la situation dans la région.")
FILLER = [
    "Les agences humanitaires estiment que trois millions de personnes ont besoin d'une aide "
    "alimentaire d'ici à la fin de l'année, selon le Programme alimentaire mondial (PAM).",
    "Plusieurs membres du Conseil ont salué le travail des équipes sur le terrain et rappelé que "
    "les routes restaient coupées pendant la saison des pluies.",
    "Le Haut-Commissariat des Nations Unies pour les réfugiés (HCR) a ouvert deux nouveaux camps "
    "près de la frontière, où vivent déjà quarante mille personnes.",
    "« Nous ne pouvons pas laisser les écoles fermées une année de plus », a déclaré M. Tomas "
    "Okafor-Lind, directeur régional de l'UNICEF, qui a visité Niamey le 12 mars 2024.",
]
LATER = (
    "Mme Solvang-Maïga a ensuite répondu aux questions des délégations. « Le temps de la "
    "patience est passé », a-t-elle affirmé, avant d'appeler les parties à reprendre le dialogue.")
MULTI = (
    "« La première leçon de cette année est simple : sans accès, aucune aide n'arrive.\n\n"
    "« La seconde est que les communautés elles-mêmes savent ce dont elles ont besoin », a "
    "conclu la Représentante spéciale.")


def medium_text() -> str:
    """About 12,000 characters: the speaker named in the first paragraph is quoted, by
    surname and pronoun, in the last ones; a quotation runs over two paragraphs in between."""
    paras = [OPENING]
    k = 0
    while sum(len(p) + 2 for p in paras) < 6_000:
        paras.append(FILLER[k % len(FILLER)])
        k += 1
    paras.append(MULTI)
    while sum(len(p) + 2 for p in paras) < 12_000:
        paras.append(FILLER[k % len(FILLER)])
        k += 1
    paras.append(LATER)
    return "\n\n".join(paras)


@pytest.fixture(scope="module")
def records(nlp):
    text = medium_text()
    whole = extract(text, published="2024-03-14", article_id="long", nlp=nlp, chunk_size=0)
    chunks.TIMINGS = {}  # filled by the chunked path only
    try:
        chunked = extract(text, published="2024-03-14", article_id="long", nlp=nlp,
                          chunk_size=SMALL)
        timings = dict(chunks.TIMINGS)
    finally:
        chunks.TIMINGS = None
    return text, whole, chunked, timings


def test_chunked_record_equals_unchunked(records):
    text, whole, chunked, timings = records
    assert len(text) > 5 * SMALL  # several chunks
    assert "model (chunks)" in timings and "onu_attribution" in timings  # the chunked path ran
    assert whole["quotes"] and whole["people"]
    assert chunked == whole


def test_speaker_named_in_an_earlier_chunk(records):
    text, _, chunked, _ = records
    q = next(q for q in chunked["quotes"] if q["text"].startswith("Le temps de la patience"))
    assert q["start"] > text.index(OPENING) + len(OPENING) + 4 * SMALL  # chunks away from the name
    assert q["speaker_name"] == "Ingrid Solvang-Maïga"
    person = next(p for p in chunked["people"] if p["name"] == "Ingrid Solvang-Maïga")
    assert len(person["mentions"]) >= 2 and person["gender"] == "female"
    assert q["speaker_id"] == person["id"]


def test_offsets_are_into_the_whole_body(records):
    _, _, rec, _ = records
    body = rec["body"]
    spans = [q for q in rec["quotes"]] + rec["dates"]
    for group in ("people", "organisations", "places"):
        for entity in rec[group]:
            spans += entity["mentions"]
    assert len(spans) > 50
    for s in spans:
        assert body[s["start"]:s["end"]] == s["text"], s


def test_quotation_over_two_paragraphs_is_one_quotation(records):
    text, whole, chunked, _ = records
    first = next(q for q in chunked["quotes"] if q["text"].startswith("La première leçon"))
    assert "\n\n« La seconde est que" in first["text"]
    assert first == next(q for q in whole["quotes"] if q["start"] == first["start"])


def test_plan_never_cuts_a_quotation(nlp):
    text = medium_text()
    seg = nlp.get_pipe("onu_segmenter").stage
    blocks, quotes, starts = seg.analyse(text)
    multi = next(q for q in quotes if "\n\n" in text[q.start:q.end])
    for size in (500, 800, 1_000, 1_500, SMALL, 3_000):
        plan = plan_chunks(text, blocks, quotes, starts, size)
        assert plan[0].start == 0 and plan[-1].end == len(text)
        for a, b in zip(plan, plan[1:]):
            assert a.end == b.start
        for c in plan:
            assert c.ctx_start <= c.start < c.end <= c.ctx_end
        for c in plan[1:]:
            # a cut is at a paragraph start, after whitespace, outside every quotation
            assert text[c.start - 1].isspace() and not text[c.start].isspace()
            assert text[c.start - 2:c.start] == "\n\n", (size, text[c.start - 30:c.start + 30])
            for q in quotes:  # never between the marks, nor right before the closing one
                close = text.index("»", q.end) if q.closed else q.end
                assert not q.start <= c.start <= close, (size, c, text[q.start - 2:close + 1])
            assert not multi.start <= c.start <= multi.end


def test_plan_never_cuts_before_a_closing_mark():
    # one paragraph that is all quotation, with spaces inside the marks: a cut falls outside
    quote = "« " + " ".join(["mot"] * 400) + " »"
    text = "Il a dit : " + quote + " Puis il est parti. " + " ".join(["fin"] * 300)
    from pipeline.stages.segment import QuoteSpan

    q = QuoteSpan(text.index("mot"), text.rindex("mot") + 3, "«")
    for size in (1_650, 1_700, 2_000):  # the quotation is 1,610 characters long
        plan = plan_chunks(text, [], [q], set(), size)
        assert len(plan) >= 2
        for c in plan[1:]:
            assert not q.start <= c.start <= text.index("»"), (size, c.start)


def test_plan_cuts_a_long_paragraph_at_sentence_starts_and_a_long_sentence_at_spaces():
    sentence = "Le Conseil a examiné la situation humanitaire dans la région du lac. "
    paragraph = sentence * 60  # about 4,000 characters, no line break
    text = "Un titre court\n\n" + paragraph.strip()
    from pipeline.resources import load_resources
    from pipeline.stages.segment import Segmenter

    blocks, quotes, starts = Segmenter(load_resources()).analyse(text)
    plan = plan_chunks(text, blocks, quotes, starts, 1_000)
    assert len(plan) >= 4
    for c in plan[1:]:
        assert c.start in starts and text[c.start:c.start + 10] == "Le Conseil"
    assert max(c.end - c.start for c in plan) <= 1_000
    # one sentence of 4,000 characters: cut after a space, chunks no longer than the size
    words = " ".join(["mot"] * 1_000)
    plan = plan_chunks(words, [], [], set(), 1_000)
    assert len(plan) >= 4 and max(c.end - c.start for c in plan) <= 1_000
    for c in plan[1:]:
        assert words[c.start - 1] == " " and words[c.start] == "m"
    # balanced: 2.5 sizes make three chunks of similar length, not two full ones and a rest
    assert len(plan_chunks(words[:2_500], [], [], set(), 1_000)) == 3
    assert plan_chunks("court", [], [], set(), 1_000) == [Chunk(0, 5, 0, 5)]


def test_article_under_the_chunk_size_takes_the_unchanged_path(nlp, monkeypatch):
    text = OPENING + "\n\n" + LATER
    reference = extract(text, published="2024-03-14", article_id="short", nlp=nlp, chunk_size=0)

    def never(*args, **kwargs):
        raise AssertionError("a short article must not be chunked")

    monkeypatch.setattr(chunks, "_model_chunk", never)
    assert extract(text, published="2024-03-14", article_id="short", nlp=nlp) == reference
    assert extract(text, published="2024-03-14", article_id="short", nlp=nlp,
                   chunk_size=len(text)) == reference


def test_chunk_size_is_a_setting_of_the_segmenter(nlp):
    seg = nlp.get_pipe("onu_segmenter")
    assert nlp.config["components"]["onu_segmenter"]["chunk_size"] == chunks.CHUNK_SIZE == 100_000
    assert chunks.chunk_size_of(nlp) == 100_000 and chunks.chunk_size_of(nlp, 0) == 0
    previous = seg.chunk_size
    seg.chunk_size = 5_000
    try:
        assert chunks.chunk_size_of(nlp) == 5_000
    finally:
        seg.chunk_size = previous


def test_engines_chunk_long_articles_and_keep_order(records, nlp):
    text, whole, _, _ = records
    short = Article(id="court", text=OPENING + "\n\n" + LATER, published="2024-03-14")
    long_ = Article(id="long", text=text, published="2024-03-14")
    broken = Article(id="vide", text=None)  # type: ignore[arg-type]
    items = [short, long_, broken, short.__class__(**{**short.__dict__, "id": "court2"})]
    reference = extract(short.text, published="2024-03-14", article_id="court", nlp=nlp)
    for workers in (1, 2):
        outcomes = list(local.run(items, workers=workers, batch_size=2, chunk_size=SMALL))
        assert [o.article.id for o in outcomes] == ["court", "long", "vide", "court2"]
        assert outcomes[1].error is None and outcomes[1].record == whole, workers
        assert outcomes[0].record == reference
        assert outcomes[2].record is None and "TypeError" in outcomes[2].error
        assert outcomes[3].record == {**reference, "id": "court2"}


def test_process_and_explain_path(nlp):
    text = medium_text()
    doc = process(nlp, Article(id="long", text=text, published="2024-03-14"), chunk_size=SMALL)
    assert not doc._.errors
    assert doc.text == doc._.text  # the article's own Doc, annotated from the chunks
    assert doc.has_annotation("DEP") and doc.has_annotation("ENT_IOB")
    assert all(q.extra.get("slots") is not None for q in doc._.quotes)


def test_a_failing_chunked_article_costs_its_own_outcome(records, monkeypatch):
    text, _, _, _ = records
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("injected chunk failure")

    monkeypatch.setattr(chunks, "_model_chunk", broken)
    items = [Article(id="long", text=text, published="2024-03-14"),
             Article(id="court", text=OPENING + "\n\n" + LATER, published="2024-03-14")]
    outcomes = list(local.run(items, workers=1, chunk_size=SMALL))
    assert calls and [o.article.id for o in outcomes] == ["long", "court"]
    assert outcomes[0].record is None and "injected chunk failure" in outcomes[0].error
    assert outcomes[1].error is None and outcomes[1].record["quotes"]
