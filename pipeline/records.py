"""Typed records: what readers produce (`Article`) and what the pipeline writes (`ArticleRecord`).

One JSON Schema (`json_schema()`) describes the written record; `python -m pipeline schema` prints
it and every written JSON file is validated against it in the tests. Records are plain dataclasses
so they pickle cheaply across processes and Dask workers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

SCHEMA_VERSION = "1.0"


@dataclass
class Article:
    """One input article, as a reader delivers it: text plus whatever metadata the source had.

    `text` is the article body without metadata headers (no ` date` line). `published` is an ISO
    date string as precise as known ("2021-11", "2021-11-05") or None.
    """

    id: str
    text: str
    source: str = ""  # path, "stdin", or "file.jsonl#row=12"
    reader: str = "txt"
    title: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = None
    captions: list[str] = field(default_factory=list)


@dataclass
class Mention:
    start: int
    end: int
    text: str


@dataclass
class Title:
    text: str
    role: Optional[str] = None
    organisation_id: Optional[str] = None
    former: bool = False


@dataclass
class Person:
    id: str
    name: str
    gender: Optional[str] = None  # "male" | "female" | None
    gender_evidence: list[str] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Organisation:
    id: str
    name: str
    acronym: Optional[str] = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Place:
    id: str
    name: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Quote:
    id: str
    text: str
    start: int
    end: int
    type: str  # "direct" | "indirect"
    speaker_id: Optional[str] = None
    speaker_name: Optional[str] = None
    speaker_kind: Optional[str] = None  # "person" | "organisation" | "place" | None
    cue: Optional[str] = None
    confidence: float = 0.0
    rule: Optional[str] = None  # which attribution rule chose the speaker (for `explain`)
    evidence: Optional[str] = None  # the text that supports the attribution


@dataclass
class DateExpr:
    text: str
    start: int
    end: int
    value: Optional[str] = None  # ISO, as precise as `precision`; None when unresolved
    precision: Optional[str] = None  # "day" | "month" | "year" | None


@dataclass
class ArticleRecord:
    id: str
    body: str
    source: str = ""
    url: Optional[str] = None
    title: Optional[str] = None
    published: Optional[str] = None
    language: str = "fr"
    reader: str = "txt"
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # problems of the input that were recovered
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


def _plain(value: Any) -> Any:
    """dataclasses.asdict without its deep copies (the record is built once per article)."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(v) for k, v in value.__dict__.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# JSON Schema (draft 2020-12). Kept by hand beside the dataclasses; a test checks they agree.

_NULLABLE_STR = {"type": ["string", "null"]}
_MENTION = {
    "type": "object",
    "required": ["start", "end", "text"],
    "additionalProperties": False,
    "properties": {
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 0},
        "text": {"type": "string"},
    },
}
_MENTIONS = {"type": "array", "items": _MENTION}


def json_schema() -> dict[str, Any]:
    """The JSON Schema every `DIR/json/<id>.json` file satisfies."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"onu-quotes/article-{SCHEMA_VERSION}",
        "title": "Article extraction record",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "schema_version", "id", "source", "url", "title", "published", "language", "reader",
            "body", "people", "organisations", "places", "quotes", "dates", "captions",
            "warnings",
        ],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "id": {"type": "string", "minLength": 1},
            "source": {"type": "string"},
            "url": _NULLABLE_STR,
            "title": _NULLABLE_STR,
            "published": {
                "type": ["string", "null"],
                "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            },
            "language": {"type": "string"},
            "reader": {"type": "string"},
            "body": {"type": "string"},
            "captions": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "people": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "name", "gender", "gender_evidence", "titles", "mentions"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^p\\d+$"},
                        "name": {"type": "string", "minLength": 1},
                        "gender": {"enum": ["male", "female", None]},
                        "gender_evidence": {"type": "array", "items": {"type": "string"}},
                        "titles": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["text", "role", "organisation_id", "former"],
                                "properties": {
                                    "text": {"type": "string", "minLength": 1},
                                    "role": _NULLABLE_STR,
                                    "organisation_id": _NULLABLE_STR,
                                    "former": {"type": "boolean"},
                                },
                            },
                        },
                        "mentions": _MENTIONS,
                    },
                },
            },
            "organisations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "name", "acronym", "aliases", "mentions"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^o\\d+$"},
                        "name": {"type": "string", "minLength": 1},
                        "acronym": _NULLABLE_STR,
                        "aliases": {"type": "array", "items": {"type": "string"}},
                        "mentions": _MENTIONS,
                    },
                },
            },
            "places": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "name", "mentions"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^l\\d+$"},
                        "name": {"type": "string", "minLength": 1},
                        "mentions": _MENTIONS,
                    },
                },
            },
            "quotes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [
                        "id", "text", "start", "end", "type", "speaker_id", "speaker_name",
                        "speaker_kind", "cue", "confidence", "rule", "evidence",
                    ],
                    "properties": {
                        "id": {"type": "string", "pattern": "^q\\d+$"},
                        "text": {"type": "string", "minLength": 1},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                        "type": {"enum": ["direct", "indirect"]},
                        "speaker_id": _NULLABLE_STR,
                        "speaker_name": _NULLABLE_STR,
                        "speaker_kind": {"enum": ["person", "organisation", "place", None]},
                        "cue": _NULLABLE_STR,
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "rule": _NULLABLE_STR,
                        "evidence": _NULLABLE_STR,
                    },
                },
            },
            "dates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["text", "start", "end", "value", "precision"],
                    "properties": {
                        "text": {"type": "string"},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                        "value": _NULLABLE_STR,
                        "precision": {"enum": ["day", "month", "year", None]},
                    },
                },
            },
        },
    }
