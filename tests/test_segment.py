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
