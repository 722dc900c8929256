"""Synthetic event stream of the demo company "Beispiel Versand GmbH" (register: demo/register.yaml).

`events()` yields dicts in the event format (auskunft.ingest.schema), in time order. The output depends
only on its arguments: histories lie within the three years before the fixed reference date 2026-11-15.
Event ids read `demo-PPPPPP-SSS`: person number, then the person's own sequence number in time order. All
people, addresses, numbers and companies are invented; emails use example.de/.com/.org, IP addresses the
documentation ranges, IBANs the bank code of the standard example IBAN.

Fixed storyline persons, always present (persons 1-6, independent of `seed`):

1. Monika Beispielfrau, monika.beispielfrau@example.de, K-104233: an ordinary customer with orders in the
   shop and by phone, a credit check before purchase on invoice, SEPA direct debit, a confirmed newsletter;
   disclosures to the parcel service, the payment provider, the credit agency and the email service
   provider. Known first by email, then by email + phone (hotline), then by phone + customer number.
2. Hans Beispielmann, hans.beispielmann@example.org: address rented from "Adressverlag Beispiel GmbH"
   ("Mietliste 2025-Q1"), used for postal advertising (advertising_postal, art6_1_f); first known by postal
   address only, he later asks by email where the address came from.
3. Petra Probekundin, petra.probekundin@example.com, K-118502: sent a review request email (disclosure to
   the email service provider, purpose review_request) although no review_request consent exists.
4. Walter Abonnent, walter.abonnent@example.de: a newspaper subscriber; data from the partner
   "Zeitungsverlag Beispiel KG", product advertising emails (purpose advertising), no newsletter consent.
5. Gisela Fremdling, gisela.fremdling@example.org: no relationship at all (no contract records); address
   from the partner campaign of "Bank Beispiel AG" (rented from a broker), a bank offer by post.
6. Lukas Abmelder, lukas.abmelder@example.de, K-109876: newsletter requested (wording and version),
   confirmed by double opt-in (ip, user agent, form URL), withdrawn later by unsubscribe link.

Persons 7 onwards are the `customers` ordinary customers drawn from `random.Random(seed)`.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from auskunft.demo import names
from auskunft.errors import InvalidInput

Json = dict[str, Any]
Kinds = tuple[str, ...]
Rule = tuple[list[str], str, str]
"""Purposes, legal basis and retention rule of a record."""

REFERENCE_DATE = date(2026, 11, 15)
BERLIN = ZoneInfo("Europe/Berlin")
_END = datetime.combine(REFERENCE_DATE, time(), BERLIN)
_BEGIN = _END - timedelta(days=3 * 365)
HOTLINE = "+49 30 5557 1000"
STORYLINES = {
    "ordinary_customer": "monika.beispielfrau@example.de",
    "broker_address_postal_advertising": "hans.beispielmann@example.org",
    "review_request_without_consent": "petra.probekundin@example.com",
    "newspaper_partner_advertising": "walter.abonnent@example.de",
    "bank_offer_without_relationship": "gisela.fremdling@example.org",
    "newsletter_withdrawn": "lukas.abmelder@example.de",
}
"""The storyline persons' emails, by storyline (see the module docstring)."""

NAME, EMAIL, PHONE = "user.name", "user.contact.email", "user.contact.phone_number"
ADDRESS, CUSTOMER_NO, BIRTH = "user.contact.address", "user.unique_id", "user.demographic.date_of_birth"
IBAN = "user.financial.bank_account"
PURCHASES, NOTE = "user.behavior.purchase_history", "user.content.private"


def _channel(channel: str, detail: str) -> Json:
    return {"kind": "channel", "channel": channel, "detail": detail}


def _third_party(name: str, detail: str, received: str, contract: str | None = None) -> Json:
    source = {"kind": "third_party", "name": name, "detail": detail, "received_at": received}
    return source | ({"contract": contract} if contract else {})


