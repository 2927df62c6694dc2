"""The last stage: the annotations of the earlier stages become the output record.

It runs inside the worker process, so what crosses process boundaries (spaCy serialises Docs with
msgpack) is a plain dict on `doc._.record`; the stage objects on the Doc are cleared.
"""
from __future__ import annotations


from spacy.language import Language
from spacy.tokens import Doc

from ..records import (Article, ArticleRecord, DateExpr, Mention, Organisation, Person, Place,
                       Quote, Title)
from ._ext import doc_text, ensure_extensions, guarded

_WORK = ("blocks", "quote_spans", "org_mentions", "person_mentions", "place_mentions", "titles",
         "people", "discourse", "organisations", "places", "quotes", "dates", "sentences",
         "sent_index", "text", "token_texts", "token_lows")


def article_meta(article: Article) -> dict:
    return {"id": article.id, "source": article.source, "reader": article.reader,
            "title": article.title, "url": article.url, "published": article.published,
            "captions": list(article.captions)}


def _mention(m, body: str) -> Mention:
    """A mention whose text is `body[start:end]`. The entity stage keeps the name without the
    punctuation its span may end on ("Solberg d' l'" -> "Solberg d' l") and re-cases names
    written in capitals: the offsets are narrowed to the cleaned name when it is in the span,
    else the text is the span as written."""
    written = body[m.start:m.end]
    if m.text == written:
        return Mention(m.start, m.end, written)
    at = written.find(m.text) if m.text else -1
    if at >= 0:
        return Mention(m.start + at, m.start + at + len(m.text), m.text)
    return Mention(m.start, m.end, written)


def record_from_doc(doc: Doc, article: dict) -> ArticleRecord:
    """Turn the annotations our stages left on `doc` into the output record."""
    body = doc_text(doc)
    mentions = doc._.person_mentions or []
    titles = doc._.titles or []
    orgs = doc._.organisations or []
    org_by_gaz = {o.gazetteer_id: o.id for o in orgs if o.gazetteer_id}
    people = []
    for c in doc._.people or []:
        ptitles = []
        seen = set()
        for ti in c.title_indices:
            t = titles[ti]
            key = t.text.lower()
            if key in seen:
                continue
            seen.add(key)
            ptitles.append(Title(t.text, t.form.role, org_by_gaz.get(t.org_id), t.former))
        evidence = list(c.evidence)
        if getattr(c, "more_evidence", 0):
            evidence.append(f"(and {c.more_evidence} more of the same kinds)")
        people.append(Person(c.id, c.name, c.gender, evidence, ptitles,
                             [_mention(mentions[k], body) for k in c.mention_indices]))
    organisations = []
    for o in orgs:
        aliases = list(o.aliases)
        if o.acronym and o.acronym != o.name and o.acronym not in aliases:
            aliases.insert(0, o.acronym)
        organisations.append(Organisation(o.id, o.name, o.acronym, aliases,
                                          [_mention(m, body) for m in o.mentions]))
    places = [Place(p.id, p.name, [_mention(m, body) for m in p.mentions]) for p in doc._.places or []]
    quotes = []
    for n, q in enumerate(doc._.quotes or [], 1):
        speaker_id = q.speaker_ref
        quotes.append(Quote(f"q{n}", q.text, q.start, q.end, q.type, speaker_id, q.speaker_name,
                            q.speaker_kind if q.speaker_name else None, q.cue,
                            round(float(q.confidence), 2), q.rule, q.evidence))
    dates = [d if isinstance(d, DateExpr) else DateExpr(**d) for d in (doc._.dates or [])]
    return ArticleRecord(
        id=article["id"], body=body, source=article.get("source", ""), url=article.get("url"),
        title=article.get("title"), published=article.get("published"), language="fr",
        reader=article.get("reader", "txt"), people=people, organisations=organisations,
        places=places, quotes=quotes, dates=dates, captions=list(article.get("captions") or []),
        warnings=_warnings(doc))


def _warnings(doc: Doc) -> list[str]:
    unclosed = sum(1 for q in doc._.quote_spans or [] if not q.closed)
    if unclosed:
        return [f"{unclosed} quotation mark(s) never closed; quotation ended at the paragraph end"]
    return []


@guarded
class RecordBuilder:
    """Builds `doc._.record`. With `keep_annotations=False` (what the engines set) the stage
    objects are dropped so the Doc can be serialised back from a worker process."""

    def __init__(self, keep_annotations: bool = True):
        ensure_extensions()
        self.keep = keep_annotations

    def __call__(self, doc: Doc) -> Doc:
        meta = doc._.article or {"id": doc._.article_id or "text", "published": doc._.published}
        doc._.record = record_from_doc(doc, meta).to_dict()
        if not self.keep:
            for name in _WORK:
                setattr(doc._, name, None)
        return doc


@Language.factory("onu_record", default_config={"keep_annotations": True})
def make_record(nlp: Language, name: str, keep_annotations: bool):
    return RecordBuilder(keep_annotations)
