"""Engines: the local engine (1 and 2 processes) and the Dask engine (a LocalCluster of 2 worker
processes) give the same records; a failing article costs its own Outcome, not the run; each
Dask worker loads the model once. The four articles are written for this test (ONU Info style,
made-up people and statements); none is copied from a real article.

The local runs come first in this file on purpose: the local pool forks its workers, and forking is
safest before a Dask client has started its threads in this process.
"""
from __future__ import annotations

import pytest

from pipeline.engines import local
from pipeline.records import Article

ARTICLES = [
    Article(
        id="onu-eau",
        source="test:onu-eau",
        published="2024-03-22",
        text=(
            "Journée mondiale de l'eau : l'ONU appelle à protéger les nappes souterraines\n\n"
            "La Directrice exécutive du Programme des Nations Unies pour l'environnement, Mariam "
            "Lindqvist, a présenté vendredi à Nairobi un rapport sur l'état des nappes "
            "phréatiques dans quarante pays.\n\n"
            "« Nous puisons aujourd'hui dans l'eau de nos petits-enfants », a-t-elle déclaré "
            "devant la presse. Elle a ajouté que les pays les plus touchés manquaient de données "
            "fiables.\n\n"
            "Selon le rapport, un tiers des grandes nappes du monde baisse chaque année depuis "
            "2010.\n"
        ),
    ),
    Article(
        id="onu-haiti",
        source="test:onu-haiti",
        published="2023-11-08",
        text=(
            "Haïti : le Conseil de sécurité entend un appel à l'aide humanitaire\n\n"
            "Le Secrétaire général adjoint aux affaires humanitaires, Tomas Okafor, a informé "
            "mardi le Conseil de sécurité de la dégradation de la situation à Port-au-Prince.\n\n"
            "« Les familles n'ont plus accès aux marchés ni aux hôpitaux », a expliqué M. Okafor. "
            "Il a souligné que le plan de réponse n'était financé qu'à 30 %.\n\n"
            "D'après le Bureau de la coordination des affaires humanitaires, près de 200 000 "
            "personnes ont fui leur domicile depuis le mois d'août.\n"
        ),
    ),
    Article(
        id="onu-climat",
        source="test:onu-climat",
        published="2024-09-23",
        text=(
            "Climat : le chef de l'ONU demande aux pays du G20 d'accélérer la sortie du charbon\n\n"
            "Le Secrétaire général de l'ONU a exhorté lundi les dirigeants réunis à New York à "
            "présenter des plans climatiques plus ambitieux avant la prochaine conférence.\n\n"
            "« Chaque dixième de degré compte, et chaque retard se paie en vies humaines », a "
            "affirmé le Secrétaire général. Il a demandé aux banques de développement de tripler "
            "leurs financements pour l'adaptation.\n\n"
            "La ministre de l'Environnement du Chili, Paula Reyes, a pour sa part estimé que les "
            "petits pays insulaires devaient être entendus en priorité.\n"
        ),
    ),
    Article(
        id="onu-sante",
        source="test:onu-sante",
        published="2022-05",
        text=(
            "L'OMS lance une campagne de vaccination contre la rougeole au Sahel\n\n"
            "L'Organisation mondiale de la Santé (OMS) et l'UNICEF ont lancé cette semaine une "
            "campagne visant à vacciner 4 millions d'enfants au Mali, au Niger et au Tchad.\n\n"
            "« Aucun enfant ne devrait mourir d'une maladie que l'on sait prévenir », a souligné "
            "la Dre Aminata Diallo, responsable de la vaccination à l'OMS, lors d'un point de "
            "presse à Genève.\n\n"
            "Mme Diallo a précisé que les équipes mobiles atteindraient aussi les camps de "
            "déplacés.\n"
        ),
    ),
]


def by_id(outcomes) -> dict:
    return {o.article.id: o for o in outcomes}


def assert_clean(outcomes, ids) -> dict:
    got = by_id(outcomes)
    assert len(outcomes) == len(ids), [o.article.id for o in outcomes]
    assert sorted(got) == sorted(ids)
    for o in outcomes:
        assert o.error is None, (o.article.id, o.error)
        assert isinstance(o.record, dict) and o.record["id"] == o.article.id
    return {k: o.record for k, o in got.items()}


@pytest.fixture(scope="module")
def local_records() -> dict:
    """Records of the local engine, 1 process (the reference for the other engines)."""
    outcomes = list(local.run(ARTICLES, workers=1, batch_size=2))
    return assert_clean(outcomes, [a.id for a in ARTICLES])


