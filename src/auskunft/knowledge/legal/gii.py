"""gesetze-im-internet.de XML (DTD "gii-norm"): one `<norm>` per §, heading norm, structure headings, annexes.

Layout of a file (the download `https://www.gesetze-im-internet.de/<slug>/xml.zip` holds exactly one):

    dokumente
    ├── norm            the law itself: jurabk, amtabk, langue, standangabe (typ "Stand": status of the text)
    ├── norm            a structure heading: gliederungseinheit (kennzahl "010", "010020", ...; bez, titel)
    └── norm            a § or annex: enbez ("§ 7", "Anhang", "(XXXX) §§ 17 u. 18"), titel, Content
                        Content: P (one Absatz) with DL/DT/DD/LA lists, Title, BR; fussnoten: editorial notes

Each `P` becomes one paragraph; list items start a new line ("1. ...", nested lists indented by two spaces).
"""

from __future__ import annotations

from lxml import etree

from auskunft.knowledge.legal.model import Kind, LegalArticle
from auskunft.knowledge.legal.text import Lines, collapse

LAW_ALIASES = {"TTDSG": "TDDDG", "TMG": "DDG"}
"""Abbreviations a file may still carry for a law that was renamed (TTDSG → TDDDG on 14.5.2024)."""

SLUGS = {
    "BJNR209710017": "bdsg_2018",
    "BJNR141400004": "uwg_2004",
    "BJNR198210021": "ttdsg",
    "BJNR0950B0024": "ddg",
}
"""Document numbers of the laws auskunft knows, and their folder on gesetze-im-internet.de."""

BASE_URL = "https://www.gesetze-im-internet.de"


def is_gii(root: etree._Element) -> bool:
    return root.tag == "dokumente" and root.find("norm") is not None


def parse(root: etree._Element) -> list[LegalArticle]:
    """All §§ and annexes of one gii-norm document, in document order."""
    norms = root.findall("norm")
    head = norms[0].find("metadaten")
    assert head is not None
    law = law_name(head)
    stand = _stand(head)
    slug = SLUGS.get(root.get("doknr") or "")
    articles: list[LegalArticle] = []
    trail: list[str] = []
    for norm in norms[1:]:
        meta = norm.find("metadaten")
        if meta is None:
            continue
        unit = meta.find("gliederungseinheit")
        if unit is not None:
            level = max(1, len((unit.findtext("gliederungskennzahl") or "").strip()) // 3)
            heading = collapse(
                " ".join(_text(unit.find(name)) for name in ("gliederungsbez", "gliederungstitel"))
            )
            trail = [*trail[: level - 1], heading]
            continue
        label = collapse(meta.findtext("enbez") or "")
        if not label or label == "Inhaltsübersicht":
            continue
        title = collapse(_text(meta.find("titel"))) or None
        repealed = label.startswith("(XXXX)") or title == "(weggefallen)"
        label = label.removeprefix("(XXXX)").strip()
        kind: Kind = "paragraph" if label.startswith("§") else "annex"
        number = label.lstrip("§").strip() if kind == "paragraph" else label
        content = norm.find("textdaten/text/Content")
        articles.append(
            LegalArticle(
                law=law,
                language="de",
                kind=kind,
                number=number,
                title=title,
                paragraphs=() if content is None else paragraphs(content),
                stand=stand,
                source_url=_url(slug, kind, number),
                breadcrumb=tuple(trail),
                repealed=repealed,
            )
        )
    return articles


def law_name(head: etree._Element) -> str:
    """The short name the public cites: amtabk if present, else jurabk without its year ("UWG 2004" → UWG)."""
    name = collapse(head.findtext("amtabk") or "") or collapse(head.findtext("jurabk") or "").split(" ")[0]
    return LAW_ALIASES.get(name, name)


def paragraphs(content: etree._Element) -> tuple[str, ...]:
    rendered = []
    for child in content:
        if child.tag in ("P", "Title"):
            lines = Lines()
            _inline(child, lines, 0)
            text = lines.text()
            if text:
                rendered.append(text)
    return tuple(rendered)


def _inline(element: etree._Element, lines: Lines, depth: int) -> None:
    lines.write(element.text)
    for child in element:
        if not isinstance(child.tag, str) or child.tag in ("FnR", "Footnotes"):
            lines.write(child.tail)
            continue
        if child.tag == "DL":
            _list(child, lines, depth)
            if child.tail and child.tail.strip():
                lines.newline(depth)
        elif child.tag == "BR":
            lines.newline(depth)
        else:
            _inline(child, lines, depth)
        lines.write(child.tail)


def _list(dl: etree._Element, lines: Lines, depth: int) -> None:
    for child in dl:
        if child.tag == "DT":
            lines.newline(depth)
            lines.write(_text(child))
            lines.write(" ")
        elif child.tag == "DD":
            first = True
            for part in child:
                if part.tag == "LA":
                    if not first:
                        lines.newline(depth + 1)
                    _inline(part, lines, depth + 1)
                    first = False
                elif isinstance(part.tag, str):
                    _inline(part, lines, depth + 1)


def _stand(head: etree._Element) -> str | None:
    for entry in head.findall("standangabe"):
        if collapse(entry.findtext("standtyp") or "") == "Stand":
            return collapse(entry.findtext("standkommentar") or "") or None
    return None


def _url(slug: str | None, kind: Kind, number: str) -> str | None:
    if slug is None:
        return None
    if kind == "paragraph" and " " not in number:
        return f"{BASE_URL}/{slug}/__{number}.html"
    return f"{BASE_URL}/{slug}/"


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(str(text) for text in element.itertext())