SHOP = _channel("shop_checkout", "https://shop.example.de/kasse")
NEWSLETTER_FORM = _channel("portal", "https://www.example.de/newsletter")
ACCOUNT = _channel("portal", "https://www.example.de/mein-konto")
HOTLINE_SOURCE = _channel("hotline", f"Kundenhotline {HOTLINE}")
CONTACT_FORM = _channel("contact_form", "https://www.example.de/kontakt")
CHAT = _channel("chat", "Live-Chat auf https://www.example.de")
PRIVACY_MAILBOX = _channel("email", "datenschutz@example.de")
DERIVED = {"kind": "derived", "detail": "Kundennummer, vergeben bei der ersten Bestellung"}
INVOICING = {"kind": "derived", "detail": "Rechnung, erstellt aus der Bestellung beim Versand"}
CONFIRM_URL = "https://www.example.de/newsletter/bestaetigen"
CONFIRMATION = _channel("portal", CONFIRM_URL)
UNSUBSCRIBE = _channel("email", "Abmeldelink im Newsletter")

PARCEL = {"name": "Paketdienst Beispiel GmbH", "role": "third_party", "country": "DE"}
PAYMENT = {"name": "Zahlungsdienst Beispiel AG", "role": "third_party", "country": "DE"}
CREDIT_AGENCY = {"name": "Auskunftei Beispiel AG", "role": "third_party", "country": "DE"}
CALLCENTER = {"name": "Callcenter Beispiel GmbH", "role": "processor", "country": "DE"}
LETTERSHOP = {"name": "Lettershop Beispiel GmbH", "role": "processor", "country": "DE"}
DPF = "EU-U.S. Data Privacy Framework (Angemessenheitsbeschluss vom 10.07.2023) und Standardvertragsklauseln"
MAILER = {"name": "Mailversand Beispiel Inc.", "role": "processor", "country": "US"}
MAILER["safeguard"] = f"{DPF} (Art. 46 Abs. 2 lit. c DSGVO)"
BASIS = dict.fromkeys(("delivery", "payment", "customer_service"), "art6_1_b")
BASIS |= dict.fromkeys(("credit_check", "advertising", "advertising_postal"), "art6_1_f")
BASIS |= dict.fromkeys(("newsletter", "review_request"), "art6_1_a")
"""The legal basis of a disclosure by its purpose, as in the register."""

MASTER: dict[str, Rule] = {
    NAME: (["contract"], "art6_1_b", "customer_account"),
    EMAIL: (["contract", "customer_service"], "art6_1_b", "customer_account"),
    PHONE: (["customer_service", "delivery"], "art6_1_b", "customer_account"),
    ADDRESS: (["contract", "delivery"], "art6_1_b", "customer_account"),
    CUSTOMER_NO: (["contract"], "art6_1_b", "customer_account"),
    BIRTH: (["credit_check"], "art6_1_b", "customer_account"),
    IBAN: (["payment"], "art6_1_b", "sepa_mandate"),
}
SERVICE: Rule = (["customer_service"], "art6_1_b", "service_3y")
GDPR_REQUEST: Rule = (["customer_service"], "art6_1_c", "service_3y")
RENTED: Rule = (["advertising_postal"], "art6_1_f", "rented_addresses_6m")
PARTNER_RULE: Rule = (["advertising"], "art6_1_f", "advertising_24m")
IP_RULE: Rule = (["fraud_prevention"], "art6_1_f", "ip_fraud_3m")
PURCHASE_RULE: Rule = (["contract"], "art6_1_b", "customer_account")
INVOICE_RULE: Rule = (["accounting"], "art6_1_c", "accounting_8y")
CREDIT_RULE: Rule = (["credit_check"], "art6_1_f", "credit_check_12m")
NEWSLETTER_RULE: Rule = (["newsletter"], "art6_1_a", "newsletter_until_withdrawal")
PAYMENTS = ("Rechnung", "SEPA-Lastschrift", "PayPal", "Kreditkarte")
MOBILE = ("151", "152", "160", "170", "176")
VERSIONS = (("nl-2023-05", "2000-01-01"), ("nl-2024-03", "2024-03-01"), ("nl-2025-09", "2025-09-01"))
SPOKEN = {"hotline": names.HOTLINE_NOTES, "chat": names.CHAT_TRANSCRIPTS}


