#!/usr/bin/env python3
"""Consistency check of corpus/golden/*.gold.json against their .txt files.

Run: python3 corpus/check_golden.py   (exit status 1 on any error)

Checks: JSON parses; required keys; id = file name; published = the ` date` header (or null);
every quote / excluded text is an exact substring of the article; types and cues well formed;
every speaker is a person or organisation name of the file, or is reported as a country speaker
(printed for review); names, aliases and titles occur in the text; article length 120-400 words.
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "golden"
HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}(?:-\d{2})?)")
KEYS = {"id", "published", "people", "organisations", "quotes"}
errors, infos = [], []


def err(gid, msg):
    errors.append(f"{gid}: {msg}")


for gf in sorted(HERE.glob("*.gold.json")):
    gid = gf.name[: -len(".gold.json")]
    txt_path = HERE / f"{gid}.txt"
    if not txt_path.exists():
        err(gid, "missing .txt")
        continue
    text = txt_path.read_text(encoding="utf-8")
    try:
        gold = json.loads(gf.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        err(gid, f"JSON: {e}")
        continue
    if not KEYS <= set(gold):
        err(gid, f"missing keys {KEYS - set(gold)}")
    if gold.get("id") != gid:
        err(gid, f"id {gold.get('id')!r}")
    m = HEADER.match(text)
    if gold.get("published") != (m.group(1) if m else None):
        err(gid, f"published {gold.get('published')!r} vs header {m.group(1) if m else None!r}")
    words = len(re.findall(r"\w+(?:[-'’]\w+)*", HEADER.sub("", text)))
    if not 120 <= words <= 400:
        err(gid, f"{words} words")
    people = {p["name"] for p in gold["people"]}
    orgs = {o["name"] for o in gold["organisations"]}
    for p in gold["people"]:
        if p.get("gender") not in ("male", "female", None):
            err(gid, f"gender {p.get('gender')!r}")
        if p["name"] not in text:
            err(gid, f"person name not in text: {p['name']}")
        for t in p["titles"]:
            if t not in text:
                err(gid, f"title not in text: {t}")
    for o in gold["organisations"]:
        for form in [o["name"], *o["aliases"]]:
            if form not in text:
                err(gid, f"organisation form not in text: {form}")
    for q in gold["quotes"]:
        if set(q) != {"text", "type", "speaker", "cue"}:
            err(gid, f"quote keys {sorted(q)}")
        n = text.count(q["text"])
        if n == 0:
            err(gid, f"quote not in text: {q['text'][:60]!r}")
        if q["text"] != q["text"].strip():
            err(gid, f"quote has edge spaces: {q['text'][:60]!r}")
        if q["type"] not in ("direct", "indirect"):
            err(gid, f"type {q['type']!r}")
        cue = q["cue"]
        if cue is not None and cue != "selon" and not re.search(r"(er|ir|re)$", cue):
            err(gid, f"cue not an infinitive: {cue!r}")
        sp = q["speaker"]
        if sp is not None and sp not in people and sp not in orgs:
            if sp in text:
                infos.append(f"{gid}: speaker {sp!r} is neither person nor organisation (country?)")
            else:
                err(gid, f"speaker {sp!r} unknown and not in text")
    for e in gold.get("excluded") or []:
        if e["text"] not in text:
            err(gid, f"excluded not in text: {e['text'][:60]!r}")
        if not e.get("reason"):
            err(gid, "excluded without reason")
    infos.append(f"{gid}: {words} words, {len(gold['people'])} people, {len(orgs)} orgs, "
                 f"{len(gold['quotes'])} quotes")

print("\n".join(infos))
print("\n".join(errors) if errors else "OK: no errors")
sys.exit(1 if errors else 0)
