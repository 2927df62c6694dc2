"""Titles attached to people: "X, Secrétaire général adjoint …, a déclaré", "la Haute-Commissaire
…, X", "l'ancien Président des États-Unis Barack Obama", "le chef du HCR, Filippo Grandi".

Title heads come from `models/titles.tsv` with their feminine forms, so a title also gives
gender evidence ("Secrétaire générale adjointe" is female, "Directeur" male; "ministre" nothing).
Title-only mentions that name nobody ("le Secrétaire général a déclaré") are kept too: the
attribution stage links them to the person of the article who holds the title, or to the holder
of the post at the publication date (`models/role_holders.tsv`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, TitleForm, fold, load_resources
from ._ext import ensure_extensions, guarded, sentence_of, token_texts

_FORMER = {"ancien", "ancienne", "ex", "ex-", "anciens", "anciennes"}
_NEW = {"nouveau", "nouvel", "nouvelle"}
# prepositions that open a title's complement ("chef de", "envoyé pour", "ambassadeur auprès de")
_COMPLEMENT = {"de", "du", "des", "d'", "d’", "à", "au", "aux", "pour", "en", "auprès", "chargé",
               "chargée", "sur", "contre", "dans"}
_STOP_AFTER = {"qui", "que", "qu'", "dont", "a", "ont", "avait", "est", "était", "sera", "et", ";", ":",
               "»", "«", "(", ")", '"', "“", "”"}
_BEFORE_OK = {"le", "la", "l'", "les", "du", "de", "d'", "au", "à", "par", "selon", "pour", ",",
              ":", "(", "et", "que", "qu'", "son", "sa", "leur", "notre", "votre", "cette", "ce",
              "nouveau", "nouvelle", "actuel", "actuelle", "«", "“"}


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


@dataclass
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
        idx = _DocIndex(person_at, org_end)  # per document: the component keeps no state
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
            titles.append(t)
            used.update(range(t.tok_start, t.tok_end))
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
        while s > 0 and start - s < 2 and (fold(doc[s - 1].text) in _FORMER or
                                            doc[s - 1].lower_ in _NEW):
            former = former or fold(doc[s - 1].text) in _FORMER
            s -= 1
        span = doc[s:end]
        return TitleMention(span.start, span.end, span.start_char, span.end_char, span.text, form,
                            former, None, _determiner(doc, s))

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
            if j in idx.person_at or tok.is_space or tok.text in _STOP_AFTER or tok.is_sent_start:
                break
            if tok.text == "," and stop_comma:
                break
            if tok.lower_ == "par" and j + 1 < len(doc) and doc[j + 1].lower_ == "intérim":
                j += 2
                continue
            if tok.pos_ == "ADV" or tok.like_num or (tok.pos_ == "ADP" and tok.lower_ not in _COMPLEMENT):
                break  # "… lors d'une réunion", "… avant son entrée en fonction"
            if tok.pos_ in ("VERB", "AUX") and fold(tok.text) not in self.title_words and \
                    not (tok.morph.get("VerbForm") == ["Part"] and tok.dep_ == "amod"):
                break
            j += 1
        while j > end and doc[j - 1].pos_ in ("ADP", "DET", "CCONJ", "PUNCT") and doc[j - 1].text != ")":
            j -= 1
        return j

    def _title_at(self, doc: Doc, i: int, idx: "_DocIndex") -> Optional[TitleMention]:
        """A title whose head is at token i, after an optional "ancien"/"la"."""
        for _ in range(2):
            if i < len(doc) and (fold(doc[i].text) in _FORMER | _NEW or
                                 doc[i].lower_ in ("le", "la", "l'", "l’")):
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
        elif [t.lower_ for t in doc[i:i + 2]] == ["au", "poste"] and i + 2 < len(doc) and \
                doc[i + 2].lower_ in ("de", "d'", "d’"):
            i += 3  # "la nomination de X au poste d'Envoyé spécial …"
        elif not (doc[i].lower_ in ("la", "le", "l'", "l’") or doc[i].text[:1].isupper()):
            return []
        out = []
        while len(out) < 3:
            t = self._title_at(doc, i, idx)
            if t is None:
                break
            out.append(t)
            i = t.tok_end
            if i + 1 < len(doc) and doc[i].text in ("et", ","):
                i += 1
            else:
                break
        return out

    def _before(self, doc: Doc, m, idx: "_DocIndex", used: set[int]) -> list[TitleMention]:
        """Titles before the name, up to 30 tokens back in the sentence, nothing but titles (and
        commas) between them and the name; a chain "la Présidente du Comité, l'Ambassadrice X" or
        "du sénateur d'Arizona et candidat à … X" gives one title per head."""
        end = m.tok_start
        if m.honorific:
            end -= 1
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
                prev = doc[j - 1].lower_ if j > sent_start else ","
                if prev in _BEFORE_OK or fold(prev) in _FORMER or prev in _NEW or j == sent_start:
                    starts.append((j, form))
                    if j in used:
                        break  # "porte-parole du Secrétaire général, X": the inner title is X's
            j -= 1
        if not starts:
            return []
        starts.sort()
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
