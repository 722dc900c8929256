"""Data tables of the demo company: names, streets, towns, products and customer-service texts.

Names and streets are common German ones combined at random, so no real person is meant. Towns come with a
real postcode of their centre. Texts use the placeholders {order}, {product}, {first} and {last}.
"""

from __future__ import annotations


def _split(text: str, sep: str = " ") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


def _priced(text: str) -> tuple[tuple[str, int], ...]:
    """'Name=1290|...' as (name, price in cent) pairs."""
    return tuple((name, int(cents)) for name, cents in (part.split("=") for part in _split(text, "|")))


FIRST_NAMES_FEMALE = _split(
    "Anna Birgit Claudia Doris Elke Franziska Gabriele Hannah Ines Julia Karin Laura Marion Nadine Olga "
    "Paula "
    "Renate Sabine Tanja Ursula Vanessa Yvonne Zeynep Katharina Lea Sophie Heike Jutta Miriam Ayşe"
)
FIRST_NAMES_MALE = _split(
    "Andreas Bernd Christian Dieter Emil Florian Günter Holger Ingo Jan Klaus Lars Markus Niklas Oliver "
    "Peter "
    "Rainer Stefan Thomas Uwe Volker Wolfgang Yusuf Jörg Tobias Matthias Felix Jonas Dirk Mehmet"
)
SURNAMES = _split(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
    "Richter Klein "
    "Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause "
    "Meier "
    "Lehmann Köhler Herrmann König Walter Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel "
    "Friedrich "
    "Keller Günther Frank Berger Winkler Yilmaz Kowalski Nowak Roth Beck Lorenz Baumann Franke Albrecht "
    "Schuster"
)
STREETS = _split(
    "Hauptstraße|Bahnhofstraße|Gartenstraße|Schulstraße|Lindenstraße|Bergstraße|Goethestraße|Schillerstraße|"
    "Birkenweg|Rosenweg|Mühlenweg|Kirchplatz|Am Markt|Feldstraße|Waldstraße|Ringstraße|Wiesenweg|Ahornweg|"
    "Friedrichstraße|Parkstraße|Am "
    "Sportplatz|Eichendorffstraße|Lessingstraße|Uhlandstraße|Blumenstraße|Tulpenweg",
    "|",
)
TOWNS: tuple[tuple[str, str], ...] = tuple(
    (town[:5], town[6:])
    for town in _split(
        "10115 Berlin|10437 Berlin|12043 Berlin|13353 Berlin|10961 Berlin|20095 Hamburg|22765 Hamburg|"
        "80331 München|81541 München|50667 Köln|50823 Köln|60311 Frankfurt am Main|70173 Stuttgart|"
        "40210 Düsseldorf|04109 Leipzig|01067 Dresden|30159 Hannover|90402 Nürnberg|28195 Bremen|45127 Essen|"
        "44135 Dortmund|48143 Münster|79098 Freiburg im Breisgau|69117 Heidelberg|14467 Potsdam|18055 "
        "Rostock|"
        "24103 Kiel|99084 Erfurt|55116 Mainz|86150 Augsburg|93047 Regensburg|53111 Bonn|76133 Karlsruhe|"
        "97070 Würzburg|37073 Göttingen|23552 Lübeck|66111 Saarbrücken|39104 Magdeburg|06108 Halle (Saale)|"
        "33602 Bielefeld|52062 Aachen|65183 Wiesbaden|34117 Kassel|89073 Ulm|26122 Oldenburg|07743 Jena|"
        "19053 Schwerin",
        "|",
    )
)

