"""Interface language of the report: one message catalogue per language, dates and numbers.

Every piece of interface text of the report (labels, legends, tooltips, table headings, chart
captions, the text the index script writes) is looked up here by key; user data (names,
quotations, titles) never is. French is the default (`build_report(..., lang="fr")`,
`python -m pipeline report DIR --lang en`).

A value is either a template string (`str.format` fields) or, for a message that depends on a
count, a dict `{"one": ..., "other": ...}` picked by `Catalogue.n` with the language's plural rule
(French: 0 and 1 are singular; English: only 1). French strings are written with plain spaces
and get French typography when the catalogue is loaded (`french_typography`): a no-break space
before « : » and inside « », a narrow no-break space before « ; ? ! % », and the typographic
apostrophe. Dates and numbers are
formatted from the tables below, never from the system locale, so a report reads the same on
every machine. Keys starting with "js." are the strings of the index page script; they are
embedded in that page as JSON (`Catalogue.js_messages`).
"""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any, Union

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

NBSP = "\u00a0"  # no-break space: before a colon, inside guillemets
NNBSP = "\u202f"  # narrow no-break space: before ; ? ! and %, thousands separator
APOSTROPHE = "\u2019"

Message = Union[str, dict]

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
MONTHS_SHORT = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


MESSAGES: dict[str, dict[str, Message]] = {
    "fr": {
        # page skeleton
        "site.brand": "Rapport des citations",
        "nav.index": "Articles",
        "nav.dashboard": "Tableau de bord",
        "title.index": "Articles — rapport des citations",
        "title.dashboard": "Tableau de bord — rapport des citations",
        "title.article": "{title} — citations",
        # counts
        "count.articles": {"one": "{n} article", "other": "{n} articles"},
        "count.quotations": {"one": "{n} citation", "other": "{n} citations"},
        "count.quotations_range": "{lo}–{hi} citations",
        "count.people": {"one": "{n} personne", "other": "{n} personnes"},
        "count.direct": {"one": "{n} directe", "other": "{n} directes"},
        "count.indirect": {"one": "{n} indirecte", "other": "{n} indirectes"},
        # values
        "gender.female": "femme",
        "gender.male": "homme",
        "gender.unknown": "non précisé",
        "genders.female": "femmes",
        "genders.male": "hommes",
        "genders.unknown": "non précisé",
        "kind.person": "personne",
        "kind.organisation": "organisation",
        "kind.place": "lieu",
        "type.direct": "directe",
        "type.indirect": "indirecte",
        "unattributed": "non attribuée",
        # article page
        "article.id": "identifiant",
        "article.published": "Publication : {date}",
        "article.source": "Source : {source}",
        "article.original": "article original",
        "article.quote_counts": "{quotations} ({direct})",
        "legend.person": "Nom",
        "legend.organisation": "Organisation",
        "legend.place": "Lieu",
        "legend.title": "Titre",
        "legend.date": "Date",
        "legend.direct": "citation directe",
        "legend.indirect": "citation indirecte",
        "label.person": "PER",
        "label.organisation": "ORG",
        "label.place": "LIEU",
        "label.title": "TITRE",
        "label.date": "DATE",
        "tip.quote": "{speaker} — {cue} — confiance {confidence}",
        "tip.no_cue": "sans introducteur",
        "tip.former": "{title} (ancienne fonction)",
        "tip.title_of": "titre porté par {name}",
        "tip.date_unresolved": "date non résolue",
        "side.speakers": "Auteurs des citations",
        "side.unattributed": "citations non attribuées",
        "side.no_quotes": "aucune citation",
        "side.people": "Personnes",
        "side.organisations": "Organisations",
        "side.places": "Lieux",
        "side.none": "aucune",
        "side.captions": "Légendes des images",
        "article.who_said_what": "Qui a dit quoi",
        "th.speaker": "Auteur",
        "th.type": "Type",
        "th.cue": "Introducteur",
        "th.quotation": "Citation",
        "th.confidence": "Confiance",
        "th.rule": "Règle / indices",
        "article.no_quotes": "Aucune citation.",
        "article.dropped": {
            "one": "{n} segment qui en chevauche un autre ou sort du texte n'est pas affiché.",
            "other": "{n} segments qui en chevauchent d'autres ou sortent du texte ne sont pas "
                     "affichés.",
        },
        # index page
        "index.h1": "Articles",
        "index.dashboard": "tableau de bord",
        "index.search_placeholder": "Rechercher un titre, un identifiant, une personne, une "
                                    "organisation…",
        "index.search_label": "Rechercher dans les articles",
        "index.sort_hint": "Cliquez sur un en-tête de colonne pour trier.",
        "index.no_articles": "Aucun article dans cette exécution.",
        "th.article": "Article",
        "th.published": "Publication",
        "th.people": "Personnes",
        "th.orgs": "Organisations",
        "th.places": "Lieux",
        "th.quotes": "Citations",
        "th.direct": "Directes",
        "th.indirect": "Indirectes",
        "th.attributed": "Attribuées",
        "th.top_speaker": "Auteur principal",
        "skipped.head": {
            "one": "{n} fichier JSON n'a pas pu être lu et ne figure pas dans le rapport :",
            "other": "{n} fichiers JSON n'ont pas pu être lus et ne figurent pas dans le rapport :",
        },
        "skipped.more": "… et {n} de plus",
        # index page script (embedded as JSON)
        "js.match_count": {"one": "{shown} sur {total} article", "other": "{shown} sur {total} articles"},
        "js.no_match": "Aucun article ne correspond à « {query} ».",
        "js.sort": "Cliquer pour trier",
        "js.sorted_asc": "Tri croissant ; cliquer pour inverser",
        "js.sorted_desc": "Tri décroissant ; cliquer pour inverser",
        # charts
        "chart.empty_people": "Aucune citation attribuée à une personne",
        "chart.empty_orgs": "Aucune citation attribuée à une organisation",
        "chart.empty_gender": "Aucune personne citée pour l'instant",
        "chart.empty_month": "Aucun article daté ne cite de personne",
        "chart.empty_hist": "Aucun article",
        "chart.n": "n = {n}",
        "chart.share_tip": "{group} : {count} ({pct})",
        "chart.month_tip": "{month} : {parts} (n = {n})",
        "chart.month_caption": "part des personnes citées distinctes par mois (au-dessus de chaque "
                               "barre : n)",
        "chart.hist_tip": "{quotations} : {articles}",
        "chart.hist_caption": "citations par article (hauteur des barres : nombre d'articles)",
        "tip.person_bar": "{name} : {quotations} dans {articles}, genre : {gender}",
        "tip.org_bar": "{name} : {quotations} dans {articles}",
        # dashboard
        "dash.h1": "Tableau de bord",
        "dash.note_match": "Les personnes et les organisations sont rapprochées d'un article à "
                           "l'autre par leur nom.",
        "dash.note_gender": "Genre : tel que déterminé par la chaîne de traitement ; « non "
                            "précisé » lorsqu'il n'est pas indiqué.",
        "card.articles": {"one": "article", "other": "articles"},
        "card.quotations": {"one": "citation", "other": "citations"},
        "card.direct": "de citations directes ({indirect})",
        "card.attributed": "attribuées à un auteur",
        "card.people": {"one": "personne citée", "other": "personnes citées distinctes"},
        "card.orgs": {"one": "organisation citée", "other": "organisations citées distinctes"},
        "card.women": "de femmes parmi les personnes citées (genre connu)",
        "card.per_article": "citations par article",
        "dash.top_people": "Personnes les plus citées",
        "dash.top_people_svg": "Personnes les plus citées (nombre de citations)",
        "dash.top_orgs": "Organisations les plus citées",
        "dash.top_orgs_svg": "Organisations les plus citées (nombre de citations)",
        "dash.gender": "Part des personnes citées selon le genre",
        "dash.gender_svg": "Part des personnes citées et des citations selon le genre",
        "dash.gender_month": "Part des personnes citées selon le genre, par mois",
        "dash.gender_month_svg": "Part des personnes citées selon le genre, par mois",
        "dash.hist": "Citations par article",
        "dash.hist_svg": "Articles selon le nombre de citations",
        "dash.row_people": "personnes",
        "dash.row_quotations": "citations",
        "dash.gender_note": "« personnes » : personnes citées distinctes ; « citations » : "
                            "citations attribuées à des personnes.",
        "dash.all_people": "Toutes les personnes citées",
        "dash.all_orgs": "Toutes les organisations citées",
        "th.name": "Nom",
        "th.gender": "Genre",
        "th.acronym": "Sigle",
        "th.quotations": "Citations",
        "th.articles": "Articles",
    },
    "en": {
        "site.brand": "Quotations report",
        "nav.index": "Articles",
        "nav.dashboard": "Dashboard",
        "title.index": "Articles — quotations report",
        "title.dashboard": "Dashboard — quotations report",
        "title.article": "{title} — quotations",
        "count.articles": {"one": "{n} article", "other": "{n} articles"},
        "count.quotations": {"one": "{n} quotation", "other": "{n} quotations"},
        "count.quotations_range": "{lo}–{hi} quotations",
        "count.people": {"one": "{n} person", "other": "{n} people"},
        "count.direct": {"one": "{n} direct", "other": "{n} direct"},
        "count.indirect": {"one": "{n} indirect", "other": "{n} indirect"},
        "gender.female": "female",
        "gender.male": "male",
        "gender.unknown": "unknown",
        "genders.female": "women",
        "genders.male": "men",
        "genders.unknown": "unknown",
        "kind.person": "person",
        "kind.organisation": "organisation",
        "kind.place": "place",
        "type.direct": "direct",
        "type.indirect": "indirect",
        "unattributed": "unattributed",
        "article.id": "id",
        "article.published": "Published: {date}",
        "article.source": "Source: {source}",
        "article.original": "original article",
        "article.quote_counts": "{quotations} ({direct})",
        "legend.person": "Name",
        "legend.organisation": "Organisation",
        "legend.place": "Place",
        "legend.title": "Title",
        "legend.date": "Date",
        "legend.direct": "direct quote",
        "legend.indirect": "indirect quote",
        "label.person": "PER",
        "label.organisation": "ORG",
        "label.place": "LOC",
        "label.title": "TITLE",
        "label.date": "DATE",
        "tip.quote": "{speaker} — {cue} — confidence {confidence}",
        "tip.no_cue": "no cue",
        "tip.former": "{title} (former)",
        "tip.title_of": "title of {name}",
        "tip.date_unresolved": "date not resolved",
        "side.speakers": "Speakers",
        "side.unattributed": "unattributed quotations",
        "side.no_quotes": "no quotations",
        "side.people": "People",
        "side.organisations": "Organisations",
        "side.places": "Places",
        "side.none": "none",
        "side.captions": "Captions",
        "article.who_said_what": "Who said what",
        "th.speaker": "Speaker",
        "th.type": "Type",
        "th.cue": "Cue",
        "th.quotation": "Quotation",
        "th.confidence": "Confidence",
        "th.rule": "Rule / evidence",
        "article.no_quotes": "No quotations.",
        "article.dropped": {
            "one": "{n} overlapping or out-of-range span not shown.",
            "other": "{n} overlapping or out-of-range spans not shown.",
        },
        "index.h1": "Articles",
        "index.dashboard": "dashboard",
        "index.search_placeholder": "Search title, id, people, organisations…",
        "index.search_label": "Search articles",
        "index.sort_hint": "Click a column header to sort.",
        "index.no_articles": "No articles in this run.",
        "th.article": "Article",
        "th.published": "Published",
        "th.people": "People",
        "th.orgs": "Organisations",
        "th.places": "Places",
        "th.quotes": "Quotations",
        "th.direct": "Direct",
        "th.indirect": "Indirect",
        "th.attributed": "Attributed",
        "th.top_speaker": "Top speaker",
        "skipped.head": {
            "one": "{n} JSON file could not be read and is not in the report:",
            "other": "{n} JSON files could not be read and are not in the report:",
        },
        "skipped.more": "… and {n} more",
        "js.match_count": {"one": "{shown} of {total} article", "other": "{shown} of {total} articles"},
        "js.no_match": "No article matches “{query}”.",
        "js.sort": "Click to sort",
        "js.sorted_asc": "Sorted ascending; click to reverse",
        "js.sorted_desc": "Sorted descending; click to reverse",
        "chart.empty_people": "No quotations attributed to people",
        "chart.empty_orgs": "No quotations attributed to organisations",
        "chart.empty_gender": "No quoted people yet",
        "chart.empty_month": "No dated articles with quoted people",
        "chart.empty_hist": "No articles",
        "chart.n": "n = {n}",
        "chart.share_tip": "{group}: {count} ({pct})",
        "chart.month_tip": "{month}: {parts} (n = {n})",
        "chart.month_caption": "share of distinct quoted people per month (above each bar: n)",
        "chart.hist_tip": "{quotations}: {articles}",
        "chart.hist_caption": "quotations per article (bar height: number of articles)",
        "tip.person_bar": "{name}: {quotations} in {articles}, gender: {gender}",
        "tip.org_bar": "{name}: {quotations} in {articles}",
        "dash.h1": "Dashboard",
        "dash.note_match": "People and organisations are matched across articles by name.",
        "dash.note_gender": "Gender: as resolved by the pipeline; “unknown” when it was not stated.",
        "card.articles": {"one": "article", "other": "articles"},
        "card.quotations": {"one": "quotation", "other": "quotations"},
        "card.direct": "direct quotations ({indirect})",
        "card.attributed": "attributed to a speaker",
        "card.people": {"one": "quoted person", "other": "distinct quoted people"},
        "card.orgs": {"one": "quoted organisation", "other": "distinct quoted organisations"},
        "card.women": "women among quoted people of known gender",
        "card.per_article": "quotations per article",
        "dash.top_people": "Most quoted people",
        "dash.top_people_svg": "Most quoted people (number of quotations)",
        "dash.top_orgs": "Most quoted organisations",
        "dash.top_orgs_svg": "Most quoted organisations (number of quotations)",
        "dash.gender": "Share of quoted people by gender",
        "dash.gender_svg": "Share of quoted people and of quotations by gender",
        "dash.gender_month": "Share of quoted people by gender, per month",
        "dash.gender_month_svg": "Share of quoted people by gender, per month",
        "dash.hist": "Quotations per article",
        "dash.hist_svg": "Articles by number of quotations",
        "dash.row_people": "people",
        "dash.row_quotations": "quotations",
        "dash.gender_note": "“people”: distinct quoted people; “quotations”: quotations attributed "
                            "to people.",
        "dash.all_people": "All quoted people",
        "dash.all_orgs": "All quoted organisations",
        "th.name": "Name",
        "th.gender": "Gender",
        "th.acronym": "Acronym",
        "th.quotations": "Quotations",
        "th.articles": "Articles",
    },
}


