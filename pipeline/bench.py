"""Throughput and memory benchmark of the pipeline against bare spaCy, in one run on the same texts.

    python -m pipeline.bench                       # default: 600 articles, long run of 2,000
    python -m pipeline.bench --quick               # smoke run: 120 articles, long run of 400
    python -m pipeline.bench --full                # 2,000 articles, long run of 5,000
    python -m pipeline.bench --articles 2000 --long 5000 --workers 2 --out outputs/bench.json
    python -m pipeline.bench --only-long-articles  # figure (j) alone: long articles, 1, 2, 5 MB

Flags: --articles N (texts for the speed figures), --long M (articles of the memory run; 0 skips it),
--workers W (processes of the parallel figure, default 2), --batch-size (16), --rounds R
(interleaved timing rounds, default 4), --source DIR (repeatable; default corpus/articles),
--seed, --dask (also time the Dask engine on a LocalCluster of W workers), --no-stages (skip the
per-stage cost table), --store-new N and --store-prefill M (figure (i): 1,000 new articles into a
store of 20,000; --quick 100 into 2,000; --store-new 0 skips it), --store-rounds R (pairs of (i)
runs, alternating which goes first; 2), --long-articles MB,MB,... (figure (j): sizes of the long
dense article; default 1,2,5; --quick 0.5,1; 0 skips it), --only-long-articles (figure (j) alone),
--out FILE (JSON; default outputs/bench.json).

The corpus: our own sample articles (`corpus/articles/*.txt`; else `corpus/golden/*.txt`, else
the .txt files under `tests/data/`, else a few paragraphs written into this module) cycled up to N
articles and lightly varied so no two are identical: body paragraphs shuffled (the headline stays
first), figures replaced by random numbers of the same length, a publication date drawn from
2018-2024 (so relative dates are resolved anew, not from dateparser's cache), and a fresh id. The
model's vocabulary already holds such numbers: (e) measures our pipeline's own growth, not the
growth of spaCy's string store on an open vocabulary (which `nlp.memory_zone()` bounds; the Dask
engine uses it).

Figures (one table, printed and written as JSON):
(a) bare spaCy: `spacy.load("fr_core_news_md")`, `nlp.pipe(texts, batch_size=16)`, 1 process. It
    runs in a separate process started for the benchmark, so that its model does not weigh on
    the memory figures of the main process and of the workers forked from it;
(b) `pipeline run ROUND.jsonl --out FRESH_DIR --workers 1 --quiet --force`, the whole command
    (reading the input, language check, fingerprints, normalisation, model and stages, one JSON
    per article, rows into the store, CSV tables exported from it, manifest) in its own process,
    started like (a)'s with the model loaded once (not timed, as (a)'s load is not): b/a (target
    >= 0.85), and the same ratio in CPU time. Both pipelines thus run in fresh processes of the
    same kind: none is the benchmark's own process, which forks, samples and holds the corpus;
(c) the same command with `--workers W` (a pool forked from that process): c/a and the speed-up
    c/b (target >= 1.7 for W=2),
    plus, for reading it: bare spaCy's own speed-up with W processes (`nlp.pipe(n_process=W)`,
    what this machine allows at all), the speed-up projected from CPU time (what W free cores
    would give) and the load average before the runs (on a machine shared with other work the
    wall-clock speed-up measures the neighbours too);
(d) peak RSS of each process running our pipeline in (b) and (c) (psutil, sampled in a thread;
    <= 1.2 GB);
(e) memory growth: the main process's RSS over a long 1-process run of M articles whose records
    are streamed to a temporary folder with the project's writer (nothing accumulates): median of
    the first 10 % of the samples vs the last 10 % (growth <= 5 %), and the least-squares slope
    over the second half (<= 2 MB per 1,000 articles);
(f) model loads: `spacy.load` calls in the process of (b) and (c) over all its runs: 1 (its
    workers inherit the loaded model); in the main process over (e) and (g): 1, and the cached
    pipeline object unchanged; with --dask, loads per Dask worker (1 each);
(g) per-stage cost: each component of the pipeline (and normalisation) timed over the docs of
    one pass, as a share of the total (info; see --no-stages).
(h) the store's share of (b): the seconds each (b) run spent opening the store, building rows,
    writing them (transactions), exporting the CSV tables and checkpointing, as its manifest
    times them (`store.seconds`), over the rest of its wall time (<= 5 %). Timed inside the run
    rather than as the difference of two runs, which the +-5 % noise of this machine would hide;
(i) store size: the whole `pipeline run --workers 1` of M new articles into an output folder whose
    store already holds P generated records (real records of the sample articles, cloned with new
    ids and dates), and into an empty folder, each in a fresh process (model loaded first, not
    timed), R pairs alternating which goes first: the ratio of their CPU time (<= 1.10; the
    wall-clock ratio is shown too, but other work on this shared machine moves a single run by up
    to 50 %, far more than the store could), the seconds the store took in each (the only part
    that the store's size could change, timed inside the run) and the peak RSS of the processes
    (growth <= 5 %, the flatness of (e); DuckDB works within a fixed memory limit, so what the
    store adds is bounded whatever its size).
(j) long articles: one article of S MB (default 1, 2 and 5; UTF-8 bytes), dense in names and
    quotations (the paragraphs of our sample articles that quote or name somebody, shuffled and
    varied as above, one after the other), and the paragraph of one named person, a title, a
    quotation and a pronoun incise repeated (0.5 and 2 MB), each through the whole
    `pipeline run ARTICLE.txt --workers 1` in a fresh process (model loaded and warmed first, not
    timed): CPU seconds per MB at each size (wall clock beside), the ratio of the largest size's
    CPU time to the smallest's over the ratio of their sizes (1.0 = linear; target <= 1.2), the
    process's peak RSS at the largest size (target <= 1.5 GB at 5 MB), and the CPU share of
    our stages (the segmenter's text analysis and `onu_entities` ... `onu_record`) in the run.
    The model sees such an article in chunks of `--chunk-size` characters (`pipeline/chunks.py`).
Wall-clock speed appears only as ratios to bare spaCy measured in the same run (the absolute
articles/s, machine-dependent, are kept under "raw" in the JSON for diagnosis). (a), (b), (c)
and bare spaCy with W processes are timed in R interleaved rounds on slices of the same texts,
rotating which goes first, to cancel drift and neighbours' load. Exit status 0 when every target is met, 1 otherwise.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
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
    """Samples, every `interval` s, the RSS of this process and the RSS and CPU time of its
    children (recursive), keeping the peak RSS of each. The timed pipelines run in other
    processes, so this thread never competes with them for this process's GIL."""

    def __init__(self, interval: float = 0.1, exclude: Iterable[int] = ()):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.exclude = set(exclude)
        self.main_peak = 0
        self.child_peak: dict[int, int] = {}
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def sample(self) -> None:
        import psutil

        main = self.proc.memory_info().rss
        try:
            children = self.proc.children(recursive=True)
        except psutil.Error:
            children = []
        seen = []
        for c in children:
            try:
                if c.pid in self.exclude or c.ppid() in self.exclude:
                    self.exclude.add(c.pid)  # and its own children in turn
                    continue
                rss_c = c.memory_info().rss
            except psutil.Error:
                continue
            seen.append((c.pid, rss_c))
        with self._lock:
            self.main_peak = max(self.main_peak, main)
            for pid, rss_c in seen:
                self.child_peak[pid] = max(self.child_peak.get(pid, 0), rss_c)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> "RssSampler":
        self._stop_event.set()
        self.join()
        return self


