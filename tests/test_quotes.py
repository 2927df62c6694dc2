def _quotes(nlp, text):
    return [(q.type, q.text) for q in nlp(text)._.quotes]


def test_incise_inside_marks_splits_the_quote(nlp):
    qs = _quotes(nlp, "« Nous sommes prêts, a-t-elle déclaré, mais les moyens manquent encore. »")
    assert [t for _, t in qs] == ["Nous sommes prêts", "mais les moyens manquent encore."]


def test_report_titles_and_scare_quotes_are_not_quotations(nlp):
    qs = _quotes(nlp, "Le rapport « Perspectives mondiales » sort lundi. Ces pays dits « fragiles » attendent.")
    assert qs == []


def test_indirect_que_clause_and_appeler_a(nlp):
    qs = _quotes(nlp, "Le Coordonnateur a estimé que la crise ne faiblirait pas avant l'hiver. "
                      "Il a appelé à renforcer l'aide aux déplacés du nord.")
    assert ("indirect", "la crise ne faiblirait pas avant l'hiver") in qs
    assert ("indirect", "renforcer l'aide aux déplacés du nord") in qs


def test_selon_and_english_words(nlp):
    qs = _quotes(nlp, "Selon l'OMS, plus de 300 centres de santé sont fermés. "
                      "« C'est un game changer pour la région », a dit Paul Mensah.")
    assert ("indirect", "plus de 300 centres de santé sont fermés") in qs
    assert ("direct", "C'est un game changer pour la région") in qs


def test_named_incise_inside_the_marks_splits_the_quote(nlp):
    qs = _quotes(nlp, "« Les routes sont coupées depuis une semaine, explique Karim Haddou. "
                      "Plus aucun camion ne passe. »")
    assert [t for _, t in qs] == ["Les routes sont coupées depuis une semaine",
                                  "Plus aucun camion ne passe."]


def test_single_and_spaced_straight_quotes(nlp):
    qs = _quotes(nlp, "'Nous avons besoin de semences avant la saison', a dit Mme Ortiz.\n\n"
                      "\" Les réserves sont presque épuisées, et les prix montent \", a-t-elle ajouté.")
    texts = [t for _, t in qs]
    assert "Nous avons besoin de semences avant la saison" in texts
    assert "Les réserves sont presque épuisées, et les prix montent" in texts


def test_postposed_and_inner_incises_report_the_right_words(nlp):
    qs = _quotes(nlp, "Les récoltes ont chuté de moitié dans le nord, a indiqué vendredi à Rome la "
                      "directrice régionale de la FAO, Ana Ruiz. Depuis janvier, a précisé Mme Ruiz, "
                      "les prix du maïs ont doublé sur les marchés locaux.")
    assert ("indirect", "Les récoltes ont chuté de moitié dans le nord") in qs
    assert ("indirect", "les prix du maïs ont doublé sur les marchés locaux") in qs


def test_bare_participles_report_nothing_and_thought_participles_do(nlp):
    qs = _quotes(nlp, "Invitée à s'exprimer devant le Conseil, la présidente de l'association a "
                      "pris la parole. Jugeant essentiel de protéger les écoles, le ministre a "
                      "quitté la séance.")
    assert not any("s'exprimer" in t for _, t in qs)
    assert ("indirect", "essentiel de protéger les écoles") in qs


def test_paraphrase_marker(nlp):
    qs = _quotes(nlp, "Le porte-parole a dit en substance que la mission resterait sur place.")
    assert ("indirect", "la mission resterait sur place") in qs


def test_que_read_as_an_adverb_and_a_far_de_infinitive(nlp):
    qs = _quotes(nlp, "Il a aussi indiqué que des dizaines de camions étaient prêts à partir. "
                      "Elle a demandé instamment aux membres du Conseil, et en particulier aux "
                      "pays voisins, de garantir l'accès aux camps.")
    assert ("indirect", "des dizaines de camions étaient prêts à partir") in qs
    assert ("indirect", "garantir l'accès aux camps") in qs
    assert _quotes(nlp, "Il n'a indiqué que deux chiffres sur la situation.") == []


def test_a_present_participle_is_no_incise_and_se_dire_quotes(nlp):
    # "…, appelant à …" reports what follows it, never the clause before the comma; "se dit
    # « … »" is the speaker's own words while "la zone dite « … »" names a thing
    qs = _quotes(nlp, "Le Fonds a contesté ce rapport, appelant à une « enquête ouverte » à "
                      "laquelle il se dit « prêt à aider pleinement ». La zone dite « verte » reste fermée.")
    assert qs == [("direct", "enquête ouverte"), ("direct", "prêt à aider pleinement")]


def test_selon_source_with_brackets_and_a_relative_clause(nlp):
    # the source's phrase is long only through its brackets and its relative clause
    qs = _quotes(nlp, "Selon le rapport du Comité d'experts sur le Mali (chargé de suivre les "
                      "sanctions votées en 2017 par le Conseil), dont la presse a obtenu une copie, "
                      "un tiers des fonds a été détourné.")
    assert qs == [("indirect", "un tiers des fonds a été détourné")]