APPLIANCES = _priced(
    "Kaffeevollautomat „Barista 500“=64900|Kaffeevollautomat „Barista Duo“=89900|Akku-Staubsauger „Turbo "
    "X“=29900|"
    "Bodenstaubsauger „Kompakt 700“=15900|Saugroboter „Robo S2“=39900|Küchenmaschine „Chef 1200“=44900|"
    "Standmixer „Vital“=12900|Wasserkocher „Edelstahl 1,7 l“=4990|Toaster „Frühstück 2“=3990|"
    "Dampfbügeleisen „Glatt 2400“=6990|Luftreiniger „Klar 40“=22900|Kaffeemühle „Kegel“=8990"
)
ACCESSORIES = _priced(
    "Entkalker-Set=1290|Wasserfilter-Kartusche (3er-Pack)=2990|Milchschlauch-Set=990|"
    "Brüheinheit (Ersatzteil)=5990|Reinigungstabletten (100 Stück)=1490|Staubsaugerbeutel (10er-Pack)=1190|"
    "HEPA-Filter=2490|Ersatzakku für „Turbo X“=7900|Bodendüse „Parkett“=3490|"
    "Seitenbürsten für „Robo S2“ (4er-Pack)=1490|Ersatzfilter für „Klar 40“=3990|Milchaufschäumer=5990|"
    "Espressotassen-Set (6 Stück)=2490|Mixbehälter 1,5 l (Ersatzteil)=3290"
)

USER_AGENTS = _split(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 "
    "Safari/537.36|"
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Safari/605.1.15|"
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148|"
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile "
    "Safari/537.36|"
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "|",
)

WRITTEN_MESSAGES = _split(
    "Guten Tag, meine Bestellung {order} ist noch nicht angekommen. Können Sie bitte den Sendungsstatus "
    "prüfen? "
    "Viele Grüße, {first} {last}|"
    "Hallo, der Artikel {product} aus Bestellung {order} kam mit gesprungenem Gehäuse an. Ich bitte um "
    "Ersatz. "
    "Fotos hänge ich an. {first} {last}|"
    "Sehr geehrte Damen und Herren, bitte senden Sie mir eine Rechnungskopie zu Bestellung {order}. "
    "Mit freundlichen Grüßen, {first} {last}|"
    "Ich widerrufe den Kauf von {product} (Bestellung {order}) und bitte um ein Retourenetikett. {first} "
    "{last}|"
    "Guten Tag, mein Gerät aus Bestellung {order} zeigt nach drei Wochen die Meldung „Service 8“. Ist das "
    "ein "
    "Garantiefall? Gruß, {first} {last}|"
    "Der Betrag zu Bestellung {order} wurde mir zweimal abgebucht. Bitte erstatten Sie den doppelten "
    "Betrag. "
    "{first} {last}|"
    "Hallo, wann ist {product} wieder lieferbar? Ich würde gern bestellen. {first} {last}|"
    "Passt {product} auch zu meinem älteren Gerät? Die Modellnummer steht nicht mehr auf dem Typenschild. "
    "Danke, {first} {last}",
    "|",
)
HOTLINE_NOTES = _split(
    "Anruf: fragt nach dem Lieferstatus von Bestellung {order}. Sendung beim Paketdienst, Zustellung morgen "
    "angekündigt. Erledigt.|"
    "Anruf: Reklamation {product} (Pumpe sehr laut). Abholung durch den Paketdienst veranlasst, "
    "Reparaturauftrag "
    "angelegt.|"
    "Anruf: Frage zum Entkalken. Anleitung per E-Mail geschickt.|"
    "Anruf: Zahlung zu Bestellung {order} nicht zugeordnet, Kontoauszug liegt vor. An die Buchhaltung "
    "weitergeleitet, Rückruf zugesagt.|"
    "Anruf: möchte {product} aus Bestellung {order} umtauschen. Retourenetikett per E-Mail gesendet.|"
    "Anruf: Beschwerde über beschädigte Verpackung bei Bestellung {order}. Gutschein über 10 € angeboten, "
    "angenommen.|"
    "Rückruf wie vereinbart: Ersatzteil für {product} bestellt, Lieferung in ca. 5 Werktagen.",
    "|",
)
CHAT_TRANSCRIPTS = _split(
    "Chat: Ist {product} mit dem Wasserfilter kompatibel? Ja, Link zum passenden Zubehör gesendet.|"
    "Chat: Frage, ob Bestellung {order} noch geändert werden kann. Bereits versandt; Rücksendung erklärt.|"
    "Chat: Gutscheincode wird im Warenkorb nicht angenommen. Code war abgelaufen, neuer Code ausgegeben.|"
    "Chat: Wie lange gilt die Garantie für {product}? 2 Jahre Gewährleistung, 3 Jahre Herstellergarantie.",
    "|",
)