def french_typography(text: str) -> str:
    """Plain spaces of a French template -> no-break spaces where French typography wants them.

    « : » and guillemets take a no-break space, « ; ? ! % » a narrow one; a space that is already
    a no-break one is left alone. The straight apostrophe becomes the typographic one.
    """
    text = text.replace("'", APOSTROPHE)
    text = re.sub(r" +:", NBSP + ":", text)
    text = re.sub(r" +([;?!%])", NNBSP + r"\1", text)
    text = re.sub(r"« +", "«" + NBSP, text)
    return re.sub(r" +»", NBSP + "»", text)


def plural_category(lang: str, n: float) -> str:
    """"one" or "other": French treats 0 and 1 (and 1.5) as singular, English only 1."""
    if lang == "fr":
        return "one" if 0 <= abs(n) < 2 else "other"
    return "one" if n == 1 else "other"


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class Catalogue:
    """The interface text, number and date formats of one language. Get one with `catalogue()`."""

    def __init__(self, lang: str = DEFAULT_LANG):
        if lang not in MESSAGES:
            raise ValueError(f"unknown report language {lang!r}: choose one of {', '.join(LANGS)}")
        self.lang = lang
        fix = french_typography if lang == "fr" else (lambda s: s)
        self.messages: dict[str, Message] = {
            k: ({c: fix(s) for c, s in v.items()} if isinstance(v, dict) else fix(v))
            for k, v in MESSAGES[lang].items()
        }

    def __call__(self, key: str, **fields: Any) -> str:
        """The message `key`, its `{fields}` filled in (values are not escaped here)."""
        msg = self.messages[key]
        if isinstance(msg, dict):
            raise TypeError(f"{key!r} depends on a count: use Catalogue.n")
        return msg.format(**fields) if fields else msg

    def n(self, key: str, count: float, **fields: Any) -> str:
        """The singular or plural form of `key` for `count`; `{n}` is the formatted count."""
        msg = self.messages[key]
        if isinstance(msg, dict):
            msg = msg[plural_category(self.lang, count)]
        return msg.format(n=self.num(count), **fields)

    # numbers

    def num(self, value: float, decimals: int = 0) -> str:
        """1234.5 -> "1 234,5" (fr, narrow no-break space and decimal comma) or "1,234.5" (en)."""
        text = f"{value:,.{decimals}f}"
        if self.lang == "fr":
            text = text.replace(",", NNBSP).replace(".", ",")
        return text

    def pct(self, value: float, decimals: int = 0) -> str:
        """A percentage (0-100): "42,5 %" (fr) or "42.5%" (en)."""
        return self.num(value, decimals) + (NNBSP + "%" if self.lang == "fr" else "%")

    # dates

    def date(self, iso: Any, short: bool = False) -> str:
        """An ISO date as precise as known ("2024", "2024-03", "2024-03-12") in words:
        "12 mars 2024" / "12 March 2024", "mars 2024" / "March 2024", "2024"; the 1st of a month
        is "1er" in French. `short` abbreviates the month (chart axes). Anything else is returned
        unchanged, so a malformed date still shows."""
        text = "" if iso is None else str(iso)
        m = _ISO.match(text)
        if not m:
            return text
        year, month, day = m.group(1), m.group(2), m.group(3)
        if not month:
            return year
        mi = int(month)
        if not 1 <= mi <= 12:
            return text
        name = (MONTHS_SHORT if short else MONTHS)[self.lang][mi - 1]
        if not day:
            return f"{name} {year}"
        try:
            d = _dt.date(int(year), mi, int(day)).day
        except ValueError:
            return text
        if self.lang == "fr":
            return f"{'1er' if d == 1 else d} {name} {year}"
        return f"{d} {name} {year}"

    # script

    def js_messages(self) -> dict[str, Any]:
        """The strings of the index script, keyed without the "js." prefix, plus the language."""
        out: dict[str, Any] = {k[3:]: v for k, v in self.messages.items() if k.startswith("js.")}
        out["lang"] = self.lang
        return out


@lru_cache(maxsize=None)
def catalogue(lang: str = DEFAULT_LANG) -> Catalogue:
    """The (shared, read-only) catalogue of `lang`; ValueError for a language without one."""
    return Catalogue(lang)
