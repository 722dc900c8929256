"""The picture of one person's data flow: sources → data categories → recipients, laid out for SVG.

Pure layout: three columns of boxes and the curves between them, drawn by `flow.svg.j2` on the server
(no script, no third-party library). Solid curves to a recipient mean data of this person were passed
on; dashed ones that the register names the recipient for that category.
"""

from __future__ import annotations

from dataclasses import dataclass

from auskunft.answer.model import Answer

COLUMN_X = (8, 336, 664)
BOX_WIDTH = 228
BOX_HEIGHT = 36
GAP = 10
TOP = 34
WIDTH = 900
MAX_LABEL = 32


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    column: int
    x: int
    y: int
    label: str
    """Shortened to fit the box."""
    full: str
    detail: str


@dataclass(frozen=True, slots=True)
class Edge:
    path: str
    solid: bool


@dataclass(frozen=True, slots=True)
class Flow:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT

    @property
    def empty(self) -> bool:
        return not self.nodes


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _curve(a: Node, b: Node) -> str:
    x1, y1 = a.x + BOX_WIDTH, a.y + BOX_HEIGHT // 2
    x2, y2 = b.x, b.y + BOX_HEIGHT // 2
    middle = (x1 + x2) // 2
    return f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}"


def layout(answer: Answer) -> Flow:
    sources: dict[str, tuple[str, set[str]]] = {}
    for summary in answer.sources:
        ref = summary.source
        label = ref.name or ref.channel_label or ref.kind_label
        detail = ref.kind_label if label != ref.kind_label else ""
        _, cats = sources.setdefault(label, (detail, set()))
        cats.update(summary.categories)
    categories = [(c.key, c.label) for c in answer.categories]
    recipients = [
        (r.recipient.name, r.recipient.role_label, set(r.categories), r.disclosed) for r in answer.recipients
    ]
    columns: list[list[tuple[str, str, str]]] = [
        [(f"s:{label}", label, detail) for label, (detail, _) in sources.items()],
        [(f"c:{key}", label, "") for key, label in categories],
        [(f"r:{name}", name, role) for name, role, _, _ in recipients],
    ]
    tallest = max((len(column) for column in columns), default=0)
    height = TOP + tallest * (BOX_HEIGHT + GAP) + GAP
    nodes: dict[str, Node] = {}
    for index, column in enumerate(columns):
        offset = (tallest - len(column)) * (BOX_HEIGHT + GAP) // 2
        for row, (key, label, detail) in enumerate(column):
            y = TOP + offset + row * (BOX_HEIGHT + GAP)
            nodes[key] = Node(key, index, COLUMN_X[index], y, _short(label), label, detail)
    edges: list[Edge] = []
    for label, (_, cats) in sources.items():
        for key in sorted(cats):
            if f"c:{key}" in nodes:
                edges.append(Edge(_curve(nodes[f"s:{label}"], nodes[f"c:{key}"]), True))
    for name, _, cats, disclosed in recipients:
        for key in sorted(cats):
            if f"c:{key}" in nodes:
                edges.append(Edge(_curve(nodes[f"c:{key}"], nodes[f"r:{name}"]), disclosed))
    return Flow(WIDTH, height if nodes else 0, list(nodes.values()), edges)