def _bare_server(conn, model: str, batch_size: int) -> None:
    """Bare spaCy in its own process (so its model never weighs on the main process's memory
    figures): loads `model`, then times `nlp.pipe` on each (texts, n_process) it is sent."""
    import multiprocessing as mp

    import spacy

    if "fork" in mp.get_all_start_methods():
        # a spawned process inherits "spawn" as its default; `nlp.pipe(n_process=W)` should
        # fork its workers from here with the model loaded, as it does in the main process
        mp.set_start_method("fork", force=True)
    nlp = spacy.load(model)
    conn.send(("ready", os.getpid()))
    while True:
        msg = conn.recv()
        if msg is None:
            break
        texts, n_process = msg
        w0, c0 = time.perf_counter(), time.process_time()
        n = 0
        for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            n += 1
        conn.send((time.perf_counter() - w0, time.process_time() - c0, n))
    conn.close()


class BareSpacy:
    """Client of `_bare_server`: `timed(texts)` -> (wall s, cpu s, count), measured there."""

    def __init__(self, model: str, batch_size: int):
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        # not a daemon: it forks workers itself for the W-process figure (closed in `main`'s finally)
        self.proc = ctx.Process(target=_bare_server, args=(child, model, batch_size))
        self.proc.start()
        tag, self.pid = self.conn.recv()
        assert tag == "ready"

    def timed(self, texts: list[str], n_process: int = 1) -> tuple[float, float, int]:
        self.conn.send((list(texts), n_process))
        return self.conn.recv()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(timeout=30)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout=5)


def write_jsonl(path: Path, articles: Iterable) -> Path:
    """The articles as a JSONL dataset (id, text, published), the input `pipeline run` reads."""
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.id, "text": a.text, "published": a.published},
                                ensure_ascii=False) + "\n")
    return path


