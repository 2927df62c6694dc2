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
