"""Generated article records for the store tests: valid against the JSON Schema, made-up people
and sentences, no model needed. `record(k)` is deterministic; `version` changes its content (an
article processed again after its text changed)."""
from __future__ import annotations

import random

PEOPLE = [("Amina Diallo", "female", "Directrice exécutive du PAM", "directeur exécutif"),
          ("Karl Mendes", "male", "Représentant spécial", "représentant spécial"),
          ("Ingrid Solberg", "female", "Haute-Commissaire", "haut-commissaire"),
          ("Tomas Okafor", "male", "Secrétaire général adjoint", "secrétaire général adjoint"),
          ("Paula Reyes", "female", None, None),
          ("M. Mendes", "male", None, None)]
ORGS = [("Programme alimentaire mondial", "PAM"), ("Organisation mondiale de la Santé", "OMS"),
        ("Conseil de sécurité", None)]
PLACES = ["Soudan", "Genève", "Haïti", "Niger"]
MONTHS = ["2023-11-05", "2024-01-17", "2024-02", "2024-03-22", None]


def record(k: int, version: int = 0) -> dict:
    rng = random.Random(k * 7919 + version)
    aid = f"gen{k:05d}"
    body = ""
    people, orgs, places, quotes = [], [], [], []

    def add(text: str) -> tuple[int, int]:
        nonlocal body
        start = len(body)
        body += text
        return start, len(body)

    add(f"Article {aid} v{version}. ")
    for pi, (name, gender, title, role) in enumerate(rng.sample(PEOPLE, rng.randint(1, 3)), 1):
        titles = []
        if title:
            add(f"{title}, ")
            titles.append({"text": title, "role": role, "organisation_id": None,
                           "former": bool(rng.random() < 0.2)})
        s, e = add(name)
        add(" a parlé. ")
        people.append({"id": f"p{pi}", "name": name, "gender": gender,
                       "gender_evidence": [f"{gender}: test"] if gender else [],
                       "titles": titles, "mentions": [{"start": s, "end": e, "text": name}]})
    for oi, (name, acronym) in enumerate(rng.sample(ORGS, rng.randint(0, 2)), 1):
        s, e = add(name)
        add(". ")
        orgs.append({"id": f"o{oi}", "name": name, "acronym": acronym,
                     "aliases": [acronym] if acronym else [],
                     "mentions": [{"start": s, "end": e, "text": name}]})
    for li, name in enumerate(rng.sample(PLACES, rng.randint(0, 2)), 1):
        s, e = add(name)
        add(". ")
        places.append({"id": f"l{li}", "name": name, "mentions": [{"start": s, "end": e, "text": name}]})
    for qi in range(1, rng.randint(1, 4) + 1):
        speaker = rng.choice(people + orgs + [None])
        add("« ")
        text = f"Phrase {qi} de l'article {aid}, version {version}, avec une virgule"
        s, e = add(text)
        add(" », a déclaré quelqu'un. ")
        kind = None if speaker is None else ("person" if speaker["id"][0] == "p" else "organisation")
        quotes.append({"id": f"q{qi}", "text": text, "start": s, "end": e,
                       "type": rng.choice(["direct", "indirect"]),
                       "speaker_id": speaker and speaker["id"],
                       "speaker_name": speaker and speaker["name"], "speaker_kind": kind,
                       "cue": "déclarer", "confidence": round(rng.random(), 2),
                       "rule": "incise", "evidence": "a déclaré"})
    return {"schema_version": "1.0", "id": aid, "source": f"gen:{aid}", "url": None,
            "title": f"Titre {aid}", "published": MONTHS[k % len(MONTHS)], "language": "fr",
            "reader": "txt", "body": body, "people": people, "organisations": orgs,
            "places": places, "quotes": quotes, "dates": [], "captions": [], "warnings": []}
