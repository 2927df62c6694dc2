"""Custom attributes the stages put on `Doc` (spaCy's extension mechanism, registered once)."""
from spacy.tokens import Doc

_DOC_EXTENSIONS = {
    "article_id": None,  # set by the caller
    "published": None,  # ISO date string or None, set by the caller
    "blocks": None,  # segment: list[Block]
    "quote_spans": None,  # segment: list[QuoteSpan] (text between marks)
    "org_mentions": None,  # entities: list[EntMention]
    "person_mentions": None,  # entities: list[EntMention]
    "place_mentions": None,  # entities: list[EntMention]
    "titles": None,  # titles: list[TitleMention]
    "people": None,  # people: list[PersonCluster]
    "organisations": None,  # entities: list[OrgCluster]
    "places": None,  # entities: list[PlaceCluster]
    "quotes": None,  # quotes + attribution: list[QuoteCandidate]
    "dates": None,  # dates: list[DateExpr]
    "article": None,  # article metadata dict (id, source, title, url, published, captions)
    "record": None,  # record: the output record as a dict
    "errors": None,  # stage failures on this document (list[str]); the batch goes on
}


def ensure_extensions() -> None:
    for name, default in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def guarded(cls):
    """Class decorator for stages: an exception on one document is recorded on `doc._.errors`
    (and the document passes on) instead of killing the whole `nlp.pipe` batch."""
    call = cls.__call__

    def __call__(self, doc: Doc) -> Doc:
        if doc._.errors:
            return doc
        try:
            return call(self, doc)
        except Exception as exc:  # noqa: BLE001 - reported per article by the engine
            doc._.errors = [f"{cls.__name__} failed: {exc!r}"]
            return doc

    __call__.__doc__ = call.__doc__
    cls.__call__ = __call__
    return cls
