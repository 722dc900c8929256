"""Campaign lists (`marketing check-list`): every line allowed or denied with the reasons of the single check.

Done when: consented, unconsented, objected, suppressed, third-party, unknown, malformed and repeated
addresses land in the right list with their reasons; awkward CSV files are read without losing a line;
the fast address normaliser agrees with `normalise`; the CLI writes both files and exits 0.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidIdentifier, InvalidInput
from auskunft.ingest import worker
from auskunft.ledger import Actor, Ledger
from auskunft.marketing import address_list, campaign_facts
from auskunft.marketing.address_list import normalise_email
from auskunft.marketing.campaign import Summary, check_list
from auskunft.marketing.campaign_facts import SALE_REASONS
from auskunft.marketing.facts import Target, gather
from auskunft.marketing.rules import Channel, decide
from auskunft.store import tables as t
from tests.conftest import DATA

AT = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
ERIKA = "erika.muster@example.de"  # newsletter consent by double opt-in (tests/data/erika.jsonl)
PLAIN = "max.mustermann@example.de"  # a customer without consent
OBJECTED = "otto.widerspruch@example.de"  # consented, then objected to all direct marketing
SUPPRESSED = "gesperrt@example.de"  # consented, address on the suppression list
BROKER = "gemietet@example.de"  # from an address broker
CUSTOMER = "kunde@example.de"  # gave the address at checkout, told of the right to object
UNKNOWN = "niemand@example.org"

OWN_SIMILAR = """
  - key: product_information
    name: {de: Produktinformationen, en: Product information}
    legal_basis: [art6_1_f]
    legitimate_interest: {de: "Bestandskundenwerbung", en: "Existing customers"}
    categories: [user.contact.email]
    retention: ads_until_objection
    marketing: {advertising: true, own_similar_goods: true, channels: [email]}
