"""The corpus tables: their columns and types, and the one function that turns a record into rows.

Every tabular output comes from `record_rows`: the DuckDB store (`store.py`), the Parquet
partitions the Dask workers write (`parts.py`), and the CSV and Parquet files exported from the
store. So they agree row for row, and a column is added in one place. Pure: no file, no database
(pyarrow only to hand rows over as Arrow tables).

`name_key` is a person's folded name; `person_key` their corpus-wide identity (`identity.py`): the
key a record gives on its own (a holder's `wd:` key, `name:` for a full name, an article-scoped
`surname:` key for a short name), which the store then resolves against the corpus (a short name
joins the one full name that fits). `quotes.person_key` is the speaker's key (NULL for a speaker
that is not a person, or none).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Optional

from . import __version__, identity

# (column, DuckDB type) in store order. A change here is a store migration (`store.MIGRATIONS`);
# a test checks that a migrated store has exactly these columns.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("article_id", "VARCHAR"), ("title", "VARCHAR"), ("published", "VARCHAR"),
        ("published_date", "DATE"), ("url", "VARCHAR"), ("source", "VARCHAR"),
        ("reader", "VARCHAR"), ("language", "VARCHAR"), ("n_people", "INTEGER"),
        ("n_organisations", "INTEGER"), ("n_places", "INTEGER"), ("n_quotes", "INTEGER"),
        ("n_direct", "INTEGER"), ("n_indirect", "INTEGER"), ("n_chars", "INTEGER"),
        ("n_warnings", "INTEGER"), ("record_schema", "VARCHAR"), ("pipeline_version", "VARCHAR"),
        ("fingerprint", "VARCHAR"), ("run_id", "VARCHAR"),
    ),
    "people": (
        ("article_id", "VARCHAR"), ("person_id", "VARCHAR"), ("name", "VARCHAR"),
        ("name_key", "VARCHAR"), ("gender", "VARCHAR"), ("titles", "VARCHAR"), ("roles", "VARCHAR"),
        ("n_mentions", "INTEGER"), ("n_quotes", "INTEGER"), ("person_key", "VARCHAR"),
        ("surname", "VARCHAR"), ("short_name", "BOOLEAN"),
    ),
    "titles": (
        ("article_id", "VARCHAR"), ("person_id", "VARCHAR"), ("title_no", "INTEGER"),
        ("text", "VARCHAR"), ("role", "VARCHAR"), ("organisation_id", "VARCHAR"),
        ("former", "BOOLEAN"),
    ),
    "organisations": (
        ("article_id", "VARCHAR"), ("organisation_id", "VARCHAR"), ("name", "VARCHAR"),
        ("acronym", "VARCHAR"), ("aliases", "VARCHAR"), ("n_mentions", "INTEGER"),
        ("n_quotes", "INTEGER"),
    ),
    "places": (
        ("article_id", "VARCHAR"), ("place_id", "VARCHAR"), ("name", "VARCHAR"),
        ("n_mentions", "INTEGER"), ("n_quotes", "INTEGER"),
    ),
    "quotes": (
        ("article_id", "VARCHAR"), ("quote_id", "VARCHAR"), ("type", "VARCHAR"),
        ("text", "VARCHAR"), ("start", "INTEGER"), ("end", "INTEGER"), ("speaker_id", "VARCHAR"),
        ("speaker_name", "VARCHAR"), ("speaker_kind", "VARCHAR"), ("speaker_gender", "VARCHAR"),
        ("cue", "VARCHAR"), ("confidence", "DOUBLE"), ("rule", "VARCHAR"), ("published", "VARCHAR"),
        ("person_key", "VARCHAR"),
    ),
    "mentions": (
        ("article_id", "VARCHAR"), ("entity_id", "VARCHAR"), ("kind", "VARCHAR"),
        ("start", "INTEGER"), ("end", "INTEGER"), ("text", "VARCHAR"),
    ),
}


def _num(col: str) -> str:
    return f"try_cast(substr({col}, 2) AS INTEGER)"


# Row order of `Store.rows` and of the speakers export (ids like p12 sort by their number).
ORDER: dict[str, str] = {
    "articles": "article_id",
    "people": f"article_id, {_num('person_id')}",
    "titles": f"article_id, {_num('person_id')}, title_no",
    "organisations": f"article_id, {_num('organisation_id')}",
    "places": f"article_id, {_num('place_id')}",
    "quotes": f"article_id, {_num('quote_id')}",
    "mentions": 'article_id, "start", kind, entity_id',
    "speakers": "n_quotes DESC, n_articles DESC, person_key",
}

Rows = dict[str, list[tuple]]

def name_key(name: str) -> str:
    """A person's folded name: accents, case, honorifics, initials, hyphens and apostrophes
    folded ("M. Ban Ki-moon" -> "ban ki moon", "Gilbert F. Houngbo" -> "gilbert houngbo")."""
    return identity.default_identity().name(name).key


def published_date(published: Optional[str]) -> Optional[dt.date]:
    """The first day of what `published` says ("2024-03" -> 2024-03-01); None when unknown."""
    if not published:
        return None
    parts = published.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                       int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def _joined(values: list[str]) -> Optional[str]:
    """A list as one cell, "a | b"; NULL when empty."""
    return " | ".join(values) if values else None


def empty_rows() -> Rows:
    return {name: [] for name in TABLES}


def record_rows(record: dict[str, Any], fingerprint: Optional[str] = None,
                run_id: Optional[str] = None, into: Optional[Rows] = None,
                ident: Optional["identity.Identity"] = None) -> Rows:
    """The rows of one article record in every table (tuples in `TABLES` column order),
    appended to `into` when given (a batch). `person_key` is the key the article gives on its
    own (`identity.base_key`); the store resolves short names against the corpus."""
    out = into if into is not None else empty_rows()
    ident = ident or identity.default_identity()
    aid = record["id"]
    quotes = record["quotes"]
    people = record["people"]
    n_by_speaker: dict[str, int] = defaultdict(int)
    for q in quotes:
        if q["speaker_id"]:
            n_by_speaker[q["speaker_id"]] += 1
    n_direct = sum(q["type"] == "direct" for q in quotes)
    out["articles"].append((
        aid, record["title"], record["published"], published_date(record["published"]),
        record["url"], record["source"], record["reader"], record["language"], len(people),
        len(record["organisations"]), len(record["places"]), len(quotes), n_direct,
        len(quotes) - n_direct, len(record["body"]), len(record.get("warnings", ())),
        record["schema_version"], __version__, fingerprint, run_id,
    ))
    gender_of: dict[str, Optional[str]] = {}
    key_of: dict[str, str] = {}
    people_rows, titles_rows, mentions_rows = out["people"], out["titles"], out["mentions"]
    facts = identity.record_facts(ident, record, published_date(record["published"]))
    for p, f in zip(people, facts):
        pid = p["id"]
        gender_of[pid] = p["gender"]
        titles = p["titles"]
        name = ident.name(p["name"])
        key = key_of[pid] = identity.base_key(ident, f)
        people_rows.append((
            aid, pid, p["name"], name.key, p["gender"],
            _joined([t["text"] for t in titles]), _joined([t["role"] or "" for t in titles]),
            len(p["mentions"]), n_by_speaker.get(pid, 0), key, name.surname, name.short,
        ))
        for k, t in enumerate(titles, 1):
            titles_rows.append((aid, pid, k, t["text"], t["role"], t["organisation_id"],
                                t["former"]))
        for m in p["mentions"]:
            mentions_rows.append((aid, pid, "person", m["start"], m["end"], m["text"]))
    for o in record["organisations"]:
        oid = o["id"]
        out["organisations"].append((
            aid, oid, o["name"], o["acronym"], _joined(o["aliases"]), len(o["mentions"]),
            n_by_speaker.get(oid, 0),
        ))
        for m in o["mentions"]:
            mentions_rows.append((aid, oid, "organisation", m["start"], m["end"], m["text"]))
    for pl in record["places"]:
        lid = pl["id"]
        out["places"].append((aid, lid, pl["name"], len(pl["mentions"]), n_by_speaker.get(lid, 0)))
        for m in pl["mentions"]:
            mentions_rows.append((aid, lid, "place", m["start"], m["end"], m["text"]))
    for q in quotes:
        sid = q["speaker_id"]
        out["quotes"].append((
            aid, q["id"], q["type"], q["text"], q["start"], q["end"], sid, q["speaker_name"],
            q["speaker_kind"], gender_of.get(sid) if sid else None, q["cue"], q["confidence"],
            q["rule"], record["published"], key_of.get(sid) if sid else None,
        ))
    return out


# ---- Arrow --------------------------------------------------------------------------------------

def arrow_schema(table: str):
    import pyarrow as pa

    types = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
             "BOOLEAN": pa.bool_(), "DATE": pa.date32()}
    return pa.schema([(name, types[sql]) for name, sql in TABLES[table]])


def arrow_table(table: str, rows: list[tuple]):
    """`rows` of `table` as an Arrow table with the store's types (columnar, no pandas)."""
    import pyarrow as pa

    schema = arrow_schema(table)
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)],
                                schema=schema)
