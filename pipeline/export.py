"""Writers: one JSON record per article, tidy CSV tables, the run manifest. Every file is written
atomically (temporary file in the same folder, then `os.replace`), so a crash never leaves a
half-written JSON behind and a resumed run sees only complete outputs."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from .resources import fold


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json_atomic(path: Path, obj: Any, indent: int | None = None) -> None:
    """Compact by default: `json.dumps` uses its C encoder only without `indent` (several times
    faster on records); `python -m json.tool FILE` shows a record indented."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    write_bytes_atomic(path, (text + "\n").encode("utf-8"))


def fingerprint(text: str, version: str) -> str:
    """What decides whether an article must be processed again."""
    return hashlib.sha256(f"{version}\0{text}".encode("utf-8")).hexdigest()


def iter_records(json_dir: Path) -> Iterator[dict]:
    for path in sorted(Path(json_dir).glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            yield json.load(fh)


def speaker_key(name: str) -> str:
    """Corpus-level key of a person: folded name without honorifics ("M. Guterres" and
    "António Guterres" meet on the surname when only one full name has it)."""
    toks = [t for t in fold(name).replace("-", " ").split() if t not in {"m.", "mme", "dr", "mm."}]
    return " ".join(toks)


def tables(records: Iterable[dict]) -> dict[str, pd.DataFrame]:
    """Tidy tables keyed by `article_id`, plus `speakers` aggregated across articles."""
    rows: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        aid = r["id"]
        people_by_id = {p["id"]: p for p in r["people"]}
        rows["articles"].append({
            "article_id": aid, "title": r["title"], "published": r["published"], "url": r["url"],
            "source": r["source"], "reader": r["reader"], "language": r["language"],
            "n_people": len(r["people"]), "n_organisations": len(r["organisations"]),
            "n_quotes": len(r["quotes"]),
            "n_direct": sum(q["type"] == "direct" for q in r["quotes"]),
            "n_indirect": sum(q["type"] == "indirect" for q in r["quotes"]),
            "n_chars": len(r["body"]),
        })
        quotes_by_speaker: dict[str, int] = defaultdict(int)
        for q in r["quotes"]:
            if q["speaker_id"]:
                quotes_by_speaker[q["speaker_id"]] += 1
        for p in r["people"]:
            rows["people"].append({
                "article_id": aid, "person_id": p["id"], "name": p["name"], "gender": p["gender"],
                "titles": " | ".join(t["text"] for t in p["titles"]),
                "roles": " | ".join(t["role"] or "" for t in p["titles"]),
                "n_mentions": len(p["mentions"]), "n_quotes": quotes_by_speaker.get(p["id"], 0),
            })
        for o in r["organisations"]:
            rows["organisations"].append({
                "article_id": aid, "organisation_id": o["id"], "name": o["name"],
                "acronym": o["acronym"], "aliases": " | ".join(o["aliases"]),
                "n_mentions": len(o["mentions"]), "n_quotes": quotes_by_speaker.get(o["id"], 0),
            })
        for q in r["quotes"]:
            speaker = people_by_id.get(q["speaker_id"]) if q["speaker_id"] else None
            rows["quotes"].append({
                "article_id": aid, "quote_id": q["id"], "type": q["type"], "text": q["text"],
                "start": q["start"], "end": q["end"], "speaker_id": q["speaker_id"],
                "speaker_name": q["speaker_name"], "speaker_kind": q["speaker_kind"],
                "speaker_gender": speaker["gender"] if speaker else None, "cue": q["cue"],
                "confidence": q["confidence"], "rule": q["rule"], "published": r["published"],
            })
    columns = {
        "articles": ["article_id", "title", "published", "url", "source", "reader", "language",
                     "n_people", "n_organisations", "n_quotes", "n_direct", "n_indirect", "n_chars"],
        "people": ["article_id", "person_id", "name", "gender", "titles", "roles", "n_mentions",
                   "n_quotes"],
        "organisations": ["article_id", "organisation_id", "name", "acronym", "aliases",
                          "n_mentions", "n_quotes"],
        "quotes": ["article_id", "quote_id", "type", "text", "start", "end", "speaker_id",
                   "speaker_name", "speaker_kind", "speaker_gender", "cue", "confidence", "rule",
                   "published"],
    }
    out = {name: pd.DataFrame(rows[name], columns=cols) for name, cols in columns.items()}
    out["speakers"] = speakers_table(out["people"])
    return out


def speakers_table(people: pd.DataFrame) -> pd.DataFrame:
    """People aggregated across articles by normalised name: a surname-only row ("Guterres")
    joins the single full name that ends with it."""
    cols = ["speaker", "n_articles", "n_quotes", "titles", "gender", "article_ids"]
    if people.empty:
        return pd.DataFrame(columns=cols)
    people = people.assign(key=people["name"].map(speaker_key))
    full = {k for k in people["key"] if " " in k}
    by_surname: dict[str, set[str]] = defaultdict(set)
    for k in full:
        by_surname[k.split(" ")[-1]].add(k)
    people["key"] = people["key"].map(
        lambda k: next(iter(by_surname[k])) if " " not in k and len(by_surname.get(k, ())) == 1 else k)
    rows = []
    for key, g in people.groupby("key", sort=True):
        names = sorted(g["name"], key=lambda n: (-len(n.split()), n))
        genders = [x for x in g["gender"] if isinstance(x, str)]
        gender = max(set(genders), key=genders.count) if genders and len(set(genders)) == 1 else (
            None if not genders else "mixed")
        titles = sorted({t.strip() for ts in g["titles"] for t in str(ts).split("|") if t.strip()})
        rows.append({"speaker": names[0], "n_articles": g["article_id"].nunique(),
                     "n_quotes": int(g["n_quotes"].sum()), "titles": " | ".join(titles),
                     "gender": gender, "article_ids": " ".join(sorted(set(g["article_id"])))})
    return pd.DataFrame(rows, columns=cols).sort_values(["n_quotes", "n_articles"], ascending=False)


def write_tables(out_dir: Path) -> dict[str, int]:
    """(Re)write `out_dir/csv/*.csv` from every JSON record in `out_dir/json`."""
    dfs = tables(iter_records(Path(out_dir) / "json"))
    counts = {}
    for name, df in dfs.items():
        write_bytes_atomic(Path(out_dir) / "csv" / f"{name}.csv", df.to_csv(index=False).encode("utf-8"))
        counts[name] = len(df)
    return counts
