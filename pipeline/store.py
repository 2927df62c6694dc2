"""The corpus store: `DIR/corpus.duckdb`, an embedded DuckDB database that grows with every run.

Why a database: a run writes only the articles it processed, so its cost does not grow with the
corpus, and a question about years of articles is one SQL query (`python -m pipeline sql`).

* Tables (`tables.TABLES`, keyed by `article_id`): articles, people, titles, organisations,
  places, quotes, mentions; the views `person_keys` (each person of an article -> a corpus-wide
  key: `people.person_key` when the store has that column, else the folded name, a surname alone
  joining the one full name that ends with it) and `speakers` (people grouped by that key).
* `write(rows)` replaces the articles of a batch in one transaction: their old rows in every
  table are deleted and the new ones inserted, so an article is never duplicated (the primary key
  of `articles` would refuse it) and a killed run leaves only whole, committed articles.
* Person identity (store version 2, `identity.py`): `people.person_key` and `quotes.person_key`.
  A write records the surnames it touched in `identity_pending`; `resolve_pending` (end of a
  run, `write_records`, `remove`, `load_parts`, before an export, on leaving a `with` block)
  re-resolves the short names of those surnames against the corpus, so the keys are a function
  of the stored articles whatever the order of the runs. When the identity rules or their model
  files change, opening the store for writing recomputes every key once.
* `load_parts` loads the Parquet partitions the Dask workers wrote (`parts.py`), one run's
  partitions at a time in run order, each recorded in `loaded_parts` so none loads twice.
* `export` writes CSV or Parquet files of every table and of `speakers` (atomically), only when
  the store changed since the last export of that format.
* The store's schema is versioned: `schema_version` holds the migrations applied; `MIGRATIONS`
  lists them in order (index + 1 = version). A change of columns is a new migration appended to
  the list, never an edit of an old one; `open` applies the missing ones, each in a transaction,
  and refuses a store newer than this code.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Optional

from . import identity
from .tables import ORDER, TABLES, Rows, arrow_table, empty_rows, record_rows

STORE_NAME = "corpus.duckdb"
EXPORT_FORMATS = ("csv", "parquet")


class StoreError(RuntimeError):
    """A store that cannot be opened or written, with the file and the reason."""


def _all(con, sql: str, params: Optional[list] = None) -> list[tuple]:
    """Run one statement and fetch its whole result (DuckDB 2 refuses the next statement on a
    connection while a result is unfinished; a DML statement's result is its row count)."""
    return con.execute(sql, params or []).fetchall()


def _one(con, sql: str, params: Optional[list] = None):
    """The single value of a one-row, one-column result."""
    return _all(con, sql, params)[0][0]


# ---- schema and migrations -------------------------------------------------------------------

def _v1(con) -> None:
    """Version 1: the seven tables, the bookkeeping tables."""
    con.execute("""
        CREATE TABLE articles (
            article_id VARCHAR PRIMARY KEY, title VARCHAR, published VARCHAR,
            published_date DATE, url VARCHAR, source VARCHAR, reader VARCHAR, language VARCHAR,
            n_people INTEGER, n_organisations INTEGER, n_places INTEGER, n_quotes INTEGER,
            n_direct INTEGER, n_indirect INTEGER, n_chars INTEGER, n_warnings INTEGER,
            record_schema VARCHAR, pipeline_version VARCHAR, fingerprint VARCHAR, run_id VARCHAR);
        CREATE TABLE people (
            article_id VARCHAR NOT NULL, person_id VARCHAR, name VARCHAR, name_key VARCHAR,
            gender VARCHAR, titles VARCHAR, roles VARCHAR, n_mentions INTEGER, n_quotes INTEGER);
        CREATE TABLE titles (
            article_id VARCHAR NOT NULL, person_id VARCHAR, title_no INTEGER, text VARCHAR,
            role VARCHAR, organisation_id VARCHAR, former BOOLEAN);
        CREATE TABLE organisations (
            article_id VARCHAR NOT NULL, organisation_id VARCHAR, name VARCHAR, acronym VARCHAR,
            aliases VARCHAR, n_mentions INTEGER, n_quotes INTEGER);
        CREATE TABLE places (
            article_id VARCHAR NOT NULL, place_id VARCHAR, name VARCHAR, n_mentions INTEGER,
            n_quotes INTEGER);
        CREATE TABLE quotes (
            article_id VARCHAR NOT NULL, quote_id VARCHAR, type VARCHAR, text VARCHAR,
            "start" INTEGER, "end" INTEGER, speaker_id VARCHAR, speaker_name VARCHAR,
            speaker_kind VARCHAR, speaker_gender VARCHAR, cue VARCHAR, confidence DOUBLE,
            rule VARCHAR, published VARCHAR);
        CREATE TABLE mentions (
            article_id VARCHAR NOT NULL, entity_id VARCHAR, kind VARCHAR, "start" INTEGER,
            "end" INTEGER, text VARCHAR);
        CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE loaded_parts (
            run_id VARCHAR, part VARCHAR, n_articles INTEGER, loaded_at TIMESTAMP,
            PRIMARY KEY (run_id, part));
        INSERT INTO store_meta VALUES ('generation', '0');
    """).fetchall()


def _v2(con) -> None:
    """Version 2: the corpus-wide person identity (`identity.py`): `people.person_key`,
    `people.surname` (the short-name lookup), `people.short_name`, `quotes.person_key` (the
    speaker's key) and `identity_pending` (surnames whose short names await resolution), filled
    for every stored person; `name_key` recomputed with the same folding."""
    for table, column, kind in (("people", "person_key", "VARCHAR"), ("people", "surname", "VARCHAR"),
                                ("people", "short_name", "BOOLEAN"),
                                ("quotes", "person_key", "VARCHAR")):
        _all(con, f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    _all(con, "CREATE TABLE identity_pending (surname VARCHAR PRIMARY KEY)")
    if _one(con, "SELECT count(*) FROM people"):  # a new store has nothing to compute
        ident = identity.default_identity()
        rekey(con, ident)
        resolve_pending(con, ident)
    _all(con, "INSERT OR REPLACE INTO store_meta VALUES ('identity', ?)",
         [identity.models_digest()])


# (description, function). Append only: the store's version is the number applied.
MIGRATIONS: list[tuple[str, Callable]] = [
    ("tables articles, people, titles, organisations, places, quotes, mentions; views "
     "person_keys, speakers", _v1),
    ("people.person_key, people.surname, quotes.person_key: one identity per person across the "
     "corpus", _v2),
]


# ---- person identity -------------------------------------------------------------------------
# Full names get their key from their own article (`identity.base_key`, computed with the rows).
# A short name's key depends on the corpus's full names of its surname: every write records the
# surnames of the people it adds or deletes in `identity_pending` (same transaction), and
# `resolve_pending` (at the end of a run, of `store`, before an export) re-resolves the stored
# short names of those surnames against the stored full names. So a store's keys are a function
# of its articles, whatever the order and split of the runs, and a killed run leaves its pending
# surnames for the next one.

def _facts_sql(where: str) -> str:
    """Every person matching `where` (on `p`, the people table) with what identity needs."""
    return f"""
        SELECT p.article_id, p.person_id, p.name, p.gender, p.person_key, a.published_date,
               list({{'role': t.role, 'org': o.name, 'acronym': o.acronym}})
                   FILTER (WHERE t.title_no IS NOT NULL) AS titles
        FROM people p
        LEFT JOIN articles a ON a.article_id = p.article_id
        LEFT JOIN titles t ON t.article_id = p.article_id AND t.person_id = p.person_id
        LEFT JOIN organisations o ON o.article_id = t.article_id
                                 AND o.organisation_id = t.organisation_id
        {where}
        GROUP BY p.article_id, p.person_id, p.name, p.gender, p.person_key, a.published_date"""


def _facts_of(ident: "identity.Identity", row: tuple) -> "identity.PersonFacts":
    aid, pid, name, gender, _key, published, titles = row[:7]
    return identity.make_facts(ident, aid, pid, name, gender,
                               [(t["role"], t["org"], t["acronym"]) for t in titles or ()],
                               published)


def _register(con, name: str, columns: dict[str, list]) -> None:
    import pyarrow as pa

    con.register(name, pa.table({c: pa.array(v, pa.string()) for c, v in columns.items()}))


def _apply_keys(con, changes: dict[tuple[str, str], str]) -> None:
    """Set these people's keys, and their quotations' speaker keys."""
    if not changes:
        return
    items = sorted(changes.items())
    _register(con, "_rekey", {"article_id": [a for (a, _), _ in items],
                              "person_id": [p for (_, p), _ in items],
                              "person_key": [k for _, k in items]})
    try:
        _all(con, "UPDATE people SET person_key = k.person_key FROM _rekey k "
                  "WHERE people.article_id = k.article_id AND people.person_id = k.person_id")
        _all(con, "UPDATE quotes SET person_key = k.person_key FROM _rekey k "
                  "WHERE quotes.article_id = k.article_id AND quotes.speaker_id = k.person_id")
    finally:
        con.unregister("_rekey")


def _candidates(con, ident: "identity.Identity", surnames: list[str]
                ) -> dict[str, dict[str, "identity.Candidate"]]:
    """The full-name people of these surnames, one `identity.Candidate` per key, aggregated by
    DuckDB (a surname of thousands of mentions is a few rows here), plus the timeline's holders."""
    out: dict[str, dict[str, identity.Candidate]] = {s: {} for s in surnames}
    for surname, key, names, male, female, lo, hi in _all(con, """
            SELECT p.surname, p.person_key, list(DISTINCT p.name_key),
                   count(*) FILTER (WHERE p.gender = 'male'),
                   count(*) FILTER (WHERE p.gender = 'female'),
                   min(a.published_date), max(a.published_date)
            FROM people p JOIN _surnames s ON s.surname = p.surname
            LEFT JOIN articles a ON a.article_id = p.article_id
            WHERE NOT p.short_name AND p.person_key IS NOT NULL
            GROUP BY p.surname, p.person_key"""):
        c = out[surname][key] = identity.Candidate(key)
        c.names = {tuple(n.split(" ")) for n in names}
        c.genders.update({g: n for g, n in (("male", male), ("female", female)) if n})
        c.add_date(lo)
        c.add_date(hi)
    for surname, key, role, org, acronym in _all(con, """
            SELECT DISTINCT p.surname, p.person_key, t.role, o.name, o.acronym
            FROM people p JOIN _surnames s ON s.surname = p.surname
            JOIN titles t ON t.article_id = p.article_id AND t.person_id = p.person_id
            LEFT JOIN organisations o ON o.article_id = t.article_id
                                     AND o.organisation_id = t.organisation_id
            WHERE NOT p.short_name AND p.person_key IS NOT NULL"""):
        c = out[surname][key]
        if role:
            c.roles.add(identity.role_family(role))
        org_id = ident.org_id(org, acronym) if (org or acronym) else None
        if org_id:
            c.orgs.add(org_id)
    for surname, by_key in out.items():
        identity.add_holders(ident, surname, by_key)
    return out


RESOLVE_GROUP = 2000  # surnames resolved per round


def resolve_pending(con, ident: "identity.Identity") -> int:
    """Re-resolve the stored short names of every pending surname (in the caller's
    transaction); the keys that change are updated in people and quotes. Returns the number of
    keys changed."""
    pending = [r[0] for r in _all(con, "SELECT surname FROM identity_pending ORDER BY surname")]
    changed = 0
    for k in range(0, len(pending), RESOLVE_GROUP):
        group = pending[k:k + RESOLVE_GROUP]
        _register(con, "_surnames", {"surname": group})
        try:
            cands = _candidates(con, ident, group)
            shorts = _all(con, _facts_sql("WHERE p.short_name AND p.surname IN "
                                          "(SELECT surname FROM _surnames)"))
            changes = {}
            for r in shorts:
                f = _facts_of(ident, r)
                new = identity.short_key(ident, f, cands)
                if new is not None and new != r[4]:
                    changes[(f.article_id, f.person_id)] = new
            _apply_keys(con, changes)
            changed += len(changes)
            _all(con, "DELETE FROM identity_pending WHERE surname IN (SELECT surname FROM _surnames)")
        finally:
            con.unregister("_surnames")
    return changed


def _mark_pending(con, source: str) -> None:
    """Add the surnames of `source` (a query with a `surname` column) to the pending ones."""
    _all(con, f"INSERT OR IGNORE INTO identity_pending SELECT DISTINCT surname FROM ({source}) "
              f"WHERE surname IS NOT NULL")


REKEY_CHUNK = 50_000


def rekey(con, ident: "identity.Identity", ids_view: Optional[str] = None) -> int:
    """Recompute `name_key`, `surname`, `short_name` and `person_key` of every stored person
    (or of the articles listed in `ids_view`) from the rows, and the speaker keys of their
    quotations, in chunks (memory stays flat); their surnames become pending. Returns the
    people done."""
    import pyarrow as pa

    where = f"WHERE p.article_id IN (SELECT article_id FROM {ids_view})" if ids_view else ""
    _all(con, f"CREATE OR REPLACE TEMP TABLE _facts AS SELECT row_number() OVER () AS rn, * "
              f"FROM ({_facts_sql(where)})")
    _all(con, "CREATE OR REPLACE TEMP TABLE _keys (article_id VARCHAR, person_id VARCHAR, "
              "name_key VARCHAR, surname VARCHAR, short_name BOOLEAN, person_key VARCHAR)")
    total = _one(con, "SELECT count(*) FROM _facts")
    for lo in range(0, total, REKEY_CHUNK):
        rows = _all(con, "SELECT article_id, person_id, name, gender, person_key, published_date, "
                         "titles FROM _facts WHERE rn > ? AND rn <= ?", [lo, lo + REKEY_CHUNK])
        cols: dict[str, list] = {c: [] for c in ("article_id", "person_id", "name_key", "surname",
                                                  "short_name", "person_key")}
        for r in rows:
            f = _facts_of(ident, r)
            name = ident.name(f.name)
            for c, v in zip(cols, (f.article_id, f.person_id, name.key, name.surname, name.short,
                                   identity.base_key(ident, f))):
                cols[c].append(v)
        types = {"short_name": pa.bool_()}
        con.register("_chunk", pa.table({c: pa.array(v, types.get(c, pa.string()))
                                         for c, v in cols.items()}))
        try:
            _all(con, "INSERT INTO _keys SELECT * FROM _chunk")
        finally:
            con.unregister("_chunk")
    _all(con, "UPDATE people SET name_key = k.name_key, surname = k.surname, "
              "short_name = k.short_name, person_key = k.person_key FROM _keys k "
              "WHERE people.article_id = k.article_id AND people.person_id = k.person_id")
    _all(con, "UPDATE quotes SET person_key = k.person_key FROM _keys k "
              "WHERE quotes.article_id = k.article_id AND quotes.speaker_id = k.person_id")
    _mark_pending(con, "SELECT surname FROM _keys")
    _all(con, "DROP TABLE _facts")
    _all(con, "DROP TABLE _keys")
    return total


def schema_version() -> int:
    """The store schema this code writes."""
    return len(MIGRATIONS)


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in _all(con, "SELECT column_name FROM information_schema.columns WHERE "
                               "table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                               [table])]


def views_sql(people_columns: Iterable[str]) -> str:
    """The views over people across articles: `person_keys` (article_id, person_id ->
    person_key) and `speakers` (one row per person key). The key is `people.person_key` when
    that column exists and is set, else the folded name (`name_key`), a surname alone taking the
    one full name that ends with it ("M. Guterres" -> "antonio guterres"). No ordered or
    DISTINCT string aggregate: those keep whole groups in memory, and the speakers of a large
    corpus must export within the store's memory limit."""
    if "person_key" in set(people_columns):  # store version 2 on: the resolved key
        person_keys = """
        CREATE OR REPLACE VIEW person_keys AS
        SELECT article_id, person_id, COALESCE(person_key, 'name:' || name_key) AS person_key
        FROM people;"""
    else:
        person_keys = """
        CREATE OR REPLACE VIEW person_keys AS
        WITH full_names AS (
            SELECT DISTINCT name_key FROM people WHERE contains(name_key, ' ')
        ), by_surname AS (
            SELECT string_split(name_key, ' ')[-1] AS surname, min(name_key) AS full_key
            FROM full_names GROUP BY surname HAVING count(*) = 1
        )
        SELECT p.article_id, p.person_id, COALESCE(s.full_key, p.name_key) AS person_key
        FROM people p LEFT JOIN by_surname s ON s.surname = p.name_key;"""
    return person_keys + f"""

        CREATE OR REPLACE VIEW speakers AS
        WITH keyed AS (
            SELECT p.name, p.gender, p.n_quotes, k.person_key, a.published
            FROM people p JOIN person_keys k USING (article_id, person_id)
            LEFT JOIN articles a USING (article_id)
        ), grouped AS (
            SELECT person_key,
                   arg_min(name, {{'tokens': -len(string_split(name, ' ')), 'name': name}})
                       AS speaker,
                   CAST(sum(n_quotes) AS BIGINT) AS n_quotes,
                   CASE count(DISTINCT gender) WHEN 0 THEN NULL
                        WHEN 1 THEN any_value(gender) ELSE 'mixed' END AS gender,
                   min(published) AS first_published, max(published) AS last_published
            FROM keyed GROUP BY person_key
        ), articles_of AS (
            SELECT person_key, count(*) AS n_articles,
                   array_to_string(list_sort(list(article_id)), ' ') AS article_ids
            FROM (SELECT DISTINCT person_key, article_id FROM person_keys) GROUP BY person_key
        ), titles_of AS (
            SELECT person_key, array_to_string(list_sort(list(text)), ' | ') AS titles
            FROM (SELECT DISTINCT k.person_key, t.text
                  FROM person_keys k JOIN titles t USING (article_id, person_id))
            GROUP BY person_key
        )
        SELECT g.person_key, g.speaker, o.n_articles, g.n_quotes, t.titles, g.gender,
               g.first_published, g.last_published, o.article_ids
        FROM grouped g JOIN articles_of o USING (person_key)
        LEFT JOIN titles_of t USING (person_key);
    """


# ---- the store -------------------------------------------------------------------------------

class Store:
    """One open store. DuckDB gets one thread and a small memory limit: inside a run the NLP
    workers keep the cores, and the process's peak memory must not grow with the store (sorts and
    aggregates of the exports spill to `corpus.duckdb.tmp/` beyond the limit; one thread is
    also the fastest way to export on two cores)."""

    def __init__(self, path: Path, *, read_only: bool = False, threads: int = 1,
                 memory_limit: str = "128MB"):
        import duckdb

        self.path = Path(path)
        self.read_only = read_only
        self.created = not self.path.exists()
        if read_only and self.created:
            raise StoreError(f"{self.path}: no store here (a `python -m pipeline run ... --out "
                             f"{self.path.parent}` creates it)")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only,
                                      config={"threads": threads, "memory_limit": memory_limit})
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc}); is another process "
                             "writing it?") from exc
        self.open_seconds = 0.0  # set by the caller that timed the opening
        self._ident: Optional["identity.Identity"] = None
        try:
            self.version = self._migrate()
            if not read_only:
                self._check_identity()
        except BaseException:
            self.con.close()
            raise

    # -- schema --

    def _applied(self) -> int:
        found = _one(self.con, "SELECT count(*) FROM information_schema.tables WHERE "
                               "table_schema = 'main' AND table_name = 'schema_version'")
        if not found:
            if _one(self.con, "SELECT count(*) FROM information_schema.tables WHERE "
                              "table_schema = 'main'"):
                raise StoreError(f"{self.path}: not an onu-quotes store (no schema_version table)")
            return 0
        return _one(self.con, "SELECT coalesce(max(version), 0) FROM schema_version")

    def _migrate(self) -> int:
        current = self._applied()
        if current > len(MIGRATIONS):
            raise StoreError(f"{self.path}: store schema version {current} is newer than this code "
                             f"knows ({len(MIGRATIONS)}); update onu-quotes")
        if current == len(MIGRATIONS):
            return current
        if self.read_only:
            raise StoreError(f"{self.path}: store schema version {current}, this code needs "
                             f"{len(MIGRATIONS)}; run `python -m pipeline store "
                             f"{self.path.parent}` once to migrate it")
        con = self.con
        for version in range(current + 1, len(MIGRATIONS) + 1):
            description, migrate = MIGRATIONS[version - 1]
            con.begin()
            try:
                if version == 1:
                    _all(con, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                              "description VARCHAR, applied_at TIMESTAMP)")
                migrate(con)
                # the views depend on the columns: rebuilt after every migration
                _all(con, views_sql(_columns(con, "people")))
                _all(con, "INSERT INTO schema_version VALUES (?, ?, now())",
                     [version, description])
                con.commit()
            except Exception as exc:
                con.rollback()
                raise StoreError(f"{self.path}: migration to store schema {version} "
                                 f"({description}) failed: {exc}") from exc
        return len(MIGRATIONS)

    def _check_identity(self) -> None:
        """The people's keys were computed with the identity rules and models files of this
        code (`identity.IDENTITY_VERSION`, the role timeline...): if not, every key is recomputed
        once, in one transaction (a store written before a holder gained its Wikidata
        identifier gets its `wd:` key)."""
        if self.version < 2:
            return  # a store of version 1 (only while a test holds MIGRATIONS to it)
        digest = identity.models_digest()
        if self._meta("identity") == digest:
            return
        con = self.con
        con.begin()
        try:
            if _one(con, "SELECT count(*) FROM people"):
                rekey(con, self.ident)
                resolve_pending(con, self.ident)
                self._bump()
            self._set_meta("identity", digest)
            con.commit()
        except Exception as exc:
            con.rollback()
            raise StoreError(f"{self.path}: recomputing the person keys failed: {exc}") from exc

    # -- writing --

    def _meta(self, key: str) -> Optional[str]:
        rows = _all(self.con, "SELECT value FROM store_meta WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def _set_meta(self, key: str, value: str) -> None:
        _all(self.con, "INSERT OR REPLACE INTO store_meta VALUES (?, ?)", [key, value])

    def generation(self) -> int:
        """Counts the write transactions: an export is redone only when it moved."""
        return int(self._meta("generation") or 0)

    def _bump(self) -> None:
        _all(self.con, "UPDATE store_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
                       "WHERE key = 'generation'")

    def _delete(self, ids_view: str) -> set[str]:
        """Delete every row of the articles listed in `ids_view` (column article_id), if any of
        them is stored: new articles, the usual case, cost no scan of the large tables. Returns
        the surnames of the people deleted (their short names may resolve differently now)."""
        con = self.con
        stored = _one(con, f"SELECT count(*) FROM articles WHERE article_id IN "
                           f"(SELECT article_id FROM {ids_view})")
        surnames: set[str] = set()
        if stored:
            surnames = {r[0] for r in _all(con, f"SELECT DISTINCT surname FROM people WHERE "
                                                f"article_id IN (SELECT article_id FROM {ids_view}) "
                                                f"AND surname IS NOT NULL")}
            for table in reversed(list(TABLES)):
                _all(con, f"DELETE FROM {table} WHERE article_id IN "
                          f"(SELECT article_id FROM {ids_view})")
        return surnames

    @property
    def ident(self) -> "identity.Identity":
        if self._ident is None:
            self._ident = identity.default_identity()
        return self._ident

    def write(self, rows: Rows) -> int:
        """Replace the articles of `rows` (every table) in one transaction; returns how many.
        The surnames of the people written or deleted become pending: `resolve_pending` (end of
        the run) gives the short names of those surnames their corpus keys."""
        n = len(rows["articles"])
        if not n:
            return 0
        con = self.con
        names = []
        try:
            for table in TABLES:
                if rows[table] or table == "articles":
                    name = f"_batch_{table}"
                    con.register(name, arrow_table(table, rows[table]))
                    names.append(name)
            con.begin()
            try:
                deleted = self._delete("_batch_articles")
                for table in TABLES:
                    if rows[table]:
                        _all(con, f"INSERT INTO {table} BY NAME SELECT * FROM _batch_{table}")
                if rows["people"]:
                    _mark_pending(con, "SELECT surname FROM _batch_people")
                if deleted:
                    self._pend(deleted)
                self._bump()
                con.commit()
            except Exception as exc:
                con.rollback()
                raise StoreError(f"{self.path}: writing {n} articles failed: {exc}") from exc
        finally:
            for name in names:
                con.unregister(name)
        return n

    def _pend(self, surnames: set[str]) -> None:
        _register(self.con, "_pend", {"surname": sorted(surnames)})
        try:
            _mark_pending(self.con, "SELECT surname FROM _pend")
        finally:
            self.con.unregister("_pend")

    def resolve_pending(self) -> int:
        """Give the short names of the pending surnames their corpus keys, in one transaction
        (nothing to do, no transaction). Returns the number of keys changed."""
        if self.read_only or self.version < 2:
            return 0
        if not _one(self.con, "SELECT count(*) FROM identity_pending"):
            return 0
        con = self.con
        con.begin()
        try:
            n = resolve_pending(con, self.ident)
            self._bump()
            con.commit()
        except Exception as exc:
            con.rollback()
            raise StoreError(f"{self.path}: resolving person keys failed: {exc}") from exc
        return n

    def write_records(self, records: Iterable[dict], fingerprints: Optional[dict[str, str]] = None,
                      run_id: Optional[str] = None, batch: int = 256) -> int:
        """Write records in batches of `batch` (one transaction each)."""
        rows = empty_rows()
        n = 0
        for record in records:
            record_rows(record, (fingerprints or {}).get(record["id"]), run_id, into=rows)
            if len(rows["articles"]) >= batch:
                n += self.write(rows)
                rows = empty_rows()
        n += self.write(rows)
        self.resolve_pending()
        return n

    def remove(self, article_ids: Iterable[str]) -> int:
        """Delete every row of these articles in one transaction; returns how many were stored."""
        import pyarrow as pa

        ids = sorted(set(article_ids))
        if not ids:
            return 0
        con = self.con
        con.register("_remove", pa.table({"article_id": pa.array(ids, pa.string())}))
        try:
            con.begin()
            try:
                n = _one(con, "SELECT count(*) FROM articles WHERE article_id IN "
                              "(SELECT article_id FROM _remove)")
                deleted = self._delete("_remove")
                if deleted:
                    self._pend(deleted)
                self._bump()
                con.commit()
            except Exception:
                con.rollback()
                raise
        finally:
            con.unregister("_remove")
        self.resolve_pending()
        return n

    def clear(self) -> None:
        """Empty every table (for a rebuild), in one transaction."""
        self.con.begin()
        try:
            for table in TABLES:
                _all(self.con, f"DELETE FROM {table}")
            self._bump()
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise

    def load_parts(self, parts_dir: Path, group: int = 64) -> tuple[int, int]:
        """Load the Dask workers' Parquet partitions not loaded yet, oldest run first (a later
        run's rows replace an earlier one's), `group` partitions of a run per transaction.
        Returns (partitions, articles) loaded."""
        from . import parts

        todo = parts.pending(parts_dir, self.loaded_parts())
        n_parts = n_articles = 0
        for run_id, names in todo:
            for k in range(0, len(names), group):
                chunk = names[k:k + group]
                n_articles += self._load_chunk(Path(parts_dir), run_id, chunk)
                n_parts += len(chunk)
        self.resolve_pending()
        return n_parts, n_articles

    def loaded_parts(self) -> set[tuple[str, str]]:
        """(run id, partition name) of every partition already loaded."""
        return {(r, p) for r, p in _all(self.con, "SELECT run_id, part FROM loaded_parts")}

    def _load_chunk(self, parts_dir: Path, run_id: str, names: list[str]) -> int:
        from . import parts

        con = self.con

        def files(table: str) -> list[Path]:
            paths = (parts.part_path(parts_dir, table, run_id, name) for name in names)
            return [p for p in paths if p.exists()]

        def source(table: str) -> str:
            listed = ", ".join(f"'{_sql_str(p)}'" for p in files(table))
            return f"read_parquet([{listed}], hive_partitioning = false)"

        con.begin()
        try:
            _all(con, "CREATE OR REPLACE TEMP TABLE _part_ids AS "
                      f"SELECT article_id FROM {source('articles')}")
            deleted = self._delete("_part_ids")
            n = 0
            for table in TABLES:
                if files(table):
                    n_rows = _one(con, f"INSERT INTO {table} BY NAME SELECT * FROM {source(table)}")
                    if table == "articles":
                        n = n_rows
            # keys: the workers gave each person its own article's key (partitions from before
            # store version 2 none); recomputed here, then short names resolved on the corpus
            rekey(con, self.ident, "_part_ids")
            if deleted:
                self._pend(deleted)
            for name in names:
                path = _sql_str(parts.part_path(parts_dir, "articles", run_id, name))
                count = _one(con, f"SELECT count(*) FROM read_parquet('{path}')")
                _all(con, "INSERT INTO loaded_parts VALUES (?, ?, ?, now())", [run_id, name, count])
            self._bump()
            _all(con, "DROP TABLE _part_ids")
            con.commit()
        except Exception as exc:
            con.rollback()
            raise StoreError(f"{self.path}: loading Parquet partitions {names[0]}.. of run "
                             f"{run_id} from {parts_dir} failed: {exc}") from exc
        return n

    # -- reading --

    def counts(self) -> dict[str, int]:
        return {t: _one(self.con, f"SELECT count(*) FROM {t}") for t in TABLES}

    def query(self, sql: str, params: Optional[list] = None):
        """(column names, cursor) of one query; fetch from the cursor."""
        cur = self.con.execute(sql, params or [])
        return [d[0] for d in cur.description or []], cur

    def rows(self, table: str) -> list[tuple]:
        """Every row of a table or of `speakers`, in export order."""
        return _all(self.con, f"SELECT * FROM {table} ORDER BY {ORDER[table]}")

    # -- exports --

    def export(self, out_dir: Path, formats: Iterable[str],
               force: bool = False) -> dict[str, dict[str, int]]:
        """Write `out_dir/<format>/<table>.<ext>` for every table and `speakers`, each file
        atomically, for each format whose files are missing or older than the store's last
        write. Returns {format: {table: rows}} for the formats written.

        A table is copied in the order its rows were written (an article's rows together), not
        sorted: a sort of the large tables costs twice the time and memory that grows with the
        corpus up to the limit; `speakers` is sorted (most quoted first)."""
        self.resolve_pending()
        written: dict[str, dict[str, int]] = {}
        generation = str(self.generation())
        names = [*TABLES, "speakers"]
        for fmt in formats:
            if fmt not in EXPORT_FORMATS:
                raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
            folder = Path(out_dir) / fmt
            paths = {t: folder / f"{t}.{fmt}" for t in names}
            if not force and self._meta(f"exported:{fmt}") == generation \
                    and all(p.exists() for p in paths.values()):
                continue
            folder.mkdir(parents=True, exist_ok=True)
            options = ("FORMAT csv, HEADER true" if fmt == "csv"
                       else "FORMAT parquet, COMPRESSION zstd")
            written[fmt] = {}
            for table, path in paths.items():
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                try:
                    order = f" ORDER BY {ORDER[table]}" if table == "speakers" else ""
                    n = _one(self.con, f"COPY (SELECT * FROM {table}{order}) "
                                       f"TO '{_sql_str(tmp)}' ({options})")
                    _fsync(tmp)
                    os.replace(tmp, path)
                except BaseException:
                    if tmp.exists():
                        tmp.unlink()
                    raise
                written[fmt][table] = n
            if not self.read_only:
                self._set_meta(f"exported:{fmt}", generation)
        return written

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (DuckDB also does it on close)."""
        if not self.read_only:
            _all(self.con, "CHECKPOINT")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is None:
                self.resolve_pending()
        finally:
            self.close()


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_store(out_dir: Path, **kwargs) -> Store:
    """The store of an output folder (`DIR/corpus.duckdb`), created and migrated as needed."""
    return Store(Path(out_dir) / STORE_NAME, **kwargs)

