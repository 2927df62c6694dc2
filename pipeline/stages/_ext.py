"""Custom attributes the stages put on `Doc` (spaCy's extension mechanism, registered once)."""
import numpy
from spacy.attrs import ORTH
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
    "discourse": None,  # discourse: Discourse (entities and mentions in text order)
    "organisations": None,  # entities: list[OrgCluster]
    "places": None,  # entities: list[PlaceCluster]
    "quotes": None,  # quotes + attribution: list[QuoteCandidate]
    "dates": None,  # dates: list[DateExpr]
    "article": None,  # article metadata dict (id, source, title, url, published, captions)
    "record": None,  # record: the output record as a dict
    "sentences": None,  # segment: list[Span], the sentences (computed once; Doc.sents rescans)
    "sent_index": None,  # segment: token index -> sentence number
    "text": None,  # Doc.text, computed once (spaCy rebuilds it from the tokens on every access)
    "token_texts": None,  # [Token.text], computed once (each doc[i] builds a new Token object)
    "token_lows": None,  # [Token.lower_], computed once
    "errors": None,  # stage failures on this document (list[str]); the batch goes on
}


def ensure_extensions() -> None:
    for name, default in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


def doc_text(doc: Doc) -> str:
    """Doc.text, built once per document."""
    text = doc._.text
    if text is None:
        text = doc._.text = doc.text
    return text


def token_texts(doc: Doc) -> list[str]:
    """The tokens' texts, read once per document: scanning a list of strings costs a fraction of
    walking the Doc, which creates a Token object per position. One string object per distinct
    word (a long article repeats its words: a million tokens hold some fifty thousand)."""
    texts = doc._.token_texts
    if texts is None:
        words, which = _distinct_words(doc)
        texts = doc._.token_texts = [words[k] for k in which]
    return texts


def token_lows(doc: Doc) -> list[str]:
    """The tokens' lower-case texts (`Token.lower_`), read once per document, one string object
    per distinct word."""
    lows = doc._.token_lows
    if lows is None:
        words, which = _distinct_words(doc)
        words = [w.lower() for w in words]
        lows = doc._.token_lows = [words[k] for k in which]
    return lows


def _distinct_words(doc: Doc) -> tuple[list[str], list[int]]:
    """(the distinct texts of the tokens, for each token the number of its text)."""
    if not len(doc):
        return [], []
    distinct, which = numpy.unique(doc.to_array(ORTH), return_inverse=True)
    strings = doc.vocab.strings
    return [strings[h] for h in distinct.tolist()], which.ravel().tolist()


def sentences(doc: Doc) -> list:
    """The Doc's sentences as Spans, computed once (spaCy's Doc.sents and Token.sent walk the
    token array on every access, which made sentence lookups the stages' main cost)."""
    if doc._.sentences is None:
        sents = list(doc.sents)
        index = [0] * len(doc)
        for n, sent in enumerate(sents):
            index[sent.start:sent.end] = [n] * (sent.end - sent.start)
        doc._.sentences, doc._.sent_index = sents, index
    return doc._.sentences


def sentence_of(doc: Doc, i: int):
    """The sentence (a Span) that holds token i."""
    sents = sentences(doc)
    return sents[doc._.sent_index[i]]


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
