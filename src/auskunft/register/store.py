"""Loading the register file into the ledger, and reading it back for answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import Connection, delete, insert, select, update

from auskunft.domain.retention import RetentionRule
from auskunft.errors import InvalidRegister
from auskunft.register.model import ActivitySpec, ControllerInfo, RecipientSpec, Register, RetentionRuleSpec
from auskunft.store import tables as t


def parse(path: Path) -> Register:
    """The register in a YAML file; InvalidRegister naming every problem found."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRegister(f"cannot read {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise InvalidRegister(f"{path} is not valid YAML: {exc}") from None
    try:
        return Register.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
        )
        raise InvalidRegister(f"{path}: {problems}") from None


@dataclass(frozen=True, slots=True)
class LoadReport:
    activities: int
    recipients: int
    retention_rules: int


def save(connection: Connection, register: Register) -> LoadReport:
    """Replace controller, activities and retention rules; add or update recipients by name.

    Recipients are never deleted: disclosures already recorded keep pointing at them.
    """
    now = datetime.now(UTC)
    connection.execute(delete(t.Controller))
    connection.execute(
        insert(t.Controller), [{"id": 1, "document": register.controller.model_dump(), "loaded_at": now}]
    )
    connection.execute(delete(t.Activity))
    if register.activities:
        connection.execute(
            insert(t.Activity),
            [{"key": a.key, "document": a.model_dump(mode="json")} for a in register.activities],
        )
    connection.execute(delete(t.RetentionRuleRow))
    if register.retention_rules:
        connection.execute(
            insert(t.RetentionRuleRow),
            [{"key": r.key, "document": r.model_dump(mode="json")} for r in register.retention_rules],
        )
    known = set(connection.scalars(select(t.Recipient.name)))
    for recipient in register.recipients:
        values = {
            "role": recipient.role,
            "country": recipient.country,
            "safeguard": recipient.safeguard,
            "description": recipient.description.model_dump_json() if recipient.description else None,
            "contact": recipient.contact,
        }
        if recipient.name in known:
            connection.execute(update(t.Recipient).where(t.Recipient.name == recipient.name).values(**values))
        else:
            connection.execute(insert(t.Recipient).values(name=recipient.name, **values))
    return LoadReport(len(register.activities), len(register.recipients), len(register.retention_rules))


@dataclass(frozen=True, slots=True)
class RegisterView:
    """The register as stored, ready for the answer builder."""

    controller: ControllerInfo | None
    activities: dict[str, ActivitySpec]
    retention_rules: dict[str, RetentionRule]
    recipients: dict[str, RecipientSpec]
    """Every recipient known to the ledger (from the register or from disclosures), by name."""


def read(connection: Connection) -> RegisterView:
    controller_doc = connection.scalar(select(t.Controller.document))
    activities = {
        key: ActivitySpec.model_validate(doc)
        for key, doc in connection.execute(select(t.Activity.key, t.Activity.document))
    }
    rules = {
        key: RetentionRuleSpec.model_validate(doc).rule()
        for key, doc in connection.execute(select(t.RetentionRuleRow.key, t.RetentionRuleRow.document))
    }
    recipients = {}
    for row in connection.execute(select(t.Recipient)):
        description = row.description
        recipients[row.name] = RecipientSpec.model_validate(
            {
                "name": row.name,
                "role": row.role,
                "country": row.country,
                "safeguard": row.safeguard,
                "description": json.loads(description) if description else None,
                "contact": row.contact,
            }
        )
    return RegisterView(
        controller=ControllerInfo.model_validate(controller_doc) if controller_doc else None,
        activities=activities,
        retention_rules=rules,
        recipients=recipients,
    )
