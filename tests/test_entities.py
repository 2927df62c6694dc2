def test_gazetteer_acronyms_and_caption_credit(nlp):
    doc = nlp("Le HCR et l'OMS ont publié un rapport.\n\n"
              "MINUSCA/Jean Mbeko Des Casques bleus patrouillent à Bangui.\n\n"
              "M. Okonkwo a salué le travail de l'Organisation.")
    orgs = {o.name for o in doc._.organisations}
    assert any("réfugiés" in o for o in orgs) and any("Santé" in o or "santé" in o for o in orgs)
    names = [m.text for m in doc._.person_mentions]
    assert "Okonkwo" in names
    assert not any("Mbeko" in n for n in names)  # photo credit, not a person of the story


def test_groups_are_not_people(nlp):
    doc = nlp("Les Casques bleus ont été déployés, a indiqué Amina Keïta.")
    names = [m.text for m in doc._.person_mentions]
    assert names == ["Amina Keïta"]


def _names(nlp, text):
    return [m.text for m in nlp(text)._.person_mentions]


def test_apostrophe_name_is_one_mention(nlp):
    names = _names(nlp, "Son prédécesseur, le Jordanien Zeid Ra'ad Al Hussein, avait critiqué le texte.")
    assert "Zeid Ra'ad Al Hussein" in names and not any(n.startswith("Al Hus") for n in names)


def test_byline_and_signature_are_not_people(nlp):
    names = _names(nlp, "Le HCR a ouvert un centre à Goma, a indiqué Amina Keïta.\n\n"
                        "Paul Henri Dufresne\n")
    assert names == ["Amina Keïta"]


def test_title_spans_are_not_organisations_and_apposed_names_are_people(nlp):
    doc = nlp("La Directrice régionale de la FAO pour l'Afrique de l'Est, Wanjiru Otieno, a "
              "présenté le plan. Le ministre de l'Agriculture a approuvé.")
    orgs = {o.name for o in doc._.organisations}
    assert not any(o.lower().startswith(("directrice", "ministre")) for o in orgs)
    assert "Wanjiru Otieno" in [m.text for m in doc._.person_mentions]


def test_royal_title_country_is_not_in_the_name(nlp):
    doc = nlp("Plusieurs dirigeants étaient présents, dont le roi Hamid de Jordanie.")
    assert [m.text for m in doc._.person_mentions] == ["Hamid"]
    p = doc._.people[0]
    assert [doc._.titles[i].text for i in p.title_indices] == ["roi de Jordanie"]
