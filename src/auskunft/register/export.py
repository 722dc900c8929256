"""The register as the record of processing activities (Art. 30(1) GDPR): CSV for spreadsheets, PDF to file.

Both draw the same resolved rows (`records`): labels instead of keys, legal bases as citations, the
recipients with their role, the third-country transfers with country and safeguard, the retention period
— in German or English.

CSV: one row per activity, `;`-separated and UTF-8 with a byte-order mark, so that Excel in a German
locale opens it with umlauts and columns right; lists inside a cell are separated by ", ". A cell that
would start with `=`, `+`, `-` or `@` gets a leading apostrophe, so that no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from auskunft.answer.queries import EEA
from auskunft.domain import categories, legal_basis
from auskunft.i18n import translations
from auskunft.register.model import ActivitySpec, Localised, RecipientSpec, Register
from auskunft.templating import environment

ROLES = ("processor", "third_party", "joint_controller", "authority")


def role_labels(lang: str) -> dict[str, str]:
    _ = translations(lang).gettext
    return {
        "processor": _("processor (Art. 28)"),
        "third_party": _("third party"),
        "joint_controller": _("joint controller (Art. 26)"),
        "authority": _("authority"),
    }


@dataclass(frozen=True, slots=True)
class Transfer:
    recipient: str
    country: str
    safeguard: str | None


@dataclass(frozen=True, slots=True)
class Record:
    """One activity with every field of Art. 30(1)(b)-(g), ready to print."""

    key: str
    name: str
    description: str | None
    data_subjects: str | None
    categories: list[str]
    special_categories: list[str]
    """Those of Art. 9 or 10 GDPR."""
    legal_bases: list[str]
    legitimate_interest: str | None
    recipients: list[str]
    transfers: list[Transfer]
    retention: str | None
    automated_decision: str | None
    security_measures: str | None


def _text(value: Localised | None, lang: str) -> str | None:
    return value.get(lang) if value else None


def _recipient(spec: RecipientSpec | None, name: str, lang: str) -> str:
    if spec is None:
        return name
    details = [role_labels(lang).get(spec.role, spec.role)] + ([spec.country] if spec.country else [])
    return f"{name} ({', '.join(details)})"


def _record(register: Register, activity: ActivitySpec, lang: str) -> Record:
    recipients = {r.name: r for r in register.recipients}
    rules = {r.key: r for r in register.retention_rules}
    rule = rules.get(activity.retention)
    retention = None
    if rule is not None:
        retention = rule.label.get(lang) + (f" ({rule.legal_ref})" if rule.legal_ref else "")
    transfers = [
        Transfer(name, spec.country, spec.safeguard)
        for name in activity.recipients
        if (spec := recipients.get(name)) is not None and spec.country and spec.country not in EEA
    ]
    taxonomy = categories.taxonomy()
    decision = activity.automated_decision
    return Record(
        key=activity.key,
        name=activity.name.get(lang),
        description=_text(activity.description, lang),
        data_subjects=_text(activity.data_subjects, lang),
        categories=[categories.label(key, lang) for key in activity.categories],
        special_categories=[
            categories.label(key, lang)
            for key in activity.categories
            if key in taxonomy and (taxonomy[key].special or taxonomy[key].criminal)
        ],
        legal_bases=[legal_basis.citation(code, lang) for code in activity.legal_basis],
        legitimate_interest=_text(activity.legitimate_interest, lang),
        recipients=[_recipient(recipients.get(name), name, lang) for name in activity.recipients],
        transfers=transfers,
        retention=retention,
        automated_decision=(
            " ".join(
                [decision.logic.get(lang), decision.significance.get(lang), decision.consequences.get(lang)]
            )
            if decision
            else None
        ),
        security_measures=_text(activity.security_measures, lang)
        or _text(register.controller.security_measures, lang),
    )


def records(register: Register, lang: str) -> list[Record]:
    return [_record(register, activity, lang) for activity in register.activities]


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(register: Register, lang: str) -> bytes:
    """One row per activity; `;`-separated, UTF-8 with BOM, CRLF line ends (for Excel)."""
    _ = translations(lang).gettext
    header = [
        _("Key"),
        _("Processing activity"),
        _("Purpose"),
        _("Categories of data subjects"),
        _("Categories of personal data"),
        _("Special categories (Art. 9/10)"),
        _("Legal basis"),
        _("Legitimate interest"),
        _("Recipients"),
        _("Third-country transfers"),
        _("Retention period"),
        _("Automated decision-making (Art. 22)"),
        _("Technical and organisational measures"),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for record in records(register, lang):
        transfers = [
            f"{t.recipient}: {t.country}" + (f" – {t.safeguard}" if t.safeguard else "")
            for t in record.transfers
        ]
        writer.writerow(
            [
                _cell(value)
                for value in (
                    record.key,
                    record.name,
                    record.description,
                    record.data_subjects,
                    ", ".join(record.categories),
                    ", ".join(record.special_categories),
                    ", ".join(record.legal_bases),
                    record.legitimate_interest,
                    ", ".join(record.recipients),
                    ", ".join(transfers),
                    record.retention,
                    record.automated_decision or _("no"),
                    record.security_measures,
                )
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_html(register: Register, lang: str, today: date) -> str:
    template = environment("auskunft.register", lang).get_template("art30.html.j2")
    return template.render(
        lang=lang,
        register=register,
        controller=register.controller,
        records=records(register, lang),
        roles=role_labels(lang),
        eea=EEA,
        today=today.strftime("%d.%m.%Y") if lang == "de" else today.isoformat(),
    )


def to_pdf(register: Register, lang: str, today: date) -> bytes:
    """The Art. 30 record as PDF (WeasyPrint): controller, DPO, every activity with (a)-(g)."""
    from weasyprint import HTML

    pdf = HTML(string=to_html(register, lang, today)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
