"""`auskunft legal ...`: import the official texts, show an article by citation, search."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auskunft.config import get_settings
from auskunft.errors import AuskunftError
from auskunft.i18n import translations
from auskunft.knowledge.legal import download, sources
from auskunft.knowledge.legal import store as legal_store
from auskunft.knowledge.legal.errors import LegalImportError
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.ledger import Ledger

app = typer.Typer(help="Legal articles: DSGVO/GDPR, BDSG, UWG, TDDDG, DDG.", no_args_is_help=True)
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)

HOW_TO_DOWNLOAD = (
    "legal texts: not imported (AUSKUNFT_LEGAL_DIR {state}). Download them from the official sites with "
    "`auskunft legal import --download`, or put the official files in a folder and set AUSKUNFT_LEGAL_DIR."
)


class Output(StrEnum):
    TEXT = "text"
    JSON = "json"


class Language(StrEnum):
    DE = "de"
    EN = "en"


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", markup=True)
    return typer.Exit(2)


@app.command("import")
def import_texts(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Official files (.xml, .zip, .html) or folders.")
    ] = None,
    download_: Annotated[
        bool, typer.Option("--download", help="Fetch the texts from their official addresses.")
    ] = False,
    law: Annotated[
        list[str] | None,
        typer.Option("--law", help="Import only this law (DSGVO, GDPR, BDSG, UWG, TDDDG, DDG)."),
    ] = None,
    if_configured: Annotated[
        bool,
        typer.Option(
            "--if-configured", help="Import AUSKUNFT_LEGAL_DIR if it holds files; else say how, exit 0."
        ),
    ] = False,
) -> None:
    """Import legal texts from the official formats; one transaction: all of it or nothing."""
    settings = get_settings()
    paths = list(paths or [])
    laws = set(law) if law else None
    if if_configured and not paths and not download_:
        folder = settings.legal_dir
        if folder is None or not folder.is_dir() or not any(folder.iterdir()):
            state = "unset" if folder is None else f"{folder} has no files"
            err.print(HOW_TO_DOWNLOAD.format(state=state))
            return
        paths = [folder]
    if not paths and not download_:
        raise _fail("name files or folders to import, or use --download (or --if-configured)")
    try:
        documents, skipped = sources.read_paths(paths)
        if download_:
            for source in download.sources_for(laws):
                err.print(f"downloading {download.address(source.url, settings.legal_sources_url)}")
            documents += download.download(laws, settings.legal_sources_url, settings.legal_download_timeout)
        batch = sources.load(documents, laws)
        if not batch.articles:
            raise LegalImportError("no legal articles found in what was given")
        with Ledger.open() as ledger, ledger.engine.begin() as connection:
            counts = legal_store.save_articles(connection, batch.articles)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    for path in skipped:
        err.print(f"skipped {path}: not an official legal text")
    for corrigendum in batch.corrigenda:
        err.print(f"applied corrigendum {corrigendum}")
    summary = ", ".join(
        f"{law_name} ({language}) {count}" for (law_name, language), count in batch.laws().items()
    )
    err.print(
        f"imported {summary}: {counts.inserted} new, {counts.updated} replaced, {counts.unchanged} unchanged"
    )


@app.command("show")
def show(
    citation: Annotated[
        str, typer.Argument(help='A citation: "Art. 15 DSGVO", "§ 7 Abs. 3 UWG", "recital 47".')
    ],
    lang: Annotated[
        Language | None, typer.Option("--lang", help="Text of the regulation in de or en.")
    ] = None,
    output: Annotated[Output, typer.Option("--format", help="text or json.")] = Output.TEXT,
) -> None:
    """Print the article a citation names: law, number, title, paragraphs, status, what it cites."""
    try:
        with Ledger.open() as ledger, ledger.engine.connect() as connection:
            article = legal_store.resolve(connection, citation, lang.value if lang else None)
    except AuskunftError as exc:
        raise _fail(str(exc)) from None
    if output is Output.JSON:
        out.print(json.dumps(article_dict(article), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(article_text(article), markup=False)


AUTHENTIC = (
    "Only the official publication is authentic: the Official Journal of the EU or the Bundesgesetzblatt."
)


def article_dict(article: LegalArticle) -> dict[str, object]:
    _ = translations(article.language).gettext
    return {
        "key": article.key,
        "law": article.law,
        "language": article.language,
        "kind": article.kind,
        "number": article.number,
        "title": article.title,
        "paragraphs": list(article.paragraphs),
        "stand": article.stand,
        "source_url": article.source_url,
        "breadcrumb": list(article.breadcrumb),
        "repealed": article.repealed,
        "cites": list(article.cites),
        "notice": _(AUTHENTIC),
    }


def article_text(article: LegalArticle) -> str:
    _ = translations(article.language).gettext
    sign = {"article": _("Art."), "paragraph": "§", "recital": _("Recital"), "annex": ""}[article.kind]
    heading = " ".join(part for part in (sign, article.number, article.law) if part)
    lines = [heading + (f" – {article.title}" if article.title else "")]
    if article.breadcrumb:
        lines.append(" › ".join(article.breadcrumb))
    if article.repealed:
        lines.append(_("(repealed)"))
    lines.append("")
    lines.extend(f"{paragraph}\n" for paragraph in article.paragraphs)
    if article.stand:
        lines.append(f"{_('Status of the text')}: {article.stand}")
    if article.source_url:
        lines.append(f"{_('Official source')}: {article.source_url}")
    if article.cites:
        lines.append(f"{_('Cites')}: {', '.join(article.cites)}")
    lines.append(_(AUTHENTIC))
    return "\n".join(lines)


# `auskunft legal search` lives with the search engine (knowledge/search_cli.py).
from auskunft.knowledge.search_cli import legal_search  # noqa: E402

app.command("search")(legal_search)