def _ours_server(conn, batch_size: int) -> None:
    """`pipeline run` in its own process, as bare spaCy runs in `_bare_server`: the model is
    loaded once (as the CLI loads it at start-up), then each request (input file, workers, output
    folder or None) is timed as a whole command: reading the input, language check,
    fingerprints, the stages (in this process or in its forked workers), one JSON per article,
    the rows into the store, the CSV tables and the manifest, into a fresh output folder (with
    --force), or into the folder given (kept). Replies (wall s, cpu s of this process, cpu s of
    its reaped workers, articles processed, failures, seconds the store took)."""
    import shutil

    with LoadCounter() as counter:
        from . import cli, core

        core.load()
        conn.send(("ready", os.getpid()))
        while True:
            msg = conn.recv()
            if msg is None:
                break
            if msg == "loads":
                conn.send(list(counter.calls))
                continue
            path, workers, given = msg
            out = Path(given) if given else Path(tempfile.mkdtemp(prefix="onu-bench-run-"))
            argv = ["run", str(path), "--out", str(out), "--workers", str(workers),
                    "--batch-size", str(batch_size), "--quiet"] + ([] if given else ["--force"])
            try:
                with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
                    k0 = _children_cpu()
                    w0, c0 = time.perf_counter(), time.process_time()
                    cli.main(argv)
                    w, c = time.perf_counter() - w0, time.process_time() - c0
                    k = _children_cpu() - k0  # the pool's workers, reaped when the run ends
                manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
                failures = [f"{f.get('id')}: {f.get('reason')}" for f in manifest["failures"]]
                conn.send((w, c, k, manifest["articles"]["processed"], failures,
                           manifest["store"]["seconds"]))
            finally:
                if not given:
                    shutil.rmtree(out, ignore_errors=True)
    conn.close()


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class OursServer(BareSpacy):
    """Client of `_ours_server`: `timed(path, workers, out)` -> (wall s, cpu s, cpu s of its
    workers, processed, failures, store s)."""

    def __init__(self, batch_size: int):
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_ours_server, args=(child, batch_size))
        self.proc.start()
        tag, self.pid = self.conn.recv()
        assert tag == "ready"

    def timed(self, path: Path, workers: int = 1,  # type: ignore[override]
              out: Optional[Path] = None):
        self.conn.send((str(path), workers, str(out) if out else None))
        return self.conn.recv()

    def loads(self) -> list[str]:
        self.conn.send("loads")
        return self.conn.recv()


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
    from .core import make_doc

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
    p.add_argument("--rounds", type=int, default=4, help="interleaved timing rounds (4)")
    p.add_argument("--source", action="append", default=None,
                   help="file or folder of articles to cycle (repeatable; default corpus/articles)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dask", action="store_true", help="also time the Dask engine")
    p.add_argument("--store-new", type=int, default=None,
                   help="new articles of the store-size figure (1,000; 0 skips it)")
    p.add_argument("--store-prefill", type=int, default=None,
                   help="generated records already in the store of that figure (20,000)")
    p.add_argument("--store-rounds", type=int, default=2,
                   help="pairs of runs of that figure, alternating which goes first (2)")
    p.add_argument("--no-stages", action="store_true", help="skip the per-stage cost table")
    p.add_argument("--long-articles", default=None,
                   help="sizes in MB of the long dense article of figure (j), comma-separated "
                        "(default 1,2,5; --quick 0.5,1; 0 skips it)")
    p.add_argument("--only-long-articles", action="store_true",
                   help="run figure (j) alone (long articles), nothing else")
    p.add_argument("--out", default="outputs/bench.json", help="JSON output (outputs/bench.json)")
    return p


def row(figure: str, value, target: str = "", ok: Optional[bool] = None, unit: str = "") -> dict:
    return {"figure": figure, "value": value, "unit": unit, "target": target,
            "pass": ok if ok is None else bool(ok)}


