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


def _all_titles(nlp, text):
    doc = nlp(text)
    return [(t.text, doc._.person_mentions[t.person_index].text if t.person_index is not None else None)
            for t in doc._.titles]


def test_title_in_the_predicate_of_its_holder(nlp):
    t = _titles(nlp, "La ministre malienne des Finances, Awa Coulibaly, a été nommée représentante spéciale "
                     "de l'ONU et de l'Union africaine pour le Sahel, a annoncé le porte-parole.")
    assert "représentante spéciale de l'ONU et de l'Union africaine pour le Sahel" in t["Awa Coulibaly"]
    t = _titles(nlp, "Lena Berg est actuellement ambassadrice de la Suède auprès de l'ONU.")
    assert t["Lena Berg"] == ["ambassadrice de la Suède auprès de l'ONU"]
    t = _titles(nlp, "Le gouvernement a nommé Awa Diop ministre de la Santé.")
    assert t["Awa Diop"] == ["ministre de la Santé"]


def test_words_between_a_name_and_its_title(nlp):
    t = _titles(nlp, "Karim Haddad, actuellement directeur général adjoint de l'OIM chargé des opérations et "
                     "des urgences, a parlé. Il a salué la désignation du président du Bénin, Paul Houessou, "
                     "comme médiateur de l'Union africaine pour la crise.")
    assert t["Karim Haddad"] == ["directeur général adjoint de l'OIM chargé des opérations et des urgences"]
    assert "médiateur de l'Union africaine pour la crise" in t["Paul Houessou"]


def test_qualifiers_before_the_head_belong_to_the_title(nlp):
    t = _titles(nlp, "Omar Said, plus haut diplomate de l'ONU dans le pays, a été expulsé. Une délégation "
                     "conduite par son premier responsable, Jonas Meyer, est arrivée. Ruth Adler, 12e "
                     "Directrice générale de l'agence, a ouvert la séance.")
    assert t["Omar Said"] == ["plus haut diplomate de l'ONU dans le pays"]
    assert t["Jonas Meyer"] == ["premier responsable"]
    assert t["Ruth Adler"] == ["12e Directrice générale de l'agence"]


def test_title_before_a_name_after_un_or_une(nlp):
    t = _titles(nlp, "Il est assisté d'un représentant de l'UA, Moussa Keita, et une porte-parole du PAM, "
                     "Sara Lund, a confirmé.")
    assert t["Moussa Keita"] == ["représentant de l'UA"]
    assert t["Sara Lund"] == ["porte-parole du PAM"]


def test_title_before_a_name_stops_at_a_date_but_not_at_an_enumeration(nlp):
    t = _titles(nlp, "Lors de sa nomination en tant que Premier ministre, le 3 mai, Omar Farah s'était "
                     "engagé à réformer. La Cheffe du programme Eau, assainissement et hygiène de l'UNICEF, "
                     "Ines Berg, a rappelé les chiffres.")
    assert t["Omar Farah"] == ["Premier ministre"]
    assert t["Ines Berg"] == ["Cheffe du programme Eau, assainissement et hygiène de l'UNICEF"]


def test_complements_joined_by_et_and_a_possessor_named_with_an_honorific(nlp):
    t = _titles(nlp, "Sami Nour, envoyé spécial de M. Ortega pour le Sahel, est arrivé. Nadia Sow, directrice "
                     "exécutive de l'agence pour l'égalité des sexes et l'autonomisation des femmes, a parlé.")
    assert t["Sami Nour"] == ["envoyé spécial de M. Ortega pour le Sahel"]
    assert t["Nadia Sow"] == ["directrice exécutive de l'agence pour l'égalité des sexes et l'autonomisation des femmes"]


def test_a_participle_clause_ends_a_title_and_a_verb_is_no_title(nlp):
    titles = _all_titles(nlp, "L'ex-présidente chilienne entrée en fonction en mai a visité le camp. "
                              "Le tribunal a jugé l'affaire.")
    assert [t for t, _ in titles] == ["ex-présidente chilienne"]


def test_title_introduced_after_an_appointment_verb(nlp):
    t = _titles(nlp, "Ana Lima, 58 ans, a été réélue jeudi par les États membres pour un second mandat aux "
                     "fonctions de directrice générale de l'OMM.")
    assert t["Ana Lima"] == ["directrice générale de l'OMM"]


def test_title_in_a_relative_clause_after_the_name(nlp):
    t = _titles(nlp, "Lucia Ferro, qui a été nommée directrice régionale du PAM en mars, a visité le camp.")
    assert t["Lucia Ferro"] == ["directrice régionale du PAM"]


def test_title_after_qui_fut(nlp):
    t = _titles(nlp, "Ahmed Ould Cheikh Sidi, qui fut ministre de la Santé, a salué l'initiative.")
    assert t["Ahmed Ould Cheikh Sidi"] == ["ministre de la Santé"]


def test_a_title_joined_by_et_shares_the_determiner(nlp):
    doc = nlp("Il était alors le représentant de l'ONU et chef de la mission de l'ONU au Liberia.")
    dets = {t.text: t.determiner for t in doc._.titles}
    assert dets == {"représentant de l'ONU": "le", "chef de la mission de l'ONU au Liberia": "le"}


def test_title_before_a_name_glued_to_its_acronym(nlp):
    t = _titles(nlp, "La directrice générale de l'Organisation internationale pour les migrations (OIM),"
                     "Ana Souza, a parlé.")
    assert t["Ana Souza"] == ["directrice générale de l'Organisation internationale pour les migrations"]


def test_a_name_inside_an_outer_title_names_the_inner_one(nlp):
    t = _titles(nlp, "« Le temps presse », a déclaré l'ancienne conseillère du président "
                     "brésilien, Paulo Mendes, pour les questions agricoles.")
    assert t["Paulo Mendes"] == ["président brésilien"]
    t = _titles(nlp, "Le porte-parole du Secrétaire général, Stéphane Dupré, a répondu.")
    assert t["Stéphane Dupré"] == ["porte-parole du Secrétaire général"]
