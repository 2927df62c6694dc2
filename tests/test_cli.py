"""End-to-end: the command line on temporary folders, outputs validated against the schema."""
import json
import subprocess
import sys

import jsonschema
import pandas as pd
import pytest

from pipeline.records import json_schema

ARTICLE = (" date 2024-06-12 Le Conseil de sécurité prolonge le mandat de la mission\n\n"
           "Le Conseil de sécurité a prolongé mercredi d'un an le mandat de la MINUSCA. "
           "« Cette décision protège des millions de civils », a déclaré la Représentante spéciale, "
           "Valentine Rugwabiza.\n\n"
           "MINUSCA/Hervé Serefio Des Casques bleus patrouillent à Bangui.\n")


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, input=stdin, timeout=600)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    (src / "a1.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub").mkdir()
    (src / "sub" / "a2.txt").write_text("La FAO a estimé que les récoltes seraient faibles cette année "
                                        "dans toute la région du Sahel.", encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "latin1.txt").write_bytes("Le réfugié a été accueilli à Genève.".encode("latin-1"))
    (src / "english.txt").write_text("The Secretary-General said that the world must act now "
                                     "and that the funding is not there for the people.", encoding="utf-8")
    (src / "open.txt").write_text("Elle a averti : « la situation se dégrade chaque jour davantage "
                                  "dans les camps du nord du pays", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    proc = run_cli("run", str(src), "--out", str(out), "--workers", "1")
    return src, out, proc


def test_bad_inputs_are_reported_and_the_rest_written(run_dir):
    src, out, proc = run_dir
    assert proc.returncode == 1, proc.stderr
    assert "empty.txt" in proc.stderr and "latin1.txt" in proc.stderr and "english.txt" in proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    reasons = {f["source"].split("/")[-1]: f["reason"] for f in manifest["failures"]}
    assert set(reasons) == {"empty.txt", "latin1.txt", "english.txt"}
    assert "UTF-8" in reasons["latin1.txt"] and "French" in reasons["english.txt"]
    assert any("never closed" in w["warning"] for w in manifest["warnings"])
    assert sorted(p.name for p in (out / "json").glob("*.json")) == ["a1.json", "a2.json", "open.json"]
    assert manifest["versions"]["spacy"].startswith("3.8")


def test_every_output_validates_and_csv_joins(run_dir):
    _, out, _ = run_dir
    schema = json_schema()
    for path in (out / "json").glob("*.json"):
        rec = json.loads(path.read_text())
        jsonschema.validate(rec, schema)
        for q in rec["quotes"]:
            assert rec["body"][q["start"]:q["end"]] == q["text"]
    rec = json.loads((out / "json" / "a1.json").read_text())
    assert rec["published"] == "2024-06-12"
    assert [p["name"] for p in rec["people"]] == ["Valentine Rugwabiza"]
    q = rec["quotes"][0]
    assert q["speaker_name"] == "Valentine Rugwabiza" and q["cue"] == "déclarer"
    quotes = pd.read_csv(out / "csv" / "quotes.csv")
    articles = pd.read_csv(out / "csv" / "articles.csv")
    assert set(quotes["article_id"]) <= set(articles["article_id"])
    assert (out / "csv" / "speakers.csv").exists()


def test_rerun_skips_unchanged_and_force_redoes(run_dir):
    src, out, _ = run_dir
    proc = run_cli("run", str(src / "a1.txt"), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0 and "0 processed, 1 unchanged" in proc.stdout
    proc = run_cli("run", str(src / "a1.txt"), "--out", str(out), "--force", "--workers", "1")
    assert "1 processed" in proc.stdout


def test_duplicate_ids_are_refused_before_any_work(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text("Le HCR a indiqué que les départs continuaient.", encoding="utf-8")
    proc = run_cli("run", str(tmp_path / "x"), str(tmp_path / "y"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "duplicate article id 'same'" in proc.stderr
    assert not (tmp_path / "o" / "json").exists()


def test_schema_and_explain_commands(tmp_path):
    proc = run_cli("schema")
    assert json.loads(proc.stdout)["title"] == "Article extraction record"
    f = tmp_path / "art.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("explain", str(f))
    assert proc.returncode == 0
    assert "Valentine Rugwabiza" in proc.stdout and "rule:" in proc.stdout and "confidence" in proc.stdout


def test_stdin(tmp_path):
    proc = run_cli("run", "-", "--out", str(tmp_path), "--workers", "1",
                   stdin="Le PAM a averti que les stocks seraient épuisés avant la fin du mois.")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "json" / "stdin.json").exists()


def test_library_api_matches_cli(run_dir, extract):
    _, out, _ = run_dir
    from pipeline.readers.txt import read_txt
    src = run_dir[0] / "a1.txt"
    a = read_txt(src)
    rec = extract(a.text, published=a.published, article_id="a1")
    cli = json.loads((out / "json" / "a1.json").read_text())
    assert rec["quotes"] == cli["quotes"] and rec["people"] == cli["people"]


def test_each_input_kind_end_to_end(tmp_path):
    """HTML page, JSON Lines, CSV and Parquet through the command line; the manifest records
    the reader used for each article and a bad dataset row is reported with its row number."""
    from pathlib import Path
    src = tmp_path / "in"
    src.mkdir()
    html = Path(__file__).parent / "data" / "html" / "recit_casques_bleus.html"
    (src / "page.html").write_bytes(html.read_bytes())
    rows = [{"id": "j1", "text": "Le HCR a indiqué que les arrivées avaient doublé depuis janvier "
                                  "dans les camps du nord du pays.", "date": "2024-02-03"},
            {"id": "j2", "text": None}]
    (src / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                                    encoding="utf-8")
    pd.DataFrame([{"ident": "c1", "corps": "« Nous manquons de tout », a déclaré Marie Okafor, "
                                          "coordonnatrice humanitaire, lundi à Bangui."}]).to_csv(
        src / "news.csv", index=False)
    pd.DataFrame([{"id": "pq1", "text": "L'OMS a averti que l'épidémie pourrait s'étendre aux "
                                       "provinces voisines avant la saison des pluies."}]).to_parquet(
        src / "news.parquet")
    out = tmp_path / "out"
    proc = run_cli("run", str(src / "page.html"), str(src / "news.jsonl"), str(src / "news.parquet"),
                   "--out", str(out), "--workers", "1")
    assert proc.returncode == 1 and "row 2" in proc.stderr  # the row without text
    proc2 = run_cli("run", str(src / "news.csv"), "--out", str(out / "csv_run"), "--workers", "1",
                    "--id-column", "ident", "--text-column", "corps")
    assert proc2.returncode == 0, proc2.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["readers"] == {"page": "html", "j1": "jsonl", "pq1": "parquet"}
    rec = json.loads((out / "json" / "j1.json").read_text())
    assert rec["published"] == "2024-02-03" and rec["quotes"][0]["speaker_kind"] == "organisation"
    page = json.loads((out / "json" / "page.json").read_text())
    assert page["reader"] == "html" and page["title"] and page["body"]
    jsonschema.validate(page, json_schema())
    c1 = json.loads((out / "csv_run" / "json" / "c1.json").read_text())
    assert c1["quotes"][0]["speaker_name"] == "Marie Okafor"


def test_single_stage_from_the_command_line(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    proc = run_cli("stage", "segment", str(f))
    assert proc.returncode == 0, proc.stderr
    blocks = json.loads(proc.stdout)["blocks"]
    assert [b["kind"] for b in blocks][-1] == "caption"
    proc = run_cli("stage", "people", str(f))
    people = json.loads(proc.stdout)["people"]
    assert people[0]["name"] == "Valentine Rugwabiza" and people[0]["gender"] == "female"


def test_chunk_size_option_gives_the_same_record(run_dir, tmp_path):
    # a1.txt (about 300 characters) in chunks of 100: the model sees it in pieces, the record
    # is the same; and --max-bytes now refuses only articles over 20 MB
    src, out, _ = run_dir
    proc = run_cli("run", str(src / "a1.txt"), "--out", str(tmp_path), "--workers", "1",
                   "--chunk-size", "100")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "json" / "a1.json").read_text()) == \
        json.loads((out / "json" / "a1.json").read_text())
    from pipeline.cli import build_parser
    args = build_parser().parse_args(["run", "x"])
    assert args.max_bytes == 20_000_000 and args.chunk_size is None
