"""Helpers of the legal-text tests: the official samples, the reference JSONL, a local "official" server."""

from __future__ import annotations

import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from auskunft.knowledge.legal.download import OFFICIAL_SOURCES

SHARED = Path(__file__).resolve().parents[3] / "shared" / "legal"
OFFICIAL = SHARED / "official"
GII_FILES = {
    "bdsg_2018": "gii_BJNR209710017.xml",
    "uwg_2004": "gii_BJNR141400004.xml",
    "ttdsg": "gii_BJNR198210021.xml",
    "ddg": "gii_BJNR0950B0024.xml",
}
EU_FILES = {
    "L_2016119DE.01000101.xml": "gdpr_de_formex.xml",
    "L_2016314DE.01007201.xml": "gdpr_de_corr2016.xml",
    "L_2018127DE.01000201.xml": "gdpr_de_corr2018.xml",
    "32016R0679": "gdpr_en_oj.html",
}


def reference(name: str) -> list[dict[str, Any]]:
    """The ready-parsed records of ../shared/legal/<name>.jsonl (tests only; the product never reads them)."""
    with (SHARED / f"{name}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def normalise(text: str) -> str:
    """Whitespace runs within a line collapsed; line breaks kept."""
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))


def official_site(root: Path) -> Path:
    """A copy of the samples laid out like the official addresses (paths of download.OFFICIAL_SOURCES)."""
    for slug, name in GII_FILES.items():
        folder = root / slug
        folder.mkdir(parents=True)
        with zipfile.ZipFile(folder / "xml.zip", "w") as archive:
            archive.write(OFFICIAL / name, arcname=name.removeprefix("gii_"))
    for source in OFFICIAL_SOURCES:
        path = source.url.split("://", 1)[1].split("/", 1)[1]
        for suffix, name in EU_FILES.items():
            if path.endswith(suffix):
                target = root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(OFFICIAL / name, target)
    return root


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """A ThreadingHTTPServer on 127.0.0.1 serving `root`; yields its base address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
