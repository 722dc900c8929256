"""Editing the stored register one entry at a time: an activity, a recipient, a retention rule, the
controller.

A change is applied to the whole register as stored and validated exactly as `auskunft register load`
validates a file (the `Register` model: every field, every broken reference, all reported at once). Only a
valid register is saved, in one transaction with its audit entry (who, when, what changed). A form opened
before someone else saved carries an older `stamp` and is refused rather than silently overwriting.
Recipients are never deleted, as with `register load` (recorded disclosures point at them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import Connection, insert, select

from auskunft.errors import Conflict, InvalidRegister, NotFound
from auskunft.ledger import Actor, Ledger
from auskunft.register import store
from auskunft.register.model import Register
from auskunft.store import tables as t

Section = Literal["activities", "recipients", "retention_rules", "controller"]
KEY_FIELD: dict[str, str] = {"activities": "key", "recipients": "name", "retention_rules": "key"}
NOUN = {"activities": "activity", "recipients": "recipient", "retention_rules": "retention_rule"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the register: where (path into the document), pydantic's type and message."""

    loc: tuple[str | int, ...]
    type: str
    message: str


class RegisterRefused(InvalidRegister):
    """The register after the change would be invalid; nothing was saved. `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("the register is not valid: " + "; ".join(_plain(p) for p in problems))
        self.problems = problems


def _plain(problem: Problem) -> str:
    where = ".".join(str(part) for part in problem.loc)
    return f"{where}: {problem.message}" if where else problem.message


def document(connection: Connection) -> dict[str, Any]:
    """The register as stored, as the plain document a register file holds (no controller: none loaded)."""
    view = store.read(connection)
    doc: dict[str, Any] = {"version": 1}
    if view.controller is not None:
        doc["controller"] = view.controller.model_dump(mode="json", exclude_none=True)
    rules = connection.execute(select(t.RetentionRuleRow.document).order_by(t.RetentionRuleRow.id))
    doc["retention_rules"] = [dict(row) for row in rules.scalars()]
    doc["recipients"] = [
        spec.model_dump(mode="json", exclude_none=True)
        for spec in sorted(view.recipients.values(), key=_name)
    ]
    activities = connection.execute(select(t.Activity.document).order_by(t.Activity.id))
    doc["activities"] = [dict(row) for row in activities.scalars()]
    return doc


def _name(spec: Any) -> str:
    return str(spec.name).casefold()


def stamp(connection: Connection) -> str:
    """When the register was last saved: forms carry it, so a save over someone else's is refused."""
    loaded = connection.scalar(select(t.Controller.loaded_at))
    return loaded.isoformat() if loaded else ""


def validate(doc: dict[str, Any]) -> Register:
    """The register in `doc`; RegisterRefused naming every problem (each broken reference on its own)."""
    try:
        return Register.model_validate(doc)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            parts = message.split("; ") if error["type"] == "value_error" and not error["loc"] else [message]
            problems += [Problem(tuple(error["loc"]), error["type"], part) for part in parts]
        raise RegisterRefused(problems) from None


def _prune(value: Any) -> Any:
    """Drop empty strings, lists and objects (an empty form field means "not given")."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value if v not in (None, "")]
    return value.strip() if isinstance(value, str) else value


def _describe(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """What changed, field by field, short enough for the audit trail."""
    if before is None or after is None:
        return ""
    changes = []
    for field in dict.fromkeys([*before, *after]):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            added = [str(v) for v in new or [] if v not in (old or [])]
            removed = [str(v) for v in old or [] if v not in (new or [])]
            changes.append(f"{field} " + ", ".join([f"+{v}" for v in added] + [f"-{v}" for v in removed]))
        elif isinstance(old, dict) or isinstance(new, dict):
            changes.append(f"{field} changed")
        else:
            changes.append(f"{field}: {_short(old)} -> {_short(new)}")
    return "; ".join(changes) or "no change"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "-"
    return text if len(text) <= 60 else text[:59] + "…"


@dataclass(frozen=True, slots=True)
class Saved:
    register: Register
    action: str
    what: str


def change(
    ledger: Ledger,
    section: Section,
    key: str | None,
    item: dict[str, Any] | None,
    actor: Actor,
    expected_stamp: str,
) -> Saved:
    """Replace the entry `key` of `section` by `item` (key None: add it; item None: delete it), validate the
    whole register, save it and audit the change. For the controller, `key` is ignored."""
    with ledger.engine.begin() as connection:
        if stamp(connection) != expected_stamp:
            raise Conflict("the register was changed by someone else in the meantime; reload the page")
        doc = document(connection)
        before, after = _apply(doc, section, key, None if item is None else _prune(item))
        register = validate(doc)
        store.save(connection, register)
        if section == "controller":
            action, label = "register.controller.changed", "controller"
        else:
            verb = "added" if before is None else "deleted" if after is None else "changed"
            name = (after or before or {}).get(KEY_FIELD[section], key)
            action, label = f"register.{NOUN[section]}.{verb}", f"{NOUN[section]} {name!r}"
        what = f"{label}: {_describe(before, after)}" if before and after else label
        connection.execute(
            insert(t.AuditEntry).values(
                at=datetime.now(UTC), actor=actor.name, action=action, subject_id=None, reason=what[:2000]
            )
        )
    return Saved(register, action, what)


def _apply(
    doc: dict[str, Any], section: Section, key: str | None, item: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Change `doc` in place; the entry before and after."""
    if section == "controller":
        if item is None:
            raise Conflict("the controller cannot be deleted")
        before = doc.get("controller")
        doc["controller"] = item
        return before, item
    entries: list[dict[str, Any]] = doc[section]
    field = KEY_FIELD[section]
    if key is None:
        if item is None:
            raise NotFound("nothing to delete")
        entries.append(item)
        return None, item
    index = next((i for i, entry in enumerate(entries) if entry.get(field) == key), None)
    if index is None:
        raise NotFound(f"no {NOUN[section].replace('_', ' ')} {key!r} in the register")
    before = entries[index]
    if item is None:
        if section == "recipients":
            raise Conflict("recipients are never deleted: recorded disclosures point at them")
        del entries[index]
        return before, None
    if item.get(field) != key:
        raise Conflict(f"the {field} of an entry cannot be changed; add a new one instead")
    entries[index] = item = _keep_order(before, item)
    return before, item


def _keep_order(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Lists keep the order they had (a form lists its choices in its own order); new values go last."""
    kept = dict(after)
    for field, values in after.items():
        old = before.get(field)
        if isinstance(values, list) and isinstance(old, list):
            kept[field] = [v for v in old if v in values] + [v for v in values if v not in old]
    return kept
