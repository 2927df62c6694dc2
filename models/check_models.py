#!/usr/bin/env python3
"""Check the language-resource files in this folder: run `python3 models/check_models.py`.

Checks: every .tsv parses (header first, `#` comments and blank lines allowed anywhere after it)
with exactly the header's number of tab-separated cells on every data line; enumerated columns
hold allowed values; no duplicate keys; organisation parents and role-holder organisations exist;
role-holder roles exist in titles.tsv; dates are ISO and ordered; no two holders of one post overlap;
not_people.txt has its three sections; places.tsv has known kinds, no form twice and none that
not_people.txt lists; org_heads.txt has its three sections; every boilerplate pattern compiles,
is anchored, matches its positive examples and none of the prose examples below. Exit status 1
on any error.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def fold(text: str) -> str:
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


def read_tsv(name: str, header: list[str]) -> list[tuple[int, dict[str, str]]]:
    path = HERE / name
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].split("\t") != header:
        err(f"{name}: first line must be the header {header!r}, got {lines[0] if lines else None!r}")
        return []
    rows = []
    for n, line in enumerate(lines[1:], 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            err(f"{name}:{n}: {len(cells)} cells, expected {len(header)}: {line!r}")
            continue
        for c in cells:
            if c != c.strip():
                err(f"{name}:{n}: cell with leading/trailing space: {c!r}")
        rows.append((n, dict(zip(header, cells))))
    return rows


def check_enum(name, n, col, value, allowed):
    if value not in allowed:
        err(f"{name}:{n}: {col}={value!r} not in {sorted(allowed)}")


ISO = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")

# ---------------------------------------------------------------- speech_verbs.tsv
verbs = read_tsv("speech_verbs.tsv", ["lemma", "class", "que", "a_inf", "de_inf", "incise", "strict"])
seen = set()
for n, r in verbs:
    if r["lemma"] in seen:
        err(f"speech_verbs.tsv:{n}: duplicate lemma {r['lemma']}")
    seen.add(r["lemma"])
    if r["lemma"] != r["lemma"].lower() or " " in r["lemma"]:
        err(f"speech_verbs.tsv:{n}: lemma must be one lower-case word: {r['lemma']!r}")
    check_enum("speech_verbs.tsv", n, "class", r["class"], {"say", "think", "urge", "write"})
    for col in ("que", "a_inf", "de_inf", "incise", "strict"):
        check_enum("speech_verbs.tsv", n, col, r[col], {"0", "1"})

# ---------------------------------------------------------------- titles.tsv
titles = read_tsv("titles.tsv", ["masculine", "feminine", "role", "kind"])
pairs = set()
form_map: dict[str, tuple[str, str]] = {}  # folded form -> (role, gender)
roles = set()
for n, r in titles:
    m, f = r["masculine"], r["feminine"]
    for c in ("masculine", "feminine", "role"):
        if not r[c] or r[c] != r[c].lower():
            err(f"titles.tsv:{n}: {c} must be non-empty lower-case: {r[c]!r}")
    check_enum("titles.tsv", n, "kind", r["kind"],
               {"un", "government", "diplomatic", "judicial", "civil", "military", "royal", "other"})
    if (m, f) in pairs:
        err(f"titles.tsv:{n}: duplicate row {m!r}/{f!r}")
    pairs.add((m, f))
    roles.add(r["role"])
    g_m, g_f = (None, None) if fold(m) == fold(f) else ("male", "female")
    for form, g in ((m, g_m), (f, g_f)):
        key = fold(form)
        old = form_map.get(key)
        if old is not None and old != (r["role"], g) and not (
                old[0] == r["role"] and {old[1], g} == {"male", None}):
            # a masculine form may be epicene on one row and the masculine of a feminine on
            # another ('chef' written for women too, 'cheffe'): the epicene row wins
            err(f"titles.tsv:{n}: form {form!r} maps to {(r['role'], g)} here but {old} elsewhere")
        form_map[key] = (r["role"], g) if old is None or g is None else old
for n, r in titles:
    if r["role"] not in {row["masculine"] for _, row in titles}:
        warnings.append(f"titles.tsv:{n}: role {r['role']!r} is not itself a masculine form")

# ---------------------------------------------------------------- honorifics.tsv
hon = read_tsv("honorifics.tsv", ["form", "gender", "strip"])
seen = set()
for n, r in hon:
    if r["form"] in seen:
        err(f"honorifics.tsv:{n}: duplicate form {r['form']!r}")
    seen.add(r["form"])
    check_enum("honorifics.tsv", n, "gender", r["gender"], {"male", "female", "-"})
    check_enum("honorifics.tsv", n, "strip", r["strip"], {"0", "1"})

# ---------------------------------------------------------------- organisations.tsv
orgs = read_tsv("organisations.tsv", ["id", "name", "acronym", "aliases", "kind", "parent"])
ids = {}
surface: dict[str, set[str]] = defaultdict(set)
for n, r in orgs:
    if r["id"] in ids:
        err(f"organisations.tsv:{n}: duplicate id {r['id']!r} (first on line {ids[r['id']]})")
    ids[r["id"]] = n
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", r["id"]):
        err(f"organisations.tsv:{n}: id must be a lower-case ascii slug: {r['id']!r}")
    if not r["name"]:
        err(f"organisations.tsv:{n}: empty name")
    check_enum("organisations.tsv", n, "kind", r["kind"],
               {"principal-organ", "subsidiary", "department", "fund-programme", "specialised-agency",
                "related", "peacekeeping", "political-mission", "tribunal", "regional", "ngo",
                "financial", "media", "other"})
    aliases = r["aliases"].split("|") if r["aliases"] else []
    if any(not a.strip() or a != a.strip() for a in aliases):
        err(f"organisations.tsv:{n}: empty or padded alias in {r['aliases']!r}")
    for s in [r["name"], r["acronym"], *aliases]:
        if s:
            # short and all-caps forms are matched case-sensitively ("DPA" ≠ "dpa"), others folded
            surface[s if len(s) <= 6 or s.isupper() else fold(s)].add(r["id"])
for n, r in orgs:
    if r["parent"] and r["parent"] not in ids:
        err(f"organisations.tsv:{n}: parent {r['parent']!r} is not an id")
    if r["parent"] == r["id"]:
        err(f"organisations.tsv:{n}: organisation is its own parent")
for s, owners in surface.items():
    if len(owners) > 1:
        err(f"organisations.tsv: surface form {s!r} belongs to several ids {sorted(owners)}")
# parent chains end
for oid in ids:
    chain, cur = [], oid
    parents = {r["id"]: r["parent"] for _, r in orgs}
    while cur:
        if cur in chain:
            err(f"organisations.tsv: parent cycle through {chain}")
            break
        chain.append(cur)
        cur = parents.get(cur, "")

# ---------------------------------------------------------------- role_holders.tsv
holders = read_tsv("role_holders.tsv",
                   ["role", "organisation_id", "holder", "gender", "start", "end", "aliases", "wikidata",
                    "source"])
posts = defaultdict(list)
qid_of: dict[str, tuple[str, int]] = {}  # holder -> (QID, line)
holder_of: dict[str, tuple[str, int]] = {}  # QID -> (holder, line)
for n, r in holders:
    qid = r["wikidata"]
    if qid:
        if not re.fullmatch(r"Q[1-9]\d*", qid):
            err(f"role_holders.tsv:{n}: wikidata {qid!r} is not a Wikidata item identifier (Q followed by digits)")
        if r["holder"] in qid_of and qid_of[r["holder"]][0] != qid:
            err(f"role_holders.tsv:{n}: {r['holder']} has wikidata {qid} here but {qid_of[r['holder']][0]} "
                f"on line {qid_of[r['holder']][1]}")
        if qid in holder_of and holder_of[qid][0] != r["holder"]:
            err(f"role_holders.tsv:{n}: wikidata {qid} is given to {r['holder']} here and to "
                f"{holder_of[qid][0]} on line {holder_of[qid][1]}")
        qid_of.setdefault(r["holder"], (qid, n))
        holder_of.setdefault(qid, (r["holder"], n))
    if r["role"] not in roles:
        err(f"role_holders.tsv:{n}: role {r['role']!r} is not a role in titles.tsv")
    if r["organisation_id"] not in ids:
        err(f"role_holders.tsv:{n}: organisation_id {r['organisation_id']!r} is not in organisations.tsv")
    check_enum("role_holders.tsv", n, "gender", r["gender"], {"male", "female"})
    if not ISO.match(r["start"]):
        err(f"role_holders.tsv:{n}: start {r['start']!r} is not YYYY-MM or YYYY-MM-DD")
    if r["end"] and not ISO.match(r["end"]):
        err(f"role_holders.tsv:{n}: end {r['end']!r} is not YYYY-MM or YYYY-MM-DD")
    if r["end"] and r["end"] < r["start"][: len(r["end"])]:
        err(f"role_holders.tsv:{n}: end before start")
    if not r["source"]:
        err(f"role_holders.tsv:{n}: empty source")
    posts[(r["role"], r["organisation_id"])].append((r["start"], r["end"] or "9999", r["holder"], n))
for post, spans in posts.items():
    spans.sort()
    for (s1, e1, h1, n1), (s2, e2, h2, n2) in zip(spans, spans[1:]):
        # compare at the coarser precision of the two dates
        k = min(len(e1), len(s2))
        if e1[:k] > s2[:k] or (e1[:k] == s2[:k] and k < 10):
            warnings.append(f"role_holders.tsv:{n1},{n2}: {post} {h1} (to {e1}) and {h2} (from {s2}) may overlap")

# ---------------------------------------------------------------- not_people.txt
text = (HERE / "not_people.txt").read_text(encoding="utf-8")
heads = [ln.strip() for ln in text.splitlines() if ln.strip() in ("# groups", "# false persons", "# credit prefixes")]
if sorted(heads) != sorted(["# groups", "# false persons", "# credit prefixes"]):
    err(f"not_people.txt: needs exactly the headers '# groups', '# false persons', '# credit prefixes'; found {heads}")
section, counts, seen_sec = None, defaultdict(int), defaultdict(set)
for n, ln in enumerate(text.splitlines(), 1):
    s = ln.strip()
    if not s:
        continue
    if s in ("# groups", "# false persons", "# credit prefixes"):
        section = s[2:]
        continue
    if s.startswith("#"):
        continue
    if section is None:
        err(f"not_people.txt:{n}: entry before any section header")
    if s != s.lower():
        err(f"not_people.txt:{n}: not lower-case: {s!r}")
    if s in seen_sec[section]:
        err(f"not_people.txt:{n}: duplicate in section {section}: {s!r}")
    seen_sec[section].add(s)
    counts[section] += 1
not_people_all = {fold(x) for sec in ("groups", "false persons") for x in seen_sec[sec]}

# ---------------------------------------------------------------- places.tsv
places = read_tsv("places.tsv", ["name", "kind", "aliases", "adjectives"])
place_forms: dict[str, int] = {}
for n, r in places:
    check_enum("places.tsv", n, "kind", r["kind"], {"country", "territory", "region", "city"})
    aliases = r["aliases"].split("|") if r["aliases"] else []
    if any(not a.strip() or a != a.strip() for a in aliases):
        err(f"places.tsv:{n}: empty or padded alias in {r['aliases']!r}")
    for form in [r["name"], *aliases]:
        key = fold(form)
        if key in place_forms:
            err(f"places.tsv:{n}: {form!r} already on line {place_forms[key]}")
        place_forms[key] = n
        if key in not_people_all:
            err(f"places.tsv:{n}: {form!r} is also in not_people.txt")
    adj = r["adjectives"]
    if r["kind"] in ("country", "territory") and adj != "-" and \
            not re.fullmatch(r"[a-zà-ÿ'-]+\|[a-zà-ÿ'-]+", adj):
        err(f"places.tsv:{n}: adjectives must be 'masculine|feminine' in lower case or '-': {adj!r}")
    if r["kind"] in ("region", "city") and adj != "-" and not re.fullmatch(r"[a-zà-ÿ'-]+\|[a-zà-ÿ'-]+", adj):
        err(f"places.tsv:{n}: adjectives must be 'masculine|feminine' or '-': {adj!r}")

# ---------------------------------------------------------------- org_heads.txt
heads_text = (HERE / "org_heads.txt").read_text(encoding="utf-8")
head_sections: dict[str, set] = {}
current = None
for n, ln in enumerate(heads_text.splitlines(), 1):
    s_ = ln.strip()
    if not s_:
        continue
    if s_ in ("# not organisations", "# state bodies", "# body heads", "# units", "# kinds"):
        current = s_[2:]
        head_sections[current] = set()
        continue
    if s_.startswith("#"):
        continue
    if current is None:
        err(f"org_heads.txt:{n}: entry before any section header")
        continue
    if s_ != s_.lower():
        err(f"org_heads.txt:{n}: not lower-case: {s_!r}")
    if s_ in head_sections[current]:
        err(f"org_heads.txt:{n}: duplicate in section {current}: {s_!r}")
    head_sections[current].add(s_)
if set(head_sections) != {"not organisations", "state bodies", "body heads", "units", "kinds"}:
    err(f"org_heads.txt: needs the sections '# not organisations', '# state bodies', '# body heads', '# units', '# kinds'; found {sorted(head_sections)}")
clash = head_sections.get("not organisations", set()) & head_sections.get("body heads", set())
if clash:
    err(f"org_heads.txt: heads both of events and of bodies: {sorted(clash)}")

# ---------------------------------------------------------------- boilerplate.tsv
boiler = read_tsv("boilerplate.tsv", ["pattern", "what"])
compiled = []
for n, r in boiler:
    p = r["pattern"]
    if not (p.startswith("^") and p.endswith("$")):
        err(f"boilerplate.tsv:{n}: pattern not anchored with ^...$")
    try:
        compiled.append((n, re.compile(p, re.IGNORECASE)))
    except re.error as e:
        err(f"boilerplate.tsv:{n}: does not compile: {e}")

# Synthetic examples (invented for this check, not taken from any article).
BOILER_YES = [
    "À lire aussi : Le HCR alerte sur la situation au Sahel", "Lire également", "Partager",
    "Partager sur Facebook", "Partager cet article", "Facebook Twitter LinkedIn WhatsApp E-mail",
    "Share on FacebookShare on Twitter", "(AFP)", "(Belga)", "Reuters.", "APS.", "Keystone-ATS",
    "ATS / Keystone-SDA", "mcl avec AFP", "Avec ONU Info", "avec agences",
    "Par Jeanne Dupont · exemple.fr", "Par Jean-Marc Martin", "Par Luc Bernard, avec AFP", "Discussion about this post", "Short Url",
    "Publié le Lundi 3 avril 2023", "Mis à jour le 12/05/2024 à 08h15", "/ Màj. le 2 mars 2024 à 10:20",
    "Publié le 2024-02-01", "• 2023-05-06 12:00:01", "2021-03-04", "5 févr. 2024, 09:12",
    "Le 3 mars 2019 - 512 mots", "Genève, 4 juin 2024", "New York, 12 mai, APS",
    "exemple.com | 2024-01-02 à 10:00", "[Tel que prononcé]", "[Seul le texte prononcé fait foi]",
    "Video player cover image", "Kaltura", "SHARES", "VIEWS", "1 234", "57",
    "Regardez la conférence ici : https://example.org/x", "https://example.org/a", "Publicité",
    "Votre publicité ici ? Contactez-nous !", "Tags de l'article", "Mots-clés : ONU, Sahel",
    "© Exemple FM 2024 • Tous droits réservés", "Site Powered by exemple", "Crédit photo : Jean Dupont",
    "UNICEF/Jean Dupont", "UN Photo/Marie Martin", "SG/SM/22000", "CS/15000", "9100e séance, matin",
    "Temps de lecture : 3 min", "Suivez-nous sur Instagram", "Source : ONU Info",
    "Commentaires", "Leave a Reply", "Newsletter", "Lire la vidéo",
]
BOILER_NO = [
    "Par ailleurs, le HCR a indiqué que la situation se dégradait.",
    "Partager les ressources reste une priorité pour les États membres.",
    "Le Secrétaire général a déclaré que la paix était possible.",
    "Genève, ville hôte de nombreuses agences, a accueilli la réunion.",
    "Par 13 voix pour et 2 abstentions, le Conseil a adopté le texte.",
    "Publié en 2020, le rapport montre une hausse des déplacements.",
    "Selon l'ONU, 2 millions de personnes ont besoin d'aide.",
    "Lundi, 12 mars 2024, le Conseil a adopté une résolution sur Haïti.",
    "« Nous devons agir », a-t-il déclaré.",
    "Partager des données fiables aide les humanitaires.",
    "Par la suite, les agences ont renforcé leur présence.",
    "Le 12 mars 2024, le Conseil de sécurité a adopté une résolution.",
    "Source de préoccupation, la famine menace des millions de personnes.",
    "Photo de famille des dirigeants à l'issue du sommet de Nairobi.",
    "La MINUSCA a déployé des casques bleus dans la région.",
    "Avec l'appui des agences de l'ONU, le gouvernement a rouvert les écoles.",
    "Commentaires et critiques ont suivi la publication du rapport.",
]
for line in BOILER_YES:
    if not any(p.fullmatch(line.strip()) for _, p in compiled):
        err(f"boilerplate.tsv: no pattern matches the boilerplate example {line!r}")
for line in BOILER_NO:
    hits = [n for n, p in compiled if p.fullmatch(line.strip())]
    if hits:
        err(f"boilerplate.tsv: line(s) {hits} match the prose example {line!r}")

# ---------------------------------------------------------------- org_descriptions.tsv
org_kinds = {r["kind"] for _, r in orgs} | {"any", "government"}
org_desc = read_tsv("org_descriptions.tsv", ["head", "names", "kinds"])
seen_heads = set()
for n, r in org_desc:
    if r["head"] != fold(r["head"]):
        err(f"org_descriptions.tsv:{n}: head {r['head']!r} is not folded")
    if r["head"] in seen_heads:
        err(f"org_descriptions.tsv:{n}: duplicate head {r['head']!r}")
    seen_heads.add(r["head"])
    check_enum("org_descriptions.tsv", n, "names", r["names"], {"0", "1"})
    for k in r["kinds"].split("|"):
        if k and k not in org_kinds:
            warnings.append(f"org_descriptions.tsv:{n}: kind {k!r} is used by no organisation")

# ---------------------------------------------------------------- person_nouns.txt
person_nouns = [line.strip() for line in (HERE / "person_nouns.txt").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
for w in person_nouns:
    if w != w.lower() or " " in w:
        err(f"person_nouns.txt: {w!r} is not one lower-case word")
if len(set(person_nouns)) != len(person_nouns):
    err("person_nouns.txt: duplicate nouns")

# ---------------------------------------------------------------- speaker_ranker*.json
import json  # noqa: E402

for name in ("speaker_ranker.json", "speaker_ranker_hand.json"):
    try:
        data = json.loads((HERE / name).read_text(encoding="utf-8"))
        weights = data["weights"]
        bad = [k for k, v in weights.items() if not isinstance(v, (int, float)) or ":" not in k]
        if bad:
            err(f"{name}: malformed weights {bad[:3]}")
    except (OSError, ValueError, KeyError) as e:
        err(f"{name}: {e!r}")

# ---------------------------------------------------------------- the pipeline's own loader, if present
try:
    sys.path.insert(0, str(HERE.parent))
    import os
    os.environ["PIPELINE_MODELS"] = str(HERE)
    from pipeline.resources import load_resources  # type: ignore

    res = load_resources()
    loaded = (f"loader: {len(res.speech_verbs)} verbs, {len(res.titles)} title forms, "
              f"{len(res.honorifics)} honorifics, {len(res.organisations)} organisations, "
              f"{len(res.role_holders)} role holders, {len(res.not_people)} not-people, "
              f"{len(res.credit_prefixes)} credit prefixes, {len(res.boilerplate)} patterns")
except ImportError as e:  # the pipeline package is optional for this check
    loaded = f"loader: pipeline.resources not importable ({e}); skipped"
except Exception as e:  # noqa: BLE001
    err(f"pipeline.resources.load_resources failed: {e!r}")
    loaded = "loader: FAILED"

print(f"speech_verbs.tsv  {len(verbs)} rows")
print(f"titles.tsv        {len(titles)} rows ({len(form_map)} distinct folded forms)")
print(f"honorifics.tsv    {len(hon)} rows")
print(f"organisations.tsv {len(orgs)} rows")
print(f"role_holders.tsv  {len(holders)} rows, {len(holder_of)} people with a Wikidata identifier")
print(f"not_people.txt    " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
print(f"places.tsv        {len(places)} rows")
print(f"org_heads.txt     " + ", ".join(f"{k}: {len(v)}" for k, v in head_sections.items()))
print(f"org_descriptions.tsv {len(org_desc)} rows; person_nouns.txt {len(person_nouns)} nouns")
print(f"boilerplate.tsv   {len(boiler)} patterns; {len(BOILER_YES)} positive / {len(BOILER_NO)} prose examples")
print(loaded)
for w in warnings:
    print("warning:", w)
for e in errors:
    print("ERROR:", e)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)
