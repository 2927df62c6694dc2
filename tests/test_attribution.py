from conftest import speaker_of

TEXT = ("La Haute-Commissaire, Ingrid Solberg, s'est rendue à Goma avec Pedro Alvarez, chef des "
        "opérations. « Les familles ont tout perdu », a-t-elle déclaré. "
        "« Nous resterons sur place », a assuré M. Alvarez.\n\n"
        "« Il faut des fonds maintenant », a-t-il ajouté. "
        "« Le temps presse pour les enfants. »\n\n"
        "Selon Mme Solberg, l'accès reste « extrêmement difficile » dans le nord.")


def test_pronoun_by_gender_and_surname(extract):
    rec = extract(TEXT, published="2024-03")
    assert speaker_of(rec, "tout perdu") == "Ingrid Solberg"
    assert speaker_of(rec, "resterons") == "Pedro Alvarez"
    assert speaker_of(rec, "des fonds") == "Pedro Alvarez"


def test_floating_quote_continues_the_previous_speaker(extract):
    rec = extract(TEXT, published="2024-03")
    q = next(q for q in rec["quotes"] if "Le temps presse" in q["text"])
    assert q["speaker_name"] == "Pedro Alvarez" and q["rule"] == "continuation" and q["cue"] is None


def test_organisation_and_country_speakers(extract):
    rec = extract("L'OMS a indiqué que trois foyers de choléra étaient actifs. "
                  "La France a estimé que la résolution allait dans le bon sens.", published="2024-03")
    kinds = {q["speaker_kind"] for q in rec["quotes"]}
    assert "organisation" in kinds and "place" in kinds


def test_title_only_speaker_resolved_from_role_timeline(extract):
    rec = extract("« La paix n'attend pas », a déclaré le Secrétaire général devant l'Assemblée.",
                  published="2023-09-21")
    assert speaker_of(rec, "La paix") == "António Guterres"