def loadavg() -> Optional[float]:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover - not on Linux/macOS
        return None


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    n_articles = args.articles or (120 if args.quick else 2000 if args.full else 600)
    n_long = args.long if args.long is not None else (400 if args.quick else 5000 if args.full else 2000)
    n_store_new = args.store_new if args.store_new is not None else (100 if args.quick else 1000)
    n_prefill = args.store_prefill if args.store_prefill is not None else (
        2000 if args.quick else 20000)
    workers = max(1, args.workers)
    bs = args.batch_size
    rounds = max(1, min(args.rounds, n_articles))
    t_start = time.perf_counter()
    long_sizes = _sizes(args.long_articles if args.long_articles is not None else
                        ("0.5,1" if args.quick else "1,2,5"))
    if args.only_long_articles:
        return _only_long_articles(args, long_sizes, bs, t_start)

    import psutil

    from .engines import local
    from . import core as extract_mod

    bases, where = base_articles(args.source)
    articles = list(corpus(bases, n_articles, args.seed))
    warm = list(corpus(bases, min(32, n_articles), args.seed + 1))
    log(f"corpus: {n_articles} varied articles cycled from {where}; "
        f"{sum(len(a.text) for a in articles) / n_articles:.0f} characters on average")
    raw: dict = {"articles": n_articles, "long": n_long, "workers": workers, "batch_size": bs,
                 "rounds": rounds, "source": where, "cpu_count": os.cpu_count(),
                 "loadavg_start": loadavg()}
    errors: list[str] = []
    rows: list[dict] = []

    counter = LoadCounter().__enter__()
    bare = ours = None
    tmp = tempfile.TemporaryDirectory(prefix="onu-bench-")
    try:
        # -- load both pipelines (not timed) and warm both on other texts ----------------------
        bare = BareSpacy(extract_mod.MODEL, bs)
        # the children there now (bare spaCy, multiprocessing's resource tracker) are no workers
        not_ours = [c.pid for c in psutil.Process().children(recursive=True)]
        ours = OursServer(bs)
        inputs = [write_jsonl(Path(tmp.name) / f"round{r}.jsonl", articles[r::rounds])
                  for r in range(rounds)]
        warm_input = write_jsonl(Path(tmp.name) / "warm.jsonl", warm)
        bare.timed([a.text for a in warm])
        ours.timed(warm_input, 1)
        ours.timed(warm_input, workers)
        nlp = extract_mod.load()  # this process: (e) and (g)
        ours_first = extract_mod._NLP
        drain_engine(local.run(warm, workers=1, batch_size=bs), [])
        raw["rss_main_after_load_mb"] = round(rss() / MB)
        log(f"models loaded (bare spaCy in process {bare.pid}, `pipeline run` in process "
            f"{ours.pid}); timing {rounds} rounds")

        # -- (a), (b), (c), (d): interleaved rounds on the same texts ------------------------
        sampler = RssSampler(interval=0.2, exclude=not_ours)
        sampler.start()
        wall = {"a": 0.0, "b": 0.0, "c": 0.0, "a_par": 0.0}
        cpu = {"a": 0.0, "b": 0.0, "c_main": 0.0, "c_workers": 0.0}
        projected_c_wall = 0.0  # the c runs' wall time had each process its own core
        store_b = 0.0  # seconds the store took inside the (b) runs (their manifests)
        c_loads: list[float] = []
        for r in range(rounds):
            chunk = articles[r::rounds]
            kinds = ["a", "b", "c", "a_par"]
            order = kinds[r % 4:] + kinds[:r % 4]
            for which in order:
                if which == "a":
                    w, c, _ = bare.timed([x.text for x in chunk])
                    cpu["a"] += c
                elif which == "a_par":
                    w, _, _ = bare.timed([x.text for x in chunk], workers)
                elif which == "b":
                    w, c, _, n, failed, st = ours.timed(inputs[r], 1)
                    store_b += st
                    errors.extend(failed + ([] if n + len(failed) == len(chunk) else
                                            [f"round {r}: {n} of {len(chunk)} processed"]))
                    cpu["b"] += c
                else:
                    c_loads.append(loadavg() or 0.0)
                    w, c, k, n, failed, _ = ours.timed(inputs[r], workers)
                    errors.extend(failed + ([] if n + len(failed) == len(chunk) else
                                            [f"round {r}: {n} of {len(chunk)} processed"]))
                    cpu["c_main"] += c
                    cpu["c_workers"] += k
                    # had each process its own core: the busiest of the parent and the workers,
                    # the workers' CPU time taken as evenly shared (they pull partitions as free)
                    projected_c_wall += max(c, k / workers)
                wall[which] += w
            log(f"round {r + 1}/{rounds}: bare {wall['a']:.1f}s, ours {wall['b']:.1f}s, "
                f"ours x{workers} {wall['c']:.1f}s, bare x{workers} {wall['a_par']:.1f}s so far")
        sampler.stop()
        rate = {k: n_articles / v for k, v in wall.items()}
        raw.update(bare_articles_per_s=round(rate["a"], 2),
                   bare_parallel_articles_per_s=round(rate["a_par"], 2),
                   ours_1proc_articles_per_s=round(rate["b"], 2),
                   ours_parallel_articles_per_s=round(rate["c"], 2),
                   cpu_s={k: round(v, 2) for k, v in cpu.items()},
                   loadavg_before_parallel_runs=c_loads)
        ratio_ba = rate["b"] / rate["a"]
        speedup = rate["c"] / rate["b"]
        projected = cpu["b"] / projected_c_wall if projected_c_wall else 0.0
        target_speedup = 1.7 if workers == 2 else round(0.85 * workers, 2)
        rows.append(row("(a) bare spaCy fr_core_news_md, 1 process", 1.0, "reference", None, "x bare"))
        rows.append(row("(b) `pipeline run --workers 1`, whole command", round(ratio_ba, 3),
                        ">= 0.85", ratio_ba >= 0.85, "x bare"))
        rows.append(row("(b) same, in CPU time (info)", round(cpu["a"] / cpu["b"], 3), "", None,
                        "x bare"))
        store_share = store_b / max(wall["b"] - store_b, 1e-9)
        raw["store_s_in_b"] = round(store_b, 3)
        rows.append(row("(h) time the store adds to (b): open, rows, transactions, CSV export, "
                        "checkpoint", round(100 * store_share, 2), "<= 5", store_share <= 0.05,
                        "%"))
        rows.append(row(f"(c) `pipeline run --workers {workers}`, whole command",
                        round(rate["c"] / rate["a"], 3), "", None, "x bare"))
        rows.append(row(f"(c) speed-up {workers} processes vs 1 (wall clock)", round(speedup, 3),
                        f">= {target_speedup:g}", speedup >= target_speedup, "x"))
        rows.append(row(f"(c) speed-up projected from CPU time, {workers} free cores (info)",
                        round(projected, 3), "", None, "x"))
        bare_speedup = rate["a_par"] / rate["a"]
        rows.append(row(f"(c) bare spaCy's own speed-up, {workers} processes: the machine (info)",
                        round(bare_speedup, 3), "", None, "x"))
        rows.append(row("(c) our speed-up / bare spaCy's (info)", round(speedup / bare_speedup, 3),
                        "", None, ""))
        busy = max(c_loads, default=0.0)
        rows.append(row("(c) load average before the parallel runs, max (info)", busy,
                        f"< {max(0.5, (os.cpu_count() or 1) - workers + 0.5):g} for a fair (c)",
                        None, ""))
        peaks = sampler.child_peak
        worker_peak = max(peaks.values(), default=0)
        raw["worker_peak_rss_mb"] = {str(pid): round(v / MB) for pid, v in peaks.items()}
        rows.append(row(f"(d) peak RSS per worker process (max of {len(peaks)})",
                        round(worker_peak / MB), "<= 1229 (1.2 GB)",
                        bool(peaks) and worker_peak <= 1.2 * 1024 * MB, "MB"))
        rows.append(row("(d) peak RSS of the main process (info)", round(sampler.main_peak / MB),
                        "", None, "MB"))
        bare.close()
        bare = None
        server_loads = ours.loads()
        ours.close()
        ours = None

        # -- (g) per-stage costs (info) -------------------------------------------------------
        if not args.no_stages:
            costs = stage_costs(nlp, articles[: min(200, n_articles)], bs)
            total = sum(costs.values())
            ours_names = set(extract_mod.STAGES) | {"normalise + tokenise"}
            raw["stage_seconds"] = {k: round(v, 3) for k, v in costs.items()}
            for name, sec in costs.items():
                tag = "ours" if name in ours_names else "spaCy"
                rows.append(row(f"(g) stage {name} [{tag}]", round(100 * sec / total, 1),
                                "", None, "% of pipeline"))
            ours_total = sum(v for k, v in costs.items() if k in ours_names)
            rows.append(row("(g) all our stages + normalisation", round(100 * ours_total / total, 1),
                            "", None, "% of pipeline"))

        # -- optional: the Dask engine -------------------------------------------------------
        if args.dask:
            log("Dask engine")
            rows.extend(_bench_dask(articles, workers, bs, rate["a"], rate["b"], raw, errors))

        # -- (e) memory growth over a long streaming run (--long 0 skips it) -----------------
        # before (i), which builds a store of 20,000 records in this process: after it, (e)
        # started 145 MB higher and measured the allocator's reuse of that memory as well
        if n_long > 0:
            rows.extend(_long_run(local, bases, n_articles, n_long, args.seed, bs, raw, errors))

        # -- (i) a run into a large store vs into an empty one (--store-new 0 skips it) -------
        if n_store_new > 0:
            rows.extend(_store_growth(bases, n_articles, n_store_new, n_prefill,
                                      args.store_rounds, args.seed, bs, raw, errors))

        # -- (j) long articles: linear time, bounded memory (--long-articles 0 skips it) -------
        # after (e): each article runs in a fresh process, but their texts are built here
        if long_sizes:
            rows.extend(_long_articles(bases, long_sizes, args.seed, bs, raw, errors))

        # -- (f) model loads ----------------------------------------------------------------
        ours_loads = len(counter.calls)
        same = extract_mod._NLP is ours_first and extract_mod.load() is ours_first
        raw["spacy_load_calls_main"] = counter.calls
        raw["spacy_load_calls_run_process"] = server_loads
        rows.append(row(f"(f) spacy.load calls in the `pipeline run` process over (b) (c), "
                        f"{2 * rounds + 2} runs (its workers are forked with it loaded)",
                        len(server_loads), "1", len(server_loads) == 1, "calls"))
        rows.append(row("(f) spacy.load calls in this process over (e) (g)", ours_loads,
                        "1", ours_loads == 1 and same, "calls"))
    finally:
        counter.__exit__(None, None, None)
        for server in (bare, ours):
            if server is not None:
                server.close()
        tmp.cleanup()

    raw["loadavg_end"] = loadavg()
    return _finish(rows, raw, errors, Path(args.out), t_start)


