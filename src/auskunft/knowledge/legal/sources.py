"""Official files in, articles out: read files, folders and zips, recognise each format by its content.

Formats (see docs/legal.md): gesetze-im-internet.de XML (root `dokumente`), Formex 4 acts (root `ACT`) and
corrigenda (root `CORR`), EUR-Lex OJ XHTML. A zip (the gesetze-im-internet.de download) is opened and its XML
members read. File names do not matter. Corrigenda are applied to the act they name, in order of publication.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from auskunft.knowledge.legal import corrigenda, formex, gii, oj_xhtml
from auskunft.knowledge.legal.citation import with_citations
from auskunft.knowledge.legal.errors import LegalImportError, UnknownFormat
from auskunft.knowledge.legal.model import LegalArticle

MAX_BYTES = 50 * 1024 * 1024
"""Largest official file accepted (the GDPR XHTML is under 1 MB; a zip member bomb is refused)."""

ELI = {
    ("2016/679", "de"): "https://eur-lex.europa.eu/eli/reg/2016/679/oj/deu",
    ("2016/679", "en"): "https://eur-lex.europa.eu/eli/reg/2016/679/oj/eng",
}


@dataclass(frozen=True, slots=True)
class Document:
    """One file's content and where it came from (a path or an address), for messages and `source_url`."""

    name: str
    data: bytes
    url: str | None = None


@dataclass
class Batch:
    """What one import read: the articles of each law, and what it left out (unrecognised files)."""

    articles: list[LegalArticle] = field(default_factory=list)
    corrigenda: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def laws(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for article in self.articles:
            counts[(article.law, article.language)] = counts.get((article.law, article.language), 0) + 1
        return counts


def read_paths(paths: Iterable[Path]) -> tuple[list[Document], list[str]]:
    """The documents of files and folders (every file inside, hidden ones aside), and what was skipped."""
    documents: list[Document] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    if _sniff(child.read_bytes()[:4096]) is None:
                        skipped.append(str(child))
                    else:
                        documents.append(_read(child))
        elif path.is_file():
            documents.append(_read(path))
        else:
            raise LegalImportError(f"{path}: no such file or folder")
    return documents, skipped


def load(documents: list[Document], laws: set[str] | None = None) -> Batch:
    """Parse all documents; apply corrigenda; keep only `laws` (short names, any case) if given."""
    batch = Batch()
    acts: list[formex.Act] = []
    corrections: list[tuple[str, corrigenda.Corrigendum]] = []
    for document in _expand(documents):
        kind, parsed = _parse(document)
        if kind == "corrigendum":
            assert isinstance(parsed, corrigenda.Corrigendum)
            corrections.append((document.name, parsed))
        elif isinstance(parsed, formex.Act):
            acts.append(parsed)
        else:
            assert isinstance(parsed, list)
            batch.articles.extend(parsed)
    for act in acts:
        mine = sorted(
            (c for _name, c in corrections if c.act == act.act and c.language == act.language),
            key=lambda c: c.date,
        )
        articles = act.articles
        for corrigendum in mine:
            articles = corrigenda.apply(articles, corrigendum)
            batch.corrigenda.append(corrigendum.reference)
        if mine:
            joiner = " berichtigt durch " if act.language == "de" else " as corrected by "
            stand = (articles[0].stand or "") + joiner + _and(act.language, [c.reference for c in mine])
            articles = [replace(article, stand=stand) for article in articles]
        url = ELI.get((act.act, act.language))
        batch.articles.extend(replace(a, source_url=a.source_url or url) for a in articles)
    orphans = [
        name for name, c in corrections if not any(c.act == a.act and c.language == a.language for a in acts)
    ]
    if orphans:
        raise LegalImportError(
            f"{', '.join(orphans)}: a corrigendum needs the act it corrects in the same import"
        )
    if laws:
        wanted = {law.upper() for law in laws}
        batch.articles = [a for a in batch.articles if a.law.upper() in wanted]
    batch.articles = with_citations(batch.articles)
    return batch


def _and(language: str, items: list[str]) -> str:
    word = " und " if language == "de" else " and "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def _read(path: Path) -> Document:
    if path.stat().st_size > MAX_BYTES:
        raise LegalImportError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB, not an official text")
    return Document(name=str(path), data=path.read_bytes())


def _expand(documents: list[Document]) -> list[Document]:
    """Zips replaced by their members."""
    expanded: list[Document] = []
    for document in documents:
        if not document.data.startswith(b"PK"):
            expanded.append(document)
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(document.data)) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    if info.file_size > MAX_BYTES:
                        raise LegalImportError(f"{document.name}: member {info.filename} is too large")
                    data = archive.read(info)
                    if _sniff(data[:4096]) is not None:
                        expanded.append(Document(f"{document.name}!{info.filename}", data, document.url))
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as error:
            raise LegalImportError(f"{document.name}: not a complete zip archive ({error})") from error
    return expanded


def _sniff(head: bytes) -> str | None:
    """ "zip", "xml", "html" or None, from the first bytes."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if oj_xhtml.looks_like_oj_xhtml(head):
        return "html"
    if text.startswith(b"<"):
        return "xml"
    return None


def _parse(document: Document) -> tuple[str, object]:
    sniffed = _sniff(document.data[:4096])
    if sniffed == "html":
        return "act", oj_xhtml.parse_bytes(document.data, document.url)
    if sniffed != "xml":
        raise UnknownFormat(f"{document.name}: neither XML, XHTML nor a zip archive")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(document.data, parser)
    except etree.XMLSyntaxError as error:
        raise UnknownFormat(f"{document.name}: not well-formed XML ({error})") from error
    if gii.is_gii(root):
        return "statute", gii.parse(root)
    if formex.is_act(root):
        return "act", formex.parse(root, document.url)
    if corrigenda.is_corrigendum(root):
        return "corrigendum", corrigenda.parse(root)
    raise UnknownFormat(
        f"{document.name}: XML of an unknown kind (root <{root.tag}>); expected gii-norm, Formex ACT or CORR"
    )
