"""The stages, one module each; importing this package registers their spaCy factories."""
from . import (attribution, dates, discourse, entities, people, quotes, record, segment,  # noqa: F401
               titles)
