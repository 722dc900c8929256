"""Reading a campaign list: its lines, the address column, and addresses normalised at speed.

A list is read line by line (a row never spans lines, so a stray quote cannot swallow the rest of the
file); every non-empty line after the header becomes one `Line`, broken or not, so nothing is lost.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import email_validator

from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidIdentifier, InvalidInput

_LOCAL = r"(?!\.)[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)"
_PLAIN = re.compile(rf"{_LOCAL}@((?:[a-z0-9-]{{1,63}}\.)+([a-z]{{2,63}}))")
_SPECIAL = frozenset(email_validator.SPECIAL_USE_DOMAIN_NAMES)
_SPECIAL_SUFFIXES = tuple(f"{c}{name}" for name in _SPECIAL if "." in name for c in ".@")


def normalise_email(raw: str) -> str | None:
    """`normalise(EMAIL, raw)`, None where that raises; plain ASCII addresses without email_validator.

    The fast path takes only what email_validator takes unchanged but for case: dot-atoms in ASCII, a
    domain of LDH labels (no Punycode, no '--') under an alphabetic, not special-use top-level domain,
    within the length limits. Everything else goes to `normalise`. An address already normalised is
    returned as the same object.
    """
    value = raw.strip()
    if value.isascii():
        lowered = value.lower()
        match = _PLAIN.fullmatch(lowered)
        if match is not None and len(lowered) <= 254 and ".." not in lowered:
            domain = match[1]
            if (
                "--" not in domain
                and "-." not in domain
                and ".-" not in domain
                and domain[0] != "-"
                and match[2] not in _SPECIAL
                and not lowered.endswith(_SPECIAL_SUFFIXES)
            ):
                return raw if lowered == raw else lowered
        if "@" not in value:
            return None
    try:
        return normalise(IdentifierKind.EMAIL, raw)
    except InvalidIdentifier:
        return None


def _normalise_other(kind: IdentifierKind, region: str, raw: str) -> str | None:
    try:
        return normalise(kind, raw, region)
    except InvalidIdentifier:
        return None


def address_normaliser(kind: IdentifierKind, region: str) -> Callable[[str], str | None]:
    if kind is IdentifierKind.EMAIL:
        return normalise_email
    return partial(_normalise_other, kind, region)


BLOCK = 2 << 20
"""Bytes read at a time: some 50,000 lines of a typical list."""
Lines = tuple[list[int], list[str], list[str | None]]
"""Lines of the list, as columns: line numbers; the addresses as given (the whole line when the row is
broken); the normalised addresses (None: invalid), the same objects as given where these are normalised."""


@dataclass(slots=True)
class Prepared:
    """A chunk of the list, prepared for checking."""

    lines: Lines
    repeated: dict[int, int]
    """The line each address seen before first appeared on, by the number of the line repeating it."""
    fresh: list[str]
    """The addresses new in this chunk, in the order of their first lines."""
    lookups: bytes
    """Their blind-index lookups, joined (LOOKUP_SIZE bytes each)."""
    read: int
    """Bytes of the list read so far."""

    def lookup_list(self) -> list[bytes]:
        data = self.lookups
        return [data[start : start + LOOKUP_SIZE] for start in range(0, len(data), LOOKUP_SIZE)]


LOOKUP_SIZE = 32


class AddressList:
    """The lines of a CSV list: UTF-8 with or without BOM (else Windows-1252); ',', ';' or tab."""

    def __init__(self, path: Path, column: str | None, normalised: Callable[[str], str | None]) -> None:
        self.path = path
        self.column = column
        self.normalised = normalised
        self.header: list[str] | None = None
        self.bytes_read = 0

    def check(self) -> None:
        """InvalidInput now, before anything is written, if the first row lacks the column named."""
        next(AddressList(self.path, self.column, self.normalised).chunks(1 << 12), None)

    def chunks(self, block: int | None = None) -> Iterator[Lines]:
        """The lines, a block of about `block` (default BLOCK) bytes at a time."""
        block = block or BLOCK
        delimiter: str | None = None
        index = 0
        normalised = self.normalised
        number = 0
        with self.path.open("rb") as handle:
            while raw := handle.readlines(block):
                if number == 0:
                    raw[0] = raw[0].removeprefix(b"\xef\xbb\xbf")
                self.bytes_read += sum(map(len, raw))
                try:  # one decode for the block; line by line only when it is not UTF-8
                    lines = b"".join(raw).decode("utf-8").split("\n")[: len(raw)]
                except UnicodeDecodeError:
                    lines = [_decode(data) for data in raw]
                numbers: list[int] = []
                given: list[str] = []
                addresses: list[str | None] = []
                add_number, add_given, add_address = numbers.append, given.append, addresses.append
                for line in lines:
                    number += 1
                    line = line.rstrip("\r\n")
                    if not line or line.isspace():
                        continue
                    if delimiter is None:
                        delimiter = max((",", ";", "\t"), key=line.count)
                        cells = _cells(line, delimiter)
                        if cells is not None:
                            index, header = self._column(cells)
                            if header:
                                self.header = cells
                                continue
                    cells = line.split(delimiter) if '"' not in line else _cells(line, delimiter)
                    add_number(number)
                    if cells is None or index >= len(cells):
                        add_given(line.strip())
                        add_address(None)
                    else:
                        address = cells[index].strip()
                        add_given(address)
                        add_address(normalised(address))
                yield numbers, given, addresses

    def _column(self, cells: list[str]) -> tuple[int, bool]:
        """The address column and whether `cells` are the header row."""
        names = [cell.strip().lower() for cell in cells]
        wanted = (self.column or "email").lower()
        if wanted in names:
            return names.index(wanted), True
        if self.column is not None and not self.column.isdigit():
            raise InvalidInput(f"the first row of {self.path} has no column {self.column!r}")
        index = int(self.column) - 1 if self.column else 0
        return index, index >= len(cells) or self.normalised(cells[index].strip()) is None


def _decode(data: bytes) -> str:
    """One line: UTF-8, else Windows-1252 (spreadsheet exports)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _cells(line: str, delimiter: str) -> list[str] | None:
    """The cells of one line; None when its quoting is broken. Rows never span lines."""
    if '"' not in line:
        return line.split(delimiter)
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True, strict=True))
    except (csv.Error, StopIteration):
        return None


def prepare(addresses: AddressList, lookup: Callable[[str], bytes]) -> Iterator[Prepared]:
    """The list in chunks, with the repeated addresses and the lookups of the new ones."""
    first_line: dict[str, int] = {}
    for lines in addresses.chunks():
        repeated: dict[int, int] = {}
        fresh: list[str] = []
        for number, address in zip(lines[0], lines[2], strict=True):
            if address is None:
                continue
            first = first_line.setdefault(address, number)
            if first == number:
                fresh.append(address)
            else:
                repeated[number] = first
        yield Prepared(lines, repeated, fresh, b"".join(map(lookup, fresh)), addresses.bytes_read)
