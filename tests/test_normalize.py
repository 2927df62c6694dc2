from pipeline.stages.normalize import normalize


def test_apostrophes_and_spaces_keep_offsets():
    raw = "L’ONU\u00a0a dit\u202f: « oui »"
    text, m = normalize(raw)
    assert text == "L'ONU a dit : « oui »"
    assert len(text) == len(raw)
    assert m.to_original(text.index("dit")) == raw.index("dit")


def test_closing_single_quote_is_not_an_apostrophe():
    text, _ = normalize("plus ‘intelligents’, plus")
    assert "‘intelligents’" in text


def test_guillemets_gain_spaces_and_map_back():
    raw = "Il a dit «bonjour» hier."
    text, m = normalize(raw)
    assert text == "Il a dit « bonjour » hier."
    i = text.index("hier")
    assert raw[m.to_original(i):].startswith("hier")
    assert m.to_original(len(text)) == len(raw)


def test_lone_cr_ends_a_line_and_crlf_becomes_lf():
    # found by tests/test_fuzz.py: CR was dropped, so "«\r." came out as a glued "«." (and
    # normalising the body again changed it) and old-Mac line ends glued paragraphs together
    text, m = normalize("«\r. «.")
    assert text == "«\n. « ."
    assert normalize(text)[0] == text
    text, m = normalize("Titre\rLe PAM a dit.\r\nFin.")
    assert text == "Titre\nLe PAM a dit.\nFin."
    assert m.to_original(text.index("Fin")) == "Titre\rLe PAM a dit.\r\nFin.".index("Fin")


def test_bidi_controls_are_dropped_and_apostrophes_read_after_drops():
    raw = "\u2066Ingrid Sol\u202eberg\u202c\u2069 a dit qu\u200b’elle"
    text, m = normalize(raw)
    assert text == "Ingrid Solberg a dit qu'elle"
    assert raw[m.to_original(text.index("berg")):].startswith("berg")
    assert normalize(text)[0] == text


def test_control_characters_become_spaces():
    # found by tests/test_fuzz.py: kept, NUL and the like stuck to the next word, and
    # "M.\x00Diallo" became a speaker's name
    raw = "a déclaré\x0bM.\x00Diallo\x1c,\x85le\x7fHCR\tici"
    text, m = normalize(raw)
    assert text == "a déclaré M. Diallo , le HCR ici"
    assert len(text) == len(raw) and m.to_original(text.index("Diallo")) == raw.index("Diallo")
    assert normalize("«\x00Oui\x00»")[0] == "« Oui »"


def test_a_space_left_out_before_a_name_is_restored():
    text, omap = normalize("« Merci », a déclaré M.Okafor, chef de la (MISMA),Amadou Sow aussi.")
    assert "M. Okafor" in text and "(MISMA), Amadou" in text
    assert omap.to_original(text.index("Okafor")) == 23  # offsets still point into the original
    assert normalize(text)[0] == text
    # found by tests/test_fuzz.py: a glue hidden by an invisible character is a glue too, so
    # that the body fed back in is unchanged
    text, omap = normalize("M.\ufeffLe PAM alerte")
    assert text == "M. Le PAM alerte" and normalize(text)[0] == text
    assert omap.to_original(text.index("Le")) == 3


def test_a_full_stop_glued_to_the_next_sentence_gets_its_space():
    text, omap = normalize("Il a demandé que les acquis soient préservés.Amadou Sow a ajouté "
                           "que le site news.un.org restait ouvert.")
    assert "préservés. Amadou Sow" in text and "news.un.org" in text
    assert normalize(text)[0] == text