def _at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BERLIN)


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random moment in business hours (8-21 h) on a day from `start` to before `end`."""
    day = start.date() + timedelta(days=rng.randrange(max(1, (end.date() - start.date()).days)))
    clock = f"{rng.randint(8, 20):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    return _at(day.isoformat(), clock)


def _euro(cents: int) -> str:
    return f"{cents / 100:,.2f} €".replace(",", "_").replace(".", ",").replace("_", ".")


def _ascii(text: str) -> str:
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c in ".-"))


def _iban(account: int) -> str:
    """A German IBAN with a correct check number, for the bank code of the standard example IBAN."""
    bban = f"37040044{account:010d}"
    iban = f"DE{98 - int(bban + '131400') % 97:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


@dataclass
class _Person:
    number: int
    first: str
    last: str
    email: str
    phone: str
    customer_number: str
    address: str
    birth: date
    iban: str
    agent: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class _Ledger:
    """The numbers and addresses handed out in one run, kept unique across persons."""

    used: set[str] = field(default_factory=set)

    def unique(self, rng: random.Random, pattern: str, low: int, high: int) -> str:
        while (value := pattern.format(rng.randint(low, high))) in self.used:
            pass
        self.used.add(value)
        return value


class _Customer:
    """One person's history: what the company learnt, when, from where, and whom it told."""

    def __init__(self, person: _Person, rng: random.Random, ledger: _Ledger) -> None:
        self.p, self.rng, self.ledger = person, rng, ledger
        self.known: set[str] = set()  # categories held as customer master data
        self.told: set[str] = set()  # categories the company holds in any role
        self.said: set[str] = set()  # message templates used
        self.orders: list[tuple[str, str, datetime]] = []  # number, first product, delivered at
        self.credit_checked: datetime | None = None
        self.credit_ok, self.subscribed = True, False
        self._items: list[tuple[datetime, Json]] = []

    def subject(self, kinds: Kinds) -> Json:
        p, rng = self.p, self.rng
        values = {"email": p.email, "phone": p.phone, "customer_number": p.customer_number}
        subject = {kind: values.get(kind, p.address) for kind in kinds}
        if "phone" in subject and rng.random() < 0.5:  # the same number, written as people write it
            subject["phone"] = "0" + p.phone.removeprefix("+49 ").replace(" ", rng.choice([" ", "/"]), 1)
        if "email" in subject and rng.random() < 0.1:
            subject["email"] = p.email.capitalize()
        return subject

    def _add(self, at: datetime, kind: str, kinds: Kinds, fields: Json) -> None:
        if at < _END:
            event = {"type": kind, "subject": self.subject(kinds), **fields}
            self._items.append((at, {key: value for key, value in event.items() if value is not None}))

    def record(self, at: datetime, kinds: Kinds, category: str, value: str, source: Json, rule: Rule) -> None:
        fields: Json = dict(zip(("purposes", "legal_basis", "retention"), rule, strict=True))
        fields |= {"category": category, "value": value, "source": source, "collected_at": at.isoformat()}
        self._add(at, "record", kinds, fields)

    def consent(self, at: datetime, purpose: str, action: str, method: str, **extra: Any) -> None:
        fields = {"purpose": purpose, "channel": "email", "action": action, "at": at.isoformat()}
        wording = names.WORDING.get(extra.get("wording_version", ""))
        self._add(at, "consent", ("email",), fields | {"method": method, "wording": wording} | extra)

    def disclose(self, at: datetime, kinds: Kinds, to: Json, cats: list[str], purpose: str, ref: str) -> None:
        fields = {"recipient": to, "categories": cats, "purpose": purpose, "legal_basis": BASIS[purpose]}
        self._add(at, "disclosure", kinds, fields | {"at": at.isoformat(), "reference": ref})

    def events(self) -> list[tuple[datetime, Json]]:
        ordered = sorted(self._items, key=lambda item: item[0])
        prefix = f"demo-{self.p.number:06d}"
        return [(at, {"event_id": f"{prefix}-{n:03d}", **ev}) for n, (at, ev) in enumerate(ordered, 1)]

    def ip(self) -> str:
        return f"{self.rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{self.rng.randint(1, 254)}"

    def learn(self, at: datetime, kinds: Kinds, source: Json, *cats: str, rule: Rule | None = None) -> None:
        """Record each of `cats` the company does not hold yet."""
        p = self.p
        values = {NAME: p.name, EMAIL: p.email, PHONE: p.phone, ADDRESS: p.address, IBAN: p.iban}
        values |= {CUSTOMER_NO: p.customer_number, BIRTH: p.birth.isoformat()}
        for category in cats:
            if category in (self.told if rule else self.known):
                continue
            self.told.add(category)
            if rule is None:
                self.known.add(category)
            self.record(at, kinds, category, values[category], source, rule or MASTER[category])

    def order(self, at: datetime, via: str, items: list[tuple[str, int, int]], payment: str) -> None:
        rng, shop = self.rng, via == "shop"
        source, contact = (SHOP, EMAIL) if shop else (HOTLINE_SOURCE, PHONE)
        kinds = ("email" if shop else "phone", "customer_number")
        gives_email = not shop and EMAIL in self.told and PHONE not in self.told
        first = ("phone", "email") if gives_email else kinds[:1]
        number = self.ledger.unique(rng, f"{at.year}-{{:06d}}", 100000, 999999)
        self.learn(at, first, source, NAME, ADDRESS, contact)
        self.learn(at + timedelta(seconds=5), kinds, DERIVED, CUSTOMER_NO)
        if shop:
            self.record(at, kinds, "user.device.ip_address", self.ip(), source, IP_RULE)
        if payment == "Rechnung":
            self.learn(at, kinds, source, BIRTH)
            if self.credit_checked is None or at - self.credit_checked > timedelta(days=365):
                self.credit_check(at + timedelta(seconds=30), kinds, number)
            payment = payment if self.credit_ok else "PayPal" if shop else "SEPA-Lastschrift"
        if payment == "SEPA-Lastschrift":
            self.learn(at, kinds, source, IBAN)
        if payment != "Rechnung":
            paid = [NAME, IBAN if payment == "SEPA-Lastschrift" else EMAIL]
            ref = f"Bestellung {number} ({payment})"
            self.disclose(at + timedelta(minutes=1), kinds, PAYMENT, paid, "payment", ref)
        lines = "; ".join(f"{name}, {qty} × {_euro(price)}" for name, qty, price in items)
        total = _euro(sum(qty * price for _, qty, price in items))
        purchase = f"Bestellung {number}: {lines} – Summe {total}, Zahlung per {payment}"
        self.record(at, kinds, PURCHASES, purchase, source, PURCHASE_RULE)
        shipped = at + timedelta(hours=rng.randint(16, 40))
        invoice = f"Rechnung R{number} zu Bestellung {number}: Summe {total}, Zahlung per {payment}"
        self.record(shipped, ("customer_number",), PURCHASES, invoice, INVOICING, INVOICE_RULE)
        tracking = f"Bestellung {number}, Sendung 00340434{rng.randrange(10**12):012d}"
        self.disclose(shipped, kinds, PARCEL, [NAME, ADDRESS, contact], "delivery", tracking)
        self.orders.append((number, items[0][0], shipped + timedelta(days=1)))

    def credit_check(self, at: datetime, kinds: Kinds, number: str) -> None:
        self.credit_checked = at
        asked = [NAME, ADDRESS, BIRTH]
        self.disclose(at, kinds, CREDIT_AGENCY, asked, "credit_check", f"Bestellung {number}")
        self.credit_ok = self.p.number <= 6 or self.rng.random() < 0.85
        score = self.rng.uniform(90.5, 99.6) if self.credit_ok else self.rng.uniform(71.0, 89.9)
        outcome = "Kauf auf Rechnung angeboten" if self.credit_ok else "Kauf auf Rechnung nicht angeboten"
        value = f"Score {score:.1f} %".replace(".", ",") + f" – {outcome} (Bestellung {number})"
        agency = _third_party("Auskunftei Beispiel AG", "Bonitätsauskunft (Score)", at.date().isoformat())
        self.record(at + timedelta(seconds=2), kinds, "user.financial", value, agency, CREDIT_RULE)

    def contact(self, at: datetime, via: str, text: str, rule: Rule = SERVICE) -> None:
        order, product = self.orders[-1][:2] if self.orders else ("", names.ACCESSORIES[0][0])
        self.said.add(text)
        text = text.format(order=order, product=product, first=self.p.first, last=self.p.last)
        quoted = CUSTOMER_NO in self.told and (via in ("hotline", "contact_form") or EMAIL not in self.told)
        kinds: Kinds = ("phone" if via == "hotline" else "email",) + (("customer_number",) if quoted else ())
        if via == "hotline":
            source = HOTLINE_SOURCE
            self.learn(at, kinds, source, PHONE, rule=rule)
            if self.rng.random() < 0.3:
                overflow = [NAME, PHONE, NOTE]
                self.disclose(at, kinds, CALLCENTER, overflow, "customer_service", "Überlaufhotline")
        else:
            money = any(word in text for word in ("Rechnung", "abgebucht", "Zahlung"))
            mailbox = _channel("email", "buchhaltung@example.de" if money else "service@example.de")
            source = {"contact_form": CONTACT_FORM, "chat": CHAT}.get(via, mailbox)
            self.learn(at, kinds, source, NAME, EMAIL, rule=rule)
        self.record(at, kinds, NOTE, text, source, rule)

    def newsletter(
        self, at: datetime, source: Json, confirm: timedelta | None, end: datetime | None = None
    ) -> None:
        """Double opt-in: requested, then confirmed (or expired), perhaps withdrawn at `end`."""
        self.subscribed, ip, agent = True, self.ip(), self.p.agent
        version = [key for key, since in VERSIONS if at >= _at(since)][-1]
        quoted = EMAIL not in self.told and CUSTOMER_NO in self.told
        kinds = ("email", "customer_number") if quoted else ("email",)
        self.record(at, kinds, EMAIL, self.p.email, source, NEWSLETTER_RULE)
        asked = {"source": source, "evidence": {"ip": ip, "user_agent": agent, "form_url": source["detail"]}}
        self.consent(at, "newsletter", "requested", "double_opt_in", wording_version=version, **asked)
        if confirm is None:
            self.consent(at + timedelta(days=30), "newsletter", "expired", "double_opt_in_not_confirmed")
            return
        clicked = {"ip": ip, "user_agent": agent, "form_url": CONFIRM_URL}
        at += confirm
        self.consent(at, "newsletter", "confirmed", "double_opt_in", source=CONFIRMATION, evidence=clicked)
        self.disclose(at, ("email",), MAILER, [EMAIL, NAME], "newsletter", "Aufnahme in den Verteiler")
        if end is not None and (self.p.number <= 6 or self.rng.random() < 0.7):
            clicked = {"ip": self.ip(), "user_agent": agent, "newsletter": f"Ausgabe vom {end:%d.%m.%Y}"}
            self.consent(
                end, "newsletter", "withdrawn", "unsubscribe_link", source=UNSUBSCRIBE, evidence=clicked
            )
        elif end is not None:
            asked = {"source": _channel("email", "service@example.de"), "evidence": {"message": "Abmeldung"}}
            self.consent(end, "newsletter", "withdrawn", "email_request", **asked)

    def review(self) -> None:
        number, _, delivered = self.orders[-1]
        cats, ref = [NAME, EMAIL, PURCHASES], f"Bewertungsanfrage zu Bestellung {number}"
        self.disclose(delivered + timedelta(days=7), ("email",), MAILER, cats, "review_request", ref)


