"""Titles attached to people: "X, Secrétaire général adjoint …, a déclaré", "la Haute-Commissaire
…, X", "l'ancien Président des États-Unis Barack Obama", "le chef du HCR, Filippo Grandi".

Every title the article gives the person, before or after the name: in apposition, after words
that bridge name and title ("X, actuellement directrice …", "X, lui aussi envoyé spécial …", "X,
comme médiateur …", "X, au poste de …"), with its qualifiers ("plus haut diplomate", "actuelle
ambassadrice", "10e Directeur général", "ancien"/"ex-" as `former`), and in the predicate of its
holder, read from the parse ("X a été nommé représentant spécial …", "X est ambassadrice …",
"nommer X ministre …", "X nommé représentant …").

Title heads come from `models/titles.tsv` with their feminine forms, so a title also gives
gender evidence ("Secrétaire générale adjointe" is female, "Directeur" male; "ministre" nothing).
Title-only mentions that name nobody ("le Secrétaire général a déclaré") are kept too: the
attribution stage links them to the person of the article who holds the title, or to the holder
of the post at the publication date (`models/role_holders.tsv`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, TitleForm, fold, load_resources
from ._ext import ensure_extensions, guarded, sentence_of, token_texts

_FORMER = {"ancien", "ancienne", "ex", "ex-", "anciens", "anciennes"}
_MONTHS = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"}
_VERB_ENDINGS = ("é", "ée", "és", "ées", "ant", "ants", "er")
_DETERMINERS = {"le", "la", "l'", "l’", "les", "un", "une", "du", "au", "des", "son", "sa", "ses", ",", "("}
_NEW = {"nouveau", "nouvel", "nouvelle"}
# words that qualify a title before its head and belong to it as written: "plus haut diplomate
# de l'ONU", "actuelle ambassadrice", "première Directrice exécutive", "10e Directeur général"
_MODIFIERS = {"plus", "haut", "haute", "actuel", "actuelle", "premier", "première", "dernier",
              "dernière", "célèbre", "futur", "future", "éminent", "éminente", "seul", "seule",
              "jeune", "second", "seconde", "tout", "toute"}
_ORDINAL = re.compile(r"^(?:\d+(?:e|è|ème|eme|er|re|ère)|\w+ième)$")
# between a name and its title: "X, actuellement directrice …", "X, lui aussi envoyé spécial …",
# "X, comme médiateur …", "X, au poste de …", "X, qui est …"
_BRIDGE = {"actuellement", "alors", "désormais", "également", "aussi", "lui", "elle", "lui-même",
           "elle-même", "aujourd'hui", "jusqu'ici", "jusqu'alors", "depuis", "comme", "qui", "est",
           "était", "a", "avait", "été", "devenu", "devenue", "redevenu", "redevenue", "nommé",
           "nommée", "désigné", "désignée", "élu", "élue", "réélu", "réélue", "fut", "sera", "reste",
           "demeure", "devient", "en", "tant",
           "que", "au", "aux", "poste", "fonctions", "de", "d'", "d’"}
# words that introduce a title in the predicate: "au poste de", "aux fonctions de", "comme" …
_INTRODUCERS = ("au poste de", "au poste d'", "au poste d’", "aux fonctions de", "en tant que",
                "comme", "en qualité de", "en qualité d'", "en qualité d’")
# verbs whose subject (or object, for "nommer X représentant") holds the title they introduce
_APPOINT = {"nommer", "désigner", "élire", "réélire", "choisir", "confirmer", "reconduire",
            "proclamer", "devenir", "redevenir", "rester", "demeurer", "installer", "investir",
            "introniser", "promouvoir", "pressentir", "être", "appeler"}
# prepositions that open a title's complement ("chef de", "envoyé pour", "ambassadeur auprès de")
_COMPLEMENT = {"de", "du", "des", "d'", "d’", "à", "au", "aux", "pour", "en", "auprès", "chargé",
               "chargée", "sur", "contre", "dans"}
_STOP_AFTER = {"qui", "que", "qu'", "dont", "a", "ont", "avait", "est", "était", "sera", "et", ";", ":",
               "»", "«", "(", ")", '"', "“", "”"}
_BEFORE_OK = {"le", "la", "l'", "les", "du", "de", "d'", "au", "à", "par", "selon", "pour", ",",
              ":", "(", "et", "que", "qu'", "son", "sa", "leur", "notre", "votre", "cette", "ce",
              "nouveau", "nouvelle", "actuel", "actuelle", "«", "“", "un", "une", "avec", "dont",
              "comme", "l’", "d’", "qu’"}


def _strip_ex(word: str) -> str:
    return word[3:] if word.startswith("ex-") and len(word) > 3 else word


def match_title(res: Resources, doc: Doc, i: int) -> tuple[Optional[TitleForm], int]:
    """Longest title form starting at token i -> (form, end token). "ex-ministre" is read as
    "ministre" (the former marker is kept by the caller)."""
    first = _strip_ex(fold(doc[i].text))
    if not _is_head(res, first):
        return None, i
    best, best_end = None, i
    key = first
    j = i
    while j < len(doc) and j - i < res.max_title_words + 2:
        if j > i:  # "d'" + "armée" is written "d'armée"
            key += (" " if doc[j - 1].whitespace_ else "") + fold(doc[j].text)
            key = key.replace(" - ", "-").replace(" -", "-")
        form = res.titles.get(key)
        if form:
            best, best_end = form, j + 1
        j += 1
    if best is not None and best_end == i + 1 and doc[i].pos_ in ("VERB", "AUX") and doc[i].is_lower \
            and doc[i].lower_.endswith(_VERB_ENDINGS) and (i == 0 or doc[i - 1].lower_ not in _DETERMINERS):
        return None, i  # "il a jugé", "représentant la France": a verb, not the title "juge"
    return best, best_end


def _is_head(res: Resources, first: str) -> bool:
    return first in res.title_heads or first.split("-")[0] in res.title_heads


def may_open_title(res: Resources, word: str, cache: dict) -> bool:
    """Whether a token written `word` can open a title form (memoised per word in `cache`):
    the title-only scan asks it of every token."""
    hit = cache.get(word)
    if hit is None:
        if len(cache) > 200_000:  # an open vocabulary: keep the memo bounded
            cache.clear()
        hit = cache[word] = _is_head(res, _strip_ex(fold(word)))
    return hit


@dataclass
class _DocIndex:
    """What the title search knows of one document: token -> index of the person mention there,
    and token -> end of the organisation mention there."""
    person_at: dict[int, int]
    org_end: dict[int, int]
    person_end: dict[int, int] = field(default_factory=dict)  # first token -> end of a person mention
    dateline_ends: set = field(default_factory=set)  # offsets where a story starts after a dateline
    last_dateline_end: int = -1  # max(dateline_ends), computed once


@dataclass(slots=True)
class TitleMention:
    tok_start: int
    tok_end: int
    start: int
    end: int
    text: str  # as written, without determiner
    form: TitleForm
    former: bool
    person_index: Optional[int]  # index into doc._.person_mentions, or None for title-only
    determiner: Optional[str] = None  # "le"/"la"/"l'" before the title
    org_id: Optional[str] = None  # gazetteer id of an organisation inside the title
    head: Optional[int] = None  # token of the title's head word ("ministre" in "l'ancien ministre")


@guarded
class TitleFinder:
    def __init__(self, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()
        # words of title forms ("exécutive", "adjoint") may be tagged as verbs: not a clause break
        self.title_words = frozenset(w for form in self.res.titles for w in form.split(" "))
        self._opens: dict[str, bool] = {}

    def match_form(self, doc: Doc, i: int) -> tuple[Optional[TitleForm], int]:
        return match_title(self.res, doc, i)

    def __call__(self, doc: Doc) -> Doc:
        people = doc._.person_mentions or []
        orgs = doc._.org_mentions or []
        person_at = {}
        for k, m in enumerate(people):
            for t in range(m.tok_start, m.tok_end):
                person_at[t] = k
        # organisation names inside a title are never a break ("Nations unies", "Conseil
        # économique et social"): token -> end of its organisation mention
        org_end = {i: o.tok_end for o in orgs for i in range(o.tok_start, o.tok_end)}
        person_end = {m.tok_start: m.tok_end for m in people}
        dateline_ends = {e for b in doc._.blocks or () for a, e, w in getattr(b, "furniture", ())
                         if w == "dateline"}
        # per document: the component keeps no state
        idx = _DocIndex(person_at, org_end, person_end, dateline_ends,
                        max(dateline_ends, default=-1))
        titles: list[TitleMention] = []
        used: set[int] = set()
        for k, m in enumerate(people):
            # a name can carry titles on both sides ("Le président émirati de la COP28, X,
            # patron de …") and several in a row ("…, l'Ambassadrice X")
            for t in self._after(doc, m, idx) + self._before(doc, m, idx, used):
                t.person_index = k
                titles.append(t)
                used.update(range(t.tok_start, t.tok_end))
        # title-only mentions
        for i, word in enumerate(token_texts(doc)):
            if i in used or i in person_at or not may_open_title(self.res, word, self._opens):
                continue
            form, end = self.match_form(doc, i)
            if form is None:
                continue
            ext_end = self._extend(doc, end, idx)
            t = self._mention(doc, i, ext_end, form)
            prev = titles[-1] if titles else None
            if t.determiner is None and prev is not None and prev.person_index is None and \
                    prev.tok_end == t.tok_start - 1 and doc[prev.tok_end].lower_ == "et":
                t.determiner = prev.determiner  # "le représentant de l'ONU et chef de la mission …"
            titles.append(t)
            used.update(range(t.tok_start, t.tok_end))
        # a title in the predicate of its holder: "X a été nommé représentant spécial …", "X est
        # actuellement ambassadrice …", "X … a été réélu aux fonctions de secrétaire général …"
        title_holder = {i: t.person_index for t in titles if t.person_index is not None
                        for i in range(t.tok_start, t.tok_end)}
        for t in titles:
            if t.person_index is None:
                t.person_index = self._predicate_holder(doc, t, idx, title_holder)
        org_at = {o.tok_start: o.org_id for o in orgs if o.org_id}
        for t in titles:
            t.org_id = next((org_at[i] for i in range(t.tok_start, t.tok_end) if i in org_at), None)
        doc._.titles = titles
        return doc

    def _mention(self, doc: Doc, start: int, end: int, form: TitleForm) -> TitleMention:
        """The title from its head at `start`: "ancien"/"nouvelle" before it belong to the title
        as written ("ancien Président des États-Unis", "nouvelle Cheffe du BINUH")."""
        s = start
        former = fold(doc[start].text).startswith("ex-")
        while s > 0 and start - s < 3 and _qualifies(doc[s - 1]):
            former = former or fold(doc[s - 1].text) in _FORMER
            s -= 1
        span = doc[s:end]
        return TitleMention(span.start, span.end, span.start_char, span.end_char, span.text, form,
                            former, None, _determiner(doc, s), head=start)

    def _extend(self, doc: Doc, end: int, idx: "_DocIndex", stop_comma: bool = True) -> int:
        """Extend a title head over its complements ("… des Nations Unies aux opérations de paix",
        "… du Programme alimentaire mondial (PAM)"), not over adverbial adjuncts ("lors d'une
        réunion …") or a following clause."""
        j = end
        limit = min(len(doc), end + 18)
        while j < limit:
            tok = doc[j]
            if tok.text == "(" and _acronym_group(doc, j):
                j += 3
                continue
            if j in idx.org_end and not tok.is_sent_start:
                j = max(j + 1, idx.org_end[j])
                continue
            if j in idx.person_at and j in idx.person_end and j >= 2 and \
                    doc[j - 1].text in self.res.honorifics and doc[j - 2].lower_ in ("de", "du"):
                j = idx.person_end[j]  # "envoyé spécial de M. Ban pour le Darfour"
                continue
            if tok.lower_ == "et" and j + 1 < len(doc) and not tok.is_sent_start and (
                    doc[j + 1].lower_ in ("de", "du", "des", "d'", "d’", "à", "au", "aux", "pour") or
                    doc[j + 1].lower_ in ("la", "le", "l'", "l’", "les") and j + 2 < len(doc) and
                    doc[j + 2].is_lower and not _is_head(self.res, fold(doc[j + 2].text))):
                j += 1  # "… de l'ONU et de l'Union africaine", "… des sexes et l'autonomisation …"
                continue
            if j in idx.person_at or tok.is_space or tok.text in _STOP_AFTER or tok.is_sent_start or \
                    tok.pos_ == "PRON":
                break
            if tok.text == "," and stop_comma:
                break
            if tok.lower_ == "par" and j + 1 < len(doc) and doc[j + 1].lower_ == "intérim":
                j += 2
                continue
            if tok.lower_ in _MONTHS or tok.lower_ in ("lundi", "mardi", "mercredi", "jeudi", "vendredi",
                                                       "samedi", "dimanche"):
                break  # "… du PAM en mars": a date, not the title
            if tok.lower_ in _COMPLEMENT and tok.pos_ in ("ADP", "ADV", "VERB", "ADJ"):
                j += 1  # "auprès de", "chargée de"
                continue
            if tok.pos_ == "ADV" or tok.like_num or (tok.pos_ == "ADP" and tok.lower_ not in _COMPLEMENT):
                break  # "… lors d'une réunion", "… avant son entrée en fonction"
            if tok.pos_ in ("VERB", "AUX") and fold(tok.text) not in self.title_words and \
                    not (tok.morph.get("VerbForm") == ["Part"] and tok.dep_ == "amod"):
                break
            if tok.morph.get("VerbForm") == ["Part"] and fold(tok.text) not in self.title_words and \
                    j + 1 < len(doc) and doc[j + 1].pos_ in ("ADP", "DET", "NOUN", "ADV"):
                break  # "ex-présidente chilienne entrée en fonction …": a participle's clause
            if tok.pos_ == "NOUN" and tok.is_lower and fold(tok.text) not in self.title_words and \
                    doc[j - 1].pos_ in ("ADJ", "NOUN") and doc[j - 1].is_lower and \
                    doc[j - 2].pos_ not in ("DET", "ADP"):
                break  # a noun right after the head or its adjective starts something else
            j += 1
        while j > end and doc[j - 1].pos_ in ("ADP", "DET", "CCONJ", "PUNCT") and doc[j - 1].text != ")":
            j -= 1
        return j

    def _title_at(self, doc: Doc, i: int, idx: "_DocIndex") -> Optional[TitleMention]:
        """A title whose head is at token i, after an optional "ancien"/"la"."""
        for _ in range(4):
            if i >= len(doc) or self.match_form(doc, i)[0] is not None:
                break
            if _qualifies(doc[i]) or doc[i].lower_ in ("le", "la", "l'", "l’", "un", "une"):
                i += 1
        if i >= len(doc) or i in idx.person_at:
            return None
        form, end = self.match_form(doc, i)
        if form is None:
            return None
        return self._mention(doc, i, self._extend(doc, end, idx), form)

    def _after(self, doc: Doc, m, idx: "_DocIndex") -> list[TitleMention]:
        """Titles in apposition after the name: "X, chef de …", "X (ancien ministre …)", "X la
        Directrice …", a capitalised "X Cheffe de …", and a second one after "et"."""
        i = m.tok_end
        if i >= len(doc):
            return []
        if doc[i].text in (",", "("):
            i += 1
            i = self._bridge(doc, i)  # "X, actuellement directrice …", "X, comme médiateur …"
        elif [t.lower_ for t in doc[i:i + 2]] == ["au", "poste"] and i + 2 < len(doc) and \
                doc[i + 2].lower_ in ("de", "d'", "d’"):
            i += 3  # "la nomination de X au poste d'Envoyé spécial …"
        elif doc[i].lower_ in ("comme",) or doc[i].lower_ == "en" and doc[i + 1:i + 3].text == "tant que":
            i = self._bridge(doc, i)  # "… de Mme X comme première Directrice exécutive …"
        elif not (doc[i].lower_ in ("la", "le", "l'", "l’") or doc[i].text[:1].isupper()):
            # "a nommé X représentant spécial …": a title noun right after the name
            form, _ = self.match_form(doc, i)
            if form is None or doc[i].pos_ != "NOUN" and len(form.text.split(" ")) < 2:
                return []
        out = []
        bridged = i > m.tok_end + 1 and doc[m.tok_end].text == ","
        while len(out) < 3:
            t = self._title_at(doc, i, idx)
            if t is None or t.tok_end in idx.person_at:
                break  # "X, le président français Emmanuel Macron": the title is the next name's
            if bridged and not out and _opens_clause(doc, t):
                # "… John McCain, décédé en 2018, l'ancienne présidente du conseil … est
                # actuellement …": past a participle clause, a title followed by its verb is the
                # subject of the sentence, not an apposition to the name before
                break
            out.append(t)
            i = t.tok_end
            if i + 1 < len(doc) and doc[i].text in ("et", ","):
                i += 1
                if doc[i - 1].text == ",":
                    i = self._bridge(doc, i)  # "X, ancienne ministre …, au poste de secrétaire …"
            else:
                break
        return out

    def _predicate_holder(self, doc: Doc, t: TitleMention, idx: "_DocIndex",
                          title_holder: Optional[dict] = None) -> Optional[int]:
        """The person mention whose predicate the title is, by the parse: the subject of a
        copula ("X est ambassadrice"), the subject of a passive or of "devenir" ("X a été nommé
        représentant", "X est devenu ministre"), the object of an active appointment ("nommer X
        représentant"), the subject of a bare participle ("X nommé représentant")."""
        tok = doc[t.head if t.head is not None else t.tok_start]
        kids = list(tok.children)
        subj = None
        if any(c.dep_ in ("cop", "aux:pass") and c.lemma_ == "être" for c in kids):
            subj = next((c for c in kids if c.dep_ in ("nsubj", "nsubj:pass") and c.i < tok.i), None)
        else:
            verb = tok.head
            if verb.lemma_ in ("poste", "fonction", "fonctions") and verb.i < tok.i:
                verb = verb.head  # "au poste de", "aux fonctions de"
            if verb.i == tok.i or verb.pos_ not in ("VERB", "AUX") or verb.lemma_ not in _APPOINT or \
                    verb.i > tok.i:
                return self._introduced_holder(doc, t, idx)
            vkids = list(verb.children)
            bare = not any(c.dep_.startswith("aux") for c in vkids) and verb.morph.get("VerbForm") == ["Part"]
            if verb.dep_ == "acl" and verb.head.i < verb.i:
                subj = verb.head  # "Le Néerlandais X nommé représentant de l'ONU"
            else:
                subj = next((c for c in vkids if c.dep_ == "nsubj:pass"), None)
                if subj is None and verb.lemma_ not in ("devenir", "redevenir", "rester", "demeurer", "être"):
                    subj = next((c for c in vkids if c.dep_ == "obj" and c.i != tok.i and c.i < tok.i), None)
                if subj is None and (bare or verb.lemma_ in ("devenir", "redevenir", "rester", "demeurer", "être") or
                                     any(c.dep_ == "aux:pass" for c in vkids)):
                    subj = next((c for c in vkids if c.dep_ == "nsubj" and c.i < verb.i), None)
        if subj is None:
            return self._introduced_holder(doc, t, idx)
        # the subject's own name, or the person a title subject belongs to ("Le ministre …, X, a
        # été nommé représentant …")
        for c in [subj] + [c for c in subj.children if c.dep_ in ("flat:name", "appos")]:
            if c.i in idx.person_at:
                return idx.person_at[c.i]
            if title_holder and c.i in title_holder:
                return title_holder[c.i]
        return None

    def _introduced_holder(self, doc: Doc, t: TitleMention, idx: "_DocIndex") -> Optional[int]:
        """When the parse is no help: a title introduced by "au poste de", "aux fonctions de",
        "en tant que", "comme" or "en qualité de" after an appointment verb of the same sentence
        belongs to the one person named before the verb (passive: "X … a été réélu … aux
        fonctions de secrétaire général") or between the verb and the title (active: "… a nommé
        X au poste de …")."""
        before = " ".join(tk.lower_ for tk in doc[max(0, t.tok_start - 3):t.tok_start])
        if not before.endswith(_INTRODUCERS):
            return None
        sent = sentence_of(doc, t.tok_start)
        verb = next((doc[k] for k in range(t.tok_start - 1, sent.start - 1, -1)
                     if doc[k].pos_ == "VERB" and doc[k].lemma_ in _APPOINT), None)
        if verb is None:
            return None
        passive = any(c.dep_ == "aux:pass" for c in verb.children) or verb.lemma_ in (
            "devenir", "redevenir", "rester", "demeurer", "être")
        lo, hi = (sent.start, verb.i) if passive else (verb.i + 1, t.tok_start)
        found = {idx.person_at[k] for k in range(lo, hi) if k in idx.person_at}
        return found.pop() if len(found) == 1 else None

    def _bridge(self, doc: Doc, i: int) -> int:
        """Skip the words that may stand between a name and its title (up to five): adverbs
        ("actuellement", "lui aussi") and links ("comme", "en tant que", "au poste de", "qui
        est"), but only when a title follows them."""
        j = i
        while j < len(doc) and j - i < 5 and doc[j].lower_ in _BRIDGE and self.match_form(doc, j)[0] is None:
            j += 1
        if j > i and (j >= len(doc) or self.match_form(doc, j)[0] is None and not _qualifies(doc[j])):
            return i
        return j

    def _before(self, doc: Doc, m, idx: "_DocIndex", used: set[int]) -> list[TitleMention]:
        """Titles before the name, up to 30 tokens back in the sentence, nothing but titles (and
        commas) between them and the name; a chain "la Présidente du Comité, l'Ambassadrice X" or
        "du sénateur d'Arizona et candidat à … X" gives one title per head."""
        end = m.tok_start
        if m.honorific:
            end -= 1
        if end > 0 and m.start > doc[m.tok_start].idx and doc[end - 1].text == "(":
            end -= 1  # "… pour les migrations (OIM),António Vitorino": the tokenizer glued "OIM),"
        while end > 0 and doc[end - 1].text == ",":
            end -= 1
        starts: list[tuple[int, TitleForm]] = []
        j = end - 1
        sent_start = sentence_of(doc, m.tok_start).start
        while j >= max(sent_start, end - 30):
            tok = doc[j]
            if tok.text == ")" and j - 2 >= sent_start and _acronym_group(doc, j - 2):
                j -= 3
                continue
            if j in used and starts:
                break  # another person's title
            if j in idx.org_end and j not in used:
                j -= 1
                continue
            if j in idx.person_at or tok.text in ("»", "«", ";", ":", "(", ")") or (
                    tok.pos_ in ("VERB", "AUX") and fold(tok.text) not in self.title_words):
                break
            form, fend = self.match_form(doc, j)
            if form is not None:
                p = j - 1
                while p > sent_start and p > j - 4 and _qualifies(doc[p]):
                    p -= 1  # "son premier responsable, X", "l'ancien syndicaliste X"
                prev = doc[p].lower_ if p >= sent_start and p < j else ","
                after_dateline = doc[j].idx in idx.dateline_ends or (
                    p >= 0 and doc[p].idx < idx.last_dateline_end <= doc[j].idx)
                if prev in _BEFORE_OK or p < sent_start or j == sent_start or after_dateline or \
                        _qualifies(doc[p]) and p == sent_start:
                    starts.append((j, form))
                    if j in used:
                        break  # "porte-parole du Secrétaire général, X": the inner title is X's
            j -= 1
        if not starts:
            return []
        starts.sort()
        if len(starts) > 1 and m.tok_end + 1 < len(doc) and doc[m.tok_end].text == "," and \
                doc[m.tok_end + 1].lower_ in ("pour", "chargé", "chargée", "auprès", "aux", "au"):
            # "l'ancienne conseillère du président américain, Joe Biden, pour les Affaires
            # migratoires": the outer title goes on after the name, which names the inner one
            j, form = starts[-1]
            if doc[j - 1].lower_ in ("du", "des", "de", "d'", "d’") or \
                    doc[j - 2].lower_ in ("de", "d'", "d’"):
                starts = [starts[-1]]
        # split the stretch only where a new title begins after a comma or "et" (+ determiner);
        # "représentant spécial du secrétaire général" stays one title
        heads = [starts[0]]
        for j, form in starts[1:]:
            k = j - 1
            while k > heads[-1][0] and (doc[k].lower_ in ("le", "la", "l'", "l’") or
                                        fold(doc[k].text) in _FORMER or doc[k].lower_ in _NEW):
                k -= 1
            if doc[k].text == "," or doc[k].lower_ == "et":
                heads.append((j, form))
        out = []
        for n, (j, form) in enumerate(heads):
            stop = end
            if n + 1 < len(heads):
                stop = heads[n + 1][0]
                while stop > j + 1 and (doc[stop - 1].lower_ in ("le", "la", "l'", "l’", "et", ",")
                                        or fold(doc[stop - 1].text) in _FORMER or
                                        doc[stop - 1].lower_ in _NEW):
                    stop -= 1
            # "en tant que Premier ministre, le 22 octobre, X": the title ends at its first comma
            comma = next((k for k in range(j + 1, stop) if doc[k].text == "," and k + 1 < stop and
                          (doc[k + 1].pos_ in ("DET", "NUM", "ADV", "PRON", "VERB", "AUX") or
                           doc[k + 1].pos_ == "ADP" and doc[k + 1].lower_ not in _COMPLEMENT)),
                         None)
            if comma is not None:
                stop = comma
            t = self._mention(doc, j, stop, form)
            if self.res.titles.get(fold(doc[j].text)) and form.kind == "royal":
                t = self._royal(doc, t, m)
            out.append(t)
        return out

    def _royal(self, doc: Doc, t: TitleMention, m) -> TitleMention:
        """"le roi Abdallah de Jordanie": the country after the name completes the title."""
        k = m.tok_end
        if k + 1 < len(doc) and doc[k].lower_ in ("de", "du", "d'", "d’") and doc[k + 1].text[:1].isupper():
            sep = "" if doc[k].text.endswith(("'", "’")) else " "
            t.text = f"{t.text} {doc[k].text}{sep}{doc[k + 1].text}"
        return t


def _opens_clause(doc: Doc, t: "TitleMention") -> bool:
    """The title is followed by a finite verb of its own (its clause's subject)."""
    k = t.tok_end
    while k < len(doc) and doc[k].pos_ == "ADV":
        k += 1
    return k < len(doc) and doc[k].pos_ in ("VERB", "AUX") and doc[k].morph.get("VerbForm") == ["Fin"]


def _qualifies(tok) -> bool:
    """A word that qualifies a title before its head ("ancien", "nouvelle", "plus haut",
    "actuelle", "10e")."""
    w = fold(tok.text)
    return w in _FORMER or tok.lower_ in _NEW or tok.lower_ in _MODIFIERS or bool(_ORDINAL.match(tok.lower_))


def _acronym_group(doc: Doc, i: int) -> bool:
    """"(PAM)" at token i: an acronym in parentheses, part of the name it follows."""
    return i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and \
        doc[i + 1].text[:1].isupper() and (doc[i + 1].is_upper or len(doc[i + 1].text) <= 8)


def _determiner(doc: Doc, i: int) -> Optional[str]:
    if i > 0 and doc[i - 1].lower_ in ("le", "la", "l'", "du", "au", "les"):
        return doc[i - 1].lower_
    return None


@Language.factory("onu_titles", default_config={"models": None})
def make_titles(nlp: Language, name: str, models: Optional[str]):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, TitleFinder)