# The storyline persons' own words (see the generator's docstring).
STORY_TEXTS = {
    "monika_call": "Anruf: Milchsystem des Kaffeevollautomaten undicht. Milchschlauch-Set und Brüheinheit "
    "telefonisch nachbestellt, Zahlung per Lastschrift gewünscht.",
    "monika_chat": "Chat: Frage zum Entkalken des Kaffeevollautomaten „Barista 500“. Anleitung und Link zum "
    "Entkalker-Set gesendet.",
    "hans": "Sie haben mir einen Katalog geschickt, obwohl ich nie bei Ihnen bestellt habe. Woher haben "
    "Sie meine "
    "Adresse? Ich widerspreche der Nutzung meiner Daten für Werbung und bitte um Auskunft nach Art. 15 "
    "DSGVO. "
    "{first} {last}",
    "petra": "Heute kam eine E-Mail „Wie gefällt Ihnen Ihre Bestellung?“ mit der Bitte um eine Bewertung. "
    "Dem habe "
    "ich nie zugestimmt, beim Bestellen habe ich kein Häkchen gesetzt. Bitte unterlassen Sie das und "
    "teilen Sie "
    "mir mit, welche Daten Sie über mich speichern (Art. 15 DSGVO). {first} {last}",
    "walter": "Seit Monaten bekomme ich Werbe-E-Mails von Ihnen, obwohl ich nie einen Newsletter bestellt "
    "und nie "
    "bei Ihnen gekauft habe. Ich bin nur Abonnent einer Zeitung. Woher haben Sie meine E-Mail-Adresse? "
    "Bitte um "
    "vollständige Auskunft. {first} {last}",
    "gisela": "Ich habe von Ihnen einen Brief mit einem Angebot der Bank Beispiel AG bekommen. Ich habe "
    "weder mit "
    "Ihnen noch mit dieser Bank etwas zu tun. Woher stammen meine Daten und an wen haben Sie sie "
    "weitergegeben? "
    "{first} {last}",
}

# Consent wordings shown to the person, by wording version.
WORDING = {
    "nl-2023-05": "Ja, ich möchte den kostenlosen Newsletter der Beispiel Versand GmbH mit Angeboten zu "
    "Haushaltsgeräten und Zubehör per E-Mail erhalten. Meine Einwilligung kann ich jederzeit widerrufen.",
    "nl-2024-03": "Ja, ich möchte den kostenlosen Newsletter der Beispiel Versand GmbH mit Angeboten zu "
    "Haushaltsgeräten und Zubehör höchstens einmal pro Woche per E-Mail erhalten. Meine Einwilligung "
    "kann ich jederzeit mit Wirkung für die Zukunft widerrufen, z. B. über den Abmeldelink im Newsletter.",
    "nl-2025-09": "Ja, ich möchte den Newsletter der Beispiel Versand GmbH mit Angeboten zu Haushaltsgeräten "
    "und Zubehör per E-Mail erhalten. Für den Versand wird meine E-Mail-Adresse an die Mailversand Beispiel "
    "Inc. (USA) übermittelt. Widerruf jederzeit über den Abmeldelink oder an datenschutz@example.de.",
    "rv-2024-01": "Ja, die Beispiel Versand GmbH darf mir nach der Lieferung einmalig eine E-Mail mit der "
    "Bitte um eine Bewertung meiner Bestellung senden. Diese Einwilligung kann ich jederzeit widerrufen.",
}
