"""The discourse model: every mention of every entity, in text order, with salience."""
from pipeline.stages.discourse import Salience


def _kinds(doc):
    return [(m.kind, m.text) for m in doc._.discourse.mentions]


def test_mentions_of_every_kind(nlp):
    doc = nlp("La Représentante spéciale, Lina Haddad, est arrivée lundi à Goma. Elle a rencontré "
              "un habitant du camp. L'agence onusienne a salué sa visite. Ce dernier a remercié "
              "la Haute-Commissaire.")
    kinds = _kinds(doc)
    assert ("name", "Lina Haddad") in kinds
    assert ("pronoun", "Elle") in kinds
    assert any(k == "unnamed" and "habitant" in t for k, t in kinds)
    assert ("org_description", "L'agence onusienne") in kinds
    assert ("demonstrative", "Ce dernier") in kinds
    assert any(k == "description" and "Haute-Commissaire" in t for k, t in kinds)


def test_addressee_is_an_oblique_and_topic_a_subject(nlp):
    doc = nlp("Le ministre a déclaré à l'OMS que les stocks étaient vides. "
              "Quant à la Mauritanie, elle a demandé des fonds.")
    roles = {m.text: m.role for m in doc._.discourse.mentions}
    assert roles["OMS"] == "obl"
    assert roles["Mauritanie"] == "subj"


def test_countries_and_bodies_take_the_gender_of_their_determiner(nlp):
    doc = nlp("La Chine s'est abstenue. Le Conseil de sécurité a adopté le texte. "
              "La Chine a ensuite quitté la salle.")
    genders = {e.name: e.gender for e in doc._.discourse.entities if e.kind != "person"}
    assert genders["Chine"] == "female"
    assert genders["Conseil de sécurité"] == "male"


def test_a_demonym_tagged_as_a_place_is_a_person_mention(nlp):
    doc = nlp("Arrivée en Haïti il y a un mois, l'Équatorienne affirme avoir ressenti la tension.")
    assert any(m.kind == "demonym" and m.gender == "female" for m in doc._.discourse.mentions)


def test_salience_decays_and_looks_only_at_recent_entities(nlp):
    doc = nlp("Lina Haddad est arrivée. Pedro Alves est parti. Il reviendra. "
              "Les pluies ont cessé. Le camp a rouvert.")
    disc = doc._.discourse
    sal = Salience(disc.mentions)
    sal.advance(len(doc))
    lina = disc.person_entity[next(p.id for p in doc._.people if p.name == "Lina Haddad")]
    pedro = disc.person_entity[next(p.id for p in doc._.people if p.name == "Pedro Alves")]
    last = disc.sent_of[len(doc) - 1]
    assert sal.value(pedro, last) > sal.value(lina, last) > 0
    il = next(m for m in disc.mentions if m.text == "Il")
    assert il.referent is pedro  # resolved by the pipeline's walk (the subject just before)
    assert sal.active(last, window=1) == []  # nobody in the last sentence or the one before
    assert sal.active(last, window=2) == [pedro]  # "Il", two sentences back
    assert sal.active(last, window=4) == [pedro, lina]  # most recent first
