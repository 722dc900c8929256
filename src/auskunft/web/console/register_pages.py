"""The register of processing activities in the console (DPO and admin): view, edit, export.

Viewing shows every activity with purpose, legal basis, categories, recipients, retention, third-country
transfers and automated decision-making, then the recipients, the retention rules and the controller.
Editing is one form per entry (`/console/register/edit?section=…&key=…`); saving goes through
`auskunft.register.edit`, which validates the whole register as `auskunft register load` does, refuses with
every problem named at its field and keeps what was typed, and writes the change to the audit trail.
Exports: CSV (Excel, `;`), PDF (the Art. 30 record) and the register file (YAML) to load elsewhere.
"""

from __future__ import annotations

from typing import Annotated, Any, cast, get_args

import yaml
from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from auskunft.answer.queries import EEA
from auskunft.domain import categories, legal_basis
from auskunft.domain.retention import RetentionTrigger
from auskunft.errors import Conflict, InvalidInput
from auskunft.i18n import Language, language
from auskunft.ledger import Actor
from auskunft.register import edit, export
from auskunft.register.edit import KEY_FIELD, RegisterRefused, Section
from auskunft.register.model import Register
from auskunft.requests import cases
from auskunft.web.auth.deps import ledger_of, require_role
from auskunft.web.auth.sessions import Session
from auskunft.web.auth.users import Role
from auskunft.web.console import register_form
from auskunft.web.console.render import ConsoleRoute, page_language, render

Dpo = Annotated[Session, require_role(Role.DPO)]
SECTIONS: tuple[str, ...] = get_args(Section)
DELETABLE = ("activities", "retention_rules")
FILENAME = {"de": "verarbeitungsverzeichnis", "en": "record-of-processing-activities"}


def _section(value: str) -> Section:
    for section in get_args(Section):
        if value == section:
            return cast(Section, section)
    raise InvalidInput("unknown part of the register")


def _choices(doc: dict[str, Any], lang: Language) -> dict[str, Any]:
    """What the forms offer to pick from: legal bases, categories, recipients, rules, roles, triggers."""
    taxonomy = categories.taxonomy()
    return {
        "bases": [(code, legal_basis.citation(code, lang)) for code in legal_basis.LEGAL_BASES],
        "category_choices": [
            (key, c.label(lang), key.count("."), c.special or c.criminal) for key, c in taxonomy.items()
        ],
        "recipient_names": [r["name"] for r in doc.get("recipients", [])],
        "rule_choices": [(r["key"], r["label"][lang]) for r in doc.get("retention_rules", [])],
        "roles": export.role_labels(lang),
        "triggers": [trigger.value for trigger in RetentionTrigger],
        "channels": register_form.MARKETING_CHANNELS,
    }


def _find(doc: dict[str, Any], section: Section, key: str | None) -> tuple[int | None, dict[str, Any]]:
    if section == "controller":
        return None, dict(doc.get("controller") or {})
    if key is None:
        return None, {}
    for index, item in enumerate(doc[section]):
        if item.get(KEY_FIELD[section]) == key:
            return index, item
    raise InvalidInput("no such entry in the register")


def _form_page(
    request: Request,
    status: int,
    doc: dict[str, Any],
    section: Section,
    key: str | None,
    item: dict[str, Any],
    stamp: str,
    problems: list[register_form.Shown],
) -> Response:
    lang = page_language(request)
    return render(
        request,
        "register_edit.html.j2",
        status,
        title="register",
        section=section,
        key=key,
        item=item,
        stamp=stamp,
        problems=problems,
        problem_fields={p.field for p in problems if p.field},
        deletable=section in DELETABLE and key is not None,
        **_choices(doc, lang),
    )


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _stored(request: Request) -> Register:
    with ledger_of(request).engine.connect() as connection:
        doc = edit.document(connection)
    if "controller" not in doc:
        raise Conflict("no register has been loaded yet")
    return edit.validate(doc)


