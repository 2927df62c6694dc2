"""The corpus store (DuckDB), its exports and the Dask workers' Parquet partitions, on generated
records (no model) except the one command-line test of incremental runs."""
from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from generated import record
from pipeline import parts, store as store_mod
from pipeline.export import RunWriter, is_done
from pipeline.records import json_schema
from pipeline.store import Store, StoreError, open_store
from pipeline.tables import TABLES, arrow_table, empty_rows, record_rows

TESTS = Path(__file__).resolve().parent


def fp_of(rec: dict) -> str:
    """A stand-in for the input fingerprint: changes when the record does."""
    return hashlib.sha256(json.dumps(rec, sort_keys=True).encode()).hexdigest()


def simulate_run(out: Path, records: list[dict], run_id: str, batch: int = 2) -> list[str]:
    """What `pipeline run` does with each processed article, without the model: skip the
    articles already done with this fingerprint, write the others. Returns the ids written."""
    written = []
    with open_store(out) as st:
        writer = RunWriter(out, st, run_id, batch=batch)
        for rec in records:
            fp = fp_of(rec)
            if is_done(out, rec["id"], fp):
                continue
            writer.add(rec["id"], rec, fp)
            written.append(rec["id"])
        writer.close()
    return written


def snapshot(out: Path, drop_run: bool = True) -> dict[str, list[tuple]]:
    """Every table's rows in export order (without the run-dependent article columns)."""
    with Store(out / store_mod.STORE_NAME, read_only=True) as st:
        tables = {t: st.rows(t) for t in [*TABLES, "speakers"]}
    if drop_run:
        cols = [c for c, _ in TABLES["articles"]]
        i = cols.index("run_id")
        tables["articles"] = [r[:i] + r[i + 1:] for r in tables["articles"]]
    return tables


def expected(records: list[dict]) -> dict[str, list[tuple]]:
    """The rows a store holds when it was given exactly these records, in one go."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        with open_store(Path(tmp)) as st:
            rows = empty_rows()
            for rec in records:
                record_rows(rec, fp_of(rec), "x", into=rows)
            st.write(rows)
        return snapshot(Path(tmp))


def test_generated_records_follow_the_schema():
    for k in range(30):
        jsonschema.validate(record(k), json_schema())


def test_migrated_store_has_the_columns_rows_are_built_for(tmp_path):
    with open_store(tmp_path) as st:
        for table, columns in TABLES.items():
            got = st.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()
            assert got == list(columns), table
        assert st.version == store_mod.schema_version() == 2
    rows = record_rows(record(3))
    for table, columns in TABLES.items():
        assert all(len(r) == len(columns) for r in rows[table]), table


def test_incremental_runs_replace_changed_keep_removed_skip_unchanged(tmp_path):
    first = [record(k) for k in range(6)]
    assert simulate_run(tmp_path, first, "run1") == [r["id"] for r in first]
    before = snapshot(tmp_path, drop_run=False)

    # second batch: gen00000 unchanged, gen00001 changed, gen00002 no longer in the input,
    # gen00006 new
    second = [record(0), record(1, version=1), record(3), record(4), record(5), record(6)]
    assert simulate_run(tmp_path, second, "run2") == ["gen00001", "gen00006"]
    after = snapshot(tmp_path, drop_run=False)

    runs = {r[0]: r[-1] for r in after["articles"]}
    assert runs["gen00000"] == "run1" and runs["gen00001"] == "run2" and runs["gen00006"] == "run2"
    # the unchanged article is not touched: its rows are the very same
    for table in TABLES:
        assert [r for r in after[table] if r[0] == "gen00000"] == \
            [r for r in before[table] if r[0] == "gen00000"], table
    # the changed article's rows were replaced, never duplicated
    assert [r[0] for r in after["articles"]].count("gen00001") == 1
    texts = [r[3] for r in after["quotes"] if r[0] == "gen00001"]
    assert texts and all("version 1" in t for t in texts)
    # the article missing from the second input stays in the store (and its JSON and marker)
    assert "gen00002" in runs and (tmp_path / "json" / "gen00002.json").exists()
    # the store is what the final set of records gives, row for row
    final = [record(0), record(1, version=1), record(2), record(3), record(4), record(5), record(6)]
    assert snapshot(tmp_path) == expected(final)


KILLED_RUN = """
import os, signal, sys
from pathlib import Path
sys.path[:0] = [{tests!r}]
import test_store
from generated import record
from pipeline import store as store_mod

