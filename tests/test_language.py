"""Stop-word language identification (texts written for the tests)."""
import time

from pipeline.stages.language import detect_language

FR = ("Le Secrétaire général de l'Organisation des Nations Unies a appelé mardi les États membres "
      "à renforcer leur soutien aux opérations de maintien de la paix, qui sont confrontées à des "
      "menaces de plus en plus complexes. « Nos Casques bleus ont besoin de moyens à la hauteur de "
      "leur mission », a-t-il déclaré devant le Conseil de sécurité.")
EN = ("The Secretary-General of the United Nations on Tuesday called on Member States to step up "
      "their support for peacekeeping operations, which are facing increasingly complex threats. "
      "He told the Security Council that the blue helmets needed resources that match their task.")
ES = ("El Secretario General de las Naciones Unidas pidió el martes a los Estados miembros que "
      "refuercen su apoyo a las operaciones de mantenimiento de la paz, que se enfrentan a amenazas "
      "cada vez más complejas.")


def test_french():
    lang, share = detect_language(FR)
    assert lang == "fr" and 0.2 < share <= 1.0


def test_english():
    lang, share = detect_language(EN)
    assert lang == "en" and share > 0.2


def test_spanish():
    assert detect_language(ES)[0] == "es"


def test_undetermined():
    assert detect_language("12345 ### !!!") == ("und", 0.0)
    assert detect_language("") == ("und", 0.0)
    assert detect_language("Genève New York")[0] == "und"  # too few words
    assert detect_language("MINUSCA MONUSCO UNICEF OMS PAM HCR")[0] == "und"  # no stop word


def test_fast():
    text = FR * 50
    detect_language(text)  # load the lists
    start = time.perf_counter()
    for _ in range(100):
        detect_language(text)
    assert (time.perf_counter() - start) / 100 < 0.01