def router() -> APIRouter:
    routes = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

    @routes.get("/register")
    def register_page(
        request: Request, _session: Dpo, done: Annotated[str | None, Query(max_length=40)] = None
    ) -> Response:
        lang = page_language(request)
        with ledger_of(request).engine.connect() as connection:
            doc = edit.document(connection)
        register: Register | None = None
        problems: list[register_form.Shown] = []
        if "controller" in doc:
            try:
                register = edit.validate(doc)
            except RegisterRefused as exc:
                problems = register_form.shown(exc.problems, "controller", None, lang)
        used_rules: dict[str, int] = {}
        used_recipients: dict[str, int] = {}
        for activity in register.activities if register else []:
            used_rules[activity.retention] = used_rules.get(activity.retention, 0) + 1
            for name in activity.recipients:
                used_recipients[name] = used_recipients.get(name, 0) + 1
        return render(
            request,
            "register.html.j2",
            title="register",
            register=register,
            records={r.key: r for r in export.records(register, lang)} if register else {},
            problems=problems,
            roles=export.role_labels(lang),
            rules={r.key: r for r in register.retention_rules} if register else {},
            eea=EEA,
            citation=lambda code: legal_basis.citation(code, lang),
            used_rules=used_rules,
            used_recipients=used_recipients,
            done=done,
        )

    @routes.get("/register/edit")
    def edit_form(
        request: Request,
        _session: Dpo,
        section: Annotated[str, Query(max_length=20)],
        key: Annotated[str | None, Query(max_length=300)] = None,
    ) -> Response:
        part = _section(section)
        with ledger_of(request).engine.connect() as connection:
            doc = edit.document(connection)
            stamp = edit.stamp(connection)
        _, item = _find(doc, part, key or None)
        return _form_page(request, 200, doc, part, key or None, item, stamp, [])

    @routes.post("/register/edit")
    async def save(request: Request, session: Dpo) -> Response:
        form = await request.form()
        part = _section(str(form.get("section", "")))
        key = str(form.get("entry", "")) or None
        stamp = str(form.get("stamp", ""))
        deleting = form.get("action") == "delete"
        item = None if deleting else register_form.entry(part, form)
        if item is not None and key is not None and part != "controller":
            item[KEY_FIELD[part]] = key
        ledger = ledger_of(request)
        lang = page_language(request)
        try:
            saved = edit.change(ledger, part, key, item, Actor(session.user.actor), stamp)
        except RegisterRefused as exc:
            with ledger.engine.connect() as connection:
                doc = edit.document(connection)
            index = _index_after(doc, part, key)
            shown = register_form.shown(exc.problems, part, index, lang)
            return _form_page(request, 422, doc, part, key, item or _find(doc, part, key)[1], stamp, shown)
        except Conflict as exc:
            with ledger.engine.connect() as connection:
                doc = edit.document(connection)
            conflict = [register_form.Shown("", str(exc))]
            return _form_page(request, 409, doc, part, key, item or {}, stamp, conflict)
        return RedirectResponse(f"/console/register?done={saved.action}", 303)

    @routes.get("/register.csv")
    def register_csv(
        request: Request, _session: Dpo, lang: Annotated[str | None, Query()] = None
    ) -> Response:
        chosen = language(lang) if lang else page_language(request)
        day = cases.today(ledger_of(request)).isoformat()
        csv = export.to_csv(_stored(request), chosen)
        return _download(csv, "text/csv; charset=utf-8", f"{FILENAME[chosen]}-{day}.csv")

    @routes.get("/register.pdf")
    def register_pdf(
        request: Request, _session: Dpo, lang: Annotated[str | None, Query()] = None
    ) -> Response:
        chosen = language(lang) if lang else page_language(request)
        today = cases.today(ledger_of(request))
        pdf = export.to_pdf(_stored(request), chosen, today)
        return _download(pdf, "application/pdf", f"{FILENAME[chosen]}-{today.isoformat()}.pdf")

    @routes.get("/register.yaml")
    def register_yaml(request: Request, _session: Dpo) -> Response:
        register = _stored(request)
        text = yaml.safe_dump(
            register.model_dump(mode="json", exclude_none=True),
            allow_unicode=True,
            sort_keys=False,
            width=110,
        )
        day = cases.today(ledger_of(request)).isoformat()
        return _download(text.encode(), "application/yaml; charset=utf-8", f"register-{day}.yaml")

    return routes


def _index_after(doc: dict[str, Any], section: Section, key: str | None) -> int | None:
    """Where the edited entry sits in the register that was validated (a new one is appended)."""
    if section == "controller":
        return None
    if key is None:
        return len(doc[section])
    return next((i for i, item in enumerate(doc[section]) if item.get(KEY_FIELD[section]) == key), None)
