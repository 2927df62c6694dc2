"""Speaker attribution: who said each quotation, with the rule that decided and a confidence.

Rules, tried in order for a direct quotation (each is a phenomenon of real ONU Info text):
1. incise inside or right after the marks: "« … », a-t-il expliqué", "» a déclaré M. Khare";
2. "selon X" / "d'après X" in the sentence;
3. a speech verb before the quotation in its sentence ("X a déclaré que « … »"), its subject;
4. a colon introducing it ("X a été clair : « … »"), the subject of the clause;
5. a quotation with no cue continues the previous quotation's speaker (same or next paragraph).
A subject is resolved to a person (a name, a surname, "M./Mme X", a title held by a person of the
article, or a pronoun il/elle to the most salient earlier person of that gender), an organisation
("l'OMS a indiqué"), a country speaking as a state ("la France a estimé"), or, for a title that
names nobody in the article, the holder of that post at the publication date (role timeline).
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..resources import Resources, fold, load_resources
from ._ext import ensure_extensions, guarded, sentence_of, sentences
from .quotes import PRONOUN_CLITICS, QuoteCandidate, is_speech_verb, verb_lemma
from .people import resolve_gender
from .segment import block_at

_DEMONYM_SUFFIX = ("ien", "ienne", "ais", "aise", "ois", "oise", "éen", "éenne")

_SUBJ_DEPS = {"nsubj", "nsubj:pass", "expl:subj"}


class Speaker:
    """A resolved speaker; `pronoun` is the gender of the pronoun or description it was
    resolved from (gender evidence for the person), None for a name."""

    __slots__ = ("kind", "ref", "name", "tok", "pronoun")

    def __init__(self, kind: str, ref: Optional[str], name: Optional[str], tok: Optional[int] = None,
                 pronoun: Optional[str] = None):
        self.kind, self.ref, self.name, self.tok, self.pronoun = kind, ref, name, tok, pronoun


@guarded
class Attributor:
    """The attribution component. The work on one document is done by a `_DocAttribution`
    made for it, which holds that document's indexes: the component keeps no per-document
    state, so one pipeline can run documents on several threads at once."""

    def __init__(self, resources: Resources | None = None):
        ensure_extensions()
        self.res = resources or load_resources()

    def __call__(self, doc: Doc) -> Doc:
        return _DocAttribution(self.res, doc).run(doc)


class _DocAttribution:
    """Speaker resolution over one document (its indexes are built once, in `__init__`)."""

    def __init__(self, res: Resources, doc: Doc):
        self.res = res
        self._index(doc)

    # ---- indexes over the doc ---------------------------------------------------------------
    def _index(self, doc: Doc) -> None:
        self.person_tok: dict[int, object] = {}
        self.mentions = doc._.person_mentions or []
        people = doc._.people or []
        owner = {}
        for c in people:
            for k in c.mention_indices:
                owner[k] = c
                m = self.mentions[k]
                for t in range(m.tok_start, m.tok_end):
                    self.person_tok[t] = c
        self.owner = owner
        self.org_tok = {}
        self.orgs = doc._.organisations or []
        for c in self.orgs:
            for m in c.mentions:
                for t in range(m.tok_start, m.tok_end):
                    self.org_tok[t] = c
        self.place_tok = {}
        for c in doc._.places or []:
            for m in c.mentions:
                for t in range(m.tok_start, m.tok_end):
                    self.place_tok[t] = c
        self.title_tok = {}
        for t in doc._.titles or []:
            for i in range(t.tok_start, t.tok_end):
                self.title_tok[i] = t
        # person mention positions, for salience: (token, cluster, is subject)
        self.person_positions = sorted(
            ((self.mentions[k].tok_start, owner[k],
              int(any(doc[t].dep_ in _SUBJ_DEPS
                      for t in range(self.mentions[k].tok_start, self.mentions[k].tok_end))))
             for k in owner), key=lambda x: x[0])
        self.last_subject: dict[str, int] = {}
        sentences(doc)
        self.sent_index = doc._.sent_index
        self.people = people

    # ---- resolution -------------------------------------------------------------------------
    def resolve_token(self, doc: Doc, i: int, before: int, last: Optional[Speaker]) -> Optional[Speaker]:
        """Resolve the phrase at token i to a speaker (None when it names nobody we know)."""
        if i in self.person_tok:
            c = self.person_tok[i]
            return Speaker("person", c.id, c.name, i)
        demonym = _demonym_gender(doc, i)
        if demonym is not None:
            return self.resolve_anaphor(doc, demonym, before, last)
        if i in self.title_tok:
            return self.resolve_title(doc, self.title_tok[i], i)
        if i in self.org_tok:
            c = self.org_tok[i]
            return Speaker("organisation", c.id, c.name, i)
        if i in self.place_tok:
            c = self.place_tok[i]
            return Speaker("place", c.id, c.name, i)
        low = doc[i].lower_
        if low in PRONOUN_CLITICS:
            gender, number = PRONOUN_CLITICS[low]
            topic = self._topic(doc, i)
            if topic is not None:
                return topic
            if number == "plur":
                return None
            sp = self.resolve_pronoun(doc, gender, before, last)
            if sp is not None:
                sp.pronoun = gender
            return sp
        # a noun phrase: look at its appositions and flat children for a name
        tok = doc[i]
        short = self._short_form(doc, i)
        if short is not None:
            return short
        for child in tok.children:
            if child.dep_ in ("appos", "flat:name", "nmod") and child.i in self.person_tok:
                c = self.person_tok[child.i]
                return Speaker("person", c.id, c.name, child.i)
        return None

    def resolve_title(self, doc: Doc, title, i: int) -> Optional[Speaker]:
        if title.person_index is not None and title.person_index in self.owner:
            c = self.owner[title.person_index]
            return Speaker("person", c.id, c.name, i)
        role = fold(title.form.role)
        # a person of the article who holds the same role (and organisation when given)
        best = None
        for c in self.people:
            for ti in c.title_indices:
                t = doc._.titles[ti]
                if fold(t.form.role) == role and (title.org_id is None or t.org_id in (None, title.org_id)):
                    if not t.former:
                        best = c
        if best is not None:
            return Speaker("person", best.id, best.name, i)
        # a holder of the post (role timeline) who is named in the article: any date will do
        for h in self.holders(role, title.org_id, None):
            htoks = fold(h.holder).replace("-", " ").split()
            for c in self.people:
                if c.tokens() and c.tokens()[-1] in htoks:
                    return Speaker("person", c.id, c.name, i)
        # the holder of the post at the publication date
        dated = self.holders(role, title.org_id, doc._.published) if doc._.published else []
        if len(dated) == 1:
            return Speaker("person", None, dated[0].holder, i)
        # a definite description of a person already in play
        det = title.determiner or _determiner_before(doc, title.tok_start)
        if det in ("le", "la", "l'") or title.former:
            gender = title.form.gender or {"la": "female"}.get(det or "")
            same_org = title.org_id is None or any(
                self._within(doc._.titles[ti].org_id, title.org_id)
                for c in self.people for ti in c.title_indices)
            sp = self.resolve_anaphor(doc, gender, title.tok_start, None)
            if sp is not None and (same_org or (gender and self._gender_of(sp) in (None, gender))):
                return sp
        return None

    def _within(self, org_id: Optional[str], ancestor: str) -> bool:
        """True when `org_id` is `ancestor` or part of it (MONUSCO is part of the UN)."""
        seen = 0
        while org_id and seen < 5:
            if org_id == ancestor:
                return True
            entry = self.res.org_by_id.get(org_id)
            org_id = entry.parent if entry else None
            seen += 1
        return False

    def _gender_of(self, sp: Speaker) -> Optional[str]:
        c = next((p for p in self.people if p.id == sp.ref), None)
        return c.gender if c is not None else None

    def holders(self, role: str, org_id: Optional[str], published: Optional[str]) -> list:
        """Holders of a post from the role timeline; with `published`, those in post then."""
        out = []
        for h in self.res.role_holders:
            if h.role != role and role not in h.aliases:
                continue
            if org_id and h.organisation_id and h.organisation_id != org_id:
                continue
            if not org_id and h.organisation_id not in ("onu", ""):
                continue  # "le Secrétaire général" alone is the UN's
            if published:
                if h.start and h.start[: len(published)] > published:
                    continue
                if h.end and h.end[: len(published)] < published:
                    continue
            out.append(h)
        return out

    def resolve_pronoun(self, doc: Doc, gender: Optional[str], before: int,
                        last: Optional[Speaker]) -> Optional[Speaker]:
        """The most salient earlier person compatible with the pronoun's gender.

        Salience counts what makes a person the topic of the passage, not mere proximity: how
        often they were mentioned, how often as a subject, whether they spoke last, and whether
        they were named in the last sentences. A person of unknown gender stays a candidate but
        loses to one whose gender the text has already shown.
        """
        sent_now = self.sent_index[min(before, len(doc) - 1)] if len(doc) else 0
        stats: dict[str, list] = {}
        self.last_subject = {}
        for pos, c, subj in self.person_positions:
            if pos >= before:
                break
            if subj:
                self.last_subject[c.id] = pos
            if gender and c.gender not in (None, gender):
                continue
            st = stats.setdefault(c.id, [c, 0, 0, -1])
            st[1] += 1
            st[2] += subj
            st[3] = pos
        if not stats:
            # excerpt that starts mid-article: the first compatible person named after
            for pos, c, _ in self.person_positions:
                if pos >= before and (not gender or c.gender in (None, gender)):
                    return Speaker("person", c.id, c.name, None)
            return None
        best, best_score = None, None
        for cid, (c, n, subj, lastpos) in stats.items():
            score = n + 2 * subj
            if last is not None and last.ref == cid:
                score += 3
            gap = sent_now - self.sent_index[lastpos]
            score += 3 if gap <= 1 else 1 if gap <= 3 else 0
            if gap <= 1 and self.last_subject.get(cid, -1) >= 0 and \
                    sent_now - self.sent_index[self.last_subject[cid]] <= 1:
                score += 4  # the subject of this or the previous sentence
            if gender and c.gender == gender:
                score += 2
            key = (score, lastpos)
            if best_score is None or key > best_score:
                best, best_score = c, key
        return Speaker("person", best.id, best.name, None)

    def resolve_anaphor(self, doc: Doc, gender: Optional[str], before: int, last) -> Optional[Speaker]:
        """A definite description that names nobody ("la Haut-commissaire", "l'ancienne cheffe
        d'Etat", "le Jordanien") refers back like a pronoun, but only to a person named within
        a few sentences: further away, "le représentant ukrainien" is someone new and unnamed."""
        sp = self.resolve_pronoun(doc, gender, before, last)
        if sp is None or sp.ref is None:
            return sp
        here = self.sent_index[min(before, len(doc) - 1)]
        near = any(c.id == sp.ref and abs(self.sent_index[pos] - here) <= 3
                   for pos, c, _ in self.person_positions)
        return sp if near else None

    def subject_of(self, doc: Doc, verb_i: int, last: Optional[Speaker]) -> Optional[Speaker]:
        verb = doc[verb_i]
        heads = [verb]
        if verb.dep_ in ("advcl", "conj", "acl", "xcomp", "ccomp") and verb.morph.get("VerbForm") in (["Part"], ["Inf"], ["Ger"]):
            heads.append(verb.head)
        elif verb.dep_ == "conj":
            heads.append(verb.head)
        for h in heads:
            for child in h.children:
                if child.dep_ in _SUBJ_DEPS and child.lower_ not in ("-t",):
                    sp = self.resolve_token(doc, child.i, child.i, last)
                    if sp is not None:
                        return sp
        return None

    def nearest_before(self, doc: Doc, sent_start: int, verb_i: int, last) -> Optional[Speaker]:
        """Fallback: the last named person/title/organisation before the verb in its sentence,
        or a subject pronoun there."""
        for i in range(verb_i - 1, sent_start - 1, -1):
            if doc[i].text in ("»", "«", '"', "“", "”"):
                break
            if i in self.person_tok or i in self.title_tok or i in self.org_tok or \
                    (doc[i].lower_ in ("il", "elle") and doc[i].dep_ in _SUBJ_DEPS) or \
                    (i in self.place_tok and doc[i].dep_ in _SUBJ_DEPS):
                sp = self.resolve_token(doc, i, i, last)
                if sp is not None:
                    return sp
        return None

    def after_verb(self, doc: Doc, verb_i: int, limit: int, last) -> Optional[Speaker]:
        """Inverted subject after an incise verb: "a déclaré M. Khare", "souligne la
        Haute-Commissaire", "a-t-il expliqué"."""
        for i in range(max(0, verb_i - 3), min(limit, verb_i + 8)):
            if doc[i].lower_ in PRONOUN_CLITICS and doc[i].text.startswith("-"):
                return self.resolve_token(doc, i, verb_i, last)
        for i in range(verb_i + 1, min(limit, verb_i + 10)):
            t = doc[i]
            if t.text in (".", ";", "«", "»", '"', "“") or (t.pos_ == "VERB" and i > verb_i + 1):
                break
            if i in self.person_tok or i in self.title_tok or i in self.org_tok or i in self.place_tok:
                return self.resolve_token(doc, i, verb_i, last)
        return None

    # ---- main -------------------------------------------------------------------------------
    def run(self, doc: Doc) -> Doc:
        quotes: list[QuoteCandidate] = doc._.quotes or []
        blocks = doc._.blocks or []
        block_number = {id(b): n for n, b in enumerate(blocks)}
        last: Optional[Speaker] = None
        last_block_idx = -10
        pending: list[QuoteCandidate] = []
        for q in quotes:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None:
                continue
            sent = sentence_of(doc, span.start)
            block = block_at(blocks, q.start)
            bidx = block_number.get(id(block), -1)
            sp, rule, conf, evidence = self._attribute(doc, q, span, sent, last)
            if sp is None and q.type == "direct" and q.cue is None and (block is None or block.kind == "prose"):
                # a person who is the subject of the sentence just before takes the floor;
                # otherwise the quotation continues the previous quotation's speaker
                prev = self._previous_subject(doc, span.start)
                if prev is not None:
                    sp, rule, conf, evidence = prev, "previous-sentence-subject", 0.7, "subject of the sentence before"
                elif last is not None and 0 <= bidx - last_block_idx <= 1:
                    sp, rule, conf, evidence = last, "continuation", 0.7, "follows the previous quotation"
            if sp is None and block is not None and block.kind in ("title", "heading"):
                pending.append(q)  # a quoted headline or intertitle: said by the next speaker
            elif sp is not None and pending and rule != "continuation":
                for h in pending:
                    h.speaker_kind, h.speaker_ref, h.speaker_name = sp.kind, sp.ref, sp.name
                    h.rule, h.confidence, h.evidence = "heading-next-speaker", 0.6, f"next quotation: {rule}"
                pending = []
            if sp is not None:
                q.speaker_kind, q.speaker_ref, q.speaker_name = sp.kind, sp.ref, sp.name
                last = sp
                end_block = block_at(blocks, max(q.start, q.end - 1))
                last_block_idx = block_number.get(id(end_block), bidx)
                # a pronoun resolved to a person of unknown gender is evidence of it
                if sp.pronoun and sp.kind == "person" and sp.ref:
                    c = next((p for p in self.people if p.id == sp.ref), None)
                    if c is not None and c.gender is None:
                        c.add_evidence(sp.pronoun, f"pronoun in '{evidence}'")
                        c.gender = resolve_gender(c.evidence)
            if q not in pending:
                q.rule, q.confidence, q.evidence = rule or "none", conf, evidence
        for h in pending:
            h.rule, h.confidence, h.evidence = "none", 0.3, None
        return doc

    def _attribute(self, doc: Doc, q: QuoteCandidate, span, sent, last):
        # explicit subject token (selon X, incise clitic inside the marks)
        if q.cue_tok is not None and q.cue is None:
            q.cue = verb_lemma(doc[q.cue_tok], self.res)
        if q.subject_tok is not None:
            sp = self.resolve_token(doc, q.subject_tok, span.start, last)
            if sp is None and q.cue == "selon":
                sp = self._first_entity(doc, q.subject_tok, q.subject_tok + 8, last)
            if sp is not None:
                rule = "selon" if q.cue == "selon" else ("incise-pronoun" if doc[q.subject_tok].lower_ in PRONOUN_CLITICS else "incise")
                return sp, rule, 0.9, doc[q.subject_tok].text
            if q.cue == "selon":
                return None, "selon-unresolved", 0.3, None
        if q.type == "indirect":
            verb_i = q.cue_tok
            if verb_i is not None and q.rule_hint == "incise-after":
                sp = self.after_verb(doc, verb_i, sent.end, last)
                return sp, "incise-after", 0.85 if sp else 0.2, doc[verb_i].text
            if verb_i is not None:
                sp = self.subject_of(doc, verb_i, last) or self.nearest_before(doc, sent.start, verb_i, last)
                if sp is None and doc[verb_i].morph.get("VerbForm") == ["Part"] and doc[verb_i].morph.get("Tense") == ["Pres"]:
                    sp = last
                rule = "subject" if sp else "none"
                if sp is not None and sp.tok is None:
                    rule = "subject-pronoun"
                return sp, rule, 0.85 if sp else 0.2, doc[verb_i].text
            return None, "none", 0.2, None
        # direct quotation -------------------------------------------------------------------
        # 1. incise right after the closing mark
        i = span.end
        while i < sent.end and (doc[i].is_punct or doc[i].is_space) and doc[i].text not in (".", "!", "?", "«", "“"):
            i += 1
        j = i
        verb_i = None
        while j < min(sent.end, i + 4):
            t = doc[j]
            if is_speech_verb(t, self.res):
                verb_i = j
                break
            if t.pos_ not in ("AUX", "PRON", "ADV") and t.text != "-t":
                break
            j += 1
        if verb_i is not None:
            q.cue = verb_lemma(doc[verb_i], self.res)
            sp = self.after_verb(doc, verb_i, sent.end, last)
            if sp is None:
                sp = self.subject_of(doc, verb_i, last)
            if sp is not None:
                pron = any(doc[k].lower_ in PRONOUN_CLITICS for k in range(i, min(sent.end, verb_i + 3)))
                ev = doc[i: min(sent.end, verb_i + 4)].text
                return sp, "incise-pronoun" if pron else "incise", 0.9, ev
        # 2. selon / d'après in the sentence, outside the quote
        for t in sent:
            if span.start <= t.i < span.end:
                continue
            pour = t.lower_ == "pour" and (
                (t.i == sent.start and _named_after(doc, t.i + 1, self)) or
                (t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "qui" and t.i > sent.start))
            if pour or t.lower_ in ("selon",) or (t.lower_ == "d'" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "après"):
                q.cue = "selon"
                if pour and doc[t.i + 1].lower_ == "qui":  # "X, pour qui « … »": X said it
                    sp = self._last_entity(doc, max(sent.start, t.i - 8), t.i, last)
                else:
                    sp = self._first_entity(doc, t.i + 1, min(sent.end, t.i + 8), last)
                if sp is not None:
                    return sp, "selon", 0.85, doc[t.i: t.i + 4].text
        # 3. a speech verb before the quotation in its sentence
        for k in range(span.start - 1, sent.start - 1, -1):
            t = doc[k]
            if is_speech_verb(t, self.res):
                q.cue = verb_lemma(t, self.res)
                sp = self.subject_of(doc, k, last) or self.nearest_before(doc, sent.start, k, last)
                if sp is None and (t.morph.get("VerbForm") == ["Inf"] or (
                        t.morph.get("VerbForm") == ["Part"] and t.morph.get("Tense") == ["Pres"])):
                    sp = last  # "…, avant de reprendre : « … »", "ajoutant « … »": same speaker
                if sp is not None:
                    rule = "verb-subject" if sp.tok is not None else "verb-subject-pronoun"
                    return sp, rule, 0.85, t.text
                break
        # 4. colon introducing the quotation
        k = span.start - 2  # token before the opening mark
        if k >= sent.start and doc[k].text == ":":
            sp = None
            before_colon = sorted(range(sent.start, k), key=lambda m: doc[m].dep_ not in _SUBJ_DEPS)
            for m in before_colon:
                if m in self.person_tok or m in self.title_tok or m in self.org_tok or \
                        doc[m].lower_ in ("il", "elle") or _demonym_gender(doc, m):
                    sp = self.resolve_token(doc, m, m, last)
                    if sp is not None:
                        break
            if sp is not None:
                return sp, "colon", 0.75, ":"
        # a speech verb after the quotation later in the sentence (« … » a-t-il ensuite ajouté)
        for t in doc[span.end: sent.end]:
            if is_speech_verb(t, self.res) and t.pos_ == "VERB":
                sp = self.subject_of(doc, t.i, last) or self.after_verb(doc, t.i, sent.end, last)
                if sp is not None:
                    q.cue = verb_lemma(t, self.res)
                    return sp, "verb-after", 0.7, t.text
                break
        return None, None, 0.3, None

    def _previous_subject(self, doc: Doc, i: int) -> Optional[Speaker]:
        """A quotation standing alone after "X a lancé un appel." is X's: the person subject
        of the previous sentence, in the same or the previous paragraph."""
        sent = sentence_of(doc, i)
        if sent.start == 0:
            return None
        prev = sentence_of(doc, sent.start - 1)
        while prev.start > 0 and all(t.is_space for t in prev):
            prev = sentence_of(doc, prev.start - 1)
        # whitespace tokens belong to the sentence before them: count the breaks after `prev`
        if sum(t.text.count("\n") for t in doc[prev.start:sent.start] if t.is_space) > 2:
            return None  # more than one paragraph break away
        for t in prev:
            if t.dep_ in _SUBJ_DEPS and (t.i in self.person_tok or t.i in self.title_tok):
                return self.resolve_token(doc, t.i, t.i, None)
        return None

    def _short_form(self, doc: Doc, i: int) -> Optional[Speaker]:
        """"le Conseil" after "le Conseil de sécurité", "la Mission" after "la MINUSS": a
        capitalised head noun with a definite article names the last organisation it begins."""
        tok = doc[i]
        if not tok.text[:1].isupper() or i == 0 or doc[i - 1].lower_ not in ("le", "la", "l'", "l’"):
            return None
        if i in self.org_tok or i in self.person_tok or i in self.place_tok or i in self.title_tok:
            return None  # part of a name already recognised
        key = fold(tok.text)
        best = None
        for c in self.orgs:
            if fold(c.name).split(" ")[0] != key and not any(
                    fold(a).split(" ")[0] == key for a in c.aliases):
                continue
            first = min((m.tok_start for m in c.mentions), default=len(doc))
            if first < i and (best is None or first > best[0]):
                best = (first, c)
        return Speaker("organisation", best[1].id, best[1].name, i) if best else None

    def _topic(self, doc: Doc, i: int) -> Optional[Speaker]:
        """"Quant à la Mauritanie, elle a demandé …": the pronoun takes up the topic."""
        sent = sentence_of(doc, i)
        s = sent.start
        if s + 2 < i and doc[s].lower_ == "quant" and doc[s + 1].lower_ in ("à", "au", "aux"):
            comma = next((t.i for t in doc[s + 2:i] if t.text == ","), None)
            if comma is not None and comma < i:
                for k in range(s + 2, comma):
                    if k in self.person_tok or k in self.org_tok or k in self.place_tok:
                        return self.resolve_token(doc, k, k, None)
        return None

    def _last_entity(self, doc: Doc, a: int, b: int, last) -> Optional[Speaker]:
        for i in range(b - 1, a - 1, -1):
            if i in self.person_tok or i in self.org_tok or i in self.place_tok:
                return self.resolve_token(doc, i, i, last)
        return None

    def _first_entity(self, doc: Doc, a: int, b: int, last) -> Optional[Speaker]:
        for i in range(a, min(b, len(doc))):
            if doc[i].text in (",", ".", "«", "»"):
                break
            short = self._short_form(doc, i)
            if short is not None:
                return short
            if i in self.person_tok or i in self.title_tok or i in self.org_tok or i in self.place_tok \
                    or doc[i].lower_ in ("lui", "elle"):
                if doc[i].lower_ == "lui":
                    return self.resolve_pronoun(doc, "male", a, last)
                if doc[i].lower_ == "elle":
                    return self.resolve_pronoun(doc, "female", a, last)
                return self.resolve_token(doc, i, a, last)
        return None


def _determiner_before(doc: Doc, i: int) -> Optional[str]:
    """The article of a noun phrase, past an adjective or two ("la nouvelle Haut-commissaire")."""
    k = i - 1
    while k >= 0 and i - k <= 3 and doc[k].pos_ == "ADJ":
        k -= 1
    if k >= 0 and doc[k].lower_ in ("le", "la", "l'", "l’"):
        return doc[k].lower_.replace("’", "'")
    return None


def _named_after(doc: Doc, i: int, att: "_DocAttribution") -> bool:
    """A person, organisation or place right after "Pour" ("Pour la France, …")."""
    if i < len(doc) and doc[i].lower_ in ("la", "le", "l'", "les"):
        i += 1
    return i in att.person_tok or i in att.org_tok or i in att.place_tok


def _demonym_gender(doc: Doc, i: int) -> Optional[str]:
    """'le Jordanien', 'l'Equatorienne': a capitalised nationality noun after a definite article
    refers to a person; its gender comes from the article or the ending."""
    tok = doc[i]
    if i == 0 or not tok.text[:1].isupper() or not tok.lower_.endswith(_DEMONYM_SUFFIX):
        return None
    det = doc[i - 1].lower_
    if det == "le":
        return "male"
    if det == "la":
        return "female"
    if det in ("l'", "l’"):
        return "female" if tok.lower_.endswith(("ienne", "aise", "oise", "éenne")) else "male"
    return None


@Language.factory("onu_attribution", default_config={"models": None})
def make_attribution(nlp: Language, name: str, models: Optional[str]):
    from ._component import ResourceStage  # config setting and to_disk/from_disk of the resources
    return ResourceStage(name, models, Attributor)