def test_local_engine_finds_something(local_records):
    # a sanity check that the comparison below compares real work, not empty records
    assert any(r["quotes"] for r in local_records.values())
    assert any(r["people"] for r in local_records.values())
    assert local_records["onu-eau"]["published"] == "2024-03-22"


def test_local_engine_two_processes_same_records(local_records):
    outcomes = list(local.run(ARTICLES, workers=2, batch_size=1))
    records = assert_clean(outcomes, [a.id for a in ARTICLES])
    for article_id, record in local_records.items():
        assert records[article_id] == record, article_id


def test_pool_keeps_input_order_and_reads_lazily(local_records):
    pulled = []

    def source():
        for k in range(12):
            article = ARTICLES[k % len(ARTICLES)]
            pulled.append(k)
            yield Article(id=f"{article.id}-{k}", text=article.text, source=article.source,
                          published=article.published)

    outcomes = local.run(source(), workers=2, batch_size=1, partition_size=1)
    first = next(outcomes)
    # 2 workers -> at most 4 partitions of one article out before the first result is handed on
    assert first.article.id == "onu-eau-0" and len(pulled) <= 5
    rest = list(outcomes)
    assert [o.article.id for o in [first] + rest] == [f"{ARTICLES[k % 4].id}-{k}" for k in range(12)]
    for o in [first] + rest:
        assert o.error is None
        base = o.article.id.rsplit("-", 1)[0]
        assert o.record["quotes"] == local_records[base]["quotes"]


def _add_test_stage(nlp, name, func):
    from spacy.language import Language

    if name not in Language.factories:
        Language.component(name, func=func)
    nlp.add_pipe(name, before="onu_record")


def _kill_worker(doc):
    """An unguarded stage that kills its own worker process on one article (as the OOM killer
    would), and raises on another."""
    import os

    if doc._.article_id == "onu-kill":
        os._exit(9)
    if doc._.article_id == "onu-boom":
        raise RuntimeError("injected failure")
    return doc


def test_pool_isolates_an_article_that_kills_its_worker(local_records):
    from pipeline import core

    nlp = core.load()
    _add_test_stage(nlp, "test_kill_worker", _kill_worker)  # forked workers inherit it
    try:
        kill = Article(id="onu-kill", source="test:kill", published="2024-01-15",
                       text="Le Secrétaire général a déclaré que la paix restait possible.")
        boom = Article(id="onu-boom", source="test:boom", published="2024-01-15",
                       text="La Haute-Commissaire a affirmé que « rien n'est perdu ».")
        mixed = [ARTICLES[0], kill, ARTICLES[1], boom, ARTICLES[2], ARTICLES[3]]
        outcomes = list(local.run(mixed, workers=2, batch_size=2, partition_size=2))
    finally:
        nlp.remove_pipe("test_kill_worker")
    assert [o.article.id for o in outcomes] == [a.id for a in mixed]
    got = by_id(outcomes)
    assert got["onu-kill"].record is None and got["onu-kill"].error == local.DIED
    assert got["onu-boom"].record is None and "injected failure" in got["onu-boom"].error
    for a in ARTICLES:
        assert got[a.id].error is None, got[a.id].error
        assert got[a.id].record == local_records[a.id], a.id


def _install_fault():
    """Runs inside each Dask worker (pickled by value): add a stage, unguarded like any
    third-party component, that raises for the article "onu-boom" only."""

    from spacy.language import Language

    from pipeline import core as extract

    def boom(doc):
        if doc._.article_id == "onu-boom":
            raise RuntimeError("injected failure")
        return doc

    if "test_fault" not in Language.factories:
        Language.component("test_fault", func=boom)
    nlp = extract.load()
    if "test_fault" not in nlp.pipe_names:
        nlp.add_pipe("test_fault", before="onu_record")
    return list(nlp.pipe_names)


