from pipeline.resources import load_resources
from pipeline.stages.segment import find_quote_spans, split_blocks


def spans(text):
    blocks = split_blocks(text, load_resources())
    return blocks, [text[q.start:q.end] for q in find_quote_spans(text, blocks)]


def test_block_kinds():
    text = ("Le PAM alerte sur la faim au Sahel\n\n"
            "Le Programme alimentaire mondial a lancé un appel mardi.\n\n"
            "Une saison difficile\n\n"
            "UNICEF/Awa Diallo Des enfants attendent une distribution de vivres.\n\n"
            "(AFP)")
    blocks, _ = spans(text)
    assert [b.kind for b in blocks] == ["title", "prose", "heading", "caption", "boilerplate"]


def test_multi_paragraph_quote_in_french_style():
    text = ("Elle a déclaré : « Nous devons agir vite.\n\n"
            "« Chaque jour compte pour ces familles. »\n\nLa suite.")
    _, qs = spans(text)
    assert len(qs) == 1 and qs[0].startswith("Nous devons") and qs[0].endswith("familles.")


def test_nested_marks_stay_inside_and_straight_quotes():
    _, qs = spans('Il a dit « des camps plus ‘intelligents’ et sûrs » puis "merci à tous".')
    assert qs == ["des camps plus ‘intelligents’ et sûrs", "merci à tous"]


def test_unbalanced_mark_is_recovered_at_paragraph_end():
    blocks, qs = spans("Elle a averti : « la situation empire\n\nUn autre paragraphe.")
    assert qs == ["la situation empire"]


def test_sentences_never_split_inside_quotes(nlp):
    doc = nlp("« Nous avançons. Mais il reste beaucoup à faire », a dit M. Diallo. Il est parti.")
    sents = [s.text for s in doc.sents]
    assert sents[0].startswith("« Nous avançons. Mais") and sents[0].endswith("Diallo.")
    assert len(sents) == 2


def _furniture(text):
    blocks = split_blocks(text, load_resources())
    return [(b.kind, [(w, text[a:e].strip()) for a, e, w in b.furniture]) for b in blocks]


def test_datelines_are_furniture():
    out = _furniture("DAKAR (Reuters) - Le PAM a lancé un appel mardi.\n\n"
                     "Lyon, 3 mars 2022 (AFP) – Les agences ont publié un bilan.\n\n"
                     "(Bamako) Le Conseil s'est réuni lundi.\n\n"
                     "BRAZZAVILLE: La mission a quitté la ville.")
    assert out == [("prose", [("dateline", "DAKAR (Reuters) -")]),
                   ("prose", [("dateline", "Lyon, 3 mars 2022 (AFP) –")]),
                   ("prose", [("dateline", "(Bamako)")]),
                   ("prose", [("dateline", "BRAZZAVILLE:")])]


def test_a_kicker_or_a_headline_is_not_a_dateline():
    out = _furniture("PAM : une saison difficile au Sahel\n\n"
                     "OMS : les cas de choléra reculent dans la région, a indiqué l'agence mardi.")
    assert out == [("title", []), ("prose", [])]


def test_credits_inside_lines():
    out = _furniture("Les familles attendent une distribution de vivres à Mopti. Photo : AGENCE/Jean Vidal |\n\n"
                     "PHOTO MARIE DUVAL, ARCHIVES AGENCE La Directrice du programme, Ana Ruiz\n\n"
                     "Le bilan s'est alourdi dans la nuit, selon les secours. (Xinhua)\n\n"
                     "Le port a rouvert mardi. ABC/DEF/PIERRE MARTIN © ABC\n\n"
                     "Des écoles ont rouvert dans la région (Photo, AFP).")
    assert out == [
        ("caption", [("credit", "Photo : AGENCE/Jean Vidal |")]),
        ("caption", [("credit", "PHOTO MARIE DUVAL, ARCHIVES AGENCE")]),
        ("prose", [("credit", "(Xinhua)")]),
        ("caption", [("credit", "ABC/DEF/PIERRE MARTIN"), ("credit", "© ABC")]),
        ("prose", [("credit", "(Photo, AFP)")])]


def test_prose_keeps_its_brackets_and_slashes():
    out = _furniture("Le Programme alimentaire mondial (PAM) et l'UNICEF ont livré 2/3 des vivres.\n\n"
                     "La force conjointe ONU/UA a été déployée au Darfour (Soudan).")
    assert out == [("prose", []), ("prose", [])]


def test_site_name_after_a_headline_is_a_credit():
    out = _furniture("Le PAM alerte sur la faim au Sahel et dans la Corne de l'Afrique - Agence - exemple.org\n\n"
                     "Le PAM a lancé un appel mardi.")
    assert out[0][1] == [("credit", "- Agence - exemple.org")]


def test_the_story_starts_a_sentence_after_a_dateline(nlp):
    doc = nlp("GAO (Agence) -- Préparée par le PAM, la distribution a commencé.")
    tok = next(t for t in doc if t.text == "Préparée")
    assert tok.is_sent_start


def test_a_speakers_header_is_not_a_dateline_and_avec_needs_an_agency():
    out = _furniture("M. OKAFOR : « Nous restons mobilisés. »\n\n"
                     "Le PAM travaille avec l'OMS\n\n"
                     "Le bilan a été publié mardi par les autorités locales de la province, avec AFP")
    assert out == [("prose", []), ("heading", []), ("prose", [("credit", "avec AFP")])]


def test_a_closing_mark_whose_opening_was_left_out():
    res = load_resources()
    text = ("Le bilan s'alourdit d'heure en heure », a déploré M. Okafor devant la presse.\n"
            "La route est coupée » depuis lundi selon les habitants.")
    blocks = split_blocks(text, res)
    spans = [text[q.start:q.end] for q in find_quote_spans(text, blocks, res.incise_forms)]
    assert spans == ["Le bilan s'alourdit d'heure en heure"]  # only before an incise