def _items(rng: random.Random, appliance: bool) -> list[tuple[str, int, int]]:
    chosen = [(*rng.choice(names.APPLIANCES), 1)] if appliance else []
    extra = range(rng.randint(1 - len(chosen), 2))
    chosen += [(*rng.choice(names.ACCESSORIES), rng.randint(1, 3)) for _ in extra]
    return [(name, qty, price) for name, price, qty in chosen]


def _story(ledger: _Ledger, number: int, spec: str) -> _Customer:
    """A storyline person from 'First Last|phone|customer number|address'."""
    name, phone, customer, address = spec.split("|")
    first, last = name.split()
    domain = {2: "example.org", 3: "example.com", 5: "example.org"}.get(number, "example.de")
    email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
    ledger.used.update({email, phone, customer})
    birth, iban = date(1950 + 7 * number, number, 10 + number), _iban(532013000 + number)
    agent = names.USER_AGENTS[number % len(names.USER_AGENTS)]
    person = _Person(number, first, last, email, phone, customer, address, birth, iban, agent)
    return _Customer(person, random.Random(number), ledger)  # noqa: S311 - synthetic data, not security


def _monika(ledger: _Ledger) -> _Customer:
    c = _story(ledger, 1, "Monika Beispielfrau|+49 151 55512301|K-104233|Lindenallee 7, 10115 Berlin")
    c.p.iban = "DE89 3704 0044 0532 0130 00"
    c.newsletter(_at("2024-02-10", "19:42:10"), NEWSLETTER_FORM, timedelta(minutes=9))
    coffee = [("Kaffeevollautomat „Barista 500“", 1, 64900), ("Wasserfilter-Kartusche (3er-Pack)", 1, 2990)]
    c.order(_at("2024-03-03", "20:15:33"), "shop", coffee, "Rechnung")
    call, caller = _at("2024-05-20", "09:12:00"), ("email", "phone")
    c.learn(call, caller, HOTLINE_SOURCE, PHONE)
    c.record(call, caller, NOTE, names.STORY_TEXTS["monika_call"], HOTLINE_SOURCE, SERVICE)
    parts = [("Milchschlauch-Set", 1, 990), ("Brüheinheit (Ersatzteil)", 1, 5990)]
    c.order(_at("2024-05-20", "09:20:00"), "hotline", parts, "SEPA-Lastschrift")
    c.contact(_at("2025-01-14", "18:03:41"), "chat", names.STORY_TEXTS["monika_chat"])
    c.order(_at("2025-09-08", "21:47:02"), "shop", [("Entkalker-Set", 2, 1290)], "SEPA-Lastschrift")
    c.contact(_at("2026-02-02", "08:31:15"), "email", names.WRITTEN_MESSAGES[2])
    return c


