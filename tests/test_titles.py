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