out = Path(sys.argv[1])
if sys.argv[2] == "kill":
    real = store_mod.Store.write
    calls = []
    def write(self, rows):
        calls.append(1)
        if len(calls) == 3:  # inside the third transaction: some rows inserted, no commit
            self.con.begin()
            self.con.execute("DELETE FROM articles")
            self.con.execute("INSERT INTO people VALUES ('x', 'p1', 'X', 'x', NULL, '', '', 1, 0, 'name:x', 'x', false)")
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, rows)
    store_mod.Store.write = write
test_store.simulate_run(out, [record(k) for k in range(10)], "run-" + sys.argv[2])
"""


def test_a_killed_run_resumes_to_the_same_rows(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(KILLED_RUN.format(tests=str(TESTS)))
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    proc = subprocess.run([sys.executable, str(script), str(killed), "kill"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    # two batches of two committed, with their markers; the third batch's records were written
    # as JSON but have no marker, and its uncommitted rows are gone
    with Store(killed / store_mod.STORE_NAME, read_only=True) as st:
        assert st.counts()["articles"] == 4
        assert st.con.execute("SELECT count(*) FROM people WHERE article_id = 'x'").fetchone()[0] == 0
    assert len(list((killed / ".state").iterdir())) == 4
    assert len(list((killed / "json").iterdir())) == 6
    proc = subprocess.run([sys.executable, str(script), str(killed), "resume"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([sys.executable, str(script), str(whole), "whole"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(killed) == snapshot(whole) == expected([record(k) for k in range(10)])


def test_parquet_partitions_load_into_the_store(tmp_path):
    """What the Dask workers write: one file per table per partition; loaded once, oldest run
    first; a partition without its articles file (a worker killed while writing) is ignored."""
    pdir = tmp_path / "parts"
    recs = [record(k) for k in range(7)]

    def rows_of(records, run_id):
        rows = empty_rows()
        for rec in records:
            record_rows(rec, fp_of(rec), run_id, into=rows)
        return rows

    parts.write_part(pdir, "20240101T000000-aaaaaa", 0, rows_of(recs[:4], "r1"))
    parts.write_part(pdir, "20240101T000000-aaaaaa", 1, rows_of(recs[4:], "r1"))
    # a later run re-did gen00001 with changed content
    parts.write_part(pdir, "20240102T000000-bbbbbb", 0, rows_of([record(1, version=1)], "r2"))
    # a half-written partition: child tables only
    half = rows_of([record(50)], "r3")
    half["articles"] = []
    for table in TABLES:
        if table != "articles" and half[table]:
            path = parts.part_path(pdir, table, "20240103T000000-cccccc", "part-000000")
            path.parent.mkdir(parents=True)
            import pyarrow.parquet as pq
            from pipeline.tables import arrow_table
            pq.write_table(arrow_table(table, half[table]), path)

    out = tmp_path / "out"
    with open_store(out) as st:
        assert st.load_parts(pdir) == (3, 8)
        assert st.load_parts(pdir) == (0, 0)  # nothing twice
    want = expected([recs[0], record(1, version=1), *recs[2:]])
    assert snapshot(out) == want
    # the README's cluster recipes: DuckDB and pandas on the partitions, the latest run of each
    # article (which the articles partitions tell)
    import duckdb
    import pandas as pd

    cols = [c for c, _ in TABLES["quotes"]]
    by_duckdb = duckdb.sql(f"""
        WITH latest AS (SELECT article_id, max(run) AS run
                        FROM read_parquet('{pdir}/articles/*/*.parquet', hive_partitioning = true)
                        GROUP BY article_id)
        SELECT q.* EXCLUDE (run)
        FROM read_parquet('{pdir}/quotes/*/*.parquet', hive_partitioning = true) q
        JOIN latest USING (article_id, run)""").fetchall()
    runs = pd.read_parquet(pdir / "articles", columns=["article_id", "run"]).astype({"run": str})
    latest = runs.groupby("article_id", as_index=False)["run"].max()
    by_pandas = pd.read_parquet(pdir / "quotes").astype({"run": str}).merge(latest)
    assert sorted(by_duckdb, key=str) == sorted(want["quotes"], key=str)
    assert sorted(map(tuple, by_pandas[cols].astype(object).where(by_pandas[cols].notna(), None)
                      .itertuples(index=False)), key=str) == sorted(want["quotes"], key=str)


def test_csv_parquet_and_store_agree_row_for_row(tmp_path):
    import duckdb
    import pyarrow.parquet as pq

    simulate_run(tmp_path, [record(k) for k in range(12)], "run1", batch=5)
    with open_store(tmp_path) as st:
        written = st.export(tmp_path, ["csv", "parquet"])
        assert set(written) == {"csv", "parquet"}
        assert st.export(tmp_path, ["csv", "parquet"]) == {}  # unchanged store: nothing redone
        tables = {t: st.rows(t) for t in [*TABLES, "speakers"]}
        types = {t: st.con.execute(f"DESCRIBE {t}").fetchall() for t in [*TABLES, "speakers"]}
    for table, rows in tables.items():
        assert rows, table
        assert written["csv"][table] == written["parquet"][table] == len(rows)
        names = [c[0] for c in types[table]]
        from_parquet = [tuple(d[c] for c in names)
                        for d in pq.read_table(tmp_path / "parquet" / f"{table}.parquet").to_pylist()]
        assert sorted(from_parquet, key=repr) == sorted(rows, key=repr), table
        columns = "{" + ", ".join(f"'{c[0]}': '{c[1]}'" for c in types[table]) + "}"
        from_csv = duckdb.sql(f"SELECT * FROM read_csv('{tmp_path}/csv/{table}.csv', header = true, "
                              f"columns = {columns})").fetchall()
        # a CSV cell cannot tell NULL from empty text: both are written empty
        assert sorted(from_csv, key=repr) == \
            sorted((tuple(None if v == "" else v for v in r) for r in rows), key=repr), table
        if table == "speakers":  # sorted: most quoted first
            assert from_csv == [tuple(None if v == "" else v for v in r) for r in rows]
    assert not list(tmp_path.glob("csv/.*")) and not list(tmp_path.glob("parquet/.*"))


def test_speakers_view_joins_a_surname_to_its_full_name(tmp_path):
    recs = [record(k) for k in range(40)]
    simulate_run(tmp_path, recs, "run1", batch=50)
    with Store(tmp_path / store_mod.STORE_NAME, read_only=True) as st:
        cols, cur = st.query("SELECT * FROM speakers WHERE person_key = 'name:karl mendes'")
        row = dict(zip(cols, cur.fetchone()))
    mentioned = {r["id"] for r in recs if any(p["name"] in ("Karl Mendes", "M. Mendes")
                                             for p in r["people"])}
    assert row["speaker"] == "Karl Mendes" and row["gender"] == "male"
    assert row["n_articles"] == len(mentioned) and row["article_ids"].split() == sorted(mentioned)
    quoted = sum(1 for r in recs for q in r["quotes"]
                 if q["speaker_name"] in ("Karl Mendes", "M. Mendes"))
    assert row["n_quotes"] == quoted


V2_COLUMNS = {"people": ("person_key", "surname", "short_name"), "quotes": ("person_key",)}


def write_v1_store(out: Path, records: list[dict], monkeypatch) -> None:
    """A store of schema version 1 (before the person identity), as the code of that version
    wrote it: no key columns, `name_key` folded the old way."""
    import pyarrow as pa

    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    rows = empty_rows()
    for rec in records:
        record_rows(rec, fp_of(rec), "v1", into=rows)
    with open_store(out) as st:
        assert st.version == 1
        for table, columns in TABLES.items():
            keep = [k for k, (c, _) in enumerate(columns) if c not in V2_COLUMNS.get(table, ())]
            names = [columns[k][0] for k in keep]
            data = [[r[k] for r in rows[table]] for k in keep]
            if table == "people":  # the old name_key: folded, honorifics dropped, no more
                data[names.index("name_key")] = [n.lower() for n in data[names.index("name")]]
            full = arrow_table(table, rows[table])
            arrow = pa.table({n: pa.array(d, full.schema.field(n).type) for n, d in zip(names, data)})
            st.con.register("_v1", arrow)
            st.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _v1")
            st.con.unregister("_v1")
    monkeypatch.undo()


def test_a_version_1_store_is_migrated_with_person_keys(tmp_path, monkeypatch):
    records = [record(k) for k in range(30)]
    write_v1_store(tmp_path, records, monkeypatch)
    with pytest.raises(StoreError, match="schema version 1, this code needs 2"):
        Store(tmp_path / store_mod.STORE_NAME, read_only=True)
    with open_store(tmp_path) as st:
        assert st.version == 2
        versions = st.con.execute("SELECT version, description FROM schema_version ORDER BY 1").fetchall()
        assert [v for v, _ in versions] == [1, 2] and "person_key" in versions[-1][1]
        assert st.con.execute("SELECT count(*) FROM people WHERE person_key IS NULL").fetchone()[0] == 0
    # every key, name_key and quotation key as a store written by this version has them
    want = expected(records)
    got = snapshot(tmp_path)
    for table in ("people", "quotes", "speakers"):
        assert got[table] == want[table], table
    assert ("name:karl mendes",) in {(r[0],) for r in got["speakers"]}
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:1])
    with pytest.raises(StoreError, match="newer than this code"):
        open_store(tmp_path)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          timeout=600)


def test_sql_command_prints_a_table_or_csv(tmp_path):
    simulate_run(tmp_path, [record(k) for k in range(10)], "run1")
    query = ("SELECT a.published, count(*) AS n FROM quotes q JOIN articles a USING (article_id) "
             "GROUP BY 1 ORDER BY 1 NULLS LAST")
    proc = run_cli("sql", str(tmp_path), query)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["published", "n"] and lines[-1] == "(5 rows)"
    assert lines[-2].split()[0] == "NULL"
    proc = run_cli("sql", str(tmp_path), query, "--csv")
    rows = list(csv.reader(proc.stdout.splitlines()))
    with Store(tmp_path / store_mod.STORE_NAME, read_only=True) as st:
        want = st.con.execute(query).fetchall()
    assert rows[0] == ["published", "n"]
    assert rows[1:] == [["" if p is None else p, str(n)] for p, n in want]
    proc = run_cli("sql", str(tmp_path), "SELECT nothing FROM quotes")
    assert proc.returncode == 1 and "corpus.duckdb" in proc.stderr and "nothing" in proc.stderr
    proc = run_cli("sql", str(tmp_path / "missing"), "SELECT 1")
    assert proc.returncode == 2 and "no store here" in proc.stderr


def test_store_command_removes_articles_and_reports_a_locked_store(tmp_path):
    simulate_run(tmp_path, [record(k) for k in range(5)], "run1")
    proc = run_cli("store", str(tmp_path), "--remove", "gen00002", "gen00404")
    assert proc.returncode == 0, proc.stderr
    assert "removed 1 of 2 articles" in proc.stdout and "4 articles" in proc.stdout
    assert not (tmp_path / "json" / "gen00002.json").exists()
    assert not (tmp_path / ".state" / "gen00002").exists()
    with open(tmp_path / "csv" / "articles.csv", newline="") as fh:
        assert [r["article_id"] for r in csv.DictReader(fh)] == ["gen00000", "gen00001", "gen00003",
                                                                 "gen00004"]
    with open_store(tmp_path):  # another process holds the store
        proc = run_cli("store", str(tmp_path))
    assert proc.returncode == 2 and "corpus.duckdb: cannot open the store" in proc.stderr
    # the records of the JSON folder rebuild the store
    (tmp_path / "csv" / "articles.csv").unlink()
    proc = run_cli("store", str(tmp_path), "--rebuild", "--format", "csv,parquet")
    assert proc.returncode == 0, proc.stderr
    assert "rebuilt from 4 records" in proc.stdout
    assert snapshot(tmp_path) == expected([record(k) for k in (0, 1, 3, 4)])
    assert (tmp_path / "parquet" / "speakers.parquet").exists()
    # a store deleted (or an output folder from before the store): the JSON records fill a new one
    (tmp_path / store_mod.STORE_NAME).unlink()
    proc = run_cli("store", str(tmp_path))
    assert proc.returncode == 0 and "filled from the 4 records" in proc.stderr, proc.stderr
    assert snapshot(tmp_path) == expected([record(k) for k in (0, 1, 3, 4)])


ARTICLE_A = "La FAO a estimé que les récoltes seraient faibles cette année dans toute la région du Sahel."
ARTICLE_B = ("« Nous manquons de tout », a déclaré Marie Okafor, coordonnatrice humanitaire, "
             "lundi à Bangui.")
ARTICLE_B2 = ("« Nous manquons de tout, et de temps », a déclaré Marie Okafor, coordonnatrice "
              "humanitaire, lundi à Bangui. « Le pire est devant nous », a-t-elle ajouté.")
ARTICLE_C = "Le HCR a indiqué que les arrivées avaient doublé depuis janvier dans les camps du nord."
ARTICLE_D = "L'OMS a averti que l'épidémie pourrait s'étendre aux provinces voisines avant la saison."


def test_two_command_line_runs_into_one_store(tmp_path):
    """Day 1: a, b, c. Day 2: a unchanged, b changed, c no longer in the input, d new."""
    day1, day2, out = tmp_path / "day1", tmp_path / "day2", tmp_path / "out"
    for folder, texts in ((day1, {"a": ARTICLE_A, "b": ARTICLE_B, "c": ARTICLE_C}),
                          (day2, {"a": ARTICLE_A, "b": ARTICLE_B2, "d": ARTICLE_D})):
        folder.mkdir()
        for name, text in texts.items():
            (folder / f"{name}.txt").write_text(" date 2024-05-14 " + text, encoding="utf-8")
    proc = run_cli("run", str(day1), "--out", str(out), "--workers", "1",
                   "--format", "json,csv,parquet")
    assert proc.returncode == 0, proc.stderr
    run1 = json.loads((out / "manifest.json").read_text())["store"]["run_id"]
    proc = run_cli("run", str(day2), "--out", str(out), "--workers", "1",
                   "--format", "json,csv,parquet")
    assert proc.returncode == 0, proc.stderr
    assert "2 processed, 1 unchanged" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    run2 = manifest["store"]["run_id"]
    assert manifest["store"]["articles"] == 4 and manifest["counts"]["articles"] == 4
    with Store(out / store_mod.STORE_NAME, read_only=True) as st:
        runs = dict(st.con.execute("SELECT article_id, run_id FROM articles").fetchall())
        assert runs == {"a": run1, "b": run2, "c": run1, "d": run2}
        b_quotes = st.con.execute("SELECT text FROM quotes WHERE article_id = 'b' ORDER BY 1").fetchall()
        assert len(b_quotes) == 2 and any("de temps" in t for (t,) in b_quotes)
        assert st.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
        for table in TABLES:  # the JSON records and the store agree
            n = st.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert manifest["counts"][table] == n
    records = {p.stem: json.loads(p.read_text()) for p in (out / "json").glob("*.json")}
    assert sorted(records) == ["a", "b", "c", "d"]
    assert snapshot(out, drop_run=True)["quotes"] == [
        r for r in expected(list(records.values()))["quotes"]]
    import pyarrow.parquet as pq
    assert pq.read_table(out / "parquet" / "quotes.parquet").num_rows == \
        sum(len(r["quotes"]) for r in records.values())