def _prospect(
    c: _Customer, source: Json, got: str, mailing: str, campaign: str, asked: str, text: str
) -> None:
    """Name and address from a third party, a mailing by post, then the person's question by email."""
    post = ("postal_address",)
    c.learn(_at(got), post, source, NAME, ADDRESS, rule=RENTED)
    c.disclose(_at(mailing, "07:00"), post, LETTERSHOP, [NAME, ADDRESS], "advertising_postal", campaign)
    c.learn(_at(asked), ("email", "postal_address"), PRIVACY_MAILBOX, EMAIL, rule=GDPR_REQUEST)
    c.record(_at(asked), ("email", "postal_address"), NOTE, text, PRIVACY_MAILBOX, GDPR_REQUEST)


def _hans(ledger: _Ledger) -> _Customer:
    c = _story(ledger, 2, "Hans Beispielmann|+49 160 55523402||Am Beispielhof 4, 50667 Köln")
    lease = "Adressmietvertrag AV-2025-03"
    broker = _third_party("Adressverlag Beispiel GmbH", "Mietliste 2025-Q1", "2025-03-18", lease)
    text = names.STORY_TEXTS["hans"].format(first="Hans", last="Beispielmann")
    _prospect(c, broker, "2025-03-20", "2025-03-27", "Frühjahrskatalog 2025", "2025-04-14", text)
    return c


