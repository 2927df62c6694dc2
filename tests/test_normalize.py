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
