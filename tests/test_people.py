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


def test_chef_is_written_for_women_too(nlp):
    # a bare "chef" is no evidence (the press writes it for women); its determiner and "cheffe" are
    doc = nlp("« Nous refusons ce texte », a déclaré Jeanne Morel, chef de la délégation belge. "
              "Le chef de la diplomatie suédoise, Lars Berg, a répondu. "
              "La cheffe de la mission, Ana Ruiz, est restée à Goma.")
    genders = {p.name: p.gender for p in doc._.people}
    assert genders == {"Jeanne Morel": None, "Lars Berg": "male", "Ana Ruiz": "female"}


def test_gender_from_the_pronoun_chain_and_a_weak_masculine_title(nlp):
    # a surname alone whose only evidence is the pronoun of the next sentences; a masculine
    # generic title does not outweigh "Mme" and a feminine pronoun
    doc = nlp("Selon Okafor, les pluies ont détruit les récoltes. Elle a rappelé que les stocks "
              "étaient vides. Mme Diallo, Secrétaire général adjoint, est arrivée à Goma. "
              "Elle a visité deux camps.")
    genders = {p.name: p.gender for p in doc._.people}
    assert genders == {"Okafor": "female", "Diallo": "female"}


def test_descriptions_are_titles_of_the_person(nlp):
    doc = nlp("Maria Lopez a ouvert la session lundi. La nouvelle Haute-Commissaire a rappelé son "
              "passé. L'ancienne ministre de la Santé a ensuite quitté Genève.")
    p = doc._.people[0]
    titles = [doc._.titles[i].text for i in p.title_indices]
    assert "nouvelle Haute-Commissaire" in titles and "ancienne ministre de la Santé" in titles
    assert p.gender == "female"


def test_description_of_an_absent_post_holder_is_not_attached(nlp):
    doc = nlp("Pedro Alves a visité le camp. Le Secrétaire général de l'ONU a salué son travail.",
              )
    assert not doc._.people[0].title_indices


def test_gender_from_apposed_noun_and_agreeing_ancien(nlp):
    doc = nlp("« Nous avons tout perdu », raconte Karim Haddou, un réfugié arrivé en 2019. "
              "Pour l'ancien Commissaire à la santé, Jonas Lindberg, rien n'est réglé.")
    genders = {p.name: p.gender for p in doc._.people}
    assert genders == {"Karim Haddou": "male", "Jonas Lindberg": "male"}
