"""German-aware analysis: each step is shown deciding a search that fails without it."""

from __future__ import annotations

from dataclasses import replace

from auskunft.knowledge.search.document import SearchDocument
from auskunft.knowledge.search.engine import SearchEngine
from auskunft.knowledge.search.features import Features
from auskunft.knowledge.search.fold import fold, words

ALL = Features()


def faq(slug: str, title: str, body: str, language: str = "de") -> SearchDocument:
    return SearchDocument(
        key=f"faq:{slug}",
        kind="faq",
        language="en" if language == "en" else "de",
        title=title,
        body=body,
        slug=slug,
    )


SHOP = [
    faq("ruecksendung", "Rücksendung eines Artikels", "Drucken Sie das Rücksendeetikett im Kundenkonto aus."),
    faq("passwort", "Passwort vergessen", "Über den Link auf der Anmeldeseite setzen Sie es zurück."),
    faq("kinder", "Geräte mit Kindersicherung", "Waschmaschinen mit Kindersicherung schützen vor Kindern."),
    faq("groesse", "Größe der Nische", "Die Größe der Nische steht im Datenblatt."),
    faq("mitarbeiter", "Team", "Unsere Kundenservicemitarbeiter helfen gern."),
    faq("service", "Kundenservice", "Der Kundenservice ist werktags erreichbar."),
    faq("jobs", "Stellen", "Wir suchen Mitarbeiter für das Lager."),
    faq("speicherung", "Speicherung von Rechnungen", "Die Speicherung der Belege dauert acht Jahre."),
    faq("verordnung", "Welche Regeln gelten?", "Es gilt die Datenschutz-Grundverordnung der Union."),
    SearchDocument(
        key="DSGVO:article:15",
        kind="legal",
        language="de",
        title="Auskunftsrecht der betroffenen Person",
        body="(1) Die betroffene Person hat das Recht, eine Bestätigung zu verlangen.",
        law="DSGVO",
        number="15",
        legal_kind="article",
    ),
    SearchDocument(
        key="DSGVO:recital:63",
        kind="legal",
        language="de",
        title="",
        body="Art. 15 DSGVO, Art. 15 DSGVO und nochmals Art. 15 DSGVO.",
        law="DSGVO",
        number="63",
        legal_kind="recital",
    ),
    faq("en-return", "How do I return an item?", "Print the return label.", language="en"),
]


def keys(query: str, features: Features = ALL, **filters: str) -> list[str]:
    return [hit.document.key for hit in SearchEngine(SHOP, features).search(query, **filters)]  # type: ignore[arg-type]


def test_folding_writes_umlauts_and_sharp_s_as_two_letters() -> None:
    assert fold("Größe") == fold("Groesse") == "groesse"
    assert fold("Straße") == fold("Strasse")
    assert words("Datenschutz-Grundverordnung") == [
        "datenschutz",
        "grundverordnung",
        "datenschutzgrundverordnung",
    ]


def test_folding_lets_groesse_find_groesse_with_umlaut() -> None:
    # Snowball folds umlauts too; without stemming, folding alone makes the two spellings meet.
    unstemmed = replace(ALL, stem=False)
    assert keys("Groesse", unstemmed)[:1] == ["faq:groesse"]
    assert "faq:groesse" not in keys("Groesse", replace(unstemmed, fold=False))


def test_folding_lets_a_typo_in_a_word_with_umlaut_be_corrected() -> None:
    without_variants = replace(ALL, variants=False, stem=False)
    assert keys("Ruecksendeetiket", without_variants)[:1] == ["faq:ruecksendung"]
    assert "faq:ruecksendung" not in keys("Ruecksendeetiket", replace(without_variants, fold=False))


def test_hyphenated_and_joined_spellings_meet() -> None:
    assert keys("Datenschutzgrundverordnung")[:1] == ["faq:verordnung"]


def test_stemming_finds_the_plural() -> None:
    assert keys("Kind")[:1] == ["faq:kinder"]
    assert "faq:kinder" not in keys("Kind", replace(ALL, stem=False))


def test_compound_splitting_finds_the_parts_and_the_whole() -> None:
    assert "faq:mitarbeiter" in keys("Mitarbeiter")
    assert "faq:mitarbeiter" not in keys("Mitarbeiter", replace(ALL, compounds=False))
    found = keys("Kundenservicemitarbeiter")
    assert {"faq:service", "faq:jobs"} <= set(found)
    assert not {"faq:service", "faq:jobs"} & set(
        keys("Kundenservicemitarbeiter", replace(ALL, compounds=False))
    )


def test_typo_tolerance_finds_the_nearest_known_word() -> None:
    assert keys("Paswort")[:1] == ["faq:passwort"]
    assert keys("Paswort", replace(ALL, fuzzy=False)) == []
    assert keys("Rücksendeettiket")[:1] == ["faq:ruecksendung"]  # two typos in a long word


def test_synonyms_find_the_word_the_text_uses() -> None:
    assert keys("Retoure")[:1] == ["faq:ruecksendung"]
    assert keys("Retoure", replace(ALL, synonyms=False)) == []
    assert keys("Kennwort")[:1] == ["faq:passwort"]


def test_verb_forms_find_the_noun() -> None:
    no_typos = replace(ALL, fuzzy=False)
    assert keys("speichern", no_typos)[:1] == ["faq:speicherung"]
    assert keys("speichern", replace(no_typos, variants=False)) == []


def test_a_citation_puts_the_cited_article_first() -> None:
    assert keys("Art. 15 DSGVO")[:1] == ["DSGVO:article:15"]
    assert keys("art 15 dsgvo")[:1] == ["DSGVO:article:15"]
    assert keys("Art. 15 DSGVO", replace(ALL, citations=False))[:1] == ["DSGVO:recital:63"]


def test_filters_restrict_kind_language_and_law() -> None:
    assert keys("Rücksendung return", kind="faq", language="en") == ["faq:en-return"]
    assert all(k.startswith("DSGVO:") for k in keys("Art. 15", kind="legal"))
    assert keys("Art. 15 Person", law="GDPR")[:1] == ["DSGVO:article:15"]  # one regulation, either name
    assert keys("Art. 15 Person", law="UWG") == []


def test_hits_carry_a_snippet_around_the_first_match() -> None:
    hit = SearchEngine(SHOP).search("Kindersicherung Kindern")[0]
    assert hit.document.key == "faq:kinder"
    assert "Kinder" in hit.snippet
    assert hit.score > 0
