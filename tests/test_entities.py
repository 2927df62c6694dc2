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