"""


def _record(n: str, email: str, source: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "event_id": f"c-{n}",
        "type": "record",
        "subject": {"email": email},
        "category": "user.contact.email",
        "value": email,
        "source": source,
        "collected_at": "2026-01-05T12:00:00+01:00",
        "purposes": ["contract"],
        "legal_basis": "art6_1_b",
        **extra,
    }


def _consent(n: str, email: str, action: str, minute: int) -> dict[str, Any]:
    return {
        "event_id": f"c-{n}",
        "type": "consent",
        "subject": {"email": email},
        "purpose": "newsletter",
        "channel": "email",
        "action": action,
        "at": f"2026-02-01T10:{minute:02d}:00+01:00",
        "method": "double_opt_in",
        "wording_version": "nl-1",
    }


SHOP = {"kind": "channel", "channel": "shop_checkout"}
EVENTS = [
    _record("plain", PLAIN, SHOP),
    _record("otto", OBJECTED, SHOP),
    _consent("otto-1", OBJECTED, "requested", 0),
    _consent("otto-2", OBJECTED, "confirmed", 5),
    {
        "event_id": "c-otto-3",
        "type": "objection",
        "subject": {"email": OBJECTED},
        "at": "2026-03-01",
        "via": "email",
    },
    _record("supp", SUPPRESSED, SHOP),
    _consent("supp-1", SUPPRESSED, "requested", 0),
    _consent("supp-2", SUPPRESSED, "confirmed", 5),
    _record(
        "broker",
        BROKER,
        {"kind": "third_party", "name": "Adressverlag Nord", "received_at": "2025-02-10"},
        purposes=["advertising"],
        legal_basis="art6_1_f",
    ),
    _record("customer", CUSTOMER.title(), SHOP, notice={"kind": "objection_right"}),
]


@pytest.fixture
def marketed(erika: Ledger, tmp_path: Path) -> Ledger:
    register = tmp_path / "register.yaml"
    register.write_text((DATA / "register.yaml").read_text("utf-8") + OWN_SIMILAR, "utf-8")
    erika.load_register(register)
    report = erika.ingest_objects(EVENTS)
    assert report.ok, report.errors
    with erika.engine.begin() as connection:
        lookup = erika.index.lookup("email", SUPPRESSED)
        if connection.scalar(select(t.Suppression.lookup).where(t.Suppression.lookup == lookup)) is None:
            connection.execute(
                insert(t.Suppression).values(lookup=lookup, kind="email", reason="do_not_contact", at=AT)
            )
    return erika


def _run(
    ledger: Ledger, path: Path, purpose: str = "newsletter", **options: Any
) -> tuple[Summary, Path, Path]:
    allowed, denied = path.with_suffix(".ok.csv"), path.with_suffix(".no.csv")
    summary = check_list(
        ledger,
        path,
        Channel.EMAIL,
        purpose,
        Actor("test", "campaign"),
        allowed_path=allowed,
        denied_path=denied,
        at=AT,
        **options,
    )
    return summary, allowed, denied


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _denied_by_line(path: Path) -> dict[int, dict[str, str]]:
    return {int(row["line"]): row for row in _rows(path)}


def _expected(ledger: Ledger, address: str, purpose: str) -> tuple[bool, str]:
    """What the single check (`gather` + `decide`) says: allowed and basis, or denied and the codes."""
    with ledger.engine.connect() as connection:
        register = ledger.register(connection)
        target = Target(IdentifierKind.EMAIL, address)
        facts, _, _ = gather(connection, ledger.index, register, target, Channel.EMAIL, purpose, AT)
    decision = decide(facts)
    if decision.allowed:
        return True, decision.basis.value if decision.basis else decision.reasons[0].code
    return False, " ".join(reason.code for reason in decision.blocking)


LIST = [
    ERIKA,
    PLAIN,
    OBJECTED,
    SUPPRESSED,
    BROKER,
    CUSTOMER,
    UNKNOWN,
    "kein-at-zeichen",
    " Erika.Muster@Example.DE ",
]


@pytest.mark.parametrize("forked", [True, False], ids=["forked-reader", "reader-in-process"])
def test_every_kind_of_address_lands_in_its_list_with_its_reasons(
    marketed: Ledger, tmp_path: Path, forked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "available", lambda: forked)
    monkeypatch.setattr(worker, "count", lambda: 2)
    listing = tmp_path / "list.csv"
    listing.write_text("email\n" + "\n".join(LIST) + "\n", "utf-8")
    summary, allowed, denied = _run(marketed, listing, lang="en")
    assert _rows(allowed) == [{"address": ERIKA, "basis": "consent"}]
    rows = _denied_by_line(denied)
    assert sorted(rows) == list(range(3, 11))  # every other line, by its line number (header is line 1)
    codes = {line: row["reasons"].split() for line, row in rows.items()}
    assert codes[3][0] == "no_consent"
    assert codes[4][0] in ("objected", "suppressed")  # an objection may also suppress the address
    assert codes[5] == ["suppressed"]
    assert "third_party_address" in codes[6]
    assert "uwg73_similar_goods" in codes[7]
    assert "uwg73_sale" not in codes[7]
    assert codes[8][0] == "no_consent"
    assert rows[9] == {
        "address": "kein-at-zeichen",
        "line": "9",
        "reasons": "invalid_address",
        "text": "Line 9 holds no valid address.",
    }
    assert rows[10]["reasons"] == "duplicate_address"
    assert "line 2" in rows[10]["text"]
    assert "suppression list" in rows[5]["text"]
    assert summary.lines == 9
    assert summary.allowed == 1
    assert summary.denied == 8
    assert summary.by_basis == {"consent": 1}
    assert summary.by_reason["invalid_address"] == 1
    assert summary.by_reason["duplicate_address"] == 1
    assert summary.header == ["email"]


@pytest.mark.parametrize("whole_ledger", [True, False], ids=["ledger-read-once", "ledger-asked-per-chunk"])
@pytest.mark.parametrize("purpose", ["newsletter", "product_information", "review_request"])
def test_the_list_decides_exactly_like_the_single_check(
    marketed: Ledger, tmp_path: Path, purpose: str, whole_ledger: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(campaign_facts, "SCAN_ROWS_PER_PROBE", 10**9 if whole_ledger else 0)
    listing = tmp_path / "list.csv"
    listing.write_text("\n".join(LIST[:7]) + "\n", "utf-8")
    _, allowed, denied = _run(marketed, listing, purpose)
    got = {row["address"]: (True, row["basis"]) for row in _rows(allowed)}
    got |= {row["address"]: (False, row["reasons"]) for row in _rows(denied)}
    expected = {address: _expected(marketed, address, purpose) for address in LIST[:7]}
    if whole_ledger and purpose != "product_information":  # sales not read: their conditions unexamined
        for address in LIST[:6]:
            ok, codes = expected[address]
            expected[address] = (ok, " ".join(c for c in codes.split() if c not in SALE_REASONS))
    assert got == expected
    if purpose == "product_information":
        assert got[CUSTOMER] == (True, "uwg_7_3")  # § 7(3) UWG: sale, similar goods, notice, no objection


def test_awkward_csv_files_lose_no_line(marketed: Ledger, tmp_path: Path) -> None:
    listing = tmp_path / "excel.csv"
    lines = [
        "Name;E-Mail;EMAIL",  # 1: header, the address column found by name (case-insensitive), not first
        '"Muster; Erika";x;erika.muster@example.de',  # 2: a quoted delimiter
        "",  # 3: empty lines are skipped
        "   ",
        'Max;x;"max.mustermann@example.de"',  # 5: a quoted address
        'Otto;x;"otto@example.de',  # 6: broken quoting: this line only
        "nur ein Feld",  # 7: too few cells
        'Otto;x;"a"b"',  # 8: broken quoting again
        "Zoë;x;niemand@example.org",  # 9: UTF-8 in another cell
    ]
    listing.write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n" + "Jörg;x;j@x.de\r\n".encode("cp1252")
    )
    summary, allowed, denied = _run(marketed, listing)
    assert [row["address"] for row in _rows(allowed)] == [ERIKA]
    rows = _denied_by_line(denied)
    assert sorted(rows) == [5, 6, 7, 8, 9, 10]
    assert rows[5]["address"] == PLAIN
    assert [rows[n]["reasons"] for n in (6, 7, 8)] == ["invalid_address"] * 3
    assert rows[7]["address"] == "nur ein Feld"
    assert rows[10]["address"] == "j@x.de"
    assert rows[10]["reasons"] != "invalid_address"
    assert summary.header == ["Name", "E-Mail", "EMAIL"]
    assert summary.lines == 7


@pytest.mark.parametrize("forked", [True, False], ids=["forked-reader", "reader-in-process"])
def test_a_long_list_is_checked_chunk_by_chunk_in_order(
    marketed: Ledger, tmp_path: Path, forked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "available", lambda: forked)
    monkeypatch.setattr(worker, "count", lambda: 2)
    monkeypatch.setattr(address_list, "BLOCK", 64)  # a few lines per chunk
    monkeypatch.setattr(campaign_facts, "SCAN_ROWS_PER_PROBE", 0)  # the ledger asked per chunk
    addresses = [f"person{i}@example.org" for i in range(40)] + [ERIKA, "person3@example.org", ERIKA]
    listing = tmp_path / "long.csv"
    listing.write_text("\n".join(addresses) + "\n", "utf-8")
    summary, allowed, denied = _run(marketed, listing)
    assert [row["address"] for row in _rows(allowed)] == [ERIKA]
    rows = _rows(denied)
    assert [int(row["line"]) for row in rows] == [*range(1, 41), 42, 43]
    assert [row["reasons"] for row in rows[-2:]] == ["duplicate_address"] * 2
    assert summary.lines == 43
    assert summary.by_reason["duplicate_address"] == 2


def test_phone_lists_are_checked_like_single_phone_checks(marketed: Ledger, tmp_path: Path) -> None:
    listing = tmp_path / "sms.csv"
    listing.write_text('telefon\n"+49 30 1234567"\n030 1234567\nkeine Nummer\n+49 40 7654321\n', "utf-8")
    allowed, denied = tmp_path / "ok.csv", tmp_path / "no.csv"
    check_list(
        marketed,
        listing,
        Channel.SMS,
        "newsletter",
        Actor("test"),
        allowed_path=allowed,
        denied_path=denied,
        at=AT,
        column="telefon",
    )
    rows = _denied_by_line(denied)
    assert _rows(allowed) == []
    assert rows[3]["reasons"] == "duplicate_address"  # the same number, written otherwise
    assert rows[4]["reasons"] == "invalid_address"
    with marketed.engine.connect() as connection:
        register = marketed.register(connection)
        for line, number in ((2, "+49 30 1234567"), (5, "+49 40 7654321")):
            target = Target(IdentifierKind.PHONE, number)
            facts, _, _ = gather(connection, marketed.index, register, target, Channel.SMS, "newsletter", AT)
            assert rows[line]["reasons"] == " ".join(r.code for r in decide(facts).blocking)


def test_a_list_without_header_is_read_from_its_first_column(marketed: Ledger, tmp_path: Path) -> None:
    listing = tmp_path / "plain.csv"
    listing.write_text(f"{ERIKA},Erika\n{UNKNOWN},Niemand\n", "utf-8")
    summary, allowed, denied = _run(marketed, listing)
    assert summary.header is None
    assert summary.lines == 2
    assert [row["address"] for row in _rows(allowed)] == [ERIKA]
    assert _denied_by_line(denied)[2]["address"] == UNKNOWN


def test_the_column_may_be_named_or_numbered(marketed: Ledger, tmp_path: Path) -> None:
    listing = tmp_path / "named.csv"
    listing.write_text(f"name,mail\nErika,{ERIKA}\n", "utf-8")
    assert _run(marketed, listing, column="Mail")[0].allowed == 1
    listing.write_text(f"Erika,{ERIKA}\n", "utf-8")
    assert _run(marketed, listing, column="2")[0].allowed == 1
    with pytest.raises(InvalidInput, match="no column 'newsletter'"):
        _run(marketed, listing, column="newsletter")


# fmt: off
EDGE_CASES = [
    "a@b.de", " A.B@Example.DE ", "a..b@x.de", ".a@x.de", "a.@x.de", "a@x", "a@x.d", "a@x.d3", "a@-x.de",
    "a@x-.de", "a@x--y.de", "a@xn--bcher-kva.de", "a@foo.test", "a@foo.local", "a@localhost", "a@a.arpa",
    "a@onion.de", "ä@x.de", "a@bücher.de", "a@x.de.", "a@@x.de", "a b@x.de", '"a"@x.de', "a@[127.0.0.1]",
    "a+tag@x.de", "o'brien@x.ie", "{a}@x.de", "a@1.2.3.4", "a@x.museum", "a@x.co.uk", "", " ", "@", "a@",
    "@x.de", "x" * 64 + "@x.de", "x" * 65 + "@x.de", "a@" + "x" * 63 + ".de", "a@" + "x" * 64 + ".de",
    "a@" + ".".join(["x" * 60] * 4) + ".de", "a@x.de\n", "a@x.de\u00a0", "\u200ba@x.de", "A@X.DE",
    "a@x_y.de", "a@x.123", "a@x.c0m", "a@X.Com", "ａ@x.de", "a＠x.de", "a@x.de;b@y.de", "a--b@x.de",
    "a@x.-de", "a@x.de-", "\u212a@x.de", "a@x.de ", "-a@x.de", "a-@x.de", "a@x.d-e.de",
]
# fmt: on


def _reference(raw: str) -> str | None:
    try:
        return normalise(IdentifierKind.EMAIL, raw)
    except InvalidIdentifier:
        return None


def test_fast_normaliser_gives_what_normalise_gives() -> None:
    rng = random.Random(6)
    pieces = [
        "a",
        "Z",
        "0",
        ".",
        "-",
        "_",
        "+",
        "@",
        "x",
        "de",
        "xn--",
        "..",
        "--",
        "ä",
        " ",
        '"',
        "test",
        "com",
    ]
    fuzz = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    domains = ["de", "test", "c"]
    plausible = [
        f"{rng.choice(pieces)}{rng.choice(['a', 'b.c', 'D-e'])}@{rng.choice(pieces)}x.{rng.choice(domains)}"
        for _ in range(5_000)
    ]
    for raw in EDGE_CASES + fuzz + plausible:
        assert normalise_email(raw) == _reference(raw), repr(raw)


@pytest.fixture
def cli(settings: Any) -> CliRunner:
    return CliRunner()


def test_cli_writes_both_lists_and_exits_0(cli: CliRunner, marketed: Ledger, tmp_path: Path) -> None:
    listing = tmp_path / "kampagne.csv"
    listing.write_text("email;name\n" + "\n".join(f"{a};x" for a in LIST) + "\n", "utf-8")
    args = ["marketing", "check-list", str(listing), "--channel", "email", "--purpose", "newsletter"]
    result = cli.invoke(app, [*args, "--at", "2026-06-01T12:00:00+02:00", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "9 addresses" in result.output
    assert "1 allowed" in result.output
    assert _rows(tmp_path / "kampagne.allowed.csv") == [{"address": ERIKA, "basis": "consent"}]
    assert len(_rows(tmp_path / "kampagne.denied.csv")) == 8
    quiet = cli.invoke(app, [*args, "--quiet", "--denied", str(tmp_path / "nein.csv")])
    assert quiet.exit_code == 0
    assert quiet.output == ""
    assert len(_rows(tmp_path / "nein.csv")) == 8
    with marketed.engine.connect() as connection:
        entries = connection.execute(
            select(t.AuditEntry.actor, t.AuditEntry.reason).where(
                t.AuditEntry.action == "marketing.list_checked"
            )
        ).all()
    assert len(entries) == 2
    assert entries[0].actor.startswith("cli:")
    counts = json.loads(entries[0].reason.split(": ", 1)[1])
    assert counts["allowed"] == 1
    assert counts["denied"] == 8
    assert counts["purpose"] == "newsletter"
    assert all("@" not in (entry.reason or "") for entry in entries)  # no addresses in the audit trail


def test_cli_refuses_a_missing_file_or_column(cli: CliRunner, marketed: Ledger, tmp_path: Path) -> None:
    args = ["--channel", "email", "--purpose", "newsletter"]
    missing = cli.invoke(app, ["marketing", "check-list", str(tmp_path / "nope.csv"), *args])
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    listing = tmp_path / "l.csv"
    listing.write_text(f"{ERIKA}\n", "utf-8")
    wrong = cli.invoke(app, ["marketing", "check-list", str(listing), *args, "--column", "mail"])
    assert wrong.exit_code == 2
    assert "no column 'mail'" in wrong.output