def _petra(ledger: _Ledger) -> _Customer:
    c = _story(ledger, 3, "Petra Probekundin|+49 176 55534503|K-118502|Rosenweg 19, 04109 Leipzig")
    bags = [("Staubsaugerbeutel (10er-Pack)", 2, 1190), ("HEPA-Filter", 1, 2490)]
    c.order(_at("2026-05-04", "12:40:08"), "shop", bags, "PayPal")
    c.review()  # no review_request consent was ever asked for
    c.contact(_at("2026-05-14", "19:05:10"), "email", names.STORY_TEXTS["petra"], GDPR_REQUEST)
    return c


def _walter(ledger: _Ledger) -> _Customer:
    c = _story(ledger, 4, "Walter Abonnent|+49 30 55545604||Schillerstraße 21, 14467 Potsdam")
    detail = "Partnerkooperation „Leservorteil“: Abonnentendaten (Abo-Nr. Z-55871)"
    contract = "Kooperationsvertrag Leservorteil 2025"
    partner = _third_party("Zeitungsverlag Beispiel KG", detail, "2025-10-01", contract)
    c.learn(_at("2025-10-06"), ("email",), partner, NAME, EMAIL, ADDRESS, rule=PARTNER_RULE)
    for day, campaign in (("2025-10-16", "Herbstaktion"), ("2025-12-04", "Adventsangebote"),
                          ("2026-02-12", "Frühjahrsputz"), ("2026-04-23", "Zubehörwochen")):  # fmt: skip
        ad = f"Werbe-E-Mail „{campaign}“"
        c.disclose(_at(day, "06:00"), ("email",), MAILER, [NAME, EMAIL], "advertising", ad)
    c.contact(_at("2026-04-27", "16:44:00"), "contact_form", names.STORY_TEXTS["walter"], GDPR_REQUEST)
    return c


