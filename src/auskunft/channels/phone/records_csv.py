"""Importing a telephone system's call records (CSV) with a documented column mapping (docs/phone.md).

The mapping names, for each field of a call, the column that holds it. The default fits a common export:
`call_id;start;duration;caller;line;agent;direction;notes`. Delimiter (`,` or `;`) and encoding (UTF-8,
with or without BOM, or Windows-1252) are detected. Times are ISO 8601 or German (`21.11.2026 14:03[:05]`),
read in the configured time zone when they carry none; durations are seconds or `[h:]mm:ss`. A row that
cannot be read is reported with its line number and reason; every other row is stored all the same.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from auskunft.channels.phone.calls import Call, log_call
from auskunft.errors import AuskunftError, InvalidInput
from auskunft.ledger import Ledger

FIELDS = ("call_id", "start", "duration", "caller", "line", "agent", "direction", "notes", "queue")
REQUIRED = ("start", "caller")
DEFAULT_MAPPING = {name: name for name in FIELDS}
MAX_FILE_BYTES = 200 * 1024 * 1024

_DIRECTIONS = {
    "in": "inbound",
    "inbound": "inbound",
    "eingehend": "inbound",
    "ankommend": "inbound",
    "out": "outbound",
    "outbound": "outbound",
    "ausgehend": "outbound",
    "abgehend": "outbound",
}


@dataclass
class ImportReport:
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`field=Column` pairs over the default mapping, e.g. ["caller=Rufnummer", "start=Beginn"]."""
    mapping = dict(DEFAULT_MAPPING)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS or not column.strip():
            raise InvalidInput(
                f"bad mapping {pair!r}: use field=Column with field one of {', '.join(FIELDS)}"
            )
        mapping[name] = column.strip()
    return mapping


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("the file is neither UTF-8 nor Windows-1252 text")


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _german_seconds(value: str) -> datetime:
    return datetime.strptime(value, "%d.%m.%Y %H:%M:%S")


def _german_minutes(value: str) -> datetime:
    return datetime.strptime(value, "%d.%m.%Y %H:%M")


def _time(value: str, zone: ZoneInfo) -> datetime:
    value = value.strip()
    for parse in (_iso, _german_seconds, _german_minutes):
        try:
            moment = parse(value)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    raise InvalidInput(f"unreadable time {value[:30]!r} (use ISO 8601 or 21.11.2026 14:03:05)")


def _duration(value: str) -> int:
    value = value.strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    parts = value.split(":")
    if all(p.isdigit() for p in parts) and 2 <= len(parts) <= 3:
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + int(part)
        return seconds
    raise InvalidInput(f"unreadable duration {value[:20]!r} (use seconds or mm:ss)")


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k is not None}


def read_calls(text: str, mapping: dict[str, str], zone: ZoneInfo) -> Iterator[tuple[int, Call | str]]:
    """(line, call) for every row, or (line, reason) for a row that cannot be read."""
    header_checked = False
    for line, row in _rows(text):
        if not header_checked:
            missing = [mapping[f] for f in REQUIRED if mapping[f] not in row]
            if missing:
                raise InvalidInput(f"the file has no column {', '.join(map(repr, missing))} (see --map)")
            header_checked = True

        def get(name: str, row: dict[str, str] = row) -> str:
            return row.get(mapping[name], "").strip()

        try:
            if not get("caller"):
                raise InvalidInput("no caller number")
            direction = _DIRECTIONS.get(get("direction").lower() or "inbound")
            if direction is None:
                raise InvalidInput(f"unknown direction {get('direction')[:20]!r}")
            started = _time(get("start"), zone)
            call_id = (
                get("call_id")
                or hashlib.sha256(f"{get('start')}|{get('caller')}|{get('line')}".encode()).hexdigest()[:24]
            )
            yield (
                line,
                Call(
                    caller=get("caller"),
                    started_at=started,
                    duration_s=_duration(get("duration")),
                    agent=get("agent") or None,
                    notes=get("notes"),
                    direction="outbound" if direction == "outbound" else "inbound",
                    line=get("line") or None,
                    call_id=call_id,
                    queue=get("queue") or None,
                ),
            )
        except AuskunftError as exc:
            yield line, str(exc)


def import_file(ledger: Ledger, path: Path, mapping: dict[str, str]) -> ImportReport:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise InvalidInput(f"{path} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    text = _decode(path.read_bytes())
    report = ImportReport()
    zone = ZoneInfo(ledger.settings.timezone)
    for line, item in read_calls(text, mapping, zone):
        report.rows += 1
        if isinstance(item, str):
            report.errors.append(f"line {line}: {item}")
            continue
        try:
            received = log_call(ledger, item)
        except AuskunftError as exc:
            report.errors.append(f"line {line}: {exc}")
            continue
        if received.duplicate:
            report.duplicates += 1
        else:
            report.stored += 1
            if received.case_id is not None:
                report.requests += 1
    return report
