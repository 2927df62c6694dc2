"""Who is quoted, saying what, in French-language UN news.

    import pipeline
    nlp = pipeline.load()
    record = pipeline.extract(text, published="2021-11")
"""
__version__ = "0.1.0"


def load(*args, **kwargs):
    from .core import load as _load
    return _load(*args, **kwargs)


def extract(*args, **kwargs):
    from .core import extract as _extract
    return _extract(*args, **kwargs)


__all__ = ["load", "extract", "__version__"]