def _gisela(ledger: _Ledger) -> _Customer:
    c = _story(ledger, 5, "Gisela Fremdling|+49 171 55567705||Birkenweg 2, 24103 Kiel")
    detail = "Partnerkampagne „Sparplan Plus“ 2026; Adressen laut Bank aus der Mietliste eines Adressverlags"
    bank = _third_party("Bank Beispiel AG", detail, "2026-06-08", "Kooperationsvertrag Partnerwerbung 2026-B")
    text = names.STORY_TEXTS["gisela"].format(first="Gisela", last="Fremdling")
    _prospect(c, bank, "2026-06-10", "2026-06-16", "Werbebrief der Bank Beispiel AG", "2026-06-29", text)
    return c


def _lukas(ledger: _Ledger) -> _Customer:
    c = _story(ledger, 6, "Lukas Abmelder|+49 152 55567806|K-109876|Goethestraße 45, 80331 München")
    c.order(_at("2024-06-12", "20:05:51"), "shop", [("Akku-Staubsauger „Turbo X“", 1, 29900)], "PayPal")
    confirm, withdrawn = timedelta(minutes=3, seconds=35), _at("2025-11-03", "07:48:12")
    c.newsletter(_at("2024-06-12", "20:14:05"), NEWSLETTER_FORM, confirm, withdrawn)
    c.order(_at("2025-02-17", "13:22:40"), "shop", [("Ersatzakku für „Turbo X“", 1, 7900)], "Kreditkarte")
    return c


def _person(number: int, rng: random.Random, ledger: _Ledger) -> _Person:
    first = rng.choice(rng.choice((names.FIRST_NAMES_FEMALE, names.FIRST_NAMES_MALE)))
    last = rng.choice(names.SURNAMES)
    f, s = _ascii(first), _ascii(last)
    local = rng.choice((f"{f}.{s}", f"{f[0]}.{s}", f"{f}{s}", f"{s}.{f}", f"{f}_{s}{rng.randint(60, 99)}"))
    domain = rng.choices(("example.de", "example.com", "example.org"), (6, 2, 2))[0]
    email = f"{local}@{domain}"
    email = ledger.unique(rng, f"{local}{{}}@{domain}", 2, 999) if email in ledger.used else email
    ledger.used.add(email)
    postcode, town = rng.choice(names.TOWNS)
    address = f"{rng.choice(names.STREETS)} {rng.randint(1, 120)}{rng.choice(('', '', '', '', 'a', 'b'))}"
    berlin = town == "Berlin" and rng.random() < 0.5
    phone = ledger.unique(rng, f"+49 {'30' if berlin else rng.choice(MOBILE)} {{}}", 20000000, 99999999)
    birth = date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
    customer, iban = ledger.unique(rng, "K-{}", 100000, 199999), _iban(rng.randrange(10**9, 10**10))
    address, agent = f"{address}, {postcode} {town}", rng.choice(names.USER_AGENTS)
    return _Person(number, first, last, email, phone, customer, address, birth, iban, agent)


