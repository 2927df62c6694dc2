def test_surname_mentions_cluster_with_the_full_name(nlp):
    doc = nlp("Amina Keïta a ouvert la séance. Mme Keïta a ensuite répondu aux questions. "
              "Plus tard, Keïta est partie.")
    assert [p.name for p in doc._.people] == ["Amina Keïta"]
    assert doc._.people[0].gender == "female"


def test_gender_from_title_and_null_without_evidence(nlp):
    doc = nlp("La Représentante spéciale, Lina Haddad, est arrivée. Tomas Weber était présent.")
    genders = {p.name: p.gender for p in doc._.people}
    assert genders["Lina Haddad"] == "female"
    assert genders["Tomas Weber"] is None
