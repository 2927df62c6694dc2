"""The stages, one module each; importing this package registers their spaCy factories."""
from . import attribution, dates, entities, people, quotes, record, segment, titles  # noqa: F401