def test_dask_engine_matches_local_and_isolates_failures(local_records, tmp_path):
    distributed = pytest.importorskip("distributed")
    from pipeline.engines import dask as dask_engine

    ids = [a.id for a in ARTICLES]
    broken = Article(id="onu-none", text=None, source="test:none")  # type: ignore[arg-type]
    boom = Article(id="onu-boom", source="test:boom", published="2024-01-15",
                   text="Le Secrétaire général a déclaré que la paix restait possible.")

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        # 1) one partition per article over 2 workers: same records as the local engine
        outcomes = list(dask_engine.run(ARTICLES, client=client, partition_size=1))
        records = assert_clean(outcomes, ids)
        for article_id, record in local_records.items():
            assert records[article_id] == record, article_id

        # 2) failures stay per article. `onu-none` fails in normalisation; `onu-boom` makes an
        # unguarded stage raise inside `nlp.pipe`, so its partition is redone article by article.
        client.run(_install_fault)
        mixed = [ARTICLES[0], broken, boom, ARTICLES[1], ARTICLES[2]]
        outcomes = list(dask_engine.run(mixed, client=client, partition_size=5))
        assert len(outcomes) == len(mixed)
        got = by_id(outcomes)
        assert sorted(got) == sorted(a.id for a in mixed)
        assert got["onu-none"].record is None and "TypeError" in got["onu-none"].error
        assert got["onu-boom"].record is None and "injected failure" in got["onu-boom"].error
        for article_id in ("onu-eau", "onu-haiti", "onu-climat"):
            assert got[article_id].error is None
            assert got[article_id].record == local_records[article_id], article_id

        # 3) each worker process loaded the model once, over all partitions of both runs
        stats = client.run(dask_engine.worker_stats)
        assert len(stats) == 2
        assert all(s["model_loads"] == 1 for s in stats.values()), stats
        assert sum(s["partitions"] for s in stats.values()) == len(ARTICLES) + 1

        # 4) with a parts folder, the workers write their partitions' rows as Parquet files;
        # loaded into a store, they are the rows the local records give
        run_id = "20240101T000000-dask00"
        outcomes = list(dask_engine.run(ARTICLES, client=client, partition_size=2,
                                        parts_dir=str(tmp_path / "parts"), run_id=run_id))
        assert_clean(outcomes, ids)

        # 5) long articles are chunked on the workers too (`chunks.py`): with chunks of 300
        # characters these articles of 500 to 600 are, and their records do not change
        outcomes = list(dask_engine.run(ARTICLES, client=client, partition_size=2, chunk_size=300))
        records = assert_clean(outcomes, ids)
        for article_id, record in local_records.items():
            assert records[article_id] == record, article_id
        assert client.run(_chunked_here) and all(client.run(_chunked_here).values())
    _same_store_rows(tmp_path, local_records, run_id)

    # the engine's own LocalCluster, started and closed by `run` as `--engine dask` does (one
    # worker here: the 2-worker case is the cluster above, built with the same settings)
    outcomes = list(dask_engine.run(ARTICLES[:2], workers=1, partition_size=1))
    records = assert_clean(outcomes, ids[:2])
    for article_id, record in records.items():
        assert record == local_records[article_id], article_id


def _chunked_here() -> bool:
    """Runs inside a Dask worker: does its pipeline chunk an article of 600 characters when
    told to (chunks of 300)?"""
    from pipeline import chunks, core
    from pipeline.core import process

    chunks.TIMINGS = {}
    try:
        process(core.load(), ARTICLES[2], chunk_size=300)
        return "model (chunks)" in chunks.TIMINGS
    finally:
        chunks.TIMINGS = None


def _same_store_rows(tmp_path, local_records: dict, run_id: str) -> None:
    from pipeline.export import article_fingerprint
    from pipeline.store import open_store
    from pipeline.tables import TABLES

    with open_store(tmp_path / "from-dask") as dask_store, \
            open_store(tmp_path / "from-local") as local_store:
        assert dask_store.load_parts(tmp_path / "parts") == (2, len(ARTICLES))
        fps = {a.id: article_fingerprint(a) for a in ARTICLES}
        local_store.write_records(local_records.values(), fps, run_id)
        for table in [*TABLES, "speakers"]:
            rows = dask_store.rows(table)
            assert rows == local_store.rows(table), table
        assert dask_store.counts()["quotes"] > 0


def test_stages_keep_no_per_document_state(local_records):
    """A stage component's attributes are the same objects before and after a document (its
    memo caches aside): per-document indexes live in objects made for that document, so one
    pipeline can run documents on several threads (a Dask worker with --nthreads > 1)."""
    from pipeline import core

    nlp = core.load()
    ours = [(name, proc) for name, proc in nlp.pipeline if name.startswith("onu_")]
    before = {name: dict(vars(proc)) for name, proc in ours}
    list(local.run(ARTICLES[:2]))
    for name, proc in ours:
        after = vars(proc)
        assert after.keys() == before[name].keys(), (name, set(after) ^ set(before[name]))
        for key, value in after.items():
            assert value is before[name][key], (name, key)
