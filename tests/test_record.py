"""The record stage: every mention's text is the body between its offsets."""


def test_mention_text_is_the_body_between_its_offsets(extract):
    # found by tests/test_fuzz.py: the entity stage strips the punctuation a name's span ends on
    # ("Ingrid Solberg d' l'" -> "Ingrid Solberg d' l") but kept the span's offsets
    record = extract("Ingrid Solberg d' l'OMS a dit.")
    (person,) = record["people"]
    for m in person["mentions"]:
        assert record["body"][m["start"]:m["end"]] == m["text"]
    assert person["mentions"][0]["text"] == "Ingrid Solberg d' l"


def test_names_in_capitals_keep_their_written_form_in_mentions(extract):
    record = extract("M. PHILEMON YANG, Président de l'Assemblée générale, a accueilli les "
                     "délégations en rappelant que le débat général reste une plateforme.")
    body = record["body"]
    names = {p["name"] for p in record["people"]}
    assert "Philemon Yang" in names  # the person's name is re-cased; the mention is as written
    mentions = [m for p in record["people"] for m in p["mentions"]]
    assert "PHILEMON YANG" in [m["text"] for m in mentions]
    for m in mentions:
        assert body[m["start"]:m["end"]] == m["text"]
