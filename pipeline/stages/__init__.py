"""The stages, one module each; importing this package registers their spaCy factories."""
from . import attribution, entities, people, quotes, record, segment, titles  # noqa: F401

try:  # the dates stage needs dateparser; it registers `onu_dates`
    from . import dates  # noqa: F401
except ImportError:  # pragma: no cover
    pass