def _finish(rows: list[dict], raw: dict, errors: list[str], out: Path, t_start: float) -> int:
    """The failures' row, the table printed, the JSON written; exit status 1 when a figure
    fails (the whole benchmark and `--only-long-articles` end alike)."""
    rows.append(row("articles that failed, all runs", len(errors), "0", not errors, ""))
    raw["errors"] = errors[:20]
    raw["elapsed_s"] = round(time.perf_counter() - t_start, 1)
    result = {"version": _version(), "rows": rows, "raw": raw,
              "passed": all(r["pass"] for r in rows if r["pass"] is not None)}
    print_table(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {out} ({raw['elapsed_s']} s)")
    return 0 if result["passed"] else 1


def _long_run(local, bases: list, offset: int, n_long: int, seed: int, bs: int, raw: dict,
              errors: list) -> list[dict]:
    """(e): the main process's RSS over a 1-process run whose records are written one by one."""
    rows: list[dict] = []
    log(f"long run: {n_long} articles, 1 process, records streamed to disk")
    gc.collect()
    write, writer_name = _writer()
    step = max(1, n_long // 200)
    xs: list[float] = []
    ys: list[float] = []
    with tempfile.TemporaryDirectory(prefix="onu-bench-") as tmp:
        done = failed = 0
        w0 = time.perf_counter()
        for o in local.run(corpus(bases, n_long, seed + 7, offset=offset),
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
    k = max(1, len(ys) // 10)
    first, last = statistics.median(ys[:k]), statistics.median(ys[-k:])
    half = len(xs) // 2  # the second half: the first batches still fill caches
    slope = slope_per_1000(xs[half:], ys[half:])
    growth = (last - first) / first
    raw.update(long_articles=done, long_written=written, long_writer=writer_name,
               long_articles_per_s=round(done / long_wall, 2), rss_sample_every=step,
               rss_samples_mb=[round(y, 1) for y in ys],
               slope_all_mb_per_1000=round(slope_per_1000(xs, ys), 2))
    rows.append(row(f"(e) main RSS, median of the first 10 % ({done} articles)", round(first),
                    "", None, "MB"))
    rows.append(row("(e) main RSS, median of the last 10 %", round(last), "", None, "MB"))
    rows.append(row("(e) growth, last vs first 10 %", round(100 * growth, 2), "<= 5",
                    growth <= 0.05, "%"))
    judged = done >= 1000  # a shorter run cannot resolve 2 MB / 1,000 articles
    rows.append(row("(e) RSS slope over the second half", round(slope, 2),
                    "<= 2" if judged else "(info: run < 1,000)", (slope <= 2.0) if judged else None,
                    "MB/1000 art."))
    rows.append(row("(e) records written one by one / articles streamed", f"{written}/{done}",
                    "all but failures", written == done - failed and done == n_long, ""))
    return rows


def prefill_records(records: list[dict], n: int, seed: int) -> Iterator[dict]:
    """n records cloned from real ones (new ids, publication dates over 2015-2024), lazily."""
    rng = random.Random(seed)
    for k in range(n):
        rec = dict(records[k % len(records)])
        year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
        rec["id"] = f"prefill{k:07d}"
        rec["published"] = f"{year}-{month:02d}-{day:02d}"
        yield rec


def _store_growth(bases: list, offset: int, n_new: int, n_prefill: int, rounds: int,
                  seed: int, bs: int, raw: dict, errors: list) -> list[dict]:
    """(i): the whole `pipeline run --workers 1` of n_new new articles into an output folder
    whose store already holds n_prefill records, and into an empty folder. Each run in a fresh
    `pipeline run` process (its model load not timed) whose peak RSS is sampled from here."""
    import shutil

    from .engines import local
    from .store import open_store

    rows: list[dict] = []
    rounds = max(1, rounds)
    log(f"store size: {n_new} new articles into a store of {n_prefill} generated records vs an "
        "empty one")
    with tempfile.TemporaryDirectory(prefix="onu-bench-store-") as tmp:
        records = [o.record for o in local.run(bases, workers=1, batch_size=bs) if o.record]
        prefilled = Path(tmp) / "prefilled"
        w0 = time.perf_counter()
        with open_store(prefilled) as st:
            st.write_records(prefill_records(records, n_prefill, seed), batch=1000)
            st.export(prefilled, ["csv"])
        raw["store_prefill_s"] = round(time.perf_counter() - w0, 2)
        raw["store_prefill_mb"] = round((prefilled / "corpus.duckdb").stat().st_size / MB, 1)
        new_input = write_jsonl(Path(tmp) / "new.jsonl",
                                corpus(bases, n_new, seed + 11, offset=offset + 10_000_000))
        result: dict[str, list] = {"empty": [], "full": []}
        loads: list[float] = []
        for r in range(rounds):
            for which in (["empty", "full"] if r % 2 == 0 else ["full", "empty"]):
                out = Path(tmp) / f"{which}-{r}"
                if which == "full":
                    shutil.copytree(prefilled, out)
                server = OursServer(bs)
                loads.append(loadavg() or 0.0)
                sampler = RssSampler(interval=0.2)
                sampler.start()
                try:
                    w, cpu, _, n, failed, store_s = server.timed(new_input, 1, out)
                finally:
                    sampler.stop()
                    server.close()
                errors.extend(failed + ([] if n + len(failed) == n_new else
                                        [f"store run {which}: {n} of {n_new} processed"]))
                result[which].append((w, store_s, sampler.child_peak.get(server.pid, 0), cpu))
                shutil.rmtree(out, ignore_errors=True)
                log(f"store size: run into the {which} store: {w:.1f} s (store {store_s:.2f} s), "
                    f"peak {sampler.child_peak.get(server.pid, 0) / MB:.0f} MB")
    wall = {k: sum(x[0] for x in v) for k, v in result.items()}
    store_s = {k: sum(x[1] for x in v) for k, v in result.items()}
    peak = {k: max(x[2] for x in v) for k, v in result.items()}
    cpu = {k: sum(x[3] for x in v) for k, v in result.items()}
    raw["store_growth"] = {k: [{"wall_s": round(x[0], 2), "store_s": round(x[1], 3),
                                "peak_mb": round(x[2] / MB), "cpu_s": round(x[3], 2)} for x in v]
                           for k, v in result.items()}
    ratio = wall["full"] / wall["empty"]
    cpu_ratio = cpu["full"] / cpu["empty"]
    rows.append(row(f"(i) run of {n_new} new articles into a store of {n_prefill} / into an empty "
                    f"one, CPU time of the run process ({rounds} pair{'s' if rounds > 1 else ''})",
                    round(cpu_ratio, 3), "<= 1.10", cpu_ratio <= 1.10, "x"))
    rows.append(row("(i) same, wall clock (info: neighbours on a shared machine move one run by "
                    "up to 50 %)", round(ratio, 3), "", None, "x"))
    rows.append(row("(i) load average before those runs, max (info)", max(loads), "", None, ""))
    rows.append(row("(i) seconds the store took in those runs, prefilled / empty (info)",
                    f"{store_s['full'] / rounds:.2f} / {store_s['empty'] / rounds:.2f}", "", None,
                    "s"))
    growth = (peak["full"] - peak["empty"]) / peak["empty"] if peak["empty"] else 0.0
    rows.append(row("(i) peak RSS of the run, prefilled / empty store",
                    f"{peak['full'] / MB:.0f} / {peak['empty'] / MB:.0f}", "", None, "MB"))
    rows.append(row("(i) peak RSS growth with the store's size", round(100 * growth, 2), "<= 5",
                    bool(peak["empty"]) and growth <= 0.05, "%"))
    return rows


# ---- (j) long articles ---------------------------------------------------------------------------

# One named person, a title, a quotation and a pronoun incise (the record example of the README).
ONE_PERSON = ("La Haute-Commissaire, Ingrid Solberg, s'est rendue à Goma mardi. « Les familles ont "
              "tout perdu », a-t-elle déclaré.")
_DENSE = re.compile(r"«|\b(?:M\.|Mme|selon|a déclaré|a dit|a souligné|a affirmé|a ajouté|"
                    r"a indiqué|a expliqué)\b")


def _sizes(value: str) -> list[float]:
    sizes = sorted({float(x) for x in str(value).split(",") if x.strip()})
    return [x for x in sizes if x > 0]


def long_article_text(bases: list, megabytes: float, seed: int = 0, kind: str = "dense") -> str:
    """An article of `megabytes` MB (UTF-8), paragraphs joined by blank lines: "dense", the body
    paragraphs of the sample articles that quote or name somebody, from their varied copies
    (`vary`: shuffled, figures changed) one after the other; "one", `ONE_PERSON` repeated."""
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    k = 0
    while size < target:
        if kind == "one":
            paras = [ONE_PERSON]
        else:
            art = vary(bases[k % len(bases)], k, random.Random(seed * 7919 + k))
            paras = [p.strip() for p in re.split(r"\n\s*\n", art.text.strip())[1:]
                     if _DENSE.search(p)]
            k += 1
            if not paras and k > len(bases) and not parts:
                paras = [p.strip() for p in art.text.split("\n") if p.strip()]
        for p in paras:
            parts.append(p)
            size += len(p.encode("utf-8")) + 2
            if size >= target:
                break
    return "\n\n".join(parts) + "\n"


def _long_article_server(conn, path: str, out: str, batch_size: int) -> None:
    """One long article through the whole `pipeline run` in this (fresh) process: the model is
    loaded and warmed first (not timed). Sends ("ready", pid, RSS after loading in bytes), waits
    for a go, then replies (wall s, CPU s, CPU s per part of the chunked article, peak RSS of
    the process in bytes, processed, quotations, failures)."""
    import resource

    from . import chunks, cli, core
    from .engines.worker import probe

    core.load()
    probe()  # one short article: lazy imports and caches
    conn.send(("ready", os.getpid(), rss()))
    conn.recv()
    chunks.TIMINGS = {}
    argv = ["run", path, "--out", out, "--workers", "1", "--batch-size", str(batch_size),
            "--quiet", "--force", "--format", "json"]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        w0, c0 = time.perf_counter(), time.process_time()
        cli.main(argv)
        w, c = time.perf_counter() - w0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KB on Linux
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    failures = [f"{f.get('id')}: {f.get('reason')}" for f in manifest["failures"]]
    conn.send((w, c, dict(chunks.TIMINGS), peak, manifest["articles"]["processed"],
               (manifest.get("counts") or {}).get("quotes"), failures))
    conn.close()


def _long_article_run(text: str, tmp: Path, name: str, batch_size: int) -> dict:
    """`_long_article_server` on `text`, in a fresh spawned process."""
    import multiprocessing as mp

    path = tmp / f"{name}.txt"
    path.write_text(" date 2024-03-12\n" + text, encoding="utf-8")
    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    proc = ctx.Process(target=_long_article_server,
                       args=(child, str(path), str(tmp / f"out-{name}"), batch_size))
    proc.start()
    try:
        tag, pid, loaded = conn.recv()
        conn.send("go")
        w, c, parts, peak, processed, quotes, failures = conn.recv()
    finally:
        proc.join(timeout=60)
        if proc.is_alive():
            proc.terminate()
    path.unlink(missing_ok=True)
    return {"mb": len(text.encode("utf-8")) / 1e6, "wall_s": w, "cpu_s": c, "parts": parts,
            "rss_loaded_mb": loaded / MB, "peak_mb": peak / MB, "processed": processed,
            "quotes": quotes, "failures": failures}


def _long_articles(bases: list, sizes: list[float], seed: int, bs: int, raw: dict,
                   errors: list) -> list[dict]:
    """(j): long articles through `pipeline run`, one fresh process per article."""
    from .chunks import chunk_size_of
    from .core import load

    rows: list[dict] = []
    ours = ("onu_segmenter", "onu_entities", "onu_titles", "onu_people", "onu_discourse",
            "onu_quotes", "onu_attribution", "onu_dates", "onu_record")
    one_sizes = [0.5] if max(sizes) <= 1 else [0.5, 2.0]
    log(f"long articles: dense {', '.join(f'{x:g}' for x in sizes)} MB, one person "
        f"{', '.join(f'{x:g}' for x in one_sizes)} MB (chunks of {chunk_size_of(load()):,} characters)")
    results: dict[str, list[dict]] = {"dense": [], "one": []}
    with tempfile.TemporaryDirectory(prefix="onu-bench-long-") as tmp:
        for kind, kind_sizes in (("dense", sizes), ("one", one_sizes)):
            for mb in kind_sizes:
                text = long_article_text(bases, mb, seed, kind)
                r = _long_article_run(text, Path(tmp), f"{kind}-{mb:g}mb", bs)
                del text
                errors.extend(r["failures"] + ([] if r["processed"] == 1 else
                                               [f"long article {kind} {mb:g} MB not processed"]))
                results[kind].append(r)
                log(f"long article {kind} {r['mb']:.2f} MB: {r['cpu_s']:.1f} s CPU, {r['wall_s']:.1f} s "
                    f"wall, peak {r['peak_mb']:.0f} MB, {r['quotes']} quotations")
    raw["long_articles"] = {k: [{**{x: (round(y, 3) if isinstance(y, float) else y)
                                    for x, y in r.items() if x != "parts"},
                                 "parts_cpu_s": {x: round(y, 2) for x, y in r["parts"].items()}}
                                for r in v] for k, v in results.items()}
    for kind, label in (("dense", "dense in names and quotations"),
                        ("one", "one person's paragraph repeated")):
        runs = results[kind]
        for r in runs:
            rows.append(row(f"(j) long article, {label}, {r['mb']:.1f} MB: CPU s per MB "
                            f"(wall s per MB)", f"{r['cpu_s'] / r['mb']:.1f} ({r['wall_s'] / r['mb']:.1f})",
                            "", None, "s/MB"))
        if len(runs) >= 2:
            small, big = runs[0], runs[-1]
            growth = (big["cpu_s"] / small["cpu_s"]) / (big["mb"] / small["mb"])
            rows.append(row(f"(j) {label}: CPU time {big['mb']:.1f} MB / {small['mb']:.1f} MB, over "
                            f"the size ratio {big['mb'] / small['mb']:.1f} (1 = linear)",
                            round(growth, 3), "<= 1.2", growth <= 1.2, "x"))
    big = results["dense"][-1]
    target = 1.5 * 1024 if big["mb"] >= 4.5 else None
    rows.append(row(f"(j) peak RSS of the run, dense article of {big['mb']:.1f} MB "
                    f"(after loading: {big['rss_loaded_mb']:.0f} MB)", round(big["peak_mb"]),
                    "<= 1536 (1.5 GB) at 5 MB" if target else "(info: 5 MB judged)",
                    (big["peak_mb"] <= target) if target else None, "MB"))
    share = sum(v for k, v in big["parts"].items() if k in ours) / big["cpu_s"]
    model = big["parts"].get("model (chunks)", 0.0) / big["cpu_s"]
    rows.append(row(f"(j) share of the run's CPU time, dense {big['mb']:.1f} MB: our stages "
                    f"(the model's chunks: {100 * model:.1f} %)", round(100 * share, 1), "", None,
                    "%"))
    return rows


def _only_long_articles(args, sizes: list[float], bs: int, t_start: float) -> int:
    """`--only-long-articles`: figure (j) alone, printed and written like the whole benchmark."""
    bases, where = base_articles(args.source)
    raw: dict = {"source": where, "cpu_count": os.cpu_count(), "loadavg_start": loadavg()}
    errors: list[str] = []
    rows = _long_articles(bases, sizes or [1.0, 2.0, 5.0], args.seed, bs, raw, errors)
    return _finish(rows, raw, errors, Path(args.out), t_start)


def _bench_dask(articles: list, workers: int, bs: int, rate_a: float, rate_b: float, raw: dict,
                errors: list) -> list[dict]:
    from distributed import Client, LocalCluster

    from .engines import dask as dask_engine

    rows = []
    sampler = RssSampler(interval=0.2)
    sampler.start()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask_engine.check_workers(client)  # loads the model on every worker (not timed)
        w, _, n = timed(lambda: drain_engine(dask_engine.run(articles, client=client, batch_size=bs,
                                                             check=False), errors))
        stats = client.run(dask_engine.worker_stats)
    sampler.stop()
    worker_pids = {s["pid"] for s in stats.values()}
    rate = n / w
    raw["dask_articles_per_s"] = round(rate, 2)
    raw["dask_worker_stats"] = list(stats.values())
    loads = [s["model_loads"] for s in stats.values()]
    peak = max((v for pid, v in sampler.child_peak.items() if pid in worker_pids), default=0)
    rows.append(row(f"(c) Dask engine, LocalCluster of {workers} workers", round(rate / rate_a, 3),
                    "", None, "x bare"))
    rows.append(row("(c) Dask speed-up vs local 1 process", round(rate / rate_b, 3), "", None, "x"))
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