def _ordinary(number: int, rng: random.Random, ledger: _Ledger) -> _Customer:
    """An ordinary customer: perhaps an enquiry, orders by shop and phone, service contacts, a newsletter."""
    c = _Customer(_person(number, rng, ledger), rng, ledger)
    start = _moment(rng, _BEGIN, _END - timedelta(days=60))
    steps = ["order"] * rng.choices(range(6), (30, 25, 18, 12, 9, 6))[0] + ["contact"] * rng.randint(0, 4)
    steps += ["move"] * (rng.random() < 0.1) + ["newsletter"] * (rng.random() < 0.15)
    plan = [(start, "first")] + [(_moment(rng, start + timedelta(days=12), _END), step) for step in steps]
    enquiries = [text for text in names.WRITTEN_MESSAGES if "{order}" not in text]
    for at, step in sorted(plan):
        via = "shop" if rng.random() < 0.7 else "hotline"
        payment = rng.choices(PAYMENTS, (35, 20, 30, 15) if via == "shop" else (60, 40, 0, 0))[0]
        end = _moment(rng, at + timedelta(days=20), _END) if rng.random() < 0.25 else None
        if step == "first":
            enquiry = rng.choices(("", "email", "contact_form", "chat"), (70, 12, 10, 8))[0]
            if enquiry:
                texts = names.CHAT_TRANSCRIPTS[2:] if enquiry == "chat" else enquiries
                c.contact(at, enquiry, rng.choice(texts))
                at += timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 3))
            c.order(at, via, _items(rng, appliance=rng.random() < 0.6), payment)
            if via == "shop" and rng.random() < 0.4:
                confirm = timedelta(minutes=rng.randint(1, 180)) if rng.random() < 0.9 else None
                c.newsletter(at + timedelta(minutes=2), SHOP, confirm, end)
            if via == "shop" and rng.random() < 0.3:
                seen = {"ip": c.ip(), "user_agent": c.p.agent, "form_url": SHOP["detail"]}
                ticked = {"source": SHOP, "evidence": seen, "wording_version": "rv-2024-01"}
                c.consent(at, "review_request", "granted", "checkbox", **ticked)
                c.review()
        elif step == "order":
            c.order(at, via, _items(rng, appliance=rng.random() < 0.25), payment)
        elif step == "contact":
            channel = rng.choices(("hotline", "email", "contact_form", "chat"), (35, 30, 15, 20))[0]
            texts = [text for text in SPOKEN.get(channel, names.WRITTEN_MESSAGES) if text not in c.said]
            c.contact(at, channel, rng.choice(texts))
        elif step == "move":
            postcode, town = rng.choice(names.TOWNS)
            c.p.address = f"{rng.choice(names.STREETS)} {rng.randint(1, 90)}, {postcode} {town}"
            c.record(at, ("email", "customer_number"), ADDRESS, c.p.address, ACCOUNT, MASTER[ADDRESS])
        elif not c.subscribed:
            c.newsletter(at, NEWSLETTER_FORM, timedelta(minutes=rng.randint(1, 600)), end)
    return c


MAX_CUSTOMERS = 99_990
"""Customer numbers are K-100000 ... K-199999, one per person: room for this many besides the storylines."""


def events(customers: int = 120, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """The demo company's events in time order: the six storylines, then `customers` ordinary customers."""
    if not 0 <= customers <= MAX_CUSTOMERS:
        raise InvalidInput(f"the demo company has room for 0 to {MAX_CUSTOMERS:,} ordinary customers")
    ledger = _Ledger()
    people = [story(ledger) for story in (_monika, _hans, _petra, _walter, _gisela, _lukas)]
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    people += [_ordinary(number, rng, ledger) for number in range(7, 7 + customers)]
    stream = [item for person in people for item in person.events()]
    for _, event in sorted(stream, key=lambda item: (item[0], item[1]["event_id"])):
        yield event
