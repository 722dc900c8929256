"""Download the official texts from their official addresses (urllib; a timeout on every request).

gesetze-im-internet.de publishes each law as `https://www.gesetze-im-internet.de/<slug>/xml.zip`. The
Publications Office of the EU serves the Official Journal's files from its repository (Cellar): the Formex
files under their OJ file names, and the XHTML of an act by its CELEX number with content negotiation
(docs/legal.md lists the addresses). The setting `legal_sources_url` replaces scheme and host of every
address, so a mirror, or a local test server laid out like the official sites, can stand in.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from auskunft.knowledge.legal.errors import DownloadFailed, LegalImportError
from auskunft.knowledge.legal.sources import MAX_BYTES, Document

USER_AGENT = "auskunft legal import (+https://github.com/auskunft)"


@dataclass(frozen=True, slots=True)
class Source:
    laws: tuple[str, ...]
    """The short names this file provides (for `--law`)."""
    url: str
    accept: str | None = None
    language: str | None = None


CELLAR = "https://publications.europa.eu/resource"
OFFICIAL_SOURCES: tuple[Source, ...] = (
    Source(("BDSG",), "https://www.gesetze-im-internet.de/bdsg_2018/xml.zip"),
    Source(("UWG",), "https://www.gesetze-im-internet.de/uwg_2004/xml.zip"),
    Source(("TDDDG",), "https://www.gesetze-im-internet.de/ttdsg/xml.zip"),
    Source(("DDG",), "https://www.gesetze-im-internet.de/ddg/xml.zip"),
    # DSGVO, German, Formex 4: OJ L 119, 4.5.2016; corrigenda OJ L 314, 22.11.2016, and OJ L 127, 23.5.2018.
    Source(
        ("DSGVO",), f"{CELLAR}/oj/JOL_2016_119_R_0001.DEU.fmx4.L_2016119DE.01000101.xml", "application/xml"
    ),
    Source(
        ("DSGVO",), f"{CELLAR}/oj/JOL_2016_314_R_0011.DEU.fmx4.L_2016314DE.01007201.xml", "application/xml"
    ),
    Source(
        ("DSGVO",), f"{CELLAR}/oj/JOL_2018_127_R_0002.DEU.fmx4.L_2018127DE.01000201.xml", "application/xml"
    ),
    # GDPR, English, OJ XHTML (CELEX 32016R0679), negotiated from the act's Cellar address.
    Source(("GDPR",), f"{CELLAR}/celex/32016R0679", "application/xhtml+xml", "eng"),
)


def sources_for(laws: set[str] | None) -> list[Source]:
    if not laws:
        return list(OFFICIAL_SOURCES)
    wanted = {law.upper() for law in laws}
    known = {law for source in OFFICIAL_SOURCES for law in source.laws}
    unknown = wanted - known
    if unknown:
        raise LegalImportError(f"unknown law {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    return [source for source in OFFICIAL_SOURCES if wanted & set(source.laws)]


def address(url: str, base: str | None) -> str:
    """`url` with scheme and host replaced by those of `base` (and `base`'s path put in front)."""
    if not base:
        return url
    official, mirror = urlsplit(url), urlsplit(base)
    path = mirror.path.rstrip("/") + official.path
    return urlunsplit((mirror.scheme, mirror.netloc, path, official.query, ""))


def fetch(source: Source, base: str | None, timeout: float) -> Document:
    """The file at the (possibly mirrored) address; `DownloadFailed` on any HTTP or network error."""
    url = address(source.url, base)
    headers = {"User-Agent": USER_AGENT}
    if source.accept:
        headers["Accept"] = source.accept
    if source.language:
        headers["Accept-Language"] = source.language
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked in download())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https/http only)
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise DownloadFailed(f"{url}: HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadFailed(f"{url}: {reason}") from error
    if len(data) > MAX_BYTES:
        raise DownloadFailed(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB, not an official text")
    if not data.strip():
        raise DownloadFailed(f"{url}: the answer was empty")
    return Document(name=url, data=data, url=source.url)


def download(laws: set[str] | None, base: str | None, timeout: float) -> list[Document]:
    if base and urlsplit(base).scheme not in ("http", "https"):
        raise LegalImportError(f"legal_sources_url must be an http(s) address, not {base!r}")
    return [fetch(source, base, timeout) for source in sources_for(laws)]
