def _titles(nlp, text):
    doc = nlp(text)
    return {p.name: [doc._.titles[i].text for i in p.title_indices] for p in doc._.people}


def test_title_after_and_before_the_name(nlp):
    t = _titles(nlp, "Marc Dubois, Secrétaire général adjoint aux affaires politiques, a pris la parole. "
                     "La Directrice exécutive du PAM, Sofia Lindqvist, l'a remercié.")
    assert t["Marc Dubois"] == ["Secrétaire général adjoint aux affaires politiques"]
    assert t["Sofia Lindqvist"] == ["Directrice exécutive du PAM"]


def test_former_title_without_comma(nlp):
    doc = nlp("Le sommet était présidé par l'ancien Président du Ghana Kwame Mensah.")
    titles = doc._.titles
    t = next(t for t in titles if t.person_index is not None)
    assert t.text == "ancien Président du Ghana" and t.former


def test_titles_on_both_sides_and_chains(nlp):
    t = _titles(nlp, "Le président malien de la conférence, Oumar Diallo, directeur de l'institut "
                     "national, a ouvert les débats. La Présidente du Comité des sanctions, "
                     "l'Ambassadrice Ingrid Holm, a présenté le rapport.")
    assert "président malien de la conférence" in t["Oumar Diallo"]
    assert "directeur de l'institut national" in t["Oumar Diallo"]
    assert t["Ingrid Holm"] == ["Présidente du Comité des sanctions", "Ambassadrice"]


def test_title_keeps_acronym_and_stops_at_adjuncts(nlp):
    t = _titles(nlp, "Paula Reyes, cheffe du Programme alimentaire mondial (PAM) lors d'une visite "
                     "à Rome mardi, a lancé un appel. Le Directeur général de l'Organisation mondiale "
                     "de la Santé (OMS), Karl Jensen, a salué l'initiative.")
    assert t["Paula Reyes"] == ["cheffe du Programme alimentaire mondial (PAM)"]
    assert t["Karl Jensen"] == ["Directeur général de l'Organisation mondiale de la Santé (OMS)"]


def test_inner_title_goes_to_the_second_name(nlp):
    t = _titles(nlp, "Jean Morel, porte-parole du Secrétaire général de l'ONU, Carlos Vidal, a "
                     "confirmé la date.")
    assert t["Jean Morel"] == ["porte-parole du Secrétaire général de l'ONU"]
    assert t["Carlos Vidal"] == ["Secrétaire général de l'ONU"]


def test_title_after_name_with_et_and_au_poste_de(nlp):
    t = _titles(nlp, "Lena Olsen, Secrétaire générale adjointe aux affaires humanitaires et "
                     "Coordonnatrice des secours d'urgence, est arrivée. Il a nommé Kofi Mensah au "
                     "poste d'Envoyé spécial pour le Sahel.")
    assert t["Lena Olsen"] == ["Secrétaire générale adjointe aux affaires humanitaires",
                               "Coordonnatrice des secours d'urgence"]
    assert t["Kofi Mensah"] == ["Envoyé spécial pour le Sahel"]
